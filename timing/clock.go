package timing

import (
	"context"
	"time"
)

// Clock tells the time and waits. Every part of the library that needs the
// current instant or has to wait takes a Clock, so tests and simulations can
// run on a virtual clock ([github.com/outbound-go/outbound/timing/timingtest])
// while production runs on [Real].
type Clock interface {
	// Now returns the current instant.
	Now() time.Time
	// Sleep waits for d to pass. It returns nil once d has passed, or
	// ctx.Err() if ctx ends first. A d of zero or less returns at once.
	Sleep(ctx context.Context, d time.Duration) error
	// SleepUntil waits until the clock reaches t. It returns nil once t has
	// come, or ctx.Err() if ctx ends first. A t not after Now returns at once.
	SleepUntil(ctx context.Context, t time.Time) error
}

// Real is the system clock. It is the only place in the module that reads
// the system time; its zero value is ready to use.
type Real struct{}

var _ Clock = Real{}

// RealClock returns the system clock, [Real].
func RealClock() Clock { return Real{} }

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx ends, whichever comes first. An already
// ended ctx returns its error even when d is zero or less.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SleepUntil waits until t or until ctx ends, whichever comes first. The wait
// is measured on the monotonic clock from the moment of the call, so a later
// change of the system's wall clock does not shorten or stretch it.
func (r Real) SleepUntil(ctx context.Context, t time.Time) error {
	return r.Sleep(ctx, time.Until(t))
}
