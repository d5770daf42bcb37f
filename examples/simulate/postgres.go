package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/outbound-go/outbound/adapters/postgres"
)

// schemaName is what -schema accepts: a lower-case SQL identifier that
// needs no quoting.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// runSchema is the schema a run on Postgres uses: -schema, or sim_<seed>.
func runSchema(o options) string {
	if o.Schema != "" {
		return o.Schema
	}
	return "sim_" + strconv.FormatUint(o.Seed, 10)
}

// openPostgres connects to o.DatabaseURL, drops the run's schema if an
// earlier run left it, creates it afresh, migrates it and returns the
// database on it, with a function that closes the pool. The schema stays
// after the run, to be looked at; the next run with the same schema
// replaces it.
func openPostgres(ctx context.Context, o options, progress io.Writer) (*postgres.DB, func(), error) {
	schema := runSchema(o)
	if !schemaName.MatchString(schema) {
		return nil, nil, fmt.Errorf("schema %q: want a lower-case identifier like sim_1", schema)
	}
	conn, err := pgx.Connect(ctx, o.DatabaseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema)
	_ = conn.Close(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("creating schema %s: %w", schema, err)
	}
	db, closeDB, err := connectPostgres(ctx, o.DatabaseURL, schema, o.Workers)
	if err != nil {
		return nil, nil, err
	}
	if err := postgres.Migrate(ctx, db.Pool()); err != nil {
		closeDB()
		return nil, nil, fmt.Errorf("migrating schema %s: %w", schema, err)
	}
	fmt.Fprintf(progress, "setup: PostgreSQL schema %s created and migrated\n", schema)
	return db, closeDB, nil
}

// connectPostgres connects to the existing schema at url with a pool sized
// for workers; the other processes of a run join the first's schema so.
func connectPostgres(ctx context.Context, url, schema string, workers int) (*postgres.DB, func(), error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, nil, fmt.Errorf("database URL: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	// The workers, the event handler, and the leader's lock, which holds a
	// connection of its own.
	cfg.MaxConns = int32(min(workers+4, 64))
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	return postgres.New(pool), pool.Close, nil
}
