package distribution

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

// clientState is what the Service keeps per client: its resources and the
// allocator over them.
type clientState struct {
	client outbound.Client
	loc    *time.Location
	alloc  *allocator.Allocator
	res    map[outbound.ResourceID]outbound.Resource // the assigned senders, as last loaded
	usable channel.Set                               // channels with a usable sender and a configured channel
}

// senderKinds are the resource kinds that send.
var senderKinds = [...]outbound.ResourceKind{outbound.KindMailbox, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender}

// warmupMatureAge is the age assumed for a mailbox with no purchase date.
const warmupMatureAge = 10000

// client returns the state of a client, loading it on first use.
func (s *shared) client(ctx context.Context, id outbound.ClientID) (*clientState, error) {
	s.mu.RLock()
	cs := s.clients[id]
	s.mu.RUnlock()
	if cs != nil {
		return cs, nil
	}
	return s.refresh(ctx, id)
}

// refresh loads a client and its resources from the store and brings its
// allocator up to date: new resources join, gone ones leave, pauses follow
// the resources' (and their domains') Paused flags.
func (s *shared) refresh(ctx context.Context, id outbound.ClientID) (*clientState, error) {
	c, err := s.store.GetClient(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("distribution: client %s: %w", id, err)
	}
	loc, err := s.location(c.DefaultZone)
	if err != nil {
		return nil, fmt.Errorf("distribution: client %s default zone: %w", id, err)
	}
	all, err := s.store.ListResources(ctx, storage.ResourceFilter{Client: id, State: outbound.StateAssigned})
	if err != nil {
		return nil, fmt.Errorf("distribution: resources of client %s: %w", id, err)
	}
	domains := map[outbound.ResourceID]outbound.Resource{}
	for _, r := range all {
		if r.Kind == outbound.KindDomain {
			domains[r.ID] = r
		}
	}
	res := map[outbound.ResourceID]outbound.Resource{}
	for _, r := range all {
		// A sender no adapter sends for (its provider has none configured)
		// is left out, as if the client did not hold it.
		if slices.Contains(senderKinds[:], r.Kind) && s.senders.channelsOf(&r) != 0 {
			if d, ok := domains[r.Parent]; ok {
				r.Paused = r.Paused || d.Paused
				if r.PurchasedAt.IsZero() || d.PurchasedAt.Before(r.PurchasedAt) {
					r.PurchasedAt = d.PurchasedAt // warmup counts from the domain's purchase
				}
			}
			res[r.ID] = r
		}
	}
	if c.State == outbound.ClientChurned {
		res = map[outbound.ResourceID]outbound.Resource{}
	}

	// The state is a snapshot: readers hold the one they got, a refresh
	// replaces it (sharing the allocator, which is safe for concurrent use).
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.clients[id]
	cs := &clientState{client: *c, loc: loc, res: res}
	fresh := old == nil || old.loc != loc
	if fresh {
		a, err := allocator.New(s.allocConfig(), nil)
		if err != nil {
			return nil, fmt.Errorf("distribution: allocator: %w", err)
		}
		cs.alloc = a
		old = &clientState{res: map[outbound.ResourceID]outbound.Resource{}}
	} else {
		cs.alloc = old.alloc
	}
	for rid := range old.res {
		if _, ok := res[rid]; !ok {
			if err := cs.alloc.Remove(rid); err != nil && !errors.Is(err, allocator.ErrUnknownResource) {
				return nil, err
			}
		}
	}
	ids := make([]outbound.ResourceID, 0, len(res))
	for rid := range res {
		ids = append(ids, rid)
	}
	slices.SortFunc(ids, func(a, b outbound.ResourceID) int { return cmpUUID(a.UUID, b.UUID) })
	for _, rid := range ids {
		r := res[rid]
		prev, had := old.res[rid]
		switch {
		case !had:
			err = cs.alloc.Add(allocator.Resource{ID: r.ID, Kind: r.Kind, Location: loc, PurchasedAt: r.PurchasedAt, Paused: r.Paused,
				Throttle: r.Throttle, Channels: s.senders.channelsOf(&r)})
		default:
			if prev.Paused != r.Paused {
				err = cs.alloc.SetPaused(r.ID, r.Paused)
			}
			if err == nil && prev.Throttle != r.Throttle {
				err = cs.alloc.SetThrottle(r.ID, r.Throttle)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("distribution: resource %s: %w", r.ID, err)
		}
	}
	for _, r := range res {
		if r.Paused {
			continue
		}
		cs.usable |= s.senders.channelsOf(&r)
	}
	if fresh {
		if err := s.recordSpacing(ctx, cs); err != nil {
			s.log.WarnContext(ctx, "spacing history not loaded", "client", id.String(), "err", err)
		}
	}
	s.clients[id] = cs
	return cs, nil
}

// allocConfig is the allocator configuration every client's allocator
// shares: the configured caps, the store's bookings as the counter and the
// warmup curve as the mailbox limiter.
func (s *shared) allocConfig() allocator.Config {
	c := s.cfg.Caps
	c.Counter = s.store
	w := s.cfg.Warmup
	c.Limiter = allocator.DailyLimitFunc(func(r allocator.Resource, day timing.Date) int {
		h := warmup.Health{Throttle: r.Throttle}
		if r.PurchasedAt.IsZero() {
			return w.DailyLimit(warmupMatureAge, h)
		}
		return w.DailyLimit(int(day-timing.DateIn(r.PurchasedAt, r.Location)), h)
	})
	return c
}

// recordSpacing loads the client's booked sends into a new allocator's
// spacing history, so that a restarted process keeps mailboxes apart: the
// touches still to go, and those sent in the last hour (two reads that
// stay small however long the client's history grows).
func (s *shared) recordSpacing(ctx context.Context, cs *clientState) error {
	now := s.clock.Now()
	pending, err := s.store.ListTouches(ctx, storage.TouchFilter{Client: cs.client.ID,
		Statuses: []outbound.TouchStatus{outbound.TouchScheduled, outbound.TouchSending}})
	if err != nil {
		return err
	}
	recent, err := s.store.ListTouches(ctx, storage.TouchFilter{Client: cs.client.ID,
		Statuses: []outbound.TouchStatus{outbound.TouchSent, outbound.TouchDelivered}, SentFrom: now.Add(-time.Hour)})
	if err != nil {
		return err
	}
	record := func(t *outbound.Touch, at time.Time) error {
		if t.Resource.IsZero() {
			return nil
		}
		err := cs.alloc.Record(allocator.Pick{Resource: t.Resource, Action: t.Action, Day: t.Day, At: at})
		if errors.Is(err, allocator.ErrUnknownResource) {
			return nil
		}
		return err
	}
	for i := range pending {
		if err := record(&pending[i], pending[i].ScheduledAt); err != nil {
			return err
		}
	}
	for i := range recent {
		if err := record(&recent[i], recent[i].SentAt); err != nil {
			return err
		}
	}
	return nil
}

// clientsOf returns the clients of ts, each once, in the order they first
// appear.
func clientsOf(ts []outbound.Touch) []outbound.ClientID {
	ids := make([]outbound.ClientID, 0, 4)
	for i := range ts {
		if !slices.Contains(ids, ts[i].Client) {
			ids = append(ids, ts[i].Client)
		}
	}
	return ids
}

// freshen reloads the pictures this process keeps of the clients among
// ids whose stored Version moved on since they were loaded: a resource
// paused, assigned or released, or the client changed, by any process.
// The store answers every version in one call.
func (s *shared) freshen(ctx context.Context, ids []outbound.ClientID) error {
	vs, err := s.store.ClientVersions(ctx, ids)
	if err != nil {
		return fmt.Errorf("distribution: client versions: %w", err)
	}
	for id, v := range vs {
		s.mu.RLock()
		cs := s.clients[id]
		s.mu.RUnlock()
		if cs != nil && cs.client.Version != v {
			if _, err := s.refresh(ctx, id); err != nil {
				return err
			}
		}
	}
	return nil
}
