package distribution

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/place"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// importer takes leads in: it normalises and validates each row, resolves
// its zone and tier, merges duplicates, enrolls within the plan's monthly
// allowance, and washes new numbers against the do-not-call register.
type importer struct {
	*shared
	store importStore
}

// importStore is what the importer reads and writes.
type importStore interface {
	storage.Clients
	storage.Campaigns
	storage.Leads
	storage.Enrollments
	storage.Washes
	storage.Allowances
}

// importLeads is Service.ImportLeads.
func (s *importer) importLeads(ctx context.Context, campaign outbound.CampaignID, rows []LeadInput) (ImportResult, error) {
	return s.importWithIDs(ctx, campaign, rows, newIDs{})
}

// newIDs name the records an import makes for a row, its lead and its
// enrollment; a nil func takes Config.Test.NewID's next ID.
type newIDs struct {
	lead, enrollment func(row LeadInput) uuid.UUID
}

// importWithIDs is importLeads, naming new leads and enrollments by ids.
func (s *importer) importWithIDs(ctx context.Context, campaign outbound.CampaignID, rows []LeadInput, ids newIDs) (ImportResult, error) {
	next := func(LeadInput) uuid.UUID { return s.newID() }
	if ids.lead == nil {
		ids.lead = next
	}
	if ids.enrollment == nil {
		ids.enrollment = next
	}
	var res ImportResult
	camp, err := s.store.GetCampaign(ctx, campaign)
	if err != nil {
		return res, fmt.Errorf("distribution: import: %w", err)
	}
	client, err := s.store.GetClient(ctx, camp.Client)
	if err != nil {
		return res, fmt.Errorf("distribution: import: %w", err)
	}
	if camp.State != outbound.CampaignActive || client.State != outbound.ClientActive {
		return res, fmt.Errorf("distribution: import into campaign %s (%s) of client %s (%s): %w",
			camp.ID, camp.State, client.ID, client.State, ErrInactive)
	}
	now := s.clock.Now()
	plan, _ := s.planNamed(client.Plan)
	pStart, pEnd, cloc, err := s.billingDays(client, now)
	if err != nil {
		return res, err
	}
	period := pStart.Midnight(cloc)
	full := func() error {
		used, err := s.store.AllowanceUsed(ctx, client.ID, period)
		if err != nil {
			return fmt.Errorf("distribution: import: %w", err)
		}
		return &AllowanceError{Plan: plan.Name, Allowance: plan.LeadsPerMonth, Used: used, Start: period, End: pEnd.Midnight(cloc)}
	}
	defaultCountry := s.zoneCountry[client.DefaultZone]
	var washLeads []*outbound.Lead
	for _, in := range rows {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		reject := func(err error) {
			res.Rejected = append(res.Rejected, RowError{Line: in.Line, ExternalID: strings.TrimSpace(in.ExternalID), Err: err})
		}
		l, err := s.normalise(ctx, in, client, camp, defaultCountry)
		if err != nil {
			reject(err)
			continue
		}
		existing, err := s.store.FindLead(ctx, client.ID, l.Email, l.Phone)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			existing = nil
		case err != nil:
			return res, fmt.Errorf("distribution: import: %w", err)
		}
		enrolled := false
		if existing != nil {
			es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: existing.ID, Campaign: campaign})
			if err != nil {
				return res, fmt.Errorf("distribution: import: %w", err)
			}
			enrolled = len(es) > 0
		}
		tier := l.Tier
		if existing != nil {
			tier = existing.Tier
		}
		// A place in the month's allowance is taken before anything is
		// written, in one store step, so two imports at once never pass
		// the plan; it is given back if the lead is not enrolled after all.
		enrolls := s.policy.Gating.Enrolls(tier) && !enrolled
		taken := false
		if enrolls && plan.LeadsPerMonth > 0 {
			n, err := s.store.TakeAllowance(ctx, client.ID, period, 1, plan.LeadsPerMonth)
			if err != nil {
				return res, fmt.Errorf("distribution: import: %w", err)
			}
			if n == 0 {
				err := full()
				if !errors.As(err, new(*AllowanceError)) {
					return res, err
				}
				reject(err)
				continue
			}
			taken = true
		}
		giveBack := func() {
			if taken {
				if err := s.store.ReturnAllowance(ctx, client.ID, period, 1); err != nil {
					s.log.WarnContext(ctx, "allowance place not given back", "client", client.ID.String(), "err", err)
				}
				taken = false
			}
		}
		if existing != nil {
			if merge(existing, l) {
				if err := s.store.UpdateLead(ctx, existing); err != nil {
					giveBack()
					if errors.Is(err, storage.ErrConflict) {
						reject(err)
						continue
					}
					return res, fmt.Errorf("distribution: import: %w", err)
				}
			}
			l = existing
			res.Merged = append(res.Merged, l.ID)
		} else {
			l.ID, l.CreatedAt, l.DNCR = outbound.LeadID{UUID: ids.lead(in)}, now.UTC(), outbound.DNCRUnknown
			if err := s.store.CreateLead(ctx, l); err != nil {
				giveBack()
				if errors.Is(err, storage.ErrConflict) {
					reject(err)
					continue
				}
				return res, fmt.Errorf("distribution: import: %w", err)
			}
		}
		if l.Phone != "" && !s.washValid(l, now) {
			washLeads = append(washLeads, l)
		}
		if !s.policy.Gating.Enrolls(l.Tier) {
			giveBack()
			if existing == nil {
				res.Dead = append(res.Dead, l.ID)
			}
			continue
		}
		if enrolled {
			giveBack()
			continue
		}
		loc, err := s.location(l.Zone)
		if err != nil {
			giveBack()
			return res, err
		}
		e := &outbound.Enrollment{
			ID: outbound.EnrollmentID{UUID: ids.enrollment(in)}, Client: client.ID, Campaign: campaign, Lead: l.ID,
			EnrolledOn: timing.DateIn(now, loc), NextStep: 1, State: outbound.EnrollmentActive,
		}
		if err := s.store.CreateEnrollment(ctx, e); err != nil {
			giveBack()
			if errors.Is(err, storage.ErrConflict) {
				continue // enrolled meanwhile: never twice
			}
			return res, fmt.Errorf("distribution: import: %w", err)
		}
		if existing == nil {
			res.Enrolled = append(res.Enrolled, l.ID)
		}
	}
	s.signalPlan()
	if err := s.washLeads(ctx, washLeads, now, now); err != nil {
		s.washPending.Store(true)
		return res, err
	}
	return res, nil
}

// normalise turns an input row into a lead of the client, enriched and
// scored for the campaign, or a *outbound.ValidationError.
func (s *importer) normalise(ctx context.Context, in LeadInput, client *outbound.Client, camp *outbound.Campaign, defaultCountry string) (*outbound.Lead, error) {
	t := strings.TrimSpace
	l := &outbound.Lead{
		Client: client.ID, ExternalID: t(in.ExternalID), Email: strings.ToLower(t(in.Email)), LinkedIn: t(in.LinkedIn),
		FirstName: t(in.FirstName), LastName: t(in.LastName), Company: t(in.Company),
		CompanyDomain: strings.ToLower(t(in.CompanyDomain)), Title: t(in.Title), Industry: t(in.Industry), Employees: in.Employees,
		Region: t(in.Region), City: t(in.City), Postcode: t(in.Postcode), AddressLine1: t(in.AddressLine1), Score: in.Score,
	}
	// A country may be a name or a code ("United States", "USA", "us");
	// a region, once the country is known, too ("New South Wales", "NSW").
	if raw := t(in.Country); raw != "" {
		cc, ok := place.Country(raw)
		if !ok {
			return nil, &outbound.ValidationError{Record: "lead", Field: "country", Value: raw, Reason: "not a country name or ISO 3166 code"}
		}
		l.Country = cc
	}
	if raw := t(in.Phone); raw != "" {
		cc := l.Country
		if cc == "" {
			cc = defaultCountry
		}
		p, err := phone.Parse(raw, cc)
		if err != nil {
			return nil, &outbound.ValidationError{Record: "lead", Field: "phone", Value: raw,
				Reason: "not a valid phone number (read as a number of " + orNone(cc) + " unless it starts with +)"}
		}
		l.Phone = p.E164
		if l.Country == "" && len(p.Country) == 2 {
			l.Country = p.Country
		}
	}
	// What the row lacks of its company is filled in before its zone is
	// resolved (a headquarters country places it) and its score reckoned.
	// Enrichment is best effort: a provider that fails costs it, not the
	// lead.
	if s.cfg.Enricher != nil {
		if err := s.cfg.Enricher.Enrich(ctx, l); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			s.log.WarnContext(ctx, "lead not enriched", "line", in.Line, "company_domain", l.CompanyDomain, "err", err)
		}
	}
	if l.Country != "" && l.Region != "" {
		if code, ok := place.Region(l.Country, l.Region); ok {
			l.Region = code
		}
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	z, err := s.zones.Resolve(timing.ZoneQuery{Zone: t(in.Timezone), Phone: l.Phone, Country: l.Country, Region: l.Region, Default: client.DefaultZone})
	if err != nil {
		field, value := "timezone", t(in.Timezone)
		var ze *timing.ZoneError
		if errors.As(err, &ze) {
			switch ze.Field {
			case "country", "region", "phone":
				field, value = ze.Field, ze.Value
			}
		}
		return nil, &outbound.ValidationError{Record: "lead", Field: field, Value: value, Reason: "cannot resolve the lead's time zone: " + err.Error()}
	}
	l.Zone, l.ZoneSource = z.Name, string(z.Source)
	if err := s.score(ctx, l, camp.ICP); err != nil {
		return nil, &outbound.ValidationError{Record: "lead", Field: "score", Value: "", Reason: "the scorer failed: " + err.Error()}
	}
	tier, err := s.policy.TierFor(l.Score)
	if err != nil {
		return nil, &outbound.ValidationError{Record: "lead", Field: "score", Value: fmt.Sprint(l.Score), Reason: err.Error()}
	}
	l.Tier = tier
	return l, nil
}

func orNone(cc string) string {
	if cc == "" {
		return "no country"
	}
	return cc
}

// merge fills dst's empty fields from src and reports whether it changed
// anything. The score, tier, zone and DNCR status of dst stay.
func merge(dst, src *outbound.Lead) bool {
	changed := false
	fill := func(d *string, v string) {
		if *d == "" && v != "" {
			*d, changed = v, true
		}
	}
	fill(&dst.ExternalID, src.ExternalID)
	fill(&dst.Email, src.Email)
	fill(&dst.Phone, src.Phone)
	fill(&dst.LinkedIn, src.LinkedIn)
	fill(&dst.FirstName, src.FirstName)
	fill(&dst.LastName, src.LastName)
	fill(&dst.Company, src.Company)
	fill(&dst.CompanyDomain, src.CompanyDomain)
	fill(&dst.Title, src.Title)
	fill(&dst.Country, src.Country)
	fill(&dst.Region, src.Region)
	fill(&dst.City, src.City)
	fill(&dst.Postcode, src.Postcode)
	fill(&dst.AddressLine1, src.AddressLine1)
	fill(&dst.Industry, src.Industry)
	if dst.Employees == 0 && src.Employees > 0 {
		dst.Employees, changed = src.Employees, true
	}
	return changed
}

// washValid reports whether the lead's last wash holds at now.
func (s *shared) washValid(l *outbound.Lead, now time.Time) bool {
	w := l.DNCRWashedAt
	return !w.IsZero() && !now.Before(w) && now.Before(w.Add(s.policy.DNCRValidity))
}

// washLeads gives each lead a wash valid until at least horizon: the
// store's when it holds that long, else a new one from Config.DNCR, stored
// and copied to every lead given with that number. Import passes now as
// the horizon; Daily passes now + DNCRRewashWithin, so results about to
// expire are washed again.
func (s *importer) washLeads(ctx context.Context, leads []*outbound.Lead, now, horizon time.Time) error {
	if len(leads) == 0 {
		return nil
	}
	byPhone := map[string][]*outbound.Lead{}
	var phones []string
	for _, l := range leads {
		if _, ok := byPhone[l.Phone]; !ok {
			phones = append(phones, l.Phone)
		}
		byPhone[l.Phone] = append(byPhone[l.Phone], l)
	}
	var ask []string
	for _, p := range phones {
		w, err := s.store.GetWash(ctx, p)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			ask = append(ask, p)
			continue
		case err != nil:
			return fmt.Errorf("distribution: wash: %w", err)
		}
		if !horizon.Before(w.WashedAt.Add(s.policy.DNCRValidity)) || now.Before(w.WashedAt) {
			ask = append(ask, p)
			continue
		}
		if err := s.applyWash(ctx, byPhone[p], w); err != nil {
			return err
		}
	}
	if s.cfg.DNCR == nil || len(ask) == 0 {
		return nil
	}
	for start := 0; start < len(ask); start += s.cfg.DNCRBatch {
		batch := ask[start:min(start+s.cfg.DNCRBatch, len(ask))]
		// A register routed by country answers the numbers it could wash
		// and names the rest in its error: keep the answers, report the
		// rest (they stay unwashed, and Daily asks again).
		results, washErr := s.cfg.DNCR.Wash(ctx, batch)
		if washErr != nil {
			washErr = fmt.Errorf("%w: %d numbers asked, %d answered: %w", ErrWash, len(batch), len(results), washErr)
		}
		for _, w := range results {
			ls, ok := byPhone[w.Phone]
			if !ok {
				continue // not asked
			}
			if w.WashedAt.IsZero() {
				w.WashedAt = now
			}
			switch w.Status {
			case outbound.DNCRClear, outbound.DNCRRegistered, outbound.DNCRNotApplicable:
			default:
				continue // the register could not say: stays unwashed
			}
			if err := s.store.PutWash(ctx, w); err != nil {
				return fmt.Errorf("distribution: wash: %w", err)
			}
			if err := s.applyWash(ctx, ls, w); err != nil {
				return err
			}
		}
		if washErr != nil {
			return washErr
		}
	}
	return nil
}

// applyWash copies a wash result to leads and stores them.
func (s *importer) applyWash(ctx context.Context, leads []*outbound.Lead, w outbound.WashResult) error {
	for _, l := range leads {
		if l.DNCR == w.Status && l.DNCRWashedAt.Equal(w.WashedAt) {
			continue
		}
		l.DNCR, l.DNCRWashedAt = w.Status, w.WashedAt.UTC()
		if err := s.store.UpdateLead(ctx, l); err != nil {
			return fmt.Errorf("distribution: wash of lead %s: %w", l.ID, err)
		}
	}
	return nil
}
