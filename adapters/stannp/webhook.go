package stannp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

// SignatureHeader holds the hex HMAC-SHA256, under the webhook's secret,
// of the raw body.
const SignatureHeader = "X-Stannp-Signature"

// Verifier checks SignatureHeader: a *webhook.BodyHMACVerifier. Stannp
// signs no timestamp, so a delivery cannot be refused as stale; the sink's
// deduplication by event ID makes a replay harmless.
type Verifier = webhook.BodyHMACVerifier

// NewVerifier returns the verifier of signatures made with any of secrets
// (more than one lets a secret be rotated), or a *invalid.FieldError when
// there is none or one is empty. SignatureHeader must hold the hex
// HMAC-SHA256 of the body (upper or lower case, with or without a
// "sha256=" prefix).
func NewVerifier(secrets ...string) (*Verifier, error) {
	return webhook.NewBodyHMACVerifier("stannp", SignatureHeader, secrets...)
}

// Sign returns the signature Stannp sends with body under secret: the hex
// HMAC-SHA256 of body.
func Sign(secret string, body []byte) string { return webhook.SignBody(secret, body) }

// The webhook event and mailpiece statuses the Decoder reads.
const (
	EventMailpieceStatus = "mailpiece_status"
	StatusDelivered      = "delivered"
	StatusReturned       = "returned"
)

// Decoder turns Stannp's webhook deliveries into channel events: a
// webhook.Decoder. A delivery is {webhook_id, event, created, retries,
// mailpieces:[…]}; for a mailpiece_status delivery each mailpiece whose
// status is delivered becomes a delivered event and each whose status is
// returned a bounced one. Other statuses (printing, dispatched, cancelled,
// local_delivery) and other events (campaign_status, recipient_events)
// decode to none, which the handler answers 200 without calling the sink.
//
// Each event carries Provider, "<mailpiece id>:<status>" as
// ProviderEventID (stable across Stannp's retries of the delivery), the
// mailpiece ID as ProviderMessageID, the touch ID from its "touch:" tag as
// IdempotencyKey, the status as Detail, and the mailpiece's updated (else
// created) time, else the delivery's created, as At.
//
// A body that is not a JSON object with an event, or a used mailpiece
// without an ID or a time, fails with an error wrapping webhook.ErrPayload
// (400).
type Decoder struct {
	// Provider names the account, as the Channel's Config.Provider.
	// Default DefaultProvider.
	Provider string
}

var _ webhook.Decoder = Decoder{}

type delivery struct {
	WebhookID  flexString        `json:"webhook_id"`
	Event      string            `json:"event"`
	Created    string            `json:"created"`
	Mailpieces []json.RawMessage `json:"mailpieces"`
}

type mailpiece struct {
	ID      flexString      `json:"id"`
	Status  string          `json:"status"`
	Tags    json.RawMessage `json:"tags"`
	Updated string          `json:"updated"`
	Created string          `json:"created"`
}

// Decode implements webhook.Decoder. The header is not used.
func (d Decoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	provider := d.Provider
	if provider == "" {
		provider = DefaultProvider
	}
	var dl delivery
	if err := adapterkit.DecodeObject(body, &dl); err != nil {
		return nil, err
	}
	if strings.TrimSpace(dl.Event) == "" {
		return nil, fmt.Errorf("%w: no event", webhook.ErrPayload)
	}
	if dl.Event != EventMailpieceStatus {
		return nil, nil
	}
	var out []outbound.Inbound
	for i, raw := range dl.Mailpieces {
		var mp mailpiece
		if err := json.Unmarshal(raw, &mp); err != nil {
			return nil, fmt.Errorf("%w: mailpieces[%d]: %v", webhook.ErrPayload, i, err)
		}
		status := strings.ToLower(strings.TrimSpace(mp.Status))
		var et channel.EventType
		switch status {
		case StatusDelivered:
			et = channel.EventDelivered
		case StatusReturned:
			et = channel.EventBounced
		default:
			continue
		}
		id := strings.TrimSpace(string(mp.ID))
		if id == "" {
			return nil, fmt.Errorf("%w: mailpieces[%d]: no id", webhook.ErrPayload, i)
		}
		at, ok := parseTime(mp.Updated)
		if !ok {
			at, ok = parseTime(mp.Created)
		}
		if !ok {
			at, ok = parseTime(dl.Created)
		}
		if !ok {
			return nil, fmt.Errorf("%w: mailpieces[%d]: no time", webhook.ErrPayload, i)
		}
		e := &channel.Event{
			Provider:          provider,
			ProviderEventID:   id + ":" + status,
			Type:              et,
			Kind:              channel.Mail,
			ProviderMessageID: id,
			IdempotencyKey:    touchTag(mp.Tags),
			At:                at,
			Detail:            status,
		}
		out = append(out, outbound.Inbound{Message: e})
	}
	return out, nil
}

// touchTag returns the touch ID of tags, a comma-separated string or an
// array of strings, or "".
func touchTag(raw json.RawMessage) string {
	var tags []string
	var s string
	switch {
	case len(raw) == 0:
	case json.Unmarshal(raw, &s) == nil:
		tags = strings.Split(s, ",")
	default:
		_ = json.Unmarshal(raw, &tags)
	}
	for _, t := range tags {
		if t = strings.TrimSpace(t); strings.HasPrefix(t, TagPrefix) && len(t) > len(TagPrefix) {
			return t[len(TagPrefix):]
		}
	}
	return ""
}
