package fakes_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/examples/internal/fakes"
	"github.com/outbound-go/outbound/timing"
)

// Start every provider's fake, then send an email through the real SMTP
// adapter to the SMTP fake, and see it arrive.
func Example() {
	ctx := context.Background()
	set, err := fakes.Start(ctx, fakes.Options{Clock: timing.RealClock(), Webhooks: "http://127.0.0.1:9"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer set.Close()
	for _, ch := range set.Channels() {
		fmt.Println(ch.Kind())
	}
	_, err = set.Email.Send(ctx, &channel.Message{IdempotencyKey: "touch-1", Kind: channel.Email,
		From: channel.Sender{Address: "sam@agency.example"}, To: channel.Recipient{Name: "Ann", Email: "ann@lead.example"},
		Subject: "Hello", Body: "Hi Ann"})
	if err != nil {
		fmt.Println(err)
		return
	}
	got := set.SMTP.Messages()
	fmt.Println(len(got), got[0].To, strings.Contains(string(got[0].Data), "Subject: Hello"))
	// Output:
	// email
	// mail
	// voice
	// sms
	// linkedin
	// 1 [ann@lead.example] true
}
