package timing_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/timing"
)

func TestRealClock(t *testing.T) {
	t.Parallel()
	var c timing.Clock = timing.RealClock()
	require.Equal(t, timing.Real{}, c)

	a := c.Now()
	require.NoError(t, c.Sleep(context.Background(), time.Millisecond))
	require.False(t, c.Now().Before(a.Add(time.Millisecond)), "Sleep returned before its duration")

	require.NoError(t, c.Sleep(context.Background(), 0))
	require.NoError(t, c.Sleep(context.Background(), -time.Hour))
	require.NoError(t, c.SleepUntil(context.Background(), a.Add(-time.Hour)))
	b := c.Now()
	require.NoError(t, c.SleepUntil(context.Background(), b.Add(time.Millisecond)))
	require.False(t, c.Now().Before(b.Add(time.Millisecond)), "SleepUntil returned before its deadline")
}

func TestRealClockCancel(t *testing.T) {
	t.Parallel()
	c := timing.Real{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, c.Sleep(ctx, time.Hour), context.Canceled)
	require.ErrorIs(t, c.Sleep(ctx, 0), context.Canceled)
	require.ErrorIs(t, c.SleepUntil(ctx, c.Now().Add(time.Hour)), context.Canceled)

	// Cancelled while asleep.
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Sleep(ctx, time.Hour) }()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)

	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	require.ErrorIs(t, c.SleepUntil(ctx, c.Now().Add(time.Hour)), context.DeadlineExceeded)
}
