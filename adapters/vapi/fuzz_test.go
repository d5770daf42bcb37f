package vapi_test

import (
	"errors"
	"testing"

	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// Any server message decodes to valid events or fails as a payload error,
// never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"message":{"type":"end-of-call-report","endedReason":"customer-busy","timestamp":1772442000000,"call":{"id":"c1","name":"t:k","customer":{"number":"+61412345678"}},"artifact":{"transcript":"User: stop calling me"}}}`,
		`{"message":{"type":"status-update","status":"ringing"}}`,
		`{"message":{"type":"end-of-call-report","timestamp":0,"call":{"id":"c1"}}}`,
		`{"message":{}}`, `[]`, `{"message":{"type":"end-of-call-report","call":null}}`,
	} {
		f.Add([]byte(s))
	}
	d := &vapi.Decoder{}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := d.Decode(nil, body)
		if err != nil {
			if !errors.Is(err, webhook.ErrPayload) {
				t.Fatalf("not a payload error: %v", err)
			}
			return
		}
		for _, in := range got {
			if in.Message == nil {
				t.Fatal("a non-message event")
			}
			if err := in.Message.Validate(); err != nil {
				t.Fatalf("invalid event: %v", err)
			}
		}
	})
}
