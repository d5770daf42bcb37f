package postgres

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	"github.com/jackc/tern/v2/migrate"
	"github.com/stretchr/testify/require"
)

// schemaVersion reads tern's version table.
func schemaVersion(t *testing.T, db *DB) int32 {
	t.Helper()
	var v int32
	require.NoError(t, db.Pool().QueryRow(t.Context(), "SELECT version FROM "+VersionTable).Scan(&v))
	return v
}

// migrationCount is the number of migrations shipped.
func migrationCount(t *testing.T) int32 {
	t.Helper()
	names, err := migrate.FindMigrations(MigrationsFS())
	require.NoError(t, err)
	require.NotEmpty(t, names)
	return int32(len(names))
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	db := newDB(t) // migrated once
	require.NoError(t, Migrate(t.Context(), db.Pool()))
	require.Equal(t, migrationCount(t), schemaVersion(t, db))
	// The schema works after the second run.
	require.NoError(t, db.Platform().PutWash(t.Context(), washAt(1)))
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	const processes = 4
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		pool := schemaPool(t, schema, 2)
		wg.Go(func() { errs[i] = Migrate(t.Context(), pool) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	db := New(schemaPool(t, schema, 2))
	require.Equal(t, migrationCount(t), schemaVersion(t, db))
	var tables int
	require.NoError(t, db.Pool().QueryRow(t.Context(),
		"SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND rowsecurity", schema).Scan(&tables))
	require.Equal(t, 11, tables, "every client table once, with row-level security")
}

// TestMigrationsFS checks the files a host's own tool would run: tern
// loads them, each has its down step, and the roles they create exist.
func TestMigrationsFS(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(MigrationsFS(), "*.sql")
	require.NoError(t, err)
	require.Contains(t, names, "001_schema.sql")

	conn := adminConn(t)
	defer conn.Close(context.Background())
	m, err := migrate.NewMigrator(t.Context(), nil, VersionTable)
	require.NoError(t, err)
	require.NoError(t, m.LoadMigrations(MigrationsFS()))
	require.Len(t, m.Migrations, len(names))
	for _, mg := range m.Migrations {
		require.NotEmpty(t, mg.UpSQL, mg.Name)
		require.NotEmpty(t, mg.DownSQL, mg.Name)
	}

	newDB(t) // migrated: the roles exist from here on
	for _, role := range []string{ClientRole, PlatformRole} {
		var login, super, bypass bool
		require.NoError(t, conn.QueryRow(t.Context(), "SELECT rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", role).
			Scan(&login, &super, &bypass), role)
		require.False(t, login || super || bypass, "%s: NOLOGIN, no superuser, no BYPASSRLS", role)
	}
}

// TestMigrateDown checks the down step: it drops every table it made, and
// migrating up again rebuilds them.
func TestMigrateDown(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	ctx := t.Context()
	conn, err := db.Pool().Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), VersionTable)
	require.NoError(t, err)
	require.NoError(t, m.LoadMigrations(MigrationsFS()))
	require.NoError(t, m.MigrateTo(ctx, 0))
	var tables int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename <> $1", VersionTable).Scan(&tables))
	require.Zero(t, tables)
	require.NoError(t, Migrate(ctx, db.Pool()))
	require.NoError(t, db.Platform().PutWash(ctx, washAt(2)))
}
