package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// The engine's figures: Service.Plan once over the world's leads, then,
// per worker count, Service.Dispatch loops in two processes over a batch of
// due email touches of the world's enrollments.

// planAt is the world's planning instant: Monday 07:00 in Sydney.
var planAt = time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)

// engineConfig is the Config of every Service of a run, the same in both
// processes but for the clock (set to the same instant in both): the store,
// a no-op channel per kind counting its sends in sends, send windows open
// all day every day, a DNCR that clears every number, and mailboxes
// unspaced (as the memory store's BenchmarkDispatch), so that what the
// engine checks at dispatch passes and the run measures the path of a
// touch that goes out.
func engineConfig(st storage.Store, clock timing.Clock, sends *atomic.Int64, claimBatch int) distribution.Config {
	var chans []channel.Channel
	all := timing.Window{Start: 0, End: timing.HM(24, 0), Days: timing.EveryDay, OpenOnHolidays: true}
	windows := timing.Windows{}
	for _, k := range channel.Kinds() {
		chans = append(chans, nopChannel{kind: k, sends: sends})
		windows[k] = all
	}
	cfg := distribution.Config{
		Store: st, Channels: chans, Clock: clock, Windows: windows, ClaimBatch: claimBatch,
		DNCR: distribution.DNCRFunc(func(_ context.Context, phones []string) ([]outbound.WashResult, error) {
			out := make([]outbound.WashResult, len(phones))
			for i, p := range phones {
				out[i] = outbound.WashResult{Phone: p, Status: outbound.DNCRClear, WashedAt: clock.Now()}
			}
			return out, nil
		}),
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	cfg.Caps.Email.Spacing, cfg.Caps.Email.Jitter = allocator.NoSpacing, allocator.NoSpacing
	return cfg
}

// seed is a planned enrollment a batch touch belongs to.
type seed struct {
	client     outbound.ClientID
	campaign   outbound.CampaignID
	enrollment outbound.EnrollmentID
	lead       outbound.LeadID
}

// world is the schema the engine runs dispatch in: clients of the scale
// plan signed up with an aged pool stock, their leads imported and planned.
type world struct {
	schema string
	drop   func() error
	// at is the instant of every dispatch: an hour before planAt, so that
	// none of the planned touches (booked from planAt on) is due and a
	// run's batch is all that is.
	at        time.Time
	seeds     []seed
	mailboxes map[outbound.ClientID][]outbound.ResourceID
	days      map[outbound.ClientID]timing.Date // the date of at in each client's zone
	plan      planResult
}

type planResult struct {
	leads, planned int
	elapsed        time.Duration
	trips          int64 // round trips during Plan
	stmts          []stmtDelta
}

// newWorld creates the schema, signs up clients of the scale plan (1,000
// leads each) after stocking the pool with aged resources, imports the
// leads, and times one Service.Plan pass at planAt.
func newWorld(ctx context.Context, o options) (w *world, err error) {
	schema, drop, err := createSchema(ctx, o.url, "yard_engine")
	if err != nil {
		return nil, err
	}
	w = &world{schema: schema, drop: drop, at: planAt.Add(-time.Hour),
		mailboxes: map[outbound.ClientID][]outbound.ResourceID{}, days: map[outbound.ClientID]timing.Date{}}
	defer func() {
		if err != nil {
			_ = drop()
			w = nil
		}
	}()
	var rt roundTrips
	pool, err := tracedPool(ctx, o.url, schema, 8, &rt)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		return nil, err
	}
	st := postgres.New(pool).Platform()
	svc, err := distribution.New(engineConfig(st, timingtest.NewClock(planAt), nil, o.claimBatch))
	if err != nil {
		return nil, err
	}
	const per = 1_000
	clients := max(1, (o.leads+per-1)/per)
	aged := planAt.AddDate(0, 0, -40)
	for _, s := range []struct {
		k outbound.ResourceKind
		n int
	}{{outbound.KindDomain, clients * 5}, {outbound.KindPhone, clients * 3}, {outbound.KindLinkedInSeat, clients * 3}, {outbound.KindMailSender, clients}} {
		if _, err := svc.Pool().Stock(ctx, s.k, s.n, aged); err != nil {
			return nil, err
		}
	}
	var ids []outbound.ClientID
	lead := 0
	for c := range clients {
		cl, err := svc.Signup(ctx, distribution.SignupInput{Name: fmt.Sprint("C", c), Plan: "scale", DefaultZone: "Australia/Sydney", PaymentID: fmt.Sprint("p", c)})
		if err != nil {
			return nil, err
		}
		ids = append(ids, cl.ID)
		camp, err := svc.CreateCampaign(ctx, cl.ID, "Q1")
		if err != nil {
			return nil, err
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
			return nil, err
		}
		if len(imp.Rejected) > 0 {
			return nil, fmt.Errorf("import: %d rows rejected, first %v", len(imp.Rejected), imp.Rejected[0].Err)
		}
		lead += len(rows)
	}
	w.plan.leads = lead
	rt0, s0 := rt.total(), rt.stmtSnapshot()
	begin := time.Now()
	w.plan.planned, err = svc.Plan(ctx)
	w.plan.elapsed = time.Since(begin)
	w.plan.trips, w.plan.stmts = rt.total()-rt0, diffStmts(s0, rt.stmtSnapshot())
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}

	for _, id := range ids {
		c, err := st.GetClient(ctx, id)
		if err != nil {
			return nil, err
		}
		loc, err := time.LoadLocation(c.DefaultZone)
		if err != nil {
			return nil, err
		}
		w.days[id] = timing.DateIn(w.at, loc)
		rs, err := st.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindMailbox, State: outbound.StateAssigned, Client: id})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if !r.Paused {
				w.mailboxes[id] = append(w.mailboxes[id], r.ID)
			}
		}
		if len(w.mailboxes[id]) == 0 {
			return nil, fmt.Errorf("client %s: no usable mailbox after signup", id)
		}
		es, err := st.ListEnrollments(ctx, storage.EnrollmentFilter{Client: id, State: outbound.EnrollmentActive})
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			w.seeds = append(w.seeds, seed{client: e.Client, campaign: e.Campaign, enrollment: e.ID, lead: e.Lead})
		}
	}
	if len(w.seeds) == 0 {
		return nil, errors.New("no active enrollment after planning")
	}
	return w, nil
}

// batch is n email touches of step 1 due at w.at (scheduled up to a minute
// before it, booked on its date in the client's zone), round-robin over
// the world's enrollments and each client's mailboxes.
func (w *world) batch(n int) []outbound.Touch {
	ts := make([]outbound.Touch, n)
	next := map[outbound.ClientID]int{}
	for i := range ts {
		s := w.seeds[i%len(w.seeds)]
		mb := w.mailboxes[s.client]
		ts[i] = outbound.Touch{
			ID: outbound.TouchID{UUID: uuid.New()}, Client: s.client, Campaign: s.campaign,
			Enrollment: s.enrollment, Lead: s.lead, Step: 1,
			StepChannel: channel.Email, Channel: channel.Email, Action: channel.ActionEmail,
			Resource:    mb[next[s.client]%len(mb)],
			Day:         w.days[s.client],
			ScheduledAt: w.at.Add(-time.Second - time.Duration(i%60_000)*time.Millisecond),
			Status:      outbound.TouchScheduled,
		}
		next[s.client]++
	}
	return ts
}

// dispatchLat sums the parent's Dispatch calls.
type dispatchLat struct{ calls, ns, sent atomic.Int64 }

// engineWorkers runs n workers, each calling svc.Dispatch until a call
// sends nothing (nothing left it could claim).
func engineWorkers(ctx context.Context, svc *distribution.Service, n int, prefix string, lat *dispatchLat) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for w := range n {
		wg.Go(func() {
			worker := fmt.Sprintf("%s-%d", prefix, w)
			for {
				begin := time.Now()
				sent, err := svc.Dispatch(ctx, worker)
				if lat != nil {
					lat.calls.Add(1)
					lat.ns.Add(int64(time.Since(begin)))
					lat.sent.Add(int64(sent))
				}
				if err != nil {
					errs[w] = fmt.Errorf("%s: %w", worker, err)
					return
				}
				if sent == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// engineChild is the child process of an engine run: its own Service,
// configured as the parent's, with the child's share of the workers.
func engineChild(ctx context.Context, o options, pool *pgxpool.Pool) error {
	at, err := time.Parse(time.RFC3339Nano, o.at)
	if err != nil {
		return fmt.Errorf("-at: %w", err)
	}
	var sends atomic.Int64
	svc, err := distribution.New(engineConfig(postgres.New(pool).Platform(), timingtest.NewClock(at), &sends, o.claimBatch))
	if err != nil {
		return err
	}
	work := func(ctx context.Context) error { return engineWorkers(ctx, svc, o.nworker, "child", nil) }
	return childGo(ctx, true, work, nil, &sends)
}

// engineResult is a result with the parent's Dispatch calls and where its
// round trips went.
type engineResult struct {
	result
	calls     int64         // Dispatch calls in the parent
	callMean  time.Duration // their mean wall time
	parentRun int64         // touches the parent's Dispatch calls reported sent
	stmts     []stmtDelta
}

// dueSQL counts the touches due at $1 that are not finished; pollSQL
// answers 1 while there is one.
const (
	dueSQL  = `SELECT count(*) FROM touches WHERE status IN ('scheduled', 'sending') AND scheduled_at <= $1`
	pollSQL = `SELECT count(*) FROM (SELECT 1 FROM touches WHERE status IN ('scheduled', 'sending') AND scheduled_at <= $1 LIMIT 1) x`
)

// engineRun inserts a batch of n touches in the world and times
// Service.Dispatch loops in two processes (total workers) until none of
// them is unfinished, then checks that every one was sent exactly once.
func engineRun(ctx context.Context, o options, w *world, total int) (res engineResult, err error) {
	pw, cw := split(total)
	var rt roundTrips
	pool, err := tracedPool(ctx, o.url, w.schema, poolConns(pw), &rt)
	if err != nil {
		return res, err
	}
	defer pool.Close()
	st := postgres.New(pool).Platform()
	ts := w.batch(o.n)
	ids := make([]string, len(ts))
	for i := range ts {
		ids[i] = ts[i].ID.String()
	}
	for i := 0; i < len(ts); i += 5_000 {
		if err := st.InsertTouches(ctx, ts[i:min(i+5_000, len(ts))]); err != nil {
			return res, err
		}
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE touches"); err != nil {
		return res, err
	}
	var due int64
	if err := pool.QueryRow(ctx, dueSQL, w.at).Scan(&due); err != nil {
		return res, err
	}
	if due != int64(o.n) {
		return res, fmt.Errorf("%d touches due before the start, want the batch's %d", due, o.n)
	}
	var sends atomic.Int64
	svc, err := distribution.New(engineConfig(st, timingtest.NewClock(w.at), &sends, o.claimBatch))
	if err != nil {
		return res, err
	}
	poll, c, err := pollAndChild(ctx, o.url, w.schema, "engine", cw, "-at", w.at.Format(time.RFC3339Nano), "-claim-batch", strconv.Itoa(o.claimBatch))
	if err != nil {
		return res, err
	}
	defer poll.Close()
	var lat dispatchLat
	var trips, parentDone int64
	var stmts []stmtDelta
	rt0, s0 := rt.total(), rt.stmtSnapshot()
	work := func(ctx context.Context) error { return engineWorkers(ctx, svc, pw, "parent", &lat) }
	elapsed, err := race(ctx, c, poll, pollSQL, []any{w.at}, work, func() {
		trips, stmts, parentDone = rt.total()-rt0, diffStmts(s0, rt.stmtSnapshot()), sends.Load()
	})
	if c != nil {
		sends.Add(c.count)
	}
	byStatus, serr := batchStatus(ctx, poll, ids)
	if err := errors.Join(err, serr); err != nil {
		return res, fmt.Errorf("%w (batch rows by status: %v; sends counted: %d; due now: %s)", err, byStatus, sends.Load(), dueNow(ctx, poll, w.at))
	}
	// Every touch of the batch sent, each once.
	if byStatus["sent"] != int64(o.n) || sends.Load() != int64(o.n) {
		return res, fmt.Errorf("%d touches: %d sends counted in the processes, rows by status %v", o.n, sends.Load(), byStatus)
	}
	// The next run starts from the same table: the world's planned touches
	// and its own batch (the engine loads a client's touches when it first
	// meets the client, so a history growing from run to run would weigh on
	// the later runs).
	if _, err := pool.Exec(ctx, "DELETE FROM touches WHERE id = ANY($1::uuid[])", ids); err != nil {
		return res, fmt.Errorf("removing the batch: %w", err)
	}
	res.result = result{workers: total, n: o.n, elapsed: elapsed, done: sends.Load(), trips: trips, parentDone: parentDone}
	res.calls, res.parentRun, res.stmts = lat.calls.Load(), lat.sent.Load(), stmts
	if res.calls > 0 {
		res.callMean = time.Duration(lat.ns.Load() / res.calls)
	}
	return res, nil
}

// batchStatus counts the touches among ids by status (a leased scheduled
// touch counts as "scheduled (leased)").
func batchStatus(ctx context.Context, pool *pgxpool.Pool, ids []string) (map[string]int64, error) {
	out := map[string]int64{}
	rows, err := pool.Query(ctx, `SELECT status || CASE WHEN leased_by <> '' THEN ' (leased)' ELSE '' END, count(*)
		FROM touches WHERE id = ANY($1::uuid[]) GROUP BY 1`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// dueNow describes the unfinished touches due at at, for an error.
func dueNow(ctx context.Context, pool *pgxpool.Pool, at time.Time) string {
	var out []string
	rows, err := pool.Query(ctx, `SELECT format('%s step %s %s %s leased by %L reason %L scheduled %s', status, step, channel, action, leased_by, reason, scheduled_at), count(*)
		FROM touches WHERE status IN ('scheduled', 'sending') AND scheduled_at <= $1 GROUP BY 1 ORDER BY 2 DESC LIMIT 10`, at)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return err.Error()
		}
		out = append(out, fmt.Sprintf("%d× %s", n, s))
	}
	return strings.Join(out, "; ")
}

// perTouch renders statement counts as "label ×per touch (count, mean
// ms)", most frequent first.
func perTouch(stmts []stmtDelta, touches int64) string {
	parts := make([]string, len(stmts))
	for i, s := range stmts {
		parts[i] = fmt.Sprintf("%s ×%.3f (%d, %.2f ms)", s.label, float64(s.n)/float64(max(1, touches)), s.n, float64(s.ns)/float64(s.n)/1e6)
	}
	return strings.Join(parts, "; ")
}
