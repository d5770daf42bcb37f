package allocator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// plainCounter hides a MemoryCounter behind the interface, so the allocator
// takes its generic path (the one a store takes).
type plainCounter struct{ m *MemoryCounter }

func (p plainCounter) Reserve(ctx context.Context, k Key, d timing.Date, l Limit) (bool, error) {
	return p.m.Reserve(ctx, k, d, l)
}
func (p plainCounter) Release(ctx context.Context, k Key, d timing.Date) error {
	return p.m.Release(ctx, k, d)
}
func (p plainCounter) Used(ctx context.Context, k Key, from timing.Date, c []int) error {
	return p.m.Used(ctx, k, from, c)
}

var propZones = []string{
	"UTC", "Australia/Sydney", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
	"Asia/Kathmandu", "Pacific/Chatham", "Australia/Adelaide", "America/Sao_Paulo",
}

// world is one random setup: resources, caps, and an independent statement
// of the rules to check picks against.
type world struct {
	cfg       Config
	resources []Resource
	byID      map[outbound.ResourceID]*Resource
	removed   map[outbound.ResourceID]bool
	seed      uint64
}

// emailLimit is the test's warmup curve: 0–4 per mailbox-day, from a hash.
func (w *world) emailLimit(r Resource, day timing.Date) int {
	return int(mix64(w.seed^seedOf(r.ID)^uint64(day)) % 5)
}

// dailyCap restates the rule: the figure a resource may send on its day.
func (w *world) dailyCap(r Resource, a channel.Action, day timing.Date) int {
	c, _ := w.cfg.Cap(a)
	if a != channel.ActionEmail {
		return c.Daily
	}
	l := c.Daily
	if w.cfg.Limiter != nil {
		l = w.cfg.Limiter.DailyLimit(r, day)
	}
	if ceil := w.cfg.WithDefaults().MailboxCeiling; ceil >= 0 && l > ceil {
		l = ceil
	}
	return l
}

func newWorld(t testing.TB, rng *rand.Rand, locs []*time.Location) *world {
	w := &world{seed: rng.Uint64(), byID: map[outbound.ResourceID]*Resource{}, removed: map[outbound.ResourceID]bool{}}
	small := func() int { return 1 + rng.IntN(3) }
	w.cfg = Config{
		Call:              Cap{Daily: small()},
		SMS:               Cap{Daily: small()},
		ConnectionRequest: Cap{Daily: small(), Weekly: 2 + rng.IntN(5)},
		LinkedInMessage:   Cap{Daily: small()},
		Letter:            Cap{Daily: Unlimited},
	}
	if rng.IntN(2) == 0 {
		w.cfg.Letter = Cap{Daily: small(), Weekly: 2 + rng.IntN(4)}
	}
	if rng.IntN(3) == 0 {
		w.cfg.MailboxCeiling = 1 + rng.IntN(3)
		w.cfg.Email.Daily = 1
	}
	if rng.IntN(3) == 0 { // spacing that binds more often
		w.cfg.Email.Spacing, w.cfg.Email.Jitter = time.Duration(10+rng.IntN(60))*time.Minute, time.Duration(rng.IntN(20)+1)*time.Minute
	}
	w.cfg.Limiter = DailyLimitFunc(w.emailLimit)
	kinds := []outbound.ResourceKind{outbound.KindMailbox, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender}
	n := 1 + rng.IntN(7)
	for i := range n {
		r := Resource{ID: rid(i + 1), Kind: kinds[rng.IntN(len(kinds))], Location: locs[rng.IntN(len(locs))], Paused: rng.IntN(8) == 0}
		w.resources = append(w.resources, r)
	}
	for i := range w.resources {
		w.byID[w.resources[i].ID] = &w.resources[i]
	}
	return w
}

func (w *world) usable(id outbound.ResourceID, kind outbound.ResourceKind) bool {
	r := w.byID[id]
	return r != nil && !w.removed[id] && !r.Paused && r.Kind == kind
}

// check verifies every cap and the spacing from the live picks alone.
func (w *world) check(t testing.TB, picks []Pick, counter Counter) {
	t.Helper()
	type rk struct {
		id outbound.ResourceID
		a  channel.Action
	}
	perDay := map[rk]map[timing.Date]int{}
	sends := map[rk][]time.Time{}
	for _, p := range picks {
		r := w.byID[p.Resource]
		k := rk{p.Resource, p.Action}
		if perDay[k] == nil {
			perDay[k] = map[timing.Date]int{}
		}
		perDay[k][localDate(p.At, r.Location)]++
		sends[k] = append(sends[k], p.At)
	}
	for k, days := range perDay {
		r := *w.byID[k.id]
		c, _ := w.cfg.Cap(k.a)
		for d, n := range days {
			if lim := w.dailyCap(r, k.a, d); lim >= 0 {
				require.LessOrEqual(t, n, lim, "%s %s on %s", k.a, k.id, d)
			}
			if c.Weekly >= 0 {
				// Every 7-day window that contains d.
				for s := d - 6; s <= d; s++ {
					sum := 0
					for x := s; x < s+7; x++ {
						sum += days[x]
					}
					require.LessOrEqual(t, sum, c.Weekly, "%s %s in the 7 days from %s", k.a, k.id, s)
				}
			}
			used := make([]int, 1)
			require.NoError(t, counter.Used(context.Background(), Key{Resource: k.id, Action: k.a}, d, used))
			require.Equal(t, n, used[0], "counter agrees with the live picks")
		}
		if c.Spacing > 0 {
			ts := sends[k]
			slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
			for i := 1; i < len(ts); i++ {
				require.GreaterOrEqual(t, ts[i].Sub(ts[i-1]), c.Spacing, "%s %s: sends at %s and %s", k.a, k.id, ts[i-1], ts[i])
			}
		}
	}
}

var propActions = []channel.Action{channel.ActionEmail, channel.ActionCall, channel.ActionSMS,
	channel.ActionConnectionRequest, channel.ActionLinkedInMessage, channel.ActionLetter}

// runSequence plays random operations against one allocator and checks each
// answer against the rules; monotone makes the instants non-decreasing, in
// which case NextOpen must also be the earliest instant that works.
func runSequence(t *testing.T, rng *rand.Rand, locs []*time.Location, monotone, generic bool) {
	ctx := context.Background()
	w := newWorld(t, rng, locs)
	mem := NewMemoryCounter()
	var counter Counter = mem
	if generic {
		counter = plainCounter{mem}
	}
	cfg := w.cfg
	cfg.Counter = counter
	a := mustNew(t, cfg, slices.Clone(w.resources))
	base := time.Date(2024, 3, 27, 0, 0, 0, 0, time.UTC) // spans Berlin's and Australia's DST changes
	span := int64(12 * 24 * time.Hour)
	var live []Pick
	var lastAt time.Time
	instant := func() time.Time {
		off := time.Duration(rng.Int64N(span/int64(time.Minute))) * time.Minute
		if rng.IntN(3) == 0 {
			off += time.Duration(rng.IntN(60)) * time.Second
		}
		at := base.Add(off)
		if monotone {
			if at.Before(lastAt) {
				at = lastAt.Add(time.Duration(rng.IntN(3)) * time.Minute)
			}
			lastAt = at
		}
		return at
	}
	pick := func(req Request) (Pick, error) {
		kind := outbound.SenderKind(req.Action.Kind())
		p, err := a.Pick(ctx, req)
		stickyUsable := !req.Sticky.IsZero() && w.usable(req.Sticky, kind)
		if err == nil {
			require.True(t, w.usable(p.Resource, kind), "picked %s: unusable or wrong kind", p.Resource)
			require.Equal(t, localDate(req.At, w.byID[p.Resource].Location), p.Day)
			require.True(t, p.At.Equal(req.At))
			if stickyUsable {
				require.Equal(t, req.Sticky, p.Resource, "sticky must be kept")
				require.False(t, p.Replaced)
			}
			require.Equal(t, !req.Sticky.IsZero() && !stickyUsable, p.Replaced)
			live = append(live, p)
			return p, nil
		}
		var e *NoCapacityError
		require.True(t, errors.As(err, &e), "unexpected error %v", err)
		require.Equal(t, stickyUsable, e.Sticky)
		if stickyUsable {
			require.Equal(t, req.Sticky, e.Resource)
		}
		if e.Reason == ReasonNoResource {
			require.True(t, e.NextOpen.IsZero())
			for _, r := range w.resources {
				require.False(t, w.usable(r.ID, kind), "%s is usable", r.ID)
			}
		} else if !e.NextOpen.IsZero() {
			require.True(t, e.NextOpen.After(req.At), "NextOpen %s not after %s", e.NextOpen, req.At)
		}
		return Pick{}, err
	}
	for op := range 120 {
		switch x := rng.IntN(100); {
		case x < 6:
			r := &w.resources[rng.IntN(len(w.resources))]
			if w.removed[r.ID] {
				require.ErrorIs(t, a.SetPaused(r.ID, !r.Paused), ErrUnknownResource)
				continue
			}
			r.Paused = !r.Paused
			require.NoError(t, a.SetPaused(r.ID, r.Paused))
		case x < 7:
			r := w.resources[rng.IntN(len(w.resources))]
			if !w.removed[r.ID] {
				require.NoError(t, a.Remove(r.ID))
				w.removed[r.ID] = true
			}
		case x < 14 && len(live) > 0:
			j := rng.IntN(len(live))
			require.NoError(t, a.Release(ctx, live[j]))
			live = slices.Delete(live, j, j+1)
		default:
			req := Request{Action: propActions[rng.IntN(len(propActions))], At: instant()}
			if rng.IntN(5) < 2 {
				kind := outbound.SenderKind(req.Action.Kind())
				var same []outbound.ResourceID
				for _, r := range w.resources {
					if r.Kind == kind {
						same = append(same, r.ID)
					}
				}
				if len(same) > 0 && rng.IntN(6) > 0 {
					req.Sticky = same[rng.IntN(len(same))]
				} else {
					req.Sticky = rid(1000 + op) // unknown
				}
			}
			_, err := pick(req)
			var e *NoCapacityError
			if err == nil || !errors.As(err, &e) || e.NextOpen.IsZero() {
				continue
			}
			if monotone {
				// Nothing opens before NextOpen...
				before := req
				before.At = e.NextOpen.Add(-time.Nanosecond)
				_, err := a.Pick(ctx, before)
				require.ErrorIs(t, err, ErrNoCapacity, "a pick at NextOpen-1ns (%s) succeeded; NextOpen %s (%s)", before.At, e.NextOpen, e.Reason)
			}
			if rng.IntN(2) == 0 {
				// ...and a pick at NextOpen succeeds.
				again := req
				again.At = e.NextOpen
				_, err := pick(again)
				require.NoError(t, err, "a pick at NextOpen %s failed (first ask %s, reason %s)", e.NextOpen, req.At, e.Reason)
				if monotone {
					lastAt = e.NextOpen
				}
			}
		}
	}
	w.check(t, live, counter)
}

func TestPropertyRandomSequences(t *testing.T) {
	t.Parallel()
	locs := make([]*time.Location, len(propZones))
	for i, z := range propZones {
		locs[i] = mustLoad(t, z)
	}
	for _, mode := range []struct {
		name              string
		monotone, generic bool
	}{
		{"any order", false, false},
		{"any order, generic counter", false, true},
		{"in order", true, false},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(20250602, 1))
			n := 1500
			if raceEnabled {
				n = 300
			}
			for i := range n {
				ok := t.Run(fmt.Sprint(i), func(t *testing.T) { runSequence(t, rng, locs, mode.monotone, mode.generic) })
				if !ok {
					return
				}
			}
		})
	}
}

// Many planner goroutines on one allocator, and two allocators sharing one
// counter (two campaigns of one client): no cap is passed, no spacing broken.
func TestConcurrentPicks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	syd := mustLoad(t, "Australia/Sydney")
	rs := append(fleet(outbound.KindMailbox, 10, 1, syd), fleet(outbound.KindPhone, 5, 100, syd)...)
	rs = append(rs, fleet(outbound.KindLinkedInSeat, 3, 200, syd)...)
	counter := NewMemoryCounter()
	one := mustNew(t, Config{Counter: counter}, slices.Clone(rs))
	two := mustNew(t, Config{Counter: counter}, slices.Clone(rs))
	base := time.Date(2025, 6, 2, 0, 0, 0, 0, syd)
	var mu sync.Mutex
	var picks []Pick
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 99))
			a := one
			if g%4 == 0 {
				a = two // spacing is per allocator, so this one sends only phones and seats
			}
			var mine []Pick
			for range 800 {
				act := propActions[1+rng.IntN(4)]
				if a == one && rng.IntN(2) == 0 {
					act = channel.ActionEmail
				}
				at := base.Add(time.Duration(rng.IntN(10*24*60)) * time.Minute)
				p, err := a.Pick(ctx, Request{Action: act, At: at})
				if err != nil {
					require.ErrorIs(t, err, ErrNoCapacity)
					continue
				}
				mine = append(mine, p)
			}
			mu.Lock()
			picks = append(picks, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	w := &world{cfg: Config{}, byID: map[outbound.ResourceID]*Resource{}}
	for i := range rs {
		w.byID[rs[i].ID] = &rs[i]
	}
	w.check(t, picks, counter)
	require.Greater(t, len(picks), 1000)
}
