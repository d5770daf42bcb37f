package pool_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage"
)

// TestCheckBufferThresholdBoundary builds domain pools with given counts
// and checks the alert and the purchase. Expected purchases are the
// smallest n with (have + n) ÷ (have + n + assigned) ≥ 40 %, worked out by
// hand in each comment.
func TestCheckBufferThresholdBoundary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                         string
		available, warming, assigned int
		low                          bool
		buy                          int
	}{
		{"empty pool, nothing assigned: ratio 1", 0, 0, 0, false, 0},
		{"exactly 40 %: 2 of 5", 2, 0, 3, false, 0},
		{"exactly 40 % with in-flight: 1 + 1 warming of 5", 1, 1, 3, false, 0},
		{"40 % of 10", 4, 0, 6, false, 0},
		{"just under: 1 of 3 (33 %) → 1 more makes 2 of 4 (50 %)", 1, 0, 2, true, 1},
		{"3 of 8 (37.5 %) → 4 of 9 (44 %)", 3, 0, 5, true, 1},
		{"7 of 18 (38.9 %) → 8 of 19 (42 %)", 7, 0, 11, true, 1},
		{"none of 2 → 2 of 4 (50 %); 1 of 3 is 33 %", 0, 0, 2, true, 2},
		{"none of 3 → 2 of 5 (exactly 40 %)", 0, 0, 3, true, 2},
		{"none of 6 → 4 of 10 (exactly 40 %)", 0, 0, 6, true, 4},
		{"in-flight counts: 0 + 1 warming of 4 (25 %) → 2 of 5", 0, 1, 3, true, 1},
		{"everything available", 5, 0, 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, withOnePlan)
			b.stock(t, outbound.KindDomain, tt.assigned, 60)
			if tt.assigned > 0 {
				// One client per assigned domain, on a one-domain plan.
				for range tt.assigned {
					id := b.client(t, "one")
					_, err := b.pool.Assign(b.ctx, id)
					require.NoError(t, err)
				}
			}
			b.stock(t, outbound.KindDomain, tt.available, 60)
			b.stock(t, outbound.KindDomain, tt.warming, 1)

			rep, err := b.pool.CheckBuffer(b.ctx)
			require.NoError(t, err)
			got := rep.Kinds[outbound.KindDomain]
			require.Equal(t, tt.available, got.Available)
			require.Equal(t, tt.warming, got.InFlight)
			require.Equal(t, tt.assigned, got.Assigned)
			require.Equal(t, tt.low, got.Low)
			require.Equal(t, tt.buy, got.Asked)
			require.Equal(t, tt.buy, got.Bought)
			require.Len(t, rep.Purchased, tt.buy*(1+outbound.MailboxesPerDomain))
			if tt.low {
				require.Len(t, b.alerts.Of(pool.AlertBufferLow), 1)
				al := b.alerts.Of(pool.AlertBufferLow)[0]
				require.Equal(t, outbound.KindDomain, al.ResourceKind)
				require.Equal(t, tt.buy, al.Count)
				require.Equal(t, []pooltest.Call{{Key: "pool-domain-1", Kind: outbound.KindDomain, N: tt.buy}}, b.prov.Calls())
			} else {
				require.Empty(t, b.alerts.Alerts())
				require.Empty(t, b.prov.Calls())
			}

			// A repeated check buys nothing twice and raises nothing new.
			rep, err = b.pool.CheckBuffer(b.ctx)
			require.NoError(t, err)
			require.Empty(t, rep.Purchased)
			require.False(t, rep.Kinds[outbound.KindDomain].Low)
			require.Len(t, b.prov.Calls(), min(tt.buy, 1))
			requireInLine(t, b)
		})
	}
}

// withOnePlan adds a one-domain plan named "one" to the default plans.
func withOnePlan(c *pool.Config) {
	c.Plans = append(outbound.DefaultPlans(), outbound.Plan{Name: "one", Domains: 1, LeadsPerMonth: 100})
}

func TestCheckBufferPurchasedDomainsWarmFromPurchase(t *testing.T) {
	t.Parallel()
	b := setup(t, withOnePlan)
	b.stock(t, outbound.KindDomain, 2, 60)
	for range 2 {
		_, err := b.pool.Assign(b.ctx, b.client(t, "one")) // 0 of 2 available
		require.NoError(t, err)
	}
	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Kinds[outbound.KindDomain].Bought)
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 2, outbound.KindMailbox: 4}, kinds(rep.Purchased))
	for _, r := range rep.Purchased {
		require.Equal(t, outbound.StateWarming, r.State)
		require.Equal(t, t0, r.PurchasedAt)
		require.Equal(t, t0, r.CreatedAt)
		require.Equal(t, "infraforge", r.Provider)
	}
	require.Equal(t, "infraforge-domain-0001", rep.Purchased[0].ProviderRef)
	require.Equal(t, "sim0001.example.net", rep.Purchased[0].Address)
	require.Equal(t, "outreach@sim0001.example.net", rep.Purchased[1].Address)
	requireInLine(t, b)
}

func TestCheckBufferPendingPurchasesCountInFlight(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.prov.SetPending(true)
	b.stock(t, outbound.KindPhone, 1, 60)
	_, err := b.pool.Assign(b.ctx, b.client(t, "starter"))
	require.NoError(t, err)

	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	// 0 available of 1 assigned: 1 more makes 1 of 2 (50 %).
	require.Equal(t, 1, rep.Kinds[outbound.KindPhone].Bought)
	require.Equal(t, outbound.StateProvisioning, b.list(t, storage.ResourceFilter{Kind: outbound.KindPhone, State: outbound.StateProvisioning})[0].State)

	rep, err = b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Kinds[outbound.KindPhone].InFlight)
	require.False(t, rep.Kinds[outbound.KindPhone].Low)
	require.Equal(t, 1, b.prov.Bought(outbound.KindPhone))
}

func TestCheckBufferPurchaseFailure(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindPhone, 1, 60)
	_, err := b.pool.Assign(b.ctx, b.client(t, "starter"))
	require.NoError(t, err)
	boom := errors.New("provider down")
	b.prov.SetErr(boom)

	rep, err := b.pool.CheckBuffer(b.ctx)
	require.ErrorIs(t, err, boom)
	require.Empty(t, rep.Purchased)
	require.True(t, rep.Kinds[outbound.KindPhone].Low)
	require.Zero(t, rep.Kinds[outbound.KindPhone].Bought)
	failed := b.alerts.Of(pool.AlertPurchaseFailed)
	require.NotEmpty(t, failed)
	require.Equal(t, outbound.KindDomain, failed[0].ResourceKind) // starter was short of domains too
	require.Len(t, b.list(t, storage.ResourceFilter{Kind: outbound.KindPhone}), 1)

	// Once the provider is back, the next check buys.
	b.prov.SetErr(nil)
	rep, err = b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Kinds[outbound.KindPhone].Bought)
}

func TestCheckBufferShortDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 6, 60)
	for range 3 {
		_, err := b.pool.Assign(b.ctx, b.client(t, "starter"))
		require.NoError(t, err)
	}
	b.prov.SetLimit(1)
	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	// 0 of 6 → 4 of 10; only 1 delivered.
	d := rep.Kinds[outbound.KindDomain]
	require.Equal(t, 4, d.Asked)
	require.Equal(t, 1, d.Bought)
	var domainFailed []pool.Alert
	for _, al := range b.alerts.Of(pool.AlertPurchaseFailed) {
		if al.ResourceKind == outbound.KindDomain {
			domainFailed = append(domainFailed, al)
		}
	}
	require.Len(t, domainFailed, 1)
	require.Equal(t, 3, domainFailed[0].Count)

	// The next check asks for the rest only: 1 in flight of 7 → 4 of 10.
	b.prov.SetLimit(-1)
	rep, err = b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, rep.Kinds[outbound.KindDomain].Bought)
}

func TestCheckBufferWithoutProvisionerOnlyAlerts(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *pool.Config) { c.Provisioner = nil })
	b.stock(t, outbound.KindPhone, 1, 60)
	_, err := b.pool.Assign(b.ctx, b.client(t, "starter"))
	require.NoError(t, err)
	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.True(t, rep.Kinds[outbound.KindPhone].Low)
	require.Empty(t, rep.Purchased)
	require.Positive(t, b.alerts.Count(pool.AlertBufferLow))
}

func TestCheckBufferIgnoresHeldRetiredAndPausedAvailable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 2, 60)
	gone := b.client(t, "starter")
	_, err := b.pool.Assign(b.ctx, gone)
	require.NoError(t, err)
	require.NoError(t, b.pool.Churn(b.ctx, gone)) // 2 held
	r := b.stock(t, outbound.KindDomain, 1, 60)[0]
	require.NoError(t, b.pool.Retire(b.ctx, r.ID))
	p := b.stock(t, outbound.KindDomain, 1, 60)[0]
	hs := newHealthFor(p.ID)
	_, err = b.pool.EvaluateHealth(b.ctx, hs)
	require.NoError(t, err)

	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	d := rep.Kinds[outbound.KindDomain]
	require.Equal(t, pool.Buffer{Ratio: 1}, d)
}
