package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Leads

const leadCols = `id, client_id, external_id, email, phone, linkedin, first_name, last_name, company, company_domain,
	title, country, region, city, postcode, address_line1, zone, zone_source, score, tier, dncr, dncr_washed_at, created_at,
	industry, employees, score_signals, engaged`

func scanLead(rows pgx.Rows, l *outbound.Lead) error {
	var signals []byte
	var engaged []string
	if err := rows.Scan(scanID(&l.ID.UUID), scanID(&l.Client.UUID), &l.ExternalID, &l.Email, &l.Phone, &l.LinkedIn,
		&l.FirstName, &l.LastName, &l.Company, &l.CompanyDomain, &l.Title, &l.Country, &l.Region, &l.City,
		&l.Postcode, &l.AddressLine1, &l.Zone, &l.ZoneSource, &l.Score, &l.Tier, &l.DNCR,
		scanTime(&l.DNCRWashedAt), scanTime(&l.CreatedAt), &l.Industry, &l.Employees, &signals, &engaged); err != nil {
		return err
	}
	l.ScoreSignals, l.Engaged = nil, nil
	if len(signals) > 0 {
		if err := json.Unmarshal(signals, &l.ScoreSignals); err != nil {
			return fmt.Errorf("postgres: lead %s score signals: %w", l.ID, err)
		}
	}
	for _, e := range engaged {
		l.Engaged = append(l.Engaged, outbound.Engagement(e))
	}
	return nil
}

func leadArgs(l *outbound.Lead) []any {
	var signals []byte
	if len(l.ScoreSignals) > 0 {
		// A slice of plain structs always encodes.
		signals, _ = json.Marshal(l.ScoreSignals)
	}
	var engaged []string
	for _, e := range l.Engaged {
		engaged = append(engaged, string(e))
	}
	return []any{id(l.ID.UUID), id(l.Client.UUID), l.ExternalID, l.Email, l.Phone, l.LinkedIn, l.FirstName,
		l.LastName, l.Company, l.CompanyDomain, l.Title, l.Country, l.Region, l.City, l.Postcode, l.AddressLine1,
		l.Zone, l.ZoneSource, l.Score, string(l.Tier), string(l.DNCR), ts(l.DNCRWashedAt), ts(l.CreatedAt),
		l.Industry, l.Employees, jsonb(signals), engaged}
}

// duplicateSQL finds, for a lead that broke a unique index, the other lead
// of its client with its email (in any case) and the one with its phone.
const duplicateSQL = `SELECT
	(SELECT id FROM leads WHERE client_id = $2 AND $3 <> '' AND lower(email) = lower($3) AND id <> $1 LIMIT 1),
	(SELECT id FROM leads WHERE client_id = $2 AND $4 <> '' AND phone = $4 AND id <> $1 LIMIT 1)`

// leadConflict turns a unique violation of a lead's write into the error
// the contract names: ErrConflict for a taken ID, else a
// *storage.DuplicateError naming the lead holding the email, or failing
// that the phone. retry reports a violation whose holder has gone since
// (it changed its email or phone): the write may be tried again.
func (s *Store) leadConflict(ctx context.Context, l *outbound.Lead, cause error) (err error, retry bool) {
	pe := pgError(cause, codeUniqueViolation)
	if pe == nil {
		return wrap(cause, "lead", l.ID), false
	}
	if pe.ConstraintName == "leads_pkey" {
		return wrap(cause, "lead", l.ID), false
	}
	var byEmail, byPhone outbound.LeadID
	if err := s.queryRow(ctx, duplicateSQL, []any{id(l.ID.UUID), id(l.Client.UUID), l.Email, l.Phone},
		scanID(&byEmail.UUID), scanID(&byPhone.UUID)); err != nil {
		return wrap(err, "lead", l.ID), false
	}
	switch {
	case !byEmail.IsZero():
		return &storage.DuplicateError{Field: "email", Value: l.Email, Existing: byEmail}, false
	case !byPhone.IsZero():
		return &storage.DuplicateError{Field: "phone", Value: l.Phone, Existing: byPhone}, false
	}
	return wrap(cause, "lead", l.ID), true
}

// CreateLead implements [storage.Leads]. The unique indexes decide; when
// one refuses the lead, a second statement names the lead holding the email
// (checked first) or the phone.
func (s *Store) CreateLead(ctx context.Context, l *outbound.Lead) error {
	if err := storage.CheckLead(l); err != nil {
		return err
	}
	for try := 0; ; try++ {
		_, err := s.exec(ctx, `INSERT INTO leads (`+leadCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
			$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)`, leadArgs(l)...)
		if err == nil {
			return nil
		}
		err, retry := s.leadConflict(ctx, l, err)
		if !retry || try == 2 {
			return err
		}
	}
}

// GetLead implements [storage.Leads].
func (s *Store) GetLead(ctx context.Context, lid outbound.LeadID) (*outbound.Lead, error) {
	return getOne(ctx, s, "lead", lid, `SELECT `+leadCols+` FROM leads WHERE id = $1`, []any{id(lid.UUID)}, scanLead)
}

// GetLeads implements [storage.Leads] in one statement.
func (s *Store) GetLeads(ctx context.Context, lids []outbound.LeadID) ([]outbound.Lead, error) {
	ls, err := getMany(ctx, s, `SELECT `+leadCols+` FROM leads WHERE id = ANY($1::uuid[])`, lids, scanLead,
		func(l *outbound.Lead) outbound.LeadID { return l.ID })
	return ls, wrapList(err, "leads")
}

// FindLead implements [storage.Leads]: the lead with the email if there is
// one, else the lead with the phone, in one statement.
func (s *Store) FindLead(ctx context.Context, client outbound.ClientID, email, phone string) (*outbound.Lead, error) {
	ls, err := list(ctx, s, `SELECT `+leadCols+` FROM (
			(SELECT `+leadCols+`, 0 AS rank FROM leads WHERE client_id = $1 AND $2 <> '' AND lower(email) = lower($2) LIMIT 1)
			UNION ALL
			(SELECT `+leadCols+`, 1 FROM leads WHERE client_id = $1 AND $3 <> '' AND phone = $3 LIMIT 1)
		) found ORDER BY rank LIMIT 1`, []any{id(client.UUID), email, phone}, scanLead)
	if err != nil {
		return nil, wrap(err, "lead of client", client)
	}
	if len(ls) == 0 {
		return nil, fmt.Errorf("postgres: no lead of client %s with email %q or phone %q: %w", client, email, phone, storage.ErrNotFound)
	}
	return &ls[0], nil
}

// ListLeads implements [storage.Leads].
func (s *Store) ListLeads(ctx context.Context, client outbound.ClientID) ([]outbound.Lead, error) {
	var w where
	if !client.IsZero() {
		w.add(`client_id = ?`, id(client.UUID))
	}
	ls, err := list(ctx, s, `SELECT `+leadCols+` FROM leads`+w.String()+` ORDER BY id`, w.args, scanLead)
	return ls, wrapList(err, "leads")
}

// ListLeadsByCompany implements [storage.Leads] on the company index:
// lower() under the "C" collation folds ASCII letters only.
func (s *Store) ListLeadsByCompany(ctx context.Context, client outbound.ClientID, domain string) ([]outbound.Lead, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if domain == "" {
		return nil, nil
	}
	var w where
	w.add(`lower(company_domain COLLATE "C") = lower(?::text COLLATE "C")`, domain)
	w.add(`company_domain <> ''`)
	if !client.IsZero() {
		w.add(`client_id = ?`, id(client.UUID))
	}
	ls, err := list(ctx, s, `SELECT `+leadCols+` FROM leads`+w.String()+` ORDER BY id`, w.args, scanLead)
	return ls, wrapList(err, "leads by company")
}

// UpdateLead implements [storage.Leads], with CreateLead's uniqueness rule.
func (s *Store) UpdateLead(ctx context.Context, l *outbound.Lead) error {
	if err := storage.CheckLead(l); err != nil {
		return err
	}
	for try := 0; ; try++ {
		n, err := s.exec(ctx, `UPDATE leads SET client_id = $2, external_id = $3, email = $4, phone = $5, linkedin = $6,
			first_name = $7, last_name = $8, company = $9, company_domain = $10, title = $11, country = $12, region = $13,
			city = $14, postcode = $15, address_line1 = $16, zone = $17, zone_source = $18, score = $19, tier = $20,
			dncr = $21, dncr_washed_at = $22, created_at = $23, industry = $24, employees = $25, score_signals = $26,
			engaged = $27
			WHERE id = $1`, leadArgs(l)...)
		if err == nil {
			return updated(n, nil, "lead", l.ID)
		}
		err, retry := s.leadConflict(ctx, l, err)
		if !retry || try == 2 {
			return err
		}
	}
}

// Enrollments

const enrollmentCols = `id, client_id, campaign_id, lead_id, enrolled_on, next_step, state, paused_until, stop_reason, sticky`

// sticky is an enrollment's Sticky map as a jsonb column: NULL when empty.
type sticky map[outbound.ResourceKind]outbound.ResourceID

func (m sticky) value() ([]byte, error) {
	if len(m) == 0 {
		return nil, nil
	}
	return json.Marshal(map[outbound.ResourceKind]outbound.ResourceID(m))
}

func scanEnrollment(rows pgx.Rows, e *outbound.Enrollment) error {
	var raw []byte
	if err := rows.Scan(scanID(&e.ID.UUID), scanID(&e.Client.UUID), scanID(&e.Campaign.UUID), scanID(&e.Lead.UUID),
		scanDate(&e.EnrolledOn), &e.NextStep, &e.State, scanTime(&e.PausedUntil), &e.StopReason, &raw); err != nil {
		return err
	}
	e.Sticky = nil
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &e.Sticky); err != nil {
			return fmt.Errorf("postgres: enrollment %s sticky: %w", e.ID, err)
		}
	}
	return nil
}

func enrollmentArgs(e *outbound.Enrollment) ([]any, error) {
	raw, err := sticky(e.Sticky).value()
	if err != nil {
		return nil, fmt.Errorf("postgres: enrollment %s sticky: %w", e.ID, err)
	}
	return []any{id(e.ID.UUID), id(e.Client.UUID), id(e.Campaign.UUID), id(e.Lead.UUID), day(e.EnrolledOn),
		e.NextStep, string(e.State), ts(e.PausedUntil), e.StopReason, jsonb(raw)}, nil
}

// jsonb is a jsonb parameter from encoded JSON, NULL when empty.
func jsonb(raw []byte) any {
	if raw == nil {
		return nil
	}
	return string(raw)
}

// CreateEnrollment implements [storage.Enrollments]: the ID and the
// (lead, campaign) pair are unique indexes; either taken is ErrConflict.
func (s *Store) CreateEnrollment(ctx context.Context, e *outbound.Enrollment) error {
	if err := storage.CheckEnrollment(e); err != nil {
		return err
	}
	args, err := enrollmentArgs(e)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO enrollments (`+enrollmentCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`, args...)
	return wrap(err, "enrollment", e.ID)
}

// GetEnrollment implements [storage.Enrollments].
func (s *Store) GetEnrollment(ctx context.Context, eid outbound.EnrollmentID) (*outbound.Enrollment, error) {
	return getOne(ctx, s, "enrollment", eid, `SELECT `+enrollmentCols+` FROM enrollments WHERE id = $1`, []any{id(eid.UUID)}, scanEnrollment)
}

// GetEnrollments implements [storage.Enrollments] in one statement.
func (s *Store) GetEnrollments(ctx context.Context, eids []outbound.EnrollmentID) ([]outbound.Enrollment, error) {
	es, err := getMany(ctx, s, `SELECT `+enrollmentCols+` FROM enrollments WHERE id = ANY($1::uuid[])`, eids, scanEnrollment,
		func(e *outbound.Enrollment) outbound.EnrollmentID { return e.ID })
	return es, wrapList(err, "enrollments")
}

// ListEnrollments implements [storage.Enrollments]: by lead, then campaign.
func (s *Store) ListEnrollments(ctx context.Context, f storage.EnrollmentFilter) ([]outbound.Enrollment, error) {
	var w where
	if !f.Client.IsZero() {
		w.add(`client_id = ?`, id(f.Client.UUID))
	}
	if !f.Campaign.IsZero() {
		w.add(`campaign_id = ?`, id(f.Campaign.UUID))
	}
	if !f.Lead.IsZero() {
		w.add(`lead_id = ?`, id(f.Lead.UUID))
	}
	if f.State != "" {
		w.add(`state = ?`, string(f.State))
	}
	es, err := list(ctx, s, `SELECT `+enrollmentCols+` FROM enrollments`+w.String()+` ORDER BY lead_id, campaign_id`, w.args, scanEnrollment)
	return es, wrapList(err, "enrollments")
}

// UpdateEnrollment implements [storage.Enrollments].
func (s *Store) UpdateEnrollment(ctx context.Context, e *outbound.Enrollment) error {
	if err := storage.CheckEnrollment(e); err != nil {
		return err
	}
	args, err := enrollmentArgs(e)
	if err != nil {
		return err
	}
	n, err := s.exec(ctx, `UPDATE enrollments SET client_id = $2, campaign_id = $3, lead_id = $4, enrolled_on = $5,
		next_step = $6, state = $7, paused_until = $8, stop_reason = $9, sticky = $10::jsonb
		WHERE id = $1`, args...)
	return updated(n, err, "enrollment", e.ID)
}
