package twilio_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/channel"
)

func Example() {
	fake := twiliotest.NewServer(twiliotest.Config{Now: func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }})
	defer fake.Close()
	tw, err := twilio.New(twilio.Config{AccountSID: fake.AccountSID(), AuthToken: fake.AuthToken(), BaseURL: fake.URL(),
		SMSStatusURL: "https://hooks.example.com/webhooks/twilio/sms-status"})
	if err != nil {
		panic(err)
	}
	m := channel.NewMessage("touch-1", channel.ActionSMS)
	m.From = channel.Sender{Address: "+61400000001"}
	m.To = channel.Recipient{Name: "Ana Lima", Phone: "+61412345678"}
	m.Body = "Hi Ana, Sam from Outpost. Worth a chat this week? Reply STOP to opt out"
	rc, err := tw.SMS().Send(context.Background(), m)
	if err != nil {
		panic(err)
	}
	// Twilio's status callback for the text, as the host's route decodes it.
	sent, _ := fake.Message(rc.ProviderMessageID)
	body := fake.StatusParams(sent, "undelivered", twilio.CodeUnknownDestination).Encode()
	events, err := (&twilio.Decoder{}).Decode(http.Header{}, []byte(body))
	if err != nil {
		panic(err)
	}
	fmt.Println(channel.Describe(tw.SMS()).Delivery, events[0].Message.Type, events[0].Message.Detail)
	// Output: at_most_once bounced undelivered 30005
}
