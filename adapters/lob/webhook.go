package lob

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

// The headers Lob signs its webhooks in.
const (
	// SignatureHeader holds the hex HMAC-SHA256, under the webhook's
	// secret, of the timestamp, ".", and the raw body.
	SignatureHeader = "Lob-Signature"
	// TimestampHeader holds the signing instant as a Unix time (read as
	// milliseconds from 10^11 on, as seconds below).
	TimestampHeader = "Lob-Signature-Timestamp"
)

// VerifierConfig builds Lob's webhook verifier.
type VerifierConfig struct {
	// Secrets are the webhooks' signing secrets, from Lob's dashboard; a
	// signature made with any of them is accepted, so one can be rotated.
	// At least one; none may be empty. Never logged.
	Secrets []string
	// Tolerance is how far the signing timestamp may be from now.
	// Default webhook.DefaultTolerance (5 minutes).
	Tolerance time.Duration
	// Now tells the time. Default the real clock.
	Now func() time.Time
}

// NewVerifier returns the webhook.Verifier of Lob's signature:
// SignatureHeader must hold the hex HMAC-SHA256 of TimestampHeader's value,
// ".", and the raw body, under one of the secrets, and the timestamp must
// be within the tolerance of now. A missing, malformed, wrong or stale
// signature fails with an error wrapping webhook.ErrSignature (stale:
// webhook.ErrStale), which the handler answers 401. Comparisons take
// constant time. It is a *webhook.HMACVerifier with Lob's headers.
func NewVerifier(cfg VerifierConfig) (*webhook.HMACVerifier, error) {
	return webhook.NewHMACVerifier(webhook.HMACConfig{
		Header:          SignatureHeader,
		TimestampHeader: TimestampHeader,
		Secrets:         cfg.Secrets,
		Tolerance:       cfg.Tolerance,
		Now:             cfg.Now,
	})
}

// The letter events the Decoder turns into channel events; every other
// event decodes to none.
const (
	EventDelivered            = "letter.delivered"
	EventProcessedForDelivery = "letter.processed_for_delivery"
	EventReturnedToSender     = "letter.returned_to_sender"
	EventReRouted             = "letter.re-routed"
	EventCertifiedDelivered   = "letter.certified.delivered"
	EventCertifiedReturned    = "letter.certified.returned_to_sender"
)

// eventType maps a Lob event type to a channel event type, or "" for one
// the engine has no use for. A postcard's events are its letter twins'.
func eventType(lob string) channel.EventType {
	if rest, ok := strings.CutPrefix(lob, "postcard."); ok && !strings.Contains(rest, ".") {
		lob = "letter." + rest
	}
	switch lob {
	case EventDelivered, EventProcessedForDelivery, EventCertifiedDelivered:
		return channel.EventDelivered
	case EventReturnedToSender, EventCertifiedReturned:
		return channel.EventBounced
	}
	return ""
}

// Decoder turns Lob's webhook deliveries (one event object each) into
// channel events: a webhook.Decoder.
//
//   - letter.delivered and letter.processed_for_delivery (USPS greenlit
//     the letter at the recipient's post office; many letters get no
//     later scan) are delivered, and so are their letter.certified.*
//     twins;
//   - letter.returned_to_sender (and its certified twin) is bounced: the
//     address does not reach the recipient;
//   - letter.re-routed is not final (USPS forwards the letter and may
//     still deliver it) and, like every other event (created, rendered,
//     mailed, in transit, in local area, failed, rejected, viewed, the
//     return envelope's, and every check or address event),
//     decodes to none, which the handler answers 200 without calling the
//     sink.
//
// A postcard's events (postcard.delivered, postcard.processed_for_delivery,
// postcard.returned_to_sender, …) are read as their letter twins.
//
// Each event carries Provider, Lob's event ID (evt_…) as ProviderEventID,
// the letter or postcard ID (ltr_… or psc_…) as ProviderMessageID, the touch ID from the
// letter's metadata as IdempotencyKey, the metadata, the Lob event type as
// Detail, and the event's date_created as At.
//
// A body that is not one JSON object with an id and an event_type, or a
// used event without a parseable date_created or a letter ID, fails with
// an error wrapping webhook.ErrPayload (400).
type Decoder struct {
	// Provider names the Lob account the events come from, as the
	// Channel's Config.Provider. Default DefaultProvider.
	Provider string
}

var _ webhook.Decoder = Decoder{}

// eventEnvelope is Lob's event object, as much as the decoder reads.
type eventEnvelope struct {
	ID          string          `json:"id"`
	EventType   json.RawMessage `json:"event_type"`
	ReferenceID string          `json:"reference_id"`
	DateCreated string          `json:"date_created"`
	Body        json.RawMessage `json:"body"`
}

// eventBody is the letter in an event, as much as the decoder reads.
type eventBody struct {
	ID       string         `json:"id"`
	Object   string         `json:"object"`
	Metadata map[string]any `json:"metadata"`
}

// Decode implements webhook.Decoder. The header is not used.
func (d Decoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	provider := d.Provider
	if provider == "" {
		provider = DefaultProvider
	}
	var env eventEnvelope
	if err := adapterkit.DecodeObject(body, &env); err != nil {
		return nil, err
	}
	if env.ID == "" {
		return nil, fmt.Errorf("%w: no event id", webhook.ErrPayload)
	}
	typ, err := eventTypeID(env.EventType)
	if err != nil {
		return nil, err
	}
	et := eventType(typ)
	if et == "" {
		return nil, nil
	}
	at, err := time.Parse(time.RFC3339Nano, env.DateCreated)
	if err != nil {
		return nil, fmt.Errorf("%w: date_created %q", webhook.ErrPayload, adapterkit.Truncate(env.DateCreated, 40))
	}
	var lb eventBody
	if len(env.Body) > 0 && string(env.Body) != "null" {
		if err := json.Unmarshal(env.Body, &lb); err != nil {
			return nil, fmt.Errorf("%w: body: %v", webhook.ErrPayload, err)
		}
	}
	letterID := lb.ID
	if letterID == "" {
		letterID = env.ReferenceID
	}
	if letterID == "" {
		return nil, fmt.Errorf("%w: %s event without a letter ID", webhook.ErrPayload, typ)
	}
	var md map[string]string
	for k, v := range lb.Metadata {
		if s, ok := v.(string); ok {
			if md == nil {
				md = map[string]string{}
			}
			md[k] = s
		}
	}
	e := &channel.Event{
		Provider:          provider,
		ProviderEventID:   env.ID,
		Type:              et,
		Kind:              channel.Mail,
		ProviderMessageID: letterID,
		IdempotencyKey:    md[MetadataTouch],
		At:                at.UTC(),
		Detail:            typ,
		Metadata:          md,
	}
	return []outbound.Inbound{{Message: e}}, nil
}

// eventTypeID reads event_type: Lob sends an object whose id is the type;
// a bare string is taken too.
func eventTypeID(raw json.RawMessage) (string, error) {
	var obj struct {
		ID string `json:"id"`
	}
	var s string
	switch {
	case len(raw) == 0 || string(raw) == "null":
	case json.Unmarshal(raw, &obj) == nil:
		s = obj.ID
	case json.Unmarshal(raw, &s) == nil:
	default:
		return "", fmt.Errorf("%w: event_type is neither an object nor a string", webhook.ErrPayload)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("%w: no event_type", webhook.ErrPayload)
	}
	return s, nil
}
