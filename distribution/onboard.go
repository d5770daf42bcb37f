package distribution

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
)

// Source finds leads that fit an ideal customer profile: the seam a host
// puts a prospecting database behind (Apollo, a data vendor, its own
// warehouse). It returns at most limit leads; the engine imports them as
// rows of a file, so it validates, merges, enriches and scores them.
type Source interface {
	Find(ctx context.Context, icp outbound.ICP, limit int) ([]LeadInput, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, icp outbound.ICP, limit int) ([]LeadInput, error)

// Find calls f.
func (f SourceFunc) Find(ctx context.Context, icp outbound.ICP, limit int) ([]LeadInput, error) {
	return f(ctx, icp, limit)
}

// OnboardInput is a client's first campaign, in one call.
type OnboardInput struct {
	// Client is the client, signed up already. Required.
	Client outbound.ClientID
	// Campaign is the new campaign's name. Required.
	Campaign string
	// ICP is who the campaign is for: its leads are scored by their fit.
	ICP outbound.ICP
	// Source finds the leads (the ICP's), or Rows gives them (a lead file
	// the host read with package leadfile); one of the two, not both.
	Source Source
	Rows   []LeadInput
	// Limit is the most leads asked of Source. Default (0): what is left of
	// the client's monthly allowance (DefaultOnboardLimit on a plan
	// without one).
	Limit int
}

// OnboardResult is what onboarding did.
type OnboardResult struct {
	// Campaign is the campaign created, with its ICP.
	Campaign *outbound.Campaign
	// Found is how many leads Source found (or Rows held).
	Found int
	// Import is the import of those leads: enrolled, merged, dead (scored
	// below the enrolling tiers), rejected.
	Import ImportResult
}

// Onboard runs a client's onboarding as one call: a campaign for the ICP,
// its leads from Source (or Rows), each enriched (Config.Enricher), scored
// against the ICP (Config.Scorer) and enrolled when its tier enrolls, then
// planned by the next pass. A bad ICP or input is a *FieldError naming the
// field; a Source that fails creates nothing.
func (s *Service) Onboard(ctx context.Context, in OnboardInput) (OnboardResult, error) {
	var res OnboardResult
	switch {
	case in.Source == nil && in.Rows == nil:
		return res, invalid.Field("distribution", "OnboardInput", "Source", nil, "a Source or Rows is required")
	case in.Source != nil && in.Rows != nil:
		return res, invalid.Field("distribution", "OnboardInput", "Rows", len(in.Rows), "give a Source or Rows, not both")
	case in.Limit < 0:
		return res, invalid.Field("distribution", "OnboardInput", "Limit", in.Limit, "must not be negative")
	}
	if err := in.ICP.Validate(); err != nil {
		return res, err
	}
	rows := in.Rows
	if in.Source != nil {
		limit := in.Limit
		if limit == 0 {
			var err error
			if limit, err = s.importer.allowanceLeft(ctx, in.Client); err != nil {
				return res, fmt.Errorf("distribution: onboard client %s: %w", in.Client, err)
			}
		}
		found, err := in.Source.Find(ctx, in.ICP, limit)
		if err != nil {
			return res, fmt.Errorf("distribution: onboard client %s: leads from the source: %w", in.Client, err)
		}
		if len(found) > limit {
			found = found[:limit]
		}
		rows = found
	}
	res.Found = len(rows)
	camp, err := s.accounts.createCampaign(ctx, in.Client, in.Campaign, in.ICP)
	if err != nil {
		return res, err
	}
	res.Campaign = camp
	res.Import, err = s.ImportLeads(ctx, camp.ID, rows)
	return res, err
}

// DefaultOnboardLimit is the most leads Onboard asks a Source for when the
// client's plan has no monthly allowance.
const DefaultOnboardLimit = 1000

// allowanceLeft is what is left of the client's allowance this billing
// month (DefaultOnboardLimit without one), or an *AllowanceError when none
// is.
func (s *importer) allowanceLeft(ctx context.Context, client outbound.ClientID) (int, error) {
	c, err := s.store.GetClient(ctx, client)
	if err != nil {
		return 0, err
	}
	plan, _ := s.planNamed(c.Plan)
	if plan.LeadsPerMonth <= 0 {
		return DefaultOnboardLimit, nil
	}
	sd, ed, loc, err := s.billingDays(c, s.clock.Now())
	if err != nil {
		return 0, err
	}
	used, err := s.store.AllowanceUsed(ctx, client, sd.Midnight(loc))
	if err != nil {
		return 0, err
	}
	if used >= plan.LeadsPerMonth {
		return 0, &AllowanceError{Plan: plan.Name, Allowance: plan.LeadsPerMonth, Used: used, Start: sd.Midnight(loc), End: ed.Midnight(loc)}
	}
	return plan.LeadsPerMonth - used, nil
}
