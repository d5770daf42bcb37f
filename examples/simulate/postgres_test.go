package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// testDatabaseURL is the database the Postgres tests use:
// OUTBOUND_TEST_DATABASE_URL, or a local one.
func testDatabaseURL() string {
	if u := os.Getenv("OUTBOUND_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// pgSchema returns a fresh schema name for tb on a reachable server, to be
// dropped when tb ends; it skips tb when the server cannot be reached (and
// fails it when CI is set).
func pgSchema(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testDatabaseURL())
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL unreachable (set OUTBOUND_TEST_DATABASE_URL): %v", err)
		}
		tb.Skipf("PostgreSQL unreachable (set OUTBOUND_TEST_DATABASE_URL): %v", err)
	}
	require.NoError(tb, conn.Close(ctx))
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "simtest_" + hex.EncodeToString(b[:])
	tb.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, testDatabaseURL())
		require.NoError(tb, err)
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		require.NoError(tb, err)
	})
	return schema
}

func TestPostgresSameSummaryAsMemory(t *testing.T) {
	t.Parallel()
	o := options{Clients: 2, Leads: 150, Days: 7, Seed: 3, Workers: 4, Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	pg := o
	pg.DatabaseURL, pg.Schema = testDatabaseURL(), pgSchema(t)

	mem := runSummary(t, o)
	onPG := runSummary(t, pg)
	require.Equal(t, mem, onPG, "the same seed gives the same summary on the memory store and on PostgreSQL")

	sent := 0
	for _, d := range onPG.Daily {
		sent += d.TotalSent()
	}
	require.Positive(t, sent, "the run sends something")
	require.Positive(t, onPG.Leads.Enrolled)
}

func TestPostgresCommand(t *testing.T) {
	t.Parallel()
	schema := pgSchema(t)
	dir := t.TempDir()
	code, stdout, stderr := runCmd(t, "-clients", "1", "-leads", "40", "-days", "3", "-seed", "4",
		"-database-url", testDatabaseURL(), "-schema", schema, "-out", dir)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "schema "+schema+" created and migrated")
	require.Contains(t, stdout, "Touches")
	leads := readJSONL(t, dir+"/leads.jsonl")
	require.NotEmpty(t, leads, "the output is read back from PostgreSQL")

	// A second run with the same schema replaces the first and ends the same.
	code2, stdout2, stderr2 := runCmd(t, "-clients", "1", "-leads", "40", "-days", "3", "-seed", "4",
		"-database-url", testDatabaseURL(), "-schema", schema)
	require.Equal(t, 0, code2, stderr2)
	require.Equal(t, stdout, stdout2)
}
