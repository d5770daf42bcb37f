package pool_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
)

// TestTwoProcessesAssignOneClient runs two Pool values on one store, as two
// processes handling two deliveries of one payment would, and assigns the
// same client from both at once: together they give it exactly its plan,
// never more, and neither gives a resource the other gave.
func TestTwoProcessesAssignOneClient(t *testing.T) {
	t.Parallel()
	for range 25 {
		b := setup(t)
		other := b.process(t, 0x20)
		b.stockAll(t, 6)
		id := b.client(t, "growth")

		var as [2]pool.Assignment
		var errs [2]error
		var wg sync.WaitGroup
		for i, p := range []*pool.Pool{b.pool, other} {
			wg.Go(func() { as[i], errs[i] = p.Assign(b.ctx, id) })
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])

		for _, r := range as[1].Assigned {
			require.NotContains(t, ids(as[0].Assigned), r.ID, "both processes assigned %s", r.ID)
		}
		require.Equal(t, planCounts(plan(t, "growth")), kinds(append(as[0].Assigned, as[1].Assigned...)))
		require.Nil(t, as[0].Short, "the client is not short: the other process completed it")
		require.Nil(t, as[1].Short)
		owned, err := b.pool.Resources(b.ctx, id)
		require.NoError(t, err)
		require.Equal(t, planCounts(plan(t, "growth")), kinds(owned))
		requireInLine(t, b)
	}
}

// TestTwoProcessesShareAScarcePool assigns twenty clients from two
// processes at once, each process converging every client, from a pool too
// small for all: no resource goes to two clients, no client passes its
// plan, and the pool is handed out completely.
func TestTwoProcessesShareAScarcePool(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := b.process(t, 0x20)
	b.stock(t, outbound.KindDomain, 25, 60)
	b.stock(t, outbound.KindPhone, 10, 60)
	clients := make([]outbound.ClientID, 20)
	for i := range clients {
		clients[i] = b.client(t, "starter")
	}

	gave := make([][]outbound.Resource, 2)
	var wg sync.WaitGroup
	for i, p := range []*pool.Pool{b.pool, other} {
		wg.Go(func() {
			for j := range clients {
				id := clients[j]
				if i == 1 {
					id = clients[len(clients)-1-j] // the other process goes the other way round
				}
				a, err := p.Assign(b.ctx, id)
				if err != nil {
					panic(err)
				}
				gave[i] = append(gave[i], a.Assigned...)
			}
		})
	}
	wg.Wait()

	seen := make(map[outbound.ResourceID]bool)
	for _, r := range append(gave[0], gave[1]...) {
		require.False(t, seen[r.ID], "resource %s given twice", r.ID)
		seen[r.ID] = true
	}
	total := map[outbound.ResourceKind]int{}
	for _, id := range clients {
		owned, err := b.pool.Resources(b.ctx, id)
		require.NoError(t, err)
		k := kinds(owned)
		require.LessOrEqual(t, k[outbound.KindDomain], 2)
		require.LessOrEqual(t, k[outbound.KindPhone], 1)
		for kind, n := range k {
			total[kind] += n
		}
	}
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 25, outbound.KindMailbox: 50, outbound.KindPhone: 10}, total)
	require.Empty(t, b.list(t, storage.ResourceFilter{State: outbound.StateAvailable}))
	requireInLine(t, b)
}

// TestTwoProcessesCheckBufferBuyOnce runs the buffer check from two
// processes at once: they order under one key, and the provider sells the
// shortfall once.
func TestTwoProcessesCheckBufferBuyOnce(t *testing.T) {
	t.Parallel()
	for range 25 {
		b := setup(t, withOnePlan)
		other := b.process(t, 0x20, withOnePlan)
		b.stock(t, outbound.KindDomain, 2, 60)
		for range 2 {
			_, err := b.pool.Assign(b.ctx, b.client(t, "one")) // 0 of 2 left: 2 more make 2 of 4
			require.NoError(t, err)
		}

		var wg sync.WaitGroup
		var errs [2]error
		for i, p := range []*pool.Pool{b.pool, other} {
			wg.Go(func() { _, errs[i] = p.CheckBuffer(b.ctx) })
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])

		require.Equal(t, 2, b.prov.Bought(outbound.KindDomain))
		for _, c := range b.prov.Calls() {
			require.Equal(t, "pool-domain-1", c.Key)
		}
		bought := b.list(t, storage.ResourceFilter{Kind: outbound.KindDomain, State: outbound.StateWarming})
		require.Len(t, bought, 2)
		orders, err := b.store.ListOrders(b.ctx)
		require.NoError(t, err)
		require.Len(t, orders, 1)
		require.Equal(t, outbound.OrderFulfilled, orders[0].State)
		requireInLine(t, b)
	}
}

// TestChurnWhileAssigningLeavesNothingAssigned churns a client in one
// process while another assigns to it: the churned client ends with
// nothing assigned, whichever came first.
func TestChurnWhileAssigningLeavesNothingAssigned(t *testing.T) {
	t.Parallel()
	for range 25 {
		b := setup(t)
		other := b.process(t, 0x20)
		b.stockAll(t, 4)
		id := b.client(t, "growth")

		var wg sync.WaitGroup
		var assignErr, churnErr error
		wg.Go(func() { _, assignErr = b.pool.Assign(b.ctx, id) })
		wg.Go(func() { churnErr = other.Churn(b.ctx, id) })
		wg.Wait()
		if assignErr != nil {
			require.ErrorIs(t, assignErr, pool.ErrChurned)
		}
		require.NoError(t, churnErr)
		owned, err := b.pool.Resources(b.ctx, id)
		require.NoError(t, err)
		require.Empty(t, owned, "a churned client keeps nothing assigned")
		requireInLine(t, b)
	}
}
