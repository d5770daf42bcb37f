package distribution

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// enrollmentCtx loads what acting on an enrollment needs.
func (s *planner) enrollmentCtx(ctx context.Context, e *outbound.Enrollment) (*dispatchCtx, error) {
	d := &dispatchCtx{now: s.clock.Now(), e: e}
	var err error
	if d.cs, err = s.client(ctx, e.Client); err != nil {
		return nil, err
	}
	if d.lead, err = s.store.GetLead(ctx, e.Lead); err != nil {
		return nil, fmt.Errorf("distribution: enrollment %s: %w", e.ID, err)
	}
	if d.rec, err = s.recipient(d.lead); err != nil {
		return nil, err
	}
	return d, nil
}

// finish ends a touch with a final status and reason, releasing its
// capacity when release is set (it did not go out).
func (s *planner) finish(ctx context.Context, d *dispatchCtx, t *outbound.Touch, status outbound.TouchStatus, reason outbound.Reason, release bool) error {
	from := t.Status
	if release && !t.Resource.IsZero() {
		s.releaseBooking(ctx, d.cs, t)
	}
	t.Status, t.Reason = status, reason
	t.LeasedBy, t.LeaseUntil = "", time.Time{}
	if err := s.store.UpdateTouch(ctx, t, d.worker); err != nil {
		if errors.Is(err, storage.ErrLeaseLost) {
			return nil
		}
		return fmt.Errorf("distribution: touch %s %s: %w", t.ID, status, err)
	}
	s.touchMoved(ctx, t, from, status)
	return nil
}

// releaseBooking gives back a touch's booking.
func (s *planner) releaseBooking(ctx context.Context, cs *clientState, t *outbound.Touch) {
	if t.Resource.IsZero() || t.Action == "" {
		return
	}
	p := allocator.Pick{Resource: t.Resource, Action: t.Action, Day: t.Day, At: t.ScheduledAt}
	if err := cs.alloc.Release(ctx, p); err != nil {
		s.log.WarnContext(ctx, "booking not released", "touch", t.ID.String(), "resource", t.Resource.String(), "err", err)
		return
	}
	s.countUsed(t.Client, outbound.SenderKind(t.Channel), -1)
}

// reschedule moves a touch to instant at: in place when at is inside its
// window on the day it is booked on, else booked again from at.
func (s *planner) reschedule(ctx context.Context, d *dispatchCtx, t *outbound.Touch, at time.Time, reason outbound.Reason) error {
	old := t.ScheduledAt
	if s.sched.Contains(t.Channel, d.rec, at) && timing.DateIn(at, d.cs.loc) == t.Day {
		from := t.Status
		t.Status, t.ScheduledAt = outbound.TouchScheduled, at.UTC()
		t.LeasedBy, t.LeaseUntil = "", time.Time{}
		if err := s.store.UpdateTouch(ctx, t, d.worker); err != nil {
			if errors.Is(err, storage.ErrLeaseLost) {
				return nil
			}
			return fmt.Errorf("distribution: reschedule touch %s: %w", t.ID, err)
		}
		s.touchMoved(ctx, t, from, outbound.TouchScheduled)
		s.countDeferral(t.Client, reason)
		return s.slipped(ctx, d, t, old)
	}
	return s.rebook(ctx, d, t, at, reason)
}

// slipped re-plans the later steps of a step touch that moved to a later
// day of the recipient than it was planned on, so they keep their gaps
// from it.
func (s *planner) slipped(ctx context.Context, d *dispatchCtx, t *outbound.Touch, old time.Time) error {
	if d.e == nil || !s.isStepTouch(t) || t.Step >= len(s.seq.Steps) {
		return nil
	}
	if timing.DateIn(t.ScheduledAt, d.rec.Location) <= timing.DateIn(old, d.rec.Location) {
		return nil
	}
	e, err := s.store.GetEnrollment(ctx, t.Enrollment)
	if err != nil {
		return fmt.Errorf("distribution: slipped touch %s: %w", t.ID, err)
	}
	if !live(e) {
		return nil
	}
	d.e = e
	return s.replanFrom(ctx, d, t.Step+1, outbound.ReasonReplanned)
}

// rebook releases a touch's booking and books the next slot from at.
func (s *planner) rebook(ctx context.Context, d *dispatchCtx, t *outbound.Touch, at time.Time, reason outbound.Reason) error {
	old := t.ScheduledAt
	s.releaseBooking(ctx, d.cs, t)
	from := t.Status
	sticky := t.Resource
	if r, ok := d.cs.res[sticky]; !ok || r.Paused {
		sticky = outbound.ResourceID{}
	}
	if !s.senders.kinds.Has(t.Channel) {
		return s.noResource(ctx, d, t)
	}
	pick, _, err := s.book(ctx, nil, d.cs, d.rec, t.Channel, t.Action, sticky, at, stepKey(t.Lead, t.Step, t.Attempts+1))
	switch {
	case errors.Is(err, errNoResource):
		return s.noResource(ctx, d, t)
	case errors.Is(err, errNoCapacity), errors.Is(err, timing.ErrNoSlot):
		t.Resource = outbound.ResourceID{}
		return s.finish(ctx, d, t, outbound.TouchSkipped, outbound.ReasonNoCapacity, false)
	case err != nil:
		return err
	}
	s.countUsed(t.Client, outbound.SenderKind(t.Channel), 1)
	t.Status, t.Resource, t.Day, t.ScheduledAt = outbound.TouchScheduled, pick.Resource, pick.Day, pick.At.UTC()
	t.LeasedBy, t.LeaseUntil = "", time.Time{}
	if err := s.store.UpdateTouch(ctx, t, d.worker); err != nil {
		_ = d.cs.alloc.Release(ctx, pick)
		s.countUsed(t.Client, outbound.SenderKind(t.Channel), -1)
		if errors.Is(err, storage.ErrLeaseLost) {
			return nil
		}
		return fmt.Errorf("distribution: rebook touch %s: %w", t.ID, err)
	}
	s.touchMoved(ctx, t, from, outbound.TouchScheduled)
	s.countDeferral(t.Client, reason)
	return s.slipped(ctx, d, t, old)
}

// noResource skips a touch whose channel has no usable resource left and
// plans the step's fallback.
func (s *planner) noResource(ctx context.Context, d *dispatchCtx, t *outbound.Touch) error {
	t.Resource = outbound.ResourceID{}
	if err := s.finish(ctx, d, t, outbound.TouchSkipped, outbound.ReasonNoResource, false); err != nil {
		return err
	}
	return s.fallBack(ctx, d, t, outbound.ReasonNoResource)
}

// fallBack plans the fallback of a touch that could not go out on its
// step's own channel for reason: a new touch on the step's fallback channel
// at the next slot from now, when the step has one and the lead can be
// reached on it. Only a step's own touch falls back (not a retry, not a
// fallback). Its ID is derived from the failed touch, so doing it twice
// stores it once.
func (s *planner) fallBack(ctx context.Context, d *dispatchCtx, t *outbound.Touch, reason outbound.Reason) error {
	step, ok := s.seq.Step(t.Step)
	if !ok || step.Fallback == "" || t.Channel != step.Channel || t.StepChannel != step.Channel ||
		t.Reason == outbound.ReasonCallRetry || t.Action != step.EffectiveAction() {
		return nil
	}
	if d.lead == nil || d.e == nil {
		return nil
	}
	cond, err := s.conditions(ctx, nil, d.cs, d.lead, d.now)
	if err != nil {
		return err
	}
	fstep := sequence.Step{Number: step.Number, Day: step.Day, Channel: step.Fallback}
	nt := outbound.Touch{
		ID: outbound.TouchID{UUID: derivedID(t.ID.UUID, "fallback")}, Client: t.Client, Campaign: t.Campaign,
		Enrollment: t.Enrollment, Lead: t.Lead, Step: t.Step, StepChannel: t.StepChannel,
	}
	pick, err := s.placeTouch(ctx, nil, d.cs, d.rec, &cond, fstep, &nt, d.e.Sticky, d.now, stepKey(t.Lead, t.Step, 7))
	if err != nil {
		return err
	}
	if nt.Status != outbound.TouchScheduled {
		s.log.InfoContext(ctx, "no fallback", "touch", t.ID.String(), "reason", reason, "fallback", nt.Reason)
		return nil
	}
	// placeTouch counted the resolution of the fallback step itself as
	// "as planned"; the fallback is this one.
	nt.Reason = outbound.FallbackReason(reason)
	if err := s.store.InsertTouches(ctx, []outbound.Touch{nt}); err != nil {
		_ = d.cs.alloc.Release(ctx, pick)
		s.countUsed(nt.Client, outbound.SenderKind(nt.Channel), -1)
		if errors.Is(err, storage.ErrConflict) {
			return nil
		}
		return fmt.Errorf("distribution: fallback of touch %s: %w", t.ID, err)
	}
	s.countFallback(t.Client, reason)
	s.touchMoved(ctx, &nt, "", outbound.TouchScheduled)
	return s.slipped(ctx, d, &nt, t.ScheduledAt)
}

// replanFrom plans an enrollment's steps again from step from: the step
// touches of those steps that are still scheduled (and not held by a
// worker) or were skipped are cancelled with reason, NextStep goes back to
// from, and the steps are planned again, keeping their gaps from the touch
// before. The enrollment (d.e, with any state change the caller made) is
// saved.
func (s *planner) replanFrom(ctx context.Context, d *dispatchCtx, from int, reason outbound.Reason) error {
	s.passMu.Lock()
	defer s.passMu.Unlock()
	if from <= len(s.seq.Steps) && from < d.e.NextStep {
		ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Enrollment: d.e.ID})
		if err != nil {
			return fmt.Errorf("distribution: replan: %w", err)
		}
		now := s.clock.Now()
		for i := range ts {
			t := &ts[i]
			if t.Step >= from && s.isStepTouch(t) && (t.Status == outbound.TouchSending ||
				t.Status == outbound.TouchScheduled && t.LeasedBy != "" && t.LeaseUntil.After(now)) {
				from = t.Step + 1 // a worker has it: keep what it has
			}
		}
		for i := range ts {
			t := &ts[i]
			if t.Step < from || !s.isStepTouch(t) {
				continue
			}
			switch t.Status {
			case outbound.TouchScheduled:
				s.releaseBooking(ctx, d.cs, t)
			case outbound.TouchSkipped:
			default:
				continue
			}
			old := t.Status
			t.Status, t.Reason = outbound.TouchCancelled, reason
			t.LeasedBy, t.LeaseUntil = "", time.Time{}
			if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
				return fmt.Errorf("distribution: replan: %w", err)
			}
			s.touchMoved(ctx, t, old, outbound.TouchCancelled)
		}
		if from < d.e.NextStep {
			d.e.NextStep = from
		}
	}
	if err := s.store.UpdateEnrollment(ctx, d.e); err != nil {
		return fmt.Errorf("distribution: replan enrollment %s: %w", d.e.ID, err)
	}
	if d.e.NextStep > len(s.seq.Steps) {
		return nil
	}
	_, err := s.planEnrollment(ctx, nil, d.e)
	return err
}

// cancelTouches cancels the scheduled touches matching f (on channel k, or
// any when k is empty) that no worker holds, releasing their capacity. A
// touch a worker holds is left to it: the worker checks the enrollment and
// suppressions before it sends.
func (s *planner) cancelTouches(ctx context.Context, cs *clientState, f storage.TouchFilter, k channel.Kind, reason outbound.Reason) ([]outbound.Touch, error) {
	f.Status = outbound.TouchScheduled
	ts, err := s.store.ListTouches(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("distribution: cancel touches: %w", err)
	}
	now := s.clock.Now()
	var out []outbound.Touch
	for i := range ts {
		t := &ts[i]
		if k != "" && t.Channel != k {
			continue
		}
		if t.LeasedBy != "" && t.LeaseUntil.After(now) {
			continue
		}
		s.releaseBooking(ctx, cs, t)
		t.Status, t.Reason = outbound.TouchCancelled, reason
		t.LeasedBy, t.LeaseUntil = "", time.Time{}
		if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
			return out, fmt.Errorf("distribution: cancel touch %s: %w", t.ID, err)
		}
		s.touchMoved(ctx, t, outbound.TouchScheduled, outbound.TouchCancelled)
		out = append(out, *t)
	}
	return out, nil
}

// follow books and stores a touch that follows an earlier one on the same
// channel from the same resource (where it is still usable), at or after
// from (and now).
func (s *planner) follow(ctx context.Context, e *outbound.Enrollment, prev, nt *outbound.Touch, from time.Time, salt int) error {
	d, err := s.enrollmentCtx(ctx, e)
	if err != nil {
		return err
	}
	if from.Before(d.now) {
		from = d.now
	}
	supp, err := s.store.Suppressed(ctx, leadQuery(d.lead, nt.Channel))
	if err != nil {
		return fmt.Errorf("distribution: follow-up of touch %s: %w", prev.ID, err)
	}
	if supp || !s.senders.kinds.Has(nt.Channel) {
		return nil
	}
	sticky := prev.Resource
	if r, ok := d.cs.res[sticky]; !ok || r.Paused {
		sticky = outbound.ResourceID{}
	}
	pick, deferred, err := s.book(ctx, nil, d.cs, d.rec, nt.Channel, nt.Action, sticky, from, stepKey(nt.Lead, nt.Step, salt))
	switch {
	case errors.Is(err, errNoResource), errors.Is(err, errNoCapacity):
		nt.Status, nt.Channel, nt.Action, nt.ScheduledAt = outbound.TouchSkipped, "", "", from.UTC()
		nt.Reason = outbound.ReasonNoCapacity
		if errors.Is(err, errNoResource) {
			nt.Reason = outbound.ReasonNoResource
		}
	case err != nil:
		return err
	default:
		nt.Status, nt.Resource, nt.Day, nt.ScheduledAt = outbound.TouchScheduled, pick.Resource, pick.Day, pick.At.UTC()
		s.countUsed(nt.Client, outbound.SenderKind(nt.Channel), 1)
		if deferred != "" {
			s.countDeferral(nt.Client, deferred)
		}
	}
	if err := s.store.InsertTouches(ctx, []outbound.Touch{*nt}); err != nil {
		if nt.Status == outbound.TouchScheduled {
			_ = d.cs.alloc.Release(ctx, pick)
			s.countUsed(nt.Client, outbound.SenderKind(nt.Channel), -1)
		}
		if errors.Is(err, storage.ErrConflict) {
			return nil
		}
		return fmt.Errorf("distribution: follow-up of touch %s: %w", prev.ID, err)
	}
	s.touchMoved(ctx, nt, "", nt.Status)
	return nil
}
