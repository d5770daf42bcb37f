package pool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool/pooltest"
)

// benchPool is a pool of a realistic agency's size: 300 domains (900
// resources with mailboxes), 150 numbers, 150 seats, 50 mail senders, with
// 50 growth clients assigned.
func benchPool(b *testing.B) *bundle {
	b.Helper()
	bd := setup(b)
	for _, s := range []struct {
		kind outbound.ResourceKind
		n    int
	}{{outbound.KindDomain, 300}, {outbound.KindPhone, 200}, {outbound.KindLinkedInSeat, 200}, {outbound.KindMailSender, 100}} {
		_, err := bd.pool.Stock(bd.ctx, s.kind, s.n, t0.Add(-60*day))
		require.NoError(b, err)
	}
	for range 50 {
		_, err := bd.pool.Assign(bd.ctx, bd.client(b, "growth"))
		require.NoError(b, err)
	}
	return bd
}

// BenchmarkAssignChurnRelease measures one client's whole stay: assignment
// of the growth plan (3 domains, 6 mailboxes, 2 numbers, 2 seats, a
// sender), churn, and the release 30 days later.
func BenchmarkAssignChurnRelease(b *testing.B) {
	bd := benchPool(b)
	b.ReportAllocs()
	for b.Loop() {
		id := bd.client(b, "growth")
		if _, err := bd.pool.Assign(bd.ctx, id); err != nil {
			b.Fatal(err)
		}
		if err := bd.pool.Churn(bd.ctx, id); err != nil {
			b.Fatal(err)
		}
		bd.clock.Advance(30 * day)
		if _, err := bd.pool.Release(bd.ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssignConverged measures the idempotent path: a payment handled
// again for a client that already has its plan.
func BenchmarkAssignConverged(b *testing.B) {
	bd := benchPool(b)
	id := bd.client(b, "growth")
	_, err := bd.pool.Assign(bd.ctx, id)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bd.pool.Assign(bd.ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckBuffer measures a buffer check that finds every kind above
// the threshold (the common, daily case).
func BenchmarkCheckBuffer(b *testing.B) {
	bd := benchPool(b)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := bd.pool.CheckBuffer(bd.ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Purchased) > 0 {
			b.Fatal("bought in a benchmark")
		}
	}
}

// BenchmarkEvaluateHealth measures a health pass over every domain with a
// source that answers from memory.
func BenchmarkEvaluateHealth(b *testing.B) {
	bd := benchPool(b)
	src := &pooltest.HealthSource{}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bd.pool.EvaluateHealth(bd.ctx, src); err != nil {
			b.Fatal(err)
		}
	}
}
