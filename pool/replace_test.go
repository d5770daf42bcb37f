package pool_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

// badStats passes the default bounce threshold.
var badStats = warmup.Stats{Sends: 100, Bounces: 10}

// TestPauseReplacesTheDomain pauses one of a starter client's two domains
// with stock of various ages in the pool: the client gets the best
// replacement and keeps two usable domains.
func TestPauseReplacesTheDomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stock []int // ages in days of the domains left in the pool
		want  int   // age of the replacement; -1 for none
	}{
		{"aged first, oldest of them", []int{5, 20, 90, 13}, 90},
		{"aged before an older warming one", []int{15, 10}, 15},
		{"else the warming one bought first", []int{3, 10, 7}, 10},
		{"none", nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.stock(t, outbound.KindDomain, 2, 200)
			id := b.client(t, "starter")
			a, err := b.pool.Assign(b.ctx, id)
			require.NoError(t, err)
			sick := a.Assigned[0]
			age := map[outbound.ResourceID]int{}
			for _, days := range tt.stock {
				age[b.stock(t, outbound.KindDomain, 1, days)[0].ID] = days
			}

			b.clock.Advance(day)
			hs := &pooltest.HealthSource{}
			hs.Set(sick.ID, badStats)
			changes, err := b.pool.EvaluateHealth(b.ctx, hs)
			require.NoError(t, err)
			require.Len(t, changes, 1)
			got := b.get(t, sick.ID)
			require.True(t, got.Paused)
			require.Equal(t, t0.Add(day), got.PausedAt)
			require.Equal(t, id, got.Client, "a paused domain stays its client's")
			require.Equal(t, changes[0].Replacement, got.ReplacedBy)

			owned, err := b.pool.Resources(b.ctx, id)
			require.NoError(t, err)
			if tt.want < 0 {
				require.True(t, got.ReplacedBy.IsZero())
				require.Len(t, b.alerts.Of(pool.AlertNoReplacement), 1)
				require.Empty(t, b.alerts.Of(pool.AlertReplaced))
				require.Equal(t, 1, kinds(unpaused(owned))[outbound.KindDomain])
				requireInLine(t, b)
				return
			}
			require.Equal(t, tt.want, age[got.ReplacedBy])
			repl := b.get(t, got.ReplacedBy)
			require.Equal(t, outbound.StateAssigned, repl.State)
			require.Equal(t, id, repl.Client)
			require.Equal(t, 2, kinds(unpaused(owned))[outbound.KindDomain], "the client keeps its plan's capacity")
			alerts := b.alerts.Of(pool.AlertReplaced)
			require.Len(t, alerts, 1)
			require.Equal(t, sick.ID, alerts[0].Resource)
			require.Equal(t, repl.ID, alerts[0].Replacement)
			require.Equal(t, id, alerts[0].Client)
			require.Empty(t, b.alerts.Of(pool.AlertNoReplacement))
			requireInLine(t, b)
		})
	}
}

// TestNoReplacementIsCompletedByThePurchase pauses a domain with an empty
// pool: the buffer check counts the client short and buys, and the client
// is completed once the purchase is ready.
func TestNoReplacementIsCompletedByThePurchase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 1)
	b.stock(t, outbound.KindDomain, 1, 60)
	id := b.client(t, "starter")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Nil(t, a.Short)

	_, err = b.pool.Pause(b.ctx, a.Assigned[0].ID, "blacklisted")
	require.NoError(t, err)
	require.Len(t, b.alerts.Of(pool.AlertNoReplacement), 1)

	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Kinds[outbound.KindDomain].Short, "the paused domain counts for nothing")
	require.Positive(t, rep.Kinds[outbound.KindDomain].Bought)

	b.clock.Advance(14 * day)
	_, err = b.pool.Promote(b.ctx)
	require.NoError(t, err)
	owned, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, 2, kinds(unpaused(owned))[outbound.KindDomain])
	requireInLine(t, b)
}

// TestResumeReleasesTheSurplus resumes a replaced domain: the client holds
// one domain more than its plan, and the newest purchase of them is held
// for it by the downgrade rule.
func TestResumeReleasesTheSurplus(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 2, 200)
	id := b.client(t, "starter")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	sick := a.Assigned[0].ID
	young := b.stock(t, outbound.KindDomain, 1, 30)[0]

	ch, err := b.pool.Pause(b.ctx, sick, "spam trap hits")
	require.NoError(t, err)
	require.Equal(t, young.ID, ch.Replacement)

	b.clock.Advance(3 * day)
	require.NoError(t, b.pool.Resume(b.ctx, sick))
	got := b.get(t, sick)
	require.False(t, got.Paused)
	require.Equal(t, t0.Add(3*day), got.ResumedAt)
	require.Equal(t, t0, got.PausedAt, "the last pause stays on record")
	require.Equal(t, outbound.StateAssigned, got.State)

	// The replacement, bought last, is held for the client.
	repl := b.get(t, young.ID)
	require.Equal(t, outbound.StateHeld, repl.State)
	require.Equal(t, id, repl.Client)
	owned, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, planCounts(plan(t, "starter"))[outbound.KindDomain], kinds(owned)[outbound.KindDomain])
	require.Len(t, b.alerts.Of(pool.AlertDomainResumed), 1)
	requireInLine(t, b)
}

// TestPauseNeedsNoReplacementAboveThePlan pauses a domain of a client that
// holds its plan without it: nothing is assigned.
func TestPauseNeedsNoReplacementAboveThePlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 3, 60)
	id := b.client(t, "starter")
	rs := b.list(t, storage.ResourceFilter{Kind: outbound.KindDomain})
	// Registered straight to the client: 3 domains on a 2-domain plan.
	for _, r := range rs {
		moved, err := b.store.MoveResource(b.ctx, storage.Move{Resource: r.ID, From: outbound.StateAvailable, To: outbound.StateAssigned, ToClient: id})
		require.NoError(t, err)
		require.True(t, moved)
	}
	b.stock(t, outbound.KindDomain, 1, 60)

	ch, err := b.pool.Pause(b.ctx, rs[0].ID, "manual")
	require.NoError(t, err)
	require.True(t, ch.Replacement.IsZero())
	require.Empty(t, b.alerts.Of(pool.AlertReplaced))
	require.Empty(t, b.alerts.Of(pool.AlertNoReplacement))
	require.Len(t, b.list(t, storage.ResourceFilter{Kind: outbound.KindDomain, State: outbound.StateAvailable}), 1)
}

func TestPauseASeatReplacesIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 2)
	id := b.client(t, "starter")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	var seat outbound.Resource
	for _, r := range a.Assigned {
		if r.Kind == outbound.KindLinkedInSeat {
			seat = r
		}
	}
	ch, err := b.pool.Pause(b.ctx, seat.ID, "account restricted")
	require.NoError(t, err)
	require.False(t, ch.Replacement.IsZero())
	require.Len(t, b.alerts.Of(pool.AlertResourcePaused), 1)

	again, err := b.pool.Pause(b.ctx, seat.ID, "account restricted")
	require.NoError(t, err)
	require.Nil(t, again, "pausing a paused resource does nothing")

	_, err = b.pool.Pause(b.ctx, seat.ID, "")
	require.ErrorIs(t, err, invalid.ErrInvalid)
}

// TestTwoProcessesPauseAtOnceReplaceOnce pauses two domains of one client
// from two processes at once with plenty in the pool: the client ends with
// exactly its plan of usable domains.
func TestTwoProcessesPauseAtOnceReplaceOnce(t *testing.T) {
	t.Parallel()
	for range 20 {
		b := setup(t)
		other := b.process(t, 0x20)
		b.stock(t, outbound.KindDomain, 6, 60)
		id := b.client(t, "starter")
		a, err := b.pool.Assign(b.ctx, id)
		require.NoError(t, err)
		doms := []outbound.ResourceID{a.Assigned[0].ID, a.Assigned[3].ID}

		var wg sync.WaitGroup
		var errs [2]error
		for i, p := range []*pool.Pool{b.pool, other} {
			wg.Go(func() { _, errs[i] = p.Pause(b.ctx, doms[i], "bounces") })
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		owned, err := b.pool.Resources(b.ctx, id)
		require.NoError(t, err)
		require.Equal(t, 2, kinds(unpaused(owned))[outbound.KindDomain])
		require.Equal(t, 4, kinds(owned)[outbound.KindDomain])
		requireInLine(t, b)
	}
}
