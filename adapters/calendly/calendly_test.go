package calendly_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/calendly"
	"github.com/outbound-go/outbound/adapters/calendly/calendlytest"
	"github.com/outbound-go/outbound/adapters/webhook"
)

var (
	at    = time.Date(2026, 3, 9, 22, 15, 0, 0, time.UTC)
	start = time.Date(2026, 3, 11, 23, 0, 0, 0, time.UTC)
	lead  = outbound.LeadID{UUID: uuid.MustParse("5b0c1f2a-93b4-4f0e-8a61-2c4b9e7f1a30")}
)

const inviteeURI = "https://api.calendly.com/scheduled_events/EV1/invitees/IN1"

func invitee() calendlytest.Invitee {
	return calendlytest.Invitee{URI: inviteeURI, Name: "Ann Lee", Email: "ann@acme.com.au", EventName: "Intro call",
		Start: start, End: start.Add(30 * time.Minute), JoinURL: "https://meet.google.com/abc", Host: "sam@agency.example",
		UTMContent: lead.String()}
}

func decode(t *testing.T, event string, in calendlytest.Invitee) []outbound.Inbound {
	t.Helper()
	body, err := calendlytest.Body(event, in, at)
	require.NoError(t, err)
	got, err := calendly.Decoder{}.Decode(nil, body)
	require.NoError(t, err)
	return got
}

func TestDecode(t *testing.T) {
	t.Parallel()
	got := decode(t, calendly.EventInviteeCreated, invitee())
	require.Len(t, got, 1)
	require.Equal(t, outbound.MeetingEvent{Provider: "calendly",
		ProviderEventID: "invitee.created:" + inviteeURI + ":2026-03-09T22:15:00.000000Z", Type: outbound.MeetingBooked,
		Booking: inviteeURI, Email: "ann@acme.com.au", Name: "Ann Lee", Lead: lead, Title: "Intro call",
		Start: start, End: start.Add(30 * time.Minute), Organizer: "sam@agency.example", URL: "https://meet.google.com/abc", At: at},
		*got[0].Meeting)

	moved := invitee()
	moved.URI, moved.OldInvitee = "https://api.calendly.com/scheduled_events/EV2/invitees/IN2", inviteeURI
	got = decode(t, calendly.EventInviteeCreated, moved)
	require.Equal(t, inviteeURI, got[0].Meeting.Replaces)

	cancelled := invitee()
	cancelled.CancelReason = "Something came up"
	got = decode(t, calendly.EventInviteeCanceled, cancelled)
	require.Equal(t, outbound.MeetingCancelled, got[0].Meeting.Type)
	require.Equal(t, "Something came up", got[0].Meeting.Reason)

	half := invitee()
	half.Rescheduled = true
	require.Empty(t, decode(t, calendly.EventInviteeCanceled, half), "the cancelled half of a reschedule")
	require.Empty(t, decode(t, "invitee_no_show.created", invitee()))
	require.Empty(t, decode(t, "routing_form_submission.created", invitee()))

	noLead := invitee()
	noLead.UTMContent = "spring-campaign"
	require.True(t, decode(t, calendly.EventInviteeCreated, noLead)[0].Meeting.Lead.IsZero())
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not JSON":      `invitee.created`,
		"no event":      `{"created_at":"2026-03-09T22:15:00Z","payload":{}}`,
		"no uri":        `{"event":"invitee.created","created_at":"2026-03-09T22:15:00Z","payload":{"email":"a@b.co","scheduled_event":{"start_time":"2026-03-11T23:00:00Z"}}}`,
		"no email":      `{"event":"invitee.created","created_at":"2026-03-09T22:15:00Z","payload":{"uri":"u","scheduled_event":{"start_time":"2026-03-11T23:00:00Z"}}}`,
		"no start":      `{"event":"invitee.created","created_at":"2026-03-09T22:15:00Z","payload":{"uri":"u","email":"a@b.co"}}`,
		"bad start":     `{"event":"invitee.created","created_at":"2026-03-09T22:15:00Z","payload":{"uri":"u","email":"a@b.co","scheduled_event":{"start_time":"soon"}}}`,
		"no created_at": `{"event":"invitee.created","payload":{"uri":"u","email":"a@b.co","scheduled_event":{"start_time":"2026-03-11T23:00:00Z"}}}`,
		"wrong types":   `{"event":"invitee.created","created_at":"2026-03-09T22:15:00Z","payload":{"uri":7}}`,
	} {
		_, err := calendly.Decoder{}.Decode(nil, []byte(body))
		require.ErrorIs(t, err, webhook.ErrPayload, name)
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	body, err := calendlytest.Body(calendly.EventInviteeCreated, invitee(), at)
	require.NoError(t, err)
	sender := &calendlytest.Sender{Key: "key_new"}
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler: func(t *testing.T, sink webhook.Sink) http.Handler {
			v, err := calendly.NewVerifier(calendly.VerifierConfig{SigningKeys: []string{"key_old", "key_new"}, Now: func() time.Time { return at }})
			require.NoError(t, err)
			h, err := webhook.NewHandler(webhook.Config{Name: "calendly", Verifier: v, Decoder: calendly.Decoder{}, Sink: sink})
			require.NoError(t, err)
			return h
		},
		Body:      body,
		Malformed: []byte(`{"event":"invitee.created","payload":[]}`),
		Sign: func(t *testing.T, body []byte, signedAt time.Time) *http.Request {
			r, err := sender.Request(context.Background(), "http://127.0.0.1/webhooks/calendly", body, signedAt)
			require.NoError(t, err)
			return r
		},
		Unsign: func(r *http.Request) { r.Header.Del(calendly.SignatureHeader) },
		Tamper: func(r *http.Request) {
			r.Header.Set(calendly.SignatureHeader, calendlytest.Sign("key_other", body, at))
		},
		Now:        at,
		StaleAfter: calendly.DefaultTolerance,
	})
}

// A reschedule as Calendly sends it (the old booking cancelled as
// rescheduled, the new one created naming it) reaches the engine as one
// booking that replaces another.
func TestSenderReschedules(t *testing.T) {
	t.Parallel()
	var got []outbound.Inbound
	v, err := calendly.NewVerifier(calendly.VerifierConfig{SigningKeys: []string{"key"}, Now: func() time.Time { return at }})
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Verifier: v, Decoder: calendly.Decoder{},
		Sink: webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error { got = append(got, in...); return nil })})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	s := &calendlytest.Sender{Key: "key"}
	moved := invitee()
	moved.URI = "https://api.calendly.com/scheduled_events/EV2/invitees/IN2"
	require.NoError(t, s.Reschedule(context.Background(), srv.URL, invitee(), moved, at))
	require.Len(t, got, 1)
	require.Equal(t, outbound.MeetingBooked, got[0].Meeting.Type)
	require.Equal(t, inviteeURI, got[0].Meeting.Replaces)

	code, err := (&calendlytest.Sender{Key: "key"}).Deliver(context.Background(), srv.URL, calendly.EventInviteeCreated, invitee(), at.Add(-10*time.Minute))
	require.Error(t, err)
	require.Equal(t, http.StatusUnauthorized, code, "a delivery signed long ago is refused")
}

func TestNewVerifierRefuses(t *testing.T) {
	t.Parallel()
	_, err := calendly.NewVerifier(calendly.VerifierConfig{})
	require.ErrorIs(t, err, outbound.ErrInvalid)
	_, err = calendly.NewVerifier(calendly.VerifierConfig{SigningKeys: []string{"k"}, Tolerance: -time.Second})
	require.ErrorContains(t, err, "Tolerance")
}
