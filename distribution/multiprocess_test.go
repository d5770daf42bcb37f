package distribution_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/internal/pgtest"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// The multi-process proof: two OS processes (this test binary run again as
// TestHelperProcess), each with 4 dispatch workers, dispatch one campaign
// from one PostgreSQL schema through a fake provider that records every Send
// in a table of that schema, so the parent counts across processes.
//
// The campaign is planned by the parent on a virtual clock on Monday
// 2 March 2026 at 07:00 in Sydney, with every window 09:00–12:00, so every
// touch of the day is due by noon. The workers run on the real clock shifted
// to start at noon (wall time runs at its own pace, so the 2-second lease
// expires in 2 real seconds), with the windows widened to 09:00–17:00 so
// that nothing due passes its window during the test.

// Environment of a helper process.
const (
	mpEnvURL    = "OUTBOUND_MP_URL"
	mpEnvSchema = "OUTBOUND_MP_SCHEMA"
	mpEnvName   = "OUTBOUND_MP_NAME"
)

const (
	mpLeads   = 120
	mpWorkers = 4
	mpLease   = 2 * time.Second
	// mpSendDelay is how long the fake provider takes to answer, after it
	// has accepted (and recorded) a message: a process killed then has
	// sent without recording it.
	mpSendDelay = 40 * time.Millisecond
)

// mpNoon is when the helper processes start dispatching: noon in Sydney
// (AEDT) on the enrollment day.
var mpNoon = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// mpSchema creates a schema of its own for tb, dropped when tb ends, or
// skips tb when PostgreSQL is unreachable (fails it when CI is set).
func mpSchema(tb testing.TB) string { return pgtest.NewSchema(tb) }

func mpPool(ctx context.Context, url, schema string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = maxConns
	return pgxpool.NewWithConfig(ctx, cfg)
}

// mpSequence sends an email, a call and a text on the enrollment day.
func mpSequence() sequence.Sequence {
	return sequence.Sequence{Name: "mp", Steps: []sequence.Step{
		{Number: 1, Day: 0, Channel: channel.Email},
		{Number: 2, Day: 0, Channel: channel.Voice},
		{Number: 3, Day: 0, Channel: channel.SMS},
	}}
}

// Daily caps of a phone number in the test, low enough that the morning
// fills them.
const (
	mpCallCap = 25
	mpSMSCap  = 20
)

// mpCaps are the default caps without email spacing (the processes send a
// morning's touches within seconds of real time), and low caps on calls
// and texts.
func mpCaps() allocator.Config {
	return allocator.Config{
		Email: allocator.Cap{Spacing: allocator.NoSpacing, Jitter: allocator.NoSpacing},
		Call:  allocator.Cap{Daily: mpCallCap}, SMS: allocator.Cap{Daily: mpSMSCap},
	}
}

func mpWindows(endHour int) timing.Windows {
	w := timing.Window{Start: timing.HM(9, 0), End: timing.HM(endHour, 0)}
	return timing.Windows{channel.Email: w, channel.Voice: w, channel.SMS: w}
}

// mpSetup migrates schema, signs a client up, imports and plans the
// campaign, and creates the fake provider's table. It returns the touches
// due at mpNoon.
func mpSetup(t *testing.T, schema string) (*postgres.DB, []outbound.Touch) {
	t.Helper()
	ctx := context.Background()
	pool, err := mpPool(ctx, pgtest.URL(), schema, 8)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.NoError(t, postgres.Migrate(ctx, pool))
	_, err = pool.Exec(ctx, `CREATE TABLE fake_sends (
		key text NOT NULL, kind text NOT NULL, proc text NOT NULL,
		at timestamptz NOT NULL DEFAULT clock_timestamp())`)
	require.NoError(t, err)
	db := postgres.New(pool)

	clock := timingtest.NewClock(start)
	dncr := &fakeDNCR{now: clock.Now, registered: map[string]bool{}}
	svc, err := distribution.New(distribution.Config{
		Store: db.Platform(), Clock: clock, DNCR: dncr, Test: distribution.TestConfig{NewID: seededIDs(7)},
		Channels: mpChannels(nil, ""), Sequence: mpSequence(), Caps: mpCaps(), Windows: mpWindows(12),
	})
	require.NoError(t, err)
	aged := start.AddDate(0, 0, -40)
	for _, s := range []struct {
		k outbound.ResourceKind
		n int
	}{{outbound.KindDomain, 4}, {outbound.KindPhone, 3}, {outbound.KindLinkedInSeat, 2}, {outbound.KindMailSender, 1}} {
		_, err := svc.Pool().Stock(ctx, s.k, s.n, aged)
		require.NoError(t, err)
	}
	c, err := svc.Signup(ctx, distribution.SignupInput{Name: "Multi", Plan: "growth", DefaultZone: "Australia/Sydney", PaymentID: "pay-mp"})
	require.NoError(t, err)
	camp, err := svc.CreateCampaign(ctx, c.ID, "Q1")
	require.NoError(t, err)
	rows := make([]distribution.LeadInput, mpLeads)
	for i := range rows {
		rows[i] = hot(i)
	}
	res, err := svc.ImportLeads(ctx, camp.ID, rows)
	require.NoError(t, err)
	require.Len(t, res.Enrolled, mpLeads)
	_, err = svc.Plan(ctx)
	require.NoError(t, err)

	all, err := db.Platform().ListTouches(ctx, storage.TouchFilter{Status: outbound.TouchScheduled})
	require.NoError(t, err)
	var due []outbound.Touch
	for _, tc := range all {
		if !tc.ScheduledAt.After(mpNoon) {
			due = append(due, tc)
		}
	}
	return db, due
}

// mpProc is a helper process.
type mpProc struct {
	name string
	cmd  *exec.Cmd
	out  syncBuffer
	done chan error
}

// syncBuffer is a buffer safe to read while the process writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func mpStart(t *testing.T, schema, name string) *mpProc {
	t.Helper()
	p := &mpProc{name: name, done: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v")
	p.cmd.Env = append(os.Environ(), mpEnvURL+"="+pgtest.URL(), mpEnvSchema+"="+schema, mpEnvName+"="+name)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

// wait waits for the process to end, at most d.
func (p *mpProc) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-timer(d):
		_ = p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("process %s still running after %s:\n%s", p.name, d, p.out.String())
		return nil
	}
}

// timer fires once d has passed on the real clock.
func timer(d time.Duration) <-chan struct{} {
	c := make(chan struct{})
	go func() {
		_ = timing.RealClock().Sleep(context.Background(), d)
		close(c)
	}()
	return c
}

// sendRows returns how many times the fake provider accepted each key.
func sendRows(t *testing.T, pool *pgxpool.Pool) (perKey map[string]int, byProc map[string]int) {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT key, proc FROM fake_sends")
	require.NoError(t, err)
	perKey, byProc = map[string]int{}, map[string]int{}
	for rows.Next() {
		var key, proc string
		require.NoError(t, rows.Scan(&key, &proc))
		perKey[key]++
		byProc[proc]++
	}
	require.NoError(t, rows.Err())
	return perKey, byProc
}

// mpCapOK checks that no resource's sends on the day pass its cap (a
// mailbox of a 40-day-old domain at 30 a day, as docs/architecture.md's warmup curve
// says), and that the phones' caps were reached, so the check bites.
func mpCapOK(t *testing.T, touches []outbound.Touch) {
	t.Helper()
	type key struct {
		r outbound.ResourceID
		a channel.Action
	}
	sent := map[key]int{}
	for _, tc := range touches {
		if tc.Status == outbound.TouchSent || tc.Status == outbound.TouchUncertain {
			sent[key{tc.Resource, tc.Action}]++
		}
	}
	limit := map[channel.Action]int{channel.ActionEmail: 30, channel.ActionCall: mpCallCap, channel.ActionSMS: mpSMSCap}
	most := map[channel.Action]int{}
	for k, n := range sent {
		l, ok := limit[k.a]
		require.True(t, ok, "action %s", k.a)
		require.LessOrEqual(t, n, l, "resource %s sent %d %s on one day, cap %d", k.r, n, k.a, l)
		most[k.a] = max(most[k.a], n)
	}
	require.Equal(t, mpCallCap, most[channel.ActionCall], "a phone made its cap of calls")
	require.Equal(t, mpSMSCap, most[channel.ActionSMS], "a phone sent its cap of texts")
}

func TestMultiProcessDispatch(t *testing.T) {
	t.Parallel()
	schema := mpSchema(t)
	db, due := mpSetup(t, schema)
	ctx := context.Background()
	kinds := map[channel.Kind]int{}
	for _, tc := range due {
		kinds[tc.Channel]++
	}
	require.Positive(t, kinds[channel.Email], "emails due")
	require.Positive(t, kinds[channel.Voice], "calls due")
	require.Positive(t, kinds[channel.SMS], "texts due")

	a, b := mpStart(t, schema, "A"), mpStart(t, schema, "B")
	require.NoError(t, a.wait(t, 45*time.Second), "process A:\n%s", a.out.String())
	require.NoError(t, b.wait(t, 45*time.Second), "process B:\n%s", b.out.String())

	perKey, byProc := sendRows(t, db.Pool())
	t.Logf("due: %d touches %v; sends by process: %v", len(due), kinds, byProc)
	require.Positive(t, byProc["A"], "process A sent")
	require.Positive(t, byProc["B"], "process B sent")

	after, err := db.Platform().ListTouches(ctx, storage.TouchFilter{})
	require.NoError(t, err)
	byID := map[outbound.TouchID]outbound.Touch{}
	for _, tc := range after {
		byID[tc.ID] = tc
	}
	for _, tc := range due {
		now := byID[tc.ID]
		require.Equal(t, outbound.TouchSent, now.Status, "touch %s (%s) is sent: %s", tc.ID, tc.Channel, now.Reason)
		require.Equal(t, 1, perKey[tc.ID.String()], "touch %s (%s) reached the provider exactly once", tc.ID, tc.Channel)
	}
	require.Len(t, perKey, len(due), "nothing but the due touches was sent")
	mpCapOK(t, after)
}

func TestMultiProcessDispatchKill(t *testing.T) {
	t.Parallel()
	schema := mpSchema(t)
	db, due := mpSetup(t, schema)
	ctx := context.Background()

	a, b := mpStart(t, schema, "A"), mpStart(t, schema, "B")
	// Kill A once it has sent a few touches, just after it handed a call or
	// a text to the provider (while it waits for the answer, so the touch is
	// left sending), while it holds claims.
	wall := timing.RealClock()
	deadline := wall.Now().Add(30 * time.Second)
	for {
		var n int
		var last string
		require.NoError(t, db.Pool().QueryRow(ctx, `SELECT count(*), coalesce((SELECT kind FROM fake_sends
			WHERE proc = 'A' ORDER BY at DESC LIMIT 1), '') FROM fake_sends WHERE proc = 'A'`).Scan(&n, &last))
		if n >= 5 && (last == string(channel.Voice) || last == string(channel.SMS)) {
			break
		}
		require.True(t, wall.Now().Before(deadline), "process A sent nothing:\n%s", a.out.String())
		require.NoError(t, wall.Sleep(ctx, 5*time.Millisecond))
	}
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	err := a.wait(t, 10*time.Second)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "A was killed")

	// What A held when it died: touches leased to its workers, not final.
	held, err := db.Platform().ListTouches(ctx, storage.TouchFilter{})
	require.NoError(t, err)
	orphans := map[outbound.TouchID]outbound.TouchStatus{}
	for _, tc := range held {
		if len(tc.LeasedBy) > 2 && tc.LeasedBy[:2] == "A-" && !tc.Status.Final() {
			orphans[tc.ID] = tc.Status
		}
	}
	require.NotEmpty(t, orphans, "A held claims when it was killed")

	require.NoError(t, b.wait(t, 45*time.Second), "process B:\n%s", b.out.String())

	perKey, byProc := sendRows(t, db.Pool())
	after, err := db.Platform().ListTouches(ctx, storage.TouchFilter{})
	require.NoError(t, err)
	byID := map[outbound.TouchID]outbound.Touch{}
	for _, tc := range after {
		byID[tc.ID] = tc
	}
	var emailResent, uncertain, orphanSentByB int
	for _, tc := range due {
		now := byID[tc.ID]
		n := perKey[tc.ID.String()]
		if _, ok := orphans[tc.ID]; ok && now.Status == outbound.TouchSent {
			orphanSentByB++
		}
		switch tc.Channel {
		case channel.Email:
			require.Equal(t, outbound.TouchSent, now.Status, "email %s is sent: %s", tc.ID, now.Reason)
			require.GreaterOrEqual(t, n, 1, "email %s reached the provider", tc.ID)
			if n > 1 {
				emailResent++
			}
		default:
			require.LessOrEqual(t, n, 1, "%s %s reached the provider at most once", tc.Channel, tc.ID)
			switch now.Status {
			case outbound.TouchSent:
				require.Equal(t, 1, n, "%s %s sent reached the provider once", tc.Channel, tc.ID)
			case outbound.TouchUncertain:
				uncertain++
				_, ok := orphans[tc.ID]
				require.True(t, ok, "%s %s is uncertain only if A died holding it", tc.Channel, tc.ID)
			default:
				require.Failf(t, "not finished", "%s %s is %s (%s)", tc.Channel, tc.ID, now.Status, now.Reason)
			}
		}
	}
	emailKeys, dueKeys := 0, map[string]bool{}
	for _, tc := range due {
		dueKeys[tc.ID.String()] = true
		if tc.Channel == channel.Email && perKey[tc.ID.String()] > 0 {
			emailKeys++
		}
	}
	for k := range perKey {
		require.True(t, dueKeys[k], "key %s sent is a due touch's", k)
	}
	t.Logf("due %d; sends by process %v; A held %d claims when killed, %d of them then sent; "+
		"%d emails sent twice (deduplicated by key), %d calls or texts uncertain",
		len(due), byProc, len(orphans), orphanSentByB, emailResent, uncertain)
	require.Positive(t, emailKeys)
	require.Positive(t, orphanSentByB+uncertain, "B took over A's claims after the lease")
	mpCapOK(t, after)
}

// TestHelperProcess is one dispatching process of the tests above; run on
// its own it does nothing.
func TestHelperProcess(t *testing.T) {
	name := os.Getenv(mpEnvName)
	if name == "" {
		t.Skip("a helper process of TestMultiProcessDispatch")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	url, schema := os.Getenv(mpEnvURL), os.Getenv(mpEnvSchema)
	pool, err := mpPool(ctx, url, schema, mpWorkers+4)
	require.NoError(t, err)
	defer pool.Close()

	clock := &shiftedClock{real: timing.RealClock(), at: mpNoon}
	clock.since = clock.real.Now()
	svc, err := distribution.New(distribution.Config{
		Store: postgres.New(pool).Platform(), Clock: clock, Channels: mpChannels(pool, name),
		Sequence: mpSequence(), Caps: mpCaps(), Windows: mpWindows(17),
		Lease: mpLease, ClaimBatch: 5, Workers: mpWorkers,
	})
	require.NoError(t, err)

	errs := make([]error, mpWorkers)
	var wg sync.WaitGroup
	for i := range mpWorkers {
		wg.Go(func() {
			worker := name + "-w" + strconv.Itoa(i+1)
			for ctx.Err() == nil {
				n, err := svc.Dispatch(ctx, worker)
				if err != nil {
					errs[i] = err
					return
				}
				if n > 0 {
					continue
				}
				next, ok, err := svc.NextDue(ctx)
				if err != nil {
					errs[i] = err
					return
				}
				// Done when nothing is due within a minute: what is left
				// belongs to a later day.
				if !ok || next.After(clock.Now().Add(time.Minute)) {
					return
				}
				_ = clock.Sleep(ctx, 50*time.Millisecond)
			}
			errs[i] = ctx.Err()
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
}

// shiftedClock is the real clock moved to start at a chosen instant: it
// runs at the real pace, so leases expire in real time.
type shiftedClock struct {
	real  timing.Clock
	at    time.Time
	since time.Time
}

func (c *shiftedClock) Now() time.Time { return c.at.Add(c.real.Now().Sub(c.since)) }
func (c *shiftedClock) Sleep(ctx context.Context, d time.Duration) error {
	return c.real.Sleep(ctx, d)
}
func (c *shiftedClock) SleepUntil(ctx context.Context, t time.Time) error {
	return c.real.Sleep(ctx, t.Sub(c.Now()))
}

// mpChannels are the fake providers: each Send of a key is recorded in
// fake_sends with the process's name, then answered after mpSendDelay. A
// real email provider keeps one copy per idempotency key; the test counts
// distinct keys. With a nil pool (the planner) nothing is sent.
func mpChannels(pool *pgxpool.Pool, proc string) []channel.Channel {
	var out []channel.Channel
	for _, k := range channel.Kinds() {
		out = append(out, &recordingChannel{kind: k, pool: pool, proc: proc})
	}
	return out
}

type recordingChannel struct {
	kind channel.Kind
	pool *pgxpool.Pool
	proc string
}

func (c *recordingChannel) Kind() channel.Kind { return c.kind }

func (c *recordingChannel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if c.pool == nil {
		return channel.Receipt{}, channel.Permanent(errors.New("the planner sends nothing"))
	}
	_, err := c.pool.Exec(ctx, "INSERT INTO fake_sends (key, kind, proc) VALUES ($1, $2, $3)",
		m.IdempotencyKey, string(c.kind), c.proc)
	if err != nil {
		return channel.Receipt{}, channel.Retryable(fmt.Errorf("fake provider: %w", err))
	}
	if err := timing.RealClock().Sleep(ctx, mpSendDelay); err != nil {
		return channel.Receipt{}, err
	}
	return channel.Receipt{Provider: "fake", ProviderMessageID: "fake-" + m.IdempotencyKey}, nil
}
