package smtp_test

import (
	"bytes"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// An inbound-mail route that POSTs raw messages passes the webhook suite:
// a DSN posted with the route's token is recorded once, a missing or
// wrong token is 401, a body that is no message is 400.
func TestInboundRouteConforms(t *testing.T) {
	raw, err := os.ReadFile("testdata/postfix-dsn.eml")
	require.NoError(t, err)
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	const header, token = "X-Inbound-Token", "inbound-route-secret-0123456789abcdef"
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler: func(t *testing.T, sink webhook.Sink) http.Handler {
			v, err := webhook.NewTokenVerifier(webhook.TokenConfig{Header: header, Tokens: []string{token}})
			require.NoError(t, err)
			h, err := webhook.NewHandler(webhook.Config{Name: "inbound-mail", Verifier: v,
				Decoder: smtp.InboundDecoder{Options: smtp.InboundOptions{Clock: clock, IsOwn: func(string) bool { return true }}}, Sink: sink})
			require.NoError(t, err)
			return h
		},
		Body:      raw,
		Malformed: []byte("\x00\x01 this is not a message"),
		Sign: func(t *testing.T, body []byte, _ time.Time) *http.Request {
			r, err := http.NewRequest(http.MethodPost, "https://hooks.example.com/inbound-mail", bytes.NewReader(body))
			require.NoError(t, err)
			r.Header.Set("Content-Type", "message/rfc822")
			r.Header.Set(header, token)
			return r
		},
		Unsign: func(r *http.Request) { r.Header.Del(header) },
		Tamper: func(r *http.Request) { r.Header.Set(header, token+"x") },
		Now:    clock.Now(),
	})
}
