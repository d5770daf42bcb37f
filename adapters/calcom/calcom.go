package calcom

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// DefaultProvider names Cal.com in the meetings and events it reports.
const DefaultProvider = "calcom"

// SignatureHeader holds the lower-case hex HMAC-SHA256, under the
// webhook's secret, of the raw body. Cal.com signs no timestamp.
const SignatureHeader = "X-Cal-Signature-256"

// NewVerifier returns the webhook.Verifier of Cal.com's signature:
// SignatureHeader must hold the hex HMAC-SHA256 of the body under one of
// secrets (more than one lets a secret be rotated). A webhook configured
// without a secret sends "no-secret-provided", which fails like any other
// bad signature (401): a secret is required. With no time signed a
// delivery cannot be refused as stale; the engine's deduplication by event
// ID makes a replay harmless.
func NewVerifier(secrets ...string) (*webhook.BodyHMACVerifier, error) {
	return webhook.NewBodyHMACVerifier("calcom", SignatureHeader, secrets...)
}

// The triggers the Decoder reads; every other decodes to none.
const (
	TriggerCreated     = "BOOKING_CREATED"
	TriggerRescheduled = "BOOKING_RESCHEDULED"
	TriggerCancelled   = "BOOKING_CANCELLED"
)

// MetadataLead is the booking metadata key that carries the lead's ID: a
// booking link "https://cal.com/acme/intro?metadata[lead]={lead}" (see
// outbound.Client.BookingURL) brings it back with the booking.
const MetadataLead = "lead"

// Decoder turns Cal.com's webhook deliveries into meeting events: a
// webhook.Decoder.
//
//   - BOOKING_CREATED is a booked meeting;
//   - BOOKING_RESCHEDULED is a booked meeting that replaces the booking
//     named by rescheduleUid;
//   - BOOKING_CANCELLED is a cancelled one, with its cancellationReason;
//   - every other trigger (BOOKING_REQUESTED, MEETING_ENDED,
//     FORM_SUBMITTED, …) decodes to none, which the handler answers 200.
//
// Each event carries the first attendee's address and name, the booking's
// uid, title, start and end, the organizer's address, the video link
// (metadata.videoCallUrl, else a location that is a URL), the lead's ID
// from metadata.lead when it is one, and the delivery's createdAt as At.
// Cal.com gives a delivery no ID: the event's ID is the trigger, the uid
// and createdAt, the same on every redelivery.
//
// A body that is not a JSON object with a triggerEvent, or a booking
// without a uid, an attendee's address, a start (to book) or a createdAt,
// fails with an error wrapping webhook.ErrPayload (400).
type Decoder struct {
	// Provider names the Cal.com account. Default DefaultProvider.
	Provider string
}

var _ webhook.Decoder = Decoder{}

// envelope is a delivery, as much as the decoder reads.
type envelope struct {
	TriggerEvent string  `json:"triggerEvent"`
	CreatedAt    string  `json:"createdAt"`
	Payload      booking `json:"payload"`
}

// booking is the payload of a booking trigger.
type booking struct {
	UID                string         `json:"uid"`
	Title              string         `json:"title"`
	StartTime          string         `json:"startTime"`
	EndTime            string         `json:"endTime"`
	Location           string         `json:"location"`
	Organizer          person         `json:"organizer"`
	Attendees          []person       `json:"attendees"`
	Metadata           map[string]any `json:"metadata"`
	RescheduleUID      string         `json:"rescheduleUid"`
	CancellationReason string         `json:"cancellationReason"`
}

type person struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	TimeZone string `json:"timeZone"`
}

// Decode implements webhook.Decoder. The header is not used.
func (d Decoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	provider := d.Provider
	if provider == "" {
		provider = DefaultProvider
	}
	var env envelope
	if err := adapterkit.DecodeObject(body, &env); err != nil {
		return nil, err
	}
	if env.TriggerEvent == "" {
		return nil, fmt.Errorf("%w: no triggerEvent", webhook.ErrPayload)
	}
	var typ outbound.MeetingEventType
	switch env.TriggerEvent {
	case TriggerCreated, TriggerRescheduled:
		typ = outbound.MeetingBooked
	case TriggerCancelled:
		typ = outbound.MeetingCancelled
	default:
		return nil, nil
	}
	p := env.Payload
	bad := func(field, why string) error { return adapterkit.PayloadError(field, errors.New(why)) }
	at, err := adapterkit.ParseInstant(env.CreatedAt)
	if err != nil {
		return nil, bad("createdAt", err.Error())
	}
	if strings.TrimSpace(p.UID) == "" {
		return nil, bad("payload.uid", "missing")
	}
	if len(p.Attendees) == 0 || strings.TrimSpace(p.Attendees[0].Email) == "" {
		return nil, bad("payload.attendees[0].email", "missing")
	}
	e := &outbound.MeetingEvent{
		Provider: provider, ProviderEventID: env.TriggerEvent + ":" + p.UID + ":" + env.CreatedAt, Type: typ,
		Booking: p.UID, Email: strings.TrimSpace(p.Attendees[0].Email), Name: strings.TrimSpace(p.Attendees[0].Name),
		Title: p.Title, Organizer: strings.TrimSpace(p.Organizer.Email), Reason: p.CancellationReason, At: at,
	}
	if env.TriggerEvent == TriggerRescheduled && p.RescheduleUID != p.UID {
		e.Replaces = p.RescheduleUID
	}
	if p.StartTime != "" || typ == outbound.MeetingBooked {
		if e.Start, err = adapterkit.ParseInstant(p.StartTime); err != nil {
			return nil, bad("payload.startTime", err.Error())
		}
	}
	if p.EndTime != "" {
		if e.End, err = adapterkit.ParseInstant(p.EndTime); err != nil {
			return nil, bad("payload.endTime", err.Error())
		}
	}
	if v, ok := p.Metadata["videoCallUrl"].(string); ok && isURL(v) {
		e.URL = v
	} else if isURL(p.Location) {
		e.URL = p.Location
	}
	if v, ok := p.Metadata[MetadataLead].(string); ok {
		if id, err := outbound.ParseID[outbound.LeadID](strings.TrimSpace(v)); err == nil {
			e.Lead = id
		}
	}
	return adapterkit.Meeting(e)
}

// isURL reports whether s is an http(s) URL.
func isURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
