package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// Stocking the pool on a clock that reads to the nanosecond, as a real
// one does, while the database keeps microseconds: the pool stocks
// exactly what it was asked for, with the instants it was given.
func TestStockOnANanosecondClock(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	st := db.Platform()
	at := time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)
	p, err := pool.New(pool.Config{Store: st, Clock: timingtest.NewClock(at)})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bought := at.AddDate(0, 0, -60).Add(987 * time.Nanosecond)
	got, err := p.Stock(ctx, outbound.KindDomain, 3, bought)
	require.NoError(t, err)
	rs, err := st.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindDomain})
	require.NoError(t, err)
	require.Len(t, rs, 3, "three domains stocked, no more")
	for _, r := range got {
		if r.Kind == outbound.KindDomain {
			require.WithinDuration(t, bought, r.PurchasedAt, time.Microsecond)
		}
	}
}
