// Command yardstick measures outbound's engine dispatching on PostgreSQL
// against River as a yardstick, in one run on one machine and one
// database.
//
// It first builds a world in a fresh schema: clients of the scale plan
// signed up (distribution.Service.Signup) after stocking the pool with
// aged resources, -leads leads imported (Service.ImportLeads) and planned
// with one timed Service.Plan pass (touches planned and booked per
// second). Then, for each total worker count (1, 4 and 8 by default), it
//
//   - inserts a batch of N due email touches (storage InsertTouches) of the
//     world's planned enrollments and mailboxes, and has workers in two
//     processes loop distribution.Service.Dispatch until nothing is due: the
//     whole engine path of a touch (claim, reads of the client, enrollment,
//     lead and campaign, suppression, resource, window, day and spacing
//     checks, render, validate, send through a no-op channel, record). Both
//     processes build their Service from the same Config with a fake clock
//     at the same instant; the run checks every touch was sent exactly once;
//   - inserts N jobs with River's InsertMany in a fresh schema migrated by
//     rivermigrate and has River clients work them with a no-op worker,
//     with FetchCooldown -river-fetch-cooldown (1 ms), and again with
//     River's fetch defaults over -river-defaults-n jobs (500: at its
//     defaults River works about 10 jobs a second per worker slot);
//   - unless -store-path=false, times the store path alone in a fresh
//     schema: N touches claimed (ClaimTouches) and recorded sent
//     (UpdateTouch) by bare workers, the store calls the engine makes for an
//     email without its reads and checks.
//
// The parent's pool counts round trips (a pgx tracer), printed per touch
// and per job, and for the engine by statement.
//
// A worker count above 1 is split over two OS processes: the harness
// re-executes itself as a child (-child) that runs half the workers (River:
// a second client with half the MaxWorkers). The clock runs from the moment
// both processes are told to go until the database holds no unfinished
// touch or job (polled every 5 ms by the parent on its own connection).
// The machine's load average is printed at the start and the end.
//
// Every schema is dropped afterwards.
//
//	OUTBOUND_TEST_DATABASE_URL=postgres://... go run ./cmd/yardstick
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/outbound-go/outbound/distribution"
)

const defaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

type options struct {
	url            string
	n              int
	leads          int
	workers        []int
	claimBatch     int
	riverCooldown  time.Duration
	riverDefaultsN int
	storePath      bool
	// child mode
	child   string
	schema  string
	nworker int
	at      string
}

func main() {
	var o options
	var workers string
	flag.IntVar(&o.n, "n", 20_000, "touches / jobs per run")
	flag.IntVar(&o.leads, "leads", 2_000, "leads of the engine's world, imported and planned (the planning figure); batch touches belong to their enrollments")
	flag.StringVar(&workers, "workers", "1,4,8", "total worker counts, comma-separated")
	flag.IntVar(&o.claimBatch, "claim-batch", distribution.DefaultClaimBatch, "touches per claim (Config.ClaimBatch)")
	flag.DurationVar(&o.riverCooldown, "river-fetch-cooldown", time.Millisecond, "River's FetchCooldown (River's default is 100ms)")
	flag.IntVar(&o.riverDefaultsN, "river-defaults-n", 500, "jobs of the extra River run with its default FetchCooldown and FetchPollInterval (0: skip; at its defaults River works about 10 jobs/s per worker, so keep it small)")
	flag.BoolVar(&o.storePath, "store-path", true, "also time the store path alone (ClaimTouches + UpdateTouch, no engine)")
	flag.StringVar(&o.child, "child", "", "internal: run as the second process (engine, store or river)")
	flag.StringVar(&o.schema, "schema", "", "internal: the child's schema")
	flag.IntVar(&o.nworker, "child-workers", 0, "internal: the child's workers")
	flag.StringVar(&o.at, "at", "", "internal: the engine child's clock (RFC 3339)")
	flag.Parse()
	o.url = os.Getenv("OUTBOUND_TEST_DATABASE_URL")
	if o.url == "" {
		o.url = defaultURL
	}
	for _, w := range strings.Split(workers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "yardstick: -workers %q: want positive integers\n", workers)
			os.Exit(2)
		}
		o.workers = append(o.workers, n)
	}
	if o.n < 1 || o.leads < 1 {
		fmt.Fprintln(os.Stderr, "yardstick: -n and -leads must be positive")
		os.Exit(2)
	}
	ctx := context.Background()
	var err error
	if o.child != "" {
		err = runChild(ctx, o)
	} else {
		err = run(ctx, o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "yardstick:", err)
		os.Exit(1)
	}
}

func runChild(ctx context.Context, o options) error {
	pool, err := schemaPool(ctx, o.url, o.schema, poolConns(o.nworker))
	if err != nil {
		return err
	}
	defer pool.Close()
	switch o.child {
	case "engine":
		return engineChild(ctx, o, pool)
	case "store":
		return storePathChild(ctx, o, pool)
	case "river":
		return riverChild(ctx, o, pool)
	}
	return fmt.Errorf("-child %q: want engine, store or river", o.child)
}

// result is one timed run.
type result struct {
	workers int
	n       int
	elapsed time.Duration
	done    int64 // sends / works counted by the processes
	// store path, parent process: mean wall time of a ClaimTouches and of
	// an UpdateTouch.
	claimLat, updateLat time.Duration
	// round trips the parent's pool made while timed (the poller has its
	// own pool), and the touches or jobs the parent's workers did
	trips, parentDone int64
}

func (r result) tripsPer() float64 { return float64(r.trips) / float64(max(1, r.parentDone)) }

func (r result) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r result) cell() string { return fmt.Sprintf("%.0f (%.2f s)", r.rate(), r.elapsed.Seconds()) }

func run(ctx context.Context, o options) (err error) {
	var pgVersion string
	if conn, err := pgx.Connect(ctx, o.url); err != nil {
		return fmt.Errorf("connecting to %s: %w", o.url, err)
	} else {
		_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&pgVersion)
		_ = conn.Close(ctx)
	}
	fmt.Printf("yardstick: %d touches / jobs per run, PostgreSQL %s, %s %s/%s, GOMAXPROCS %d, NumCPU %d\n",
		o.n, pgVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Printf("load average at start: %s\n", loadAvg())
	fmt.Printf("outbound: Service.Dispatch loops, claim batch %d, no-op channel; River %s: FetchCooldown %v (and defaults over %d jobs)\n",
		o.claimBatch, riverVersion, o.riverCooldown, o.riverDefaultsN)

	fmt.Fprintf(os.Stderr, "world: %d leads, signup, import, plan...\n", o.leads)
	w, err := newWorld(ctx, o)
	if err != nil {
		return fmt.Errorf("world: %w", err)
	}
	defer dropping(w.drop, &err)
	p := w.plan
	fmt.Printf("planning (Service.Plan, 1 pass): %d leads, %d touches planned and booked in %.2f s: %.0f touches/s; %d round trips (%.2f a touch, %.0f µs each)\n",
		p.leads, p.planned, p.elapsed.Seconds(), float64(p.planned)/p.elapsed.Seconds(),
		p.trips, float64(p.trips)/float64(max(1, p.planned)), float64(p.elapsed.Microseconds())/float64(max(1, p.trips)))
	fmt.Printf("  per touch planned: %s\n", perTouch(p.stmts, int64(p.planned)))

	type row struct {
		w             int
		eng           engineResult
		rv, rvDef, sp result
	}
	var rows []row
	for _, n := range o.workers {
		pw, cw := split(n)
		r := row{w: n}
		fmt.Fprintf(os.Stderr, "workers %d (parent %d, child %d): engine...\n", n, pw, cw)
		if r.eng, err = engineRun(ctx, o, w, n); err != nil {
			return fmt.Errorf("engine, %d workers: %w", n, err)
		}
		fmt.Fprintf(os.Stderr, "workers %d: River...\n", n)
		if r.rv, err = riverRun(ctx, o, n, o.riverCooldown); err != nil {
			return fmt.Errorf("river, %d workers: %w", n, err)
		}
		if o.riverDefaultsN > 0 {
			od := o
			od.n = o.riverDefaultsN
			if r.rvDef, err = riverRun(ctx, od, n, 0); err != nil {
				return fmt.Errorf("river (defaults), %d workers: %w", n, err)
			}
		}
		if o.storePath {
			fmt.Fprintf(os.Stderr, "workers %d: store path...\n", n)
			if r.sp, err = storePathRun(ctx, o, n); err != nil {
				return fmt.Errorf("store path, %d workers: %w", n, err)
			}
		}
		rows = append(rows, r)
	}

	dash := func(ok bool, s string) string {
		if !ok {
			return "—"
		}
		return s
	}
	fmt.Println()
	fmt.Printf("| workers (parent+child) | engine touches/s (Service.Dispatch) | River jobs/s (FetchCooldown %v) | River jobs/s (defaults, %d jobs) | store path touches/s (no engine) | round trips per touch (engine) / per job (River) / per touch (store path), parent |\n",
		o.riverCooldown, o.riverDefaultsN)
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		pw, cw := split(r.w)
		fmt.Printf("| %d (%d+%d) | %s | %s | %s | %s | %.2f / %.2f / %s |\n", r.w, pw, cw,
			r.eng.cell(), r.rv.cell(), dash(o.riverDefaultsN > 0, r.rvDef.cell()), dash(o.storePath, r.sp.cell()),
			r.eng.tripsPer(), r.rv.tripsPer(), dash(o.storePath, fmt.Sprintf("%.2f", r.sp.tripsPer())))
	}
	fmt.Println()
	for _, r := range rows {
		fmt.Printf("engine, %d workers, parent: %d Dispatch calls, %.1f touches sent a call, %.1f ms a call; per touch: %s\n",
			r.w, r.eng.calls, float64(r.eng.parentRun)/float64(max(1, r.eng.calls)), float64(r.eng.callMean.Microseconds())/1000,
			perTouch(r.eng.stmts, r.eng.parentDone))
	}
	if o.storePath {
		for _, r := range rows {
			fmt.Printf("store path, %d workers, parent: ClaimTouches %v, UpdateTouch %v (mean)\n",
				r.w, r.sp.claimLat.Round(time.Microsecond), r.sp.updateLat.Round(time.Microsecond))
		}
	}
	fmt.Printf("load average at end: %s\n", loadAvg())
	return nil
}
