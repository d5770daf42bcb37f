package lob_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/lob/lobtest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

// realEvent is an event shaped as Lob posts it, from Lob's published
// example with a letter as its body.
func realEvent(id, typ, letterID, touch, at string) []byte {
	return fmt.Appendf(nil, `{
  "id": %q,
  "object": "event",
  "reference_id": %q,
  "date_created": %q,
  "event_type": {"id": %q, "resource": "letters", "enabled_for_test": false, "object": "event_type"},
  "body": {
    "id": %q, "object": "letter", "description": "touch %s",
    "metadata": {"touch": %q, "client": "cl-1", "n": 3},
    "to": {"id": "adr_8e783523dd7f0e70", "name": "Harry Zhang", "address_line1": "123 TEST ST",
      "address_city": "SAN FRANCISCO", "address_state": "CA", "address_zip": "94107",
      "address_country": "UNITED STATES", "object": "address"},
    "from": {"id": "adr_d2e26faf793ed422", "object": "address"},
    "carrier": "USPS", "mail_type": "usps_first_class", "color": false, "use_type": "marketing",
    "tracking_events": [{"id": "evnt_9e84094c9368cfb", "type": "normal", "name": "Delivered", "time": %q, "object": "tracking_event"}],
    "expected_delivery_date": "2026-03-09", "date_created": "2026-03-02T09:00:00.000Z", "date_modified": "2026-03-02T09:00:00.000Z"
  }
}`, id, letterID, at, typ, letterID, touch, touch, at)
}

func TestDecoderMapping(t *testing.T) {
	t.Parallel()
	at := "2026-03-07T14:03:11.512Z"
	when, _ := time.Parse(time.RFC3339Nano, at)
	cases := []struct {
		typ  string
		want channel.EventType
	}{
		{"letter.delivered", channel.EventDelivered},
		{"letter.processed_for_delivery", channel.EventDelivered},
		{"letter.certified.delivered", channel.EventDelivered},
		{"letter.returned_to_sender", channel.EventBounced},
		{"letter.certified.returned_to_sender", channel.EventBounced},
		{"letter.re-routed", ""},
		{"letter.created", ""},
		{"letter.mailed", ""},
		{"letter.in_transit", ""},
		{"letter.failed", ""},
		{"letter.rejected", ""},
		{"letter.viewed", ""},
		{"letter.return_envelope.delivered", ""},
		{"postcard.delivered", channel.EventDelivered},
		{"postcard.processed_for_delivery", channel.EventDelivered},
		{"postcard.returned_to_sender", channel.EventBounced},
		{"postcard.re-routed", ""},
		{"postcard.mailed", ""},
		{"check.delivered", ""},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			t.Parallel()
			got, err := lob.Decoder{}.Decode(nil, realEvent("evt_d95ff8ffd2b5cfb4", c.typ, "ltr_4868c3b754655f90", "touch-9", at))
			require.NoError(t, err)
			if c.want == "" {
				require.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			e := got[0].Message
			require.NotNil(t, e)
			require.Equal(t, &channel.Event{
				Provider: "lob", ProviderEventID: "evt_d95ff8ffd2b5cfb4", Type: c.want, Kind: channel.Mail,
				ProviderMessageID: "ltr_4868c3b754655f90", IdempotencyKey: "touch-9", At: when, Detail: c.typ,
				Metadata: map[string]string{"touch": "touch-9", "client": "cl-1"},
			}, e)
			require.NoError(t, got[0].Validate())
		})
	}
}

func TestDecoderRefusesMalformed(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"empty":            ``,
		"array":            `[{"id":"evt_1"}]`,
		"truncated":        `{"id":"evt_1","event_type":{"id":"letter.delivered"`,
		"no id":            `{"event_type":{"id":"letter.delivered"},"date_created":"2026-03-07T14:03:11Z","body":{"id":"ltr_1"}}`,
		"no type":          `{"id":"evt_1","date_created":"2026-03-07T14:03:11Z","body":{"id":"ltr_1"}}`,
		"type a number":    `{"id":"evt_1","event_type":7,"date_created":"2026-03-07T14:03:11Z","body":{"id":"ltr_1"}}`,
		"bad date":         `{"id":"evt_1","event_type":{"id":"letter.delivered"},"date_created":"yesterday","body":{"id":"ltr_1"}}`,
		"no letter":        `{"id":"evt_1","event_type":{"id":"letter.delivered"},"date_created":"2026-03-07T14:03:11Z"}`,
		"body not object":  `{"id":"evt_1","event_type":{"id":"letter.delivered"},"date_created":"2026-03-07T14:03:11Z","body":"ltr_1"}`,
		"id not a string":  `{"id":1,"event_type":{"id":"letter.delivered"}}`,
		"trailing garbage": `{"id":"evt_1","event_type":"letter.created"} x`,
	}
	for name, body := range cases {
		_, err := lob.Decoder{}.Decode(nil, []byte(body))
		require.ErrorIs(t, err, webhook.ErrPayload, name)
	}
	// A bare string event type and a reference_id in place of the body
	// are read.
	got, err := lob.Decoder{Provider: "lob/acme"}.Decode(nil, []byte(
		`{"id":"evt_2","event_type":"letter.returned_to_sender","reference_id":"ltr_2","date_created":"2026-03-07T14:03:11Z"}`))
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "ltr_2", got[0].Message.ProviderMessageID)
	require.Equal(t, "lob/acme", got[0].Message.Provider)
	require.Equal(t, channel.EventBounced, got[0].Message.Type)
}

// Deliveries through webhook.NewHandler: accepted once, redelivery
// harmless, refused signatures and bodies record nothing.
func TestWebhookThroughHandler(t *testing.T) {
	t.Parallel()
	now := start.Add(5 * 24 * time.Hour)
	srv := lobtest.NewServer(lobtest.Config{Now: func() time.Time { return now }})
	t.Cleanup(srv.Close)
	sink := &webhooktest.Sink{}
	h := newHandler(t, srv.WebhookSecret(), now, sink)
	body := realEvent("evt_0001", lob.EventDelivered, "ltr_0001", "touch-1", "2026-03-07T14:03:11.512Z")

	rec := post(h, signed(t, srv, body, now))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.JSONEq(t, `{"accepted":1}`, rec.Body.String())
	require.Len(t, sink.Events(), 1)
	require.Equal(t, "evt_0001", sink.Events()[0].Message.ProviderEventID)

	// Lob delivers again (our answer was lost): the same event ID, which
	// the sink records once.
	rec = post(h, signed(t, srv, body, now.Add(time.Minute)))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, 2, sink.Calls(), "the handler hands the redelivery on")
	require.Len(t, sink.Events(), 1, "and the sink records it once")

	refused := map[string]func() *http.Request{
		"missing signature": func() *http.Request {
			r := signed(t, srv, body, now)
			r.Header.Del(lob.SignatureHeader)
			return r
		},
		"missing timestamp": func() *http.Request {
			r := signed(t, srv, body, now)
			r.Header.Del(lob.TimestampHeader)
			return r
		},
		"wrong secret": func() *http.Request {
			r := signed(t, srv, body, now)
			sig, _ := lobtest.Sign("not the secret", body, now)
			r.Header.Set(lob.SignatureHeader, sig)
			return r
		},
		"body changed": func() *http.Request {
			r := signed(t, srv, body, now)
			sig, ts := srv.Sign(append([]byte(" "), body...), now)
			r.Header.Set(lob.SignatureHeader, sig)
			r.Header.Set(lob.TimestampHeader, ts)
			return r
		},
		"stale":           func() *http.Request { return signed(t, srv, body, now.Add(-6*time.Minute)) },
		"from the future": func() *http.Request { return signed(t, srv, body, now.Add(6*time.Minute)) },
	}
	for name, req := range refused {
		s := &webhooktest.Sink{}
		rec := post(newHandler(t, srv.WebhookSecret(), now, s), req())
		require.Equal(t, http.StatusUnauthorized, rec.Code, name)
		require.Zero(t, s.Calls(), name)
	}

	s := &webhooktest.Sink{}
	rec = post(newHandler(t, srv.WebhookSecret(), now, s), signed(t, srv, []byte(`{"id":`), now))
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Zero(t, s.Calls())

	// An event the engine has no use for is answered 200, sink untouched.
	s = &webhooktest.Sink{}
	rec = post(newHandler(t, srv.WebhookSecret(), now, s), signed(t, srv, realEvent("evt_2", "letter.re-routed", "ltr_1", "t", "2026-03-07T14:03:11Z"), now))
	require.Equal(t, http.StatusOK, rec.Code)
	require.JSONEq(t, `{"accepted":0}`, rec.Body.String())
	require.Zero(t, s.Calls())
}

// Lob's timestamp appears to be in milliseconds; seconds are accepted too.
func TestVerifierTimestampUnits(t *testing.T) {
	t.Parallel()
	now := start
	v, err := lob.NewVerifier(lob.VerifierConfig{Secrets: []string{"old", "new"}, Now: func() time.Time { return now }})
	require.NoError(t, err)
	body := []byte(`{"id":"evt_1"}`)
	for _, ts := range []string{strconv.FormatInt(now.UnixMilli(), 10), strconv.FormatInt(now.Unix(), 10)} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set(lob.TimestampHeader, ts)
		r.Header.Set(lob.SignatureHeader, hmacHex("old", ts+"."+string(body)))
		require.NoError(t, v.Verify(r, body), ts)
	}
	_, err = lob.NewVerifier(lob.VerifierConfig{})
	require.Error(t, err, "a verifier needs a secret")
}

// The fake's seeded outcomes reach a host's endpoint: every letter
// delivered 3 to 7 days after it was made or returned to sender, each event
// once, the same for the same seed.
func TestFakeDeliversSeededOutcomes(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) map[string]channel.EventType {
		now := start
		clock := func() time.Time { return now }
		srv := lobtest.NewServer(lobtest.Config{Now: clock, Model: &channeltest.Model{Seed: seed, Rates: channeltest.Rates{LetterDelivered: 0.7}}})
		defer srv.Close()
		sink := &webhooktest.Sink{}
		endpoint := httptest.NewServer(newHandlerClock(t, srv.WebhookSecret(), clock, sink))
		defer endpoint.Close()
		ch, err := lob.New(lob.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Now: clock})
		require.NoError(t, err)
		sent := map[string]time.Time{}
		for i := range 40 {
			rc, err := ch.Send(context.Background(), letterMessage(fmt.Sprintf("touch-seed-%d", i)))
			require.NoError(t, err)
			sent[rc.ProviderMessageID] = now
		}
		for range 15 { // fifteen days, a delivery run each day
			now = now.Add(24 * time.Hour)
			_, err := srv.DeliverDue(context.Background(), endpoint.URL)
			require.NoError(t, err)
		}
		n, err := srv.DeliverDue(context.Background(), endpoint.URL)
		require.NoError(t, err)
		require.Zero(t, n, "nothing is delivered twice once acknowledged")
		got := map[string]channel.EventType{}
		for _, in := range sink.Events() {
			e := in.Message
			_, dup := got[e.ProviderMessageID]
			require.False(t, dup, "one final event per letter")
			got[e.ProviderMessageID] = e.Type
			age := e.At.Sub(sent[e.ProviderMessageID])
			switch e.Type {
			case channel.EventDelivered:
				require.True(t, age >= 3*24*time.Hour && age <= 7*24*time.Hour, "delivered after %v", age)
			case channel.EventBounced:
				require.True(t, age >= 7*24*time.Hour && age <= 14*24*time.Hour, "returned after %v", age)
			}
			require.Regexp(t, `^touch-seed-\d+$`, e.IdempotencyKey)
		}
		require.Len(t, got, 40)
		return got
	}
	a := run(7)
	require.Equal(t, a, run(7), "the same seed gives the same outcomes")
	counts := map[channel.EventType]int{}
	for _, typ := range a {
		counts[typ]++
	}
	require.Positive(t, counts[channel.EventDelivered])
	require.Positive(t, counts[channel.EventBounced], "some letters come back")
}

// A delivery the endpoint refuses stays due, as Lob retries.
func TestFakeRetriesRefusedDeliveries(t *testing.T) {
	t.Parallel()
	now := start
	clock := func() time.Time { return now }
	srv := lobtest.NewServer(lobtest.Config{Now: clock})
	t.Cleanup(srv.Close)
	sink := &webhooktest.Sink{}
	endpoint := httptest.NewServer(newHandlerClock(t, srv.WebhookSecret(), clock, sink))
	t.Cleanup(endpoint.Close)
	ch, err := lob.New(lob.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Now: clock})
	require.NoError(t, err)
	rc, err := ch.Send(context.Background(), letterMessage("touch-retry"))
	require.NoError(t, err)
	now = now.Add(15 * 24 * time.Hour)
	sink.Fail(fmt.Errorf("store down"))
	n, err := srv.DeliverDue(context.Background(), endpoint.URL)
	require.Error(t, err, "the final event was refused")
	require.Equal(t, 1, n, "letter.mailed carries nothing the engine uses: answered 200 without the sink")
	sink.Fail(nil)
	n, err = srv.DeliverDue(context.Background(), endpoint.URL)
	require.NoError(t, err)
	require.Equal(t, len(srv.Outcomes(rc.ProviderMessageID))-1, n, "the refused event was due again")
	require.Len(t, sink.Events(), 1, "the final event, recorded once")
	var ev map[string]any
	body, err := srv.EventBody(srv.Outcomes(rc.ProviderMessageID)[1])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(body, &ev))
	require.Equal(t, "event", ev["object"])
}

func newHandlerClock(t *testing.T, secret string, now func() time.Time, sink webhook.Sink) http.Handler {
	t.Helper()
	v, err := lob.NewVerifier(lob.VerifierConfig{Secrets: []string{secret}, Now: now})
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Name: "lob", Verifier: v, Decoder: lob.Decoder{}, Sink: sink})
	require.NoError(t, err)
	return h
}
