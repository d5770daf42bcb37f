package calendly_test

import (
	"fmt"
	"time"

	"github.com/outbound-go/outbound/adapters/calendly"
	"github.com/outbound-go/outbound/adapters/calendly/calendlytest"
)

// A booking made from the link the engine sent (utm_content={lead})
// decodes into a meeting event that names the lead.
func ExampleDecoder() {
	start := time.Date(2026, 3, 11, 23, 0, 0, 0, time.UTC)
	body, _ := calendlytest.Body(calendly.EventInviteeCreated, calendlytest.Invitee{
		URI: "https://api.calendly.com/scheduled_events/EV1/invitees/IN1", Name: "Ann Lee", Email: "ann@acme.com.au",
		EventName: "Intro call", Start: start, End: start.Add(30 * time.Minute),
		UTMContent: "5b0c1f2a-93b4-4f0e-8a61-2c4b9e7f1a30",
	}, start.Add(-48*time.Hour))
	events, _ := calendly.Decoder{}.Decode(nil, body)
	m := events[0].Meeting
	fmt.Println(m.Type, m.Email, m.Lead, m.Start.Format(time.RFC3339))
	// Output: booked ann@acme.com.au 5b0c1f2a-93b4-4f0e-8a61-2c4b9e7f1a30 2026-03-11T23:00:00Z
}
