package lob_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/webhook"
)

func hmacHex(secret, msg string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(msg))
	return hex.EncodeToString(mac.Sum(nil))
}

// FuzzDecode: whatever the body, Decode returns events that validate or
// an error wrapping webhook.ErrPayload, and never panics.
func FuzzDecode(f *testing.F) {
	at := "2026-03-07T14:03:11.512Z"
	for _, typ := range []string{lob.EventDelivered, lob.EventProcessedForDelivery, lob.EventReturnedToSender, lob.EventReRouted, "letter.created", "postcard.delivered"} {
		f.Add(realEvent("evt_d95ff8ffd2b5cfb4", typ, "ltr_4868c3b754655f90", "touch-1", at))
	}
	f.Add([]byte(`{"id":"evt_2","event_type":"letter.returned_to_sender","reference_id":"ltr_2","date_created":"2026-03-07T14:03:11Z"}`))
	f.Add([]byte(`{"id":"evt_3","event_type":{"id":"letter.delivered"},"date_created":"2026-03-07T14:03:11Z","body":{"id":"ltr_3","metadata":null}}`))
	f.Add([]byte(`{"id":"evt_4","event_type":{"id":"letter.delivered"},"date_created":"2026-03-07T14:03:11Z","body":{"id":"","metadata":{"touch":7}}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := lob.Decoder{}.Decode(nil, body)
		if err != nil {
			if !errors.Is(err, webhook.ErrPayload) {
				t.Fatalf("an error not wrapping ErrPayload: %v", err)
			}
			if got != nil {
				t.Fatalf("events with an error")
			}
			return
		}
		for _, in := range got {
			e := in.Message
			if e == nil || e.Provider != "lob" || e.ProviderEventID == "" || e.ProviderMessageID == "" || e.At.IsZero() {
				t.Fatalf("an incomplete event: %+v", e)
			}
			if e.Type != "delivered" && e.Type != "bounced" {
				t.Fatalf("an unexpected type %q", e.Type)
			}
		}
	})
}

// FuzzVerify: only the signature of the exact timestamp and body under the
// secret, within the tolerance, is accepted; everything else is an
// ErrSignature, never a panic or another error.
func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	body := `{"id":"evt_1","event_type":{"id":"letter.delivered"}}`
	f.Add(ms, hmacHex("secret", ms+"."+body), body)
	f.Add(strconv.FormatInt(now.Unix(), 10), hmacHex("secret", strconv.FormatInt(now.Unix(), 10)+"."+body), body)
	f.Add(ms, hmacHex("other", ms+"."+body), body)
	f.Add("", "", "")
	f.Add("-1", "zz", body)
	f.Add(strconv.FormatInt(now.Add(-time.Hour).UnixMilli(), 10), "00", body)
	v, err := lob.NewVerifier(lob.VerifierConfig{Secrets: []string{"secret"}, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, ts, sig, body string) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set(lob.TimestampHeader, ts)
		r.Header.Set(lob.SignatureHeader, sig)
		err := v.Verify(r, []byte(body))
		if err != nil {
			if !errors.Is(err, webhook.ErrSignature) {
				t.Fatalf("an error not wrapping ErrSignature: %v", err)
			}
			return
		}
		if !hmac.Equal([]byte(sig), []byte(hmacHex("secret", ts+"."+body))) {
			t.Fatalf("accepted a signature that is not the secret's over %q", ts)
		}
	})
}
