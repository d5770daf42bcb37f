package allocator

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// Every default daily cap: exactly that many picks on one resource's day,
// then no capacity until the next local midnight.
func TestDailyCapDefaults(t *testing.T) {
	t.Parallel()
	syd := mustLoad(t, "Australia/Sydney")
	start := time.Date(2025, 6, 2, 9, 0, 0, 0, syd) // a Monday, no DST in June
	midnight := time.Date(2025, 6, 3, 0, 0, 0, 0, syd)
	tests := []struct {
		action channel.Action
		kind   outbound.ResourceKind
		cap    int
		step   time.Duration // between picks: more than any spacing
	}{
		{channel.ActionEmail, outbound.KindMailbox, 30, 6 * time.Minute},
		{channel.ActionCall, outbound.KindPhone, 60, time.Minute},
		{channel.ActionSMS, outbound.KindPhone, 100, time.Minute},
		{channel.ActionConnectionRequest, outbound.KindLinkedInSeat, 20, time.Minute},
		{channel.ActionLinkedInMessage, outbound.KindLinkedInSeat, 100, time.Minute},
	}
	for _, tt := range tests {
		t.Run(string(tt.action), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			a := mustNew(t, Config{}, fleet(tt.kind, 1, 1, syd))
			at := start
			for i := range tt.cap {
				p, err := a.Pick(ctx, Request{Action: tt.action, At: at})
				require.NoError(t, err, "pick %d", i)
				require.Equal(t, rid(1), p.Resource)
				require.Equal(t, timing.DateFromYMD(2025, 6, 2), p.Day)
				at = at.Add(tt.step)
			}
			_, err := a.Pick(ctx, Request{Action: tt.action, At: at})
			e := noCap(t, err)
			require.Equal(t, ReasonDailyCap, e.Reason)
			require.Equal(t, rid(1), e.Resource)
			require.True(t, e.NextOpen.Equal(midnight), "NextOpen %s", e.NextOpen)
			require.False(t, errors.Is(err, ErrNoResource))

			// One nanosecond before midnight is still the full day; midnight is a new one.
			_, err = a.Pick(ctx, Request{Action: tt.action, At: midnight.Add(-time.Nanosecond)})
			noCap(t, err)
			p, err := a.Pick(ctx, Request{Action: tt.action, At: midnight})
			require.NoError(t, err)
			require.Equal(t, timing.DateFromYMD(2025, 6, 3), p.Day)
		})
	}
	t.Run("letters are unlimited", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindMailSender, 1, 1, syd))
		for i := range 5000 {
			_, err := a.Pick(context.Background(), Request{Action: channel.ActionLetter, At: start})
			require.NoError(t, err, "letter %d", i)
		}
	})
}

// A phone's calls and texts are capped separately.
func TestPhoneMetersAreSeparate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	a := mustNew(t, Config{}, fleet(outbound.KindPhone, 1, 1, utc))
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	for range 60 {
		_, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
		require.NoError(t, err)
	}
	_, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
	noCap(t, err)
	for i := range 100 {
		_, err := a.Pick(ctx, Request{Action: channel.ActionSMS, At: at})
		require.NoError(t, err, "sms %d after the calls ran out", i)
	}
	_, err = a.Pick(ctx, Request{Action: channel.ActionSMS, At: at})
	noCap(t, err)
}

// The mailbox's daily figure comes from the limiter, clamped to the ceiling.
func TestMailboxLimiter(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	day0 := timing.DateFromYMD(2025, 6, 2)
	tests := []struct {
		name    string
		cfg     Config
		limit   func(day timing.Date) int // nil: no limiter
		want    int                       // picks day0 allows
		nextDay int                       // days after day0 when capacity opens
	}{
		{name: "default without limiter", want: 30, nextDay: 1},
		{name: "custom daily without limiter", cfg: Config{Email: Cap{Daily: 12}}, want: 12, nextDay: 1},
		{name: "unlimited daily stops at the ceiling", cfg: Config{Email: Cap{Daily: Unlimited}}, want: 50, nextDay: 1},
		{name: "curve value", limit: func(timing.Date) int { return 10 }, want: 10, nextDay: 1},
		{name: "curve above ceiling clamps to 50", limit: func(timing.Date) int { return 70 }, want: 50, nextDay: 1},
		{name: "custom ceiling", cfg: Config{MailboxCeiling: 25, Email: Cap{Daily: 20}}, limit: func(timing.Date) int { return 40 }, want: 25, nextDay: 1},
		{name: "no ceiling", cfg: Config{MailboxCeiling: Unlimited}, limit: func(timing.Date) int { return 70 }, want: 70, nextDay: 1},
		{name: "negative means ceiling", limit: func(timing.Date) int { return -1 }, want: 50, nextDay: 1},
		{name: "warming: zero until day 3", limit: func(d timing.Date) int {
			if d < day0+3 {
				return 0
			}
			return 10
		}, want: 0, nextDay: 3},
		{name: "limit drops tomorrow", limit: func(d timing.Date) int {
			if d == day0+1 || d == day0+2 {
				return 0
			}
			return 5
		}, want: 5, nextDay: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := tt.cfg
			if tt.limit != nil {
				cfg.Limiter = DailyLimitFunc(func(r Resource, day timing.Date) int {
					require.Equal(t, rid(1), r.ID)
					return tt.limit(day)
				})
			}
			cfg.Email.Spacing, cfg.Email.Jitter = NoSpacing, NoSpacing
			a := mustNew(t, cfg, fleet(outbound.KindMailbox, 1, 1, utc))
			at := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
			for i := range tt.want {
				_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at})
				require.NoError(t, err, "pick %d", i)
			}
			_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at})
			e := noCap(t, err)
			require.Equal(t, ReasonDailyCap, e.Reason)
			require.True(t, e.NextOpen.Equal((day0 + timing.Date(tt.nextDay)).Midnight(utc)), "NextOpen %s", e.NextOpen)
		})
	}
}

// LinkedIn connection requests: 20 a day and 80 in any 7 consecutive days.
func TestWeeklyCap(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	day0 := timing.DateFromYMD(2025, 6, 2)
	conn := channel.ActionConnectionRequest
	// book fills day day0+d with n requests, all at 10:00 + i minutes.
	book := func(t *testing.T, a *Allocator, d, n int) {
		t.Helper()
		for i := range n {
			at := wall(day0+timing.Date(d), 10, i%50, utc)
			_, err := a.Pick(context.Background(), Request{Action: conn, At: at})
			require.NoError(t, err, "day %d request %d", d, i)
		}
	}
	blocked := func(t *testing.T, a *Allocator, d int, reason Reason, openDay int) {
		t.Helper()
		at := wall(day0+timing.Date(d), 15, 0, utc)
		_, err := a.Pick(context.Background(), Request{Action: conn, At: at})
		e := noCap(t, err)
		require.Equal(t, reason, e.Reason, "day %d", d)
		require.True(t, e.NextOpen.Equal((day0 + timing.Date(openDay)).Midnight(utc)), "day %d: NextOpen %s, want day %d", d, e.NextOpen, openDay)
	}
	t.Run("four full days close the window", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindLinkedInSeat, 1, 1, utc))
		for d := range 4 {
			book(t, a, d, 20)
		}
		// Days 0–3 hold 80; day 4's window [−2, 4] holds all 80, and so on
		// until day 7, whose window [1, 7] has lost day 0's 20.
		blocked(t, a, 4, ReasonWeeklyCap, 7)
		blocked(t, a, 6, ReasonWeeklyCap, 7)
		book(t, a, 7, 20)
		blocked(t, a, 7, ReasonDailyCap, 8)
	})
	t.Run("partial days", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindLinkedInSeat, 1, 1, utc))
		book(t, a, 0, 10)
		book(t, a, 1, 20)
		book(t, a, 2, 20)
		book(t, a, 3, 20)
		book(t, a, 4, 10) // the window [−2, 4] now holds 80
		blocked(t, a, 4, ReasonWeeklyCap, 7)
		// Day 7's window [1, 7] holds 70: 10 more fit, then day 8's
		// window [2, 8] holds 60+10 = 70 ... and so on.
		book(t, a, 7, 10)
		blocked(t, a, 7, ReasonWeeklyCap, 8)
	})
	t.Run("booked out of order", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindLinkedInSeat, 1, 1, utc))
		book(t, a, 7, 20)
		book(t, a, 8, 20)
		book(t, a, 9, 20)
		book(t, a, 4, 20) // the window [4, 10] now holds 80
		// Day 3's window [3, 9] holds 80. Days 4 (daily), 5–10 (a window
		// holding 4, 7, 8 and 9) are closed; day 11's windows hold at most 60.
		blocked(t, a, 3, ReasonWeeklyCap, 11)
		blocked(t, a, 5, ReasonWeeklyCap, 11)
		// Day 0's windows hold at most 20 (day 4): open.
		book(t, a, 0, 20)
	})
	t.Run("messages have no weekly cap", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindLinkedInSeat, 1, 1, utc))
		for d := range 7 {
			for i := range 100 {
				at := wall(day0+timing.Date(d), 9, i%60, utc)
				_, err := a.Pick(context.Background(), Request{Action: channel.ActionLinkedInMessage, At: at})
				require.NoError(t, err)
			}
		}
	})
}

// At least 3 minutes between two sends from one mailbox, plus up to 2
// minutes of deterministic jitter; nothing for phones.
func TestSpacing(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	email := channel.ActionEmail
	t.Run("default mailbox spacing", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		a := mustNew(t, Config{}, fleet(outbound.KindMailbox, 1, 1, utc))
		_, err := a.Pick(ctx, Request{Action: email, At: t0})
		require.NoError(t, err)
		for _, d := range []time.Duration{0, time.Second, 2*time.Minute + 59*time.Second, 3*time.Minute - time.Nanosecond} {
			_, err := a.Pick(ctx, Request{Action: email, At: t0.Add(d)})
			e := noCap(t, err)
			require.Equal(t, ReasonSpacing, e.Reason)
			gap := e.NextOpen.Sub(t0)
			require.GreaterOrEqual(t, gap, 3*time.Minute)
			require.LessOrEqual(t, gap, 5*time.Minute)
		}
		// Also too close to a later send.
		_, err = a.Pick(ctx, Request{Action: email, At: t0.Add(-time.Minute)})
		require.Equal(t, ReasonSpacing, noCap(t, err).Reason)
		_, err = a.Pick(ctx, Request{Action: email, At: t0.Add(time.Second)})
		next := noCap(t, err).NextOpen
		_, err = a.Pick(ctx, Request{Action: email, At: next.Add(-time.Nanosecond)})
		noCap(t, err)
		_, err = a.Pick(ctx, Request{Action: email, At: next})
		require.NoError(t, err)
	})
	t.Run("fixed spacing without jitter", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		a := mustNew(t, Config{Email: Cap{Spacing: 10 * time.Minute, Jitter: NoSpacing}}, fleet(outbound.KindMailbox, 1, 1, utc))
		_, err := a.Pick(ctx, Request{Action: email, At: t0})
		require.NoError(t, err)
		_, err = a.Pick(ctx, Request{Action: email, At: t0.Add(10*time.Minute - time.Nanosecond)})
		require.True(t, noCap(t, err).NextOpen.Equal(t0.Add(10*time.Minute)))
		_, err = a.Pick(ctx, Request{Action: email, At: t0.Add(10 * time.Minute)})
		require.NoError(t, err)
		// Between two sends 20 minutes apart a third fits only exactly in the middle.
		_, err = a.Pick(ctx, Request{Action: email, At: t0.Add(30 * time.Minute)})
		require.NoError(t, err)
		_, err = a.Pick(ctx, Request{Action: email, At: t0.Add(19 * time.Minute)})
		require.True(t, noCap(t, err).NextOpen.Equal(t0.Add(20*time.Minute)))
		_, err = a.Pick(ctx, Request{Action: email, At: t0.Add(20 * time.Minute)})
		require.NoError(t, err)
	})
	t.Run("spacing can be switched off", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{Email: Cap{Spacing: NoSpacing, Jitter: NoSpacing}}, fleet(outbound.KindMailbox, 1, 1, utc))
		for range 30 {
			_, err := a.Pick(context.Background(), Request{Action: email, At: t0})
			require.NoError(t, err)
		}
	})
	t.Run("phones and seats have none by default", func(t *testing.T) {
		t.Parallel()
		rs := append(fleet(outbound.KindPhone, 1, 1, utc), fleet(outbound.KindLinkedInSeat, 1, 2, utc)...)
		a := mustNew(t, Config{}, rs)
		for _, act := range []channel.Action{channel.ActionCall, channel.ActionCall, channel.ActionSMS, channel.ActionSMS,
			channel.ActionConnectionRequest, channel.ActionConnectionRequest, channel.ActionLinkedInMessage, channel.ActionLinkedInMessage} {
			_, err := a.Pick(context.Background(), Request{Action: act, At: t0})
			require.NoError(t, err, "%s", act)
		}
	})
	t.Run("jitter is spread and deterministic", func(t *testing.T) {
		t.Parallel()
		// Ask for a send every second; the mailbox takes one as soon as
		// spacing allows, so the gaps between its sends are its spacing
		// plus jitter.
		run := func() []time.Time {
			a := mustNew(t, Config{Email: Cap{Daily: 400}, MailboxCeiling: Unlimited}, fleet(outbound.KindMailbox, 1, 7, utc))
			var sends []time.Time
			for at := t0; len(sends) < 300; at = at.Add(time.Second) {
				p, err := a.Pick(context.Background(), Request{Action: email, At: at})
				if err == nil {
					sends = append(sends, p.At)
				}
			}
			return sends
		}
		a, b := run(), run()
		require.Equal(t, a, b)
		distinct := map[time.Duration]bool{}
		var lo, hi time.Duration = time.Hour, 0
		for i := 1; i < len(a); i++ {
			g := a[i].Sub(a[i-1])
			distinct[g] = true
			lo, hi = min(lo, g), max(hi, g)
		}
		require.GreaterOrEqual(t, lo, 3*time.Minute)
		require.LessOrEqual(t, hi, 5*time.Minute+time.Second)
		require.Greater(t, hi-lo, time.Minute, "jitter should use its range")
		require.Greater(t, len(distinct), 50)
	})
}

func TestRoundRobinFairness(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	t0 := time.Date(2025, 6, 2, 8, 0, 0, 0, utc)
	tests := []struct {
		kind    outbound.ResourceKind
		actions []channel.Action
		n, k    int
	}{
		{outbound.KindMailbox, []channel.Action{channel.ActionEmail}, 7, 4},
		{outbound.KindPhone, []channel.Action{channel.ActionCall, channel.ActionSMS}, 5, 12},
		{outbound.KindLinkedInSeat, []channel.Action{channel.ActionConnectionRequest, channel.ActionLinkedInMessage}, 3, 6},
		{outbound.KindMailSender, []channel.Action{channel.ActionLetter}, 2, 50},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			a := mustNew(t, Config{}, fleet(tt.kind, tt.n, 1, utc))
			for _, act := range tt.actions {
				got := map[outbound.ResourceID]int{}
				at := t0
				for j := range tt.n * tt.k {
					p, err := a.Pick(context.Background(), Request{Action: act, At: at})
					require.NoError(t, err)
					// Rotation goes in the order resources were given.
					require.Equal(t, rid(1+j%tt.n), p.Resource, "%s pick %d", act, j)
					got[p.Resource]++
					at = at.Add(time.Minute) // 7 mailboxes: 7 minutes between sends from one
				}
				require.Len(t, got, tt.n)
				for id, c := range got {
					require.Equal(t, tt.k, c, "%s %s", act, id)
				}
			}
		})
	}
}

func TestSkipsPaused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	rs := fleet(outbound.KindPhone, 4, 1, utc)
	rs[1].Paused = true
	a := mustNew(t, Config{}, rs)
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	pick := func() outbound.ResourceID {
		t.Helper()
		p, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
		require.NoError(t, err)
		return p.Resource
	}
	require.Equal(t, []outbound.ResourceID{rid(1), rid(3), rid(4), rid(1)}, []outbound.ResourceID{pick(), pick(), pick(), pick()})
	require.NoError(t, a.SetPaused(rid(3), true))
	require.Equal(t, []outbound.ResourceID{rid(4), rid(1), rid(4)}, []outbound.ResourceID{pick(), pick(), pick()})
	require.NoError(t, a.SetPaused(rid(2), false)) // joins the end of the round: 1, 4, then 2
	require.Equal(t, []outbound.ResourceID{rid(1), rid(4), rid(2), rid(1)}, []outbound.ResourceID{pick(), pick(), pick(), pick()})
	require.ErrorIs(t, a.SetPaused(rid(99), true), ErrUnknownResource)

	// All paused: no usable resource, the fallback case.
	for _, id := range []outbound.ResourceID{rid(1), rid(2), rid(4)} {
		require.NoError(t, a.SetPaused(id, true))
	}
	_, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
	require.ErrorIs(t, err, ErrNoResource)
	e := noCap(t, err)
	require.Equal(t, ReasonNoResource, e.Reason)
	require.True(t, e.NextOpen.IsZero())
	require.NoError(t, a.SetPaused(rid(4), false))
	require.Equal(t, rid(4), pick())
}

func TestNoResourceOfKind(t *testing.T) {
	t.Parallel()
	a := mustNew(t, Config{}, fleet(outbound.KindMailbox, 2, 1, time.UTC))
	_, err := a.Pick(context.Background(), Request{Action: channel.ActionSMS, At: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)})
	require.ErrorIs(t, err, ErrNoResource)
	require.Equal(t, outbound.KindPhone, noCap(t, err).Kind)
}

func TestSticky(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	ctx := context.Background()

	t.Run("follow-up emails from the same mailbox", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindMailbox, 3, 1, utc))
		first, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0})
		require.NoError(t, err)
		require.Equal(t, rid(1), first.Resource)
		for d := 3; d <= 8; d += 5 {
			at := t0.AddDate(0, 0, d)
			// Another lead takes the rotation's next mailbox...
			other, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at})
			require.NoError(t, err)
			require.NotEqual(t, rid(1), other.Resource)
			// ...the lead's follow-up stays with its own.
			p, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at.Add(10 * time.Minute), Sticky: first.Resource})
			require.NoError(t, err)
			require.Equal(t, first.Resource, p.Resource)
			require.False(t, p.Replaced)
		}
	})
	t.Run("one phone for calls and texts", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindPhone, 3, 1, utc))
		_, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: t0}) // rid(1) to someone else
		require.NoError(t, err)
		call, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: t0})
		require.NoError(t, err)
		require.Equal(t, rid(2), call.Resource)
		// SMS has its own rotation (it would start at rid(1)), but the lead's phone wins.
		sms, err := a.Pick(ctx, Request{Action: channel.ActionSMS, At: t0.AddDate(0, 0, 9), Sticky: call.Resource})
		require.NoError(t, err)
		require.Equal(t, call.Resource, sms.Resource)
	})
	t.Run("LinkedIn always from the same seat", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindLinkedInSeat, 3, 1, utc))
		req, err := a.Pick(ctx, Request{Action: channel.ActionConnectionRequest, At: t0})
		require.NoError(t, err)
		for i := range 5 {
			p, err := a.Pick(ctx, Request{Action: channel.ActionLinkedInMessage, At: t0.AddDate(0, 0, 2+i), Sticky: req.Resource})
			require.NoError(t, err)
			require.Equal(t, req.Resource, p.Resource)
		}
	})
	t.Run("at its cap: no capacity, no switch", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{Call: Cap{Daily: 2}}, fleet(outbound.KindPhone, 2, 1, utc))
		for range 2 {
			_, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: t0, Sticky: rid(2)})
			require.NoError(t, err)
		}
		_, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: t0, Sticky: rid(2)})
		e := noCap(t, err)
		require.True(t, e.Sticky)
		require.Equal(t, rid(2), e.Resource)
		require.Equal(t, ReasonDailyCap, e.Reason)
		require.True(t, e.NextOpen.Equal(time.Date(2025, 6, 3, 0, 0, 0, 0, utc)))
		// rid(1) is free all along.
		p, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: t0})
		require.NoError(t, err)
		require.Equal(t, rid(1), p.Resource)
	})
	t.Run("too close to its last send: no capacity, no switch", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{Email: Cap{Jitter: NoSpacing}}, fleet(outbound.KindMailbox, 2, 1, utc))
		_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0, Sticky: rid(1)})
		require.NoError(t, err)
		_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Minute), Sticky: rid(1)})
		e := noCap(t, err)
		require.True(t, e.Sticky)
		require.Equal(t, ReasonSpacing, e.Reason)
		require.True(t, e.NextOpen.Equal(t0.Add(3*time.Minute)))
	})
	t.Run("paused: replaced, and the new one sticks", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindMailbox, 3, 1, utc))
		require.NoError(t, a.SetPaused(rid(2), true))
		p, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0, Sticky: rid(2)})
		require.NoError(t, err)
		require.True(t, p.Replaced)
		require.NotEqual(t, rid(2), p.Resource)
		require.NoError(t, a.SetPaused(rid(2), false))
		q, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.AddDate(0, 0, 3), Sticky: p.Resource})
		require.NoError(t, err)
		require.Equal(t, p.Resource, q.Resource)
		require.False(t, q.Replaced)
	})
	t.Run("removed or unknown: replaced", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, fleet(outbound.KindMailbox, 2, 1, utc))
		require.NoError(t, a.Remove(rid(1)))
		require.ErrorIs(t, a.Remove(rid(1)), ErrUnknownResource)
		_, ok := a.Resource(rid(1))
		require.False(t, ok)
		for k, sticky := range []outbound.ResourceID{rid(1), rid(42)} {
			p, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Hour * time.Duration(k)), Sticky: sticky})
			require.NoError(t, err)
			require.True(t, p.Replaced)
			require.Equal(t, rid(2), p.Resource)
		}
	})
	t.Run("wrong kind is a caller error", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, append(fleet(outbound.KindMailbox, 1, 1, utc), fleet(outbound.KindPhone, 1, 2, utc)...))
		_, err := a.Pick(ctx, Request{Action: channel.ActionSMS, At: t0, Sticky: rid(1)})
		require.ErrorIs(t, err, ErrInvalid)
		var fe *FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "Request", fe.Record)
		require.Equal(t, "Sticky", fe.Field)
		require.Equal(t, rid(1), fe.Value)
	})
}

// A resource takes part only in the rotations of the channels it may send
// on: a number whose provider places calls but sends no texts is never
// picked for an SMS, even when it is the lead's sticky number, and pausing,
// releasing, recording or removing it leaves the SMS rotation alone.
func TestChannelsLimitRotations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	rs := fleet(outbound.KindPhone, 3, 1, utc)
	rs[1].Channels = channel.SetOf(channel.Voice) // rid(2): calls only
	a := mustNew(t, Config{}, rs)
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	pick := func(act channel.Action, sticky outbound.ResourceID) Pick {
		t.Helper()
		p, err := a.Pick(ctx, Request{Action: act, At: at, Sticky: sticky})
		require.NoError(t, err)
		return p
	}
	var calls, texts []outbound.ResourceID
	for range 6 {
		calls = append(calls, pick(channel.ActionCall, outbound.ResourceID{}).Resource)
		texts = append(texts, pick(channel.ActionSMS, outbound.ResourceID{}).Resource)
	}
	require.Equal(t, []outbound.ResourceID{rid(1), rid(2), rid(3), rid(1), rid(2), rid(3)}, calls)
	require.Equal(t, []outbound.ResourceID{rid(1), rid(3), rid(1), rid(3), rid(1), rid(3)}, texts)

	p := pick(channel.ActionSMS, rid(2))
	require.NotEqual(t, rid(2), p.Resource)
	require.True(t, p.Replaced)
	require.Equal(t, rid(2), pick(channel.ActionCall, rid(2)).Resource)

	require.NoError(t, a.Record(Pick{Resource: rid(2), Action: channel.ActionSMS, Day: p.Day, At: at}))
	require.NoError(t, a.Release(ctx, Pick{Resource: rid(2), Action: channel.ActionSMS, Day: p.Day, At: at}))
	require.NoError(t, a.SetPaused(rid(2), true))
	require.NoError(t, a.SetPaused(rid(2), false))
	require.NoError(t, a.Remove(rid(2)))
	for range 4 {
		require.NotEqual(t, rid(2), pick(channel.ActionSMS, outbound.ResourceID{}).Resource)
		require.NotEqual(t, rid(2), pick(channel.ActionCall, outbound.ResourceID{}).Resource)
	}
}

// A mail sender's letters and postcards draw on one daily cap, and a
// postcard given back frees room for a letter.
func TestMailPiecesShareTheSendersCap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	a := mustNew(t, Config{Letter: Cap{Daily: 5}}, fleet(outbound.KindMailSender, 1, 1, utc))
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	var last Pick
	for i, act := range []channel.Action{channel.ActionLetter, channel.ActionPostcard, channel.ActionLetter, channel.ActionPostcard, channel.ActionPostcard} {
		p, err := a.Pick(ctx, Request{Action: act, At: at})
		require.NoError(t, err, "piece %d", i)
		require.Equal(t, act, p.Action)
		last = p
	}
	for _, act := range []channel.Action{channel.ActionLetter, channel.ActionPostcard} {
		_, err := a.Pick(ctx, Request{Action: act, At: at})
		noCap(t, err)
	}
	require.NoError(t, a.Release(ctx, last))
	_, err := a.Pick(ctx, Request{Action: channel.ActionLetter, At: at})
	require.NoError(t, err, "the postcard given back made room")
	_, err = a.Pick(ctx, Request{Action: channel.ActionPostcard, At: at})
	noCap(t, err)
}
