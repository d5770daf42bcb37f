package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
)

// defaultTestURL is the database the tests use unless
// OUTBOUND_TEST_DATABASE_URL names another.
const defaultTestURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func testURL() string {
	if u := os.Getenv("OUTBOUND_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultTestURL
}

// redacted is a database URL without its password, for messages.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(the URL in OUTBOUND_TEST_DATABASE_URL)"
	}
	return u.Redacted()
}

// adminConn connects to the test database, or skips the test when it
// cannot be reached (fails it under CI, which must not skip).
func adminConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testURL())
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL unreachable at %s (set OUTBOUND_TEST_DATABASE_URL): %v", redacted(testURL()), err)
		}
		tb.Skipf("PostgreSQL unreachable at %s (set OUTBOUND_TEST_DATABASE_URL): %v", redacted(testURL()), err)
	}
	return conn
}

// newSchema creates an empty schema of its own for tb, dropped with
// everything in it when tb ends, and returns its name.
func newSchema(tb testing.TB) string {
	tb.Helper()
	conn := adminConn(tb)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	_, err := conn.Exec(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(tb, conn.Close(context.Background()))
	require.NoError(tb, err)
	tb.Cleanup(func() {
		conn := adminConn(tb)
		defer conn.Close(context.Background())
		_, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		require.NoError(tb, err)
	})
	return schema
}

// schemaPool returns a pool whose search_path is schema, closed when tb
// ends (before the schema is dropped).
func schemaPool(tb testing.TB, schema string, maxConns int32) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(testURL())
	require.NoError(tb, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(tb, err)
	tb.Cleanup(pool.Close)
	return pool
}

// newDB returns a database in a migrated schema of its own.
func newDB(tb testing.TB) *DB {
	tb.Helper()
	pool := schemaPool(tb, newSchema(tb), 4)
	require.NoError(tb, Migrate(context.Background(), pool))
	return New(pool)
}

// washAt is a wash result of minute m after the test epoch.
func washAt(m int) outbound.WashResult {
	return outbound.WashResult{Phone: "+61400000009", Status: outbound.DNCRClear, WashedAt: rlsEpoch.Add(time.Duration(m) * time.Minute)}
}
