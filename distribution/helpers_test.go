package distribution_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// start is Monday 2 March 2026, 07:00 in Sydney (AEDT, UTC+11): before every
// window opens there.
var start = time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	require.NoError(t, err)
	return l
}

// seededIDs is a deterministic ID source (random v4 layout).
func seededIDs(seed uint64) func() uuid.UUID {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func() uuid.UUID {
		var u uuid.UUID
		binary.LittleEndian.PutUint64(u[:8], r.Uint64())
		binary.LittleEndian.PutUint64(u[8:], r.Uint64())
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		return u
	}
}

// fakeDNCR is a register: listed numbers are registered, the rest clear.
type fakeDNCR struct {
	mu         sync.Mutex
	now        func() time.Time
	registered map[string]bool
	asked      []string
	calls      int
	fail       error
}

func (f *fakeDNCR) Wash(_ context.Context, phones []string) ([]outbound.WashResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return nil, f.fail
	}
	out := make([]outbound.WashResult, 0, len(phones))
	for _, p := range phones {
		f.asked = append(f.asked, p)
		st := outbound.DNCRClear
		if f.registered[p] {
			st = outbound.DNCRRegistered
		}
		out = append(out, outbound.WashResult{Phone: p, Status: st, WashedAt: f.now()})
	}
	return out, nil
}

func (f *fakeDNCR) register(phone string) {
	f.mu.Lock()
	f.registered[phone] = true
	f.mu.Unlock()
}

func (f *fakeDNCR) askedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.asked)
}

// env is a Service on a fake clock, the memory store, fake channels and a
// fake register, with a stocked pool.
type env struct {
	t     testing.TB
	ctx   context.Context
	clock *timingtest.Clock
	store *memory.Store
	svc   *distribution.Service
	fakes map[channel.Kind]*channeltest.Fake
	dncr  *fakeDNCR
	cfg   distribution.Config
}

type option func(*distribution.Config)

func newEnv(t testing.TB, opts ...option) *env {
	t.Helper()
	clock := timingtest.NewClock(start)
	e := &env{
		t: t, ctx: context.Background(), clock: clock, store: memory.New(),
		fakes: map[channel.Kind]*channeltest.Fake{},
		dncr:  &fakeDNCR{now: clock.Now, registered: map[string]bool{}},
	}
	var chans []channel.Channel
	for _, k := range channel.Kinds() {
		f, err := channeltest.New(k, &channeltest.Config{Now: clock.Now})
		require.NoError(t, err)
		e.fakes[k] = f
		chans = append(chans, f)
	}
	cfg := distribution.Config{
		Store: e.store, Channels: chans, Clock: clock, DNCR: e.dncr, Test: distribution.TestConfig{NewID: seededIDs(1)},
	}
	for _, o := range opts {
		o(&cfg)
	}
	e.cfg = cfg
	svc, err := distribution.New(cfg)
	require.NoError(t, err)
	e.svc = svc
	e.stock(8, 4, 4, 2)
	return e
}

// stock adds aged resources to the pool: domains bought 40 days ago (their
// mailboxes at the full 30 a day), phones, seats and mail senders.
func (e *env) stock(domains, phones, seats, senders int) {
	e.t.Helper()
	aged := e.clock.Now().AddDate(0, 0, -40)
	for _, s := range []struct {
		k outbound.ResourceKind
		n int
	}{{outbound.KindDomain, domains}, {outbound.KindPhone, phones}, {outbound.KindLinkedInSeat, seats}, {outbound.KindMailSender, senders}} {
		_, err := e.svc.Pool().Stock(e.ctx, s.k, s.n, aged)
		require.NoError(e.t, err)
	}
}

func (e *env) signup(plan, zone string) *outbound.Client {
	e.t.Helper()
	c, err := e.svc.Signup(e.ctx, distribution.SignupInput{Name: "Client " + plan, Plan: plan, DefaultZone: zone, PaymentID: "pay-" + plan + zone})
	require.NoError(e.t, err)
	return c
}

func (e *env) campaign(c *outbound.Client) *outbound.Campaign {
	e.t.Helper()
	camp, err := e.svc.CreateCampaign(e.ctx, c.ID, "Q1")
	require.NoError(e.t, err)
	return camp
}

// hot is a Sydney lead scored hot with every address.
func hot(n int) distribution.LeadInput {
	return distribution.LeadInput{
		Line: n + 1, ExternalID: fmt.Sprint("L", n), Email: fmt.Sprintf("lead%d@acme%d.com.au", n, n),
		Phone: fmt.Sprintf("+6141234%04d", n), LinkedIn: fmt.Sprintf("https://www.linkedin.com/in/lead%d", n),
		FirstName: "Ann", LastName: fmt.Sprint("Lee", n), Company: fmt.Sprint("Acme ", n), CompanyDomain: fmt.Sprintf("acme%d.com.au", n),
		Country: "AU", Region: "NSW", City: "Sydney", Postcode: "2000", AddressLine1: "1 George St", Score: 90,
	}
}

func (e *env) importLeads(camp *outbound.Campaign, rows ...distribution.LeadInput) distribution.ImportResult {
	e.t.Helper()
	res, err := e.svc.ImportLeads(e.ctx, camp.ID, rows)
	require.NoError(e.t, err)
	return res
}

func (e *env) plan() int {
	e.t.Helper()
	n, err := e.svc.Plan(e.ctx)
	require.NoError(e.t, err)
	return n
}

// schedule returns the lead's touches.
func (e *env) schedule(lead outbound.LeadID) []outbound.Touch {
	e.t.Helper()
	ts, err := e.svc.Schedule(e.ctx, lead)
	require.NoError(e.t, err)
	return ts
}

// byStep returns the lead's touches of each step that are neither
// cancelled nor follow-ups (retries, LinkedIn messages), in order.
func primary(ts []outbound.Touch) map[int]outbound.Touch {
	out := map[int]outbound.Touch{}
	for _, t := range ts {
		if t.Status == outbound.TouchCancelled || t.Reason == outbound.ReasonCallRetry || t.Action == channel.ActionLinkedInMessage {
			continue
		}
		if _, ok := out[t.Step]; !ok {
			out[t.Step] = t
		}
	}
	return out
}

// runUntil drives the clock: dispatch everything due, then jump to the next
// due touch, until the clock passes end. workers dispatch concurrently.
func (e *env) runUntil(end time.Time, workers int) {
	e.t.Helper()
	for {
		e.dispatchAll(workers)
		next, ok, err := e.svc.NextDue(e.ctx)
		require.NoError(e.t, err)
		if !ok || next.After(end) {
			e.clock.Set(end)
			e.dispatchAll(workers)
			return
		}
		if next.After(e.clock.Now()) {
			e.clock.Set(next)
		}
	}
}

// dispatchAll runs workers until nothing due is left.
func (e *env) dispatchAll(workers int) {
	e.t.Helper()
	for range 1000 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for w := range workers {
			wg.Go(func() {
				n, err := e.svc.Dispatch(e.ctx, fmt.Sprint("w", w))
				require.NoError(e.t, err)
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()
		// The planner's pass books what the workers handed back, as Run's
		// leader does after them.
		_, err := e.svc.Plan(e.ctx)
		require.NoError(e.t, err)
		next, ok, err := e.svc.NextDue(e.ctx)
		require.NoError(e.t, err)
		if !ok || next.After(e.clock.Now()) {
			return
		}
	}
	e.t.Fatal("dispatch did not settle")
}

func (e *env) touch(id outbound.TouchID) *outbound.Touch {
	e.t.Helper()
	t, err := e.store.GetTouch(e.ctx, id)
	require.NoError(e.t, err)
	return t
}

func (e *env) enrollment(lead outbound.LeadID) outbound.Enrollment {
	e.t.Helper()
	es, err := e.store.ListEnrollments(e.ctx, storage.EnrollmentFilter{Lead: lead})
	require.NoError(e.t, err)
	require.Len(e.t, es, 1)
	return es[0]
}

func (e *env) lead(id outbound.LeadID) *outbound.Lead {
	e.t.Helper()
	l, err := e.store.GetLead(e.ctx, id)
	require.NoError(e.t, err)
	return l
}

// local renders an instant in a zone for assertions.
func local(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2006-01-02 15:04") }

// dayIn is the calendar day of t in loc.
func dayIn(t time.Time, loc *time.Location) timing.Date { return timing.DateIn(t, loc) }

// setChannel puts ch in place of c's adapter of the same kind and provider,
// or adds it.
func setChannel(c *distribution.Config, ch channel.Channel) {
	for i, old := range c.Channels {
		if old.Kind() == ch.Kind() && channel.Describe(old).Provider == channel.Describe(ch).Provider {
			c.Channels[i] = ch
			return
		}
	}
	c.Channels = append(c.Channels, ch)
}

// channelOf returns c's catch-all adapter of kind k, or nil.
func channelOf(c *distribution.Config, k channel.Kind) channel.Channel {
	for _, ch := range c.Channels {
		if ch.Kind() == k && channel.Describe(ch).Provider == "" {
			return ch
		}
	}
	return nil
}

// dropChannel removes every adapter of kind k from c.
func dropChannel(c *distribution.Config, k channel.Kind) {
	c.Channels = slices.DeleteFunc(slices.Clone(c.Channels), func(ch channel.Channel) bool { return ch.Kind() == k })
}
