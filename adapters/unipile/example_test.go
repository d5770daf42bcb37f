package unipile_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// A seat sends a connection request through the fake Unipile; the member
// accepts, and the webhook endpoint hands the engine the acceptance.
func Example() {
	ctx := context.Background()
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	fake, err := unipiletest.New(unipiletest.Config{APIKey: "key", Now: clock.Now,
		Accounts: []unipiletest.Account{{ID: "acc_seat1", ProviderID: "ACoAASEAT"}},
		Profiles: []unipiletest.Profile{{PublicID: "ana-lee", ProviderID: "ACoAAANA", FirstName: "Ana", LastName: "Lee"}}})
	if err != nil {
		panic(err)
	}
	defer fake.Close()

	// The engine's side of the webhooks.
	sink := &webhooktest.Sink{}
	verifier, _ := unipile.NewVerifier(unipile.DefaultSecretHeader, "whsec_1")
	decoder, _ := unipile.NewDecoder(unipile.DecoderConfig{Now: clock.Now})
	h, _ := webhook.NewHandler(webhook.Config{Name: unipile.Name, Verifier: verifier, Decoder: decoder, Sink: sink})
	hooks := httptest.NewServer(h)
	defer hooks.Close()

	ch, err := unipile.New(unipile.Config{DSN: fake.DSN(), APIKey: "key", Now: clock.Now})
	if err != nil {
		panic(err)
	}
	if _, err := ch.CreateWebhook(ctx, unipile.SourceUsers, hooks.URL, unipile.DefaultSecretHeader, "whsec_1"); err != nil {
		panic(err)
	}

	m := channel.NewMessage("touch-1", channel.ActionConnectionRequest)
	m.From = channel.Sender{ID: "seat-1", Address: "acc_seat1"}
	m.To = channel.Recipient{LinkedIn: "https://www.linkedin.com/in/ana-lee/"}
	m.Body = "Hi Ana, happy to connect."
	rc, err := ch.Send(ctx, m)
	if err != nil {
		panic(err)
	}
	fmt.Println(channel.Describe(ch).Delivery, rc.ProviderMessageID)

	if err := fake.Accept(ctx, rc.ProviderMessageID); err != nil {
		panic(err)
	}
	for _, in := range sink.Events() {
		fmt.Println(in.Message.Type, in.Message.From)
	}
	// Output:
	// at_most_once inv_2
	// connection_accepted https://www.linkedin.com/in/ana-lee/
}
