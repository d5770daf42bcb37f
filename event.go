package outbound

import (
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"
	fields "github.com/outbound-go/outbound/invalid"
)

// Event is an inbound provider event as the engine recorded it: the
// normalised channel event plus what it was matched to. Provider and
// ProviderEventID are its deduplication key; a store records each key once.
type Event struct {
	ID       EventID
	Client   ClientID
	Campaign CampaignID // zero when not matched to a campaign
	Lead     LeadID     // zero when not matched to a lead
	Touch    TouchID    // zero when not matched to a touch
	channel.Event
	// Topic says what the event is about: a message (the channel.Event
	// fields), billing, provisioning or a meeting (Payload holds it, as JSON). Empty
	// reads as a message.
	Topic EventTopic
	// Payload is a billing or provisioning event, as JSON; nil for a
	// message event.
	Payload    []byte
	RecordedAt time.Time
	// AppliedAt is when the engine finished applying the event; zero while
	// it is recorded but not (yet) applied. An event is recorded before it
	// is applied, so a crash or a store failure in between leaves it
	// unapplied: a redelivery of it, or the sweeper, applies it then.
	AppliedAt time.Time
}

// EventTopic says what an inbound event is about.
type EventTopic string

// The event topics.
const (
	TopicMessage      EventTopic = "message"      // a channel.Event: delivery, reply, opt-out, call outcome, ...
	TopicBilling      EventTopic = "billing"      // a subscription started, renewed, changed, failed or ended
	TopicProvisioning EventTopic = "provisioning" // a resource became ready, was created, released, restricted, ...
	TopicMeeting      EventTopic = "meeting"      // a lead booked, moved or cancelled a meeting
)

// Valid reports whether t is a known event topic.
func (t EventTopic) Valid() bool {
	switch t {
	case TopicMessage, TopicBilling, TopicProvisioning, TopicMeeting:
		return true
	}
	return false
}

// WashResult is what the Do Not Call Register said of one number, and when.
// A result is valid for the wash validity (30 days by default) from WashedAt.
type WashResult struct {
	Phone    string // E.164
	Status   DNCRStatus
	WashedAt time.Time
}

// checkEventKey is the first check of every provider event's Validate: a
// Provider and a ProviderEventID (its deduplication key), and a known
// type. It returns a *invalid.FieldError of record naming the field, or
// nil.
func checkEventKey(record, provider, eventID, typ string, typeKnown bool) error {
	switch {
	case strings.TrimSpace(provider) == "":
		return fields.Field("outbound", record, "Provider", provider, "required")
	case strings.TrimSpace(eventID) == "":
		return fields.Field("outbound", record, "ProviderEventID", eventID, "required")
	case !typeKnown:
		return fields.Field("outbound", record, "Type", typ, "unknown "+strings.ToLower(strings.TrimSuffix(record, "Event"))+" event type")
	}
	return nil
}
