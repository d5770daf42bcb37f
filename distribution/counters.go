package distribution

import (
	"maps"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
)

// Counters are running totals a host can export to its metrics system. They
// count what this Service did since it was built (other processes sharing
// the store keep their own).
type Counters struct {
	// Touches counts touches by channel used (the step's channel for a
	// skipped touch) and current status: a touch moves from one status to
	// the next, so the figures are a snapshot of the touches this Service
	// planned or handled.
	Touches map[channel.Kind]map[outbound.TouchStatus]int
	// Fallbacks counts touches that went out on a step's fallback channel,
	// by the reason the step's own channel could not be used.
	Fallbacks map[string]int
	// Deferrals counts touches planned later than their earliest slot, by
	// the reason (daily_cap, weekly_cap, spacing, window_passed, retry, ...).
	Deferrals map[string]int
	// Replies counts applied replies.
	Replies int
	// Events counts applied inbound events by type (duplicates excluded).
	Events map[channel.EventType]int
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
		Events:    maps.Clone(c.Events),
		Capacity:  maps.Clone(c.Capacity),
	}
	for k, m := range c.Touches {
		out.Touches[k] = maps.Clone(m)
	}
	return out
}

// countTouch moves one touch from one status to another in the counters
// (from "" for a new touch).
func (s *shared) countTouch(k channel.Kind, from, to outbound.TouchStatus) {
	if from == to {
		return
	}
	s.cmu.Lock()
	defer s.cmu.Unlock()
	m := s.counters.Touches[k]
	if m == nil {
		m = map[outbound.TouchStatus]int{}
		s.counters.Touches[k] = m
	}
	if from != "" && m[from] > 0 {
		m[from]--
	}
	m[to]++
}

func (s *shared) countFallback(reason string) {
	s.cmu.Lock()
	s.counters.Fallbacks[reason]++
	s.cmu.Unlock()
}

func (s *shared) countDeferral(reason string) {
	s.cmu.Lock()
	s.counters.Deferrals[reason]++
	s.cmu.Unlock()
}

func (s *shared) countUsed(kind outbound.ResourceKind, delta int) {
	s.cmu.Lock()
	u := s.counters.Capacity[kind]
	u.Used += delta
	s.counters.Capacity[kind] = u
	s.cmu.Unlock()
}

// touchKind is the channel a touch counts under: the one used, or the
// step's for a skipped touch.
func touchKind(t *outbound.Touch) channel.Kind {
	if t.Channel != "" {
		return t.Channel
	}
	return t.StepChannel
}
