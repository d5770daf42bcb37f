package stannp_test

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound/adapters/stannp"
	"github.com/outbound-go/outbound/adapters/stannp/stannptest"
	"github.com/outbound-go/outbound/channel"
)

func Example() {
	srv := stannptest.NewServer(stannptest.Config{})
	defer srv.Close()

	// In production: BaseURL stannp.EU or stannp.US and the account's key.
	ch, err := stannp.New(stannp.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Test: true})
	if err != nil {
		panic(err)
	}
	m := channel.NewMessage("touch-42", channel.ActionLetter)
	m.From = channel.Sender{ID: "res-1", Address: "stannp"}
	m.To = channel.Recipient{Name: "Ana Lima", Postal: channel.PostalAddress{
		Lines: []string{"1 High St"}, City: "Bristol", Postcode: "BS1 4DJ", Country: "GB"}}
	m.Body = "Dear Ana,\n\nHello."
	rc, err := ch.Send(context.Background(), m)
	if err != nil {
		panic(err)
	}
	fmt.Println(rc.Provider, rc.Status, srv.Delivered("touch-42"))
	fmt.Println(channel.Describe(ch).Delivery)
	// Output:
	// stannp accepted 1
	// at_most_once
}
