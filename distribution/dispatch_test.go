package distribution_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

func TestDispatchSendsEachTouchOnceAtItsSlot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	res := e.importLeads(camp, hot(1))
	e.plan()
	planned := e.schedule(res.Enrolled[0])
	e.runUntil(start.AddDate(0, 0, 20), 4)
	ts := e.schedule(res.Enrolled[0])
	require.Len(t, ts, 5)
	for i, tt := range ts {
		require.Equal(t, outbound.TouchSent, tt.Status, "touch %d: %s", i, tt.Reason)
		require.Equal(t, planned[i].ScheduledAt, tt.SentAt, "sent at its slot")
		require.Equal(t, 1, tt.Attempts)
		f := e.fakes[tt.Channel]
		s := channeltest.RequireSent(t, f, tt.ID.String())
		require.Equal(t, tt.Action, s.Message.ResolvedAction())
		require.Equal(t, s.Receipt.ProviderMessageID, tt.ProviderRef)
		require.Equal(t, tt.ID.String(), s.Message.Metadata["touch"])
		if tt.Channel == channel.Email {
			require.Contains(t, s.Message.Header("List-Unsubscribe"), "mailto:")
			require.Contains(t, s.Message.Body, "unsubscribe")
		}
		if tt.Channel == channel.SMS {
			require.Contains(t, s.Message.Body, "Reply STOP to opt out")
		}
	}
	// The follow-up email threads on the first.
	s4 := channeltest.RequireSent(t, e.fakes[channel.Email], ts[3].ID.String())
	require.Equal(t, ts[0].ProviderRef, s4.Message.ThreadRef)
	for _, k := range channel.Kinds() {
		for _, a := range e.fakes[k].Attempts() {
			require.False(t, a.Duplicate)
		}
	}
}

// dueAt sets the clock to the scheduled instant of a touch.
func (e *env) at(t outbound.Touch) { e.clock.Set(t.ScheduledAt) }

// setup1 is one hot Sydney lead on the growth plan, planned.
func setup1(t *testing.T, opts ...option) (*env, []outbound.Touch) {
	e := newEnv(t, opts...)
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1))
	e.plan()
	return e, e.schedule(res.Enrolled[0])
}

func TestDispatchRetriesWithBackoffThenFallsBack(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	voice := ts[1]
	require.Equal(t, channel.Voice, voice.Channel)
	fail := channeltest.Fail(channel.Retryable(errors.New("503")))
	e.fakes[channel.Voice].Script(fail, fail, channeltest.Fail(channel.RateLimited(10*time.Minute, errors.New("429"))), fail, fail)
	e.at(voice)
	var delays []time.Duration
	for range 5 {
		before := e.clock.Now()
		_, err := e.svc.Dispatch(e.ctx, "w")
		require.NoError(t, err)
		got := e.touch(voice.ID)
		if got.Status != outbound.TouchScheduled {
			break
		}
		delays = append(delays, got.ScheduledAt.Sub(before))
		e.clock.Set(got.ScheduledAt)
	}
	// 1, 2 minutes of exponential backoff, then the provider's 10 minutes,
	// then 8 minutes (the fourth backoff step); the fifth attempt is the last.
	require.Equal(t, []time.Duration{time.Minute, 2 * time.Minute, 10 * time.Minute, 8 * time.Minute}, delays)
	got := e.touch(voice.ID)
	require.Equal(t, outbound.TouchFailed, got.Status)
	require.Equal(t, 5, got.Attempts)
	require.Equal(t, outbound.ReasonRetriesExhausted, got.Reason.Code())
	channeltest.RequireNotSent(t, e.fakes[channel.Voice], voice.ID.String())
	// The step's fallback (email) waits for the planner, which places it at
	// the next email window.
	require.Equal(t, outbound.TouchPending, fallbackOf(t, e, voice).Status)
	e.plan()
	fb := fallbackOf(t, e, voice)
	require.Equal(t, channel.Email, fb.Channel)
	require.Equal(t, outbound.FallbackReason(outbound.ReasonRetriesExhausted), fb.Reason)
	require.True(t, fb.ScheduledAt.After(e.clock.Now()))
	require.Equal(t, 1, e.svc.Counters().Fallbacks[outbound.ReasonRetriesExhausted])
}

// fallbackOf returns the fallback touch planned for a touch.
func fallbackOf(t *testing.T, e *env, of outbound.Touch) outbound.Touch {
	t.Helper()
	for _, tc := range e.schedule(of.Lead) {
		if tc.Step == of.Step && tc.ID != of.ID && tc.Channel == e.stepFallback(of.Step) {
			return tc
		}
	}
	t.Fatalf("no fallback for step %d", of.Step)
	return outbound.Touch{}
}

func (e *env) stepFallback(step int) channel.Kind {
	st, _ := e.cfg.Sequence.WithDefaults().Step(step)
	if len(e.cfg.Sequence.Steps) == 0 {
		st, _ = sequence.Default().Step(step)
	}
	return st.Fallback
}

func TestDispatchPermanentAndOptedOutFailures(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		step     int
		err      error
		suppress bool
	}{
		{"permanent call", 2, channel.Permanent(errors.New("invalid number")), false},
		{"text to an opted-out number", 5, channel.OptedOut(errors.New("21610")), true},
	} {
		e, ts := setup1(t)
		tc := ts[tt.step-1]
		e.fakes[tc.Channel].Script(channeltest.Fail(tt.err))
		e.at(tc)
		_, err := e.svc.Dispatch(e.ctx, "w")
		require.NoError(t, err)
		got := e.touch(tc.ID)
		require.Equal(t, outbound.TouchFailed, got.Status, tt.name)
		require.Equal(t, 1, got.Attempts, tt.name)
		fb := fallbackOf(t, e, tc)
		require.Equal(t, channel.Email, fb.Channel, tt.name)
		supp, err := e.store.Suppressed(e.ctx, storage.SuppressionQuery{Client: tc.Client, Lead: tc.Lead, Channel: tc.Channel})
		require.NoError(t, err)
		require.Equal(t, tt.suppress, supp, tt.name)
		// The capacity went back.
		bs, err := e.store.ListBookings(e.ctx, outbound.ClientID{})
		require.NoError(t, err)
		for _, b := range bs {
			require.False(t, b.Resource == tc.Resource && b.Action == tc.Action && b.Day == tc.Day, "booking of the failed touch released")
		}
	}
}

func TestDispatchUnclassifiedVoiceFailureIsUncertainNeverResent(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	voice := ts[1]
	e.fakes[channel.Voice].Script(channeltest.Fail(errors.New("connection reset")))
	e.at(voice)
	_, err := e.svc.Dispatch(e.ctx, "w")
	require.NoError(t, err)
	got := e.touch(voice.ID)
	require.Equal(t, outbound.TouchUncertain, got.Status)
	e.runUntil(start.AddDate(0, 0, 20), 2)
	require.Len(t, e.fakes[channel.Voice].Attempts(), 1, "never sent again")
	// An unclassified email failure is retried (at least once with the key).
	e2, ts2 := setup1(t)
	e2.fakes[channel.Email].Script(channeltest.Fail(errors.New("timeout")))
	e2.at(ts2[0])
	_, err = e2.svc.Dispatch(e2.ctx, "w")
	require.NoError(t, err)
	require.Equal(t, outbound.TouchScheduled, e2.touch(ts2[0].ID).Status)
}

func TestDispatchLateClaimRebooksInTheNextWindow(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	email := ts[0]
	syd := mustLoc(t, "Australia/Sydney")
	// The workers were down all Monday: claimed at 12:00, past 09–11.
	e.clock.Set(time.Date(2026, 3, 2, 12, 0, 0, 0, syd))
	_, err := e.svc.Dispatch(e.ctx, "w")
	require.NoError(t, err)
	// The worker hands it back; the planner's pass books it again.
	require.Equal(t, outbound.TouchPending, e.touch(email.ID).Status)
	e.plan()
	got := e.touch(email.ID)
	require.Equal(t, outbound.TouchScheduled, got.Status)
	at := got.ScheduledAt.In(syd)
	require.Equal(t, "2026-03-03", at.Format("2006-01-02"))
	require.True(t, at.Hour() >= 9 && at.Hour() < 11, at)
	require.Equal(t, dayIn(got.ScheduledAt, syd), got.Day, "booked on its new day")
	bs, err := e.store.ListBookings(e.ctx, outbound.ClientID{})
	require.NoError(t, err)
	for _, b := range bs {
		if b.Resource == got.Resource && b.Action == channel.ActionEmail {
			require.NotEqual(t, email.Day, b.Day, "the old day's booking is released")
		}
	}
	require.Equal(t, 1, e.svc.Counters().Deferrals[outbound.ReasonWindowPassed])
	channeltest.RequireNotSent(t, e.fakes[channel.Email], email.ID.String())
	// Step 2 was planned 3 days after Monday; Tuesday's send pushes it to
	// keep its gap.
	later := primary(e.schedule(email.Lead))
	require.Equal(t, "2026-03-06", later[2].ScheduledAt.In(syd).Format("2006-01-02"))
}

func TestDispatchComplianceAtSendTime(t *testing.T) {
	t.Parallel()
	// Opted out of SMS after planning: the text is cancelled and the step
	// falls back to email.
	e, ts := setup1(t)
	sms := ts[4]
	require.NoError(t, e.store.AddSuppression(e.ctx, &outbound.Suppression{Client: sms.Client, Lead: sms.Lead, Channel: channel.SMS, Reason: "opted_out", Since: start}))
	e.at(sms)
	_, err := e.svc.Dispatch(e.ctx, "w")
	require.NoError(t, err)
	got := e.touch(sms.ID)
	require.Equal(t, outbound.TouchCancelled, got.Status)
	require.Equal(t, outbound.ReasonSuppressed, got.Reason)
	require.Equal(t, channel.Email, fallbackOf(t, e, sms).Channel)
	channeltest.RequireCount(t, e.fakes[channel.SMS], 0)

	// The wash expired by the call (validity 2 days here, no re-wash):
	// skipped, email instead.
	e2, ts2 := setup1(t, func(c *distribution.Config) {
		c.Policy.DNCRValidity = 4 * 24 * time.Hour
		c.DNCRRewashWithin = time.Hour
	})
	call := ts2[1]
	require.Equal(t, channel.Voice, call.Channel)
	e2.clock.Set(start.Add(4 * 24 * time.Hour))
	_, err = e2.svc.Dispatch(e2.ctx, "w")
	require.NoError(t, err)
	got = e2.touch(call.ID)
	require.Equal(t, outbound.TouchSkipped, got.Status)
	require.Equal(t, outbound.ReasonDNCRUnwashed, got.Reason)
	require.Equal(t, channel.Email, fallbackOf(t, e2, call).Channel)
	channeltest.RequireCount(t, e2.fakes[channel.Voice], 0)

	// Registered at a re-wash: no call.
	e3, ts3 := setup1(t)
	call = ts3[1]
	e3.dncr.register("+61412340001")
	require.NoError(t, e3.store.PutWash(e3.ctx, outbound.WashResult{Phone: "+61412340001", Status: outbound.DNCRRegistered, WashedAt: e3.clock.Now().Add(time.Hour)}))
	e3.at(call)
	_, err = e3.svc.Dispatch(e3.ctx, "w")
	require.NoError(t, err)
	require.Equal(t, outbound.ReasonDNCRRegistered, e3.touch(call.ID).Reason)
}

func TestDispatchPausedDomainMovesToAnotherMailbox(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	email := ts[0]
	box, err := e.store.GetResource(e.ctx, email.Resource)
	require.NoError(t, err)
	dom, err := e.store.GetResource(e.ctx, box.Parent)
	require.NoError(t, err)
	dom.Paused, dom.PauseReason = true, "bounce rate"
	require.NoError(t, e.store.UpdateResource(e.ctx, dom))
	require.NoError(t, e.svc.Daily(e.ctx)) // the allocator learns of the pause
	e.at(email)
	e.dispatchAll(1)
	got := e.touch(email.ID)
	require.NotEqual(t, email.Resource, got.Resource)
	moved, err := e.store.GetResource(e.ctx, got.Resource)
	require.NoError(t, err)
	require.NotEqual(t, box.Parent, moved.Parent, "another domain's mailbox")
	e.runUntil(start.AddDate(0, 0, 1), 1)
	require.Equal(t, outbound.TouchSent, e.touch(email.ID).Status)
}

func TestDispatchSpacingHoldsOnLateClaims(t *testing.T) {
	t.Parallel()
	one := outbound.Plan{Name: "one", Domains: 1, LeadsPerMonth: 100}
	e := newEnv(t, func(c *distribution.Config) { c.Plans = []outbound.Plan{one} })
	camp := e.campaign(e.signup("one", "Australia/Sydney"))
	var rows []distribution.LeadInput
	for i := range 8 {
		in := hot(i)
		in.Score, in.Phone, in.LinkedIn = 25, "", ""
		rows = append(rows, in)
	}
	e.importLeads(camp, rows...)
	e.plan()
	ts, err := e.store.ListTouches(e.ctx, storage.TouchFilter{Status: outbound.TouchScheduled})
	require.NoError(t, err)
	// Everything of Monday comes due at once at the last Monday slot.
	var last time.Time
	for _, tc := range ts {
		if tc.Step == 1 && tc.ScheduledAt.After(last) {
			last = tc.ScheduledAt
		}
	}
	e.clock.Set(last)
	e.runUntil(start.AddDate(0, 0, 2), 4)
	byBox := map[outbound.ResourceID][]time.Time{}
	for _, s := range e.fakes[channel.Email].Sent() {
		tc := e.touch(mustTouchID(t, s.Message.IdempotencyKey))
		byBox[tc.Resource] = append(byBox[tc.Resource], tc.SentAt)
	}
	require.Len(t, e.fakes[channel.Email].Sent(), 8)
	for box, at := range byBox {
		slices.SortFunc(at, time.Time.Compare)
		for i := 1; i < len(at); i++ {
			require.GreaterOrEqual(t, at[i].Sub(at[i-1]), 3*time.Minute, "mailbox %s", box)
		}
	}
}

func mustTouchID(t *testing.T, s string) outbound.TouchID {
	t.Helper()
	id, err := outbound.ParseID[outbound.TouchID](s)
	require.NoError(t, err)
	return id
}

func TestCustomSequenceWithALetter(t *testing.T) {
	t.Parallel()
	seq := sequence.Sequence{Name: "letter-first", Steps: []sequence.Step{
		{Number: 1, Day: 0, Channel: channel.Mail, Fallback: channel.Email},
		{Number: 2, Day: 2, Channel: channel.Email},
	}}
	e := newEnv(t, func(c *distribution.Config) { c.Sequence = seq })
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	require.Equal(t, "letter-first", camp.Sequence)
	hotLead, warmLead := hot(1), hot(2)
	warmLead.Score = 70 // warm may not get mail: the email fallback
	res := e.importLeads(camp, hotLead, warmLead)
	e.plan()
	h, w := e.schedule(res.Enrolled[0]), e.schedule(res.Enrolled[1])
	require.Equal(t, channel.Mail, h[0].Channel)
	require.Equal(t, channel.ActionLetter, h[0].Action)
	require.Equal(t, channel.Email, w[0].Channel)
	require.Equal(t, outbound.FallbackReason(outbound.ReasonGated), w[0].Reason)
	next, ok, err := e.svc.NextDue(e.ctx)
	require.NoError(t, err)
	require.True(t, ok)
	first := h[0].ScheduledAt
	for _, tc := range []outbound.Touch{w[0], h[1], w[1]} {
		if tc.ScheduledAt.Before(first) {
			first = tc.ScheduledAt
		}
	}
	require.Equal(t, first, next)
	e.runUntil(start.AddDate(0, 0, 7), 1)
	letter := channeltest.RequireSent(t, e.fakes[channel.Mail], h[0].ID.String())
	require.Equal(t, []string{"1 George St"}, letter.Message.To.Postal.Lines)
	require.Equal(t, "AU", letter.Message.To.Postal.Country)
	c := e.svc.Counters()
	require.Equal(t, 1, c.Touches[channel.Mail][outbound.TouchSent])
	require.Equal(t, 3, c.Touches[channel.Email][outbound.TouchSent])
	require.Equal(t, 1, c.Fallbacks["gated"])
	_, ok, err = e.svc.NextDue(e.ctx)
	require.NoError(t, err)
	require.False(t, ok, "nothing left")
	require.NoError(t, e.svc.Daily(e.ctx))
	c = e.svc.Counters()
	require.Equal(t, 3, c.Capacity[outbound.KindMailbox].Used)
	require.Equal(t, 1, c.Capacity[outbound.KindMailSender].Used)
	require.GreaterOrEqual(t, c.Capacity[outbound.KindMailbox].Available, 3)
}

// A sequence may send postcards and letters: both go through the client's
// mail sender, under its one daily cap, and a postcard carries its own
// content.
func TestPostcardsAndLettersShareTheMailSendersCap(t *testing.T) {
	t.Parallel()
	seq := sequence.Sequence{Name: "mail", Steps: []sequence.Step{
		{Number: 1, Day: 0, Channel: channel.Mail, Action: channel.ActionPostcard},
		{Number: 2, Day: 1, Channel: channel.Mail, Action: channel.ActionLetter},
	}}
	e := newEnv(t, func(c *distribution.Config) {
		c.Sequence = seq
		c.Caps.Letter = allocator.Cap{Daily: 3}
	})
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	var rows []distribution.LeadInput
	for i := range 4 {
		rows = append(rows, hot(i))
	}
	res := e.importLeads(camp, rows...)
	require.Len(t, res.Enrolled, 4)
	e.plan()
	type day struct {
		r outbound.ResourceID
		d timing.Date
	}
	perDay := map[day]map[channel.Action]int{}
	ts, err := e.store.ListTouches(e.ctx, storage.TouchFilter{})
	require.NoError(t, err)
	for _, tc := range ts {
		if tc.Status != outbound.TouchScheduled {
			continue
		}
		require.Equal(t, channel.Mail, tc.Channel)
		k := day{tc.Resource, tc.Day}
		if perDay[k] == nil {
			perDay[k] = map[channel.Action]int{}
		}
		perDay[k][tc.Action]++
	}
	// Three postcards fill the first day; the three letters the next. The
	// fourth postcard, which found the first day full, does not take the
	// second either, though no postcard went out on it: the letters filled
	// the one cap.
	var full, lastCard timing.Date
	for k, n := range perDay {
		require.LessOrEqual(t, n[channel.ActionPostcard]+n[channel.ActionLetter], 3, "sender %s on %s", k.r, k.d)
		if n[channel.ActionLetter] == 3 {
			full = k.d
		}
		if n[channel.ActionPostcard] > 0 && k.d > lastCard {
			lastCard = k.d
		}
	}
	require.NotZero(t, full, "a day the letters filled: %v", perDay)
	require.Greater(t, lastCard, full, "a postcard pushed past the day the letters filled: %v", perDay)
	e.requireBookingsMatchTouches()

	e.runUntil(start.AddDate(0, 0, 10), 1)
	var cards int
	for _, s := range e.fakes[channel.Mail].Sent() {
		if s.Message.ResolvedAction() == channel.ActionPostcard {
			cards++
			require.Contains(t, s.Message.Body, "Worth a short call?")
		}
	}
	require.Equal(t, 4, cards)
	require.Equal(t, 8, e.svc.Counters().Touches[channel.Mail][outbound.TouchSent])
}

// A text that takes more than one billed part goes, and says so: the touch
// keeps the warning and the counters count it.
func TestLongSMSIsSentAndWarned(t *testing.T) {
	t.Parallel()
	seq := sequence.Sequence{Name: "sms", Steps: []sequence.Step{{Number: 1, Day: 0, Channel: channel.SMS}}}
	e := newEnv(t, func(c *distribution.Config) {
		c.Sequence = seq
		c.Content = func(ctx context.Context, in distribution.ContentInput, m *channel.Message) error {
			if err := distribution.DefaultContent(ctx, in, m); err != nil {
				return err
			}
			if in.Lead.ExternalID == "L2" {
				m.Body = strings.Repeat("A longer note than one part holds. ", 5) + m.Body
			}
			return nil
		}
	})
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1), hot(2))
	e.plan()
	e.runUntil(start.AddDate(0, 0, 3), 1)
	short, long := primary(e.schedule(res.Enrolled[0]))[1], primary(e.schedule(res.Enrolled[1]))[1]
	require.Equal(t, outbound.TouchSent, long.Status)
	require.Contains(t, long.Warning, "GSM-7 parts")
	require.Equal(t, outbound.TouchSent, short.Status)
	require.Empty(t, short.Warning)
	require.Equal(t, 1, e.svc.Counters().Warned[channel.SMS])
}
