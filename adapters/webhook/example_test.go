package webhook_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// A provider posts one signed delivery; the handler verifies it, decodes
// it, hands its event to the sink and answers 200. The same request with a
// forged signature gets 401 and records nothing.
func Example() {
	ctx := context.Background()
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	provider := webhooktest.New(webhooktest.Config{Secret: "whsec_example", Now: clock.Now})
	sink := &webhooktest.Sink{}
	h, err := webhook.NewHandler(webhook.Config{
		Name:     webhooktest.Name,
		Verifier: provider.Verifier(), // a real adapter's: webhook.NewHMACVerifier(...)
		Decoder:  provider.Decoder(),
		Sink:     sink, // the engine's
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	optOut := outbound.Inbound{Message: &channel.Event{
		Provider: webhooktest.Name, ProviderEventID: "ev_1", Type: channel.EventOptedOut, Kind: channel.SMS,
		From: "+61412345678", At: clock.Now(), Body: "STOP",
	}}
	req, err := provider.Request(ctx, srv.URL, optOut)
	if err != nil {
		panic(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	_ = resp.Body.Close()
	fmt.Println(resp.Status)

	forger := webhooktest.New(webhooktest.Config{Secret: "guessed", Now: clock.Now})
	req, _ = forger.Request(ctx, srv.URL, optOut)
	resp, err = srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	_ = resp.Body.Close()
	fmt.Println(resp.Status)

	for _, in := range sink.Events() {
		fmt.Println(in.Key())
	}
	// Output:
	// 200 OK
	// 401 Unauthorized
	// webhooktest ev_1
}
