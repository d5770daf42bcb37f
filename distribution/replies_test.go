package distribution_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/replies"
)

// What a reply says decides what the engine does with the lead, its
// colleague at the same company, and the people it names.
func TestReplyActedOnByWhatItSays(t *testing.T) {
	t.Parallel()
	syd := mustLoc(t, "Australia/Sydney")
	for _, c := range []struct {
		name, body string
		class      replies.Class
		state      outbound.EnrollmentState
		reason     outbound.Reason
		until      string // the local day the enrollment is paused until
		colleague  outbound.EnrollmentState
		suppressed outbound.Reason // the email suppression recorded for the lead
		referred   string          // the address of a lead the reply brought in
	}{
		{name: "interested", body: "Sounds interesting, tell me more.", class: replies.Interested,
			state: outbound.EnrollmentReplied, colleague: outbound.EnrollmentStopped},
		{name: "unsubscribe", body: "Please remove me from your list.", class: replies.Unsubscribe,
			state: outbound.EnrollmentReplied, colleague: outbound.EnrollmentStopped, suppressed: outbound.ReasonOptedOut},
		{name: "not now", body: "Not right now. Reach out again in Q3.", class: replies.NotNow,
			state: outbound.EnrollmentPaused, reason: outbound.ReasonNotNow, until: "2026-07-01", colleague: outbound.EnrollmentActive},
		{name: "not now, no date", body: "Not right now, sorry.", class: replies.NotNow,
			state: outbound.EnrollmentReplied, colleague: outbound.EnrollmentStopped},
		{name: "out of office", body: "I am out of the office until Monday 16 March.", class: replies.OutOfOffice,
			state: outbound.EnrollmentPaused, reason: outbound.ReasonOutOfOffice, until: "2026-03-16", colleague: outbound.EnrollmentActive},
		{name: "wrong person", body: "I'm not the right person for this.", class: replies.WrongPerson,
			state: outbound.EnrollmentStopped, reason: outbound.ReasonWrongPerson, colleague: outbound.EnrollmentActive},
		{name: "referral", body: "I'm not the right person, but Jane Smith (jane.smith@acme1.com.au) runs our growth team.", class: replies.Referral,
			state: outbound.EnrollmentStopped, reason: outbound.ReasonWrongPerson, colleague: outbound.EnrollmentActive, referred: "jane.smith@acme1.com.au"},
		{name: "bounce notice", body: "Delivery has failed to these recipients. The email address couldn't be found.", class: replies.BounceNotice,
			state: outbound.EnrollmentActive, colleague: outbound.EnrollmentActive, suppressed: outbound.ReasonHardBounce},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var read []distribution.Change
			e := newEnv(t, func(cfg *distribution.Config) {
				cfg.Hook = distribution.HookFunc(func(_ context.Context, ch distribution.Change) {
					if ch.Kind == distribution.ChangeReplyRead {
						read = append(read, ch)
					}
				})
			})
			camp := e.campaign(e.signup("growth", "Australia/Sydney"))
			a, b := hot(1), hot(2)
			b.CompanyDomain = a.CompanyDomain
			res := e.importLeads(camp, a, b)
			e.plan()
			sent := e.sendStep(primary(e.schedule(res.Enrolled[0]))[1])
			x := ev(sent, channel.EventReplied, e.clock.Now().Add(time.Hour))
			x.Body = c.body
			require.True(t, e.handle(x))

			en := e.enrollment(res.Enrolled[0])
			require.Equal(t, c.state, en.State)
			if c.reason != "" {
				require.Equal(t, c.reason, en.StopReason)
			}
			if c.until != "" {
				require.Equal(t, c.until, en.PausedUntil.In(syd).Format(time.DateOnly))
				for _, tc := range e.schedule(res.Enrolled[0]) {
					if tc.Status == outbound.TouchScheduled {
						require.False(t, tc.ScheduledAt.Before(en.PausedUntil), "step %d before the date", tc.Step)
					}
				}
			}
			require.Equal(t, c.colleague, e.enrollment(res.Enrolled[1]).State)
			sups, err := e.store.ListSuppressions(e.ctx, sent.Client)
			require.NoError(t, err)
			var got outbound.Reason
			for _, s := range sups {
				if (s.Lead == sent.Lead || s.Address == a.Email) && s.Channel == channel.Email && s.Active() {
					got = s.Reason
				}
			}
			require.Equal(t, c.suppressed, got)
			if c.referred != "" {
				l, err := e.store.FindLead(e.ctx, sent.Client, c.referred, "")
				require.NoError(t, err, "the referred person is a lead")
				require.Equal(t, "Jane", l.FirstName)
				require.Equal(t, a.CompanyDomain, l.CompanyDomain)
				require.Equal(t, outbound.EnrollmentActive, e.enrollment(l.ID).State)
			}
			// The reading is kept with the event and told to the hook.
			evs, err := e.store.ListEvents(e.ctx, sent.Client)
			require.NoError(t, err)
			var class string
			for _, r := range evs {
				if r.Type == channel.EventReplied && r.Lead == sent.Lead {
					class = r.Metadata[distribution.MetaReplyClass]
				}
			}
			require.Equal(t, string(c.class), class)
			require.Len(t, read, 1)
			require.Equal(t, outbound.Reason(c.class), read[0].Reason)
		})
	}
}

// failingClassifier cannot read replies.
type failingClassifier struct{}

func (failingClassifier) Classify(context.Context, replies.Reply) (replies.Classification, error) {
	return replies.Classification{}, errors.New("model unavailable")
}

// A reply the classifier cannot read fails, records nothing and changes
// nothing: the provider delivers it again.
func TestReplyClassifierFailureChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *distribution.Config) { c.Classifier = failingClassifier{} })
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1))
	e.plan()
	sent := e.sendStep(primary(e.schedule(res.Enrolled[0]))[1])
	x := ev(sent, channel.EventReplied, e.clock.Now().Add(time.Hour))
	x.Body = "Please remove me."
	_, err := e.svc.HandleEvent(e.ctx, x)
	require.ErrorContains(t, err, "model unavailable")
	require.Equal(t, outbound.EnrollmentActive, e.enrollment(res.Enrolled[0]).State)
	evs, err := e.store.ListEvents(e.ctx, sent.Client)
	require.NoError(t, err)
	require.Empty(t, evs)
}
