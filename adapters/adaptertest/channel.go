package adaptertest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

// Failure is an answer a fake provider can be told to give to the next
// send.
type Failure int

// The failures every channel adapter must classify.
const (
	// FailRejected: the provider refuses the request (a 4xx other than 429,
	// an SMTP 5xx): permanent.
	FailRejected Failure = iota + 1
	// FailRateLimited: the provider asks the sender to slow down (429 with
	// Retry-After): rate-limited, with the delay asked.
	FailRateLimited
	// FailUnavailable: the provider fails (a 5xx, an SMTP 4xx): retryable.
	FailUnavailable
	// FailHang: the provider does not answer until the request gives up:
	// retryable, or the context's error.
	FailHang
	// FailOptedOut: the provider answers that the recipient opted out
	// (Twilio's 21610, say): opted out. A provider with no such answer
	// leaves it unsupported (Control.Supports).
	FailOptedOut
)

func (f Failure) String() string {
	switch f {
	case FailRejected:
		return "rejected"
	case FailRateLimited:
		return "rate-limited"
	case FailUnavailable:
		return "unavailable"
	case FailHang:
		return "hang"
	case FailOptedOut:
		return "opted-out"
	}
	return "failure(" + strconv.Itoa(int(f)) + ")"
}

// Control is what the suite asks of an adapter's fake provider.
type Control interface {
	// Fail makes the provider's answer to the next send f; for
	// FailRateLimited the answer asks to wait retryAfter.
	Fail(f Failure, retryAfter time.Duration)
	// Supports reports whether the provider can answer f at all.
	Supports(f Failure) bool
	// Delivered is how many messages the provider has taken for delivery
	// under idempotency key key (the touch ID): 0 or 1 for an adapter that
	// honours the key, whatever the number of sends.
	Delivered(key string) int
}

// ChannelHarness is what an adapter's test gives [RunChannel].
type ChannelHarness struct {
	// New returns the adapter under test talking to a fresh fake provider,
	// and that provider's Control. It is called once per subtest.
	New func(t *testing.T) (channel.Channel, Control)
	// Message returns a message the adapter can send, with idempotency key
	// key: a distinct recipient for each key is best.
	Message func(key string) *channel.Message
	// RetryAfter is the delay the suite asks a rate-limited answer to carry.
	// Default 7 s; a provider whose Retry-After is in whole seconds needs a
	// whole number.
	RetryAfter time.Duration
	// HangFor bounds a send the provider does not answer: the suite's
	// context gives up after it. Default 300 ms.
	HangFor time.Duration
	// Concurrency is how many sends the concurrent test makes at once.
	// Default 16.
	Concurrency int
}

func (h *ChannelHarness) defaults() {
	if h.RetryAfter == 0 {
		h.RetryAfter = 7 * time.Second
	}
	if h.HangFor == 0 {
		h.HangFor = 300 * time.Millisecond
	}
	if h.Concurrency == 0 {
		h.Concurrency = 16
	}
}

// RunChannel checks a channel adapter against its fake provider: a send
// and its receipt; the idempotency key honoured by an at-least-once
// adapter, and reconciliation by an at-most-once one that can look sends
// up; each failure classified as the engine needs (rejections permanent,
// rate limits with their delay, outages and hangs retryable, opt-outs as
// such) with nothing delivered; a cancelled context; a message of another
// kind refused; and concurrent sends. Run it with -race.
func RunChannel(t *testing.T, h ChannelHarness) {
	t.Helper()
	require.NotNil(t, h.New, "ChannelHarness.New")
	require.NotNil(t, h.Message, "ChannelHarness.Message")
	h.defaults()

	t.Run("SendAndReceipt", func(t *testing.T) { sendAndReceipt(t, h) })
	t.Run("IdempotencyKey", func(t *testing.T) { idempotencyKey(t, h) })
	t.Run("Failures", func(t *testing.T) { failures(t, h) })
	t.Run("CancelledContext", func(t *testing.T) { cancelledContext(t, h) })
	t.Run("OtherKindRefused", func(t *testing.T) { otherKind(t, h) })
	t.Run("Concurrent", func(t *testing.T) { concurrent(t, h) })
}

func sendAndReceipt(t *testing.T, h ChannelHarness) {
	ch, ctl := h.New(t)
	info := channel.Describe(ch)
	require.NoError(t, channel.CheckInfo(info), "the adapter's Info")
	m := h.Message("conf-send-1")
	require.Equal(t, ch.Kind(), m.Kind, "the harness's message is of the adapter's kind")
	rc, err := ch.Send(context.Background(), m)
	require.NoError(t, err)
	require.NotEmpty(t, rc.Provider, "the receipt names its provider")
	require.NotEmpty(t, rc.ProviderMessageID, "the receipt carries the provider's ID, which events refer to")
	require.True(t, rc.Status.Valid(), "the receipt's status %q", rc.Status)
	require.Equal(t, 1, ctl.Delivered(m.IdempotencyKey), "the provider took the message once")
}

func idempotencyKey(t *testing.T, h ChannelHarness) {
	ch, ctl := h.New(t)
	ctx := context.Background()
	m := h.Message("conf-key-1")
	first, err := ch.Send(ctx, m)
	require.NoError(t, err)
	switch info := channel.Describe(ch); info.Delivery {
	case channel.AtLeastOnce:
		// The engine sends again after a lost answer: the provider must
		// take the key once.
		again, err := ch.Send(ctx, m.Clone())
		require.NoError(t, err, "a send again of the same key")
		require.Equal(t, 1, ctl.Delivered(m.IdempotencyKey), "an at-least-once adapter passes the key on: one delivery")
		require.Equal(t, first.ProviderMessageID, again.ProviderMessageID, "the send again answers with the first message")
	case channel.AtMostOnce:
		if f, ok := ch.(channel.Finder); ok {
			find(t, f, m, first)
			return
		}
		rec, ok := ch.(channel.Reconciler)
		if !ok {
			t.Log("at most once without a Reconciler: the engine marks a send it cannot confirm uncertain and never sends it again")
			return
		}
		got, found, err := rec.Lookup(ctx, m.IdempotencyKey)
		require.NoError(t, err)
		require.True(t, found, "a sent key is found")
		require.Equal(t, first.ProviderMessageID, got.ProviderMessageID)
		_, found, err = rec.Lookup(ctx, "conf-key-never-sent")
		require.NoError(t, err)
		require.False(t, found, "a key never sent is not found, so the engine may send it")
	}
}

// find checks a channel.Finder: the send of m (answered with first) is
// found by its addresses, and not for another recipient nor after it.
func find(t *testing.T, f channel.Finder, m *channel.Message, first channel.Receipt) {
	ctx := context.Background()
	q := channel.Sent{IdempotencyKey: m.IdempotencyKey, Kind: m.Kind, From: m.From.Address, To: m.To.Address(m.Kind)}
	got, found, err := f.Find(ctx, q)
	require.NoError(t, err)
	require.True(t, found, "a send is found by its addresses")
	require.Equal(t, first.ProviderMessageID, got.ProviderMessageID)
	other := q
	other.IdempotencyKey, other.To = "conf-key-never-sent", "+61491570159"
	if m.Kind != channel.SMS && m.Kind != channel.Voice {
		other.To = "never-sent@example.com"
	}
	_, found, err = f.Find(ctx, other)
	require.NoError(t, err)
	require.False(t, found, "nothing sent to another recipient is found, so the engine may send it")
	if !first.At.IsZero() {
		later := q
		later.Since = first.At.Add(time.Hour)
		_, found, err = f.Find(ctx, later)
		require.NoError(t, err)
		require.False(t, found, "a send from before Since is another one")
	}
}

func failures(t *testing.T, h ChannelHarness) {
	cases := []struct {
		f    Failure
		want []channel.ErrorClass
	}{
		{FailRejected, []channel.ErrorClass{channel.ClassPermanent}},
		{FailRateLimited, []channel.ErrorClass{channel.ClassRateLimited}},
		{FailUnavailable, []channel.ErrorClass{channel.ClassRetryable}},
		{FailHang, []channel.ErrorClass{channel.ClassRetryable}},
		{FailOptedOut, []channel.ErrorClass{channel.ClassOptedOut}},
	}
	for i, c := range cases {
		t.Run(c.f.String(), func(t *testing.T) {
			ch, ctl := h.New(t)
			if !ctl.Supports(c.f) {
				// Nothing to classify: the provider never gives this
				// answer (SMTP has no rate-limit reply, Unipile no
				// opt-out). Every provider can refuse a request.
				require.NotEqual(t, FailRejected, c.f, "every provider can refuse a request")
				t.Logf("the provider has no %s answer", c.f)
				return
			}
			ctl.Fail(c.f, h.RetryAfter)
			ctx, cancel := context.WithTimeout(context.Background(), h.HangFor)
			defer cancel()
			if c.f != FailHang {
				ctx = context.Background()
			}
			m := h.Message("conf-fail-" + strconv.Itoa(i))
			_, err := ch.Send(ctx, m)
			require.Error(t, err, "a %s answer is an error", c.f)
			require.Contains(t, c.want, channel.Classify(err), "%s answers %v (class %v)", c.f, err, channel.Classify(err))
			if c.f == FailRateLimited {
				var ce *channel.Error
				require.ErrorAs(t, err, &ce, "a rate limit is a *channel.Error")
				require.Equal(t, h.RetryAfter, ce.RetryAfter, "the delay the provider asked for")
			}
			if c.f != FailHang {
				require.Equal(t, 0, ctl.Delivered(m.IdempotencyKey), "a failed send delivers nothing")
			}
		})
	}
}

func cancelledContext(t *testing.T, h ChannelHarness) {
	ch, ctl := h.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := h.Message("conf-cancel-1")
	_, err := ch.Send(ctx, m)
	require.Error(t, err)
	require.ErrorIs(t, err, context.Canceled, "a cancelled send says so")
	require.Equal(t, 0, ctl.Delivered(m.IdempotencyKey), "a send cancelled before it started delivers nothing")
}

func otherKind(t *testing.T, h ChannelHarness) {
	ch, ctl := h.New(t)
	m := h.Message("conf-kind-1")
	for _, k := range channel.Kinds() {
		if k != ch.Kind() {
			m.Kind = k
			break
		}
	}
	_, err := ch.Send(context.Background(), m)
	require.Error(t, err, "a %s adapter refuses a %s message", ch.Kind(), m.Kind)
	require.Equal(t, channel.ClassPermanent, channel.Classify(err), "sending it again would not help")
	require.Equal(t, 0, ctl.Delivered(m.IdempotencyKey))
}

func concurrent(t *testing.T, h ChannelHarness) {
	ch, ctl := h.New(t)
	n := h.Concurrency
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rc, err := ch.Send(context.Background(), h.Message(fmt.Sprintf("conf-conc-%d", i)))
			ids[i], errs[i] = rc.ProviderMessageID, err
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	seen := map[string]bool{}
	for i, id := range ids {
		require.False(t, seen[id], "message %d has another's provider ID %q", i, id)
		seen[id] = true
		require.Equal(t, 1, ctl.Delivered(fmt.Sprintf("conf-conc-%d", i)))
	}
}
