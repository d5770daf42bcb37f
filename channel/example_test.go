package channel_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// Validate an SMS before sending it: a commercial text needs an opt-out line,
// and one past a single segment comes back with a warning.
func ExampleValidate() {
	m := channel.NewMessage("touch-42", channel.ActionSMS)
	m.From = channel.Sender{ID: "number-1", Address: "+61400000001"}
	m.To = channel.Recipient{Name: "Ana", Phone: "+61412345678"}
	m.Body = "Hi Ana, it's Sam from Acme. Saw you're hiring SDRs in Sydney; we help teams like yours book 30% more meetings. Worth a quick chat this week? 😀"

	_, err := channel.Validate(m)
	fmt.Println(err)

	m.Body += " Reply STOP to opt out"
	warnings, err := channel.Validate(m)
	fmt.Println(err)
	fmt.Println(warnings)
	fmt.Println(channel.Segments(m.Body))
	// Output:
	// channel: Message.Body = "Hi Ana, it's Sam from Acme. Saw you're hiring SDRs in Sydney; w…": commercial sms needs an opt-out line (one of STOP, STOPALL, UNSUBSCRIBE, OPTOUT, OPT OUT)
	// <nil>
	// Body: takes 3 UCS-2 parts (165 units); each part is billed
	// 3 UCS-2 parts (165 units)
}

// Count SMS segments: GSM-7 text fits 160 septets in one part, an extension
// character such as € costs two, and one emoji switches the body to UCS-2.
func ExampleSegments() {
	fmt.Println(channel.Segments("Your demo is booked for 10am tomorrow."))
	fmt.Println(channel.Segments("Price: €49/month"))
	fmt.Println(channel.Segments("See you soon 👋"))
	// Output:
	// 1 GSM-7 part (38 septets)
	// 1 GSM-7 part (17 septets)
	// 1 UCS-2 part (15 units)
}

// An adapter classifies a provider failure; the engine finds the class
// through any wrapping.
func ExampleClassify() {
	providerErr := errors.New("HTTP 400: Attempt to send to unsubscribed recipient")
	err := fmt.Errorf("send touch-42: %w",
		&channel.Error{Class: channel.ClassOptedOut, Code: "21610", Provider: "twilio", Err: providerErr})

	var ce *channel.Error
	if errors.As(err, &ce) {
		fmt.Println(ce.Provider, ce.Code, ce.Class)
	}
	fmt.Println(channel.Classify(err), channel.IsPermanent(err), channel.IsOptedOut(err))
	fmt.Println(errors.Is(err, channel.ErrOptedOut))

	limited := fmt.Errorf("send: %w", channel.RateLimited(30*time.Second, errors.New("HTTP 429")))
	d, ok := channel.RetryAfter(limited)
	fmt.Println(channel.Classify(limited), channel.IsRetryable(limited), d, ok)

	fmt.Println(channel.Classify(errors.New("connection reset")))
	// Output:
	// twilio 21610 opted_out
	// opted_out true true
	// true
	// rate_limited true 30s true
	// retryable
}

// Read an inbound SMS for opt-out and opt-in keywords.
func ExampleParseKeyword() {
	for _, body := range []string{"STOP", " stop. ", "Stop please", "unstop", "ＳＴＯＰ"} {
		fmt.Printf("%q: %v\n", body, channel.ParseKeyword(body))
	}
	// Output:
	// "STOP": opt_out
	// " stop. ": opt_out
	// "Stop please": none
	// "unstop": opt_in
	// "ＳＴＯＰ": none
}
