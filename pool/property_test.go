package pool_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

// TestPropertyRandomLifecycles drives pools through random sequences of
// every operation, on a fixed seed, and checks after each step the
// invariants a user relies on:
//
//   - mailboxes move with their domain; owners and holds match the states;
//   - no active client holds more than its plan of any kind, paused
//     resources aside (they count for nothing and are replaced);
//   - Assign again assigns nothing (idempotency);
//   - no active client is short of a kind while an assignable resource of
//     that kind sits in the pool (every freeing operation backfills);
//   - CheckBuffer leaves every kind at or above 40 %, counting in flight and
//     shortfall, when the provisioner delivers, and a second check buys
//     nothing.
func TestPropertyRandomLifecycles(t *testing.T) {
	t.Parallel()
	const runs, steps = 150, 40
	rng := rand.New(rand.NewPCG(7, 11))
	for run := range runs {
		seed1, seed2 := rng.Uint64(), rng.Uint64()
		t.Run("", func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed1, seed2))
			b := setup(t)
			if r.IntN(2) == 0 {
				b.prov.SetPending(true)
			}
			hs := &pooltest.HealthSource{}
			var clients []outbound.ClientID
			plans := outbound.DefaultPlans()
			kinds4 := []outbound.ResourceKind{outbound.KindDomain, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender}
			for step := range steps {
				op := r.IntN(12)
				switch op {
				case 0: // stock
					_, err := b.pool.Stock(b.ctx, kinds4[r.IntN(4)], r.IntN(4), b.clock.Now().Add(-time.Duration(r.IntN(40))*day))
					require.NoError(t, err)
				case 1, 2: // sign up and assign
					id := b.client(t, plans[r.IntN(len(plans))].Name)
					clients = append(clients, id)
					_, err := b.pool.Assign(b.ctx, id)
					require.NoError(t, err)
				case 3: // churn
					if len(clients) > 0 {
						require.NoError(t, b.pool.Churn(b.ctx, clients[r.IntN(len(clients))]))
					}
				case 4: // reactivate a churned client and assign
					if len(clients) == 0 {
						break
					}
					id := clients[r.IntN(len(clients))]
					c, err := b.store.GetClient(b.ctx, id)
					require.NoError(t, err)
					if c.State == outbound.ClientChurned {
						c.State, c.ChurnedAt = outbound.ClientActive, time.Time{}
						require.NoError(t, b.store.UpdateClient(b.ctx, c))
					}
					_, err = b.pool.Assign(b.ctx, id)
					require.NoError(t, err)
				case 5:
					_, err := b.pool.Release(b.ctx)
					require.NoError(t, err)
				case 6:
					_, err := b.pool.Promote(b.ctx)
					require.NoError(t, err)
				case 7:
					rep, err := b.pool.CheckBuffer(b.ctx)
					require.NoError(t, err)
					requireBufferRestored(t, b, rep)
				case 8: // health: random counts for random domains
					for _, d := range b.list(t, storage.ResourceFilter{Kind: outbound.KindDomain}) {
						hs.Set(d.ID, warmup.Stats{Sends: r.IntN(200), Bounces: r.IntN(8), Complaints: r.IntN(2)})
					}
					_, err := b.pool.EvaluateHealth(b.ctx, hs)
					require.NoError(t, err)
				case 9: // resume or retire a random domain
					ds := b.list(t, storage.ResourceFilter{Kind: outbound.KindDomain})
					if len(ds) == 0 {
						break
					}
					d := ds[r.IntN(len(ds))]
					if r.IntN(2) == 0 {
						require.NoError(t, b.pool.Resume(b.ctx, d.ID))
					} else {
						require.NoError(t, b.pool.Retire(b.ctx, d.ID))
					}
				case 10: // provision a pending purchase
					ps := b.list(t, storage.ResourceFilter{State: outbound.StateProvisioning})
					for _, p := range ps {
						if p.Kind != outbound.KindMailbox {
							require.NoError(t, b.pool.Provisioned(b.ctx, p.ID))
							break
						}
					}
				case 11:
					b.clock.Advance(time.Duration(r.IntN(6*24)) * time.Hour)
				}
				requireInvariants(t, b, run, step, op)
			}
		})
	}
}

func requireInvariants(t *testing.T, b *bundle, run, step, op int) {
	t.Helper()
	requireInLine(t, b)
	all := b.list(t, storage.ResourceFilter{})
	free := map[outbound.ResourceKind]int{}
	for _, r := range all {
		if r.Kind != outbound.KindMailbox && r.State == outbound.StateAvailable && !r.Paused {
			free[r.Kind]++
		}
	}
	cs, err := b.store.ListClients(b.ctx)
	require.NoError(t, err)
	for _, c := range cs {
		if c.State != outbound.ClientActive {
			continue
		}
		pl, ok := b.pool.Plan(c.Plan)
		require.True(t, ok)
		owned, err := b.pool.Resources(b.ctx, c.ID)
		require.NoError(t, err)
		have := kinds(unpaused(owned)) // a paused resource counts for nothing
		for k, want := range planCounts(pl) {
			require.LessOrEqual(t, have[k], want, "run %d step %d op %d: client over its plan of %s", run, step, op, k)
			if k != outbound.KindMailbox && have[k] < want {
				require.Zero(t, free[k], "run %d step %d op %d: client short of %s while %d are free", run, step, op, k, free[k])
			}
		}
		a, err := b.pool.Assign(b.ctx, c.ID)
		require.NoError(t, err)
		require.Empty(t, a.Assigned, "run %d step %d op %d: Assign not idempotent", run, step, op)
		require.Empty(t, a.Released, "run %d step %d op %d: Assign not idempotent", run, step, op)
	}
}

// requireBufferRestored checks that after a check with a delivering
// provisioner every kind is back at 40 % or more, and a second check buys
// nothing.
func requireBufferRestored(t *testing.T, b *bundle, rep pool.BufferReport) {
	t.Helper()
	for k, buf := range rep.Kinds {
		require.Equal(t, buf.Asked, buf.Bought, k)
	}
	again, err := b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Empty(t, again.Purchased)
	for k, buf := range again.Kinds {
		require.False(t, buf.Low, "%s still low: %+v", k, buf)
		require.GreaterOrEqual(t, buf.Ratio, 0.4-1e-12, k)
	}
}

// unpaused keeps the resources of rs that are not paused.
func unpaused(rs []outbound.Resource) []outbound.Resource {
	var out []outbound.Resource
	for _, r := range rs {
		if !r.Paused {
			out = append(out, r)
		}
	}
	return out
}
