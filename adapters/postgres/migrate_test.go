package postgres

import (
	"context"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/tern/v2/migrate"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/internal/pgtest"
	"github.com/outbound-go/outbound/storage"
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
	schema := pgtest.NewSchema(t)
	const processes = 4
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		pool := pgtest.SchemaPool(t, schema, 2)
		wg.Go(func() { errs[i] = Migrate(t.Context(), pool) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	db := New(pgtest.SchemaPool(t, schema, 2))
	require.Equal(t, migrationCount(t), schemaVersion(t, db))
	var tables int
	require.NoError(t, db.Pool().QueryRow(t.Context(),
		"SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND rowsecurity", schema).Scan(&tables))
	require.Equal(t, 12, tables, "every client table once, with row-level security")
}

// TestMigrationsFS checks the files a host's own tool would run: tern
// loads them, each has its down step, and the roles they create exist.
func TestMigrationsFS(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(MigrationsFS(), "*.sql")
	require.NoError(t, err)
	require.Contains(t, names, "001_schema.sql")

	conn := pgtest.AdminConn(t)
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

// TestMigrateFromFirstSchema upgrades a schema holding rows written under
// the first migration: the touches awaiting events take their resource's
// provider, the events recorded then count as applied, suppressions keep
// suppressing, every client and resource starts at version 1; and the
// second migration's down step brings the first schema back.
func TestMigrateFromFirstSchema(t *testing.T) {
	t.Parallel()
	pool := pgtest.SchemaPool(t, pgtest.NewSchema(t), 2)
	ctx := t.Context()
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), VersionTable)
	require.NoError(t, err)
	require.NoError(t, m.LoadMigrations(MigrationsFS()))
	require.NoError(t, m.MigrateTo(ctx, 1))
	_, err = conn.Exec(ctx, `
		INSERT INTO clients (client_id, name) VALUES ('c0000000-0000-0000-0000-000000000001', 'acme');
		INSERT INTO resources (id, client_id, kind, provider, provider_ref, state)
			VALUES ('b0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000001', 'mailbox', 'postmark', 'mbx-1', 'assigned');
		INSERT INTO touches (id, client_id, campaign_id, enrollment_id, lead_id, resource_id, day, scheduled_at, status, provider_ref)
			VALUES ('70000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000001', gen_random_uuid(), gen_random_uuid(),
				gen_random_uuid(), 'b0000000-0000-0000-0000-000000000001', '2026-03-02', '2026-03-02 09:00Z', 'sent', 'msg-1'),
			('70000000-0000-0000-0000-000000000002', 'c0000000-0000-0000-0000-000000000001', gen_random_uuid(), gen_random_uuid(),
				gen_random_uuid(), 'b0000000-0000-0000-0000-000000000001', '2026-03-02', '2026-03-03 09:00Z', 'scheduled', '');
		INSERT INTO events (id, client_id, provider, provider_event_id, type, at, recorded_at)
			VALUES ('e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000001', 'postmark', 'EV1', 'delivered',
				'2026-03-02 09:01Z', '2026-03-02 09:02Z');
		INSERT INTO suppressions (client_id, lead_id, address, reason, since)
			VALUES ('c0000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000000', 'Ann@Example.com', 'complaint', '2026-03-02Z');`)
	require.NoError(t, err)

	require.NoError(t, Migrate(ctx, pool))
	st := New(pool).Platform()
	client := outbound.ClientID{UUID: uuid.MustParse("c0000000-0000-0000-0000-000000000001")}
	c, err := st.GetClient(ctx, client)
	require.NoError(t, err)
	require.Equal(t, int64(1), c.Version)
	r, err := st.FindResource(ctx, "postmark", "mbx-1")
	require.NoError(t, err)
	require.Equal(t, int64(1), r.Version)
	sent, err := st.FindTouchByProviderRef(ctx, "postmark", "msg-1")
	require.NoError(t, err, "a touch sent before the upgrade is matched by its provider")
	require.Equal(t, "postmark", sent.Provider)
	later, err := st.GetTouch(ctx, outbound.TouchID{UUID: uuid.MustParse("70000000-0000-0000-0000-000000000002")})
	require.NoError(t, err)
	require.Empty(t, later.Provider, "a touch not sent yet gets its provider when it is sent")
	evs, err := st.ListEvents(ctx, client)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.False(t, evs[0].AppliedAt.IsZero(), "an event recorded before the upgrade was applied")
	require.Equal(t, outbound.TopicMessage, evs[0].Topic)
	unapplied, err := st.UnappliedEvents(ctx, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 10)
	require.NoError(t, err)
	require.Empty(t, unapplied)
	supp, err := st.Suppressed(ctx, storage.SuppressionQuery{Client: client, Address: "ann@example.com", Channel: channel.Email})
	require.NoError(t, err)
	require.True(t, supp)

	// New rows, then down to the first schema and up again.
	require.NoError(t, st.AddSuppression(ctx, &outbound.Suppression{Domain: "blocked.example", Since: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}))
	_, err = st.TakeAllowance(ctx, client, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 1, 10)
	require.NoError(t, err)
	require.NoError(t, m.MigrateTo(ctx, 1))
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM suppressions").Scan(&n))
	require.Equal(t, 1, n, "the client's suppression stays; the platform-wide one goes with the schema that knew it")
	require.NoError(t, Migrate(ctx, pool))
	supp, err = st.Suppressed(ctx, storage.SuppressionQuery{Client: client, Address: "ann@example.com", Channel: channel.Email})
	require.NoError(t, err)
	require.True(t, supp)
}
