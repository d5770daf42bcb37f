package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func newSchemaName(prefix string) string {
	return fmt.Sprintf("%s_%016x", prefix, rand.Uint64())
}

// createSchema creates a fresh schema named prefix_<random> and returns it
// with a function that drops it.
func createSchema(ctx context.Context, url, prefix string) (string, func() error, error) {
	schema := newSchemaName(prefix)
	if err := execSQL(ctx, url, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, err
	}
	return schema, func() error { return execSQL(context.Background(), url, "DROP SCHEMA "+schema+" CASCADE") }, nil
}

// dropping runs drop (a schema's) when a function returns, keeping the
// function's error *err first: defer dropping(drop, &err).
func dropping(drop func() error, err *error) {
	if derr := drop(); *err == nil {
		*err = derr
	}
}

// roundTrips counts what a pool sends: batches (the store sends each of
// its statements as a batch with the transaction's setup, one round trip
// and one implicit transaction each) and lone queries. It also sums the
// count and wall time per statement kind (see label), which shows where a
// path's round trips go.
type roundTrips struct {
	batches, queries atomic.Int64

	mu    sync.Mutex
	kinds map[string]*stmtStat
}

type stmtStat struct {
	n  int64
	ns int64
}

type traceKey struct{}

// traceRec is what a round trip carries from its start to its end.
type traceRec struct {
	start  time.Time
	labels []string
}

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.queries.Add(1)
	return context.WithValue(ctx, traceKey{}, &traceRec{start: time.Now(), labels: []string{label(d.SQL)}})
}

func (r *roundTrips) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	r.end(ctx)
}

func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.batches.Add(1)
	return context.WithValue(ctx, traceKey{}, &traceRec{start: time.Now()})
}

func (r *roundTrips) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	if rec, ok := ctx.Value(traceKey{}).(*traceRec); ok {
		if l := label(d.SQL); l != "" {
			rec.labels = append(rec.labels, l)
		}
	}
}

func (r *roundTrips) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchEndData) {
	r.end(ctx)
}

func (r *roundTrips) end(ctx context.Context) {
	rec, ok := ctx.Value(traceKey{}).(*traceRec)
	if !ok {
		return
	}
	k := strings.Join(rec.labels, " + ")
	if k == "" {
		k = "(setup only)"
	}
	ns := int64(time.Since(rec.start))
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kinds == nil {
		r.kinds = map[string]*stmtStat{}
	}
	s := r.kinds[k]
	if s == nil {
		s = &stmtStat{}
		r.kinds[k] = s
	}
	s.n++
	s.ns += ns
}

func (r *roundTrips) total() int64 { return r.batches.Load() + r.queries.Load() }

// stmtSnapshot copies the per-statement sums.
func (r *roundTrips) stmtSnapshot() map[string]stmtStat {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]stmtStat, len(r.kinds))
	for k, s := range r.kinds {
		out[k] = *s
	}
	return out
}

// stmtDelta is what the pool sent between two snapshots, most frequent
// first.
type stmtDelta struct {
	label string
	stmtStat
}

func diffStmts(before, after map[string]stmtStat) []stmtDelta {
	var out []stmtDelta
	for k, a := range after {
		b := before[k]
		if a.n > b.n {
			out = append(out, stmtDelta{k, stmtStat{n: a.n - b.n, ns: a.ns - b.ns}})
		}
	}
	slices.SortFunc(out, func(x, y stmtDelta) int {
		if x.n != y.n {
			return int(y.n - x.n)
		}
		return strings.Compare(x.label, y.label)
	})
	return out
}

// label names a statement by what it does and to which table: "claim
// touches" (FOR UPDATE SKIP LOCKED), "UPDATE touches", "SELECT leads",
// "INSERT bookings"; "" for the store's per-transaction setup.
func label(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 || strings.Contains(sql, "set_config('role'") {
		return ""
	}
	word := func(i int) string {
		if i >= len(f) {
			return "?"
		}
		w, _, _ := strings.Cut(f[i], "(")
		return strings.Trim(w, "(),;")
	}
	table := ""
	verb := ""
	for i, w := range f {
		switch strings.ToUpper(w) {
		case "UPDATE":
			if i > 0 && strings.EqualFold(f[i-1], "FOR") {
				continue
			}
			verb, table = "UPDATE", word(i+1)
		case "INSERT":
			verb, table = "INSERT", word(i+2)
		case "DELETE":
			verb, table = "DELETE", word(i+2)
		}
		if verb != "" {
			break
		}
	}
	if verb == "" {
		verb = strings.ToUpper(f[0])
		for i, w := range f {
			if strings.EqualFold(w, "FROM") {
				table = word(i + 1)
				break
			}
		}
		if table == "" {
			table = word(1)
		}
	}
	if strings.Contains(sql, "SKIP LOCKED") {
		verb = "claim"
	}
	if strings.Contains(sql, "unnest(") || strings.Contains(sql, "ANY(") || strings.Contains(sql, "= ANY") {
		table += "[]"
	}
	return verb + " " + table
}

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
// may print "idle" when its workers found nothing more to do, and stops
// when the parent closes its stdin, then prints "done <count>".
type child struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string // the child's stdout after "ready", closed at its end
	count int64
}

func startChild(kind, schema string, workers int, extra ...string) (*child, error) {
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
	sc := bufio.NewScanner(out)
	if !sc.Scan() || sc.Text() != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("child %s: did not get ready (%q)", kind, sc.Text())
	}
	c := &child{cmd: cmd, in: in, lines: make(chan string, 4)}
	go func() {
		defer close(c.lines)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c, nil
}

// pollAndChild opens the poller's pool (one connection) on schema and,
// when cw > 0, starts the child of kind with cw workers and extra flags,
// ready to go.
func pollAndChild(ctx context.Context, url, schema, kind string, cw int, extra ...string) (*pgxpool.Pool, *child, error) {
	poll, err := schemaPool(ctx, url, schema, 1)
	if err != nil {
		return nil, nil, err
	}
	if cw == 0 {
		return poll, nil, nil
	}
	c, err := startChild(kind, schema, cw, extra...)
	if err != nil {
		poll.Close()
		return nil, nil, err
	}
	return poll, c, nil
}

func (c *child) start() error {
	_, err := io.WriteString(c.in, "go\n")
	return err
}

// waitIdle returns when the child says "idle" or ends.
func (c *child) waitIdle() {
	for l := range c.lines {
		if l == "idle" {
			return
		}
	}
}

// idleWhen returns a channel closed once done is closed and c (when not
// nil) has said "idle" or ended. Until then it reads c's output: call
// c.stop only after it is closed.
func idleWhen(done <-chan struct{}, c *child) <-chan struct{} {
	idle := make(chan struct{})
	go func() {
		<-done
		if c != nil {
			c.waitIdle()
		}
		close(idle)
	}()
	return idle
}

// kill ends the child at once (a run that failed).
func (c *child) kill() {
	if c != nil {
		_ = c.cmd.Process.Kill()
	}
}

// stop closes the child's stdin and waits for its count.
func (c *child) stop() error {
	_ = c.in.Close()
	for l := range c.lines {
		if s, ok := strings.CutPrefix(l, "done "); ok {
			c.count, _ = strconv.ParseInt(s, 10, 64)
		}
	}
	return c.cmd.Wait()
}

// childGo is the child's side of the protocol: it waits for the parent's
// go and runs work; when work returns it says "idle" (if idle is set) or
// ends the process with work's error. Once the parent closes stdin it
// calls stop (when not nil), waits for work and prints "done <count>".
func childGo(ctx context.Context, idle bool, work func(context.Context) error, stop func(context.Context) error, count *atomic.Int64) error {
	stdin := bufio.NewScanner(os.Stdin)
	fmt.Println("ready")
	if !stdin.Scan() {
		return errors.New("no go from the parent")
	}
	errc := make(chan error, 1)
	go func() { errc <- work(ctx) }()
	closed := make(chan struct{})
	go func() {
		for stdin.Scan() {
		}
		close(closed)
	}()
	var werr error
	worked := false
	select {
	case werr = <-errc:
		worked = true
		if werr != nil {
			return werr
		}
		if idle {
			fmt.Println("idle")
		}
		<-closed
	case <-closed:
	}
	if stop != nil {
		if err := stop(ctx); err != nil {
			return err
		}
	}
	if !worked {
		werr = <-errc
	}
	if werr != nil {
		return werr
	}
	fmt.Println("done", count.Load())
	return nil
}

// errLeft is the error of a run whose workers all stopped with work left.
var errLeft = errors.New("workers stopped with work left")

// waitZero polls q (a count of at most one row, so that polling stays
// cheap beside the work it watches) every 5 ms until it answers 0 and
// returns the instant it did. When idle is closed (every worker has
// stopped) one more poll decides: 0, or errLeft.
func waitZero(ctx context.Context, pool *pgxpool.Pool, q string, args []any, idle <-chan struct{}, deadline time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	last := false
	for {
		var left int64
		if err := pool.QueryRow(ctx, q, args...).Scan(&left); err != nil {
			return time.Time{}, fmt.Errorf("polling %q: %w", q, err)
		}
		if left == 0 {
			return time.Now(), nil
		}
		if last {
			return time.Time{}, errLeft
		}
		select {
		case <-idle:
			last = true
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// race times work (the parent's workers) run together with child c (when
// not nil): from the moment both are told to go until poll finds nothing
// unfinished with q (args), or fails once every worker of both processes
// has stopped with work left. When every worker has stopped it calls
// tally (the parent's counts), then stops the child.
func race(ctx context.Context, c *child, poll *pgxpool.Pool, q string, args []any, work func(context.Context) error, tally func()) (time.Duration, error) {
	begin := time.Now()
	if c != nil {
		if err := c.start(); err != nil {
			c.kill()
			return 0, errors.Join(err, c.stop())
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	var perr error
	go func() {
		defer close(done)
		perr = work(wctx)
	}()
	idle := idleWhen(done, c)
	end, werr := waitZero(ctx, poll, q, args, idle, 10*time.Minute)
	if werr != nil && !errors.Is(werr, errLeft) {
		cancel()
		c.kill()
	}
	<-idle
	tally()
	var cerr error
	if c != nil {
		cerr = c.stop()
	}
	return end.Sub(begin), errors.Join(werr, perr, cerr)
}

// loadAvg is the first three fields of /proc/loadavg, or why not.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return strings.TrimSpace(string(b))
	}
	return strings.Join(f[:3], " ")
}
