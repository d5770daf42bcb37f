package calendly_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/calendly"
	"github.com/outbound-go/outbound/adapters/calendly/calendlytest"
)

// FuzzDecode: whatever arrives, the decoder never panics, and every event
// it returns is valid.
func FuzzDecode(f *testing.F) {
	for _, ev := range []string{calendly.EventInviteeCreated, calendly.EventInviteeCanceled, "invitee_no_show.created"} {
		body, err := calendlytest.Body(ev, invitee(), at)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"event":"invitee.created","payload":{"uri":"u","email":"a@b.co","old_invitee":"u"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := calendly.Decoder{}.Decode(nil, body)
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
