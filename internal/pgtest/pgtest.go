// Package pgtest gives the module's PostgreSQL tests a database: the one
// OUTBOUND_TEST_DATABASE_URL names (a local one by default), each test in
// a schema of its own dropped when it ends. A test skips when no server
// answers, and fails under CI (CI set), which must not skip.
package pgtest

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
)

// DefaultURL is the database the tests use unless
// OUTBOUND_TEST_DATABASE_URL names another.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL is the test database's URL.
func URL() string {
	if u := os.Getenv("OUTBOUND_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// redacted is a database URL without its password, for messages.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(the URL in OUTBOUND_TEST_DATABASE_URL)"
	}
	return u.Redacted()
}

// AdminConn connects to the test database, or skips the test when it
// cannot be reached (fails it under CI, which must not skip).
func AdminConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, URL())
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL unreachable at %s (set OUTBOUND_TEST_DATABASE_URL): %v", redacted(URL()), err)
		}
		tb.Skipf("PostgreSQL unreachable at %s (set OUTBOUND_TEST_DATABASE_URL): %v", redacted(URL()), err)
	}
	return conn
}

// NewSchema creates an empty schema of its own for tb, dropped with
// everything in it when tb ends, and returns its name.
func NewSchema(tb testing.TB) string {
	tb.Helper()
	conn := AdminConn(tb)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	_, err := conn.Exec(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(tb, conn.Close(context.Background()))
	require.NoError(tb, err)
	tb.Cleanup(func() {
		conn := AdminConn(tb)
		defer conn.Close(context.Background())
		_, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		require.NoError(tb, err)
	})
	return schema
}

// SchemaPool returns a pool whose search_path is schema, closed when tb
// ends (before the schema is dropped).
func SchemaPool(tb testing.TB, schema string, maxConns int32) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(URL())
	require.NoError(tb, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(tb, err)
	tb.Cleanup(pool.Close)
	return pool
}
