package lob_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/lob/lobtest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

// control drives the fake for the conformance suite.
type control struct{ srv *lobtest.Server }

func (c control) Fail(f adaptertest.Failure, retryAfter time.Duration) {
	switch f {
	case adaptertest.FailRejected:
		c.srv.Fail(lobtest.Answer{Status: http.StatusUnprocessableEntity})
	case adaptertest.FailRateLimited:
		c.srv.Fail(lobtest.Answer{Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
	case adaptertest.FailUnavailable:
		c.srv.Fail(lobtest.Answer{Status: http.StatusServiceUnavailable})
	case adaptertest.FailHang:
		c.srv.Fail(lobtest.Answer{Hang: true})
	}
}

// Supports: Lob has no opted-out answer.
func (c control) Supports(f adaptertest.Failure) bool { return f != adaptertest.FailOptedOut }

func (c control) Delivered(key string) int { return c.srv.Delivered(key) }

func TestConformance(t *testing.T) {
	t.Parallel()
	adaptertest.RunChannel(t, adaptertest.ChannelHarness{
		New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
			b := setup(t, nil)
			return b.ch, control{b.srv}
		},
		Message: func(key string) *channel.Message {
			m := letterMessage(key)
			m.To.Name = "Recipient " + key
			return m
		},
	})

	t.Run("postcard", func(t *testing.T) {
		adaptertest.RunChannel(t, adaptertest.ChannelHarness{
			New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
				b := setup(t, func(c *lob.Config) { c.PostcardFront = "tmpl_front0001" })
				return b.ch, control{b.srv}
			},
			Message: func(key string) *channel.Message {
				m := postcardMessage(key)
				m.To.Name = "Recipient " + key
				return m
			},
		})
	})

	now := start
	srv := lobtest.NewServer(lobtest.Config{Now: func() time.Time { return now }})
	t.Cleanup(srv.Close)
	ch, err := lob.New(lob.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Now: func() time.Time { return now }})
	require.NoError(t, err)
	rc, err := ch.Send(context.Background(), letterMessage("touch-wh"))
	require.NoError(t, err)
	body, err := srv.EventBody(lobtest.Outcome{EventID: lobtest.EventID(rc.ProviderMessageID, lob.EventDelivered),
		LetterID: rc.ProviderMessageID, Type: lob.EventDelivered, At: now})
	require.NoError(t, err)
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler: func(t *testing.T, sink webhook.Sink) http.Handler {
			return newHandler(t, srv.WebhookSecret(), now, sink)
		},
		Body:      body,
		Malformed: []byte(`{"id":"evt_1","event_type":`),
		Sign: func(t *testing.T, body []byte, at time.Time) *http.Request {
			req, err := srv.SignedRequest(context.Background(), "http://127.0.0.1/webhooks/lob", body, at)
			require.NoError(t, err)
			return req
		},
		Unsign: func(r *http.Request) { r.Header.Del(lob.SignatureHeader) },
		Tamper: func(r *http.Request) {
			sig, ts := lobtest.Sign("another secret", []byte("x"), now)
			r.Header.Set(lob.SignatureHeader, sig)
			r.Header.Set(lob.TimestampHeader, ts)
		},
		Now:        now,
		StaleAfter: webhook.DefaultTolerance,
	})
}

// newHandler is Lob's webhook endpoint as a host builds it.
func newHandler(t *testing.T, secret string, now time.Time, sink webhook.Sink) http.Handler {
	t.Helper()
	return newHandlerClock(t, secret, func() time.Time { return now }, sink)
}

func post(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func signed(t *testing.T, srv *lobtest.Server, body []byte, at time.Time) *http.Request {
	t.Helper()
	req, err := srv.SignedRequest(context.Background(), "http://127.0.0.1/webhooks/lob", bytes.Clone(body), at)
	require.NoError(t, err)
	return req
}
