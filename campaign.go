package outbound

import "time"

// CampaignState is a campaign's state.
type CampaignState string

// The campaign states.
const (
	CampaignActive  CampaignState = "active"
	CampaignPaused  CampaignState = "paused"
	CampaignStopped CampaignState = "stopped"
)

// Campaign is a client's outreach effort: a sequence run over its leads with
// the client's resources.
type Campaign struct {
	ID       CampaignID
	Client   ClientID
	Name     string
	Sequence string // the sequence's name; "" means the default sequence
	State    CampaignState
	// ICP is who the campaign is for: its leads are scored by their fit
	// to it. The zero value scores on seniority, headcount and engagement
	// alone.
	ICP       ICP
	CreatedAt time.Time
}
