package distribution_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
)

func TestPlanDefaultSequenceHotLead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	res := e.importLeads(camp, hot(1))
	require.Len(t, res.Enrolled, 1)
	require.Equal(t, 5, e.plan())
	syd := mustLoc(t, "Australia/Sydney")
	ts := e.schedule(res.Enrolled[0])
	require.Len(t, ts, 5)
	// Hand-checked: day 0 Mon 2 Mar; day 3 Thu 5 Mar; day 5 is Sat 7 Mar, so
	// LinkedIn slips to Mon 9 Mar; step 4 keeps its 3-day gap from Mon 9:
	// Thu 12 Mar; step 5 keeps 4 days from Thu 12: Mon 16 Mar.
	want := []struct {
		step   int
		ch     channel.Kind
		action channel.Action
		day    string
		from   int // window hours, local
		to     int
	}{
		{1, channel.Email, channel.ActionEmail, "2026-03-02", 9, 11},
		{2, channel.Voice, channel.ActionCall, "2026-03-05", 9, 17},
		{3, channel.LinkedIn, channel.ActionConnectionRequest, "2026-03-09", 8, 18},
		{4, channel.Email, channel.ActionEmail, "2026-03-12", 9, 11},
		{5, channel.SMS, channel.ActionSMS, "2026-03-16", 9, 17},
	}
	for i, w := range want {
		got := ts[i]
		require.Equal(t, w.step, got.Step, i)
		require.Equal(t, w.ch, got.Channel, i)
		require.Equal(t, w.action, got.Action, i)
		require.Equal(t, outbound.TouchScheduled, got.Status, i)
		at := got.ScheduledAt.In(syd)
		require.Equal(t, w.day, at.Format("2006-01-02"), "step %d at %s", w.step, at)
		require.GreaterOrEqual(t, at.Hour(), w.from, "step %d at %s", w.step, at)
		require.Less(t, at.Hour(), w.to, "step %d at %s", w.step, at)
		require.False(t, got.Resource.IsZero())
	}
	require.Equal(t, ts[0].Resource, ts[3].Resource, "follow-up email from the same mailbox")
	require.Equal(t, ts[1].Resource, ts[4].Resource, "calls and texts from one number")
}

// stepView is one step's outcome in a schedule: channel used or skip.
type stepView struct {
	ch     channel.Kind
	status outbound.TouchStatus
	reason outbound.Reason
}

func view(ts []outbound.Touch) []stepView {
	var out []stepView
	for _, t := range ts {
		out = append(out, stepView{t.Channel, t.Status, t.Reason})
	}
	return out
}

func TestPlanGatingByTier(t *testing.T) {
	t.Parallel()
	sched, skip := outbound.TouchScheduled, outbound.TouchSkipped
	fbGated := outbound.FallbackReason(outbound.ReasonGated)
	// From docs/architecture.md: hot all five, warm email/voice/LinkedIn/SMS, cool
	// email/LinkedIn, cold email only; voice and SMS fall back to email,
	// LinkedIn has no fallback.
	for _, tt := range []struct {
		score int
		want  []stepView
	}{
		{90, []stepView{{channel.Email, sched, ""}, {channel.Voice, sched, ""}, {channel.LinkedIn, sched, ""}, {channel.Email, sched, ""}, {channel.SMS, sched, ""}}},
		{70, []stepView{{channel.Email, sched, ""}, {channel.Voice, sched, ""}, {channel.LinkedIn, sched, ""}, {channel.Email, sched, ""}, {channel.SMS, sched, ""}}},
		{40, []stepView{{channel.Email, sched, ""}, {channel.Email, sched, fbGated}, {channel.LinkedIn, sched, ""}, {channel.Email, sched, ""}, {channel.Email, sched, fbGated}}},
		{25, []stepView{{channel.Email, sched, ""}, {channel.Email, sched, fbGated}, {"", skip, outbound.ReasonGated}, {channel.Email, sched, ""}, {channel.Email, sched, fbGated}}},
	} {
		e := newEnv(t)
		camp := e.campaign(e.signup("growth", "Australia/Sydney"))
		in := hot(tt.score)
		in.Score = tt.score
		res := e.importLeads(camp, in)
		e.plan()
		require.Equal(t, tt.want, view(e.schedule(res.Enrolled[0])), "score %d", tt.score)
	}
}

func TestPlanFallbacks(t *testing.T) {
	t.Parallel()
	sched, skip := outbound.TouchScheduled, outbound.TouchSkipped
	fb := outbound.FallbackReason
	for _, tt := range []struct {
		name string
		opt  option
		edit func(e *env, in *distribution.LeadInput)
		want []stepView
	}{
		{"number on the register", nil, func(e *env, in *distribution.LeadInput) { e.dncr.register(in.Phone) },
			[]stepView{{channel.Email, sched, ""}, {channel.Email, sched, fb(outbound.ReasonDNCRRegistered)}, {channel.LinkedIn, sched, ""}, {channel.Email, sched, ""}, {channel.Email, sched, fb(outbound.ReasonDNCRRegistered)}}},
		{"no register: never washed", func(c *distribution.Config) { c.DNCR = nil }, nil,
			[]stepView{{channel.Email, sched, ""}, {channel.Email, sched, fb(outbound.ReasonDNCRUnwashed)}, {channel.LinkedIn, sched, ""}, {channel.Email, sched, ""}, {channel.Email, sched, fb(outbound.ReasonDNCRUnwashed)}}},
		{"SMS not washed when the policy skips it", func(c *distribution.Config) { c.DNCR = nil; c.Policy.SkipDNCRForSMS = true }, nil,
			[]stepView{{channel.Email, sched, ""}, {channel.Email, sched, fb(outbound.ReasonDNCRUnwashed)}, {channel.LinkedIn, sched, ""}, {channel.Email, sched, ""}, {channel.SMS, sched, ""}}},
		{"no phone", nil, func(_ *env, in *distribution.LeadInput) { in.Phone = "" },
			[]stepView{{channel.Email, sched, ""}, {channel.Email, sched, fb(outbound.ReasonNoAddress)}, {channel.LinkedIn, sched, ""}, {channel.Email, sched, ""}, {channel.Email, sched, fb(outbound.ReasonNoAddress)}}},
		{"no LinkedIn profile", nil, func(_ *env, in *distribution.LeadInput) { in.LinkedIn = "" },
			[]stepView{{channel.Email, sched, ""}, {channel.Voice, sched, ""}, {"", skip, outbound.ReasonNoAddress}, {channel.Email, sched, ""}, {channel.SMS, sched, ""}}},
		{"no voice channel configured", func(c *distribution.Config) { dropChannel(c, channel.Voice) }, nil,
			[]stepView{{channel.Email, sched, ""}, {channel.Email, sched, fb(outbound.ReasonNoResource)}, {channel.LinkedIn, sched, ""}, {channel.Email, sched, ""}, {channel.SMS, sched, ""}}},
		{"no email either: voice skipped", func(c *distribution.Config) { dropChannel(c, channel.Voice); dropChannel(c, channel.Email) }, nil,
			[]stepView{{"", skip, outbound.ReasonNoResource}, {"", skip, outbound.SkipReason(outbound.ReasonNoResource, outbound.ReasonNoResource)}, {channel.LinkedIn, sched, ""}, {"", skip, outbound.ReasonNoResource}, {channel.SMS, sched, ""}}},
	} {
		var opts []option
		if tt.opt != nil {
			opts = append(opts, tt.opt)
		}
		e := newEnv(t, opts...)
		camp := e.campaign(e.signup("growth", "Australia/Sydney"))
		in := hot(1)
		if tt.edit != nil {
			tt.edit(e, &in)
		}
		res := e.importLeads(camp, in)
		e.plan()
		require.Equal(t, tt.want, view(e.schedule(res.Enrolled[0])), tt.name)
	}
}

func TestPlanOptedOutFallsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	in := hot(1)
	// The number opted out of SMS with this client before (by address).
	require.NoError(t, e.store.AddSuppression(e.ctx, &outbound.Suppression{Client: c.ID, Address: "+61412340001", Channel: channel.SMS, Reason: outbound.ReasonOptedOut, Since: start}))
	res := e.importLeads(camp, in)
	e.plan()
	ts := e.schedule(res.Enrolled[0])
	require.Equal(t, channel.Email, ts[4].Channel)
	require.Equal(t, outbound.FallbackReason(outbound.ReasonOptedOut), ts[4].Reason)
	require.Equal(t, 1, e.svc.Counters().Fallbacks[outbound.ReasonOptedOut])
}

func TestPlanHolidaySlipPushesLaterSteps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	syd := mustLoc(t, "Australia/Sydney")
	// Wednesday 1 April 2026, 07:00 Sydney: Good Friday is 3 April,
	// Easter Monday 6 April.
	e.clock.Set(time.Date(2026, 4, 1, 7, 0, 0, 0, syd))
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1))
	e.plan()
	ts := e.schedule(res.Enrolled[0])
	// By hand: step 2 day 3 is Saturday 4, Monday 6 is Easter Monday:
	// Tuesday 7. Step 3 keeps 2 days from Tuesday: Thursday 9. Step 4 keeps
	// 3 days from Thursday: Sunday 12, so Monday 13. Step 5 keeps 4 days
	// from Monday 13: Friday 17.
	want := []string{"2026-04-01", "2026-04-07", "2026-04-09", "2026-04-13", "2026-04-17"}
	for i, w := range want {
		require.Equal(t, w, ts[i].ScheduledAt.In(syd).Format("2006-01-02"), "step %d", i+1)
	}
}

func TestPlanDefersPastDailyCapAndKeepsSticky(t *testing.T) {
	t.Parallel()
	one := outbound.Plan{Name: "one", Domains: 1, LeadsPerMonth: 100}
	e := newEnv(t, func(c *distribution.Config) {
		c.Plans = []outbound.Plan{one}
		c.Warmup.Max = 2 // two emails a mailbox a day: four a day for the client
	})
	camp := e.campaign(e.signup("one", "Australia/Sydney"))
	syd := mustLoc(t, "Australia/Sydney")
	var rows []distribution.LeadInput
	for i := range 10 {
		in := hot(i)
		in.Score = 25 // cold: email only
		rows = append(rows, in)
	}
	res := e.importLeads(camp, rows...)
	e.plan()
	perDay := map[string]int{}
	perBoxDay := map[string]int{}
	for _, id := range res.Enrolled {
		ps := primary(e.schedule(id))
		step1, step4 := ps[1], ps[4]
		require.Equal(t, outbound.TouchScheduled, step4.Status)
		require.Equal(t, step1.Resource, step4.Resource, "follow-up from the same mailbox")
		d := step1.ScheduledAt.In(syd).Format("2006-01-02")
		perDay[d]++
		perBoxDay[step1.Resource.String()+d]++
	}
	require.Equal(t, map[string]int{"2026-03-02": 4, "2026-03-03": 4, "2026-03-04": 2}, perDay)
	for k, n := range perBoxDay {
		require.LessOrEqual(t, n, 2, k)
	}
	require.Positive(t, e.svc.Counters().Deferrals["daily_cap"])
}

func TestPlanSkipsWhenNoCapacityWithinHorizon(t *testing.T) {
	t.Parallel()
	one := outbound.Plan{Name: "one", Domains: 1, LeadsPerMonth: 100}
	e := newEnv(t, func(c *distribution.Config) {
		c.Plans = []outbound.Plan{one}
		c.Warmup.Max = 1
		c.PlanHorizon = 2 * 24 * time.Hour
	})
	camp := e.campaign(e.signup("one", "Australia/Sydney"))
	var rows []distribution.LeadInput
	for i := range 10 {
		in := hot(i)
		in.Score, in.Phone, in.LinkedIn = 25, "", ""
		rows = append(rows, in)
	}
	res := e.importLeads(camp, rows...)
	e.plan()
	scheduled, skipped := 0, 0
	for _, id := range res.Enrolled {
		t1 := primary(e.schedule(id))[1]
		switch t1.Status {
		case outbound.TouchScheduled:
			scheduled++
		case outbound.TouchSkipped:
			skipped++
			require.Equal(t, outbound.ReasonNoCapacity, t1.Reason)
		}
	}
	// Two mailboxes, one a day each, on Monday and Tuesday.
	require.Equal(t, 4, scheduled)
	require.Equal(t, 6, skipped)
}

func TestPlanIsDeterministic(t *testing.T) {
	t.Parallel()
	// Three clients, planned one at a time or several at once: the same
	// touches, IDs included.
	run := func(workers int) []outbound.Touch {
		e := newEnv(t, func(c *distribution.Config) { c.PlanWorkers = workers })
		for k, zone := range []string{"Australia/Sydney", "Australia/Perth", "America/New_York"} {
			plan := []string{"growth", "starter", "starter"}[k]
			camp := e.campaign(e.signup(plan, zone))
			var rows []distribution.LeadInput
			for i := range 40 {
				in := hot(100*k + i)
				in.Score = 20 + i*2
				rows = append(rows, in)
			}
			e.importLeads(camp, rows...)
		}
		e.plan()
		ts, err := e.store.ListTouches(e.ctx, storage.TouchFilter{})
		require.NoError(t, err)
		return ts
	}
	a := run(1)
	require.NotEmpty(t, a)
	for _, w := range []int{1, 3, 8} {
		require.Equal(t, a, run(w), "PlanWorkers %d", w)
	}
	// And planning again changes nothing.
	e := newEnv(t)
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	e.importLeads(camp, hot(1))
	require.Equal(t, 5, e.plan())
	require.Equal(t, 0, e.plan())
}

func TestPlanSpreadsOverTheWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	camp := e.campaign(e.signup("scale", "Australia/Sydney"))
	var rows []distribution.LeadInput
	for i := range 30 {
		in := hot(i)
		in.Score = 25
		rows = append(rows, in)
	}
	e.importLeads(camp, rows...)
	e.plan()
	ts, err := e.store.ListTouches(e.ctx, storage.TouchFilter{Status: outbound.TouchScheduled})
	require.NoError(t, err)
	syd := mustLoc(t, "Australia/Sydney")
	hours := map[int]int{}
	for _, tc := range ts {
		if tc.Step == 1 {
			hours[tc.ScheduledAt.In(syd).Hour()]++
		}
	}
	// 30 first emails over the 09:00–11:00 window, not all at 09:00.
	require.Positive(t, hours[9])
	require.Positive(t, hours[10])
}

func TestPlanReadsAndSavesEnrollmentsTogether(t *testing.T) {
	t.Parallel()
	var cs *countingStore
	e := newEnv(t, withCounting(&cs))
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	var rows []distribution.LeadInput
	for i := range 100 {
		rows = append(rows, hot(i))
	}
	e.importLeads(camp, rows...)
	before := cs.snapshot()
	e.plan()
	after := cs.snapshot()
	// 100 enrollments in chunks of 64: two reads of leads, two saves.
	require.Equal(t, 2, after["GetLeads"]-before["GetLeads"])
	require.Equal(t, 2, after["SavePlans"]-before["SavePlans"])
	require.Zero(t, after["GetLead"]-before["GetLead"])
	es, err := e.store.ListEnrollments(e.ctx, storage.EnrollmentFilter{})
	require.NoError(t, err)
	for _, en := range es {
		require.Equal(t, 6, en.NextStep, "enrollment %s planned", en.ID)
		require.Len(t, e.schedule(en.Lead), 5)
	}
	// A pass with nothing left to plan (the planner's every PollInterval)
	// reads no lead and saves nothing.
	before = cs.snapshot()
	require.Zero(t, e.plan())
	after = cs.snapshot()
	for _, call := range []string{"GetLeads", "GetLead", "SavePlans"} {
		require.Zero(t, after[call]-before[call], call)
	}
}

func TestPlanThatCannotBeSavedHoldsUpNoOtherAndGivesItsBookingsBack(t *testing.T) {
	t.Parallel()
	var cs *countingStore
	e := newEnv(t, withCounting(&cs))
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1), hot(2), hot(3))
	bad := res.Enrolled[1]
	cs.mu.Lock()
	cs.refuse = func(w storage.PlanWrite) bool { return w.Enrollment.Lead == bad }
	cs.mu.Unlock()
	_, err := e.svc.Plan(e.ctx)
	require.ErrorContains(t, err, "1 enrollments not planned")
	require.ErrorContains(t, err, "disk full")
	require.Empty(t, e.schedule(bad), "nothing stored for the plan not saved")
	require.Equal(t, 1, e.enrollment(bad).NextStep, "its enrollment is not moved on")
	scheduled := 0
	for _, l := range []outbound.LeadID{res.Enrolled[0], res.Enrolled[2]} {
		ts := e.schedule(l)
		require.Len(t, ts, 5, "the others are planned")
		for _, tt := range ts {
			if tt.Status == outbound.TouchScheduled {
				scheduled++
			}
		}
	}
	bookings, err := e.store.ListBookings(e.ctx, outbound.ClientID{})
	require.NoError(t, err)
	booked := 0
	for _, b := range bookings {
		booked += b.Count
	}
	require.Equal(t, scheduled, booked, "the refused plan's bookings were given back")
	// Once the store takes it, the next pass plans it.
	cs.mu.Lock()
	cs.refuse = nil
	cs.mu.Unlock()
	require.Equal(t, 5, e.plan())
	require.Len(t, e.schedule(bad), 5)
}

// A touch skipped at planning carries the typed constant: a lead with no
// LinkedIn profile skips the LinkedIn step (it has no fallback) for
// ReasonNoAddress, compared as the constant (a plain string would not match).
func TestSkippedTouchReasonIsTyped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	in := hot(1)
	in.LinkedIn = ""
	res := e.importLeads(camp, in)
	e.plan()
	ts := e.schedule(res.Enrolled[0])
	require.Equal(t, channel.LinkedIn, ts[2].StepChannel)
	require.Equal(t, outbound.TouchSkipped, ts[2].Status)
	require.Equal(t, outbound.ReasonNoAddress, ts[2].Reason)
	require.Contains(t, outbound.Reasons(), ts[2].Reason)
}

// Every reason the engine takes from sequence and allocator is in the
// vocabulary, by the same string. sequence.ReasonNoFallback is never
// recorded: a skipped step with no fallback records its own reason alone.
func TestReasonsCoverSequenceAndAllocator(t *testing.T) {
	t.Parallel()
	for _, r := range sequence.Reasons() {
		if r == sequence.ReasonNoFallback {
			continue
		}
		require.Contains(t, outbound.Reasons(), outbound.Reason(r))
	}
	for _, r := range []allocator.Reason{allocator.ReasonDailyCap, allocator.ReasonWeeklyCap, allocator.ReasonSpacing, allocator.ReasonNoResource} {
		require.Contains(t, outbound.Reasons(), outbound.Reason(r))
	}
}
