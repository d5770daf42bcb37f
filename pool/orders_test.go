package pool_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage"
)

// dies is a provisioner whose process dies once, right after the provider
// answered: the purchase is made and its answer lost.
type dies struct {
	inner *pooltest.Provisioner
	mu    sync.Mutex
	died  bool
}

func (d *dies) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	rs, err := d.inner.Purchase(ctx, o)
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.died {
		d.died = true
		return nil, errors.New("the process died before storing the answer")
	}
	return rs, err
}

// shortOfDomains builds a pool on a one-domain plan with 2 domains, both
// assigned: the next check orders 2.
func shortOfDomains(t *testing.T, mod ...func(*pool.Config)) *bundle {
	t.Helper()
	b := setup(t, append([]func(*pool.Config){withOnePlan}, mod...)...)
	b.stock(t, outbound.KindDomain, 2, 60)
	for range 2 {
		_, err := b.pool.Assign(b.ctx, b.client(t, "one"))
		require.NoError(t, err)
	}
	return b
}

// byProvider lists the resources of provider.
func (b *bundle) byProvider(t *testing.T, provider string) []outbound.Resource {
	t.Helper()
	var out []outbound.Resource
	for _, r := range b.list(t, storage.ResourceFilter{}) {
		if r.Provider == provider {
			out = append(out, r)
		}
	}
	return out
}

func TestCrashAfterThePurchaseBuysOnce(t *testing.T) {
	t.Parallel()
	inner := &pooltest.Provisioner{}
	b := shortOfDomains(t, func(c *pool.Config) { c.Provisioner = &dies{inner: inner} })

	_, err := b.pool.CheckBuffer(b.ctx)
	require.Error(t, err)
	require.Equal(t, 2, inner.Bought(outbound.KindDomain), "the provider bought")
	require.Empty(t, b.byProvider(t, "infraforge"), "the pool stored nothing")
	orders, err := b.store.ListOrders(b.ctx)
	require.NoError(t, err)
	require.Len(t, orders, 1)
	require.Equal(t, outbound.OrderPending, orders[0].State)

	// The process restarts and runs the check again.
	restarted := b.process(t, 0x30, withOnePlan, func(c *pool.Config) { c.Provisioner = inner })
	rep, err := restarted.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Kinds[outbound.KindDomain].Bought)
	require.Zero(t, rep.Kinds[outbound.KindDomain].Asked, "the open order covered the shortfall: no new order")

	calls := inner.Calls()
	require.Len(t, calls, 2, "the provider was asked twice")
	require.Equal(t, calls[0].Key, calls[1].Key, "with one key")
	require.Equal(t, 2, inner.Bought(outbound.KindDomain), "and sold once")
	stored := b.byProvider(t, "infraforge")
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 2, outbound.KindMailbox: 4}, kinds(stored))
	refs := map[string]bool{}
	for _, r := range stored {
		require.False(t, refs[r.ProviderRef], "%s stored twice", r.ProviderRef)
		refs[r.ProviderRef] = true
	}
	orders, err = b.store.ListOrders(b.ctx)
	require.NoError(t, err)
	require.Equal(t, outbound.OrderFulfilled, orders[0].State)
	require.ElementsMatch(t, ids(stored), orders[0].Resources)
	requireInLine(t, b)

	// And a third check buys nothing.
	rep, err = restarted.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Empty(t, rep.Purchased)
	require.Len(t, inner.Calls(), 2)
}

// failingStore fails the n-th CreateResource once, as a crash or a lost
// connection midway through storing a purchase would.
type failingStore struct {
	pool.Store
	mu      sync.Mutex
	creates int
	failAt  int
}

func (s *failingStore) CreateResource(ctx context.Context, r *outbound.Resource) error {
	s.mu.Lock()
	s.creates++
	fail := s.creates == s.failAt
	s.mu.Unlock()
	if fail {
		return errors.New("connection lost")
	}
	return s.Store.CreateResource(ctx, r)
}

func TestCrashWhileStoringAPurchaseStoresEachResourceOnce(t *testing.T) {
	t.Parallel()
	for failAt := 1; failAt <= 6; failAt++ { // 2 domains × (domain + 2 mailboxes)
		t.Run(fmt.Sprint(failAt), func(t *testing.T) {
			t.Parallel()
			b := shortOfDomains(t)
			fs := &failingStore{Store: b.store, failAt: failAt}
			p := b.process(t, 0x30, withOnePlan, func(c *pool.Config) { c.Store = fs })

			_, err := p.CheckBuffer(b.ctx)
			require.Error(t, err)
			// No domain is assignable without all its mailboxes.
			for _, d := range b.list(t, storage.ResourceFilter{Kind: outbound.KindDomain, State: outbound.StateWarming}) {
				require.Len(t, b.list(t, storage.ResourceFilter{Parent: d.ID}), outbound.MailboxesPerDomain)
			}

			_, err = p.CheckBuffer(b.ctx)
			require.NoError(t, err)
			require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 2, outbound.KindMailbox: 4}, kinds(b.byProvider(t, "infraforge")))
			require.Equal(t, 2, b.prov.Bought(outbound.KindDomain))
			for _, c := range b.prov.Calls() {
				require.Equal(t, "pool-domain-1", c.Key)
			}
			requireInLine(t, b)
		})
	}
}

func TestOrderKeys(t *testing.T) {
	t.Parallel()
	b := shortOfDomains(t)
	_, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)

	// A failed purchase keeps its order open: the next check places it
	// again under its key instead of ordering anew, and counts it in flight.
	b.clock.Advance(15 * day)
	_, err = b.pool.Promote(b.ctx)
	require.NoError(t, err)
	for range 2 {
		_, err := b.pool.Assign(b.ctx, b.client(t, "one")) // a new shortfall
		require.NoError(t, err)
	}
	boom := errors.New("provider down")
	b.prov.SetErr(boom)
	rep, err := b.pool.CheckBuffer(b.ctx)
	require.ErrorIs(t, err, boom)
	// 0 available of 4 assigned: 3 more make 3 of 7 (43 %).
	require.Equal(t, 3, rep.Kinds[outbound.KindDomain].Asked)
	rep, err = b.pool.CheckBuffer(b.ctx)
	require.ErrorIs(t, err, boom)
	require.Equal(t, 3, rep.Kinds[outbound.KindDomain].InFlight, "the open order is in flight")
	require.False(t, rep.Kinds[outbound.KindDomain].Low)
	require.Zero(t, rep.Kinds[outbound.KindDomain].Asked)
	require.Len(t, b.alerts.Of(pool.AlertPurchaseFailed), 2)

	// A refusal fails the order for good; the shortfall is then a new one,
	// ordered under a new key (refused too, here).
	b.prov.SetErr(fmt.Errorf("no domains left: %w", pool.ErrPurchaseRefused))
	_, err = b.pool.CheckBuffer(b.ctx)
	require.ErrorIs(t, err, pool.ErrPurchaseRefused)
	b.prov.SetErr(nil)
	rep, err = b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, rep.Kinds[outbound.KindDomain].Bought)

	var keys []string
	for _, c := range b.prov.Calls() {
		keys = append(keys, c.Key)
	}
	require.Equal(t, []string{"pool-domain-1", "pool-domain-2", "pool-domain-2", "pool-domain-2", "pool-domain-3", "pool-domain-4"}, keys)
	states := map[string]outbound.OrderState{}
	orders, err := b.store.ListOrders(b.ctx)
	require.NoError(t, err)
	for _, o := range orders {
		states[o.Key] = o.State
	}
	require.Equal(t, map[string]outbound.OrderState{
		"pool-domain-1": outbound.OrderFulfilled, "pool-domain-2": outbound.OrderFailed,
		"pool-domain-3": outbound.OrderFailed, "pool-domain-4": outbound.OrderFulfilled,
	}, states)
}

// later is a provider that takes an order and delivers on the second call.
type later struct {
	inner *pooltest.Provisioner
	mu    sync.Mutex
	seen  map[string]bool
}

func (l *later) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	l.mu.Lock()
	first := !l.seen[o.Key]
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	l.seen[o.Key] = true
	l.mu.Unlock()
	if first {
		return nil, nil
	}
	return l.inner.Purchase(ctx, o)
}

func TestPlacedOrderIsAskedAgainUntilItDelivers(t *testing.T) {
	t.Parallel()
	inner := &pooltest.Provisioner{}
	b := shortOfDomains(t, func(c *pool.Config) { c.Provisioner = &later{inner: inner} })

	rep, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Empty(t, rep.Purchased)
	require.Equal(t, outbound.OrderPlaced, rep.Orders[0].State)
	require.Empty(t, b.alerts.Of(pool.AlertPurchaseFailed), "a placed order is not a failure")

	rep, err = b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Kinds[outbound.KindDomain].Bought)
	require.Zero(t, rep.Kinds[outbound.KindDomain].Asked)
	require.Equal(t, outbound.OrderFulfilled, rep.Orders[0].State)
	require.Equal(t, 2, inner.Bought(outbound.KindDomain))
}
