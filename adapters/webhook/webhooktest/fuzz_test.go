package webhooktest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
)

// FuzzDecoder feeds the decoder any body: it never panics, it refuses only
// with ErrPayload, and what it accepts encodes to a body that decodes to the
// same bytes again (the wire form is stable after one pass).
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{
		`{"events":[]}`,
		`{"events":[{"message":{"provider":"webhooktest","id":"ev_1","type":"opted_out","kind":"sms","from":"+61412345678","at":"2026-03-02T09:00:00Z","body":"STOP"}}]}`,
		`{"events":[{"billing":{"provider":"stripe","id":"evt_1","type":"payment_failed","customer":"cus_1","final":true,"amount":4900,"currency":"aud","at":"2026-03-02T09:00:00+11:00","metadata":{}}}]}`,
		`{"events":[{"provisioning":{"provider":"infraforge","id":"ev_2","type":"mailbox_created","kind":"mailbox","ref":"mbx_1","parent":"dom_1","address":"a@b.com","at":"2026-03-02T09:00:00Z"}}]}`,
		`{"events":[{},{"message":{"id":"1"},"billing":{"id":"2"}}]}`,
		`{"events":[{"message":{"metadata":{"touch":"t_1"}}}]}`,
		`{"events":null}`,
		`[1,2]`,
		"{\"events\":[{\"message\":{\"body\":\"\xff\"}}]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := webhooktest.Decoder{}.Decode(nil, body)
		if err != nil {
			require.ErrorIs(t, err, webhook.ErrPayload)
			return
		}
		for _, in := range events {
			_ = in.Validate() // must not panic, whatever was decoded
			_, _ = in.Key()
		}
		once, err := webhooktest.Encode(events...)
		if err != nil {
			// Only an instant that UTC moves out of years 0–9999, which
			// JSON cannot write, fails to encode.
			require.ErrorContains(t, err, "year outside of range")
			return
		}
		again, err := webhooktest.Decoder{}.Decode(nil, once)
		require.NoError(t, err)
		twice, err := webhooktest.Encode(again...)
		require.NoError(t, err)
		require.Equal(t, string(once), string(twice))
	})
}
