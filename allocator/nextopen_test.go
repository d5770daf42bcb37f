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

// fill books a resource's whole day (a 1-call cap) at instant at.
func oneCallConfig() Config { return Config{Call: Cap{Daily: 1}} }

func TestNextOpenMidnightInResourceZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	syd := mustLoad(t, "Australia/Sydney")
	nyc := mustLoad(t, "America/New_York")
	// 2025-06-02 12:00 UTC is 22:00 in Sydney (Monday) and 08:00 in New York
	// (Monday). Sydney's Tuesday starts 2 hours later; New York's at
	// 04:00 UTC on the 3rd, 16 hours later.
	at := time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC)
	rs := []Resource{
		{ID: rid(1), Kind: outbound.KindPhone, Location: nyc},
		{ID: rid(2), Kind: outbound.KindPhone, Location: syd},
	}
	a := mustNew(t, oneCallConfig(), rs)
	for range 2 {
		p, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
		require.NoError(t, err)
		// The pick is counted on the resource's own calendar day.
		require.Equal(t, timing.DateFromYMD(2025, 6, 2), p.Day)
	}
	_, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
	e := noCap(t, err)
	require.Equal(t, rid(2), e.Resource)
	require.Equal(t, ReasonDailyCap, e.Reason)
	require.True(t, e.NextOpen.Equal(time.Date(2025, 6, 3, 0, 0, 0, 0, syd)), "NextOpen %s", e.NextOpen)
	require.True(t, e.NextOpen.Equal(at.Add(2*time.Hour)))
	require.Equal(t, time.UTC, e.NextOpen.Location(), "NextOpen is in the request's location")

	// Sydney's new day: only the Sydney phone has room.
	p, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: e.NextOpen})
	require.NoError(t, err)
	require.Equal(t, rid(2), p.Resource)
	require.Equal(t, timing.DateFromYMD(2025, 6, 3), p.Day)
	_, err = a.Pick(ctx, Request{Action: channel.ActionCall, At: e.NextOpen.Add(time.Hour)})
	e = noCap(t, err)
	require.Equal(t, rid(1), e.Resource)
	require.True(t, e.NextOpen.Equal(time.Date(2025, 6, 3, 0, 0, 0, 0, nyc)))
	require.True(t, e.NextOpen.Equal(time.Date(2025, 6, 3, 4, 0, 0, 0, time.UTC)))
}

func TestNextOpenAcrossDST(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		zone string
		at   [5]int    // y, m, d, h, min of a pick on the full day, local
		want time.Time // by hand: the first instant of the next local day
		day  timing.Date
	}{
		// Berlin springs forward at 02:00 on 2024-03-31: a 23-hour day.
		{"Berlin spring forward", "Europe/Berlin", [5]int{2024, 3, 31, 10, 0},
			time.Date(2024, 3, 31, 22, 0, 0, 0, time.UTC), timing.DateFromYMD(2024, 3, 31)},
		// ...and falls back on 2024-10-27: a 25-hour day.
		{"Berlin fall back", "Europe/Berlin", [5]int{2024, 10, 27, 1, 0},
			time.Date(2024, 10, 27, 23, 0, 0, 0, time.UTC), timing.DateFromYMD(2024, 10, 27)},
		// Sydney's day before its spring forward (2024-10-06 02:00).
		{"Sydney spring forward", "Australia/Sydney", [5]int{2024, 10, 5, 23, 30},
			time.Date(2024, 10, 5, 14, 0, 0, 0, time.UTC), timing.DateFromYMD(2024, 10, 5)},
		// São Paulo sprang forward at midnight on 2018-11-04: that day
		// starts at 01:00 -02:00.
		{"São Paulo midnight gap", "America/Sao_Paulo", [5]int{2018, 11, 3, 20, 0},
			time.Date(2018, 11, 4, 3, 0, 0, 0, time.UTC), timing.DateFromYMD(2018, 11, 3)},
		// Half-hour-DST Lord Howe and a 45-minute offset.
		{"Lord Howe", "Australia/Lord_Howe", [5]int{2024, 10, 6, 12, 0},
			time.Date(2024, 10, 6, 13, 0, 0, 0, time.UTC), timing.DateFromYMD(2024, 10, 6)},
		{"Kathmandu", "Asia/Kathmandu", [5]int{2024, 1, 10, 9, 0},
			time.Date(2024, 1, 10, 18, 15, 0, 0, time.UTC), timing.DateFromYMD(2024, 1, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			loc := mustLoad(t, tt.zone)
			a := mustNew(t, oneCallConfig(), fleet(outbound.KindPhone, 1, 1, loc))
			at := time.Date(tt.at[0], time.Month(tt.at[1]), tt.at[2], tt.at[3], tt.at[4], 0, 0, loc)
			p, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
			require.NoError(t, err)
			require.Equal(t, tt.day, p.Day)
			_, err = a.Pick(ctx, Request{Action: channel.ActionCall, At: at.Add(time.Minute)})
			e := noCap(t, err)
			require.True(t, e.NextOpen.Equal(tt.want), "NextOpen %s, want %s", e.NextOpen, tt.want)
			// The last instant of the day is still full; NextOpen is the next day.
			_, err = a.Pick(ctx, Request{Action: channel.ActionCall, At: tt.want.Add(-time.Nanosecond)})
			noCap(t, err)
			p, err = a.Pick(ctx, Request{Action: channel.ActionCall, At: tt.want})
			require.NoError(t, err)
			require.Equal(t, tt.day+1, p.Day)
		})
	}
}

// NextOpen is the minimum over the candidates: here spacing on one mailbox
// beats midnight on the other.
func TestNextOpenMinimumOverCandidates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	a := mustNew(t, Config{Email: Cap{Jitter: NoSpacing}, Limiter: DailyLimitFunc(func(r Resource, _ timing.Date) int {
		if r.ID == rid(1) {
			return 1
		}
		return 10
	})}, fleet(outbound.KindMailbox, 2, 1, utc))
	_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0}) // rid(1): now full
	require.NoError(t, err)
	p, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Minute)}) // rid(2)
	require.NoError(t, err)
	require.Equal(t, rid(2), p.Resource)
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(2 * time.Minute)})
	e := noCap(t, err)
	require.Equal(t, rid(2), e.Resource)
	require.Equal(t, ReasonSpacing, e.Reason)
	require.True(t, e.NextOpen.Equal(t0.Add(4*time.Minute)))
	// A burst of failing picks in between answers the same.
	for range 3 {
		_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(3 * time.Minute)})
		require.True(t, noCap(t, err).NextOpen.Equal(t0.Add(4*time.Minute)))
	}
	p, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(4 * time.Minute)})
	require.NoError(t, err)
	require.Equal(t, rid(2), p.Resource)
}

func TestRelease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	a := mustNew(t, Config{Email: Cap{Daily: 2, Jitter: NoSpacing}}, fleet(outbound.KindMailbox, 1, 1, utc))
	p1, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0})
	require.NoError(t, err)
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Hour)})
	require.NoError(t, err)
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Minute)})
	require.Equal(t, ReasonDailyCap, noCap(t, err).Reason)
	// Giving back the first frees a slot on the day and its spacing.
	require.NoError(t, a.Release(ctx, p1))
	p, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Minute)})
	require.NoError(t, err)
	require.Equal(t, rid(1), p.Resource)
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(2 * time.Minute)})
	require.Equal(t, ReasonDailyCap, noCap(t, err).Reason)
	require.ErrorIs(t, a.Release(ctx, Pick{Action: "fax"}), ErrInvalid)
}

func TestRecordCountsForSpacing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	a := mustNew(t, Config{Email: Cap{Jitter: NoSpacing}}, fleet(outbound.KindMailbox, 1, 1, utc))
	require.NoError(t, a.Record(Pick{Resource: rid(1), Action: channel.ActionEmail, At: t0}))
	_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(2 * time.Minute)})
	require.True(t, noCap(t, err).NextOpen.Equal(t0.Add(3*time.Minute)))
	require.ErrorIs(t, a.Record(Pick{Resource: rid(9), Action: channel.ActionEmail, At: t0}), ErrUnknownResource)
	require.ErrorIs(t, a.Record(Pick{Resource: rid(1), Action: channel.ActionCall, At: t0}), ErrInvalid)
	require.ErrorIs(t, a.Record(Pick{Resource: rid(1), Action: channel.ActionEmail}), ErrInvalid)
}

func TestForget(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	a := mustNew(t, Config{Email: Cap{Jitter: NoSpacing}}, fleet(outbound.KindMailbox, 1, 1, utc))
	for i := range 10 {
		_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Duration(i) * 10 * time.Minute)})
		require.NoError(t, err)
	}
	last := t0.Add(90 * time.Minute)
	a.Forget(last.Add(time.Minute))
	// History within the spacing of the horizon is kept.
	_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: last.Add(2 * time.Minute)})
	require.Equal(t, ReasonSpacing, noCap(t, err).Reason)
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0})
	require.ErrorIs(t, err, ErrForgotten)
	require.False(t, errors.Is(err, ErrNoCapacity))
	a.Forget(t0) // never moves back
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Hour)})
	require.ErrorIs(t, err, ErrForgotten)
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: last.Add(3 * time.Minute)})
	require.NoError(t, err)
}

// Picks may come in any order of instant: planning a later day first does
// not block an earlier one.
func TestOutOfOrderInstants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	t0 := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	a := mustNew(t, Config{Email: Cap{Daily: 2, Jitter: NoSpacing}}, fleet(outbound.KindMailbox, 1, 1, utc))
	for _, at := range []time.Time{t0.AddDate(0, 0, 5), t0.AddDate(0, 0, 5).Add(time.Hour), t0, t0.Add(10 * time.Minute)} {
		_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at})
		require.NoError(t, err, "%s", at)
	}
	// Days 0 and 5 (June 2 and June 7) are full.
	_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.Add(time.Hour)})
	require.True(t, noCap(t, err).NextOpen.Equal(time.Date(2025, 6, 3, 0, 0, 0, 0, utc)))
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.AddDate(0, 0, 5).Add(30 * time.Minute)})
	require.True(t, noCap(t, err).NextOpen.Equal(time.Date(2025, 6, 8, 0, 0, 0, 0, utc)))
	// Fill June 8 too: the answer skips the day already booked ahead.
	for _, at := range []time.Time{time.Date(2025, 6, 8, 12, 0, 0, 0, utc), time.Date(2025, 6, 8, 13, 0, 0, 0, utc)} {
		p, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at})
		require.NoError(t, err)
		require.Equal(t, timing.DateFromYMD(2025, 6, 8), p.Day)
	}
	_, err = a.Pick(ctx, Request{Action: channel.ActionEmail, At: t0.AddDate(0, 0, 5).Add(40 * time.Minute)})
	require.True(t, noCap(t, err).NextOpen.Equal(time.Date(2025, 6, 9, 0, 0, 0, 0, utc)))
}
