package channel_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	base := errors.New("provider said no")
	netTimeout := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ETIMEDOUT)}
	tests := []struct {
		name      string
		err       error
		class     channel.ErrorClass
		retryable bool
		permanent bool
		optedOut  bool
		limited   bool
	}{
		{"nil", nil, channel.ClassNone, false, false, false, false},
		{"plain error", base, channel.ClassRetryable, true, false, false, false},
		{"deadline exceeded", context.DeadlineExceeded, channel.ClassRetryable, true, false, false, false},
		{"canceled", context.Canceled, channel.ClassRetryable, true, false, false, false},
		{"wrapped deadline", fmt.Errorf("post: %w", context.DeadlineExceeded), channel.ClassRetryable, true, false, false, false},
		{"net error", netTimeout, channel.ClassRetryable, true, false, false, false},
		{"EOF", io.EOF, channel.ClassRetryable, true, false, false, false},
		{"Retryable", channel.Retryable(base), channel.ClassRetryable, true, false, false, false},
		{"Permanent", channel.Permanent(base), channel.ClassPermanent, false, true, false, false},
		{"RateLimited", channel.RateLimited(time.Second, base), channel.ClassRateLimited, true, false, false, true},
		{"OptedOut", channel.OptedOut(base), channel.ClassOptedOut, false, true, true, false},
		{"Permanent of nil", channel.Permanent(nil), channel.ClassPermanent, false, true, false, false},
		{"zero class counts retryable", &channel.Error{Err: base}, channel.ClassRetryable, true, false, false, false},
		{"unknown class counts retryable", &channel.Error{Class: 42, Err: base}, channel.ClassRetryable, true, false, false, false},
		{"wrapped once", fmt.Errorf("twilio: %w", channel.OptedOut(base)), channel.ClassOptedOut, false, true, true, false},
		{"wrapped twice", fmt.Errorf("send: %w", fmt.Errorf("twilio: %w", channel.Permanent(base))), channel.ClassPermanent, false, true, false, false},
		{"joined", errors.Join(base, channel.Permanent(base)), channel.ClassPermanent, false, true, false, false},
		{"outermost wins", channel.Retryable(channel.Permanent(base)), channel.ClassRetryable, true, false, false, false},
		{"classified deadline", channel.Retryable(context.DeadlineExceeded), channel.ClassRetryable, true, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.class, channel.Classify(tt.err))
			require.Equal(t, tt.retryable, channel.IsRetryable(tt.err), "IsRetryable")
			require.Equal(t, tt.permanent, channel.IsPermanent(tt.err), "IsPermanent")
			require.Equal(t, tt.optedOut, channel.IsOptedOut(tt.err), "IsOptedOut")
			require.Equal(t, tt.limited, channel.IsRateLimited(tt.err), "IsRateLimited")
		})
	}
}

func TestErrorAsAndIsThroughWrapping(t *testing.T) {
	t.Parallel()
	cause := errors.New("HTTP 400: 21610 Attempt to send to unsubscribed recipient")
	adapterErr := &channel.Error{Class: channel.ClassOptedOut, Code: "21610", Provider: "twilio", Err: cause}
	err := fmt.Errorf("dispatch touch t1: %w", fmt.Errorf("send sms: %w", adapterErr))

	var ce *channel.Error
	require.ErrorAs(t, err, &ce)
	require.Same(t, adapterErr, ce)
	require.Equal(t, "21610", ce.Code)
	require.Equal(t, "twilio", ce.Provider)

	require.ErrorIs(t, err, cause, "the provider's error stays reachable")
	require.ErrorIs(t, err, channel.ErrOptedOut)
	require.ErrorIs(t, err, channel.ErrPermanent, "opted out is permanent")
	require.NotErrorIs(t, err, channel.ErrRetryable)
	require.NotErrorIs(t, err, channel.ErrRateLimited)

	limited := fmt.Errorf("wrap: %w", channel.RateLimited(30*time.Second, cause))
	require.ErrorIs(t, limited, channel.ErrRateLimited)
	require.ErrorIs(t, limited, channel.ErrRetryable, "rate limited is retryable")
	require.NotErrorIs(t, limited, channel.ErrPermanent)

	retry := fmt.Errorf("wrap: %w", channel.Retryable(cause))
	require.ErrorIs(t, retry, channel.ErrRetryable)
	require.NotErrorIs(t, retry, channel.ErrRateLimited)

	perm := fmt.Errorf("wrap: %w", channel.Permanent(cause))
	require.ErrorIs(t, perm, channel.ErrPermanent)
	require.NotErrorIs(t, perm, channel.ErrOptedOut)

	require.NotErrorIs(t, cause, channel.ErrRetryable, "sentinels match classified errors only")
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	base := errors.New("429")
	tests := []struct {
		name string
		err  error
		d    time.Duration
		ok   bool
	}{
		{"nil", nil, 0, false},
		{"plain", base, 0, false},
		{"rate limited with delay", channel.RateLimited(30*time.Second, base), 30 * time.Second, true},
		{"wrapped rate limited", fmt.Errorf("x: %w", channel.RateLimited(time.Minute, base)), time.Minute, true},
		{"rate limited without delay", channel.RateLimited(0, base), 0, false},
		{"negative delay clamps to none", channel.RateLimited(-time.Second, base), 0, false},
		{"retryable with a hint", &channel.Error{Class: channel.ClassRetryable, RetryAfter: 5 * time.Second}, 5 * time.Second, true},
		{"permanent ignores a delay", &channel.Error{Class: channel.ClassPermanent, RetryAfter: 5 * time.Second}, 0, false},
		{"opted out ignores a delay", &channel.Error{Class: channel.ClassOptedOut, RetryAfter: 5 * time.Second}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, ok := channel.RetryAfter(tt.err)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.d, d)
		})
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	require.Equal(t, "channel: twilio: opted_out (code 21610): blocked",
		(&channel.Error{Class: channel.ClassOptedOut, Code: "21610", Provider: "twilio", Err: errors.New("blocked")}).Error())
	require.Equal(t, "channel: rate_limited (retry after 30s): slow down",
		channel.RateLimited(30*time.Second, errors.New("slow down")).Error())
	require.Equal(t, "channel: permanent", channel.Permanent(nil).Error())
	require.Equal(t, "channel: retryable: x", (&channel.Error{Err: errors.New("x")}).Error())
}

func TestErrorClassString(t *testing.T) {
	t.Parallel()
	for c, want := range map[channel.ErrorClass]string{
		channel.ClassNone: "none", channel.ClassRetryable: "retryable", channel.ClassPermanent: "permanent",
		channel.ClassRateLimited: "rate_limited", channel.ClassOptedOut: "opted_out", 9: "ErrorClass(9)",
	} {
		require.Equal(t, want, c.String())
	}
}
