package memory

import (
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

// copyEvent returns e with its own Metadata map and UTC instants.
func copyEvent(e outbound.Event) outbound.Event {
	e.Metadata = maps.Clone(e.Metadata)
	e.At, e.ReturnAt, e.RecordedAt = utc(e.At), utc(e.ReturnAt), utc(e.RecordedAt)
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
	if _, ok := s.eventKeys[k]; ok {
		return false, nil
	}
	if _, ok := s.events[e.ID]; ok {
		return false, conflict("event", e.ID)
	}
	s.events[e.ID] = copyEvent(*e)
	s.eventKeys[k] = e.ID
	return true, nil
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

type suppressionKey struct {
	lead    outbound.LeadID
	address string // normalised
	channel channel.Kind
}

// cover is the channels suppressed for one lead or address.
type cover struct {
	all  bool
	some channel.Set
}

func (c cover) has(ch channel.Kind) bool { return c.all || c.some.Has(ch) }

func (c cover) with(ch channel.Kind) cover {
	if ch == "" {
		c.all = true
	} else {
		c.some = c.some.With(ch)
	}
	return c
}

// clientSuppressions is one client's suppressions, indexed for Suppressed.
type clientSuppressions struct {
	list   []outbound.Suppression
	seen   map[suppressionKey]struct{}
	byLead map[outbound.LeadID]cover
	byAddr map[string]cover
}

// AddSuppression implements [storage.Suppressions]. Addresses compare as
// Suppressed compares them, so "Ann@X.com" repeats "ann@x.com".
func (s *Store) AddSuppression(ctx context.Context, sp *outbound.Suppression) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckSuppression(sp); err != nil {
		return err
	}
	k := suppressionKey{sp.Lead, normAddress(sp.Address), sp.Channel}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.suppressions[sp.Client]
	if cs == nil {
		cs = &clientSuppressions{
			seen:   make(map[suppressionKey]struct{}),
			byLead: make(map[outbound.LeadID]cover),
			byAddr: make(map[string]cover),
		}
		s.suppressions[sp.Client] = cs
	}
	if _, ok := cs.seen[k]; ok {
		return nil
	}
	cs.seen[k] = struct{}{}
	v := *sp
	v.Since = utc(v.Since)
	cs.list = append(cs.list, v)
	if !sp.Lead.IsZero() {
		cs.byLead[sp.Lead] = cs.byLead[sp.Lead].with(sp.Channel)
	}
	if k.address != "" {
		cs.byAddr[k.address] = cs.byAddr[k.address].with(sp.Channel)
	}
	return nil
}

// Suppressed implements [storage.Suppressions]. A zero lead and an empty
// address match nothing.
func (s *Store) Suppressed(ctx context.Context, client outbound.ClientID, lead outbound.LeadID, address string, ch channel.Kind) (bool, error) {
	out, err := s.SuppressedAmong(ctx, []storage.SuppressionQuery{{Client: client, Lead: lead, Address: address, Channel: ch}})
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
	for i, q := range qs {
		cs := s.suppressions[q.Client]
		switch {
		case cs == nil:
		case !q.Lead.IsZero() && cs.byLead[q.Lead].has(q.Channel):
			out[i] = true
		case q.Address != "" && cs.byAddr[normAddress(q.Address)].has(q.Channel):
			out[i] = true
		}
	}
	return out, nil
}

// ListSuppressions implements [storage.Suppressions]: a client's (every
// client's when the ID is zero) ordered by client, Since, lead, address and
// channel.
func (s *Store) ListSuppressions(ctx context.Context, client outbound.ClientID) ([]outbound.Suppression, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []outbound.Suppression
	for id, cs := range s.suppressions {
		if client.IsZero() || id == client {
			out = append(out, cs.list...)
		}
	}
	slices.SortFunc(out, func(a, b outbound.Suppression) int {
		if c := cmpID(a.Client.UUID, b.Client.UUID); c != 0 {
			return c
		}
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		if c := cmpID(a.Lead.UUID, b.Lead.UUID); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Address, b.Address), cmp.Compare(a.Channel, b.Channel))
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
