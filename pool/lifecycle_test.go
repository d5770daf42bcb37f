package pool_test

import (
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

func TestStockStatesByKindAndAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind  outbound.ResourceKind
		age   time.Duration
		state outbound.ResourceState
	}{
		{outbound.KindDomain, 0, outbound.StateWarming},
		{outbound.KindDomain, 13 * day, outbound.StateWarming},
		{outbound.KindDomain, 14*day - time.Nanosecond, outbound.StateWarming},
		{outbound.KindDomain, 14 * day, outbound.StateAvailable}, // the first day the default curve allows 10
		{outbound.KindDomain, 45 * day, outbound.StateAvailable},
		{outbound.KindPhone, 0, outbound.StateAvailable},
		{outbound.KindLinkedInSeat, 0, outbound.StateAvailable},
		{outbound.KindMailSender, 0, outbound.StateAvailable},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+tt.age.String(), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			rs, err := b.pool.Stock(b.ctx, tt.kind, 1, t0.Add(-tt.age))
			require.NoError(t, err)
			wantLen := 1
			if tt.kind == outbound.KindDomain {
				wantLen = 1 + outbound.MailboxesPerDomain
			}
			require.Len(t, rs, wantLen)
			for _, r := range rs {
				require.Equal(t, tt.state, r.State, r.Kind)
				require.True(t, r.Client.IsZero())
				require.Equal(t, t0, r.CreatedAt)
				require.Equal(t, t0.Add(-tt.age), r.PurchasedAt)
				require.Equal(t, pool.StockProvider, r.Provider)
				require.NotEmpty(t, r.Address)
				require.Equal(t, r, b.get(t, r.ID))
			}
			requireInLine(t, b)
		})
	}
}

func TestStockDomainGetsNamedMailboxes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rs := b.stock(t, outbound.KindDomain, 2, 30)
	require.Len(t, rs, 6)
	require.Equal(t, "stock0001.example.com", rs[0].Address)
	require.Equal(t, "outreach@stock0001.example.com", rs[1].Address)
	require.Equal(t, "hello@stock0001.example.com", rs[2].Address)
	require.Equal(t, "stock0002.example.com", rs[3].Address)
	for _, mb := range []outbound.Resource{rs[1], rs[2]} {
		require.Equal(t, outbound.KindMailbox, mb.Kind)
		require.Equal(t, rs[0].ID, mb.Parent)
	}
	// Numbering continues across calls.
	more := b.stock(t, outbound.KindDomain, 1, 30)
	require.Equal(t, "stock0003.example.com", more[0].Address)
	phones := b.stock(t, outbound.KindPhone, 2, 0)
	require.Equal(t, "+15550000001", phones[0].Address)
	require.Equal(t, "+15550000002", phones[1].Address)
}

func TestStockRejectsBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		kind  outbound.ResourceKind
		n     int
		field string
	}{
		{outbound.KindMailbox, 1, "kind"},
		{"fax", 1, "kind"},
		{outbound.KindPhone, -1, "n"},
	}
	for _, tt := range tests {
		_, err := b.pool.Stock(b.ctx, tt.kind, tt.n, t0)
		var fe *pool.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, tt.field, fe.Field)
		require.ErrorIs(t, err, invalid.ErrInvalid)
	}
	rs, err := b.pool.Stock(b.ctx, outbound.KindPhone, 0, t0)
	require.NoError(t, err)
	require.Empty(t, rs)
	require.Empty(t, b.list(t, storage.ResourceFilter{}))
}

func TestPromoteAtTheWarmupAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		curve   warmup.Curve
		ready   int
		bought  time.Duration // before t0
		advance time.Duration
		want    int
	}{
		{"default, a day short", nil, 14, 0, 13 * day, 0},
		{"default, a nanosecond short", nil, 14, 0, 14*day - time.Nanosecond, 0},
		{"default, exactly 14 days", nil, 14, 0, 14 * day, 1},
		{"default, bought 10 days ago, 4 days on", nil, 14, 10 * day, 4 * day, 1},
		{"custom curve sends from day 7", warmup.Curve{{FromDay: 0, Limit: 0}, {FromDay: 7, Limit: 5}}, 7, 0, 7 * day, 1},
		{"custom curve, day 6", warmup.Curve{{FromDay: 0, Limit: 0}, {FromDay: 7, Limit: 5}}, 7, 0, 6 * day, 0},
		{"no warmup at all", warmup.Curve{{FromDay: 0, Limit: 30}}, 0, 0, 0, 0}, // available at once: nothing warming
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(c *pool.Config) { c.Warmup.Curve = tt.curve })
			require.Equal(t, tt.ready, b.pool.WarmupDays())
			d := b.stock(t, outbound.KindDomain, 1, 0)
			if tt.bought > 0 {
				// Re-stock with the older purchase instead.
				require.NoError(t, b.pool.Retire(b.ctx, d[0].ID))
				rs, err := b.pool.Stock(b.ctx, outbound.KindDomain, 1, t0.Add(-tt.bought))
				require.NoError(t, err)
				d = rs
			}
			b.clock.Advance(tt.advance)
			n, err := b.pool.Promote(b.ctx)
			require.NoError(t, err)
			require.Equal(t, tt.want, n)
			wantState := outbound.StateWarming
			if tt.want == 1 || tt.ready == 0 {
				wantState = outbound.StateAvailable
			}
			for _, r := range d {
				require.Equal(t, wantState, b.get(t, r.ID).State, r.Kind)
			}
			requireInLine(t, b)
		})
	}
}

func TestProvisionedThenPromote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.prov.SetPending(true)
	id := b.client(t, "starter")
	_, err := b.pool.Assign(b.ctx, id) // short of everything
	require.NoError(t, err)
	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.NotEmpty(t, rep.Purchased)
	for _, r := range rep.Purchased {
		require.Equal(t, outbound.StateProvisioning, r.State, r.Kind)
		require.Equal(t, t0, r.PurchasedAt, "warmup starts on purchase")
	}
	domain := rep.Purchased[0]
	require.Equal(t, outbound.KindDomain, domain.Kind)
	var phone outbound.Resource
	for _, r := range rep.Purchased {
		if r.Kind == outbound.KindPhone {
			phone = r
			break
		}
	}

	// Provisioning resources wait for Provisioned, whatever their age.
	b.clock.Advance(20 * day)
	n, err := b.pool.Promote(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	// A domain provisioned once old enough is available at once; a phone
	// always is; both backfill the short client.
	require.NoError(t, b.pool.Provisioned(b.ctx, domain.ID))
	require.Equal(t, outbound.StateAssigned, b.get(t, domain.ID).State)
	require.NoError(t, b.pool.Provisioned(b.ctx, phone.ID))
	require.Equal(t, id, b.get(t, phone.ID).Client)
	// Idempotent: a second webhook changes nothing.
	before := b.get(t, domain.ID)
	require.NoError(t, b.pool.Provisioned(b.ctx, domain.ID))
	require.Equal(t, before, b.get(t, domain.ID))
	requireInLine(t, b)
}

func TestProvisionedYoungDomainWarms(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.prov.SetPending(true)
	// Make the buffer want domains: 1 available, 2 assigned is 33 %.
	b.stock(t, outbound.KindDomain, 3, 60)
	_, err := b.pool.Assign(b.ctx, b.client(t, "starter"))
	require.NoError(t, err)
	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	d := rep.Purchased[0]
	require.Equal(t, outbound.KindDomain, d.Kind)

	b.clock.Advance(2 * day)
	require.NoError(t, b.pool.Provisioned(b.ctx, d.ID))
	require.Equal(t, outbound.StateWarming, b.get(t, d.ID).State)
	b.clock.Advance(12 * day) // 14 days since purchase
	n, err := b.pool.Promote(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	requireInLine(t, b)
}

func TestProvisionedErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rs := b.stock(t, outbound.KindDomain, 1, 0)
	err := b.pool.Provisioned(b.ctx, rs[1].ID)
	var fe *pool.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "id", fe.Field)
	err = b.pool.Provisioned(b.ctx, outbound.ResourceID{UUID: b.clients()})
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func TestChurnHoldsThirtyDaysThenReleases(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Exactly what growth takes: 3 domains, 2 phones, 2 seats, a sender.
	b.stock(t, outbound.KindDomain, 3, 60)
	b.stock(t, outbound.KindPhone, 2, 60)
	b.stock(t, outbound.KindLinkedInSeat, 2, 60)
	b.stock(t, outbound.KindMailSender, 1, 60)
	id := b.client(t, "growth")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Nil(t, a.Short)

	b.clock.Advance(3 * time.Hour)
	churnedAt := b.clock.Now()
	require.NoError(t, b.pool.Churn(b.ctx, id))
	c, err := b.store.GetClient(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, outbound.ClientChurned, c.State)
	require.Equal(t, churnedAt, c.ChurnedAt)
	for _, r := range a.Assigned {
		got := b.get(t, r.ID)
		require.Equal(t, outbound.StateHeld, got.State, r.Kind)
		require.Equal(t, id, got.Client)
		require.Equal(t, churnedAt.Add(30*day), got.HeldUntil)
		require.False(t, got.Usable())
	}
	owned, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Empty(t, owned)
	// Held resources are not assignable to anyone else. (The other client
	// churns at once, so that the release below has no one to backfill.)
	other := b.client(t, "starter")
	oa, err := b.pool.Assign(b.ctx, other)
	require.NoError(t, err)
	require.Empty(t, oa.Assigned)
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 2, outbound.KindPhone: 1, outbound.KindLinkedInSeat: 1}, oa.Short)
	require.NoError(t, b.pool.Churn(b.ctx, other))

	// Churning again later keeps the first churn's instant and deadline.
	b.clock.Advance(5 * day)
	require.NoError(t, b.pool.Churn(b.ctx, id))
	c, err = b.store.GetClient(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, churnedAt, c.ChurnedAt)
	require.Equal(t, churnedAt.Add(30*day), b.get(t, a.Assigned[0].ID).HeldUntil)

	// A nanosecond before the hold ends: nothing is released.
	b.clock.Set(churnedAt.Add(30*day - time.Nanosecond))
	n, err := b.pool.Release(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, outbound.StateHeld, b.get(t, a.Assigned[0].ID).State)

	// Exactly 30 days after the churn: released, mailboxes with their domain.
	b.clock.Set(churnedAt.Add(30 * day))
	n, err = b.pool.Release(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 3+2+2+1, n, "growth: 3 domains, 2 phones, 2 seats, 1 sender; mailboxes not counted")
	for _, r := range a.Assigned {
		got := b.get(t, r.ID)
		require.Equal(t, outbound.StateAvailable, got.State, r.Kind)
		require.True(t, got.Client.IsZero())
		require.True(t, got.HeldUntil.IsZero())
	}
	// Nothing left to release.
	n, err = b.pool.Release(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	requireInLine(t, b)
}

func TestReleaseRetiresPausedAndBackfills(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 2, 60)
	leaving := b.client(t, "starter")
	_, err := b.pool.Assign(b.ctx, leaving)
	require.NoError(t, err)
	doms := b.list(t, storage.ResourceFilter{Kind: outbound.KindDomain})
	hs := &pooltest.HealthSource{}
	hs.Set(doms[0].ID, warmup.Stats{Sends: 50, Bounces: 5})
	changes, err := b.pool.EvaluateHealth(b.ctx, hs)
	require.NoError(t, err)
	require.Len(t, changes, 1)
	require.NoError(t, b.pool.Churn(b.ctx, leaving))

	waiting := b.client(t, "starter") // gets nothing now
	a, err := b.pool.Assign(b.ctx, waiting)
	require.NoError(t, err)
	require.Equal(t, 2, a.Short[outbound.KindDomain])

	b.clock.Advance(30 * day)
	n, err := b.pool.Release(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, outbound.StateRetired, b.get(t, doms[0].ID).State)
	require.True(t, b.get(t, doms[0].ID).Client.IsZero())
	// The healthy domain went back to the pool and straight to the waiting client.
	require.Equal(t, outbound.StateAssigned, b.get(t, doms[1].ID).State)
	require.Equal(t, waiting, b.get(t, doms[1].ID).Client)
	requireInLine(t, b)
}

func TestReactivatedClientGetsItsHeldResourcesBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 4)
	id := b.client(t, "starter")
	first, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.NoError(t, b.pool.Churn(b.ctx, id))

	b.clock.Advance(10 * day)
	c, err := b.store.GetClient(b.ctx, id)
	require.NoError(t, err)
	c.State, c.ChurnedAt = outbound.ClientActive, time.Time{}
	require.NoError(t, b.store.UpdateClient(b.ctx, c))

	again, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Nil(t, again.Short)
	var want, got []outbound.ResourceID
	for _, r := range first.Assigned {
		want = append(want, r.ID)
	}
	for _, r := range again.Assigned {
		got = append(got, r.ID)
		require.True(t, r.HeldUntil.IsZero())
		require.Equal(t, outbound.StateAssigned, r.State)
	}
	require.ElementsMatch(t, want, got)
	requireInLine(t, b)
}

func TestChurnUnknownClient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.ErrorIs(t, b.pool.Churn(b.ctx, outbound.ClientID{UUID: b.clients()}), storage.ErrNotFound)
}

func TestRetire(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 3)
	id := b.client(t, "starter")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	d := a.Assigned[0]
	require.Equal(t, outbound.KindDomain, d.Kind)

	require.NoError(t, b.pool.Retire(b.ctx, d.ID))
	require.NoError(t, b.pool.Retire(b.ctx, d.ID)) // idempotent
	got := b.get(t, d.ID)
	require.Equal(t, outbound.StateRetired, got.State)
	require.True(t, got.Client.IsZero())
	requireInLine(t, b)

	// The client was topped up from the pool at once.
	owned, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, planCounts(plan(t, "starter")), kinds(owned))
	require.NotContains(t, owned, got)

	var fe *pool.FieldError
	require.ErrorAs(t, b.pool.Retire(b.ctx, a.Assigned[1].ID), &fe) // a mailbox
}
