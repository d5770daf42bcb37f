package distribution

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// pendingRounds bounds the rounds of one bookPending: a touch that finds
// no resource asks for its fallback, which the next round places.
const pendingRounds = 3

// Book is the first part of Plan, on its own: it books every touch waiting
// for the planner (outbound.TouchPending) and returns how many it
// scheduled. Dispatch and HandleEvent never book: a touch moved off its
// slot, a fallback and a follow-up wait as pending until the leader's
// planner books them, so that every booking is made by one process in the
// store's order. Run's leader does it on every planner pass (woken when
// there is something to book); a host that drives the engine itself calls
// Book, or Plan, after Dispatch and HandleEvent, on one process. Book is
// cheap when nothing is pending: one indexed read.
func (s *Service) Book(ctx context.Context) (int, error) {
	s.planner.passMu.Lock()
	defer s.planner.passMu.Unlock()
	return s.planner.bookPending(ctx)
}

// bookPending is the first part of the planner's pass: it books every
// pending touch (see outbound.TouchPending) in the store's order, earliest
// first, then by ID. Dispatching and applying events never book; they
// leave touches pending here. So every booking is made by the one process
// that plans, in an order that does not depend on which process sent or
// applied what, nor when: the allocator's rotation and spacing history are
// the same however many processes and workers run. One touch that cannot
// be booked does not hold up the others; the first error is returned.
func (s *planner) bookPending(ctx context.Context) (int, error) {
	booked := 0
	var firstErr error
	for range pendingRounds {
		ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Status: outbound.TouchPending})
		if err != nil {
			return booked, fmt.Errorf("distribution: pending touches: %w", err)
		}
		if len(ts) == 0 {
			break
		}
		// The planner books on the current picture of each client.
		if err := s.freshen(ctx, clientsOf(ts)); err != nil {
			return booked, err
		}
		failed := 0
		for i := range ts {
			if err := ctx.Err(); err != nil {
				return booked, err
			}
			n, err := s.bookOne(ctx, &ts[i])
			booked += n
			if err != nil {
				s.log.ErrorContext(ctx, "pending touch not booked", "touch", ts[i].ID.String(), "err", err)
				failed++
				if firstErr == nil {
					firstErr = err
				}
			}
		}
		if failed == len(ts) {
			break // the same touches would fail again
		}
	}
	return booked, firstErr
}

// bookOne books a pending touch from its ScheduledAt (or now): a fallback
// (no Action yet) is placed on its channel as a step of its own; any other
// keeps its channel and action, and its resource when still usable. It
// reports whether the touch was scheduled.
func (s *planner) bookOne(ctx context.Context, t *outbound.Touch) (int, error) {
	e, err := s.store.GetEnrollment(ctx, t.Enrollment)
	if err != nil {
		return 0, fmt.Errorf("distribution: pending touch %s: %w", t.ID, err)
	}
	d, err := s.enrollmentCtx(ctx, e)
	if err != nil {
		return 0, err
	}
	if (!live(e) && !(t.IsAnswer() && answerStands(e))) || d.cs.client.State != outbound.ClientActive {
		reason := e.StopReason
		switch {
		case d.cs.client.State != outbound.ClientActive:
			reason = outbound.ReasonClientChurned
		case reason == "":
			reason = outbound.Reason(e.State) // ReasonReplied, ReasonCompleted, ReasonStopped
		}
		return 0, s.finish(ctx, d, t, outbound.TouchCancelled, reason, false)
	}
	from := t.ScheduledAt
	if from.Before(d.now) {
		from = d.now
	}
	if t.Action == "" {
		return s.placeFallback(ctx, d, t, from)
	}
	supp, err := s.store.Suppressed(ctx, leadQuery(d.lead, t.Channel))
	if err != nil {
		return 0, fmt.Errorf("distribution: pending touch %s: %w", t.ID, err)
	}
	if supp {
		if err := s.finish(ctx, d, t, outbound.TouchCancelled, outbound.ReasonSuppressed, false); err != nil {
			return 0, err
		}
		return 0, s.fallBack(ctx, d, t, outbound.ReasonOptedOut)
	}
	if !s.senders.kinds.Has(t.Channel) {
		return 0, s.noResource(ctx, d, t)
	}
	sticky := t.Resource
	if r, ok := d.cs.res[sticky]; !ok || r.Paused {
		sticky = outbound.ResourceID{}
	}
	pick, deferred, err := s.book(ctx, nil, d.cs, d.rec, t.Channel, t.Action, sticky, from, touchKey(t))
	switch {
	case errors.Is(err, errNoResource):
		return 0, s.noResource(ctx, d, t)
	case errors.Is(err, errNoCapacity), errors.Is(err, timing.ErrNoSlot):
		t.Resource = outbound.ResourceID{}
		return 0, s.finish(ctx, d, t, outbound.TouchSkipped, outbound.ReasonNoCapacity, false)
	case err != nil:
		return 0, err
	}
	s.countUsed(t.Client, outbound.SenderKind(t.Channel), 1)
	old := t.Day
	t.Resource, t.Day, t.ScheduledAt = pick.Resource, pick.Day, pick.At.UTC()
	if err := s.scheduled(ctx, d, t, pick, deferred); err != nil {
		return 0, err
	}
	return 1, s.slipped(ctx, d, t, old)
}

// placeFallback places a pending fallback on its channel, as a step of its
// own from the failed step's number and day; when the lead cannot be
// reached on it, the fallback is stored skipped with why.
func (s *planner) placeFallback(ctx context.Context, d *dispatchCtx, t *outbound.Touch, from time.Time) (int, error) {
	step, ok := s.seq.Step(t.Step)
	if !ok {
		return 0, s.finish(ctx, d, t, outbound.TouchCancelled, outbound.ReasonReplanned, false)
	}
	cond, err := s.conditions(ctx, nil, d.cs, d.lead, d.now)
	if err != nil {
		return 0, err
	}
	why, _ := t.Reason.Fallback()
	nt := *t
	pick, err := s.placeTouch(ctx, nil, d.cs, d.rec, &cond, sequence.Step{Number: step.Number, Day: step.Day, Channel: t.Channel},
		&nt, d.e.Sticky, from, stepKey(t.Lead, t.Step, 7))
	if err != nil {
		return 0, err
	}
	if nt.Status != outbound.TouchScheduled {
		s.log.InfoContext(ctx, "no fallback", "touch", t.ID.String(), "reason", why, "fallback", nt.Reason)
		t.Channel, t.Action, t.Resource = nt.Channel, nt.Action, outbound.ResourceID{}
		return 0, s.finish(ctx, d, t, outbound.TouchSkipped, nt.Reason, false)
	}
	old := t.Day
	nt.Status, nt.Reason = outbound.TouchPending, t.Reason // placeTouch counted the step's own resolution "as planned"
	*t = nt
	if err := s.scheduled(ctx, d, t, pick, ""); err != nil {
		return 0, err
	}
	s.countFallback(t.Client, why)
	return 1, s.slipped(ctx, d, t, old)
}

// scheduled stores a pending touch booked with pick as scheduled; if the
// store refuses, the booking is given back.
func (s *planner) scheduled(ctx context.Context, d *dispatchCtx, t *outbound.Touch, pick allocator.Pick, deferred outbound.Reason) error {
	from := t.Status
	t.Status = outbound.TouchScheduled
	if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
		_ = d.cs.alloc.Release(ctx, pick)
		s.countUsed(t.Client, outbound.SenderKind(t.Channel), -1)
		return fmt.Errorf("distribution: book pending touch %s: %w", t.ID, err)
	}
	s.touchMoved(ctx, t, from, outbound.TouchScheduled)
	if deferred != "" {
		s.countDeferral(t.Client, deferred)
	}
	return nil
}

// touchKey spreads a pending touch over its window: from its ID and
// attempts, so that booking it again lands elsewhere.
func touchKey(t *outbound.Touch) uint64 {
	a := binary.LittleEndian.Uint64(t.ID.UUID[:8])
	b := binary.LittleEndian.Uint64(t.ID.UUID[8:])
	return mix(a ^ mix(b^uint64(t.Attempts)))
}
