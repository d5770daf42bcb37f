// Package calendlytest is a fake Calendly for tests: it writes webhook
// deliveries as Calendly sends them (the envelope {event, created_at,
// created_by, payload} with the invitee and its scheduled event), signs
// them with Calendly-Webhook-Signature (t=<unix>,v1=<hex HMAC-SHA256 of
// t.body>) and delivers them to an endpoint.
package calendlytest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/outbound-go/outbound/adapters/calendly"
)

// Invitee is a booking the fake reports: who booked which event when.
type Invitee struct {
	// URI is the invitee's URI: the booking's ID
	// ("https://api.calendly.com/scheduled_events/EV1/invitees/IN1").
	URI   string
	Name  string
	Email string
	// EventName, Start, End and JoinURL are the scheduled event's.
	EventName string
	Start     time.Time
	End       time.Time
	JoinURL   string
	// Host is the host's address.
	Host string
	// UTMContent is what the booking link's utm_content carried (the
	// lead's ID), "" for none.
	UTMContent string
	// OldInvitee is the invitee a rescheduled booking replaces.
	OldInvitee string
	// Rescheduled marks a cancellation that is half of a reschedule.
	Rescheduled bool
	// CancelReason is a cancellation's reason.
	CancelReason string
}

// Body returns the delivery of event (calendly.EventInviteeCreated or
// EventInviteeCanceled) for in, created at at.
func Body(event string, in Invitee, at time.Time) ([]byte, error) {
	status := "active"
	var cancellation any
	if event == calendly.EventInviteeCanceled {
		status = "canceled"
		cancellation = map[string]string{"canceled_by": in.Name, "reason": in.CancelReason, "canceler_type": "invitee"}
	}
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	payload := map[string]any{
		"uri": in.URI, "email": in.Email, "name": in.Name, "first_name": nil, "last_name": nil, "status": status,
		"timezone": "Australia/Sydney", "event": in.URI[:max(0, len(in.URI)-len("/invitees/IN1"))],
		"rescheduled": in.Rescheduled, "old_invitee": str(in.OldInvitee), "new_invitee": nil,
		"cancel_url": "https://calendly.com/cancellations/IN1", "reschedule_url": "https://calendly.com/reschedulings/IN1",
		"cancellation": cancellation, "questions_and_answers": []any{},
		"tracking": map[string]any{"utm_campaign": nil, "utm_source": nil, "utm_medium": nil,
			"utm_content": str(in.UTMContent), "utm_term": nil, "salesforce_uuid": nil},
		"text_reminder_number": nil, "routing_form_submission": nil, "payment": nil, "no_show": nil,
		"scheduled_event": map[string]any{
			"uri": "https://api.calendly.com/scheduled_events/EV1", "name": in.EventName, "status": status,
			"start_time":        in.Start.UTC().Format("2006-01-02T15:04:05.000000Z"),
			"end_time":          in.End.UTC().Format("2006-01-02T15:04:05.000000Z"),
			"event_type":        "https://api.calendly.com/event_types/ET1",
			"location":          map[string]any{"type": "google_conference", "join_url": str(in.JoinURL)},
			"event_memberships": []map[string]string{{"user": "https://api.calendly.com/users/U1", "user_email": in.Host}},
		},
	}
	return json.Marshal(map[string]any{
		"event": event, "created_at": at.UTC().Format("2006-01-02T15:04:05.000000Z"),
		"created_by": "https://api.calendly.com/users/U1", "payload": payload,
	})
}

// Sign returns Calendly-Webhook-Signature's value for body signed at at
// with key.
func Sign(key string, body []byte, at time.Time) string {
	t := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(t + "."))
	m.Write(body)
	return "t=" + t + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Sender writes, signs and delivers Calendly's webhooks.
type Sender struct {
	// Key is the subscription's signing key.
	Key string
	// Client posts the deliveries. Default http.DefaultClient.
	Client *http.Client
}

// Request returns the POST of body to url, signed at at as Calendly signs.
func (s *Sender) Request(ctx context.Context, url string, body []byte, at time.Time) (*http.Request, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(calendly.SignatureHeader, Sign(s.Key, body, at))
	return r, nil
}

// Deliver posts the delivery of event for in, made and signed at at, to
// url, and returns the endpoint's status; anything but 2xx is an error.
func (s *Sender) Deliver(ctx context.Context, url, event string, in Invitee, at time.Time) (int, error) {
	body, err := Body(event, in, at)
	if err != nil {
		return 0, err
	}
	req, err := s.Request(ctx, url, body, at)
	if err != nil {
		return 0, err
	}
	c := s.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("calendlytest: %s answered %d", url, resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// Reschedule delivers a reschedule as Calendly does: invitee.canceled of
// old (rescheduled), then invitee.created of moved naming old.
func (s *Sender) Reschedule(ctx context.Context, url string, old, moved Invitee, at time.Time) error {
	old.Rescheduled = true
	if _, err := s.Deliver(ctx, url, calendly.EventInviteeCanceled, old, at); err != nil {
		return err
	}
	moved.OldInvitee = old.URI
	_, err := s.Deliver(ctx, url, calendly.EventInviteeCreated, moved, at)
	return err
}
