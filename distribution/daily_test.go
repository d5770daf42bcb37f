package distribution_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

func TestDailyRewashesExpiringResults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1), hot(2))
	require.Equal(t, 2, e.dncr.askedCount())
	// 26 days on, the washes (valid 30 days) expire within 3 days... not yet
	// at 26 days minus a minute; at 27 days they do.
	e.clock.Set(start.Add(27*24*time.Hour - time.Minute))
	require.NoError(t, e.svc.Daily(e.ctx))
	require.Equal(t, 2, e.dncr.askedCount(), "not within 3 days of expiry yet")
	e.dncr.register("+61412340002")
	e.clock.Set(start.Add(27 * 24 * time.Hour))
	require.NoError(t, e.svc.Daily(e.ctx))
	require.Equal(t, 4, e.dncr.askedCount())
	l := e.lead(res.Enrolled[1])
	require.Equal(t, outbound.DNCRRegistered, l.DNCR)
	require.Equal(t, e.clock.Now(), l.DNCRWashedAt)
	w, err := e.store.GetWash(e.ctx, "+61412340002")
	require.NoError(t, err)
	require.Equal(t, outbound.DNCRRegistered, w.Status)
	require.Equal(t, outbound.DNCRClear, e.lead(res.Enrolled[0]).DNCR)
}

func TestDailyWithdrawsUnacceptedConnections(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	req := e.sendStep(ts[2])
	e.clock.Set(req.SentAt.Add(21*24*time.Hour - time.Hour))
	require.NoError(t, e.svc.Daily(e.ctx))
	require.Zero(t, e.svc.Counters().Events[channel.EventConnectionWithdrawn])
	e.clock.Set(req.SentAt.Add(21 * 24 * time.Hour))
	require.NoError(t, e.svc.Daily(e.ctx))
	require.NoError(t, e.svc.Daily(e.ctx)) // twice: recorded once
	evs, err := e.store.ListEvents(e.ctx, outbound.ClientID{})
	require.NoError(t, err)
	n := 0
	for _, x := range evs {
		if x.Type == channel.EventConnectionWithdrawn {
			n++
			require.Equal(t, req.ID, x.Touch)
			require.Equal(t, distribution.WithdrawProvider, x.Provider)
		}
	}
	require.Equal(t, 1, n)
	// The provider was asked to take the invitation back, from its seat.
	require.NotEmpty(t, req.ProviderRef)
	require.Equal(t, []string{req.ProviderRef}, e.fakes[channel.LinkedIn].Withdrawn())

	// An accepted request is not withdrawn.
	e2, ts2 := setup1(t)
	req2 := e2.sendStep(ts2[2])
	require.True(t, e2.handle(ev(req2, channel.EventConnectionAccepted, e2.clock.Now().Add(time.Hour))))
	e2.clock.Set(req2.SentAt.Add(30 * 24 * time.Hour))
	require.NoError(t, e2.svc.Daily(e2.ctx))
	require.Zero(t, e2.svc.Counters().Events[channel.EventConnectionWithdrawn])
}

func TestDailyWithdrawalWaitsForTheProvider(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	req := e.sendStep(ts[2])
	li := e.fakes[channel.LinkedIn]
	// The provider is down on day 21: the request stays sent, not withdrawn.
	li.FailWithdraw(channel.Retryable(errors.New("503 service unavailable")))
	e.clock.Set(req.SentAt.Add(21 * 24 * time.Hour))
	require.NoError(t, e.svc.Daily(e.ctx))
	require.Zero(t, e.svc.Counters().Events[channel.EventConnectionWithdrawn])
	got := e.touch(req.ID)
	require.Equal(t, outbound.TouchSent, got.Status)
	require.NotEqual(t, outbound.ReasonConnectionWithdrawn, got.Reason.Code())
	require.Empty(t, li.Withdrawn())
	// The next day it answers: the request is withdrawn at the provider
	// and recorded.
	e.clock.Set(req.SentAt.Add(22 * 24 * time.Hour))
	require.NoError(t, e.svc.Daily(e.ctx))
	require.Equal(t, 1, e.svc.Counters().Events[channel.EventConnectionWithdrawn])
	require.Equal(t, []string{req.ProviderRef}, li.Withdrawn())

	// A provider that no longer holds the invitation as pending (it
	// expired, or the seat's owner withdrew it by hand) refuses for good:
	// the request is recorded withdrawn all the same.
	e2, ts2 := setup1(t)
	req2 := e2.sendStep(ts2[2])
	e2.fakes[channel.LinkedIn].FailWithdraw(channel.Permanent(errors.New("422 invitation not pending")))
	e2.clock.Set(req2.SentAt.Add(21 * 24 * time.Hour))
	require.NoError(t, e2.svc.Daily(e2.ctx))
	require.Equal(t, 1, e2.svc.Counters().Events[channel.EventConnectionWithdrawn])
	require.Empty(t, e2.fakes[channel.LinkedIn].Withdrawn())
}

func TestDailyHealthPausesABouncingDomain(t *testing.T) {
	t.Parallel()
	one := outbound.Plan{Name: "two", Domains: 2, LeadsPerMonth: 1000}
	e := newEnv(t, func(c *distribution.Config) { c.Plans = []outbound.Plan{one} })
	camp := e.campaign(e.signup("two", "Australia/Sydney"))
	var rows []distribution.LeadInput
	for i := range 60 {
		in := hot(i)
		in.Score, in.Phone, in.LinkedIn = 25, "", ""
		rows = append(rows, in)
	}
	e.importLeads(camp, rows...)
	e.plan()
	e.runUntil(start.Add(24*time.Hour), 2)
	sent := e.fakes[channel.Email].Sent()
	require.NotEmpty(t, sent)
	// Every message from the first domain's mailboxes bounces.
	var bad outbound.ResourceID
	var sentAt []time.Time // the bad domain's sends; each bounces a minute later
	for _, s := range sent {
		tc := e.touch(mustTouchID(t, s.Message.IdempotencyKey))
		box, err := e.store.GetResource(e.ctx, tc.Resource)
		require.NoError(t, err)
		if bad.IsZero() {
			bad = box.Parent
		}
		if box.Parent == bad {
			require.True(t, e.handle(ev(*tc, channel.EventBounced, tc.SentAt.Add(time.Minute))))
			sentAt = append(sentAt, tc.SentAt)
		}
	}
	st, err := e.svc.DomainStats(e.ctx, bad, start.Add(-time.Hour), e.clock.Now())
	require.NoError(t, err)
	require.Equal(t, len(sentAt), st.Bounces)
	require.Equal(t, len(sentAt), st.Sends)
	require.GreaterOrEqual(t, st.Sends, 20, "enough sends for the rule")

	// A window opening 30 seconds after the tenth send counts the sends in
	// it, and the bounces in it even of a touch sent before it opened.
	slices.SortFunc(sentAt, time.Time.Compare)
	since := sentAt[9].Add(30 * time.Second)
	wantSends, wantBounces := 0, 0
	for _, at := range sentAt {
		if !at.Before(since) {
			wantSends++
		}
		if !at.Add(time.Minute).Before(since) {
			wantBounces++
		}
	}
	require.Greater(t, wantBounces, wantSends, "the tenth send's bounce falls in the window, the send does not")
	mid, err := e.svc.DomainStats(e.ctx, bad, since, e.clock.Now())
	require.NoError(t, err)
	require.Equal(t, wantSends, mid.Sends)
	require.Equal(t, wantBounces, mid.Bounces)
	require.NoError(t, e.svc.Daily(e.ctx))
	dom, err := e.store.GetResource(e.ctx, bad)
	require.NoError(t, err)
	require.True(t, dom.Paused)
	// Nothing more goes from its mailboxes.
	boxes, err := e.store.ListResources(e.ctx, storage.ResourceFilter{Parent: bad})
	require.NoError(t, err)
	pausedAt := e.clock.Now()
	e.runUntil(start.AddDate(0, 0, 14), 2)
	for _, s := range e.fakes[channel.Email].Sent() {
		if s.At.Before(pausedAt) {
			continue
		}
		for _, b := range boxes {
			require.NotEqual(t, b.Address, s.Message.From.Address, "sent from a paused domain")
		}
	}
}

func TestSignupIsIdempotentOnPayment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	in := distribution.SignupInput{Name: "Acme", Plan: "starter", DefaultZone: "Australia/Sydney", PaymentID: "pi_123"}
	a, err := e.svc.Signup(e.ctx, in)
	require.NoError(t, err)
	b, err := e.svc.Signup(e.ctx, in)
	require.NoError(t, err)
	require.Equal(t, a.ID, b.ID)
	rs, err := e.svc.Pool().Resources(e.ctx, a.ID)
	require.NoError(t, err)
	count := map[outbound.ResourceKind]int{}
	for _, r := range rs {
		count[r.Kind]++
	}
	// starter: 2 domains with 2 mailboxes each, 1 number, 1 seat; once.
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 2, outbound.KindMailbox: 4, outbound.KindPhone: 1, outbound.KindLinkedInSeat: 1}, count)
	require.Equal(t, start, a.SignupAt)
	// An upgrade assigns the difference.
	in.Plan = "growth"
	_, err = e.svc.Signup(e.ctx, in)
	require.NoError(t, err)
	rs, err = e.svc.Pool().Resources(e.ctx, a.ID)
	require.NoError(t, err)
	count = map[outbound.ResourceKind]int{}
	for _, r := range rs {
		count[r.Kind]++
	}
	require.Equal(t, 3, count[outbound.KindDomain])
	require.Equal(t, 1, count[outbound.KindMailSender])
	for _, bad := range []distribution.SignupInput{
		{Plan: "starter", DefaultZone: "Australia/Sydney"},
		{Name: "x", Plan: "platinum", DefaultZone: "Australia/Sydney"},
		{Name: "x", Plan: "starter", DefaultZone: "Mars/Base"},
	} {
		_, err := e.svc.Signup(e.ctx, bad)
		require.ErrorIs(t, err, outbound.ErrInvalid)
	}
}

func TestChurnCancelsAndReleases(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	require.NoError(t, e.svc.Churn(e.ctx, ts[0].Client))
	for _, tc := range e.schedule(ts[0].Lead) {
		require.Equal(t, outbound.TouchCancelled, tc.Status)
		require.Equal(t, outbound.ReasonClientChurned, tc.Reason)
	}
	require.Equal(t, outbound.EnrollmentStopped, e.enrollment(ts[0].Lead).State)
	bs, err := e.store.ListBookings(e.ctx, outbound.ClientID{})
	require.NoError(t, err)
	require.Empty(t, bs)
	require.NoError(t, e.svc.Churn(e.ctx, ts[0].Client), "idempotent")
	e.runUntil(start.AddDate(0, 0, 20), 1)
	for _, k := range channel.Kinds() {
		require.Zero(t, e.fakes[k].Count())
	}
}

// A mailbox's measured health throttles what the planner books on it: one
// throttled 50 % takes at most half its daily limit, one at 100 % none,
// while the others book more.
func TestThrottledMailboxSendsLess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	client := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(client)
	boxes, err := e.store.ListResources(e.ctx, storage.ResourceFilter{Client: client.ID, Kind: outbound.KindMailbox})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(boxes), 3)
	_, err = e.svc.Pool().SetHealth(e.ctx, boxes[0].ID, warmup.Health{Paused: true}, "placement 40% in inbox")
	require.NoError(t, err)
	_, err = e.svc.Pool().SetHealth(e.ctx, boxes[1].ID, warmup.Health{Throttle: 50}, "placement 50% in inbox")
	require.NoError(t, err)

	var rows []distribution.LeadInput
	for i := range 400 {
		l := hot(i)
		l.Phone, l.LinkedIn = "", ""
		rows = append(rows, l)
	}
	e.importLeads(camp, rows...)
	e.plan()

	perDay := map[outbound.ResourceID]map[timing.Date]int{}
	ts, err := e.store.ListTouches(e.ctx, storage.TouchFilter{Client: client.ID})
	require.NoError(t, err)
	for _, tc := range ts {
		if tc.Channel != channel.Email || tc.Status != outbound.TouchScheduled {
			continue
		}
		if perDay[tc.Resource] == nil {
			perDay[tc.Resource] = map[timing.Date]int{}
		}
		perDay[tc.Resource][tc.Day]++
	}
	most := func(id outbound.ResourceID) int {
		n := 0
		for _, c := range perDay[id] {
			n = max(n, c)
		}
		return n
	}
	require.Zero(t, most(boxes[0].ID), "a mailbox throttled 100 % books nothing")
	require.Positive(t, most(boxes[1].ID))
	require.LessOrEqual(t, most(boxes[1].ID), 15, "half of 30")
	require.Greater(t, most(boxes[2].ID), 15, "an untouched mailbox books past half (its window and spacing allow 27 of its 30)")
}

// A number whose texts are opted out of too often is paused by the daily
// job, with the rate as its reason, and its client gets another; a number
// with a clean record goes on.
func TestDailyPausesANumberTooManyOptOutOf(t *testing.T) {
	t.Parallel()
	seq := sequence.Sequence{Name: "sms", Steps: []sequence.Step{{Number: 1, Day: 0, Channel: channel.SMS}}}
	e := newEnv(t, func(c *distribution.Config) { c.Sequence = seq })
	client := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(client)
	var rows []distribution.LeadInput
	for i := range 150 {
		rows = append(rows, hot(i))
	}
	e.importLeads(camp, rows...)
	e.plan()
	e.runUntil(start.AddDate(0, 0, 1), 2)

	byPhone := map[outbound.ResourceID][]outbound.Touch{}
	ts, err := e.store.ListTouches(e.ctx, storage.TouchFilter{Client: client.ID})
	require.NoError(t, err)
	for _, tc := range ts {
		if tc.Channel == channel.SMS && !tc.SentAt.IsZero() {
			byPhone[tc.Resource] = append(byPhone[tc.Resource], tc)
		}
	}
	require.Len(t, byPhone, 2, "the growth plan's two numbers both texted")
	var bad, good outbound.ResourceID
	for id, sent := range byPhone {
		require.GreaterOrEqual(t, len(sent), 50, "enough texts from each number to judge it")
		if bad.IsZero() {
			bad = id
		} else {
			good = id
		}
	}
	// 4 STOPs on the first number, 1 on the other.
	for i, tc := range byPhone[bad][:4] {
		x := ev(tc, channel.EventReplied, tc.SentAt.Add(time.Duration(i+1)*time.Minute))
		x.Body = "STOP"
		e.handle(x)
	}
	x := ev(byPhone[good][0], channel.EventReplied, byPhone[good][0].SentAt.Add(time.Minute))
	x.Body = "stop"
	e.handle(x)

	e.clock.Set(start.AddDate(0, 0, 2))
	require.NoError(t, e.svc.Daily(e.ctx))
	r, err := e.store.GetResource(e.ctx, bad)
	require.NoError(t, err)
	require.True(t, r.Paused)
	require.Contains(t, string(r.PauseReason), "opt-out rate")
	require.False(t, r.ReplacedBy.IsZero(), "the client gets another number")
	r, err = e.store.GetResource(e.ctx, good)
	require.NoError(t, err)
	require.False(t, r.Paused)

	st, err := e.svc.NumberStats(e.ctx, good, start.AddDate(0, 0, -12), start.AddDate(0, 0, 2))
	require.NoError(t, err)
	require.Equal(t, len(byPhone[good]), st.Sends)
	require.Equal(t, 1, st.OptOuts)
}
