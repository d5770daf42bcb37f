package stannp_test

import (
	"errors"
	"testing"

	"github.com/outbound-go/outbound/adapters/stannp"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// FuzzDecode: the decoder never panics, fails only with ErrPayload, and
// every event it returns is valid.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"webhook_id":1,"event":"mailpiece_status","created":"2025-01-02 03:04:05","retries":0,"mailpieces":[{"id":5,"status":"delivered","tags":"touch:t-1"}]}`))
	f.Add([]byte(`{"event":"mailpiece_status","mailpieces":[{"id":"7","status":"returned","tags":["touch:x"],"updated":"2025-01-02T03:04:05Z"}]}`))
	f.Add([]byte(`{"event":"campaign_status"}`))
	f.Add([]byte(`{"event":"mailpiece_status","mailpieces":[{"status":"delivered"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := stannp.Decoder{}.Decode(nil, body)
		if err != nil {
			if !errors.Is(err, webhook.ErrPayload) {
				t.Fatalf("error not ErrPayload: %v", err)
			}
			return
		}
		for _, in := range got {
			if in.Message == nil {
				t.Fatal("nil event")
			}
			if err := in.Message.Validate(); err != nil {
				t.Fatalf("invalid event %+v: %v", in.Message, err)
			}
		}
	})
}
