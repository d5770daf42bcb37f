package distribution_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/replies"
)

// answerEnv is a client whose lead got the first email and wrote back.
type answerEnv struct {
	*env
	client *outbound.Client
	lead   outbound.LeadID
	sent   outbound.Touch
}

func newAnswerEnv(t *testing.T, mode outbound.AnswerMode, opts ...option) answerEnv {
	t.Helper()
	e := newEnv(t, opts...)
	c := e.signup("growth", "Australia/Sydney")
	require.NoError(t, e.svc.SetAnswers(e.ctx, c.ID, mode, "https://cal.com/acme/intro?metadata[lead]={lead}"))
	camp := e.campaign(c)
	res := e.importLeads(camp, hot(1))
	e.plan()
	sent := e.sendStep(primary(e.schedule(res.Enrolled[0]))[1])
	return answerEnv{env: e, client: c, lead: res.Enrolled[0], sent: sent}
}

// reply delivers the lead's reply to the first email, an hour after it.
func (a answerEnv) reply(id, body string) channel.Event {
	a.t.Helper()
	x := ev(a.sent, channel.EventReplied, a.clock.Now().Add(time.Hour))
	x.ProviderEventID, x.Body = id, body
	x.Metadata = map[string]string{"subject": "Re: A quick idea for Acme 1"}
	a.clock.Set(x.At)
	require.True(a.t, a.handle(x))
	return x
}

// answers returns the lead's answer touches.
func (a answerEnv) answers() []outbound.Touch {
	var out []outbound.Touch
	for _, tc := range a.schedule(a.lead) {
		if tc.IsAnswer() {
			out = append(out, tc)
		}
	}
	return out
}

// A client that answers automatically sends the lead who asks for a
// meeting its booking link, threaded, from the mailbox the lead wrote to,
// after a human-like delay inside the window; once, however often the
// reply is delivered.
func TestAnswerSentAutomatically(t *testing.T) {
	t.Parallel()
	a := newAnswerEnv(t, outbound.AnswerAuto)
	x := a.reply("r1", "Could we set up a call next week?")
	require.True(t, a.handle(x) == false, "a redelivery changes nothing")

	as := a.answers()
	require.Len(t, as, 1)
	ans := as[0]
	require.Equal(t, outbound.TouchScheduled, ans.Status)
	require.Equal(t, a.sent.Resource, ans.Resource, "from the mailbox the lead wrote to")
	require.GreaterOrEqual(t, ans.ScheduledAt.Sub(x.At), distribution.DefaultAnswerDelayMin)
	require.Equal(t, "Re: A quick idea for Acme 1", ans.Subject)
	require.Contains(t, ans.Body, "https://cal.com/acme/intro?metadata[lead]="+a.lead.String())
	require.Contains(t, ans.Body, "Hi Ann,")

	a.runUntil(ans.ScheduledAt.Add(72*time.Hour), 1)
	got := a.touch(ans.ID)
	require.Equal(t, outbound.TouchSent, got.Status, got.Reason)
	syd := mustLoc(t, "Australia/Sydney")
	h := got.SentAt.In(syd).Hour()
	require.True(t, h >= 9 && h < 11, "inside the email window: %s", local(got.SentAt, syd))
	m, ok := a.fakes[channel.Email].SentKey(ans.ID.String())
	require.True(t, ok)
	require.Equal(t, a.sent.ProviderRef, m.Message.ThreadRef, "threaded on the conversation")
	require.Equal(t, ans.Subject, m.Message.Subject)
	require.Contains(t, m.Message.Body, "metadata[lead]="+a.lead.String())
	require.NotEmpty(t, m.Message.Headers["List-Unsubscribe"])
	require.Equal(t, outbound.EnrollmentReplied, a.enrollment(a.lead).State, "the sequence stays stopped")
	n := 0
	for _, s := range a.fakes[channel.Email].SentTo(hot(1).Email) {
		if s.Message.Metadata["step"] == "0" {
			n++
		}
	}
	require.Equal(t, 1, n, "one answer sent")
	require.Equal(t, 1, a.svc.Counters().Answered)
}

// One message of ours is answered once: a second reply to it, or a reply
// to the answer, is a person's to take up.
func TestAnswerOncePerConversation(t *testing.T) {
	t.Parallel()
	a := newAnswerEnv(t, outbound.AnswerAuto)
	a.reply("r1", "Could we set up a call next week?")
	a.reply("r2", "Also, do you work with teams in New Zealand?")
	as := a.answers()
	require.Len(t, as, 1, "one answer to one message")
	a.runUntil(as[0].ScheduledAt.Add(72*time.Hour), 1)
	ans := a.touch(as[0].ID)
	require.Equal(t, outbound.TouchSent, ans.Status)
	x := ev(*ans, channel.EventReplied, a.clock.Now())
	x.Body = "Great, thanks. Tell me more about pricing?"
	require.True(t, a.handle(x))
	require.Len(t, a.answers(), 1, "a reply to the answer is not answered")
}

// By default an answer waits as a draft: nothing goes until the client
// approves it (with its edits); a discarded draft never goes.
func TestAnswerDraftApprovedOrDiscarded(t *testing.T) {
	t.Parallel()
	a := newAnswerEnv(t, "")
	a.reply("r1", "Sounds interesting, tell me more.")
	drafts, err := a.svc.Drafts(a.ctx, a.client.ID)
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	d := drafts[0]
	require.Equal(t, outbound.TouchDraft, d.Status)
	require.Contains(t, d.Body, "glad it caught your eye")

	a.runUntil(a.clock.Now().Add(72*time.Hour), 1)
	require.Equal(t, outbound.TouchDraft, a.touch(d.ID).Status, "a draft is never sent as it is")

	err = a.svc.ApproveDraft(a.ctx, d.ID, &replies.Answer{Body: " "})
	require.ErrorIs(t, err, outbound.ErrInvalid)
	require.ErrorContains(t, err, "Body")
	require.NoError(t, a.svc.ApproveDraft(a.ctx, d.ID, &replies.Answer{Body: "Hi Ann, here is the deck.", Subject: "The deck"}))
	require.ErrorIs(t, a.svc.ApproveDraft(a.ctx, d.ID, nil), distribution.ErrNotDraft)
	a.runUntil(a.clock.Now().Add(72*time.Hour), 1)
	got := a.touch(d.ID)
	require.Equal(t, outbound.TouchSent, got.Status, got.Reason)
	m, ok := a.fakes[channel.Email].SentKey(d.ID.String())
	require.True(t, ok)
	require.Equal(t, "The deck", m.Message.Subject)
	require.True(t, strings.HasPrefix(m.Message.Body, "Hi Ann, here is the deck."))
	require.Equal(t, 1, a.svc.Counters().Drafted)
	require.Equal(t, 1, a.svc.Counters().Answered)

	b := newAnswerEnv(t, outbound.AnswerDraft)
	b.reply("r1", "Sounds interesting, tell me more.")
	drafts, err = b.svc.Drafts(b.ctx, b.client.ID)
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	require.NoError(t, b.svc.DiscardDraft(b.ctx, drafts[0].ID))
	require.ErrorIs(t, b.svc.DiscardDraft(b.ctx, drafts[0].ID), distribution.ErrNotDraft)
	b.runUntil(b.clock.Now().Add(72*time.Hour), 1)
	got = b.touch(drafts[0].ID)
	require.Equal(t, outbound.TouchCancelled, got.Status)
	require.Equal(t, outbound.ReasonDiscarded, got.Reason)
	_, ok = b.fakes[channel.Email].SentKey(drafts[0].ID.String())
	require.False(t, ok)
}

// Nobody is answered who must not be: an unsubscribe, an absence notice,
// a client whose answers are off; an answer waiting is withdrawn when the
// lead books a meeting or opts out before it goes.
func TestAnswerNotSent(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		mode outbound.AnswerMode
		body string
	}{
		{"unsubscribe", outbound.AnswerAuto, "Please remove me from your list."},
		{"out of office", outbound.AnswerAuto, "I am out of the office until Monday 16 March."},
		{"not interested", outbound.AnswerAuto, "Not interested, thanks."},
		{"answers off", outbound.AnswerOff, "Could we set up a call next week?"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := newAnswerEnv(t, c.mode)
			a.reply("r1", c.body)
			require.Empty(t, a.answers())
		})
	}
	t.Run("meeting booked meanwhile", func(t *testing.T) {
		t.Parallel()
		a := newAnswerEnv(t, outbound.AnswerAuto)
		a.reply("r1", "Could we set up a call next week?")
		require.Len(t, a.answers(), 1)
		_, err := a.svc.HandleMeeting(a.ctx, outbound.MeetingEvent{Provider: "calcom", ProviderEventID: "b1", Type: outbound.MeetingBooked,
			Booking: "b1", Email: hot(1).Email, Start: a.clock.Now().Add(48 * time.Hour), At: a.clock.Now()})
		require.NoError(t, err)
		a.runUntil(a.clock.Now().Add(72*time.Hour), 1)
		got := a.touch(a.answers()[0].ID)
		require.Equal(t, outbound.TouchCancelled, got.Status)
		require.Equal(t, outbound.ReasonMeetingBooked, got.Reason)
	})
	t.Run("opted out meanwhile", func(t *testing.T) {
		t.Parallel()
		a := newAnswerEnv(t, outbound.AnswerAuto)
		a.reply("r1", "Could we set up a call next week?")
		out := ev(a.sent, channel.EventOptedOut, a.clock.Now().Add(time.Minute))
		require.True(t, a.handle(out))
		a.runUntil(a.clock.Now().Add(72*time.Hour), 1)
		got := a.touch(a.answers()[0].ID)
		require.Equal(t, outbound.TouchCancelled, got.Status)
		_, ok := a.fakes[channel.Email].SentKey(got.ID.String())
		require.False(t, ok)
	})
}

// failingResponder cannot write.
type failingResponder struct{}

func (failingResponder) Respond(context.Context, replies.Prompt) (replies.Answer, error) {
	return replies.Answer{}, context.DeadlineExceeded
}

// A responder that fails leaves the reply to be applied again: it is acted
// on (the sequence stops) and answered once the responder is back.
func TestAnswerResponderFailureRetried(t *testing.T) {
	t.Parallel()
	var fail = true
	e := newAnswerEnv(t, outbound.AnswerAuto, func(c *distribution.Config) {
		tpl, err := replies.NewTemplates(nil)
		require.NoError(t, err)
		c.Responder = replies.ResponderFunc(func(ctx context.Context, p replies.Prompt) (replies.Answer, error) {
			if fail {
				return failingResponder{}.Respond(ctx, p)
			}
			return tpl.Respond(ctx, p)
		})
	})
	x := ev(e.sent, channel.EventReplied, e.clock.Now().Add(time.Hour))
	x.Body = "Could we set up a call next week?"
	e.clock.Set(x.At)
	_, err := e.svc.HandleEvent(e.ctx, x)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, outbound.EnrollmentReplied, e.enrollment(e.lead).State)
	require.Empty(t, e.answers())
	fail = false
	ok, err := e.svc.HandleEvent(e.ctx, x)
	require.NoError(t, err)
	require.True(t, ok)
	require.Len(t, e.answers(), 1)
}

// Bad answer settings are refused naming the field and the value.
func TestAnswerSettingsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	for _, tt := range []struct {
		mode  outbound.AnswerMode
		link  string
		field string
		value string
	}{
		{"sometimes", "", "answers", "sometimes"},
		{outbound.AnswerAuto, "cal.com/acme", "booking_url", "cal.com/acme"},
		{outbound.AnswerAuto, "ftp://cal.com/acme", "booking_url", "ftp://cal.com/acme"},
	} {
		err := e.svc.SetAnswers(e.ctx, c.ID, tt.mode, tt.link)
		require.ErrorIs(t, err, outbound.ErrInvalid, tt.field)
		require.ErrorContains(t, err, tt.field)
		require.ErrorContains(t, err, tt.value)
	}
	got, err := e.store.GetClient(e.ctx, c.ID)
	require.NoError(t, err)
	require.Empty(t, got.Answers, "nothing changed")
	for _, cfg := range []distribution.Config{
		{Store: e.store, Answers: "sometimes"},
		{Store: e.store, AnswerDelay: distribution.AnswerDelay{Min: time.Hour, Max: time.Minute}},
	} {
		_, err := distribution.New(cfg)
		require.ErrorIs(t, err, outbound.ErrInvalid)
	}
}
