package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// contactKey is one client's email or phone, as the uniqueness rule
// compares it.
type contactKey struct {
	client outbound.ClientID
	value  string
}

func emailKey(client outbound.ClientID, email string) contactKey {
	return contactKey{client, strings.ToLower(email)}
}

// normLead is the lead as the store keeps it: times in UTC, and its own
// copies of the slices, so that neither the caller's later writes nor a
// reader's reach the stored lead.
func normLead(l outbound.Lead) outbound.Lead {
	l.DNCRWashedAt, l.CreatedAt = utc(l.DNCRWashedAt), utc(l.CreatedAt)
	l.ScoreSignals, l.Engaged = slices.Clone(l.ScoreSignals), slices.Clone(l.Engaged)
	return l
}

// duplicate returns the *storage.DuplicateError for l, ignoring the lead
// self, or nil. Email is checked before phone. The caller holds s.mu.
func (s *Store) duplicate(l *outbound.Lead, self outbound.LeadID) error {
	if l.Email != "" {
		if id, ok := s.leadEmail[emailKey(l.Client, l.Email)]; ok && id != self {
			return &storage.DuplicateError{Field: "email", Value: l.Email, Existing: id}
		}
	}
	if l.Phone != "" {
		if id, ok := s.leadPhone[contactKey{l.Client, l.Phone}]; ok && id != self {
			return &storage.DuplicateError{Field: "phone", Value: l.Phone, Existing: id}
		}
	}
	return nil
}

func (s *Store) indexLead(l *outbound.Lead) {
	if l.Email != "" {
		s.leadEmail[emailKey(l.Client, l.Email)] = l.ID
	}
	if l.Phone != "" {
		s.leadPhone[contactKey{l.Client, l.Phone}] = l.ID
	}
}

// lowerASCII lower-cases the ASCII letters of s, leaving every other byte
// as it is: how company domains compare. It does not allocate when s has no
// upper-case ASCII letter.
func lowerASCII(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' })
	if i < 0 {
		return s
	}
	b := []byte(s)
	for j := i; j < len(b); j++ {
		if c := b[j]; 'A' <= c && c <= 'Z' {
			b[j] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// indexCompany adds l to the company index.
func (s *Store) indexCompany(l *outbound.Lead) {
	if l.CompanyDomain == "" {
		return
	}
	d := lowerASCII(l.CompanyDomain)
	byClient := s.leadCompany[d]
	if byClient == nil {
		byClient = make(map[outbound.ClientID][]outbound.LeadID)
		s.leadCompany[d] = byClient
	}
	byClient[l.Client] = append(byClient[l.Client], l.ID)
}

// unindexCompany takes l out of the company index.
func (s *Store) unindexCompany(l *outbound.Lead) {
	if l.CompanyDomain == "" {
		return
	}
	d := lowerASCII(l.CompanyDomain)
	byClient := s.leadCompany[d]
	ids := byClient[l.Client]
	if i := slices.Index(ids, l.ID); i >= 0 {
		ids = slices.Delete(ids, i, i+1)
	}
	switch {
	case len(ids) > 0:
		byClient[l.Client] = ids
	case len(byClient) > 1:
		delete(byClient, l.Client)
	default:
		delete(s.leadCompany, d)
	}
}

func (s *Store) unindexLead(l *outbound.Lead) {
	if l.Email != "" {
		k := emailKey(l.Client, l.Email)
		if s.leadEmail[k] == l.ID {
			delete(s.leadEmail, k)
		}
	}
	if l.Phone != "" {
		k := contactKey{l.Client, l.Phone}
		if s.leadPhone[k] == l.ID {
			delete(s.leadPhone, k)
		}
	}
}

// CreateLead implements [storage.Leads]. Emails compare without regard to
// case, phones exactly; empty values never collide.
func (s *Store) CreateLead(ctx context.Context, l *outbound.Lead) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckLead(l); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.leads[l.ID]; ok {
		return conflict("lead", l.ID)
	}
	if err := s.duplicate(l, outbound.LeadID{}); err != nil {
		return err
	}
	v := normLead(*l)
	s.leads[l.ID] = v
	s.indexLead(&v)
	s.indexCompany(&v)
	return nil
}

// GetLead implements [storage.Leads].
func (s *Store) GetLead(ctx context.Context, id outbound.LeadID) (*outbound.Lead, error) {
	l, err := get(ctx, s, s.leads, "lead", id)
	if err != nil {
		return nil, err
	}
	v := normLead(*l)
	return &v, nil
}

// GetLeads implements [storage.Leads].
func (s *Store) GetLeads(ctx context.Context, ids []outbound.LeadID) ([]outbound.Lead, error) {
	return getMany(ctx, s, s.leads, ids, normLead)
}

// FindLead implements [storage.Leads]: the lead with that email if there is
// one, else the lead with that phone.
func (s *Store) FindLead(ctx context.Context, client outbound.ClientID, email, phone string) (*outbound.Lead, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if email != "" {
		if id, ok := s.leadEmail[emailKey(client, email)]; ok {
			l := normLead(s.leads[id])
			return &l, nil
		}
	}
	if phone != "" {
		if id, ok := s.leadPhone[contactKey{client, phone}]; ok {
			l := normLead(s.leads[id])
			return &l, nil
		}
	}
	return nil, fmt.Errorf("memory: no lead of client %s with email %q or phone %q: %w", client, email, phone, storage.ErrNotFound)
}

// ListLeads implements [storage.Leads].
func (s *Store) ListLeads(ctx context.Context, client outbound.ClientID) ([]outbound.Lead, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := sortedByID(s.leads, func(l *outbound.Lead) bool {
		return client.IsZero() || l.Client == client
	})
	for i := range out {
		out[i] = normLead(out[i])
	}
	return out, nil
}

// ListLeadsByCompany implements [storage.Leads] from an index of leads by
// company domain: it reads only the domain's leads.
func (s *Store) ListLeadsByCompany(ctx context.Context, client outbound.ClientID, domain string) ([]outbound.Lead, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if domain == "" {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	byClient := s.leadCompany[lowerASCII(domain)]
	var ids []outbound.LeadID
	if client.IsZero() {
		for _, cids := range byClient {
			ids = append(ids, cids...)
		}
	} else {
		ids = slices.Clone(byClient[client])
	}
	slices.SortFunc(ids, func(a, b outbound.LeadID) int { return cmpID(a.UUID, b.UUID) })
	out := make([]outbound.Lead, len(ids))
	for i, id := range ids {
		out[i] = normLead(s.leads[id])
	}
	return out, nil
}

// UpdateLead implements [storage.Leads], with CreateLead's uniqueness rule.
func (s *Store) UpdateLead(ctx context.Context, l *outbound.Lead) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckLead(l); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.leads[l.ID]
	if !ok {
		return notFound("lead", l.ID)
	}
	if err := s.duplicate(l, l.ID); err != nil {
		return err
	}
	s.unindexLead(&old)
	v := normLead(*l)
	s.leads[l.ID] = v
	s.indexLead(&v)
	if old.Client != v.Client || lowerASCII(old.CompanyDomain) != lowerASCII(v.CompanyDomain) {
		s.unindexCompany(&old)
		s.indexCompany(&v)
	}
	return nil
}

// Enrollments

type enrollKey struct {
	campaign outbound.CampaignID
	lead     outbound.LeadID
}

// copyEnrollment returns e with its own Sticky map and UTC instants.
func copyEnrollment(e outbound.Enrollment) outbound.Enrollment {
	e.Sticky = maps.Clone(e.Sticky)
	e.PausedUntil = utc(e.PausedUntil)
	return e
}

func pairConflict(e *outbound.Enrollment, holder outbound.EnrollmentID) error {
	return fmt.Errorf("memory: lead %s is enrolled in campaign %s by enrollment %s: %w", e.Lead, e.Campaign, holder, storage.ErrConflict)
}

// CreateEnrollment implements [storage.Enrollments].
func (s *Store) CreateEnrollment(ctx context.Context, e *outbound.Enrollment) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckEnrollment(e); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.enrollments[e.ID]; ok {
		return conflict("enrollment", e.ID)
	}
	k := enrollKey{e.Campaign, e.Lead}
	if id, ok := s.enrollPair[k]; ok {
		return pairConflict(e, id)
	}
	s.enrollments[e.ID] = copyEnrollment(*e)
	s.enrollPair[k] = e.ID
	s.enrollByLead[e.Lead] = append(s.enrollByLead[e.Lead], e.ID)
	return nil
}

// GetEnrollment implements [storage.Enrollments].
func (s *Store) GetEnrollment(ctx context.Context, id outbound.EnrollmentID) (*outbound.Enrollment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.enrollments[id]
	if !ok {
		return nil, notFound("enrollment", id)
	}
	e = copyEnrollment(e)
	return &e, nil
}

// GetEnrollments implements [storage.Enrollments].
func (s *Store) GetEnrollments(ctx context.Context, ids []outbound.EnrollmentID) ([]outbound.Enrollment, error) {
	return getMany(ctx, s, s.enrollments, ids, copyEnrollment)
}

// ListEnrollments implements [storage.Enrollments].
func (s *Store) ListEnrollments(ctx context.Context, f storage.EnrollmentFilter) ([]outbound.Enrollment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	match := func(e *outbound.Enrollment) bool {
		return (f.Client.IsZero() || e.Client == f.Client) &&
			(f.Campaign.IsZero() || e.Campaign == f.Campaign) &&
			(f.Lead.IsZero() || e.Lead == f.Lead) &&
			(f.State == "" || e.State == f.State)
	}
	var out []outbound.Enrollment
	if !f.Lead.IsZero() {
		for _, id := range s.enrollByLead[f.Lead] {
			if e := s.enrollments[id]; match(&e) {
				out = append(out, copyEnrollment(e))
			}
		}
	} else {
		out = make([]outbound.Enrollment, 0, len(s.enrollments))
		for _, e := range s.enrollments {
			if match(&e) {
				out = append(out, copyEnrollment(e))
			}
		}
	}
	slices.SortFunc(out, func(a, b outbound.Enrollment) int {
		if c := cmpID(a.Lead.UUID, b.Lead.UUID); c != 0 {
			return c
		}
		return cmpID(a.Campaign.UUID, b.Campaign.UUID)
	})
	return out, nil
}

// UpdateEnrollment implements [storage.Enrollments]; ErrConflict if it would
// move the enrollment onto a (campaign, lead) another enrollment holds.
func (s *Store) UpdateEnrollment(ctx context.Context, e *outbound.Enrollment) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckEnrollment(e); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.enrollments[e.ID]
	if !ok {
		return notFound("enrollment", e.ID)
	}
	k := enrollKey{e.Campaign, e.Lead}
	if id, ok := s.enrollPair[k]; ok && id != e.ID {
		return pairConflict(e, id)
	}
	if oldKey := (enrollKey{old.Campaign, old.Lead}); oldKey != k {
		delete(s.enrollPair, oldKey)
		s.enrollPair[k] = e.ID
	}
	if old.Lead != e.Lead {
		ids := s.enrollByLead[old.Lead]
		if i := slices.Index(ids, e.ID); i >= 0 {
			ids = slices.Delete(ids, i, i+1)
		}
		if len(ids) == 0 {
			delete(s.enrollByLead, old.Lead)
		} else {
			s.enrollByLead[old.Lead] = ids
		}
		s.enrollByLead[e.Lead] = append(s.enrollByLead[e.Lead], e.ID)
	}
	s.enrollments[e.ID] = copyEnrollment(*e)
	return nil
}
