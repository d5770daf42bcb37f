package distribution

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
)

// Counters are running totals a host can export to its metrics system. They
// count what this Service did since it was built, in all and per client
// (Service.Counters, Service.ClientCounters); other processes sharing the
// store keep their own.
type Counters struct {
	// Touches counts touches by channel used (the step's channel for a
	// skipped touch) and current status: a touch moves from one status to
	// the next, so the figures are a snapshot of the touches this Service
	// planned or handled.
	Touches map[channel.Kind]map[outbound.TouchStatus]int
	// Fallbacks counts touches that went out on a step's fallback channel,
	// by the reason the step's own channel could not be used.
	Fallbacks map[outbound.Reason]int
	// Deferrals counts touches planned later than their earliest slot, by
	// the reason (daily_cap, weekly_cap, spacing, window_passed, retry, ...).
	Deferrals map[outbound.Reason]int
	// Replies counts applied replies.
	Replies int
	// Meetings counts meetings booked (a reschedule is the same meeting).
	Meetings int
	// Answered counts answers to replies queued to go (written so, or
	// drafts approved); Drafted counts drafts written for approval.
	Answered, Drafted int
	// Events counts applied inbound events by type (duplicates excluded).
	Events map[channel.EventType]int
	// Warned counts touches sent with a warning (Touch.Warning: an SMS in
	// more than one billed part), by channel.
	Warned map[channel.Kind]int
	// Capacity is capacity booked (planned or sent) against capacity
	// offered, per resource kind; see CapacityUse.
	Capacity map[outbound.ResourceKind]CapacityUse
}

// CapacityUse is capacity booked against capacity offered over a span.
type CapacityUse struct {
	// Used is the bookings this Service holds: touches planned or sent,
	// less those released.
	Used int
	// Available is the capacity the client resources of the kind offered on
	// the resource-days from the first to the last day with a booking, as of
	// the last Daily (0 before the first): the sum of each resource's daily
	// caps (a mailbox's from its warmup curve; an unlimited cap counts as
	// what was used).
	Available int
}

func (c Counters) clone() Counters {
	out := Counters{
		Touches:   make(map[channel.Kind]map[outbound.TouchStatus]int, len(c.Touches)),
		Fallbacks: maps.Clone(c.Fallbacks),
		Deferrals: maps.Clone(c.Deferrals),
		Replies:   c.Replies,
		Meetings:  c.Meetings,
		Answered:  c.Answered,
		Drafted:   c.Drafted,
		Events:    maps.Clone(c.Events),
		Warned:    maps.Clone(c.Warned),
		Capacity:  maps.Clone(c.Capacity),
	}
	for k, m := range c.Touches {
		out.Touches[k] = maps.Clone(m)
	}
	return out
}

// tally keeps the counters of this process and of each client it served.
type tally struct {
	mu      sync.Mutex
	total   Counters
	clients map[outbound.ClientID]*Counters
}

func newTally() *tally {
	return &tally{total: newCounters(), clients: map[outbound.ClientID]*Counters{}}
}

func newCounters() Counters {
	return Counters{
		Touches:   map[channel.Kind]map[outbound.TouchStatus]int{},
		Fallbacks: map[outbound.Reason]int{},
		Deferrals: map[outbound.Reason]int{},
		Events:    map[channel.EventType]int{},
		Warned:    map[channel.Kind]int{},
		Capacity:  map[outbound.ResourceKind]CapacityUse{},
	}
}

// add applies f to the process's counters and, when client is set, to the
// client's.
func (t *tally) add(client outbound.ClientID, f func(*Counters)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(&t.total)
	if client.IsZero() {
		return
	}
	c := t.clients[client]
	if c == nil {
		n := newCounters()
		c = &n
		t.clients[client] = c
	}
	f(c)
}

// snapshot returns a copy of the process's counters, or of one client's
// (zero counters for a client this process never served).
func (t *tally) snapshot(client outbound.ClientID, whole bool) Counters {
	t.mu.Lock()
	defer t.mu.Unlock()
	if whole {
		return t.total.clone()
	}
	if c := t.clients[client]; c != nil {
		return c.clone()
	}
	return newCounters()
}

// countTouch moves one of the client's touches from one status to another
// in the counters (from "" for a new touch).
func (s *shared) countTouch(client outbound.ClientID, k channel.Kind, from, to outbound.TouchStatus) {
	if from == to {
		return
	}
	s.tally.add(client, func(c *Counters) {
		m := c.Touches[k]
		if m == nil {
			m = map[outbound.TouchStatus]int{}
			c.Touches[k] = m
		}
		if from != "" && m[from] > 0 {
			m[from]--
		}
		m[to]++
	})
}

func (s *shared) countFallback(client outbound.ClientID, reason outbound.Reason) {
	s.tally.add(client, func(c *Counters) { c.Fallbacks[reason]++ })
}

func (s *shared) countDeferral(client outbound.ClientID, reason outbound.Reason) {
	s.tally.add(client, func(c *Counters) { c.Deferrals[reason]++ })
}

func (s *shared) countUsed(client outbound.ClientID, kind outbound.ResourceKind, delta int) {
	s.tally.add(client, func(c *Counters) {
		u := c.Capacity[kind]
		u.Used += delta
		c.Capacity[kind] = u
	})
}

// touchMoved records that a touch moved from one status to another (from
// "" for a new one): the counters, and the host's hook when it reached an
// end state or went to the provider.
func (s *shared) touchMoved(ctx context.Context, t *outbound.Touch, from, to outbound.TouchStatus) {
	if from == to {
		return
	}
	s.countTouch(t.Client, touchKind(t), from, to)
	if kind, ok := touchChange(to); ok {
		at := time.Time{} // now
		if to == outbound.TouchSent {
			at = t.SentAt
		}
		s.notify(ctx, Change{Kind: kind, At: at, Client: t.Client, Campaign: t.Campaign, Enrollment: t.Enrollment, Lead: t.Lead,
			Touch: t.ID, Resource: t.Resource, Channel: touchKind(t), Reason: t.Reason, Provider: t.Provider, ScheduledAt: t.ScheduledAt})
	}
}

// touchKind is the channel a touch counts under: the one used, or the
// step's for a skipped touch.
func touchKind(t *outbound.Touch) channel.Kind {
	if t.Channel != "" {
		return t.Channel
	}
	return t.StepChannel
}
