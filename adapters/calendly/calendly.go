package calendly

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// DefaultProvider names Calendly in the meetings and events it reports.
const DefaultProvider = "calendly"

// SignatureHeader holds "t=<unix seconds>,v1=<hex>": the hex HMAC-SHA256,
// under the subscription's signing key, of t, ".", and the raw body.
const SignatureHeader = "Calendly-Webhook-Signature"

// DefaultTolerance is how far the signing time may be from now: 3
// minutes, as Calendly's sample verifier allows.
const DefaultTolerance = 3 * time.Minute

// VerifierConfig builds Calendly's webhook verifier.
type VerifierConfig struct {
	// SigningKeys are the webhook subscriptions' signing keys (Calendly
	// shows a key once, when the subscription is created). A signature
	// made with any of them is accepted, so one can be rotated. At least
	// one; none may be empty. Never logged.
	SigningKeys []string
	// Tolerance is how far the signing time may be from now. Default
	// DefaultTolerance.
	Tolerance time.Duration
	// Now tells the time. Default the real clock.
	Now func() time.Time
}

// NewVerifier returns the webhook.Verifier of Calendly's signature:
// SignatureHeader's v1 must be the hex HMAC-SHA256 of its t, ".", and the
// raw body under one of the keys, and t within the tolerance of now. A
// missing, malformed or wrong signature fails with an error wrapping
// webhook.ErrSignature, a stale one with webhook.ErrStale; the handler
// answers 401. It is a *webhook.HMACVerifier with Calendly's header.
func NewVerifier(cfg VerifierConfig) (*webhook.HMACVerifier, error) {
	tol := cfg.Tolerance
	if tol == 0 {
		tol = DefaultTolerance
	}
	return webhook.NewHMACVerifier(webhook.HMACConfig{Header: SignatureHeader, Secrets: cfg.SigningKeys, Tolerance: tol, Now: cfg.Now})
}

// The events the Decoder reads; every other decodes to none.
const (
	EventInviteeCreated  = "invitee.created"
	EventInviteeCanceled = "invitee.canceled"
)

// Decoder turns Calendly's webhook deliveries into meeting events: a
// webhook.Decoder.
//
//   - invitee.created is a booked meeting; one that names an old_invitee
//     (a reschedule) replaces that invitee's booking;
//   - invitee.canceled is a cancelled one, with the cancellation's reason,
//     except when it says rescheduled: Calendly then sends the new
//     booking's invitee.created as well, which replaces this one, so the
//     cancellation half decodes to none;
//   - every other event (invitee_no_show.*, routing_form_submission.*,
//     …) decodes to none, which the handler answers 200.
//
// A booking is the invitee (its URI is the booking ID): its address and
// name, the scheduled event's name, start, end and join URL, the first
// host's address, and the lead's ID from tracking.utm_content when it is
// one (a booking link "https://calendly.com/acme/intro?utm_content={lead}",
// see outbound.Client.BookingURL). Calendly gives a delivery no ID: the
// event's ID is the event, the invitee URI and created_at, the same on
// every redelivery.
//
// A body that is not a JSON object with an event, or an invitee without a
// URI, an address, a start (to book) or a created_at, fails with an error
// wrapping webhook.ErrPayload (400).
type Decoder struct {
	// Provider names the Calendly organization. Default DefaultProvider.
	Provider string
}

var _ webhook.Decoder = Decoder{}

type envelope struct {
	Event     string  `json:"event"`
	CreatedAt string  `json:"created_at"`
	Payload   invitee `json:"payload"`
}

type invitee struct {
	URI          string  `json:"uri"`
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	Rescheduled  bool    `json:"rescheduled"`
	OldInvitee   *string `json:"old_invitee"`
	Cancellation *struct {
		Reason string `json:"reason"`
	} `json:"cancellation"`
	Tracking *struct {
		UTMContent *string `json:"utm_content"`
	} `json:"tracking"`
	ScheduledEvent *struct {
		Name      string `json:"name"`
		StartTime string `json:"start_time"`
		EndTime   string `json:"end_time"`
		Location  *struct {
			JoinURL string `json:"join_url"`
		} `json:"location"`
		Memberships []struct {
			UserEmail string `json:"user_email"`
		} `json:"event_memberships"`
	} `json:"scheduled_event"`
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
	if env.Event == "" {
		return nil, fmt.Errorf("%w: no event", webhook.ErrPayload)
	}
	p := env.Payload
	var typ outbound.MeetingEventType
	switch {
	case env.Event == EventInviteeCreated:
		typ = outbound.MeetingBooked
	case env.Event == EventInviteeCanceled && !p.Rescheduled:
		typ = outbound.MeetingCancelled
	default:
		return nil, nil
	}
	bad := func(field, why string) error { return adapterkit.PayloadError(field, errors.New(why)) }
	at, err := adapterkit.ParseInstant(env.CreatedAt)
	if err != nil {
		return nil, bad("created_at", err.Error())
	}
	if strings.TrimSpace(p.URI) == "" {
		return nil, bad("payload.uri", "missing")
	}
	if strings.TrimSpace(p.Email) == "" {
		return nil, bad("payload.email", "missing")
	}
	e := &outbound.MeetingEvent{
		Provider: provider, ProviderEventID: env.Event + ":" + p.URI + ":" + env.CreatedAt, Type: typ,
		Booking: p.URI, Email: strings.TrimSpace(p.Email), Name: strings.TrimSpace(p.Name), At: at,
	}
	if typ == outbound.MeetingBooked && p.OldInvitee != nil && *p.OldInvitee != p.URI {
		e.Replaces = *p.OldInvitee
	}
	if p.Cancellation != nil {
		e.Reason = p.Cancellation.Reason
	}
	if p.Tracking != nil && p.Tracking.UTMContent != nil {
		if id, err := outbound.ParseID[outbound.LeadID](strings.TrimSpace(*p.Tracking.UTMContent)); err == nil {
			e.Lead = id
		}
	}
	if se := p.ScheduledEvent; se != nil {
		e.Title = se.Name
		if se.StartTime != "" {
			if e.Start, err = adapterkit.ParseInstant(se.StartTime); err != nil {
				return nil, bad("payload.scheduled_event.start_time", err.Error())
			}
		}
		if se.EndTime != "" {
			if e.End, err = adapterkit.ParseInstant(se.EndTime); err != nil {
				return nil, bad("payload.scheduled_event.end_time", err.Error())
			}
		}
		if se.Location != nil {
			e.URL = se.Location.JoinURL
		}
		if len(se.Memberships) > 0 {
			e.Organizer = strings.TrimSpace(se.Memberships[0].UserEmail)
		}
	}
	if typ == outbound.MeetingBooked && e.Start.IsZero() {
		return nil, bad("payload.scheduled_event.start_time", "missing")
	}
	return adapterkit.Meeting(e)
}
