package distribution

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

var _ pool.HealthSource = (*Service)(nil)

// healthCache holds every domain's counts over one window, so that a health
// evaluation over many domains reads the store once.
type healthCache struct {
	since, until time.Time
	built        time.Time
	stats        map[outbound.ResourceID]warmup.Stats
}

// healthCacheFor is how long, on the Service's clock, one reading of the
// store answers DomainStats for the same window.
const healthCacheFor = time.Minute

// DomainStats is Service.DomainStats: the pool's HealthSource.
func (s *dailyJobs) DomainStats(ctx context.Context, domain outbound.ResourceID, since, until time.Time) (warmup.Stats, error) {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	now := s.clock.Now()
	h := s.health
	if h == nil || !h.since.Equal(since) || !h.until.Equal(until) || now.Sub(h.built) > healthCacheFor || now.Before(h.built) {
		var err error
		if h, err = s.buildHealth(ctx, since, until); err != nil {
			return warmup.Stats{}, err
		}
		h.built = now
		s.health = h
	}
	return h.stats[domain], nil
}

// sentStatuses are the statuses of a touch that went out: sent, delivered,
// or failed after a send (a hard bounce).
var sentStatuses = []outbound.TouchStatus{outbound.TouchSent, outbound.TouchDelivered, outbound.TouchFailed}

// buildHealth counts every domain's sends, bounces and complaints in
// [since, until): the sends from the touches the mailboxes sent in the
// window, the bounces and complaints from the events in it, each traced to
// the touch it concerns (read on its own when it went out before the
// window).
func (s *dailyJobs) buildHealth(ctx context.Context, since, until time.Time) (*healthCache, error) {
	boxes, err := s.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindMailbox})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	h := &healthCache{since: since, until: until, stats: map[outbound.ResourceID]warmup.Stats{}}
	if len(boxes) == 0 {
		return h, nil
	}
	domainOf := make(map[outbound.ResourceID]outbound.ResourceID, len(boxes))
	ids := make([]outbound.ResourceID, len(boxes))
	for i, b := range boxes {
		domainOf[b.ID], ids[i] = b.Parent, b.ID
	}
	// domain is the domain whose mailbox sent t by email, if one did.
	domain := func(t *outbound.Touch) (outbound.ResourceID, bool) {
		if t.Channel != channel.Email || t.SentAt.IsZero() || !slices.Contains(sentStatuses, t.Status) {
			return outbound.ResourceID{}, false
		}
		d, ok := domainOf[t.Resource]
		return d, ok
	}
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Resources: ids, Statuses: sentStatuses, SentFrom: since, SentUntil: until})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	sentFrom := make(map[outbound.TouchID]outbound.ResourceID, len(ts))
	for i := range ts {
		if d, ok := domain(&ts[i]); ok {
			sentFrom[ts[i].ID] = d
			st := h.stats[d]
			st.Sends++
			h.stats[d] = st
		}
	}
	evs, err := s.store.ListEvents(ctx, outbound.ClientID{})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	for _, e := range evs {
		if e.Kind != channel.Email || e.Touch.IsZero() || e.At.Before(since) || !e.At.Before(until) ||
			(e.Type != channel.EventBounced && e.Type != channel.EventComplained) {
			continue
		}
		d, ok := sentFrom[e.Touch]
		if !ok {
			t, err := s.store.GetTouch(ctx, e.Touch)
			switch {
			case errors.Is(err, storage.ErrNotFound):
				continue
			case err != nil:
				return nil, fmt.Errorf("distribution: health: %w", err)
			}
			if d, ok = domain(t); !ok {
				continue
			}
		}
		st := h.stats[d]
		if e.Type == channel.EventBounced {
			st.Bounces++
		} else {
			st.Complaints++
		}
		h.stats[d] = st
	}
	return h, nil
}
