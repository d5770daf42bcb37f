package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// receiverControl drives a Receiver for the conformance suite.
type receiverControl struct{ r *Receiver }

func (c receiverControl) Fail(f adaptertest.Failure, retryAfter time.Duration) {
	switch f {
	case adaptertest.FailRejected:
		c.r.Next(http.StatusUnprocessableEntity, 0, false)
	case adaptertest.FailRateLimited:
		c.r.Next(http.StatusTooManyRequests, retryAfter, false)
	case adaptertest.FailUnavailable:
		c.r.Next(http.StatusServiceUnavailable, 0, false)
	case adaptertest.FailHang:
		c.r.Next(0, 0, true)
	case adaptertest.FailOptedOut:
		c.r.Next(http.StatusGone, 0, false)
	}
}

func (c receiverControl) Supports(adaptertest.Failure) bool { return true }
func (c receiverControl) Delivered(key string) int          { return c.r.Delivered(key) }

// TestConformance: the hook channel passes the suite every adapter passes.
func TestConformance(t *testing.T) {
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	adaptertest.RunChannel(t, adaptertest.ChannelHarness{
		New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
			recv := &Receiver{Secret: "s3cret", Now: clock.Now}
			srv := httptest.NewServer(recv)
			t.Cleanup(func() { recv.Close(); srv.Close() })
			hook, err := NewHookChannel(HookConfig{URL: srv.URL + "/messages", Secret: "s3cret", Now: clock.Now, Client: srv.Client()})
			require.NoError(t, err)
			return hook, receiverControl{recv}
		},
		Message: func(key string) *channel.Message {
			return &channel.Message{IdempotencyKey: key, Kind: channel.SMS, From: channel.Sender{Address: "+61400000000"},
				To: channel.Recipient{Phone: "+61411111111"}, Body: "Hello"}
		},
	})
}

// The receiver refuses what is not signed with its secret, or signed long
// ago, and takes nothing.
func TestReceiverChecksTheSignature(t *testing.T) {
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	recv := &Receiver{Secret: "s3cret", Now: clock.Now}
	body := []byte(`{"id":"k1","kind":"sms","from":"+61400000000","to":"+61411111111","body":"Hello"}`)
	for name, sig := range map[string]string{
		"none":      "",
		"other key": Sign("another", clock.Now(), body),
		"stale":     Sign("s3cret", clock.Now().Add(-10*time.Minute), body),
		"garbled":   "t=abc,v1=00",
	} {
		req := httptest.NewRequest(http.MethodPost, "/messages", bytes.NewReader(body))
		req.Header.Set("Idempotency-Key", "k1")
		if sig != "" {
			req.Header.Set(SignatureHeader, sig)
		}
		rec := httptest.NewRecorder()
		recv.ServeHTTP(rec, req)
		require.Equal(t, http.StatusUnauthorized, rec.Code, name)
	}
	require.Zero(t, recv.Count())
}

func TestBadConfig(t *testing.T) {
	now := func() time.Time { return time.Time{} }
	for _, c := range []struct {
		cfg   HookConfig
		field string
	}{
		{HookConfig{Secret: "s", Now: now}, "URL"},
		{HookConfig{URL: "http://x", Now: now}, "Secret"},
		{HookConfig{URL: "http://x", Secret: "s"}, "Now"},
		{HookConfig{URL: "http://x", Secret: "s", Now: now, Kind: "fax"}, "Kind"},
	} {
		_, err := NewHookChannel(c.cfg)
		require.ErrorContains(t, err, "HookConfig."+c.field)
	}
}

func TestRun(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(context.Background(), &out))
	require.Equal(t, "touch touch-1: hook msg_1\ntouch touch-2: hook msg_2\ntouch touch-1: hook msg_1\nthe receiver took 2 messages\n", out.String())
}
