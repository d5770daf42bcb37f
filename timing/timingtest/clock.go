package timingtest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/outbound-go/outbound/timing"
)

// Clock is a [timing.Clock] whose time moves only when a test moves it. It
// is safe for concurrent use. Sleepers wake when the clock reaches their
// deadline or their context ends.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	sleeper []*sleeper
	// changed is closed, and replaced, whenever the set of sleepers changes,
	// so BlockUntil can wait without polling.
	changed chan struct{}
}

type sleeper struct {
	until time.Time
	wake  chan struct{}
}

var _ timing.Clock = (*Clock)(nil)

// NewClock returns a clock that reads start until it is moved.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now returns the clock's current instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and wakes every sleeper whose
// deadline is now reached. A negative d moves the clock back and wakes no one.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(c.now.Add(d))
}

// Set moves the clock to t, forward or back, and wakes every sleeper whose
// deadline is not after t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(t)
}

// AdvanceNext moves the clock to the earliest deadline among the sleepers
// (if it lies ahead) and wakes the sleepers due then. It reports the clock's
// new time and whether there was a sleeper to wake. A simulation can run a
// virtual schedule to its end by calling it until it reports false.
func (c *Clock) AdvanceNext() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sleeper) == 0 {
		return c.now, false
	}
	next := c.sleeper[0].until
	for _, s := range c.sleeper[1:] {
		if s.until.Before(next) {
			next = s.until
		}
	}
	if next.Before(c.now) {
		next = c.now
	}
	c.setLocked(next)
	return c.now, true
}

func (c *Clock) setLocked(t time.Time) {
	c.now = t
	n := len(c.sleeper)
	c.sleeper = slices.DeleteFunc(c.sleeper, func(s *sleeper) bool {
		if s.until.After(t) {
			return false
		}
		close(s.wake)
		return true
	})
	if len(c.sleeper) != n {
		c.notifyLocked()
	}
}

func (c *Clock) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Sleep blocks until the clock has been moved d past the moment of the call,
// or until ctx ends; then it returns ctx.Err(). A d of zero or less returns
// at once (with ctx.Err() if ctx has already ended).
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	until := c.now.Add(d)
	c.mu.Unlock()
	return c.SleepUntil(ctx, until)
}

// SleepUntil blocks until the clock reaches t, or until ctx ends; then it
// returns ctx.Err(). A t not after Now returns at once (with ctx.Err() if
// ctx has already ended).
func (c *Clock) SleepUntil(ctx context.Context, t time.Time) error {
	c.mu.Lock()
	if err := ctx.Err(); err != nil {
		c.mu.Unlock()
		return err
	}
	if !t.After(c.now) {
		c.mu.Unlock()
		return nil
	}
	s := &sleeper{until: t, wake: make(chan struct{})}
	c.sleeper = append(c.sleeper, s)
	c.notifyLocked()
	c.mu.Unlock()

	select {
	case <-s.wake:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		i := slices.Index(c.sleeper, s)
		if i < 0 {
			// The clock reached t at the same moment; the sleep is over.
			return nil
		}
		c.sleeper = slices.Delete(c.sleeper, i, i+1)
		c.notifyLocked()
		return ctx.Err()
	}
}

// Waiters reports how many goroutines are sleeping on the clock.
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sleeper)
}

// BlockUntil waits until at least n goroutines are sleeping on the clock, or
// until ctx ends, in which case it returns ctx.Err(). Tests call it before
// Advance so the code under test has reached its sleep.
func (c *Clock) BlockUntil(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		if len(c.sleeper) >= n {
			c.mu.Unlock()
			return nil
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
