package pool_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// TestDowngradeReleasesNewestPurchasesFirst gives a scale client domains
// bought on different days, then moves it to a smaller plan: the domains
// bought last are held for it, the oldest stay.
func TestDowngradeReleasesNewestPurchasesFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		to   string
		keep []int // ages, in days, of the domains the client keeps
	}{
		{"scale", []int{400, 200, 90, 60, 30}},
		{"growth", []int{400, 200, 90}},
		{"starter", []int{400, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			age := map[outbound.ResourceID]int{}
			for _, days := range []int{30, 400, 60, 200, 90} {
				d := b.stock(t, outbound.KindDomain, 1, days)[0]
				age[d.ID] = days
			}
			id := b.client(t, "scale")
			_, err := b.pool.Assign(b.ctx, id)
			require.NoError(t, err)
			b.setPlan(t, id, tt.to)

			a, err := b.pool.Assign(b.ctx, id)
			require.NoError(t, err)
			var kept []int
			owned, err := b.pool.Resources(b.ctx, id)
			require.NoError(t, err)
			for _, r := range owned {
				if r.Kind == outbound.KindDomain {
					kept = append(kept, age[r.ID])
				}
			}
			require.ElementsMatch(t, tt.keep, kept)
			for _, r := range a.Released {
				require.Equal(t, outbound.StateHeld, r.State)
				require.Equal(t, id, r.Client, "held for the client")
				require.Equal(t, t0.Add(30*day), r.HeldUntil)
			}
			require.Equal(t, 5-len(tt.keep), kinds(a.Released)[outbound.KindDomain])
			requireInLine(t, b)
		})
	}
}

func TestDowngradeHoldThenReleaseOrTakeBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 4)
	id := b.client(t, "growth")
	_, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	b.setPlan(t, id, "starter")
	down, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.NotEmpty(t, down.Released)

	// Another client cannot get the held resources.
	other := b.client(t, "growth")
	a, err := b.pool.Assign(b.ctx, other)
	require.NoError(t, err)
	for _, r := range a.Assigned {
		require.NotContains(t, ids(down.Released), r.ID)
	}

	// An upgrade within the hold takes them back first.
	b.clock.Advance(10 * day)
	b.setPlan(t, id, "growth")
	up, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.ElementsMatch(t, ids(down.Released), ids(up.Assigned))

	// Downgraded again, the hold runs out 30 days later: back in the pool.
	b.setPlan(t, id, "starter")
	down, err = b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	b.clock.Advance(30*day - time.Second)
	n, err := b.pool.Release(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	b.clock.Advance(time.Second)
	n, err = b.pool.Release(b.ctx)
	require.NoError(t, err)
	require.Equal(t, kinds(down.Released)[outbound.KindDomain]+kinds(down.Released)[outbound.KindPhone]+
		kinds(down.Released)[outbound.KindLinkedInSeat]+kinds(down.Released)[outbound.KindMailSender], n)
	for _, r := range down.Released {
		got := b.get(t, r.ID)
		// Returned to the pool, or backfilled at once to the other client,
		// which was short.
		if got.State == outbound.StateAssigned {
			require.Equal(t, other, got.Client)
		} else {
			require.Equal(t, outbound.StateAvailable, got.State)
		}
	}
	requireInLine(t, b)
	require.Empty(t, b.list(t, storage.ResourceFilter{State: outbound.StateHeld}))
}
