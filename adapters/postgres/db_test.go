package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/internal/pgtest"
)

// newDB returns a database in a migrated schema of its own.
func newDB(tb testing.TB) *DB {
	tb.Helper()
	pool := pgtest.SchemaPool(tb, pgtest.NewSchema(tb), 4)
	require.NoError(tb, Migrate(context.Background(), pool))
	return New(pool)
}

// washAt is a wash result of minute m after the test epoch.
func washAt(m int) outbound.WashResult {
	return outbound.WashResult{Phone: "+61400000009", Status: outbound.DNCRClear, WashedAt: rlsEpoch.Add(time.Duration(m) * time.Minute)}
}
