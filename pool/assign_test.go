package pool_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

func TestAssignGivesEachDefaultPlanItsResources(t *testing.T) {
	t.Parallel()
	for _, pl := range outbound.DefaultPlans() {
		t.Run(pl.Name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.stockAll(t, 6)
			id := b.client(t, pl.Name)

			a, err := b.pool.Assign(b.ctx, id)
			require.NoError(t, err)
			require.Equal(t, id, a.Client)
			require.Nil(t, a.Short)
			require.Equal(t, planCounts(pl), kinds(a.Assigned))
			for _, r := range a.Assigned {
				require.Equal(t, outbound.StateAssigned, r.State)
				require.Equal(t, id, r.Client)
				require.True(t, r.Usable())
			}

			owned, err := b.pool.Resources(b.ctx, id)
			require.NoError(t, err)
			require.Equal(t, planCounts(pl), kinds(owned))
			require.Empty(t, b.alerts.Alerts())
			requireInLine(t, b)
		})
	}
}

func TestAssignIsIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 6)
	id := b.client(t, "growth")

	first, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Len(t, first.Assigned, 3+6+2+2+1)

	// The same payment handled again (a webhook retried, Signup called
	// twice): nothing more is assigned.
	for range 3 {
		again, err := b.pool.Assign(b.ctx, id)
		require.NoError(t, err)
		require.Empty(t, again.Assigned)
		require.Nil(t, again.Short)
	}
	owned, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.ElementsMatch(t, first.Assigned, owned)
	require.Empty(t, b.alerts.Alerts())
}

func TestAssignConvergesToANewPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to string
		assigned map[outbound.ResourceKind]int
		released map[outbound.ResourceKind]int
	}{
		{"starter", "growth", map[outbound.ResourceKind]int{
			outbound.KindDomain: 1, outbound.KindMailbox: 2, outbound.KindPhone: 1, outbound.KindLinkedInSeat: 1, outbound.KindMailSender: 1}, nil},
		{"growth", "scale", map[outbound.ResourceKind]int{
			outbound.KindDomain: 2, outbound.KindMailbox: 4, outbound.KindPhone: 1, outbound.KindLinkedInSeat: 1}, nil},
		{"starter", "scale", map[outbound.ResourceKind]int{
			outbound.KindDomain: 3, outbound.KindMailbox: 6, outbound.KindPhone: 2, outbound.KindLinkedInSeat: 2, outbound.KindMailSender: 1}, nil},
		// A downgrade releases the surplus.
		{"scale", "starter", nil, map[outbound.ResourceKind]int{
			outbound.KindDomain: 3, outbound.KindMailbox: 6, outbound.KindPhone: 2, outbound.KindLinkedInSeat: 2, outbound.KindMailSender: 1}},
		{"growth", "starter", nil, map[outbound.ResourceKind]int{
			outbound.KindDomain: 1, outbound.KindMailbox: 2, outbound.KindPhone: 1, outbound.KindLinkedInSeat: 1, outbound.KindMailSender: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.from+"→"+tt.to, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.stockAll(t, 8)
			id := b.client(t, tt.from)
			_, err := b.pool.Assign(b.ctx, id)
			require.NoError(t, err)
			b.setPlan(t, id, tt.to)

			a, err := b.pool.Assign(b.ctx, id)
			require.NoError(t, err)
			require.Equal(t, tt.assigned, nilIfEmpty(kinds(a.Assigned)))
			require.Equal(t, tt.released, nilIfEmpty(kinds(a.Released)))

			owned, err := b.pool.Resources(b.ctx, id)
			require.NoError(t, err)
			require.Equal(t, planCounts(plan(t, tt.to)), kinds(owned))
			requireInLine(t, b)
		})
	}
}

func nilIfEmpty(m map[outbound.ResourceKind]int) map[outbound.ResourceKind]int {
	if len(m) == 0 {
		return nil
	}
	return m
}

func TestAssignTakesOldestPurchaseFirstTiesByID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	young := b.stock(t, outbound.KindPhone, 1, 20)[0]
	oldA := b.stock(t, outbound.KindPhone, 1, 90)[0] // stocked earlier than oldB: smaller ID
	oldB := b.stock(t, outbound.KindPhone, 1, 90)[0]
	oldest := b.stock(t, outbound.KindPhone, 1, 400)[0]
	require.Negative(t, cmpBytes(oldA.ID.UUID[:], oldB.ID.UUID[:]))

	got := func(plan string) []outbound.ResourceID {
		id := b.client(t, plan)
		a, err := b.pool.Assign(b.ctx, id)
		require.NoError(t, err)
		var ids []outbound.ResourceID
		for _, r := range a.Assigned {
			ids = append(ids, r.ID)
		}
		return ids
	}
	require.Equal(t, []outbound.ResourceID{oldest.ID}, got("starter"))
	require.Equal(t, []outbound.ResourceID{oldA.ID}, got("starter"))
	require.Equal(t, []outbound.ResourceID{oldB.ID}, got("starter"))
	require.Equal(t, []outbound.ResourceID{young.ID}, got("starter"))
}

func cmpBytes(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

func TestAssignSkipsWhatIsNotAssignable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 1, 3) // warming
	paused := b.stock(t, outbound.KindDomain, 1, 60)[0]
	retired := b.stock(t, outbound.KindDomain, 1, 60)[0]
	good := b.stock(t, outbound.KindDomain, 1, 60)[0]

	hs := &pooltest.HealthSource{}
	hs.Set(paused.ID, warmup.Stats{Sends: 100, Bounces: 10})
	_, err := b.pool.EvaluateHealth(b.ctx, hs)
	require.NoError(t, err)
	require.NoError(t, b.pool.Retire(b.ctx, retired.ID))

	id := b.client(t, "starter")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, 1, a.Count(outbound.KindDomain))
	require.Equal(t, good.ID, a.Assigned[0].ID)
	require.Equal(t, 1, a.Short[outbound.KindDomain])
}

func TestAssignShortAssignsWhatItCanAndAlerts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 1, 60)
	b.stock(t, outbound.KindLinkedInSeat, 1, 60)
	id := b.client(t, "growth") // 3 domains, 2 phones, 2 seats, mail sender

	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 1, outbound.KindMailbox: 2, outbound.KindLinkedInSeat: 1}, kinds(a.Assigned))
	wantShort := map[outbound.ResourceKind]int{outbound.KindDomain: 2, outbound.KindPhone: 2, outbound.KindLinkedInSeat: 1, outbound.KindMailSender: 1}
	require.Equal(t, wantShort, a.Short)

	alerts := b.alerts.Of(pool.AlertAssignmentShort)
	require.Len(t, alerts, 4)
	for _, al := range alerts {
		require.Equal(t, id, al.Client)
		require.Equal(t, wantShort[al.ResourceKind], al.Count, al.ResourceKind)
		require.Equal(t, t0, al.At)
		require.NotEmpty(t, al.Message)
	}

	// The buffer check then buys for the shortfall (nothing is available,
	// so every kind is under 40 %).
	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	// Domains: 1 assigned, 2 short, nothing else: ratio (0−2)/1 → 0; the
	// fewest n with (n−2)/(n−2+3) ≥ 40 % is 4 (2/5). Phones: 2 short → 4
	// likewise. Seats: 1 assigned, 1 short → (n−1)/(n+1) ≥ 0.4 at n = 3.
	// Mail sender: 1 short → (n−1)/n ≥ 0.4 at n = 2.
	want := map[outbound.ResourceKind]int{outbound.KindDomain: 4, outbound.KindPhone: 4, outbound.KindLinkedInSeat: 3, outbound.KindMailSender: 2}
	for k, n := range want {
		require.True(t, rep.Kinds[k].Low, k)
		require.Equal(t, wantShort[k], rep.Kinds[k].Short, k)
		require.Equal(t, n, rep.Kinds[k].Bought, k)
	}

	// The phones, seat and sender are ready at once (the fake's purchases
	// need no Provisioned) and went to the client straight away; the
	// domains warm up first.
	owned, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 1, outbound.KindMailbox: 2,
		outbound.KindPhone: 2, outbound.KindLinkedInSeat: 2, outbound.KindMailSender: 1}, kinds(owned))
	as, err := b.pool.Backfill(b.ctx)
	require.NoError(t, err)
	require.Empty(t, as)

	// A second check buys nothing: what it bought is in flight or available.
	rep, err = b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Empty(t, rep.Purchased)
	require.Len(t, b.prov.Calls(), 4)
}

func TestShortClientIsBackfilledWhenResourcesBecomeAvailable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 1, 60)
	b.stock(t, outbound.KindDomain, 1, 5) // warming: available 9 days from now
	b.stock(t, outbound.KindPhone, 1, 60)
	b.stock(t, outbound.KindLinkedInSeat, 1, 60)
	id := b.client(t, "starter")

	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 1}, a.Short)

	b.clock.Advance(9 * day)
	n, err := b.pool.Promote(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	owned, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, planCounts(plan(t, "starter")), kinds(owned))
	// The backfill raised no second shortfall alert.
	require.Len(t, b.alerts.Of(pool.AlertAssignmentShort), 1)
	requireInLine(t, b)
}

func TestBackfillServesOldestSignupFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// late has the smaller ID but signed up later: signup order wins.
	late := b.client(t, "starter")
	early := b.client(t, "starter")
	for id, at := range map[outbound.ClientID]time.Time{late: t0.Add(time.Hour), early: t0} {
		c, err := b.store.GetClient(b.ctx, id)
		require.NoError(t, err)
		c.SignupAt = at
		require.NoError(t, b.store.UpdateClient(b.ctx, c))
		_, err = b.pool.Assign(b.ctx, id)
		require.NoError(t, err)
	}

	// Stocking makes domains available, which backfills at once.
	b.stock(t, outbound.KindDomain, 3, 60)
	for id, want := range map[outbound.ClientID]int{early: 2, late: 1} {
		owned, err := b.pool.Resources(b.ctx, id)
		require.NoError(t, err)
		require.Equal(t, want, kinds(owned)[outbound.KindDomain])
	}

	// Nothing left to give: Backfill does nothing.
	as, err := b.pool.Backfill(b.ctx)
	require.NoError(t, err)
	require.Empty(t, as)
}

func TestBackfillAfterPlanChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 5)
	id := b.client(t, "starter")
	_, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	c, err := b.store.GetClient(b.ctx, id)
	require.NoError(t, err)
	c.Plan = "growth"
	require.NoError(t, b.store.UpdateClient(b.ctx, c))

	as, err := b.pool.Backfill(b.ctx)
	require.NoError(t, err)
	require.Len(t, as, 1)
	require.Equal(t, id, as[0].Client)
	require.Equal(t, map[outbound.ResourceKind]int{
		outbound.KindDomain: 1, outbound.KindMailbox: 2, outbound.KindPhone: 1, outbound.KindLinkedInSeat: 1, outbound.KindMailSender: 1,
	}, kinds(as[0].Assigned))
}

func TestAssignErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 3)

	_, err := b.pool.Assign(b.ctx, outbound.ClientID{UUID: b.clients()})
	require.ErrorIs(t, err, storage.ErrNotFound)

	id := b.client(t, "enterprise")
	_, err = b.pool.Assign(b.ctx, id)
	var fe *pool.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "Client", fe.Record)
	require.Equal(t, "Plan", fe.Field)
	require.Equal(t, "enterprise", fe.Value)
	require.ErrorIs(t, err, invalid.ErrInvalid)

	churned := b.client(t, "starter")
	require.NoError(t, b.pool.Churn(b.ctx, churned))
	_, err = b.pool.Assign(b.ctx, churned)
	require.ErrorIs(t, err, pool.ErrChurned)
}

// TestAssignConcurrentNeverDoubleAssigns runs many Assigns at once, twice
// each, against a pool too small for all: no resource ends up with two
// clients, no client above its plan, and the pool is handed out completely.
func TestAssignConcurrentNeverDoubleAssigns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 25, 60)
	b.stock(t, outbound.KindPhone, 10, 60)
	ids := make([]outbound.ClientID, 20)
	for i := range ids {
		ids[i] = b.client(t, "starter")
	}

	var wg sync.WaitGroup
	results := make([][]outbound.Resource, 2*len(ids))
	for i := range results {
		wg.Go(func() {
			a, err := b.pool.Assign(b.ctx, ids[i%len(ids)])
			if err != nil {
				panic(err)
			}
			results[i] = a.Assigned
		})
	}
	wg.Wait()

	seen := make(map[outbound.ResourceID]outbound.ClientID)
	for i, rs := range results {
		for _, r := range rs {
			prev, dup := seen[r.ID]
			require.False(t, dup, "resource %s assigned twice (to %s and %s)", r.ID, prev, ids[i%len(ids)])
			seen[r.ID] = ids[i%len(ids)]
		}
	}
	total := map[outbound.ResourceKind]int{}
	for _, id := range ids {
		owned, err := b.pool.Resources(b.ctx, id)
		require.NoError(t, err)
		k := kinds(owned)
		require.LessOrEqual(t, k[outbound.KindDomain], 2)
		require.LessOrEqual(t, k[outbound.KindPhone], 1)
		for kind, n := range k {
			total[kind] += n
		}
	}
	require.Equal(t, 25, total[outbound.KindDomain])
	require.Equal(t, 50, total[outbound.KindMailbox])
	require.Equal(t, 10, total[outbound.KindPhone])
	requireInLine(t, b)
}

func TestResourcesRejectsZeroClient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.pool.Resources(b.ctx, outbound.ClientID{})
	require.ErrorIs(t, err, invalid.ErrInvalid)
}

func TestAlerterFailureDoesNotFailTheOperation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.alerts.SetErr(errors.New("pager down"))
	id := b.client(t, "starter")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.NotEmpty(t, a.Short)
	require.Len(t, b.alerts.Of(pool.AlertAssignmentShort), 3)
}
