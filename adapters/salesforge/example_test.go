package salesforge_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/adapters/salesforge/salesforgetest"
	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// Example sends an email through a Salesforge mailbox's SMTP server,
// registers the reply webhook with its token, receives the reply Salesforge
// reports, and puts the replier's company on the DNC list. Everything runs
// against the fakes.
func Example() {
	ctx := context.Background()
	at := time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)
	clock := timingtest.NewClock(at)

	mailbox, _ := smtptest.Listen() // the mailbox's SMTP server
	defer mailbox.Close()
	api := salesforgetest.NewServer(salesforgetest.Config{Now: clock.Now})
	defer api.Close()

	// Sending: SMTP with the mailbox's credentials.
	ch, _ := salesforge.New(salesforge.Config{Clock: clock, Mailboxes: salesforge.MailboxMap(map[string]smtp.Config{
		"ana@mail.sender.example.com": {Host: mailbox.Host, Port: mailbox.Port, TLS: smtp.TLSNone, HELO: "sender.example.com"},
	})})
	m := channel.NewMessage("touch-1", channel.ActionEmail)
	m.From = channel.Sender{Address: "ana@mail.sender.example.com"}
	m.To = channel.Recipient{Name: "Bo", Email: "bo@buyer.example.org"}
	m.Subject, m.Body = "Fleet question", "Hi Bo,\n\nOne question.\n\nUnsubscribe: https://u.example.com/u/1"
	m.Headers = map[string]string{"List-Unsubscribe": "<https://u.example.com/u/1>"}
	rc, err := ch.Send(ctx, m)
	fmt.Println("sent:", rc.Provider, err == nil)

	// Events: a token-protected endpoint, one webhook per type.
	token := "a-long-random-secret-from-crypto-rand"
	verifier, _ := salesforge.NewVerifier("", token)
	var got []outbound.Inbound
	handler, _ := webhook.NewHandler(webhook.Config{Name: "salesforge", Verifier: verifier, Decoder: salesforge.Decoder{},
		Sink: webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error { got = append(got, in...); return nil })})
	endpoint := httptest.NewServer(handler)
	defer endpoint.Close()
	client, _ := salesforge.NewClient(salesforge.ClientConfig{APIKey: api.APIKey(), BaseURL: api.URL(), Now: clock.Now})
	hookURL, _ := salesforge.WebhookURL(endpoint.URL+"/salesforge", "", token)
	_, err = client.CreateWebhook(ctx, salesforgetest.DefaultWorkspace, salesforge.Webhook{URL: hookURL, Type: salesforge.TypeEmailReplied})
	fmt.Println("webhook registered:", err == nil)

	// Salesforge reports the reply.
	body, _ := salesforgetest.Body(salesforgetest.Outcome{Type: salesforge.TypeEmailReplied, At: at.Add(time.Hour),
		EmailID: strings.Trim(rc.ProviderMessageID, "<>"), From: m.From.Address, To: m.To.Email, Text: "Not interested."}, "wh_1")
	_ = api.Post(ctx, hookURL, body)
	e := got[0].Message
	fmt.Println("event:", e.Type, e.From, e.ProviderMessageID == rc.ProviderMessageID, e.Body)
	res, _ := http.Post(endpoint.URL+"/salesforge", "application/json", strings.NewReader(string(body)))
	fmt.Println("without the token:", res.StatusCode)
	_ = res.Body.Close()

	// A suppression of the whole company goes to the DNC list.
	err = client.AddDNC(ctx, salesforgetest.DefaultWorkspace, []string{"buyer.example.org"})
	fmt.Println("dnc:", api.DNC(salesforgetest.DefaultWorkspace), err == nil)
	// Output:
	// sent: salesforge true
	// webhook registered: true
	// event: replied bo@buyer.example.org true Not interested.
	// without the token: 401
	// dnc: [buyer.example.org] true
}
