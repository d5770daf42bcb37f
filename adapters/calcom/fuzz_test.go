package calcom_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
)

// FuzzDecode: whatever arrives, the decoder never panics, and every event
// it returns is valid.
func FuzzDecode(f *testing.F) {
	for _, trigger := range []string{calcom.TriggerCreated, calcom.TriggerRescheduled, calcom.TriggerCancelled, "MEETING_ENDED"} {
		body, err := calcomtest.Body(trigger, booking(), at, map[string]string{"rescheduleUid": "bk_1", "cancellationReason": "x"})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"x","attendees":[{"email":"a@b.co"}]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := calcom.Decoder{}.Decode(nil, body)
		if err != nil {
			return
		}
		for _, in := range got {
			if err := in.Validate(); err != nil {
				t.Fatalf("invalid event %+v: %v", in.Meeting, err)
			}
		}
	})
}
