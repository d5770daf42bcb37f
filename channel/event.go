package channel

import (
	"fmt"
	"strings"
	"time"
)

// EventType names what an inbound [Event] reports. Its string form is what
// storage and JSON use.
type EventType string

// The event types. Each can happen on the channels [EventType.Kinds] lists.
const (
	// EventDelivered: the message reached the recipient's server, handset or
	// mailbox. Any channel.
	EventDelivered EventType = "delivered"
	// EventBounced: a hard bounce, the address is permanently unreachable
	// (email 5xx, SMS undeliverable number, letter returned to sender). A hard
	// bounce ends the lead's steps on that channel; soft bounces are
	// EventSoftBounced.
	EventBounced EventType = "bounced"
	// EventSoftBounced: a transient email delivery failure (mailbox full,
	// greylisting); it counts toward resource health but ends nothing.
	EventSoftBounced EventType = "soft_bounced"
	// EventComplained: the recipient marked the email as spam.
	EventComplained EventType = "complained"
	// EventReplied: the recipient replied (email, SMS, LinkedIn). A reply stops
	// the lead's sequence.
	EventReplied EventType = "replied"
	// EventOutOfOffice: an automatic out-of-office reply to an email; ReturnAt
	// carries the return date when it names one.
	EventOutOfOffice EventType = "out_of_office"
	// EventOptedOut: the recipient opted out (SMS STOP, an unsubscribe link,
	// a spoken request on a call). Any channel.
	EventOptedOut EventType = "opted_out"
	// EventOptedIn: the recipient opted back in (SMS START, YES, UNSTOP). Any
	// channel.
	EventOptedIn EventType = "opted_in"
	// EventCallAnswered: a person answered the call.
	EventCallAnswered EventType = "call_answered"
	// EventCallVoicemail: the call reached voicemail.
	EventCallVoicemail EventType = "call_voicemail"
	// EventCallBusy: the line was busy.
	EventCallBusy EventType = "call_busy"
	// EventCallNoAnswer: the call rang out unanswered.
	EventCallNoAnswer EventType = "call_no_answer"
	// EventCallFailed: the call could not be placed or dropped on an error.
	EventCallFailed EventType = "call_failed"
	// EventCallRecorded: a call's recording is kept; Metadata says where
	// ("recording"). It changes nothing of the touch: it links the
	// recording to it.
	EventCallRecorded EventType = "call_recorded"
	// EventConnectionRequested: a LinkedIn connection request was sent (or
	// arrived at the seat).
	EventConnectionRequested EventType = "connection_requested"
	// EventConnectionAccepted: the recipient accepted the connection request.
	EventConnectionAccepted EventType = "connection_accepted"
	// EventConnectionWithdrawn: the request was withdrawn or expired.
	EventConnectionWithdrawn EventType = "connection_withdrawn"
	// EventMessageReceived: an inbound message that is not known to answer a
	// touch (email, SMS, LinkedIn).
	EventMessageReceived EventType = "message_received"
	// EventOpened: the recipient opened the email (a tracking pixel loaded,
	// as the provider reports it). It changes nothing of the touch; it
	// counts as engagement when the lead is scored again.
	EventOpened EventType = "opened"
	// EventClicked: the recipient followed a link of the email or text. It
	// counts as engagement like EventOpened.
	EventClicked EventType = "clicked"
)

// EventTypes returns every event type, in a fixed order.
func EventTypes() []EventType {
	return []EventType{
		EventDelivered, EventBounced, EventSoftBounced, EventComplained, EventReplied,
		EventOutOfOffice, EventOptedOut, EventOptedIn,
		EventCallAnswered, EventCallVoicemail, EventCallBusy, EventCallNoAnswer, EventCallFailed, EventCallRecorded,
		EventConnectionRequested, EventConnectionAccepted, EventConnectionWithdrawn,
		EventMessageReceived, EventOpened, EventClicked,
	}
}

// Kinds returns the channels an event of this type can concern; the empty
// set for an unknown type.
func (t EventType) Kinds() Set {
	switch t {
	case EventDelivered, EventOptedOut, EventOptedIn:
		return AllKinds
	case EventBounced:
		return SetOf(Email, SMS, Mail)
	case EventSoftBounced, EventComplained, EventOutOfOffice, EventOpened:
		return SetOf(Email)
	case EventClicked:
		return SetOf(Email, SMS)
	case EventReplied, EventMessageReceived:
		return SetOf(Email, SMS, LinkedIn)
	case EventCallAnswered, EventCallVoicemail, EventCallBusy, EventCallNoAnswer, EventCallFailed, EventCallRecorded:
		return SetOf(Voice)
	case EventConnectionRequested, EventConnectionAccepted, EventConnectionWithdrawn:
		return SetOf(LinkedIn)
	}
	return 0
}

// Valid reports whether t is one of the event types.
func (t EventType) Valid() bool { return t.Kinds() != 0 }

// ParseEventType parses an event type, ignoring case and surrounding space.
func ParseEventType(s string) (EventType, error) {
	t := EventType(strings.ToLower(strings.TrimSpace(s)))
	if !t.Valid() {
		return "", fieldErr("", "Type", s, "unknown event type")
	}
	return t, nil
}

// UnmarshalText implements encoding.TextUnmarshaler and rejects unknown types.
func (t *EventType) UnmarshalText(b []byte) error {
	v, err := ParseEventType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Event is something a provider reported about a message or a recipient,
// normalised from its webhook. Provider and ProviderEventID together are the
// deduplication key: applying the same event twice changes nothing.
type Event struct {
	// Provider names the provider that reported it ("twilio"). Required.
	Provider string
	// ProviderEventID is the provider's ID for this event (or a stable hash
	// of its payload when the provider gives none). Required.
	ProviderEventID string
	// Type is what happened. Required.
	Type EventType
	// Kind is the channel it happened on. Required; Type.Kinds() must have it.
	Kind Kind
	// ProviderMessageID is the provider's ID of the message the event
	// concerns, as in its [Receipt], or "".
	ProviderMessageID string
	// IdempotencyKey is the touch ID the event concerns when the provider
	// echoes it back (through metadata), or "".
	IdempotencyKey string
	// From is the address the event came from: the number that texted STOP,
	// the mailbox that replied.
	From string
	// To is the address it was sent to: usually the sending resource's.
	To string
	// At is when it happened, as the provider reported it. Required.
	At time.Time
	// Detail is free text: a bounce diagnostic, a call's ended reason.
	Detail string
	// ReturnAt is the return date an out-of-office reply names, or zero.
	ReturnAt time.Time
	// Body is the text of a reply or received message, or "".
	Body string
	// Metadata is the metadata the message was sent with, when the provider
	// echoes it back (client, campaign, lead, touch IDs).
	Metadata map[string]string
}

// Validate reports the first missing or inconsistent field as a
// [*ValidationError]: Provider, ProviderEventID, a valid Type, a valid Kind
// that Type can happen on, a non-zero At, and at least one of
// ProviderMessageID, IdempotencyKey or From to tie the event to a touch or a
// recipient.
func (e *Event) Validate() error {
	switch {
	case strings.TrimSpace(e.Provider) == "":
		return fieldErr("Event", "Provider", e.Provider, "required")
	case strings.TrimSpace(e.ProviderEventID) == "":
		return fieldErr("Event", "ProviderEventID", e.ProviderEventID, "required")
	case !e.Type.Valid():
		return fieldErr("Event", "Type", string(e.Type), "unknown event type")
	case !e.Kind.Valid():
		return fieldErr("Event", "Kind", string(e.Kind), "unknown channel")
	case !e.Type.Kinds().Has(e.Kind):
		return fieldErr("Event", "Kind", string(e.Kind),
			fmt.Sprintf("a %s event happens only on %s", e.Type, e.Type.Kinds()))
	case e.At.IsZero():
		return fieldErr("Event", "At", e.At, "required")
	case e.ProviderMessageID == "" && e.IdempotencyKey == "" && e.From == "":
		return fieldErr("Event", "ProviderMessageID", e.ProviderMessageID,
			"one of ProviderMessageID, IdempotencyKey or From is required")
	}
	return nil
}
