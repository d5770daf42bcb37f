package distribution_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// ev is an event about a touch, from the fake provider.
func ev(t outbound.Touch, typ channel.EventType, at time.Time) channel.Event {
	return channel.Event{Provider: "fake", ProviderEventID: t.ID.String() + "/" + string(typ), Type: typ, Kind: t.Channel,
		IdempotencyKey: t.ID.String(), At: at}
}

func (e *env) handle(x channel.Event) bool {
	e.t.Helper()
	ok, err := e.svc.HandleEvent(e.ctx, x)
	require.NoError(e.t, err)
	// The planner's pass books what the event asked for, as Run's leader
	// does after it.
	_, err = e.svc.Plan(e.ctx)
	require.NoError(e.t, err)
	return ok
}

// sendStep runs the clock to a step's touch and sends it.
func (e *env) sendStep(tc outbound.Touch) outbound.Touch {
	e.t.Helper()
	e.clock.Set(tc.ScheduledAt)
	e.dispatchAll(1)
	got := e.touch(tc.ID)
	require.Equal(e.t, outbound.TouchSent, got.Status, got.Reason)
	return *got
}

func TestEventsAreAppliedOnce(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	sent := e.sendStep(ts[0])
	x := ev(sent, channel.EventDelivered, e.clock.Now().Add(time.Minute))
	require.True(t, e.handle(x))
	require.Equal(t, outbound.TouchDelivered, e.touch(sent.ID).Status)
	require.False(t, e.handle(x), "the same provider event again")
	evs, err := e.store.ListEvents(e.ctx, outbound.ClientID{})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, sent.ID, evs[0].Touch)
	require.Equal(t, sent.Lead, evs[0].Lead)
	require.Equal(t, 1, e.svc.Counters().Events[channel.EventDelivered])
	// Matched by the provider's message ID alone.
	y := channel.Event{Provider: "fake", ProviderEventID: "x2", Type: channel.EventReplied, Kind: channel.Email,
		ProviderMessageID: sent.ProviderRef, At: e.clock.Now().Add(time.Hour)}
	require.True(t, e.handle(y))
	require.Equal(t, outbound.EnrollmentReplied, e.enrollment(sent.Lead).State)
	// An invalid event is refused.
	_, err = e.svc.HandleEvent(e.ctx, channel.Event{Provider: "fake"})
	require.ErrorIs(t, err, channel.ErrInvalid)
}

// Two processes on one store: B applies replies to sends A made, matched by
// the provider's message ID alone, and stops the colleagues A imported
// after B had already handled a reply: nothing B needs lives in A's memory.
func TestEventsMatchAcrossProcesses(t *testing.T) {
	t.Parallel()
	a := newEnv(t)
	camp := a.campaign(a.signup("growth", "Australia/Sydney"))
	x, y := hot(1), hot(2)
	res := a.importLeads(camp, hot(0), x, y)
	a.plan()
	cfg := a.cfg
	cfg.Test.NewID = seededIDs(99)
	b, err := distribution.New(cfg)
	require.NoError(t, err)

	s0, s1 := primary(a.schedule(res.Enrolled[0]))[1], primary(a.schedule(res.Enrolled[1]))[1]
	a.clock.Set(s0.ScheduledAt)
	if s1.ScheduledAt.After(s0.ScheduledAt) {
		a.clock.Set(s1.ScheduledAt)
	}
	a.dispatchAll(1)
	sent0, sent1 := a.touch(s0.ID), a.touch(s1.ID)
	for _, s := range []*outbound.Touch{sent0, sent1} {
		require.Equal(t, outbound.TouchSent, s.Status)
		require.NotEmpty(t, s.ProviderRef)
	}
	reply := func(id string, sent *outbound.Touch) {
		t.Helper()
		ok, err := b.HandleEvent(a.ctx, channel.Event{Provider: "fake", ProviderEventID: id, Type: channel.EventReplied,
			Kind: channel.Email, ProviderMessageID: sent.ProviderRef, At: a.clock.Now().Add(time.Minute)})
		require.NoError(t, err)
		require.True(t, ok)
	}
	reply("r0", sent0)
	require.Equal(t, outbound.EnrollmentReplied, a.enrollment(res.Enrolled[0]).State, "B matched A's send by its reference")

	// A imports a colleague of x (the domain in another case) after B's
	// first reply.
	colleague := hot(3)
	colleague.CompanyDomain = strings.ToUpper(x.CompanyDomain)
	late := a.importLeads(camp, colleague)
	require.Len(t, late.Enrolled, 1)
	a.plan()
	reply("r1", sent1)
	require.Equal(t, outbound.EnrollmentReplied, a.enrollment(res.Enrolled[1]).State)
	stopped := a.enrollment(late.Enrolled[0])
	require.Equal(t, outbound.EnrollmentStopped, stopped.State, "the colleague A imported is stopped by B")
	require.Equal(t, outbound.ReasonCompanyReplied, stopped.StopReason)
	require.Equal(t, outbound.EnrollmentActive, a.enrollment(res.Enrolled[2]).State, "another company goes on")

	// Both processes see the same next due touch.
	da, oka, err := a.svc.NextDue(a.ctx)
	require.NoError(t, err)
	db, okb, err := b.NextDue(a.ctx)
	require.NoError(t, err)
	require.Equal(t, oka, okb)
	require.True(t, da.Equal(db))
}

func TestReplyStopsTheLeadAndItsCompany(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		e := newEnv(t, func(c *distribution.Config) { c.ReplyKeepsCompany = keep })
		camp := e.campaign(e.signup("growth", "Australia/Sydney"))
		a, b, other := hot(1), hot(2), hot(3)
		b.CompanyDomain = a.CompanyDomain // a colleague
		res := e.importLeads(camp, a, b, other)
		e.plan()
		first := primary(e.schedule(res.Enrolled[0]))[1]
		sent := e.sendStep(first)
		require.True(t, e.handle(ev(sent, channel.EventReplied, e.clock.Now().Add(time.Hour))))
		en := e.enrollment(res.Enrolled[0])
		require.Equal(t, outbound.EnrollmentReplied, en.State)
		for _, tc := range e.schedule(res.Enrolled[0]) {
			require.NotEqual(t, outbound.TouchScheduled, tc.Status, "nothing left scheduled after a reply")
		}
		colleague := e.enrollment(res.Enrolled[1])
		if keep {
			require.Equal(t, outbound.EnrollmentActive, colleague.State)
		} else {
			require.Equal(t, outbound.EnrollmentStopped, colleague.State)
			require.Equal(t, outbound.ReasonCompanyReplied, colleague.StopReason)
			for _, tc := range e.schedule(res.Enrolled[1]) {
				require.NotEqual(t, outbound.TouchScheduled, tc.Status)
			}
		}
		require.Equal(t, outbound.EnrollmentActive, e.enrollment(res.Enrolled[2]).State, "another company goes on")
		require.Equal(t, 1, e.svc.Counters().Replies)
		// Nothing more goes to the replied lead.
		before := len(e.fakes[channel.Email].SentTo(a.Email))
		e.runUntil(start.AddDate(0, 0, 20), 2)
		require.Len(t, e.fakes[channel.Email].SentTo(a.Email), before)
	}
}

func TestOutOfOfficePausesUntilTheReturnDate(t *testing.T) {
	t.Parallel()
	syd := mustLoc(t, "Australia/Sydney")
	for _, tt := range []struct {
		name     string
		returnAt time.Time
		resume   string // the local day step 2 goes, by hand
	}{
		// Back Monday 16 March: step 2 (voice) goes that day.
		{"return date named", time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC), "2026-03-16"},
		// No date: 7 days from the reply on Monday 2 March (about 10:00
		// Sydney): Monday 9 March, from about 10:00.
		{"no return date", time.Time{}, "2026-03-09"},
	} {
		e, ts := setup1(t)
		sent := e.sendStep(ts[0])
		x := ev(sent, channel.EventOutOfOffice, e.clock.Now().Add(5*time.Minute))
		x.ReturnAt = tt.returnAt
		require.True(t, e.handle(x), tt.name)
		en := e.enrollment(sent.Lead)
		require.Equal(t, outbound.EnrollmentPaused, en.State, tt.name)
		after := primary(e.schedule(sent.Lead))
		for step := 2; step <= 5; step++ {
			require.Equal(t, outbound.TouchScheduled, after[step].Status, "%s step %d", tt.name, step)
			require.False(t, after[step].ScheduledAt.Before(en.PausedUntil), "%s step %d at %s before %s", tt.name, step, after[step].ScheduledAt, en.PausedUntil)
		}
		require.Equal(t, tt.resume, after[2].ScheduledAt.In(syd).Format("2006-01-02"), tt.name)
		// The old touches were cancelled, their bookings released: the
		// bookings are exactly the scheduled and sent touches.
		all := e.schedule(sent.Lead)
		cancelled := 0
		for _, tc := range all {
			if tc.Status == outbound.TouchCancelled {
				cancelled++
				require.Equal(t, outbound.ReasonOutOfOffice, tc.Reason)
			}
		}
		require.Equal(t, 4, cancelled, tt.name)
		e.requireBookingsMatchTouches()
		// It resumes: everything goes out after the return.
		e.runUntil(start.AddDate(0, 0, 40), 1)
		for _, tc := range primary(e.schedule(sent.Lead)) {
			require.Equal(t, outbound.TouchSent, tc.Status, tt.name)
		}
	}
}

// requireBookingsMatchTouches checks that the store's bookings count
// exactly the touches that hold capacity: scheduled, sending, sent,
// delivered, uncertain and bounced (failed after a send).
func (e *env) requireBookingsMatchTouches() {
	e.t.Helper()
	ts, err := e.store.ListTouches(e.ctx, storage.TouchFilter{})
	require.NoError(e.t, err)
	type key struct {
		r outbound.ResourceID
		a channel.Action
		d string
	}
	want := map[key]int{}
	for _, tc := range ts {
		holds := false
		switch tc.Status {
		case outbound.TouchScheduled, outbound.TouchSending, outbound.TouchSent, outbound.TouchDelivered, outbound.TouchUncertain:
			holds = true
		case outbound.TouchFailed:
			holds = tc.Reason == outbound.ReasonHardBounce
		}
		if holds && !tc.Resource.IsZero() {
			want[key{tc.Resource, allocator.BookingAction(tc.Action), tc.Day.String()}]++
		}
	}
	bs, err := e.store.ListBookings(e.ctx, outbound.ClientID{})
	require.NoError(e.t, err)
	got := map[key]int{}
	for _, b := range bs {
		got[key{b.Resource, b.Action, b.Day.String()}] = b.Count
	}
	require.Equal(e.t, want, got)
}

func TestHardBounceEndsEmailAndFallsBack(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	sent := e.sendStep(ts[0])
	require.True(t, e.handle(ev(sent, channel.EventBounced, e.clock.Now().Add(time.Minute))))
	require.Equal(t, outbound.TouchFailed, e.touch(sent.ID).Status)
	require.Equal(t, outbound.ReasonHardBounce, e.touch(sent.ID).Reason)
	supp, err := e.store.Suppressed(e.ctx, storage.SuppressionQuery{Client: sent.Client, Lead: sent.Lead, Channel: channel.Email})
	require.NoError(t, err)
	require.True(t, supp)
	// Step 4 (email, no fallback) is cancelled; voice, LinkedIn and SMS go on.
	after := e.schedule(sent.Lead)
	for _, tc := range after {
		if tc.Step == 4 {
			require.Equal(t, outbound.TouchCancelled, tc.Status)
			require.Equal(t, outbound.ReasonHardBounce, tc.Reason)
		}
		if tc.Step == 2 || tc.Step == 3 || tc.Step == 5 {
			require.Equal(t, outbound.TouchScheduled, tc.Status)
		}
	}
	e.requireBookingsMatchTouches()
	// A call fails for good later: its fallback (email) is not usable.
	e.fakes[channel.Voice].Script()
	e.runUntil(start.AddDate(0, 0, 30), 1)
	require.Len(t, e.fakes[channel.Email].Sent(), 1, "no email after the bounce")
}

func TestOptOutsAndComplaints(t *testing.T) {
	t.Parallel()
	// An SMS STOP from a number, with no touch to tie it to, suppresses
	// that number for every client's lead with it.
	e := newEnv(t)
	var leads []outbound.LeadID
	for _, plan := range []string{"growth", "starter"} {
		camp := e.campaign(e.signup(plan, "Australia/Sydney"))
		res := e.importLeads(camp, hot(1))
		leads = append(leads, res.Enrolled[0])
	}
	e.plan()
	stop := channel.Event{Provider: "twilio", ProviderEventID: "SM1", Type: channel.EventReplied, Kind: channel.SMS,
		From: "+61412340001", Body: "Stop.", At: e.clock.Now()}
	require.True(t, e.handle(stop))
	for _, id := range leads {
		l := e.lead(id)
		supp, err := e.store.Suppressed(e.ctx, storage.SuppressionQuery{Client: l.Client, Lead: l.ID, Channel: channel.SMS})
		require.NoError(t, err)
		require.True(t, supp)
		ps := primary(e.schedule(id))
		require.Equal(t, channel.Email, ps[5].Channel, "step 5 fell back to email")
		require.Equal(t, outbound.FallbackReason(outbound.ReasonOptedOut), ps[5].Reason)
		// The call is not an SMS: it stays.
		require.Equal(t, channel.Voice, ps[2].Channel)
	}
	require.Equal(t, 1, e.svc.Counters().Events[channel.EventReplied])
	// START lifts the SMS opt-out, recording who and when; a second STOP
	// puts it back.
	start2 := stop
	start2.ProviderEventID, start2.Body = "SM2", "START"
	require.True(t, e.handle(start2))
	smsQ := storage.SuppressionQuery{Client: e.lead(leads[0]).Client, Lead: leads[0], Address: e.lead(leads[0]).Phone, Channel: channel.SMS}
	supp, err := e.store.Suppressed(e.ctx, smsQ)
	require.NoError(t, err)
	require.False(t, supp)
	list, err := e.store.ListSuppressions(e.ctx, smsQ.Client)
	require.NoError(t, err)
	lifted := 0
	for _, sp := range list {
		if sp.Channel == channel.SMS && !sp.Active() {
			lifted++
			require.Equal(t, e.clock.Now().UTC(), sp.LiftedAt)
			require.Equal(t, stop.Provider+":"+stop.From, sp.LiftedBy)
			require.Equal(t, outbound.ReasonOptedIn, sp.LiftReason)
		}
	}
	require.Positive(t, lifted)
	stop2 := stop
	stop2.ProviderEventID = "SM3"
	require.True(t, e.handle(stop2))
	supp, err = e.store.Suppressed(e.ctx, smsQ)
	require.NoError(t, err)
	require.True(t, supp)

	// An unsubscribe on email and a complaint suppress email only.
	for _, typ := range []channel.EventType{channel.EventOptedOut, channel.EventComplained} {
		e, ts := setup1(t)
		sent := e.sendStep(ts[0])
		require.True(t, e.handle(ev(sent, typ, e.clock.Now().Add(time.Hour))))
		supp, err := e.store.Suppressed(e.ctx, storage.SuppressionQuery{Client: sent.Client, Lead: sent.Lead, Channel: channel.Email})
		require.NoError(t, err)
		require.True(t, supp, typ)
		supp, err = e.store.Suppressed(e.ctx, storage.SuppressionQuery{Client: sent.Client, Lead: sent.Lead, Channel: channel.Voice})
		require.NoError(t, err)
		require.False(t, supp, typ)
		e.runUntil(start.AddDate(0, 0, 30), 1)
		require.Len(t, e.fakes[channel.Email].Sent(), 1, typ)
		require.Len(t, e.fakes[channel.SMS].Sent(), 1, typ)
	}
}

func TestCallRetries(t *testing.T) {
	t.Parallel()
	syd := mustLoc(t, "Australia/Sydney")
	for _, tt := range []struct {
		name     string
		opt      option
		outcome  channel.EventType
		attempts int // calls made in all
	}{
		{"busy: two retries", nil, channel.EventCallBusy, 3},
		{"no answer: two retries", nil, channel.EventCallNoAnswer, 3},
		{"voicemail counts as done", nil, channel.EventCallVoicemail, 1},
		{"voicemail retried when configured", func(c *distribution.Config) { c.RetryVoicemail = true }, channel.EventCallVoicemail, 3},
		{"answered", nil, channel.EventCallAnswered, 1},
		{"retries off", func(c *distribution.Config) { c.CallRetries = distribution.None }, channel.EventCallBusy, 1},
	} {
		var opts []option
		if tt.opt != nil {
			opts = append(opts, tt.opt)
		}
		e, ts := setup1(t, opts...)
		call := ts[1]
		calls := 0
		next := call
		for next.ID != (outbound.TouchID{}) {
			sent := e.sendStep(next)
			calls++
			at := e.clock.Now().Add(time.Minute)
			require.True(t, e.handle(ev(sent, tt.outcome, at)))
			next = outbound.Touch{}
			for _, tc := range e.schedule(call.Lead) {
				if tc.Reason == outbound.ReasonCallRetry && tc.Status == outbound.TouchScheduled {
					next = tc
					// After the cooling period, inside the voice window, from
					// the same number.
					require.False(t, tc.ScheduledAt.Before(at.Add(4*time.Hour)), tt.name)
					local := tc.ScheduledAt.In(syd)
					require.True(t, local.Hour() >= 9 && local.Hour() < 17, "%s: %s", tt.name, local)
					require.Equal(t, call.Resource, tc.Resource)
				}
			}
		}
		require.Equal(t, tt.attempts, calls, tt.name)
	}
}

func TestConnectionAcceptedThenMessage(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	req := ts[2]
	require.Equal(t, channel.ActionConnectionRequest, req.Action)
	sent := e.sendStep(req)
	acceptedAt := e.clock.Now().Add(26 * time.Hour)
	e.clock.Set(acceptedAt)
	message := func() (msg outbound.Touch) {
		for _, tc := range e.schedule(req.Lead) {
			if tc.Action == channel.ActionLinkedInMessage {
				msg = tc
			}
		}
		return msg
	}
	ok, err := e.svc.HandleEvent(e.ctx, ev(sent, channel.EventConnectionAccepted, acceptedAt))
	require.NoError(t, err)
	require.True(t, ok)
	// The event asks for the message; only the planner's pass books it.
	msg := message()
	require.Equal(t, outbound.TouchPending, msg.Status)
	booked := e.svc.Counters().Capacity[outbound.KindLinkedInSeat].Used
	_, err = e.svc.Plan(e.ctx)
	require.NoError(t, err)
	msg = message()
	require.Equal(t, outbound.TouchScheduled, msg.Status)
	require.Equal(t, booked+1, e.svc.Counters().Capacity[outbound.KindLinkedInSeat].Used, "booked by the pass")
	require.Equal(t, req.Resource, msg.Resource, "from the same seat")
	require.Equal(t, req.Step, msg.Step)
	require.False(t, msg.ScheduledAt.Before(acceptedAt.Add(48*time.Hour)))
	require.Less(t, msg.ScheduledAt.Sub(acceptedAt), 5*24*time.Hour)
	e.runUntil(msg.ScheduledAt.Add(time.Hour), 1)
	require.Equal(t, outbound.TouchSent, e.touch(msg.ID).Status)
	s, ok := e.fakes[channel.LinkedIn].SentKey(msg.ID.String())
	require.True(t, ok)
	require.Equal(t, channel.ActionLinkedInMessage, s.Message.ResolvedAction())
}

func TestReplyByAddressConcernsTheClientWrittenTo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var leads []outbound.LeadID
	var firsts []outbound.Touch
	for _, plan := range []string{"growth", "starter"} {
		camp := e.campaign(e.signup(plan, "Australia/Sydney"))
		res := e.importLeads(camp, hot(1))
		leads = append(leads, res.Enrolled[0])
	}
	e.plan()
	for _, id := range leads {
		firsts = append(firsts, e.sendStep(primary(e.schedule(id))[1]))
	}
	// The reply comes from the lead's address to client B's mailbox, with no
	// touch ID: only client B's enrollment stops.
	box, err := e.store.GetResource(e.ctx, firsts[1].Resource)
	require.NoError(t, err)
	reply := channel.Event{Provider: "smtp", ProviderEventID: "m1", Type: channel.EventReplied, Kind: channel.Email,
		From: hot(1).Email, To: box.Address, At: e.clock.Now()}
	require.True(t, e.handle(reply))
	require.Equal(t, outbound.EnrollmentActive, e.enrollment(leads[0]).State)
	require.Equal(t, outbound.EnrollmentReplied, e.enrollment(leads[1]).State)
}

// An opt-out from an address or number that is nobody's lead is kept as a
// platform-wide suppression of it: a lead who has it later, in any client,
// is not contacted on that channel.
func TestOptOutOfNobodyKeptPlatformWide(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := e.clock.Now()
	stop := channel.Event{Provider: "twilio", ProviderEventID: "SMstop/received", Type: channel.EventReplied, Kind: channel.SMS,
		From: "+61412340077", To: "+61400000001", Body: "STOP", At: now}
	out := channel.Event{Provider: "smtp", ProviderEventID: "m1/unsub", Type: channel.EventOptedOut, Kind: channel.Email,
		From: "Gone@Nowhere.example", At: now}
	spam := channel.Event{Provider: "smtp", ProviderEventID: "m2/arf", Type: channel.EventComplained, Kind: channel.Email,
		From: "angry@nowhere.example", At: now}
	other := channel.Event{Provider: "smtp", ProviderEventID: "m3/reply", Type: channel.EventReplied, Kind: channel.Email,
		From: "curious@nowhere.example", Body: "Who is this?", At: now}
	for _, x := range []channel.Event{stop, out, spam, other, stop} {
		e.handle(x)
	}
	sups, err := e.store.ListSuppressions(e.ctx, outbound.ClientID{})
	require.NoError(t, err)
	got := map[string]outbound.Reason{}
	for _, s := range sups {
		require.True(t, s.Client.IsZero(), "platform-wide")
		got[string(s.Channel)+" "+s.Address] = s.Reason
	}
	require.Equal(t, map[string]outbound.Reason{
		"sms +61412340077":            outbound.ReasonOptedOut,
		"email gone@nowhere.example":  outbound.ReasonOptedOut,
		"email angry@nowhere.example": outbound.ReasonComplaint,
	}, got)

	// The number turns up later as a client's lead: it is not texted.
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	in := hot(1)
	in.Phone = "+61412340077"
	res := e.importLeads(camp, in)
	e.runUntil(e.clock.Now().Add(20*24*time.Hour), 1)
	require.Empty(t, e.fakes[channel.SMS].SentTo("+61412340077"), "an opted-out number is never texted")
	require.NotEmpty(t, e.fakes[channel.Email].SentTo(in.Email), "its other channels are still used")
	step := primary(e.schedule(res.Enrolled[0]))[5]
	require.Equal(t, channel.SMS, step.StepChannel)
	require.Equal(t, channel.Email, step.Channel, "the SMS step falls back to email")
	require.Equal(t, outbound.FallbackReason(outbound.ReasonOptedOut), step.Reason)
}
