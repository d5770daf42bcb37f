package unipile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

// DefaultSecretHeader is the header [NewVerifier] reads the webhook secret
// from unless told another: the header the host names in the webhook's
// "headers" when it creates it (Unipile v1 signs nothing).
const DefaultSecretHeader = "X-Unipile-Secret"

// DefaultStatusWindow is how long account status notices of one account
// and one status count as one event, by default.
const DefaultStatusWindow = time.Hour

// NewVerifier returns the verifier of Unipile's webhooks: the request
// must carry one of secrets in header (default [DefaultSecretHeader]),
// compared in constant time. Several secrets let one be rotated.
func NewVerifier(header string, secrets ...string) (*webhook.TokenVerifier, error) {
	if header == "" {
		header = DefaultSecretHeader
	}
	v, err := webhook.NewTokenVerifier(webhook.TokenConfig{Header: header, Tokens: secrets})
	if err != nil {
		return nil, fmt.Errorf("unipile: %w", err)
	}
	return v, nil
}

// DecoderConfig configures a [Decoder].
type DecoderConfig struct {
	// Now tells the time: the instant of a notice whose payload carries
	// none (new relations, account statuses). Required.
	Now func() time.Time
	// Seats maps a seat's Unipile account ID to its own LinkedIn provider
	// ID, so that a message the seat sent is not taken for a reply when
	// the payload does not say who sent it. Optional.
	Seats map[string]string
	// StatusWindow is how long account status notices of one account and
	// one status count as one event (Unipile gives them no ID and no
	// time): a notice delivered again within it is the same event; one
	// after it is another. Default [DefaultStatusWindow].
	StatusWindow time.Duration
	// Journal, when set, ties a notice to the touch it answers: Unipile's
	// new_relation and message_received carry no invitation or message ID
	// of ours, so the decoder looks up the seat's last connection request
	// (for a new relation) or last send (for a reply) to the member, and
	// sets the event's IdempotencyKey (the touch ID) and
	// ProviderMessageID from it. Without it the engine gets the member's
	// profile and the seat only. Give it the channel's journal.
	Journal Journal
}

// Decoder is the [webhook.Decoder] of Unipile's v1 webhooks:
//
//   - new_relation (source "users"): a connection accepted, From the
//     member's profile URL (or provider ID). Unipile polls for it: it can
//     arrive hours after the acceptance, and carries no time, so At is when
//     it arrived.
//   - message_received (source "messaging"): a reply, From the sender's
//     profile URL (or provider ID), Body the text; the seat's own messages,
//     and every other messaging event, decode to nothing.
//   - AccountStatus (source "account_status") of a LinkedIn account:
//     CREDENTIALS and DELETED a seat disconnected, ERROR and STOPPED a seat
//     restricted (synchronisation stopped), OK and RECONNECTED a seat
//     connected; the rest (CONNECTING, CREATION_SUCCESS, SYNC_SUCCESS)
//     decode to nothing.
//
// Event IDs are deterministic: Unipile's message ID for a message; a hash
// of the account and the member for a new relation; a hash of the account,
// the status and the [DecoderConfig.StatusWindow] the notice arrived in for
// an account status, whose payload has neither ID nor time.
type Decoder struct {
	cfg DecoderConfig
}

var _ webhook.Decoder = (*Decoder)(nil)

// NewDecoder checks cfg and returns the decoder, or a *invalid.FieldError.
func NewDecoder(cfg DecoderConfig) (*Decoder, error) {
	switch {
	case cfg.Now == nil:
		return nil, invalid.Field("unipile", "DecoderConfig", "Now", nil, "required (a clock's Now)")
	case cfg.StatusWindow < 0:
		return nil, invalid.Field("unipile", "DecoderConfig", "StatusWindow", cfg.StatusWindow, "must not be negative")
	}
	if cfg.StatusWindow == 0 {
		cfg.StatusWindow = DefaultStatusWindow
	}
	return &Decoder{cfg: cfg}, nil
}

// payload is every v1 webhook body's fields the decoder reads.
type payload struct {
	Event       string `json:"event"`
	AccountID   string `json:"account_id"`
	AccountType string `json:"account_type"`

	// new_relation
	UserFullName         string `json:"user_full_name"`
	UserProviderID       string `json:"user_provider_id"`
	UserPublicIdentifier string `json:"user_public_identifier"`
	UserProfileURL       string `json:"user_profile_url"`

	// message_received
	ChatID    string `json:"chat_id"`
	MessageID string `json:"message_id"`
	Message   string `json:"message"`
	Timestamp string `json:"timestamp"`
	IsSender  *flag  `json:"is_sender"`
	Sender    *struct {
		AttendeeID         string `json:"attendee_id"`
		AttendeeName       string `json:"attendee_name"`
		AttendeeProviderID string `json:"attendee_provider_id"`
		AttendeeProfileURL string `json:"attendee_profile_url"`
	} `json:"sender"`
	AccountInfo *struct {
		UserID string `json:"user_id"`
	} `json:"account_info"`

	// account_status
	AccountStatus *struct {
		AccountID   string `json:"account_id"`
		AccountType string `json:"account_type"`
		Message     string `json:"message"`
	} `json:"AccountStatus"`
}

// Decode implements [webhook.Decoder]. A body that is not a JSON object,
// or a known notice missing what identifies it, is an error wrapping
// [webhook.ErrPayload]; a notice of a kind the engine has no use for
// decodes to no events.
func (d *Decoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("%w: unipile: %w", webhook.ErrPayload, err)
	}
	switch {
	case p.AccountStatus != nil:
		return d.status(p)
	case p.Event == "new_relation":
		return d.relation(p)
	case p.Event == "message_received":
		return d.reply(p)
	}
	return nil, nil
}

func missing(event, field string) error {
	return fmt.Errorf("%w: unipile: a %s notice without %s", webhook.ErrPayload, event, field)
}

func (d *Decoder) relation(p payload) ([]outbound.Inbound, error) {
	switch {
	case strings.TrimSpace(p.AccountID) == "":
		return nil, missing("new_relation", "account_id")
	case strings.TrimSpace(p.UserProviderID) == "":
		return nil, missing("new_relation", "user_provider_id")
	}
	if !linkedIn(p.AccountType) {
		return nil, nil
	}
	e := &channel.Event{
		Provider: Name, ProviderEventID: "new_relation/" + digest(p.AccountID, p.UserProviderID),
		Type: channel.EventConnectionAccepted, Kind: channel.LinkedIn,
		From: firstOf(p.UserProfileURL, p.UserProviderID), To: p.AccountID, At: d.cfg.Now(),
		Detail:   p.UserFullName,
		Metadata: trimmed(map[string]string{"provider_id": p.UserProviderID, "public_identifier": p.UserPublicIdentifier}),
	}
	if err := d.answering(e, p.AccountID, p.UserProviderID, channel.ActionConnectionRequest); err != nil {
		return nil, err
	}
	return []outbound.Inbound{{Message: e}}, nil
}

func (d *Decoder) reply(p payload) ([]outbound.Inbound, error) {
	switch {
	case strings.TrimSpace(p.AccountID) == "":
		return nil, missing("message_received", "account_id")
	case strings.TrimSpace(p.MessageID) == "":
		return nil, missing("message_received", "message_id")
	case p.Sender == nil || strings.TrimSpace(firstOf(p.Sender.AttendeeProfileURL, p.Sender.AttendeeProviderID)) == "":
		return nil, missing("message_received", "sender")
	}
	if !linkedIn(p.AccountType) || d.fromSeat(p) {
		return nil, nil
	}
	at := d.cfg.Now()
	if p.Timestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, p.Timestamp)
		if err != nil {
			return nil, fmt.Errorf("%w: unipile: message_received timestamp: %w", webhook.ErrPayload, err)
		}
		at = t
	}
	e := &channel.Event{
		Provider: Name, ProviderEventID: "message/" + p.MessageID,
		Type: channel.EventReplied, Kind: channel.LinkedIn,
		From: firstOf(p.Sender.AttendeeProfileURL, p.Sender.AttendeeProviderID), To: p.AccountID, At: at,
		Body: p.Message, Detail: p.Sender.AttendeeName,
		Metadata: trimmed(map[string]string{"provider_id": p.Sender.AttendeeProviderID, "chat_id": p.ChatID}),
	}
	if err := d.answering(e, p.AccountID, p.Sender.AttendeeProviderID, ""); err != nil {
		return nil, err
	}
	return []outbound.Inbound{{Message: e}}, nil
}

// journalTimeout bounds a journal lookup while decoding.
const journalTimeout = 5 * time.Second

// answering ties e to the seat's last send of action to the member, when
// the journal knows one: e's IdempotencyKey becomes that send's touch ID.
// A journal that fails makes the delivery fail, so Unipile delivers again.
func (d *Decoder) answering(e *channel.Event, accountID, providerID string, action channel.Action) error {
	if d.cfg.Journal == nil || providerID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), journalTimeout)
	defer cancel()
	in, ok, err := d.cfg.Journal.Latest(ctx, accountID, providerID, action)
	if err != nil {
		return fmt.Errorf("unipile: journal: %w", err)
	}
	if ok {
		e.IdempotencyKey, e.ProviderMessageID = in.Key, in.ProviderMessageID
	}
	return nil
}

// fromSeat reports whether a message was sent by the seat itself: the
// payload says so, or its sender is the seat's own provider ID.
func (d *Decoder) fromSeat(p payload) bool {
	if p.IsSender != nil {
		return bool(*p.IsSender)
	}
	sender := p.Sender.AttendeeProviderID
	if sender == "" {
		return false
	}
	if p.AccountInfo != nil && p.AccountInfo.UserID == sender {
		return true
	}
	own, ok := d.cfg.Seats[p.AccountID]
	return ok && own == sender
}

// statusEvent maps an account status the engine acts on to its event and
// the reason it records; ok is false for the rest.
func statusEvent(status string) (t outbound.ProvisioningEventType, reason string, ok bool) {
	switch status {
	case "OK":
		return outbound.ProvisioningLinkedInConnected, "", true
	case "RECONNECTED":
		return outbound.ProvisioningLinkedInConnected, "reconnected", true
	case "CREDENTIALS":
		return outbound.ProvisioningLinkedInDisconnected, "credentials: the session expired or was ended, or LinkedIn cut it for too many sensitive requests; reconnect the account", true
	case "DELETED":
		return outbound.ProvisioningLinkedInDisconnected, "deleted: the account was removed from Unipile", true
	case "ERROR":
		return outbound.ProvisioningLinkedInRestricted, "error: synchronisation stopped on an unexpected error", true
	case "STOPPED":
		return outbound.ProvisioningLinkedInRestricted, "stopped: synchronisation was paused", true
	}
	return "", "", false
}

func (d *Decoder) status(p payload) ([]outbound.Inbound, error) {
	s := p.AccountStatus
	switch {
	case strings.TrimSpace(s.AccountID) == "":
		return nil, missing("AccountStatus", "account_id")
	case strings.TrimSpace(s.Message) == "":
		return nil, missing("AccountStatus", "message")
	}
	status := strings.ToUpper(strings.TrimSpace(s.Message))
	typ, reason, ok := statusEvent(status)
	if !ok || !linkedIn(s.AccountType) {
		return nil, nil
	}
	now := d.cfg.Now()
	window := now.UTC().Truncate(d.cfg.StatusWindow)
	e := &outbound.ProvisioningEvent{
		Provider: Name, ProviderEventID: "account_status/" + digest(s.AccountID, status, window.Format(time.RFC3339)),
		Type: typ, Kind: outbound.KindLinkedInSeat, ProviderRef: s.AccountID, At: now, Reason: reason,
	}
	return []outbound.Inbound{{Provisioning: e}}, nil
}

// linkedIn reports whether an account type is LinkedIn's; a payload that
// names none is taken for one (the webhook is the host's LinkedIn one).
func linkedIn(t string) bool {
	return t == "" || strings.EqualFold(t, "LINKEDIN")
}

// digest is a stable hash of fields, each length-prefixed so that no two
// lists of fields collide by concatenation.
func digest(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		_, _ = fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func trimmed(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
