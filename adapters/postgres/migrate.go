package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// VersionTable is the table, in the first schema of the search_path, in
// which [Migrate] records the schema's version (tern's version table).
const VersionTable = "outbound_schema_version"

// MigrationsFS returns the schema's migrations: tern-format SQL files
// (NNN_name.sql, the down step after "---- create above / drop below ----")
// at the root of the file system, for a host that runs migrations with its
// own tool. Each runs in one transaction and creates its objects in the
// first schema of the search_path.
func MigrationsFS() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory is there: a build without it does not compile
	}
	return sub
}

// Migrate brings the schema in the first schema of the pool's search_path
// up to date with tern, on one connection of pool. It is safe to run
// twice, and from any number of processes at once: tern holds an advisory
// lock while it reads the version and migrates, each migration commits with
// its version in one transaction, and a migration already applied is never
// applied again.
//
// The connecting role must be able to create tables in the schema and, on
// the first run in a cluster, the roles [ClientRole] and [PlatformRole]
// (CREATEROLE), or they must exist already with the role a member of both.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), VersionTable)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	if err := m.LoadMigrations(MigrationsFS()); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}
