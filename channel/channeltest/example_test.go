package channeltest_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

// Script a rate limit, then watch the fake deliver a retried touch once.
func ExampleFake() {
	f, err := channeltest.New(channel.SMS, &channeltest.Config{Provider: "twilio"})
	if err != nil {
		panic(err)
	}
	f.Script(channeltest.Fail(channel.RateLimited(time.Minute, errors.New("HTTP 429"))))

	m := channel.NewMessage("touch-7", channel.ActionSMS)
	m.From = channel.Sender{ID: "number-1", Address: "+61400000001"}
	m.To = channel.Recipient{Phone: "+61412345678"}
	m.Body = "Hi Ana, Sam here. Reply STOP to opt out"

	ctx := context.Background()
	_, err = f.Send(ctx, m)
	d, _ := channel.RetryAfter(err)
	fmt.Println(channel.Classify(err), d)

	r1, _ := f.Send(ctx, m) // the retry
	r2, _ := f.Send(ctx, m) // a duplicate: same key, same receipt
	fmt.Println(r1.ProviderMessageID, r1 == r2)
	fmt.Println(f.Count(), "delivered in", len(f.Attempts()), "attempts")
	// Output:
	// rate_limited 1m0s
	// twilio-touch-7 true
	// 1 delivered in 3 attempts
}

// A seeded model decides what happens after a send, the same way every run;
// over many calls the outcomes follow the default rates (printed to the
// nearest 5 %).
func ExampleModel() {
	model := &channeltest.Model{Seed: 1}
	sentAt := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	counts := map[channel.EventType]int{}
	for i := range 10000 {
		m := channel.NewMessage(fmt.Sprintf("call-%d", i), channel.ActionCall)
		for _, e := range model.Events(m, channel.Receipt{Provider: "fake"}, sentAt) {
			counts[e.Type]++
		}
	}
	for _, t := range []channel.EventType{channel.EventCallAnswered, channel.EventCallVoicemail,
		channel.EventCallBusy, channel.EventCallNoAnswer} {
		fmt.Printf("%s ~%.0f%%\n", t, math.Round(float64(counts[t])/10000*20)*5)
	}
	// Output:
	// call_answered ~15%
	// call_voicemail ~35%
	// call_busy ~10%
	// call_no_answer ~40%
}
