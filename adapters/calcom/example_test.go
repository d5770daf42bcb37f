package calcom_test

import (
	"fmt"
	"time"

	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
)

// A booking made from the link the engine sent (metadata[lead]=…) decodes
// into a meeting event that names the lead.
func ExampleDecoder() {
	start := time.Date(2026, 3, 11, 23, 0, 0, 0, time.UTC)
	body, _ := calcomtest.Body(calcom.TriggerCreated, calcomtest.Booking{
		UID: "bk_7Qm2", Title: "Intro call", Start: start, End: start.Add(30 * time.Minute),
		Attendee: calcomtest.Person{Name: "Ann Lee", Email: "ann@acme.com.au"},
		Metadata: map[string]string{"lead": "5b0c1f2a-93b4-4f0e-8a61-2c4b9e7f1a30"},
	}, start.Add(-48*time.Hour), nil)
	events, _ := calcom.Decoder{}.Decode(nil, body)
	m := events[0].Meeting
	fmt.Println(m.Type, m.Booking, m.Email, m.Lead, m.Start.Format(time.RFC3339))
	// Output: booked bk_7Qm2 ann@acme.com.au 5b0c1f2a-93b4-4f0e-8a61-2c4b9e7f1a30 2026-03-11T23:00:00Z
}
