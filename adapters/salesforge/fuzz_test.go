package salesforge_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// FuzzDecode feeds the decoder anything: it never panics, fails only with
// ErrPayload, every event it returns is valid, and the same body decodes
// to the same event IDs.
func FuzzDecode(f *testing.F) {
	for _, typ := range salesforge.WebhookTypes() {
		f.Add(documented(typ, ""))
	}
	f.Add(documented("email_bounced", `,"bounce":{"type":"soft","reason":"full"}`))
	f.Add(documented("positive_reply", `,"label":{"name":"x"},"reply":{"content":{"text":"hi"}}`))
	for _, s := range []string{`{}`, `null`, `{"webhookInfo":null}`, `{"webhookInfo":{"type":"dnc_added","eventTime":"2024-01-01T00:00:00Z"},"sequenceEmail":{"toEmail":" "}}`, `{"label":7}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := salesforge.Decoder{}.Decode(nil, body)
		if err != nil {
			require.True(t, errors.Is(err, webhook.ErrPayload), "%v", err)
			return
		}
		again, err := salesforge.Decoder{}.Decode(nil, body)
		require.NoError(t, err)
		require.Len(t, again, len(in))
		for i, e := range in {
			require.NoError(t, e.Validate())
			p1, id1 := e.Key()
			p2, id2 := again[i].Key()
			require.Equal(t, p1+id1, p2+id2)
		}
	})
}
