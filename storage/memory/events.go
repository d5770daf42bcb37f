package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// Events

type eventKey struct{ provider, id string }

// copyEvent returns e with its own Metadata map and Payload, and UTC
// instants.
func copyEvent(e outbound.Event) outbound.Event {
	e.Metadata = maps.Clone(e.Metadata)
	e.Payload = bytes.Clone(e.Payload)
	e.At, e.ReturnAt, e.RecordedAt, e.AppliedAt = utc(e.At), utc(e.ReturnAt), utc(e.RecordedAt), utc(e.AppliedAt)
	return e
}

// RecordEvent implements [storage.Events]. An event whose key is new but
// whose ID is taken yields ErrConflict.
func (s *Store) RecordEvent(ctx context.Context, e *outbound.Event) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if err := storage.CheckEvent(e); err != nil {
		return false, err
	}
	k := eventKey{e.Provider, e.ProviderEventID}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.eventKeys[k]; ok {
		*e = copyEvent(s.events[id])
		return false, nil
	}
	if _, ok := s.events[e.ID]; ok {
		return false, conflict("event", e.ID)
	}
	v := copyEvent(*e)
	s.events[e.ID] = v
	s.eventKeys[k] = e.ID
	if v.AppliedAt.IsZero() {
		s.unapplied[e.ID] = struct{}{}
	}
	return true, nil
}

// MarkEventApplied implements [storage.Events].
func (s *Store) MarkEventApplied(ctx context.Context, id outbound.EventID, at time.Time) error {
	if err := storage.CheckEventApplied(id, at); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.events[id]
	if !ok {
		return notFound("event", id)
	}
	if e.AppliedAt.IsZero() {
		e.AppliedAt = utc(at)
		s.events[id] = e
		delete(s.unapplied, id)
	}
	return nil
}

// UnappliedEvents implements [storage.Events]: ordered by RecordedAt,
// then ID, from an index of the events not applied.
func (s *Store) UnappliedEvents(ctx context.Context, before time.Time, limit int) ([]outbound.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []outbound.Event
	for id := range s.unapplied {
		if e := s.events[id]; e.RecordedAt.Before(before) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b outbound.Event) int {
		if c := a.RecordedAt.Compare(b.RecordedAt); c != 0 {
			return c
		}
		return cmpID(a.ID.UUID, b.ID.UUID)
	})
	out = out[:min(limit, len(out))]
	for i := range out {
		out[i] = copyEvent(out[i])
	}
	return out, nil
}

// ListEvents implements [storage.Events]: ordered by At, then ID.
func (s *Store) ListEvents(ctx context.Context, client outbound.ClientID) ([]outbound.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]outbound.Event, 0, len(s.events))
	for _, e := range s.events {
		if client.IsZero() || e.Client == client {
			out = append(out, copyEvent(e))
		}
	}
	slices.SortFunc(out, func(a, b outbound.Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmpID(a.ID.UUID, b.ID.UUID)
	})
	return out, nil
}

// Suppressions

// normAddress is the form addresses compare in: emails without regard to
// case, anything else exactly.
func normAddress(a string) string {
	if strings.Contains(a, "@") {
		return strings.ToLower(a)
	}
	return a
}

// normKey is the form suppression keys compare in: addresses as
// normAddress, domains without regard to ASCII case.
func normKey(k storage.SuppressionKey) storage.SuppressionKey {
	k.Address, k.Domain = normAddress(k.Address), lowerASCII(k.Domain)
	return k
}

// clientSuppressions is one client's suppressions (or the platform-wide
// ones, under the zero client), indexed for Suppressed by lead, address
// and domain. Each index holds every suppression of its key, lifted ones
// too: a lookup skips those.
type clientSuppressions struct {
	byKey    map[storage.SuppressionKey]*outbound.Suppression // by normKey
	byLead   map[outbound.LeadID][]*outbound.Suppression
	byAddr   map[string][]*outbound.Suppression // normalised
	byDomain map[string][]*outbound.Suppression // normalised
}

// covers reports whether one of sps is in force on ch.
func covers(sps []*outbound.Suppression, ch channel.Kind) bool {
	for _, sp := range sps {
		if sp.Active() && (sp.Channel == "" || sp.Channel == ch) {
			return true
		}
	}
	return false
}

// covered reports whether cs has a suppression in force that covers q.
func (cs *clientSuppressions) covered(q *storage.SuppressionQuery) bool {
	if cs == nil {
		return false
	}
	return (!q.Lead.IsZero() && covers(cs.byLead[q.Lead], q.Channel)) ||
		(q.Address != "" && covers(cs.byAddr[normAddress(q.Address)], q.Channel)) ||
		(q.Domain != "" && covers(cs.byDomain[lowerASCII(q.Domain)], q.Channel))
}

// AddSuppression implements [storage.Suppressions]. Keys compare as
// Suppressed compares them, so "Ann@X.com" repeats "ann@x.com".
func (s *Store) AddSuppression(ctx context.Context, sp *outbound.Suppression) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckSuppression(sp); err != nil {
		return err
	}
	k := normKey(storage.KeyOf(sp))
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.suppressions[sp.Client]
	if cs == nil {
		cs = &clientSuppressions{
			byKey:    make(map[storage.SuppressionKey]*outbound.Suppression),
			byLead:   make(map[outbound.LeadID][]*outbound.Suppression),
			byAddr:   make(map[string][]*outbound.Suppression),
			byDomain: make(map[string][]*outbound.Suppression),
		}
		s.suppressions[sp.Client] = cs
	}
	if cur, ok := cs.byKey[k]; ok {
		if !cur.Active() {
			cur.Reason, cur.Since = sp.Reason, utc(sp.Since)
			cur.LiftedAt, cur.LiftedBy, cur.LiftReason = time.Time{}, "", ""
		}
		return nil
	}
	v := *sp
	v.Since = utc(v.Since)
	rec := &v
	cs.byKey[k] = rec
	switch {
	case !k.Lead.IsZero():
		cs.byLead[k.Lead] = append(cs.byLead[k.Lead], rec)
	case k.Address != "":
		cs.byAddr[k.Address] = append(cs.byAddr[k.Address], rec)
	default:
		cs.byDomain[k.Domain] = append(cs.byDomain[k.Domain], rec)
	}
	return nil
}

// LiftSuppression implements [storage.Suppressions].
func (s *Store) LiftSuppression(ctx context.Context, k storage.SuppressionKey, by string, reason outbound.Reason, at time.Time) (bool, error) {
	if err := storage.CheckLift(k, at); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.suppressions[k.Client]
	if cs == nil {
		return false, nil
	}
	sp, ok := cs.byKey[normKey(k)]
	if !ok || !sp.Active() {
		return false, nil
	}
	sp.LiftedAt, sp.LiftedBy, sp.LiftReason = utc(at), by, reason
	return true, nil
}

// Suppressed implements [storage.Suppressions].
func (s *Store) Suppressed(ctx context.Context, q storage.SuppressionQuery) (bool, error) {
	out, err := s.SuppressedAmong(ctx, []storage.SuppressionQuery{q})
	if err != nil {
		return false, err
	}
	return out[0], nil
}

// SuppressedAmong implements [storage.Suppressions] under one read lock.
func (s *Store) SuppressedAmong(ctx context.Context, qs []storage.SuppressionQuery) ([]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]bool, len(qs))
	everyone := s.suppressions[outbound.ClientID{}]
	for i := range qs {
		out[i] = s.suppressions[qs[i].Client].covered(&qs[i]) || everyone.covered(&qs[i])
	}
	return out, nil
}

// ListSuppressions implements [storage.Suppressions]: the client's (the
// platform-wide ones for the zero ID) ordered by Since, lead, address,
// domain and channel.
func (s *Store) ListSuppressions(ctx context.Context, client outbound.ClientID) ([]outbound.Suppression, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	cs := s.suppressions[client]
	if cs == nil {
		return nil, nil
	}
	out := make([]outbound.Suppression, 0, len(cs.byKey))
	for _, sp := range cs.byKey {
		out = append(out, *sp)
	}
	slices.SortFunc(out, func(a, b outbound.Suppression) int {
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		if c := cmpID(a.Lead.UUID, b.Lead.UUID); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Address, b.Address), cmp.Compare(a.Domain, b.Domain), cmp.Compare(a.Channel, b.Channel))
	})
	return out, nil
}

// Washes

// PutWash implements [storage.Washes]: a result older than the stored one
// is ignored; one as recent replaces it.
func (s *Store) PutWash(ctx context.Context, w outbound.WashResult) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.Phone == "" {
		return invalid("wash", "phone", "", "must be set")
	}
	w.WashedAt = utc(w.WashedAt)
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.washes[w.Phone]; ok && w.WashedAt.Before(cur.WashedAt) {
		return nil
	}
	s.washes[w.Phone] = w
	return nil
}

// GetWash implements [storage.Washes].
func (s *Store) GetWash(ctx context.Context, phone string) (outbound.WashResult, error) {
	if err := ctx.Err(); err != nil {
		return outbound.WashResult{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	w, ok := s.washes[phone]
	if !ok {
		return outbound.WashResult{}, fmt.Errorf("memory: wash of %q: %w", phone, storage.ErrNotFound)
	}
	return w, nil
}

// GetWashes implements [storage.Washes].
func (s *Store) GetWashes(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	return getMany(ctx, s, s.washes, phones, func(w outbound.WashResult) outbound.WashResult { return w })
}

// WashesBefore implements [storage.Washes]: results washed strictly before
// t, ordered by phone.
func (s *Store) WashesBefore(ctx context.Context, t time.Time) ([]outbound.WashResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []outbound.WashResult
	for _, w := range s.washes {
		if w.WashedAt.Before(t) {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b outbound.WashResult) int { return cmp.Compare(a.Phone, b.Phone) })
	return out, nil
}
