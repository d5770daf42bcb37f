package webhooktest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/timing"
)

// Name is the test provider's name, for a [webhook.Config] and for the
// events a test sends through it.
const Name = "webhooktest"

// SignatureHeader is the header the test provider signs its requests in,
// in the combined form `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
const SignatureHeader = "Webhooktest-Signature"

// DefaultSecret is the signing secret of a provider built with none.
const DefaultSecret = "whsec_webhooktest"

// Config builds a [Provider].
type Config struct {
	// Secret is the signing secret. Default DefaultSecret.
	Secret string
	// Now tells the time requests are signed at, and the time the
	// provider's [Provider.Verifier] checks them against. Default the real
	// clock; tests pass a fake clock's Now (timingtest.Clock.Now).
	Now func() time.Time
}

// Provider is a test provider that signs its webhooks the way Stripe does:
// HMAC-SHA256 over the timestamp, ".", and the body, in [SignatureHeader].
// It is safe for concurrent use.
type Provider struct {
	secret   string
	now      func() time.Time
	verifier *webhook.HMACVerifier
}

// New returns the provider cfg describes.
func New(cfg Config) *Provider {
	p := &Provider{secret: cfg.Secret, now: cfg.Now}
	if p.secret == "" {
		p.secret = DefaultSecret
	}
	if p.now == nil {
		p.now = timing.RealClock().Now
	}
	v, err := webhook.NewHMACVerifier(webhook.HMACConfig{
		Header: SignatureHeader, Secrets: []string{p.secret}, Now: p.now,
	})
	if err != nil { // the config above has every required field
		panic("webhooktest: " + err.Error())
	}
	p.verifier = v
	return p
}

// Verifier returns the verifier that accepts this provider's requests: its
// secret, its clock, the default tolerance of 5 minutes.
func (p *Provider) Verifier() webhook.Verifier { return p.verifier }

// Decoder returns the decoder of this provider's JSON, [Decoder].
func (p *Provider) Decoder() webhook.Decoder { return Decoder{} }

// Sign returns the value of [SignatureHeader] for body signed at instant at
// (to the second): "t=<unix>,v1=<hex>".
func (p *Provider) Sign(at time.Time, body []byte) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(p.secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// SignedRequest returns a POST of body to url, signed now, with
// Content-Type application/json. Serve it to a handler directly
// (httptest.NewRecorder) or send it to a server (httptest.NewServer's
// Client().Do).
func (p *Provider) SignedRequest(ctx context.Context, url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("webhooktest: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, p.Sign(p.now(), body))
	return req, nil
}

// Request returns a signed POST to url whose body is events in the test
// provider's JSON ([Encode]).
func (p *Provider) Request(ctx context.Context, url string, events ...outbound.Inbound) (*http.Request, error) {
	body, err := Encode(events...)
	if err != nil {
		return nil, err
	}
	return p.SignedRequest(ctx, url, body)
}
