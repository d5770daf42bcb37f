package distribution

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/replies"
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
	numbers      map[outbound.ResourceID]warmup.NumberStats
}

// healthCacheFor is how long, on the Service's clock, one reading of the
// store answers DomainStats for the same window.
const healthCacheFor = time.Minute

// DomainStats is Service.DomainStats: the pool's HealthSource.
func (s *dailyJobs) DomainStats(ctx context.Context, domain outbound.ResourceID, since, until time.Time) (warmup.Stats, error) {
	h, err := s.healthOf(ctx, since, until)
	if err != nil {
		return warmup.Stats{}, err
	}
	return h.stats[domain], nil
}

// NumberStats is Service.NumberStats: the pool's NumberHealthSource.
func (s *dailyJobs) NumberStats(ctx context.Context, phone outbound.ResourceID, since, until time.Time) (warmup.NumberStats, error) {
	h, err := s.healthOf(ctx, since, until)
	if err != nil {
		return warmup.NumberStats{}, err
	}
	return h.numbers[phone], nil
}

// healthOf returns the counts of the window, read from the store unless
// the same window was read less than healthCacheFor ago.
func (s *dailyJobs) healthOf(ctx context.Context, since, until time.Time) (*healthCache, error) {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	now := s.clock.Now()
	h := s.health
	if h == nil || !h.since.Equal(since) || !h.until.Equal(until) || now.Sub(h.built) > healthCacheFor || now.Before(h.built) {
		var err error
		if h, err = s.buildHealth(ctx, since, until); err != nil {
			return nil, err
		}
		h.built = now
		s.health = h
	}
	return h, nil
}

// sentStatuses are the statuses of a touch that went out: sent, delivered,
// or failed after a send (a hard bounce).
var sentStatuses = []outbound.TouchStatus{outbound.TouchSent, outbound.TouchDelivered, outbound.TouchFailed}

// buildHealth counts, in [since, until), every domain's sends, bounces and
// complaints and every phone number's sends, blocks, opt-outs and spam
// labels: the sends from the touches the mailboxes and numbers sent in the
// window, the rest from the events in it, each traced to the touch it
// concerns (read on its own when it went out before the window), or, for
// an inbound text matched by address, to the number it was sent to.
func (s *dailyJobs) buildHealth(ctx context.Context, since, until time.Time) (*healthCache, error) {
	h := &healthCache{since: since, until: until, stats: map[outbound.ResourceID]warmup.Stats{},
		numbers: map[outbound.ResourceID]warmup.NumberStats{}}
	boxes, err := s.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindMailbox})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	phones, err := s.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindPhone})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	if len(boxes) == 0 && len(phones) == 0 {
		return h, nil
	}
	domainOf := make(map[outbound.ResourceID]outbound.ResourceID, len(boxes))
	isPhone := make(map[outbound.ResourceID]bool, len(phones))
	phoneAt := make(map[string]outbound.ResourceID, len(phones))
	ids := make([]outbound.ResourceID, 0, len(boxes)+len(phones))
	for _, b := range boxes {
		domainOf[b.ID] = b.Parent
		ids = append(ids, b.ID)
	}
	for _, p := range phones {
		isPhone[p.ID], phoneAt[p.Address] = true, p.ID
		ids = append(ids, p.ID)
	}
	// sender is the domain whose mailbox sent t by email, or the number
	// that texted or called with it, if either did.
	type sender struct {
		id    outbound.ResourceID
		phone bool
	}
	senderOf := func(t *outbound.Touch) (sender, bool) {
		if t.SentAt.IsZero() || !slices.Contains(sentStatuses, t.Status) {
			return sender{}, false
		}
		switch t.Channel {
		case channel.Email:
			d, ok := domainOf[t.Resource]
			return sender{id: d}, ok
		case channel.SMS, channel.Voice:
			return sender{id: t.Resource, phone: true}, isPhone[t.Resource]
		}
		return sender{}, false
	}
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Resources: ids, Statuses: sentStatuses, SentFrom: since, SentUntil: until})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	sentFrom := make(map[outbound.TouchID]sender, len(ts))
	for i := range ts {
		snd, ok := senderOf(&ts[i])
		if !ok {
			continue
		}
		sentFrom[ts[i].ID] = snd
		if snd.phone {
			n := h.numbers[snd.id]
			n.Sends++
			h.numbers[snd.id] = n
			continue
		}
		st := h.stats[snd.id]
		st.Sends++
		h.stats[snd.id] = st
	}
	evs, err := s.store.ListEvents(ctx, outbound.ClientID{})
	if err != nil {
		return nil, fmt.Errorf("distribution: health: %w", err)
	}
	for i := range evs {
		e := &evs[i]
		if e.At.Before(since) || !e.At.Before(until) {
			continue
		}
		bad := healthCount(&e.Event)
		if bad == countNone {
			continue
		}
		var snd sender
		var ok bool
		switch {
		case !e.Touch.IsZero():
			if snd, ok = sentFrom[e.Touch]; !ok {
				t, err := s.store.GetTouch(ctx, e.Touch)
				switch {
				case errors.Is(err, storage.ErrNotFound):
					continue
				case err != nil:
					return nil, fmt.Errorf("distribution: health: %w", err)
				}
				snd, ok = senderOf(t)
			}
		case e.Kind == channel.SMS || e.Kind == channel.Voice:
			snd.id, ok = phoneAt[e.To]
			snd.phone = true
		}
		if !ok {
			continue
		}
		if snd.phone {
			n := h.numbers[snd.id]
			switch bad {
			case countBlocked:
				n.Blocked++
			case countOptOut:
				n.OptOuts++
			case countSpam:
				n.SpamLikely++
			default:
				continue
			}
			h.numbers[snd.id] = n
			continue
		}
		st := h.stats[snd.id]
		switch bad {
		case countBounce:
			st.Bounces++
		case countComplaint:
			st.Complaints++
		default:
			continue
		}
		h.stats[snd.id] = st
	}
	return h, nil
}

// What an event counts against its sender's health.
const (
	countNone = iota
	countBounce
	countComplaint
	countBlocked
	countOptOut
	countSpam
)

// healthCount says what e counts against the health of what sent the
// touch it concerns: an email's bounce or complaint; a text's bounce (its
// carrier refused it), a STOP or an opt-out, a reply read as an
// unsubscribe; a call's opt-out, or a failure the provider labelled spam.
func healthCount(e *channel.Event) int {
	switch e.Kind {
	case channel.Email:
		switch e.Type {
		case channel.EventBounced:
			return countBounce
		case channel.EventComplained:
			return countComplaint
		}
	case channel.SMS, channel.Voice:
		switch {
		case e.Type == channel.EventBounced && e.Kind == channel.SMS:
			return countBlocked
		case e.Type == channel.EventOptedOut:
			return countOptOut
		case (e.Type == channel.EventReplied || e.Type == channel.EventMessageReceived) &&
			(e.Kind == channel.SMS && channel.ParseKeyword(e.Body) == channel.KeywordOptOut ||
				e.Metadata[MetaReplyClass] == string(replies.Unsubscribe)):
			return countOptOut
		case e.Type == channel.EventCallFailed && strings.Contains(strings.ToLower(e.Detail), "spam"):
			return countSpam
		}
	}
	return countNone
}
