package outbound

import (
	"time"

	"github.com/outbound-go/outbound/channel"
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
	RecordedAt time.Time
}

// WashResult is what the Do Not Call Register said of one number, and when.
// A result is valid for the wash validity (30 days by default) from WashedAt.
type WashResult struct {
	Phone    string // E.164
	Status   DNCRStatus
	WashedAt time.Time
}
