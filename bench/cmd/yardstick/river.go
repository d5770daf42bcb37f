package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

const riverVersion = "v0.51.1"

// NopArgs are the arguments of the yardstick's River job: none.
type NopArgs struct{}

// Kind names the job kind.
func (NopArgs) Kind() string { return "nop" }

type nopWorker struct {
	river.WorkerDefaults[NopArgs]
	count *atomic.Int64
}

func (w *nopWorker) Work(context.Context, *river.Job[NopArgs]) error {
	w.count.Add(1)
	return nil
}

// riverClient is a client working the default queue with maxWorkers and a
// no-op worker (insert-only when maxWorkers is 0). cooldown 0 keeps River's
// fetch defaults.
func riverClient(pool *pgxpool.Pool, schema string, maxWorkers int, cooldown time.Duration, count *atomic.Int64) (*river.Client[pgx.Tx], error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &nopWorker{count: count})
	cfg := &river.Config{
		Schema:  schema,
		Workers: workers,
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if maxWorkers > 0 {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}}
	}
	if cooldown > 0 {
		cfg.FetchCooldown = cooldown
		cfg.FetchPollInterval = max(cooldown, 10*time.Millisecond)
	}
	return river.NewClient(riverpgxv5.New(pool), cfg)
}

// riverChild is the child process of a River run: a second client with
// the child's share of the workers.
func riverChild(ctx context.Context, o options, pool *pgxpool.Pool) error {
	var count atomic.Int64
	client, err := riverClient(pool, o.schema, o.nworker, o.riverCooldown, &count)
	if err != nil {
		return err
	}
	return childGo(ctx, false, client.Start, client.Stop, &count)
}

// riverRun inserts n jobs with InsertMany into a fresh schema and times
// River clients (total MaxWorkers over two processes) working them with a
// no-op worker until none is left unfinished.
func riverRun(ctx context.Context, o options, total int, cooldown time.Duration) (res result, err error) {
	schema, drop, err := createSchema(ctx, o.url, "yard_river")
	if err != nil {
		return res, err
	}
	defer dropping(drop, &err)
	pw, cw := split(total)
	var rt roundTrips
	pool, err := tracedPool(ctx, o.url, "", poolConns(pw), &rt)
	if err != nil {
		return res, err
	}
	defer pool.Close()
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Schema: schema})
	if err != nil {
		return res, err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return res, fmt.Errorf("river migrate: %w", err)
	}
	var count atomic.Int64
	ins, err := riverClient(pool, schema, 0, 0, &count)
	if err != nil {
		return res, err
	}
	for i := 0; i < o.n; i += 5_000 {
		params := make([]river.InsertManyParams, min(5_000, o.n-i))
		for j := range params {
			params[j] = river.InsertManyParams{Args: NopArgs{}}
		}
		if _, err := ins.InsertMany(ctx, params); err != nil {
			return res, fmt.Errorf("river InsertMany: %w", err)
		}
	}
	if _, err := pool.Exec(ctx, "ANALYZE "+schema+".river_job"); err != nil {
		return res, err
	}
	client, err := riverClient(pool, schema, pw, cooldown, &count)
	if err != nil {
		return res, err
	}
	// The child reads -river-fetch-cooldown as the parent does; 0 keeps
	// River's defaults.
	poll, c, err := pollAndChild(ctx, o.url, schema, "river", cw, "-river-fetch-cooldown", cooldown.String())
	if err != nil {
		return res, err
	}
	defer poll.Close()
	rt0 := rt.total()
	begin := time.Now()
	if c != nil {
		if err := c.start(); err != nil {
			return res, err
		}
	}
	if err := client.Start(ctx); err != nil {
		return res, err
	}
	end, werr := waitZero(ctx, poll, "SELECT count(*) FROM (SELECT 1 FROM river_job WHERE state IN ('available', 'pending', 'retryable', 'running', 'scheduled') LIMIT 1) x", nil, nil, 10*time.Minute)
	serr := client.Stop(ctx)
	trips, parentDone := rt.total()-rt0, count.Load()
	var cerr error
	if c != nil {
		cerr = c.stop()
		count.Add(c.count)
	}
	if err := errors.Join(werr, serr, cerr); err != nil {
		return res, err
	}
	if count.Load() != int64(o.n) {
		return res, fmt.Errorf("%d works for %d jobs", count.Load(), o.n)
	}
	return result{workers: total, n: o.n, elapsed: end.Sub(begin), done: count.Load(), trips: trips, parentDone: parentDone}, nil
}
