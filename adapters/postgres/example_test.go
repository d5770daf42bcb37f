package postgres_test

import (
	"context"
	"fmt"
	"io/fs"
	"log"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// A deployment migrates at start, gives the platform's work the unscoped
// handle and each client's requests a handle scoped to that client. It
// needs a database, so it is compiled, not run.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://app@db.internal:5432/outbound?search_path=outbound")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		log.Fatal(err)
	}
	db := postgres.New(pool)

	// The pool, planner and dispatcher see every client's rows.
	var platform storage.Store = db.Platform()
	clients, err := platform.ListClients(ctx)
	if err != nil {
		log.Fatal(err)
	}

	// A request of one client reaches its rows alone, whatever IDs it
	// carries: another client's lead is not found.
	acme := db.ForClient(outbound.ClientID{UUID: uuid.MustParse("00000000-0000-0000-0000-00000000c001")})
	_, err = acme.GetLead(ctx, outbound.LeadID{UUID: uuid.MustParse("00000000-0000-0000-0000-0000000000b2")})
	fmt.Println(len(clients), err != nil)
}

// One process at a time runs the planner: whoever takes the leadership,
// until it releases it or its connection dies.
func ExampleDB_TryLead() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://app@db.internal:5432/outbound")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	db := postgres.New(pool)

	lead, ok, err := db.TryLead(ctx, "planner")
	switch {
	case err != nil:
		log.Fatal(err)
	case !ok:
		return // another process leads; try again later
	}
	defer lead.Release(ctx)
	for round := 0; round < 3; round++ {
		if err := lead.Check(ctx); err != nil {
			return // the leadership was lost: stop leader-only work
		}
		// ... plan a round ...
	}
}

// Every process of a deployment runs the engine with the same elector:
// all of them dispatch, the one that leads plans and runs the daily jobs,
// and when it dies another takes over.
func ExampleDB_Elector() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://app@db.internal:5432/outbound")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	db := postgres.New(pool)
	svc, err := distribution.New(distribution.Config{
		Store:   db.Platform(),
		Elector: db.Elector("planner"),
		// Channels, DNCR, ...
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := svc.Run(ctx); err != nil {
		log.Fatal(err)
	}
}

// The migrations are tern files a host may run with its own tool.
func ExampleMigrationsFS() {
	names, err := fs.Glob(postgres.MigrationsFS(), "*.sql")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names)
	// Output: [001_schema.sql 002_work_across_processes.sql 003_pending_touches.sql 004_resource_health.sql 005_touch_warning.sql 006_meetings_and_scores.sql]
}
