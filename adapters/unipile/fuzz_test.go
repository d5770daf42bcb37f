package unipile_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// FuzzDecode feeds the decoder anything: it never panics, fails only with
// ErrPayload, every event it returns is valid, and the same body decodes
// to the same event IDs.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{relationBody, replyBody, ownBody, status("CREDENTIALS"), status("OK"), status("SYNC_SUCCESS"),
		`{"event":"message_read","account_id":"a"}`, `{}`, `null`, `{"AccountStatus":null}`, `{"is_sender":2}`} {
		f.Add([]byte(s))
	}
	d, err := unipile.NewDecoder(unipile.DecoderConfig{Now: func() time.Time { return start }})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := d.Decode(nil, body)
		if err != nil {
			require.True(t, errors.Is(err, webhook.ErrPayload), "%v", err)
			return
		}
		again, err := d.Decode(nil, body)
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
