// Package calcomtest is a fake Cal.com for tests: it writes booking
// webhooks as Cal.com sends them (the "v2021-10-20" payload: triggerEvent,
// createdAt, and the booking with its attendees, organizer, times, uid
// and metadata), signs them with X-Cal-Signature-256 as Cal.com does, and
// delivers them to an endpoint.
package calcomtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// Person is an attendee or the organizer.
type Person struct {
	Name     string
	Email    string
	TimeZone string // IANA; default "UTC"
}

// Booking is a booking the fake reports.
type Booking struct {
	UID       string
	Title     string
	Start     time.Time
	End       time.Time
	Attendee  Person
	Organizer Person
	// Location is where it happens (a URL for a video call).
	Location string
	// Metadata is what the booking link carried (metadata[lead]=…) and
	// Cal.com's own keys (videoCallUrl).
	Metadata map[string]string
}

// Sender writes, signs and delivers Cal.com's webhooks.
type Sender struct {
	// Secret signs every delivery; "" sends "no-secret-provided", as
	// Cal.com does for a webhook without one.
	Secret string
	// Client posts the deliveries. Default http.DefaultClient.
	Client *http.Client
}

// Body returns the delivery of trigger for b, created at at. Cancellation
// reason and rescheduled uid go in extra's keys "cancellationReason" and
// "rescheduleUid".
func Body(trigger string, b Booking, at time.Time, extra map[string]string) ([]byte, error) {
	tz := func(p Person) string {
		if p.TimeZone == "" {
			return "UTC"
		}
		return p.TimeZone
	}
	status := "ACCEPTED"
	if trigger == calcom.TriggerCancelled {
		status = "CANCELLED"
	}
	meta := map[string]string{}
	for k, v := range b.Metadata {
		meta[k] = v
	}
	payload := map[string]any{
		"type": "intro", "title": b.Title, "description": "", "additionalNotes": "",
		"startTime": b.Start.UTC().Format(time.RFC3339), "endTime": b.End.UTC().Format(time.RFC3339),
		"organizer": map[string]any{"id": 1, "name": b.Organizer.Name, "email": b.Organizer.Email, "username": "host",
			"timeZone": tz(b.Organizer), "language": map[string]string{"locale": "en"}},
		"attendees": []map[string]any{{"email": b.Attendee.Email, "name": b.Attendee.Name, "timeZone": tz(b.Attendee),
			"language": map[string]string{"locale": "en"}}},
		"uid": b.UID, "bookingId": 1, "eventTypeId": 1, "location": b.Location, "metadata": meta, "status": status,
		"length": int(b.End.Sub(b.Start).Minutes()),
		"responses": map[string]any{
			"name":  map[string]string{"label": "your_name", "value": b.Attendee.Name},
			"email": map[string]string{"label": "email_address", "value": b.Attendee.Email},
		},
	}
	for k, v := range extra {
		payload[k] = v
	}
	return json.Marshal(map[string]any{
		"triggerEvent": trigger,
		"createdAt":    at.UTC().Format("2006-01-02T15:04:05.000Z"),
		"payload":      payload,
	})
}

// Sign returns X-Cal-Signature-256's value for body: the hex HMAC-SHA256
// under secret, or "no-secret-provided" without one.
func Sign(secret string, body []byte) string {
	if secret == "" {
		return "no-secret-provided"
	}
	return webhook.SignBody(secret, body)
}

// Request returns the signed POST of body to url, as Cal.com makes it.
func (s *Sender) Request(ctx context.Context, url string, body []byte) (*http.Request, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(calcom.SignatureHeader, Sign(s.Secret, body))
	r.Header.Set("X-Cal-Webhook-Version", "2021-10-20")
	return r, nil
}

// Deliver posts the delivery of trigger for b to url and returns the
// endpoint's status. Cal.com follows no redirect: a 3xx is an error.
func (s *Sender) Deliver(ctx context.Context, url, trigger string, b Booking, at time.Time, extra map[string]string) (int, error) {
	body, err := Body(trigger, b, at, extra)
	if err != nil {
		return 0, err
	}
	req, err := s.Request(ctx, url, body)
	if err != nil {
		return 0, err
	}
	c := s.Client
	if c == nil {
		c = http.DefaultClient
	}
	noRedirect := *c
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("calcomtest: %s answered %d", url, resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// Book delivers BOOKING_CREATED.
func (s *Sender) Book(ctx context.Context, url string, b Booking, at time.Time) (int, error) {
	return s.Deliver(ctx, url, calcom.TriggerCreated, b, at, nil)
}

// Reschedule delivers BOOKING_RESCHEDULED of moved, which replaces the
// booking of uid old.
func (s *Sender) Reschedule(ctx context.Context, url, old string, moved Booking, at time.Time) (int, error) {
	return s.Deliver(ctx, url, calcom.TriggerRescheduled, moved, at, map[string]string{"rescheduleUid": old})
}

// Cancel delivers BOOKING_CANCELLED of b with reason.
func (s *Sender) Cancel(ctx context.Context, url string, b Booking, reason string, at time.Time) (int, error) {
	return s.Deliver(ctx, url, calcom.TriggerCancelled, b, at, map[string]string{"cancellationReason": reason})
}
