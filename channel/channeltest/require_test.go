package channeltest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

// recordingT records failures instead of failing; FailNow panics to stop the
// helper as runtime.Goexit would.
type recordingT struct {
	errors []string
	failed bool
}

type failNow struct{}

func (r *recordingT) Helper() {}
func (r *recordingT) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordingT) FailNow() { r.failed = true; panic(failNow{}) }

func run(r *recordingT, f func()) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(failNow); !ok {
				panic(v)
			}
		}
	}()
	f()
}

func TestRequireHelpers(t *testing.T) {
	t.Parallel()
	f, err := channeltest.New(channel.SMS, nil)
	require.NoError(t, err)
	_, err = f.Send(context.Background(), smsTo("t1", "+61412345678"))
	require.NoError(t, err)

	ok := &recordingT{}
	var s channeltest.Sent
	run(ok, func() {
		s = channeltest.RequireSent(ok, f, "t1")
		channeltest.RequireNotSent(ok, f, "t2")
		channeltest.RequireCount(ok, f, 1)
	})
	require.False(t, ok.failed)
	require.Empty(t, ok.errors)
	require.Equal(t, "t1", s.Message.IdempotencyKey)

	for _, tc := range []struct {
		name string
		call func(r *recordingT)
		want string
	}{
		{"RequireSent", func(r *recordingT) { channeltest.RequireSent(r, f, "t2") },
			`channeltest: no sms message with idempotency key "t2" was delivered (1 delivered)`},
		{"RequireNotSent", func(r *recordingT) { channeltest.RequireNotSent(r, f, "t1") },
			`channeltest: a sms message with idempotency key "t1" was delivered to "+61412345678"`},
		{"RequireCount", func(r *recordingT) { channeltest.RequireCount(r, f, 2) },
			`channeltest: 1 sms messages delivered, want 2`},
	} {
		r := &recordingT{}
		run(r, func() { tc.call(r) })
		require.True(t, r.failed, tc.name)
		require.Equal(t, []string{tc.want}, r.errors, tc.name)
	}
}
