package timingtest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC)

func TestClockNowAdvanceSet(t *testing.T) {
	t.Parallel()
	c := timingtest.NewClock(start)
	var _ timing.Clock = c
	require.Equal(t, start, c.Now())
	c.Advance(90 * time.Minute)
	require.Equal(t, start.Add(90*time.Minute), c.Now())
	c.Set(start.Add(-time.Hour))
	require.Equal(t, start.Add(-time.Hour), c.Now())
	c.Advance(-time.Minute)
	require.Equal(t, start.Add(-61*time.Minute), c.Now())
}

func TestClockSleepWakesOnlyAtDeadline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := timingtest.NewClock(start)
	done := make(chan error, 1)
	go func() { done <- c.Sleep(ctx, time.Hour) }()
	require.NoError(t, c.BlockUntil(ctx, 1))
	require.Equal(t, 1, c.Waiters())

	c.Advance(59 * time.Minute)
	select {
	case err := <-done:
		t.Fatalf("woke early: %v", err)
	default:
	}
	require.Equal(t, 1, c.Waiters())

	c.Advance(time.Minute)
	require.NoError(t, <-done)
	require.Equal(t, 0, c.Waiters())
}

func TestClockSleepUntilAndSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := timingtest.NewClock(start)
	deadlines := []time.Duration{3 * time.Hour, time.Hour, 2 * time.Hour}
	woke := make(chan time.Duration, len(deadlines))
	for _, d := range deadlines {
		go func() {
			if err := c.SleepUntil(ctx, start.Add(d)); err == nil {
				woke <- d
			}
		}()
	}
	require.NoError(t, c.BlockUntil(ctx, 3))

	c.Set(start.Add(2 * time.Hour))
	got := []time.Duration{<-woke, <-woke}
	require.ElementsMatch(t, []time.Duration{time.Hour, 2 * time.Hour}, got)
	require.Equal(t, 1, c.Waiters())

	// Moving back wakes no one.
	c.Set(start)
	require.Equal(t, 1, c.Waiters())

	next, ok := c.AdvanceNext()
	require.True(t, ok)
	require.Equal(t, start.Add(3*time.Hour), next)
	require.Equal(t, 3*time.Hour, <-woke)
	_, ok = c.AdvanceNext()
	require.False(t, ok)
}

func TestClockPastDeadlineReturnsAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := timingtest.NewClock(start)
	require.NoError(t, c.Sleep(ctx, 0))
	require.NoError(t, c.Sleep(ctx, -time.Second))
	require.NoError(t, c.SleepUntil(ctx, start))
	require.NoError(t, c.SleepUntil(ctx, start.Add(-time.Hour)))
	require.Equal(t, 0, c.Waiters())

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, c.Sleep(cancelled, 0), context.Canceled)
	require.ErrorIs(t, c.Sleep(cancelled, time.Hour), context.Canceled)
	require.Equal(t, 0, c.Waiters())
}

func TestClockCancelWhileAsleep(t *testing.T) {
	t.Parallel()
	c := timingtest.NewClock(start)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Sleep(ctx, time.Hour) }()
	require.NoError(t, c.BlockUntil(context.Background(), 1))
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	require.Equal(t, 0, c.Waiters())
	require.Equal(t, start, c.Now(), "cancelling does not move the clock")
}

func TestClockBlockUntilHonoursContext(t *testing.T) {
	t.Parallel()
	c := timingtest.NewClock(start)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, c.BlockUntil(ctx, 1), context.Canceled)
	require.NoError(t, c.BlockUntil(context.Background(), 0))
}

// TestClockConcurrent runs many sleepers and advancers together; run it with
// -race.
func TestClockConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := timingtest.NewClock(start)
	const sleepers = 50
	var wg sync.WaitGroup
	for i := range sleepers {
		wg.Go(func() {
			for j := range 10 {
				if err := c.Sleep(ctx, time.Duration(1+(i+j)%7)*time.Minute); err != nil {
					t.Error(err)
					return
				}
				_ = c.Now()
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	for {
		select {
		case <-finished:
			require.Equal(t, 0, c.Waiters())
			return
		default:
		}
		if _, ok := c.AdvanceNext(); !ok {
			// Sleepers between two sleeps: wait for one to go back to sleep
			// or for all to finish.
			wctx, cancel := context.WithCancel(ctx)
			go func() {
				select {
				case <-finished:
				case <-wctx.Done():
				}
				cancel()
			}()
			_ = c.BlockUntil(wctx, 1)
			cancel()
		}
	}
}
