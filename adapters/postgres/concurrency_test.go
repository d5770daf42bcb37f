package postgres

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// TestReserveAcrossProcesses books one key from two pools (two processes'
// worth of connections) at once, with reservations and releases on random
// days, and checks that no day passes the daily cap and no 7 consecutive
// days pass the weekly cap, and that every success is counted once.
func TestReserveAcrossProcesses(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	stores := []*Store{one.Platform(), two.Platform()}
	key := allocator.Key{Resource: outbound.ResourceID{UUID: uuid.UUID{1}}, Action: channel.ActionEmail}
	const goroutines, tries, days, daily, weekly = 24, 60, 15, 5, 12
	lim := allocator.Limit{Daily: daily, Weekly: weekly}
	base := timing.DateOf(rlsEpoch)
	net := make([]int, goroutines) // reservations minus releases that took effect, per goroutine
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		st := stores[g%2]
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 99))
			var mine []timing.Date // days this goroutine holds a reservation on
			for range tries {
				if len(mine) > 0 && rng.IntN(5) == 0 {
					i := rng.IntN(len(mine))
					if err := st.Release(t.Context(), key, mine[i]); err != nil {
						errs[g] = err
						return
					}
					mine = append(mine[:i], mine[i+1:]...)
					net[g]--
					continue
				}
				d := base + timing.Date(rng.IntN(days))
				ok, err := st.Reserve(t.Context(), key, d, lim)
				if err != nil {
					errs[g] = err
					return
				}
				if ok {
					mine = append(mine, d)
					net[g]++
				}
			}
		})
	}
	wg.Wait()
	want := 0
	for g := range goroutines {
		require.NoError(t, errs[g])
		want += net[g]
	}
	counts := make([]int, days+12)
	require.NoError(t, stores[0].Used(t.Context(), key, base-6, counts))
	sum := 0
	for i, c := range counts {
		require.LessOrEqual(t, c, daily, "day %d", i)
		sum += c
	}
	require.Equal(t, want, sum, "every reservation and release is counted once")
	for w := 0; w+7 <= len(counts); w++ {
		week := 0
		for _, c := range counts[w : w+7] {
			week += c
		}
		require.LessOrEqual(t, week, weekly, "7 days from %d", w)
	}
	require.Greater(t, sum, weekly, "the test filled more than one week")
}

// TestClaimAcrossProcesses has workers on two pools claim and finish every
// due touch: each is leased to exactly one worker.
func TestClaimAcrossProcesses(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	stores := []*Store{one.Platform(), two.Platform()}
	const n, workers = 1200, 8
	ts := benchTouches(n, 0)
	require.NoError(t, stores[0].InsertTouches(t.Context(), ts))
	now := rlsEpoch.Add(24 * time.Hour)
	claimed := make([][]outbound.TouchID, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		st := stores[w%2]
		name := fmt.Sprint("w", w)
		wg.Go(func() {
			for {
				c, err := st.ClaimTouches(t.Context(), storage.Claim{Now: now, Worker: name, LeaseUntil: now.Add(time.Minute), Limit: 25})
				if err != nil {
					errs[w] = err
					return
				}
				if len(c) == 0 {
					return
				}
				for _, tc := range c {
					claimed[w] = append(claimed[w], tc.ID)
					tc.Status = outbound.TouchSent
					if err := st.UpdateTouch(t.Context(), &tc, name); err != nil {
						errs[w] = err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	owner := map[outbound.TouchID]int{}
	for w := range workers {
		require.NoError(t, errs[w])
		for _, id := range claimed[w] {
			prev, dup := owner[id]
			require.False(t, dup, "touch %s claimed by w%d and w%d", id, prev, w)
			owner[id] = w
		}
	}
	require.Len(t, owner, n)
	left, err := stores[1].ListTouches(t.Context(), storage.TouchFilter{Status: outbound.TouchScheduled})
	require.NoError(t, err)
	require.Empty(t, left)
}

// benchTouches makes n scheduled touches of one client, due at the test
// epoch plus a second each, with IDs from offset on.
func benchTouches(n, offset int) []outbound.Touch {
	client := outbound.ClientID{UUID: uuid.UUID{0xc1}}
	ts := make([]outbound.Touch, n)
	for i := range ts {
		k := offset + i
		var tid uuid.UUID
		tid[0], tid[12], tid[13], tid[14], tid[15] = 0x70, byte(k>>24), byte(k>>16), byte(k>>8), byte(k)
		ts[i] = outbound.Touch{
			ID: outbound.TouchID{UUID: tid}, Client: client,
			Campaign:    outbound.CampaignID{UUID: uuid.UUID{0xca}},
			Enrollment:  outbound.EnrollmentID{UUID: uuid.UUID{0xe0, byte(k >> 8), byte(k)}},
			Lead:        outbound.LeadID{UUID: uuid.UUID{0x1e, byte(k >> 8), byte(k)}},
			Step:        1,
			StepChannel: channel.Email, Channel: channel.Email, Action: channel.ActionEmail,
			Resource:    outbound.ResourceID{UUID: uuid.UUID{0x4e, byte(k % 50)}},
			Day:         timing.DateOf(rlsEpoch),
			ScheduledAt: rlsEpoch.Add(time.Duration(k%3600) * time.Second),
			Status:      outbound.TouchScheduled,
		}
	}
	return ts
}
