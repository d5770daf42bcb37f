// Command yardstick measures outbound's PostgreSQL store against River as a
// yardstick, in one run on one machine and one database.
//
// For each worker count (1, 4 and 8 in total by default) it
//
//   - inserts N due email touches (storage InsertTouches) in a fresh schema
//     and has workers claim them (ClaimTouches, batches of 100), send each
//     through a no-op channel.Channel and record it sent (UpdateTouch with
//     the worker's lease), as the engine's dispatcher does for an email;
//   - inserts N jobs with River's InsertMany in a fresh schema migrated by
//     rivermigrate and has River clients work them with a no-op worker,
//     with FetchCooldown -river-fetch-cooldown (1 ms), and again with River's
//     fetch defaults over -river-defaults-n jobs (500: at its defaults River
//     works about 10 jobs a second per worker slot).
//
// The parent's pool counts round trips (a pgx tracer), printed per touch
// and per job, with the parent's mean ClaimTouches and UpdateTouch latency.
//
// A worker count above 1 is split over two OS processes: the harness
// re-executes itself as a child (-child) that runs half the workers (River:
// a second client with half the MaxWorkers). The clock runs from the moment
// both processes are told to go until the database holds no unfinished
// touch or job (polled every few milliseconds by the parent).
//
// It also times distribution.Service.Plan on Postgres for a batch of
// freshly imported leads (touches planned and booked per second), and then
// Service.Dispatch from one goroutine over what came due (the whole engine
// path: claim, checks, render, send, record).
//
// Every schema is dropped afterwards.
//
//	OUTBOUND_TEST_DATABASE_URL=postgres://... go run ./cmd/yardstick
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/timing/timingtest"
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
	// child mode
	child   string
	schema  string
	nworker int
}

func main() {
	var o options
	var workers string
	flag.IntVar(&o.n, "n", 20_000, "touches / jobs per run")
	flag.IntVar(&o.leads, "leads", 2_000, "leads imported and planned for the planning figure (0: skip)")
	flag.StringVar(&workers, "workers", "1,4,8", "total worker counts, comma-separated")
	flag.IntVar(&o.claimBatch, "claim-batch", distribution.DefaultClaimBatch, "touches per ClaimTouches")
	flag.DurationVar(&o.riverCooldown, "river-fetch-cooldown", time.Millisecond, "River's FetchCooldown (River's default is 100ms)")
	flag.IntVar(&o.riverDefaultsN, "river-defaults-n", 500, "jobs of the extra River run with its default FetchCooldown and FetchPollInterval (0: skip; at its defaults River works about 10 jobs/s per worker, so keep it small)")
	flag.StringVar(&o.child, "child", "", "internal: run as the second process (outbound or river)")
	flag.StringVar(&o.schema, "schema", "", "internal: the child's schema")
	flag.IntVar(&o.nworker, "child-workers", 0, "internal: the child's workers")
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

// ---- shared plumbing ----

func newSchemaName(prefix string) string {
	return fmt.Sprintf("%s_%016x", prefix, rand.Uint64())
}

// roundTrips counts what a pool sends: batches (the store sends each of
// its statements as a batch with the transaction's setup, one round trip
// and one implicit transaction each) and lone queries.
type roundTrips struct{ batches, queries atomic.Int64 }

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.queries.Add(1)
	return ctx
}
func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.batches.Add(1)
	return ctx
}
func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

func (r *roundTrips) total() int64 { return r.batches.Load() + r.queries.Load() }

// schemaPool opens a pool whose search_path is schema.
func schemaPool(ctx context.Context, url, schema string, conns int) (*pgxpool.Pool, error) {
	return tracedPool(ctx, url, schema, conns, nil)
}

// tracedPool is schemaPool counting round trips in rt (when not nil).
func tracedPool(ctx context.Context, url, schema string, conns int, rt *roundTrips) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	if rt != nil {
		cfg.ConnConfig.Tracer = rt
	}
	if schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = schema
	}
	cfg.MaxConns = int32(conns)
	cfg.MinConns = int32(conns)
	return pgxpool.NewWithConfig(ctx, cfg)
}

func execSQL(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// poolConns is the pool size of a process running w workers: one
// connection per worker and a few spare (River's producer, completer,
// notifier and elector take their own; the parent polls on its own pool).
func poolConns(w int) int { return w + 4 }

// split is how many workers the parent and the child run.
func split(total int) (parent, child int) {
	if total == 1 {
		return 1, 0
	}
	return total - total/2, total / 2
}

// child is the second process: started with the parent's arguments plus
// -child, it prints "ready" once set up, starts on a line from the parent,
// and stops when the parent closes its stdin, then prints "done <count>".
type child struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Scanner
	count int64
}

func (c *child) start() error {
	_, err := io.WriteString(c.in, "go\n")
	return err
}

// stop closes the child's stdin and waits for its count.
func (c *child) stop() error {
	_ = c.in.Close()
	if c.out.Scan() {
		if s, ok := strings.CutPrefix(c.out.Text(), "done "); ok {
			c.count, _ = strconv.ParseInt(s, 10, 64)
		}
	}
	return c.cmd.Wait()
}

// waitZero polls q (a count of at most one row, so that polling stays
// cheap beside the work it watches) every 5 ms until it answers 0 and
// returns the instant it did.
func waitZero(ctx context.Context, pool *pgxpool.Pool, q string, deadline time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	for {
		var left int64
		if err := pool.QueryRow(ctx, q).Scan(&left); err != nil {
			return time.Time{}, fmt.Errorf("polling %q: %w", q, err)
		}
		if left == 0 {
			return time.Now(), nil
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func runChild(ctx context.Context, o options) error {
	pool, err := schemaPool(ctx, o.url, o.schema, poolConns(o.nworker))
	if err != nil {
		return err
	}
	defer pool.Close()
	stdin := bufio.NewScanner(os.Stdin)
	var count atomic.Int64
	switch o.child {
	case "outbound":
		st := postgres.New(pool).Platform()
		fmt.Println("ready")
		if !stdin.Scan() {
			return errors.New("no go from the parent")
		}
		errc := make(chan error, 1)
		go func() { errc <- dispatchWorkers(ctx, st, o.nworker, "child", o.claimBatch, &count, new(latencies)) }()
		stdin.Scan() // until the parent closes stdin
		if err := <-errc; err != nil {
			return err
		}
	case "river":
		client, err := riverClient(pool, o.schema, o.nworker, o.riverCooldown, &count)
		if err != nil {
			return err
		}
		fmt.Println("ready")
		if !stdin.Scan() {
			return errors.New("no go from the parent")
		}
		if err := client.Start(ctx); err != nil {
			return err
		}
		stdin.Scan()
		if err := client.Stop(ctx); err != nil {
			return err
		}
	default:
		return fmt.Errorf("-child %q: want outbound or river", o.child)
	}
	fmt.Println("done", count.Load())
	return nil
}

// ---- outbound ----

// nopChannel accepts every message at once.
type nopChannel struct{ kind channel.Kind }

func (n nopChannel) Kind() channel.Kind { return n.kind }
func (n nopChannel) Send(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	return channel.Receipt{Provider: "nop", ProviderMessageID: m.IdempotencyKey, Status: channel.StatusAccepted}, nil
}

var epoch = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// dueTouches are n email touches all due at epoch + 1 hour, spread over
// 50 mailboxes and one client.
func dueTouches(n, offset int) []outbound.Touch {
	client := outbound.ClientID{UUID: uuid.UUID{0xc1}}
	ts := make([]outbound.Touch, n)
	for i := range ts {
		k := offset + i
		ts[i] = outbound.Touch{
			ID: outbound.TouchID{UUID: uuid.New()}, Client: client,
			Campaign:    outbound.CampaignID{UUID: uuid.UUID{0xca}},
			Enrollment:  outbound.EnrollmentID{UUID: uuid.New()},
			Lead:        outbound.LeadID{UUID: uuid.New()},
			Step:        1,
			StepChannel: channel.Email, Channel: channel.Email, Action: channel.ActionEmail,
			Resource:    outbound.ResourceID{UUID: uuid.UUID{0x4e, byte(k % 50)}},
			Day:         timing.DateOf(epoch),
			ScheduledAt: epoch.Add(time.Duration(k%3600) * time.Second),
			Status:      outbound.TouchScheduled,
		}
	}
	return ts
}

// dispatchWorkers runs n workers that claim (ClaimTouches, batch), send
// each touch through a no-op channel and record it sent (UpdateTouch under
// the worker's lease: one statement per touch, as the engine records an
// email), until a claim comes back empty.
func dispatchWorkers(ctx context.Context, st storage.Store, n int, prefix string, batch int, count *atomic.Int64, lat *latencies) error {
	ch := nopChannel{channel.Email}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for w := range n {
		wg.Go(func() {
			worker := fmt.Sprintf("%s-%d", prefix, w)
			for {
				now := time.Now()
				ts, err := st.ClaimTouches(ctx, storage.Claim{Now: now, Worker: worker, LeaseUntil: now.Add(distribution.DefaultLease), Limit: batch})
				lat.claims.Add(1)
				lat.claimNs.Add(int64(time.Since(now)))
				if err != nil {
					errs[w] = err
					return
				}
				if len(ts) == 0 {
					return
				}
				for i := range ts {
					t := &ts[i]
					r, err := ch.Send(ctx, &channel.Message{IdempotencyKey: t.ID.String(), Kind: t.Channel, Action: t.Action})
					if err != nil {
						errs[w] = err
						return
					}
					t.Status, t.SentAt, t.ProviderRef = outbound.TouchSent, time.Now(), r.ProviderMessageID
					t.Attempts++
					t.LeasedBy, t.LeaseUntil = "", time.Time{}
					u := time.Now()
					err = st.UpdateTouch(ctx, t, worker)
					lat.updates.Add(1)
					lat.updateNs.Add(int64(time.Since(u)))
					if err != nil {
						errs[w] = err
						return
					}
					count.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

type result struct {
	workers int
	elapsed time.Duration
	done    int64 // sends / works counted by the processes
	// outbound, parent process: mean wall time of a ClaimTouches and of an
	// UpdateTouch.
	claimLat, updateLat time.Duration
	// round trips the parent's pool made while timed (the poller has its
	// own pool), and the touches or jobs the parent's workers did
	trips, parentDone int64
}

func (r result) tripsPer() float64 { return float64(r.trips) / float64(max(1, r.parentDone)) }

// latencies sums the wall time of a worker's store calls.
type latencies struct {
	claims, claimNs, updates, updateNs atomic.Int64
}

func (l *latencies) mean() (claim, update time.Duration) {
	if n := l.claims.Load(); n > 0 {
		claim = time.Duration(l.claimNs.Load() / n)
	}
	if n := l.updates.Load(); n > 0 {
		update = time.Duration(l.updateNs.Load() / n)
	}
	return claim, update
}

func (r result) rate(n int) float64 { return float64(n) / r.elapsed.Seconds() }

func outboundRun(ctx context.Context, o options, total int) (res result, err error) {
	schema := newSchemaName("yard_ob")
	if err := execSQL(ctx, o.url, "CREATE SCHEMA "+schema); err != nil {
		return res, err
	}
	defer func() {
		if derr := execSQL(context.Background(), o.url, "DROP SCHEMA "+schema+" CASCADE"); err == nil {
			err = derr
		}
	}()
	pw, cw := split(total)
	var rt roundTrips
	pool, err := tracedPool(ctx, o.url, schema, poolConns(pw), &rt)
	if err != nil {
		return res, err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		return res, err
	}
	st := postgres.New(pool).Platform()
	for i := 0; i < o.n; i += 5_000 {
		if err := st.InsertTouches(ctx, dueTouches(min(5_000, o.n-i), i)); err != nil {
			return res, err
		}
	}
	if _, err := pool.Exec(ctx, "ANALYZE touches"); err != nil {
		return res, err
	}
	poll, err := schemaPool(ctx, o.url, schema, 1)
	if err != nil {
		return res, err
	}
	defer poll.Close()

	var c *child
	if cw > 0 {
		if c, err = startChildArgs("outbound", schema, cw, "-claim-batch", strconv.Itoa(o.claimBatch)); err != nil {
			return res, err
		}
	}
	var count atomic.Int64
	rt0 := rt.total()
	begin := time.Now()
	if c != nil {
		if err := c.start(); err != nil {
			return res, err
		}
	}
	errc := make(chan error, 1)
	var lat latencies
	go func() { errc <- dispatchWorkers(ctx, st, pw, "parent", o.claimBatch, &count, &lat) }()
	end, werr := waitZero(ctx, poll, "SELECT count(*) FROM (SELECT 1 FROM touches WHERE status IN ('scheduled', 'sending') LIMIT 1) x", 10*time.Minute)
	perr := <-errc
	parentDone := count.Load()
	var cerr error
	if c != nil {
		cerr = c.stop()
		count.Add(c.count)
	}
	if err := errors.Join(werr, perr, cerr); err != nil {
		return res, err
	}
	var sent int64
	if err := poll.QueryRow(ctx, "SELECT count(*) FROM touches WHERE status = 'sent'").Scan(&sent); err != nil {
		return res, err
	}
	if sent != int64(o.n) {
		return res, fmt.Errorf("%d of %d touches sent", sent, o.n)
	}
	res = result{workers: total, elapsed: end.Sub(begin), done: count.Load(), trips: rt.total() - rt0, parentDone: parentDone}
	res.claimLat, res.updateLat = lat.mean()
	return res, nil
}

// ---- River ----

type NopArgs struct{}

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

func riverRun(ctx context.Context, o options, total int, cooldown time.Duration) (res result, err error) {
	schema := newSchemaName("yard_river")
	if err := execSQL(ctx, o.url, "CREATE SCHEMA "+schema); err != nil {
		return res, err
	}
	defer func() {
		if derr := execSQL(context.Background(), o.url, "DROP SCHEMA "+schema+" CASCADE"); err == nil {
			err = derr
		}
	}()
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
	poll, err := schemaPool(ctx, o.url, schema, 1)
	if err != nil {
		return res, err
	}
	defer poll.Close()

	var c *child
	if cw > 0 {
		// The child reads -river-fetch-cooldown as the parent does; 0 keeps
		// River's defaults.
		if c, err = startChildArgs("river", schema, cw, "-river-fetch-cooldown", cooldown.String()); err != nil {
			return res, err
		}
	}
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
	end, werr := waitZero(ctx, poll, "SELECT count(*) FROM (SELECT 1 FROM river_job WHERE state IN ('available', 'pending', 'retryable', 'running', 'scheduled') LIMIT 1) x", 10*time.Minute)
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
	return result{workers: total, elapsed: end.Sub(begin), done: count.Load(), trips: trips, parentDone: parentDone}, nil
}

func startChildArgs(kind, schema string, workers int, extra ...string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := append([]string{"-child", kind, "-schema", schema, "-child-workers", strconv.Itoa(workers)}, extra...)
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	if !c.out.Scan() || c.out.Text() != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("child %s: did not get ready (%q)", kind, c.out.Text())
	}
	return c, nil
}

// ---- planning, and the engine's own Dispatch ----

type planResult struct {
	leads, planned int
	planElapsed    time.Duration
	sent           int
	sendElapsed    time.Duration
	// round trips to the database during Plan and during Dispatch
	planTrips, sendTrips int64
}

// planRun signs up clients of the scale plan (1,000 leads each), stocks
// the pool with aged resources, imports the leads, and times one Plan pass
// on Postgres; then moves the clock to Monday 19:30 in Sydney and times
// Service.Dispatch from one goroutine until nothing more is due. Windows
// are open all day and mailboxes unspaced (as the memory store's
// BenchmarkDispatch), so what is due is what the caps allowed on day 0.
func planRun(ctx context.Context, o options) (res planResult, err error) {
	schema := newSchemaName("yard_plan")
	if err := execSQL(ctx, o.url, "CREATE SCHEMA "+schema); err != nil {
		return res, err
	}
	defer func() {
		if derr := execSQL(context.Background(), o.url, "DROP SCHEMA "+schema+" CASCADE"); err == nil {
			err = derr
		}
	}()
	var rt roundTrips
	pool, err := tracedPool(ctx, o.url, schema, 8, &rt)
	if err != nil {
		return res, err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		return res, err
	}
	start := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC) // Monday 07:00 in Sydney
	clock := timingtest.NewClock(start)
	chans := map[channel.Kind]channel.Channel{}
	all := timing.Window{Start: 0, End: timing.HM(24, 0), Days: timing.EveryDay, OpenOnHolidays: true}
	windows := timing.Windows{}
	for _, k := range channel.Kinds() {
		chans[k] = nopChannel{k}
		windows[k] = all
	}
	cfg := distribution.Config{
		Store: postgres.New(pool).Platform(), Channels: chans, Clock: clock, Windows: windows,
		DNCR: distribution.DNCRFunc(func(_ context.Context, phones []string) ([]outbound.WashResult, error) {
			out := make([]outbound.WashResult, len(phones))
			for i, p := range phones {
				out[i] = outbound.WashResult{Phone: p, Status: outbound.DNCRClear, WashedAt: clock.Now()}
			}
			return out, nil
		}),
	}
	cfg.Caps.Email.Spacing, cfg.Caps.Email.Jitter = allocator.NoSpacing, allocator.NoSpacing
	svc, err := distribution.New(cfg)
	if err != nil {
		return res, err
	}
	const per = 1_000
	clients := max(1, (o.leads+per-1)/per)
	aged := start.AddDate(0, 0, -40)
	for _, s := range []struct {
		k outbound.ResourceKind
		n int
	}{{outbound.KindDomain, clients * 5}, {outbound.KindPhone, clients * 3}, {outbound.KindLinkedInSeat, clients * 3}, {outbound.KindMailSender, clients}} {
		if _, err := svc.Pool().Stock(ctx, s.k, s.n, aged); err != nil {
			return res, err
		}
	}
	lead := 0
	for c := range clients {
		cl, err := svc.Signup(ctx, distribution.SignupInput{Name: fmt.Sprint("C", c), Plan: "scale", DefaultZone: "Australia/Sydney", PaymentID: fmt.Sprint("p", c)})
		if err != nil {
			return res, err
		}
		camp, err := svc.CreateCampaign(ctx, cl.ID, "Q1")
		if err != nil {
			return res, err
		}
		rows := make([]distribution.LeadInput, min(per, o.leads-lead))
		for i := range rows {
			n := lead + i
			rows[i] = distribution.LeadInput{
				Line: i + 1, ExternalID: fmt.Sprint("L", n), Email: fmt.Sprintf("l%d@co%d.example.com", n, n),
				Phone: fmt.Sprintf("+6141%07d", n), LinkedIn: fmt.Sprintf("https://www.linkedin.com/in/lead%d", n),
				FirstName: "Ann", LastName: fmt.Sprint("Lee", n), Company: fmt.Sprint("Co ", n), CompanyDomain: fmt.Sprintf("co%d.example.com", n),
				Country: "AU", Region: "NSW", City: "Sydney", Postcode: "2000", AddressLine1: "1 George St",
				Score: 20 + n%81, // every tier but dead
			}
		}
		imp, err := svc.ImportLeads(ctx, camp.ID, rows)
		if err != nil {
			return res, err
		}
		if len(imp.Rejected) > 0 {
			return res, fmt.Errorf("import: %d rows rejected, first %v", len(imp.Rejected), imp.Rejected[0].Err)
		}
		lead += len(rows)
	}
	res.leads = lead
	rt0 := rt.total()
	begin := time.Now()
	res.planned, err = svc.Plan(ctx)
	res.planElapsed = time.Since(begin)
	res.planTrips = rt.total() - rt0
	if err != nil {
		return res, err
	}
	syd, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		return res, err
	}
	clock.Set(time.Date(2026, 3, 2, 19, 30, 0, 0, syd))
	rt0 = rt.total()
	begin = time.Now()
	for {
		n, err := svc.Dispatch(ctx, "w")
		if err != nil {
			return res, err
		}
		if n == 0 {
			break
		}
		res.sent += n
	}
	res.sendElapsed = time.Since(begin)
	res.sendTrips = rt.total() - rt0
	return res, nil
}

// ---- the run ----

func run(ctx context.Context, o options) error {
	var pgVersion string
	if conn, err := pgx.Connect(ctx, o.url); err != nil {
		return fmt.Errorf("connecting to %s: %w", o.url, err)
	} else {
		_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&pgVersion)
		_ = conn.Close(ctx)
	}
	fmt.Printf("yardstick: %d touches / jobs per run, PostgreSQL %s, %s %s/%s, GOMAXPROCS %d, NumCPU %d\n",
		o.n, pgVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Printf("outbound: ClaimTouches batch %d, one UpdateTouch per touch; River %s: FetchCooldown %v (and defaults: %v)\n",
		o.claimBatch, riverVersion, o.riverCooldown, o.riverDefaultsN > 0)

	type row struct {
		w                   int
		ob, rv, rvDef       result
		obRate, rvRate, rvD float64
	}
	var rows []row
	for _, w := range o.workers {
		pw, cw := split(w)
		fmt.Fprintf(os.Stderr, "workers %d (parent %d, child %d)...\n", w, pw, cw)
		ob, err := outboundRun(ctx, o, w)
		if err != nil {
			return fmt.Errorf("outbound, %d workers: %w", w, err)
		}
		if ob.done != int64(o.n) {
			return fmt.Errorf("outbound, %d workers: %d sends for %d touches", w, ob.done, o.n)
		}
		rv, err := riverRun(ctx, o, w, o.riverCooldown)
		if err != nil {
			return fmt.Errorf("river, %d workers: %w", w, err)
		}
		if rv.done != int64(o.n) {
			return fmt.Errorf("river, %d workers: %d works for %d jobs", w, rv.done, o.n)
		}
		r := row{w: w, ob: ob, rv: rv, obRate: ob.rate(o.n), rvRate: rv.rate(o.n)}
		if o.riverDefaultsN > 0 {
			od := o
			od.n = o.riverDefaultsN
			rd, err := riverRun(ctx, od, w, 0)
			if err != nil {
				return fmt.Errorf("river (defaults), %d workers: %w", w, err)
			}
			if rd.done != int64(od.n) {
				return fmt.Errorf("river (defaults), %d workers: %d works for %d jobs", w, rd.done, od.n)
			}
			r.rvDef, r.rvD = rd, rd.rate(od.n)
		}
		rows = append(rows, r)
	}
	fmt.Println()
	fmt.Printf("| workers (parent+child) | outbound touches/s | River jobs/s (FetchCooldown %v) | River jobs/s (defaults, %d jobs) | outbound claim / update latency (parent) | round trips per touch / per job (parent) |\n", o.riverCooldown, o.riverDefaultsN)
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		pw, cw := split(r.w)
		def := "—"
		if o.riverDefaultsN > 0 {
			def = fmt.Sprintf("%.0f (%.2f s)", r.rvD, r.rvDef.elapsed.Seconds())
		}
		fmt.Printf("| %d (%d+%d) | %.0f (%.2f s) | %.0f (%.2f s) | %s | %v / %v | %.2f / %.2f |\n", r.w, pw, cw,
			r.obRate, r.ob.elapsed.Seconds(), r.rvRate, r.rv.elapsed.Seconds(), def,
			r.ob.claimLat.Round(time.Microsecond), r.ob.updateLat.Round(time.Microsecond), r.ob.tripsPer(), r.rv.tripsPer())
	}
	if o.leads > 0 {
		fmt.Fprintf(os.Stderr, "planning %d leads...\n", o.leads)
		p, err := planRun(ctx, o)
		if err != nil {
			return fmt.Errorf("planning: %w", err)
		}
		fmt.Println()
		fmt.Printf("planning: %d leads, %d touches planned and booked in %.2f s: %.0f touches/s; %d round trips (%.1f a touch, %.0f µs each)\n",
			p.leads, p.planned, p.planElapsed.Seconds(), float64(p.planned)/p.planElapsed.Seconds(),
			p.planTrips, float64(p.planTrips)/float64(p.planned), float64(p.planElapsed.Microseconds())/float64(p.planTrips))
		fmt.Printf("engine dispatch (Service.Dispatch, 1 goroutine, 1 process): %d touches sent in %.2f s: %.0f touches/s; %d round trips (%.1f a touch)\n",
			p.sent, p.sendElapsed.Seconds(), float64(p.sent)/p.sendElapsed.Seconds(), p.sendTrips, float64(p.sendTrips)/float64(p.sent))
	}
	return nil
}

const riverVersion = "v0.51.1"
