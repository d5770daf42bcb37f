package adaptertest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// fakeProvider is the in-memory fake as a provider the suite can drive:
// its scripted outcomes are the failures, and it can hang.
type fakeProvider struct {
	*channeltest.Fake
	mu   sync.Mutex
	hang bool
}

func (f *fakeProvider) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	f.mu.Lock()
	hang := f.hang
	f.hang = false
	f.mu.Unlock()
	if hang {
		<-ctx.Done()
		return channel.Receipt{}, ctx.Err()
	}
	return f.Fake.Send(ctx, m)
}

func (f *fakeProvider) Fail(fl adaptertest.Failure, retryAfter time.Duration) {
	switch fl {
	case adaptertest.FailRejected:
		f.Script(channeltest.Fail(channel.Permanent(errors.New("400 bad request"))))
	case adaptertest.FailRateLimited:
		f.Script(channeltest.Fail(channel.RateLimited(retryAfter, errors.New("429 too many requests"))))
	case adaptertest.FailUnavailable:
		f.Script(channeltest.Fail(channel.Retryable(errors.New("503 unavailable"))))
	case adaptertest.FailOptedOut:
		f.Script(channeltest.Fail(channel.OptedOut(errors.New("21610 unsubscribed recipient"))))
	case adaptertest.FailHang:
		f.mu.Lock()
		f.hang = true
		f.mu.Unlock()
	}
}

func (f *fakeProvider) Supports(adaptertest.Failure) bool { return true }

func (f *fakeProvider) Delivered(key string) int {
	if _, ok := f.SentKey(key); ok {
		return 1
	}
	return 0
}

func message(k channel.Kind) func(key string) *channel.Message {
	return func(key string) *channel.Message {
		m := &channel.Message{IdempotencyKey: key, Kind: k, Body: "Hello"}
		switch k {
		case channel.Email:
			m.From = channel.Sender{Address: "ann@sender.example"}
			m.To = channel.Recipient{Email: key + "@lead.example"}
			m.Subject = "Hello"
		case channel.SMS:
			m.From = channel.Sender{Address: "+61400000000"}
			m.To = channel.Recipient{Phone: "+61411111111"}
		}
		return m
	}
}

// The suite passes the in-memory fake, an at-least-once email provider and
// an at-most-once SMS provider that reconciles.
func TestTheFakesConform(t *testing.T) {
	for _, k := range []channel.Kind{channel.Email, channel.SMS} {
		t.Run(string(k), func(t *testing.T) {
			adaptertest.RunChannel(t, adaptertest.ChannelHarness{
				New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
					f, err := channeltest.New(k, &channeltest.Config{Provider: "fake-" + string(k)})
					require.NoError(t, err)
					p := &fakeProvider{Fake: f}
					return p, p
				},
				Message: message(k),
			})
		})
	}
}

// The suite passes the test provider's webhooks through the shared handler.
func TestTheTestProviderWebhooksConform(t *testing.T) {
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	provider := webhooktest.New(webhooktest.Config{Now: clock.Now})
	body, err := webhooktest.Encode(outbound.Inbound{Billing: &outbound.BillingEvent{Provider: "stripe", ProviderEventID: "evt_1",
		Type: outbound.BillingSubscriptionRenewed, Customer: "cus_1", Subscription: "sub_1", Plan: "growth", At: clock.Now()}})
	require.NoError(t, err)
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler: func(t *testing.T, sink webhook.Sink) http.Handler {
			h, err := webhook.NewHandler(webhook.Config{Name: "test", Verifier: provider.Verifier(), Decoder: provider.Decoder(), Sink: sink})
			require.NoError(t, err)
			return h
		},
		Body:      body,
		Malformed: []byte(`{"events": [`),
		Sign: func(t *testing.T, body []byte, at time.Time) *http.Request {
			r, err := http.NewRequest(http.MethodPost, "https://hooks.example.com/webhooks/test", bytes.NewReader(body))
			require.NoError(t, err)
			r.Header.Set(webhooktest.SignatureHeader, provider.Sign(at, body))
			return r
		},
		Unsign: func(r *http.Request) { r.Header.Del(webhooktest.SignatureHeader) },
		Tamper: func(r *http.Request) {
			s := []byte(r.Header.Get(webhooktest.SignatureHeader))
			s[len(s)-1] ^= 1
			r.Header.Set(webhooktest.SignatureHeader, string(s))
		},
		Now:        clock.Now(),
		StaleAfter: 5 * time.Minute,
	})
}
