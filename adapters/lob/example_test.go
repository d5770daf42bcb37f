package lob_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/lob/lobtest"
	"github.com/outbound-go/outbound/channel"
)

// Send a letter through the Lob fake, then send it again as the engine
// does after a lost answer: Lob keeps one letter.
func Example() {
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	srv := lobtest.NewServer(lobtest.Config{Now: now})
	defer srv.Close()

	ch, err := lob.New(lob.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Now: now})
	if err != nil {
		panic(err)
	}
	m := channel.NewMessage("touch-42", channel.ActionLetter)
	m.From = channel.Sender{ID: "res-7", Address: "adr_210a8d4b0b76d77b"}
	m.To = channel.Recipient{Name: "Harry Zhang", Postal: channel.PostalAddress{
		Lines: []string{"210 King St"}, City: "San Francisco", Region: "CA", Postcode: "94107", Country: "US",
	}}
	m.Body = "Dear Harry,\n\nA short note."

	first, err := ch.Send(context.Background(), m)
	if err != nil {
		panic(err)
	}
	again, err := ch.Send(context.Background(), m)
	if err != nil {
		panic(err)
	}
	fmt.Println(first.Provider, strings.HasPrefix(first.ProviderMessageID, "ltr_"), first.Status)
	fmt.Println("same letter:", first.ProviderMessageID == again.ProviderMessageID)
	fmt.Println("letters:", len(srv.Letters()))
	fmt.Println(channel.Describe(ch).Delivery)

	m.To.Postal.Postcode = ""
	m.IdempotencyKey = "touch-43"
	_, err = ch.Send(context.Background(), m)
	fmt.Println(channel.Classify(err), strings.Contains(err.Error(), "to.address_zip"))
	// Output:
	// lob true accepted
	// same letter: true
	// letters: 1
	// at_least_once
	// permanent true
}
