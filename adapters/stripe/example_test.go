package stripe_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/stripe"
	"github.com/outbound-go/outbound/adapters/stripe/stripetest"
	"github.com/outbound-go/outbound/adapters/webhook"
)

func Example() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fake := stripetest.NewServer(stripetest.Config{Now: func() time.Time { return now }})
	defer fake.Close()
	cfg := stripe.Config{Secrets: []string{fake.WebhookSecret()}, APIKey: fake.APIKey(), BaseURL: fake.URL(),
		Plans: map[string]string{"price_growth": "growth"}, Now: func() time.Time { return now }}
	v, err := stripe.NewVerifier(cfg)
	if err != nil {
		panic(err)
	}
	d, err := stripe.NewDecoder(cfg)
	if err != nil {
		panic(err)
	}
	sink := webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error {
		for _, e := range in {
			fmt.Println(e.Billing.Type, e.Billing.Plan)
		}
		return nil
	})
	h, err := webhook.NewHandler(webhook.Config{Name: "stripe", Verifier: v, Decoder: d, Sink: sink})
	if err != nil {
		panic(err)
	}

	events, _ := fake.Checkout("ana@acme.example", "Acme", "price_growth", nil)
	for _, ev := range events {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(ev.Body))
		r.Header.Set(stripe.SignatureHeader, fake.Sign(ev.Body, now))
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	// Output:
	// subscription_started growth
	// subscription_started growth
	// payment_succeeded
}
