package calcom_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
	"github.com/outbound-go/outbound/adapters/webhook"
)

var (
	at    = time.Date(2026, 3, 9, 22, 15, 0, 0, time.UTC)
	start = time.Date(2026, 3, 11, 23, 0, 0, 0, time.UTC)
	lead  = outbound.LeadID{UUID: uuid.MustParse("5b0c1f2a-93b4-4f0e-8a61-2c4b9e7f1a30")}
)

func booking() calcomtest.Booking {
	return calcomtest.Booking{UID: "bk_7Qm2", Title: "Intro call between Sam and Ann Lee", Start: start, End: start.Add(30 * time.Minute),
		Attendee:  calcomtest.Person{Name: "Ann Lee", Email: "ann@acme.com.au", TimeZone: "Australia/Sydney"},
		Organizer: calcomtest.Person{Name: "Sam", Email: "sam@agency.example"},
		Location:  "https://cal.com/video/abc", Metadata: map[string]string{"lead": lead.String()}}
}

func decode(t *testing.T, trigger string, b calcomtest.Booking, extra map[string]string) []outbound.Inbound {
	t.Helper()
	body, err := calcomtest.Body(trigger, b, at, extra)
	require.NoError(t, err)
	got, err := calcom.Decoder{}.Decode(nil, body)
	require.NoError(t, err)
	return got
}

func TestDecode(t *testing.T) {
	t.Parallel()
	got := decode(t, calcom.TriggerCreated, booking(), nil)
	require.Len(t, got, 1)
	m := got[0].Meeting
	require.NotNil(t, m)
	require.NoError(t, m.Validate())
	require.Equal(t, outbound.MeetingEvent{Provider: "calcom", ProviderEventID: "BOOKING_CREATED:bk_7Qm2:2026-03-09T22:15:00.000Z",
		Type: outbound.MeetingBooked, Booking: "bk_7Qm2", Email: "ann@acme.com.au", Name: "Ann Lee", Lead: lead,
		Title: "Intro call between Sam and Ann Lee", Start: start, End: start.Add(30 * time.Minute), Organizer: "sam@agency.example",
		URL: "https://cal.com/video/abc", At: at}, *m)

	moved := booking()
	moved.UID, moved.Start, moved.End = "bk_9Zp4", start.Add(24*time.Hour), start.Add(24*time.Hour+30*time.Minute)
	got = decode(t, calcom.TriggerRescheduled, moved, map[string]string{"rescheduleUid": "bk_7Qm2"})
	require.Equal(t, outbound.MeetingBooked, got[0].Meeting.Type)
	require.Equal(t, "bk_9Zp4", got[0].Meeting.Booking)
	require.Equal(t, "bk_7Qm2", got[0].Meeting.Replaces)

	got = decode(t, calcom.TriggerCancelled, booking(), map[string]string{"cancellationReason": "Double booked"})
	require.Equal(t, outbound.MeetingCancelled, got[0].Meeting.Type)
	require.Equal(t, "Double booked", got[0].Meeting.Reason)

	for _, trigger := range []string{"BOOKING_REQUESTED", "MEETING_ENDED", "FORM_SUBMITTED", "BOOKING_PAID"} {
		require.Empty(t, decode(t, trigger, booking(), nil), trigger)
	}

	noLead := booking()
	noLead.Metadata = map[string]string{"lead": "not-a-uuid", "videoCallUrl": "https://meet.example.com/x"}
	noLead.Location = "Phone call"
	m = decode(t, calcom.TriggerCreated, noLead, nil)[0].Meeting
	require.True(t, m.Lead.IsZero(), "a lead ID that is not one is ignored: the lead is found by address")
	require.Equal(t, "https://meet.example.com/x", m.URL)
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not JSON":         `BOOKING_CREATED`,
		"an array":         `[{"triggerEvent":"BOOKING_CREATED"}]`,
		"no trigger":       `{"createdAt":"2026-03-09T22:15:00.000Z","payload":{}}`,
		"no uid":           `{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-03-09T22:15:00.000Z","payload":{"startTime":"2026-03-11T23:00:00Z","attendees":[{"email":"a@b.co"}]}}`,
		"no attendee":      `{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-03-09T22:15:00.000Z","payload":{"uid":"x","startTime":"2026-03-11T23:00:00Z","attendees":[]}}`,
		"no start":         `{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-03-09T22:15:00.000Z","payload":{"uid":"x","attendees":[{"email":"a@b.co"}]}}`,
		"bad createdAt":    `{"triggerEvent":"BOOKING_CREATED","createdAt":"yesterday","payload":{"uid":"x","startTime":"2026-03-11T23:00:00Z","attendees":[{"email":"a@b.co"}]}}`,
		"bad email":        `{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-03-09T22:15:00.000Z","payload":{"uid":"x","startTime":"2026-03-11T23:00:00Z","attendees":[{"email":"Ann <a@b.co>"}]}}`,
		"end before start": `{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-03-09T22:15:00.000Z","payload":{"uid":"x","startTime":"2026-03-11T23:00:00Z","endTime":"2026-03-11T22:00:00Z","attendees":[{"email":"a@b.co"}]}}`,
	} {
		_, err := calcom.Decoder{}.Decode(nil, []byte(body))
		require.ErrorIs(t, err, webhook.ErrPayload, name)
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	body, err := calcomtest.Body(calcom.TriggerCreated, booking(), at, nil)
	require.NoError(t, err)
	sender := &calcomtest.Sender{Secret: "whsec_cal"}
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler: func(t *testing.T, sink webhook.Sink) http.Handler {
			v, err := calcom.NewVerifier("whsec_old", "whsec_cal")
			require.NoError(t, err)
			h, err := webhook.NewHandler(webhook.Config{Name: "calcom", Verifier: v, Decoder: calcom.Decoder{}, Sink: sink})
			require.NoError(t, err)
			return h
		},
		Body:      body,
		Malformed: []byte(`{"triggerEvent": 7}`),
		Sign: func(t *testing.T, body []byte, _ time.Time) *http.Request {
			r, err := sender.Request(context.Background(), "http://127.0.0.1/webhooks/calcom", body)
			require.NoError(t, err)
			return r
		},
		Unsign: func(r *http.Request) { r.Header.Del(calcom.SignatureHeader) },
		Tamper: func(r *http.Request) { r.Header.Set(calcom.SignatureHeader, "no-secret-provided") },
		Now:    at,
	})
}

// The fake posts what Cal.com posts, and a webhook without a secret is
// refused.
func TestSenderDelivers(t *testing.T) {
	t.Parallel()
	var got []outbound.Inbound
	v, err := calcom.NewVerifier("whsec_cal")
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Verifier: v, Decoder: calcom.Decoder{},
		Sink: webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error { got = append(got, in...); return nil })})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	ok := &calcomtest.Sender{Secret: "whsec_cal"}
	code, err := ok.Book(context.Background(), srv.URL, booking(), at)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code)
	_, err = ok.Cancel(context.Background(), srv.URL, booking(), "Sick", at.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, outbound.MeetingCancelled, got[1].Meeting.Type)

	code, err = (&calcomtest.Sender{}).Book(context.Background(), srv.URL, booking(), at)
	require.Error(t, err)
	require.Equal(t, http.StatusUnauthorized, code, "a webhook without a secret is refused")
	require.Len(t, got, 2)
}

func TestNewVerifierRefuses(t *testing.T) {
	t.Parallel()
	_, err := calcom.NewVerifier()
	require.ErrorIs(t, err, outbound.ErrInvalid)
	_, err = calcom.NewVerifier("")
	require.ErrorContains(t, err, "secrets[0]")
	v, err := calcom.NewVerifier("s")
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(nil))
	r.Header.Set(calcom.SignatureHeader, calcomtest.Sign("s", []byte("{}")))
	require.NoError(t, v.Verify(r, []byte("{}")))
}
