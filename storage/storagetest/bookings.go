package storagetest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// day0 is the suite's first resource-day.
var day0 = timing.DateOf(t0)

func used(t *testing.T, st storage.Store, key allocator.Key, from timing.Date, n int) []int {
	t.Helper()
	counts := make([]int, n)
	for i := range counts {
		counts[i] = -1 // Used must fill every entry
	}
	require.NoError(t, st.Used(t.Context(), key, from, counts))
	return counts
}

func reserve(t *testing.T, st storage.Store, key allocator.Key, day timing.Date, lim allocator.Limit) bool {
	t.Helper()
	ok, err := st.Reserve(t.Context(), key, day, lim)
	require.NoError(t, err)
	return ok
}

func (s suite) testBookings(t *testing.T) {
	email := allocator.Key{Resource: resourceID(1), Action: channel.ActionEmail}
	noCap := allocator.Limit{Daily: -1, Weekly: -1}
	s.run(t, "DailyCap", func(t *testing.T, st storage.Store) {
		lim := allocator.Limit{Daily: 3, Weekly: -1}
		for i := range 3 {
			require.True(t, reserve(t, st, email, day0, lim), "reservation %d", i+1)
		}
		require.False(t, reserve(t, st, email, day0, lim))
		require.True(t, reserve(t, st, email, day0+1, lim), "the next day has its own cap")
		sms := allocator.Key{Resource: resourceID(1), Action: channel.ActionSMS}
		require.True(t, reserve(t, st, sms, day0, lim), "another action of the resource has its own")
		other := allocator.Key{Resource: resourceID(2), Action: channel.ActionEmail}
		require.True(t, reserve(t, st, other, day0, lim), "another resource has its own")
		require.Equal(t, []int{0, 3, 1, 0}, used(t, st, email, day0-1, 4))
		require.False(t, reserve(t, st, email, day0, allocator.Limit{Daily: 0, Weekly: -1}), "a zero cap takes nothing")
		require.True(t, reserve(t, st, email, day0, noCap), "a negative figure is no cap")
		require.Equal(t, []int{4}, used(t, st, email, day0, 1))
	})
	s.run(t, "RollingWeekCap", func(t *testing.T, st storage.Store) {
		lim := allocator.Limit{Daily: -1, Weekly: 5}
		// Days 10 and 16 are 6 apart: one 7-day window holds both.
		for range 3 {
			require.True(t, reserve(t, st, email, day0+10, lim))
		}
		require.True(t, reserve(t, st, email, day0+16, lim))
		require.True(t, reserve(t, st, email, day0+16, lim))
		require.False(t, reserve(t, st, email, day0+16, lim), "days 10..16 hold 5")
		require.False(t, reserve(t, st, email, day0+13, lim), "between them")
		require.True(t, reserve(t, st, email, day0+4, lim), "days 4..10 hold 4")
		require.True(t, reserve(t, st, email, day0+4, lim), "days 4..10 hold 5")
		require.False(t, reserve(t, st, email, day0+4, lim), "days 4..10 would hold 6")
		require.True(t, reserve(t, st, email, day0+3, lim), "no week holds day 3 and day 10")
		require.True(t, reserve(t, st, email, day0+17, lim), "days 11..17 hold 3")
		require.Equal(t, []int{1, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 2, 1}, used(t, st, email, day0+3, 15))
	})
	s.run(t, "RollingWeekCapBothWays", func(t *testing.T, st storage.Store) {
		lim := allocator.Limit{Daily: -1, Weekly: 4}
		for range 4 {
			require.True(t, reserve(t, st, email, day0+10, lim))
		}
		// Every window containing a day counts, those reaching back and
		// those reaching forward.
		for d := day0 + 4; d <= day0+16; d++ {
			require.False(t, reserve(t, st, email, d, lim), "day %d shares a week with day 10", d-day0)
		}
		require.True(t, reserve(t, st, email, day0+3, lim), "day 3's windows end by day 9")
		require.True(t, reserve(t, st, email, day0+17, lim), "day 17's windows start at day 11")
	})
	s.run(t, "Release", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		lim := allocator.Limit{Daily: 2, Weekly: -1}
		require.True(t, reserve(t, st, email, day0, lim))
		require.True(t, reserve(t, st, email, day0, lim))
		require.False(t, reserve(t, st, email, day0, lim))
		require.NoError(t, st.Release(ctx, email, day0))
		require.Equal(t, []int{1}, used(t, st, email, day0, 1))
		require.True(t, reserve(t, st, email, day0, lim), "a release makes room")
		for range 4 {
			require.NoError(t, st.Release(ctx, email, day0))
		}
		require.Equal(t, []int{0}, used(t, st, email, day0, 1), "never below zero")
		require.NoError(t, st.Release(ctx, allocator.Key{Resource: resourceID(9), Action: channel.ActionCall}, day0), "releasing nothing is no error")
		require.Equal(t, []int{0, 0, 0}, used(t, st, allocator.Key{Resource: resourceID(9), Action: channel.ActionCall}, day0, 3))
		for range 2 {
			require.True(t, reserve(t, st, email, day0, lim))
		}
		require.False(t, reserve(t, st, email, day0, lim), "the cap holds after releases below zero")
	})
	s.run(t, "ListBookings", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b := clientID(1), clientID(2)
		res := []outbound.Resource{
			{ID: resourceID(1), Kind: outbound.KindMailbox, State: outbound.StateAssigned, Client: a},
			{ID: resourceID(2), Kind: outbound.KindPhone, State: outbound.StateAssigned, Client: a},
			{ID: resourceID(3), Kind: outbound.KindPhone, State: outbound.StateAssigned, Client: b},
		}
		for i := range res {
			require.NoError(t, st.CreateResource(ctx, &res[i]))
		}
		type rk struct {
			r   int
			act channel.Action
			d   int
			n   int
		}
		plan := []rk{
			{2, channel.ActionSMS, 1, 2}, {2, channel.ActionCall, 3, 1}, {2, channel.ActionCall, 0, 4},
			{1, channel.ActionEmail, 2, 3}, {1, channel.ActionEmail, -1, 1},
			{3, channel.ActionCall, 0, 2}, {4, channel.ActionEmail, 0, 1}, // resource 4 is not stored
		}
		for _, p := range plan {
			for range p.n {
				require.True(t, reserve(t, st, allocator.Key{Resource: resourceID(p.r), Action: p.act}, day0+timing.Date(p.d), noCap))
			}
		}
		// Released to zero: not listed.
		k := allocator.Key{Resource: resourceID(1), Action: channel.ActionSMS}
		require.True(t, reserve(t, st, k, day0, noCap))
		require.NoError(t, st.Release(ctx, k, day0))

		booking := func(client outbound.ClientID, r int, act channel.Action, d, n int) outbound.Booking {
			return outbound.Booking{Client: client, Resource: resourceID(r), Action: act, Day: day0 + timing.Date(d), Count: n}
		}
		// By resource (bytes), then action, then day.
		wantA := []outbound.Booking{
			booking(a, 1, channel.ActionEmail, -1, 1), booking(a, 1, channel.ActionEmail, 2, 3),
			booking(a, 2, channel.ActionCall, 0, 4), booking(a, 2, channel.ActionCall, 3, 1), booking(a, 2, channel.ActionSMS, 1, 2),
		}
		if cmpUUID(resourceID(2).UUID, resourceID(1).UUID) < 0 {
			wantA = append(wantA[2:], wantA[:2]...)
		}
		got, err := st.ListBookings(ctx, a)
		require.NoError(t, err)
		require.Equal(t, wantA, got)
		got, err = st.ListBookings(ctx, b)
		require.NoError(t, err)
		require.Equal(t, []outbound.Booking{booking(b, 3, channel.ActionCall, 0, 2)}, got)

		all, err := st.ListBookings(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Len(t, all, len(wantA)+2)
		require.Contains(t, all, booking(outbound.ClientID{}, 4, channel.ActionEmail, 0, 1), "a resource the store lacks has no client")
		for i := 1; i < len(all); i++ {
			p, q := all[i-1], all[i]
			c := cmpUUID(p.Resource.UUID, q.Resource.UUID)
			require.True(t, c < 0 || (c == 0 && (p.Action < q.Action || (p.Action == q.Action && p.Day < q.Day))), "ordered at %d", i)
		}

		// A resource that changes hands lists under its new client.
		res[2].Client = a
		require.NoError(t, st.UpdateResource(ctx, &res[2]))
		got, err = st.ListBookings(ctx, b)
		require.NoError(t, err)
		require.Empty(t, got)
	})
	s.run(t, "ConcurrentReserveHoldsDailyCap", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const goroutines, tries, cap = 32, 10, 100
		wins := make([]int, goroutines)
		errs := make([]error, goroutines)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for range tries {
					ok, err := st.Reserve(ctx, email, day0, allocator.Limit{Daily: cap, Weekly: -1})
					if err != nil {
						errs[g] = err
						return
					}
					if ok {
						wins[g]++
					}
				}
			})
		}
		wg.Wait()
		total := 0
		for g := range goroutines {
			require.NoError(t, errs[g])
			total += wins[g]
		}
		require.Equal(t, cap, total)
		require.Equal(t, []int{cap}, used(t, st, email, day0, 1))
	})
	s.run(t, "ConcurrentReserveHoldsWeekCap", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const goroutines, tries, weekly, daily, days = 16, 40, 20, 6, 21
		lim := allocator.Limit{Daily: daily, Weekly: weekly}
		wins := make([]int, goroutines)
		errs := make([]error, goroutines)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(g), 3))
				for range tries {
					ok, err := st.Reserve(ctx, email, day0+timing.Date(rng.IntN(days)), lim)
					if err != nil {
						errs[g] = err
						return
					}
					if ok {
						wins[g]++
					}
				}
			})
		}
		wg.Wait()
		total := 0
		for g := range goroutines {
			require.NoError(t, errs[g])
			total += wins[g]
		}
		counts := used(t, st, email, day0-6, days+12)
		sum := 0
		for i, c := range counts {
			require.LessOrEqual(t, c, daily, "day %d", i)
			sum += c
		}
		require.Equal(t, total, sum, "every success is counted once")
		for w := 0; w+7 <= len(counts); w++ {
			week := 0
			for _, c := range counts[w : w+7] {
				week += c
			}
			require.LessOrEqual(t, week, weekly, "7 days from %d", w)
		}
	})
	s.run(t, "MatchesModel", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		rng := rand.New(rand.NewPCG(11, 13))
		keys := []allocator.Key{
			{Resource: resourceID(1), Action: channel.ActionEmail},
			{Resource: resourceID(1), Action: channel.ActionCall},
			{Resource: resourceID(2), Action: channel.ActionEmail},
		}
		model := make([][30]int, len(keys)) // days day0 .. day0+29
		count := func(k, d int) int {
			if d < 0 || d >= 30 {
				return 0
			}
			return model[k][d]
		}
		ops := 4000
		if testing.Short() {
			ops = 400
		}
		for op := range ops {
			k, d := rng.IntN(len(keys)), 3+rng.IntN(24)
			if rng.IntN(4) == 0 {
				require.NoError(t, st.Release(ctx, keys[k], day0+timing.Date(d)))
				if model[k][d] > 0 {
					model[k][d]--
				}
				continue
			}
			lim := allocator.Limit{Daily: rng.IntN(6) - 1, Weekly: rng.IntN(15) - 1}
			// By brute force: after adding one, no cap may be passed.
			fits := lim.Daily < 0 || count(k, d)+1 <= lim.Daily
			for w := d - 6; w <= d && lim.Weekly >= 0; w++ {
				sum := 1
				for x := w; x < w+7; x++ {
					sum += count(k, x)
				}
				if sum > lim.Weekly {
					fits = false
				}
			}
			ok, err := st.Reserve(ctx, keys[k], day0+timing.Date(d), lim)
			require.NoError(t, err)
			require.Equal(t, fits, ok, "op %d: key %d day %d limit %+v", op, k, d, lim)
			if ok {
				model[k][d]++
			}
		}
		for k, key := range keys {
			require.Equal(t, model[k][:], used(t, st, key, day0, 30), fmt.Sprint("key ", k))
		}
	})
}
