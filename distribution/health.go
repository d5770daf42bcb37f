package distribution

import (
	"context"
	"fmt"
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

// DomainStats implements pool.HealthSource from the store: a domain's sends
// are the email touches its mailboxes sent with SentAt in [since, until);
// its bounces and complaints the hard-bounce and complaint events matched to
// touches its mailboxes sent, with At in [since, until). Daily reads the
// store once for the pool's evaluation; other calls read it again unless
// the same window was read less than a minute ago (on the clock).
func (s *Service) DomainStats(ctx context.Context, domain outbound.ResourceID, since, until time.Time) (warmup.Stats, error) {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	now := s.clock.Now()
	h := s.health
	if h == nil || !h.since.Equal(since) || !h.until.Equal(until) || now.Sub(h.built) > healthCacheFor || now.Before(h.built) {
		sent, err := s.sentTouches(ctx)
		if err != nil {
			return warmup.Stats{}, err
		}
		if h, err = s.buildHealth(ctx, sent, since, until); err != nil {
			return warmup.Stats{}, err
		}
		h.built = now
		s.health = h
	}
	return h.stats[domain], nil
}

// buildHealth counts every domain's sends, bounces and complaints in
// [since, until) from the touches that went out and the recorded events.
func (s *Service) buildHealth(ctx context.Context, sent [][]outbound.Touch, since, until time.Time) (*healthCache, error) {
	boxes, err := s.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindMailbox})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	domainOf := make(map[outbound.ResourceID]outbound.ResourceID, len(boxes))
	for _, b := range boxes {
		domainOf[b.ID] = b.Parent
	}
	h := &healthCache{since: since, until: until, stats: map[outbound.ResourceID]warmup.Stats{}}
	sentFrom := map[outbound.TouchID]outbound.ResourceID{}
	in := func(t time.Time) bool { return !t.Before(since) && t.Before(until) }
	for _, ts := range sent {
		for i := range ts {
			t := &ts[i]
			if t.Channel != channel.Email || t.SentAt.IsZero() {
				continue
			}
			d, ok := domainOf[t.Resource]
			if !ok {
				continue
			}
			sentFrom[t.ID] = d
			if in(t.SentAt) {
				st := h.stats[d]
				st.Sends++
				h.stats[d] = st
			}
		}
	}
	evs, err := s.store.ListEvents(ctx, outbound.ClientID{})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	for _, e := range evs {
		if e.Kind != channel.Email || e.Touch.IsZero() || !in(e.At) {
			continue
		}
		d, ok := sentFrom[e.Touch]
		if !ok {
			continue
		}
		st := h.stats[d]
		switch e.Type {
		case channel.EventBounced:
			st.Bounces++
		case channel.EventComplained:
			st.Complaints++
		default:
			continue
		}
		h.stats[d] = st
	}
	return h, nil
}
