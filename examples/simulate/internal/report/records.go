package report

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
)

// The JSON lines files' records. Field names are the issue's; IDs are
// UUID strings ("" when there is none), instants RFC 3339 in UTC with
// nanoseconds (null when there is none).

// LeadRecord is one line of leads.jsonl.
type LeadRecord struct {
	LeadID        string `json:"lead_id"`
	ExternalID    string `json:"external_id"`
	ClientID      string `json:"client_id"`
	CampaignID    string `json:"campaign_id"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	Country       string `json:"country"`
	Region        string `json:"region"`
	Timezone      string `json:"timezone"`
	TZSource      string `json:"tz_source"`
	Score         int    `json:"score"`
	Tier          string `json:"tier"`
	DNCR          string `json:"dncr"` // registered | clear | unknown | not_applicable
	CompanyDomain string `json:"company_domain"`
}

// ResourceRecord is one line of resources.jsonl.
type ResourceRecord struct {
	ResourceID string  `json:"resource_id"`
	Kind       string  `json:"kind"`
	ParentID   string  `json:"parent_id"`
	ClientID   string  `json:"client_id"`
	State      string  `json:"state"`
	CreatedAt  *string `json:"created_at"`
	DayZone    string  `json:"day_zone"` // the zone whose calendar day its caps count in: its client's
	// Provider, ProviderRef and Address are who provides it, the
	// provider's ID for it and its real address.
	Provider    string `json:"provider"`
	ProviderRef string `json:"provider_ref"`
	Address     string `json:"address"`
	// PurchasedAt is when it was bought: a mailbox's warmup age counts
	// from its domain's.
	PurchasedAt *string `json:"purchased_at"`
	// PausedAt, ResumedAt and PauseReason tell its last health pause
	// (null and "" when never paused; ResumedAt null while paused).
	PausedAt    *string `json:"paused_at"`
	ResumedAt   *string `json:"resumed_at"`
	PauseReason string  `json:"pause_reason"`
	// ReplacedBy is a paused domain's replacement, "" when none.
	ReplacedBy string `json:"replaced_by"`
}

// TouchRecord is one line of touches.jsonl.
type TouchRecord struct {
	TouchID     string  `json:"touch_id"`
	ClientID    string  `json:"client_id"`
	CampaignID  string  `json:"campaign_id"`
	LeadID      string  `json:"lead_id"`
	Step        int     `json:"step"`
	StepChannel string  `json:"step_channel"`
	Channel     string  `json:"channel"` // the channel used; "" when skipped
	Action      string  `json:"action"`
	Status      string  `json:"status"`
	Reason      string  `json:"reason"`
	ResourceID  string  `json:"resource_id"`
	ScheduledAt *string `json:"scheduled_at"`
	SentAt      *string `json:"sent_at"`
	Provider    string  `json:"provider"` // the provider it went through ("" before it was sent)
	Attempts    int     `json:"attempts"` // Send calls made for it
	Warning     string  `json:"warning"`  // what its message checks noticed (a multipart SMS); "" when nothing
}

// EventRecord is one line of events.jsonl.
type EventRecord struct {
	EventID         string  `json:"event_id"`
	Provider        string  `json:"provider"`
	ProviderEventID string  `json:"provider_event_id"`
	Type            string  `json:"type"`
	Channel         string  `json:"channel"`
	LeadID          string  `json:"lead_id"`
	TouchID         string  `json:"touch_id"`
	At              *string `json:"at"`
	Detail          string  `json:"detail"`
}

func id(u uuid.UUID) string {
	if u == uuid.Nil {
		return ""
	}
	return u.String()
}

// Instant renders t as RFC 3339 in UTC, or nil for the zero time.
func Instant(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

// LeadOf is the record of lead l, imported into campaign.
func LeadOf(l *outbound.Lead, campaign outbound.CampaignID) LeadRecord {
	dncr := string(l.DNCR)
	if dncr == "" {
		dncr = string(outbound.DNCRUnknown)
	}
	return LeadRecord{
		LeadID: id(l.ID.UUID), ExternalID: l.ExternalID, ClientID: id(l.Client.UUID), CampaignID: id(campaign.UUID),
		Email: l.Email, Phone: l.Phone, Country: l.Country, Region: l.Region, Timezone: l.Zone, TZSource: l.ZoneSource,
		Score: l.Score, Tier: string(l.Tier), DNCR: dncr, CompanyDomain: l.CompanyDomain,
	}
}

// ResourceOf is the record of r, whose caps count days in dayZone.
func ResourceOf(r *outbound.Resource, dayZone string) ResourceRecord {
	return ResourceRecord{
		ResourceID: id(r.ID.UUID), Kind: string(r.Kind), ParentID: id(r.Parent.UUID), ClientID: id(r.Client.UUID),
		State: string(r.State), CreatedAt: Instant(r.CreatedAt), DayZone: dayZone,
		Provider: r.Provider, ProviderRef: r.ProviderRef, Address: r.Address, PurchasedAt: Instant(r.PurchasedAt),
		PausedAt: Instant(r.PausedAt), ResumedAt: Instant(r.ResumedAt), PauseReason: string(r.PauseReason), ReplacedBy: id(r.ReplacedBy.UUID),
	}
}

// UsedChannel is the channel t actually went out on, or is planned to:
// "" for a skipped touch, which goes out on none (the engine may keep the
// channel a touch was planned on when it skips it later).
func UsedChannel(t *outbound.Touch) string {
	if t.Status == outbound.TouchSkipped {
		return ""
	}
	return string(t.Channel)
}

// TouchOf is the record of t.
func TouchOf(t *outbound.Touch) TouchRecord {
	return TouchRecord{
		TouchID: id(t.ID.UUID), ClientID: id(t.Client.UUID), CampaignID: id(t.Campaign.UUID), LeadID: id(t.Lead.UUID),
		Step: t.Step, StepChannel: string(t.StepChannel), Channel: UsedChannel(t), Action: string(t.Action),
		Status: string(t.Status), Reason: string(t.Reason), ResourceID: id(t.Resource.UUID),
		ScheduledAt: Instant(t.ScheduledAt), SentAt: Instant(t.SentAt), Provider: t.Provider, Attempts: t.Attempts,
		Warning: t.Warning,
	}
}

// EventOf is the record of e. Its detail is the provider's detail, or the
// body of a reply when there is no detail.
func EventOf(e *outbound.Event) EventRecord {
	detail := e.Detail
	if detail == "" {
		detail = e.Body
	}
	return EventRecord{
		EventID: id(e.ID.UUID), Provider: e.Provider, ProviderEventID: e.ProviderEventID, Type: string(e.Type), Channel: string(e.Kind), LeadID: id(e.Lead.UUID),
		TouchID: id(e.Touch.UUID), At: Instant(e.At), Detail: detail,
	}
}

// WriteJSONL writes items as JSON lines.
func WriteJSONL[T any](w io.Writer, items []T) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range items {
		if err := enc.Encode(&items[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
