package postgres

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/internal/pgtest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// BenchmarkInsertTouches inserts batches of 10,000 touches: one multi-row
// INSERT each.
func BenchmarkInsertTouches(b *testing.B) {
	const batch = 10_000
	st := newDB(b).Platform()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		require.NoError(b, st.InsertTouches(b.Context(), benchTouches(batch, n)))
		n += batch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "touches/s")
}

// BenchmarkClaimTouches claims touches in batches of 10, 100 and 1000 from
// a table holding 100,000 due ones, from one goroutine and from 8 (about: 8 per
// GOMAXPROCS, rounded) sharing a pool of 8 connections; each claim's touches are then final so that the
// next claim finds new ones. touches/s counts touches leased.
func BenchmarkClaimTouches(b *testing.B) {
	const stock = 100_000
	for _, limit := range []int{10, 100, 1000} {
		for _, par := range []int{1, 8} {
			b.Run(fmt.Sprintf("limit=%d/workers=%d", limit, par), func(b *testing.B) {
				pool := pgtest.SchemaPool(b, pgtest.NewSchema(b), 8)
				require.NoError(b, Migrate(b.Context(), pool))
				st := New(pool).Platform()
				for i := 0; i < stock; i += 10_000 {
					require.NoError(b, st.InsertTouches(b.Context(), benchTouches(10_000, i)))
				}
				_, err := pool.Exec(b.Context(), "ANALYZE touches")
				require.NoError(b, err)
				now := rlsEpoch.Add(24 * time.Hour)
				claim := func(worker string) int {
					c, err := st.ClaimTouches(b.Context(), storage.Claim{Now: now, Worker: worker, LeaseUntil: now.Add(time.Minute), Limit: limit})
					require.NoError(b, err)
					if len(c) < limit {
						b.Fatalf("ran out of due touches: raise the stock")
					}
					// Finish them in one statement, as a worker's updates
					// would one by one, so that the index stays as a
					// dispatcher leaves it.
					ids := make([]uuid.UUID, len(c))
					for i := range c {
						ids[i] = c[i].ID.UUID
					}
					_, err = st.exec(b.Context(), "UPDATE touches SET status = 'sent', leased_by = '' WHERE id = ANY($1)", ids)
					require.NoError(b, err)
					return len(c)
				}
				b.ReportAllocs()
				if par == 1 {
					total := 0
					for b.Loop() {
						total += claim("w")
					}
					b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "touches/s")
					return
				}
				var workers atomic.Int64
				b.SetParallelism(max(1, par/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					name := fmt.Sprint("w", workers.Add(1))
					for pb.Next() {
						claim(name)
					}
				})
				b.ReportMetric(float64(b.N*limit)/b.Elapsed().Seconds(), "touches/s")
			})
		}
	}
}

// BenchmarkReserve books one resource-day after another: with a daily cap
// alone (one statement), and with a weekly cap too (the key's advisory lock
// first), from one goroutine on one key, and from 8
// goroutines (about: see BenchmarkClaimTouches) on a key each.
func BenchmarkReserve(b *testing.B) {
	for _, tc := range []struct {
		name string
		lim  allocator.Limit
	}{
		{"daily", allocator.Limit{Daily: -1, Weekly: -1}},
		{"daily+weekly", allocator.Limit{Daily: -1, Weekly: 1 << 30}},
	} {
		for _, keys := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/keys=%d", tc.name, keys), func(b *testing.B) {
				pool := pgtest.SchemaPool(b, pgtest.NewSchema(b), 8)
				require.NoError(b, Migrate(b.Context(), pool))
				st := New(pool).Platform()
				day0 := timing.DateOf(rlsEpoch)
				b.ReportAllocs()
				if keys == 1 {
					key := allocator.Key{Resource: outbound.ResourceID{UUID: uuid.UUID{1}}, Action: channel.ActionEmail}
					i := 0
					for b.Loop() {
						ok, err := st.Reserve(b.Context(), key, day0+timing.Date(i%30), tc.lim)
						require.NoError(b, err)
						require.True(b, ok)
						i++
					}
					b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "bookings/s")
					return
				}
				var next atomic.Int64
				b.SetParallelism(max(1, keys/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					key := allocator.Key{Resource: outbound.ResourceID{UUID: uuid.UUID{byte(next.Add(1))}}, Action: channel.ActionEmail}
					i := 0
					for pb.Next() {
						ok, err := st.Reserve(b.Context(), key, day0+timing.Date(i%30), tc.lim)
						if err != nil || !ok {
							b.Errorf("reserve: %v %v", ok, err)
							return
						}
						i++
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
			})
		}
	}
}
