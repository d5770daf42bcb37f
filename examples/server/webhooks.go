package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calendly"
	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/stannp"
	"github.com/outbound-go/outbound/adapters/stripe"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/timing"
)

// inboundTokenHeader carries the inbound-mail route's token: the host's
// mail gateway (an MTA's pipe, a provider's inbound parse) adds it.
const inboundTokenHeader = "X-Inbound-Token"

// route is one provider's webhook endpoint.
type route struct {
	path     string // "/webhooks/twilio/sms"
	provider string // "twilio"
	verifier webhook.Verifier
	decoder  webhook.Decoder
	// raw, when set, serves the route instead of a webhook.Handler: a
	// provider that wants an answer of its own (Twilio's call instructions).
	raw http.Handler
}

// providerEnv is what the routes need beyond the secrets.
type providerEnv struct {
	Clock         timing.Clock
	Log           *slog.Logger
	StripeBaseURL string // "" for Stripe's own; the demo points it at the fake
	Unipile       unipile.DecoderConfig
	// Twilio fetches calls' recordings, when recordings are kept.
	Twilio *twilio.Client
}

// webhookRoutes returns the route of every provider whose webhook secret
// is configured, each verified by its provider's own mechanism: a
// signature over the body (Stripe, Lob, Stannp, Cal.com, Calendly, Vapi),
// over the public URL and every parameter (Twilio), or a secret header or
// token (Unipile, Salesforge, inbound mail).
func webhookRoutes(c config, env providerEnv) ([]route, error) {
	s := c.Secrets
	now := env.Clock.Now
	var out []route
	add := func(path, provider string, v webhook.Verifier, d webhook.Decoder, err error) error {
		if err != nil {
			return fmt.Errorf("%s webhooks: %w", provider, err)
		}
		out = append(out, route{path: path, provider: provider, verifier: v, decoder: d})
		return nil
	}
	if s.StripeWebhook != "" {
		sc := stripe.Config{Secrets: []string{s.StripeWebhook}, APIKey: s.StripeAPIKey, Plans: c.Prices, BaseURL: env.StripeBaseURL, Now: now}
		v, err := stripe.NewVerifier(sc)
		if err != nil {
			return nil, fmt.Errorf("stripe webhooks: %w", err)
		}
		d, err := stripe.NewDecoder(sc)
		if err := add("/webhooks/stripe", "stripe", v, d, err); err != nil {
			return nil, err
		}
	}
	if s.TwilioAuthToken != "" {
		v, err := twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{s.TwilioAuthToken}, PublicURL: c.PublicURL})
		if err != nil {
			return nil, fmt.Errorf("twilio webhooks: %w", err)
		}
		d := &twilio.Decoder{Now: now}
		for _, kind := range []string{"sms", "sms-status", "voice-status"} {
			if err := add("/webhooks/twilio/"+kind, "twilio", v, d, nil); err != nil {
				return nil, err
			}
		}
		out = append(out, route{path: "/webhooks/twilio/voice", provider: "twilio",
			raw: &twilio.TwiML{Verifier: v, VoicemailMessage: c.Sending.VoicemailMessage}})
		if env.Twilio != nil && c.Sending.RecordingsDir != "" {
			rec := &twilio.Recordings{Client: env.Twilio, Store: twilio.DirStore{Dir: c.Sending.RecordingsDir}}
			if err := add("/webhooks/twilio/recording", "twilio", v, rec, nil); err != nil {
				return nil, err
			}
		}
	}
	if s.VapiWebhook != "" {
		v, err := vapi.NewVerifier(vapi.VerifierConfig{Secrets: []string{s.VapiWebhook}, Now: now})
		if err := add("/webhooks/vapi", "vapi", v, &vapi.Decoder{}, err); err != nil {
			return nil, err
		}
	}
	if s.UnipileWebhook != "" {
		v, err := unipile.NewVerifier(unipile.DefaultSecretHeader, s.UnipileWebhook)
		if err != nil {
			return nil, fmt.Errorf("unipile webhooks: %w", err)
		}
		dc := env.Unipile
		if dc.Now == nil {
			dc.Now = now
		}
		d, err := unipile.NewDecoder(dc)
		if err := add("/webhooks/unipile", "unipile", v, d, err); err != nil {
			return nil, err
		}
	}
	if s.LobWebhook != "" {
		v, err := lob.NewVerifier(lob.VerifierConfig{Secrets: []string{s.LobWebhook}, Now: now})
		if err := add("/webhooks/lob", "lob", v, lob.Decoder{}, err); err != nil {
			return nil, err
		}
	}
	if s.StannpWebhook != "" {
		v, err := stannp.NewVerifier(s.StannpWebhook)
		if err := add("/webhooks/stannp", "stannp", v, stannp.Decoder{}, err); err != nil {
			return nil, err
		}
	}
	if s.CalcomWebhook != "" {
		v, err := calcom.NewVerifier(s.CalcomWebhook)
		if err := add("/webhooks/calcom", "calcom", v, calcom.Decoder{}, err); err != nil {
			return nil, err
		}
	}
	if s.CalendlyKey != "" {
		v, err := calendly.NewVerifier(calendly.VerifierConfig{SigningKeys: []string{s.CalendlyKey}, Now: now})
		if err := add("/webhooks/calendly", "calendly", v, calendly.Decoder{}, err); err != nil {
			return nil, err
		}
	}
	if s.SalesforgeToken != "" {
		v, err := salesforge.NewVerifier("", s.SalesforgeToken)
		if err := add("/webhooks/salesforge", "salesforge", v, salesforge.Decoder{}, err); err != nil {
			return nil, err
		}
	}
	if s.InboundMail != "" {
		v, err := webhook.NewTokenVerifier(webhook.TokenConfig{Header: inboundTokenHeader, Tokens: []string{s.InboundMail}})
		d := smtp.InboundDecoder{Options: smtp.InboundOptions{Clock: env.Clock}}
		if err := add("/webhooks/smtp-inbound", "smtp", v, d, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mountWebhooks mounts every route on mux, each a webhook.Handler handing
// what it verified and decoded to sink, its answers counted in met.
func mountWebhooks(mux *http.ServeMux, routes []route, sink webhook.Sink, log *slog.Logger, met *metrics) error {
	for _, r := range routes {
		if r.raw != nil {
			mux.Handle("POST "+r.path, met.instrument(r.provider, r.raw))
			continue
		}
		h, err := webhook.NewHandler(webhook.Config{Name: r.provider, Verifier: r.verifier, Decoder: r.decoder, Sink: sink,
			Logger: log.With("route", r.path)})
		if err != nil {
			return fmt.Errorf("%s: %w", r.path, err)
		}
		mux.Handle("POST "+r.path, met.instrument(r.provider, h))
	}
	return nil
}

// readTimeout bounds reading a request's headers.
const readTimeout = 10 * time.Second
