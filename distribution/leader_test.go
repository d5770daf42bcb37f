package distribution_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// Every test here drives Run on the fake clock: it waits with BlockUntil
// until every loop of Run sleeps, then moves the clock. Run's sleepers are
// its workers, and either the loop trying to lead (a follower) or the
// planner, the daily jobs and the leadership check (a leader).
const (
	leaderWorkers = 2
	followerNaps  = leaderWorkers + 1
	leaderNaps    = leaderWorkers + 3
	leaderPoll    = distribution.DefaultPollInterval
)

// termLedger counts the terms held at once across contenders, and the most
// ever held at once.
type termLedger struct {
	mu         sync.Mutex
	held, most int
}

func (l *termLedger) take() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held++
	l.most = max(l.most, l.held)
}

func (l *termLedger) drop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held--
}

func (l *termLedger) mostAtOnce() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.most
}

// countingElector is one process's view of an elector: it counts its tries
// and wins, and enters the terms it holds in a ledger shared by the
// contenders.
type countingElector struct {
	el     storage.Elector
	ledger *termLedger

	mu          sync.Mutex
	tries, wins int
}

func (c *countingElector) TryLead(ctx context.Context) (storage.Term, bool, error) {
	t, ok, err := c.el.TryLead(ctx)
	c.mu.Lock()
	c.tries++
	if ok {
		c.wins++
	}
	c.mu.Unlock()
	if err != nil || !ok {
		return nil, false, err
	}
	c.ledger.take()
	return &countedTerm{Term: t, ledger: c.ledger}, true, nil
}

func (c *countingElector) counts() (tries, wins int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tries, c.wins
}

type countedTerm struct {
	storage.Term
	ledger *termLedger
	once   sync.Once
}

func (t *countedTerm) Release(ctx context.Context) error {
	t.once.Do(t.ledger.drop) // before the hand-over, so a successor counts after
	return t.Term.Release(ctx)
}

// switchElector grants a term when the test allows it, one at a time; the
// test makes a term's checks fail to take the leadership away.
type switchElector struct {
	mu    sync.Mutex
	grant bool
	tries int
	terms []*switchTerm
}

func (e *switchElector) TryLead(ctx context.Context) (storage.Term, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tries++
	if !e.grant {
		return nil, false, nil
	}
	e.grant = false
	t := &switchTerm{released: make(chan struct{})}
	e.terms = append(e.terms, t)
	return t, true, nil
}

// allow lets the next TryLead win.
func (e *switchElector) allow() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.grant = true
}

// state returns how many times TryLead was called and the terms granted.
func (e *switchElector) state() (tries int, terms []*switchTerm) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.tries, append([]*switchTerm(nil), e.terms...)
}

type switchTerm struct {
	lost     atomic.Bool
	releases atomic.Int32
	released chan struct{} // closed by the first Release
}

func (t *switchTerm) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.lost.Load() || t.releases.Load() > 0 {
		return fmt.Errorf("switch: %w", storage.ErrLeadershipLost)
	}
	return nil
}

func (t *switchTerm) Release(context.Context) error {
	if t.releases.Add(1) == 1 {
		close(t.released)
	}
	return nil
}

// running is a Service's Run in a goroutine; stop ends it gracefully.
type running struct {
	cancel context.CancelFunc
	done   chan error
}

// goRun starts svc.Run; the test's end stops it if the test did not.
func goRun(t *testing.T, svc *distribution.Service) *running {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- svc.Run(ctx) }()
	return r
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	require.NoError(t, <-r.done)
}

// planned counts the touches the Service planned or handled
// (Counters.Touches): what it planned, while nothing is dispatched.
func planned(svc *distribution.Service) int {
	n := 0
	for _, byStatus := range svc.Counters().Touches {
		for _, c := range byStatus {
			n += c
		}
	}
	return n
}

// poll moves the clock one PollInterval and waits until naps loops sleep
// again.
func (e *env) poll(t *testing.T, naps int) {
	t.Helper()
	e.clock.Advance(leaderPoll)
	require.NoError(t, e.clock.BlockUntil(t.Context(), naps))
}

func TestRunFollowerDispatchesButNeverPlans(t *testing.T) {
	t.Parallel()
	var el storage.LocalElector
	other, ok, err := el.TryLead(t.Context()) // another process leads
	require.NoError(t, err)
	require.True(t, ok)
	follower := &countingElector{el: &el, ledger: &termLedger{}}
	e := newEnv(t, func(c *distribution.Config) { c.Elector = follower; c.Workers = leaderWorkers })
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1), hot(2))

	r := goRun(t, e.svc)
	require.NoError(t, e.clock.BlockUntil(t.Context(), followerNaps))
	for range 3 {
		e.poll(t, followerNaps)
	}
	tries, wins := follower.counts()
	require.Equal(t, 4, tries, "it tries to lead on start and every PollInterval")
	require.Zero(t, wins)
	for _, id := range res.Enrolled {
		require.Empty(t, e.schedule(id), "a follower does not plan, even the leads it imported")
	}
	require.Zero(t, planned(e.svc))

	// The leader, another Service on the store, plans.
	cfg := e.cfg
	cfg.Test.NewID = seededIDs(99)
	leader, err := distribution.New(cfg)
	require.NoError(t, err)
	n, err := leader.Plan(e.ctx)
	require.NoError(t, err)
	require.Positive(t, n)
	var firsts []outbound.Touch
	last := e.clock.Now()
	for _, id := range res.Enrolled {
		first := e.schedule(id)[0]
		require.Equal(t, channel.Email, first.Channel)
		firsts = append(firsts, first)
		if first.ScheduledAt.After(last) {
			last = first.ScheduledAt
		}
	}
	// The follower's workers send what the leader planned.
	e.clock.Set(last)
	require.NoError(t, e.clock.BlockUntil(t.Context(), followerNaps))
	for _, f := range firsts {
		require.Equal(t, outbound.TouchSent, e.touch(f.ID).Status)
		channeltest.RequireSent(t, e.fakes[channel.Email], f.ID.String())
	}
	all, err := e.store.ListTouches(e.ctx, storage.TouchFilter{})
	require.NoError(t, err)
	require.Len(t, all, n, "every touch is the leader's: the follower still planned nothing")

	r.stop(t)
	_, wins = follower.counts()
	require.Zero(t, wins)
	require.NoError(t, other.Check(t.Context()), "the leader's term is untouched")
}

func TestRunLosesAndRegainsLeadership(t *testing.T) {
	t.Parallel()
	el := &switchElector{grant: true}
	e := newEnv(t, func(c *distribution.Config) { c.Elector = el; c.Workers = leaderWorkers })
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	before := e.importLeads(camp, hot(1))

	r := goRun(t, e.svc)
	require.NoError(t, e.clock.BlockUntil(t.Context(), leaderNaps))
	_, terms := el.state()
	require.Len(t, terms, 1)
	require.Len(t, e.schedule(before.Enrolled[0]), 5, "the leader planned the lead")
	e.poll(t, leaderNaps)
	require.Zero(t, terms[0].releases.Load(), "a leader keeps its term while its checks pass")

	// The leadership is lost: the next check finds out.
	terms[0].lost.Store(true) // every later Check fails
	e.clock.Advance(leaderPoll)
	<-terms[0].released
	require.NoError(t, e.clock.BlockUntil(t.Context(), followerNaps))
	after := e.importLeads(camp, hot(2))
	for range 2 {
		e.poll(t, followerNaps)
	}
	require.Empty(t, e.schedule(after.Enrolled[0]), "planning stopped with the leadership")
	tries, granted := el.state()
	require.Equal(t, 3, tries, "it tries again every PollInterval")
	require.Len(t, granted, 1)
	require.EqualValues(t, 1, terms[0].releases.Load())

	// The leadership comes back: the planner plans again.
	el.allow()
	e.poll(t, leaderNaps)
	_, terms = el.state()
	require.Len(t, terms, 2)
	require.Len(t, e.schedule(after.Enrolled[0]), 5, "the leader again, it planned the lead imported meanwhile")

	r.stop(t)
	require.EqualValues(t, 1, terms[1].releases.Load(), "Run releases the leadership when it stops")
	require.EqualValues(t, 1, terms[0].releases.Load())
}

// TestRunSingleProcessPlans runs one process with no elector (it always
// leads) and with a LocalElector of its own: it plans either way, and gives
// the leadership back when it stops.
func TestRunSingleProcessPlans(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		elector *storage.LocalElector
	}{
		{"no elector", nil},
		{"local elector", &storage.LocalElector{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, func(c *distribution.Config) {
				if tt.elector != nil {
					c.Elector = tt.elector
				}
				c.Workers = leaderWorkers
			})
			camp := e.campaign(e.signup("growth", "Australia/Sydney"))
			res := e.importLeads(camp, hot(1), hot(2))
			r := goRun(t, e.svc)
			// The workers, the planner, the daily jobs (and the check).
			naps := leaderWorkers + 2
			if tt.elector != nil {
				naps = leaderNaps
			}
			require.NoError(t, e.clock.BlockUntil(t.Context(), naps))
			for _, id := range res.Enrolled {
				require.Len(t, e.schedule(id), 5)
			}
			more := e.importLeads(camp, hot(3))
			e.poll(t, naps)
			// The import wakes the planner, which plans in its own
			// goroutine: the nap count can be reached before it has.
			require.Eventually(t, func() bool { return len(e.schedule(more.Enrolled[0])) == 5 }, 10*time.Second, time.Millisecond,
				"the planner plans what comes in")
			r.stop(t)
			if tt.elector != nil {
				term, ok, err := tt.elector.TryLead(t.Context())
				require.NoError(t, err)
				require.True(t, ok, "Run gave the leadership back when it stopped")
				require.NoError(t, term.Release(t.Context()))
			}
		})
	}
}

// TestRunTwoProcessesOneLeader runs two Services on one store with one
// LocalElector: one plans, the other only dispatches, and when the leader
// stops the other takes over.
func TestRunTwoProcessesOneLeader(t *testing.T) {
	t.Parallel()
	var el storage.LocalElector
	ledger := &termLedger{}
	electors := []*countingElector{{el: &el, ledger: ledger}, {el: &el, ledger: ledger}}
	e := newEnv(t, func(c *distribution.Config) { c.Elector = electors[0]; c.Workers = leaderWorkers })
	cfg := e.cfg
	cfg.Elector, cfg.Test.NewID = electors[1], seededIDs(99)
	other, err := distribution.New(cfg)
	require.NoError(t, err)
	svcs := []*distribution.Service{e.svc, other}
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	first := e.importLeads(camp, hot(1), hot(2))

	runs := []*running{goRun(t, svcs[0]), goRun(t, svcs[1])}
	both := leaderNaps + followerNaps
	require.NoError(t, e.clock.BlockUntil(t.Context(), both))
	for range 3 {
		e.poll(t, both)
	}
	lead := -1
	for i, c := range electors {
		if _, wins := c.counts(); wins == 1 {
			require.Equal(t, -1, lead, "two leaders")
			lead = i
		}
	}
	require.NotEqual(t, -1, lead, "no leader")
	follow := 1 - lead
	_, wins := electors[follow].counts()
	require.Zero(t, wins)
	for _, id := range first.Enrolled {
		require.Len(t, e.schedule(id), 5)
	}
	require.Positive(t, planned(svcs[lead]))
	require.Zero(t, planned(svcs[follow]), "only the leader plans")

	// The leader stops (a process dies): the other takes over at its next
	// try and plans what comes in.
	runs[lead].stop(t)
	byLeader := planned(svcs[lead])
	second := e.importLeads(camp, hot(3))
	e.poll(t, leaderNaps)
	_, wins = electors[follow].counts()
	require.Equal(t, 1, wins)
	require.Len(t, e.schedule(second.Enrolled[0]), 5)
	require.Positive(t, planned(svcs[follow]))
	require.Equal(t, byLeader, planned(svcs[lead]))
	runs[follow].stop(t)
	require.Equal(t, 1, ledger.mostAtOnce(), "never two leaders at once")
}
