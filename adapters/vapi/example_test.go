package vapi_test

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/adapters/vapi/vapitest"
	"github.com/outbound-go/outbound/channel"
)

func Example() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fake := vapitest.NewServer(vapitest.Config{Now: func() time.Time { return now }})
	defer fake.Close()
	ch, err := vapi.New(vapi.Config{APIKey: fake.APIKey(), BaseURL: fake.URL(), AssistantID: "asst-1",
		PhoneNumbers: map[string]string{"+61280000000": "pn-1"}})
	if err != nil {
		panic(err)
	}
	m := channel.NewMessage("touch-1", channel.ActionCall)
	m.From = channel.Sender{Address: "+61280000000"}
	m.To = channel.Recipient{Name: "Ana Lima", Phone: "+61412345678"}
	m.Body = "Introduce yourself and ask for 15 minutes next week."
	rc, err := ch.Send(context.Background(), m)
	if err != nil {
		panic(err)
	}
	body, _ := fake.Report(rc.ProviderMessageID, "voicemail", "", "", now.Add(time.Minute))
	events, err := (&vapi.Decoder{}).Decode(nil, body)
	if err != nil {
		panic(err)
	}
	fmt.Println(channel.Describe(ch).Delivery, events[0].Message.Type, events[0].Message.IdempotencyKey)
	// Output: at_most_once call_voicemail touch-1
}
