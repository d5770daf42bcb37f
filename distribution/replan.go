package distribution

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
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
	if release {
		s.releaseBooking(ctx, t)
	}
	t.Status, t.Reason = status, reason
	_, err := s.moveTouch(ctx, d, t, from)
	return err
}

// moveTouch stores t in its new status, with its lease (if the worker held
// one) let go, and counts its move from status from. It reports false when
// the lease was lost meanwhile: the touch is its new holder's.
func (s *planner) moveTouch(ctx context.Context, d *dispatchCtx, t *outbound.Touch, from outbound.TouchStatus) (bool, error) {
	t.LeasedBy, t.LeaseUntil = "", time.Time{}
	if err := s.store.UpdateTouch(ctx, t, d.worker); err != nil {
		if errors.Is(err, storage.ErrLeaseLost) {
			return false, nil
		}
		return false, fmt.Errorf("distribution: touch %s %s: %w", t.ID, t.Status, err)
	}
	s.touchMoved(ctx, t, from, t.Status)
	return true, nil
}

// releaseBooking gives back the capacity a touch holds (a scheduled or
// sending touch with a resource): to the store's counter only. The
// planner's spacing history keeps the slot until it is forgotten, so that
// the history is the same whichever process released: every process may
// release, only the planner's pass books (see book).
func (s *planner) releaseBooking(ctx context.Context, t *outbound.Touch) {
	if t.Resource.IsZero() || t.Action == "" || (t.Status != outbound.TouchScheduled && t.Status != outbound.TouchSending) {
		return
	}
	if err := s.shared.store.Release(ctx, allocator.Key{Resource: t.Resource, Action: t.Action}, t.Day); err != nil {
		s.log.WarnContext(ctx, "booking not released", "touch", t.ID.String(), "resource", t.Resource.String(), "err", err)
		return
	}
	s.countUsed(t.Client, outbound.SenderKind(t.Channel), -1)
}

// reschedule moves a touch to instant at: in place when at is inside its
// window on the day it is booked on, else back to the planner to be booked
// again from at.
func (s *planner) reschedule(ctx context.Context, d *dispatchCtx, t *outbound.Touch, at time.Time, reason outbound.Reason) error {
	if !s.sched.Contains(t.Channel, d.rec, at) || timing.DateIn(at, d.cs.loc) != t.Day {
		return s.requeue(ctx, d, t, at, reason)
	}
	return s.deferTouch(ctx, d, t, outbound.TouchScheduled, at, reason)
}

// requeue gives a touch's booking back and hands the touch to the
// planner, pending from at: the leader's next pass books it again (see
// bookPending). Resource stays as the one to keep if still usable, Day as
// the day it was booked on.
func (s *planner) requeue(ctx context.Context, d *dispatchCtx, t *outbound.Touch, at time.Time, reason outbound.Reason) error {
	s.releaseBooking(ctx, t)
	if err := s.deferTouch(ctx, d, t, outbound.TouchPending, at, reason); err != nil {
		return err
	}
	s.signalPlan()
	return nil
}

// deferTouch stores a touch the worker holds as status from instant at,
// lets the lease go, and counts the deferral.
func (s *planner) deferTouch(ctx context.Context, d *dispatchCtx, t *outbound.Touch, status outbound.TouchStatus, at time.Time, reason outbound.Reason) error {
	from := t.Status
	t.Status, t.ScheduledAt = status, at.UTC()
	if ok, err := s.moveTouch(ctx, d, t, from); !ok {
		return err
	}
	s.countDeferral(t.Client, reason)
	return nil
}

// slipped re-plans the later steps of a step touch booked on a later day
// than the one it was booked on (or stood in for) before, so they keep
// their gaps from it. It runs in the planner's pass.
func (s *planner) slipped(ctx context.Context, d *dispatchCtx, t *outbound.Touch, old timing.Date) error {
	if d.e == nil || !s.isStepTouch(t) || t.Step >= len(s.seq.Steps) || old == 0 || t.Day <= old {
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
	if err := s.unplanFrom(ctx, d, t.Step+1, outbound.ReasonReplanned); err != nil || d.e.NextStep > len(s.seq.Steps) {
		return err
	}
	_, err = s.planEnrollment(ctx, nil, d.e)
	return err
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

// fallBack asks for the fallback of a touch that could not go out on its
// step's own channel for reason: a pending touch on the step's fallback
// channel from now, which the planner's pass places (see bookPending) when
// the lead can be reached on it. Only a step's own touch falls back (not a
// retry, not a fallback). Its ID is derived from the failed touch, so
// asking twice stores it once.
func (s *planner) fallBack(ctx context.Context, d *dispatchCtx, t *outbound.Touch, reason outbound.Reason) error {
	step, ok := s.seq.Step(t.Step)
	if !ok || step.Fallback == "" || t.Channel != step.Channel || t.StepChannel != step.Channel ||
		t.Reason == outbound.ReasonCallRetry || t.Action != step.EffectiveAction() {
		return nil
	}
	if d.lead == nil || d.e == nil {
		return nil
	}
	nt := outbound.Touch{
		ID: outbound.TouchID{UUID: derivedID(t.ID.UUID, "fallback")}, Client: t.Client, Campaign: t.Campaign,
		Enrollment: t.Enrollment, Lead: t.Lead, Step: t.Step, StepChannel: t.StepChannel, Channel: step.Fallback,
		Day: t.Day, ScheduledAt: d.now.UTC(), Status: outbound.TouchPending, Reason: outbound.FallbackReason(reason),
	}
	return s.insertPending(ctx, &nt, t.ID)
}

// insertPending stores a new pending touch for the planner's pass; one
// already stored under its (derived) ID is left as it is.
func (s *planner) insertPending(ctx context.Context, nt *outbound.Touch, from outbound.TouchID) error {
	if err := s.store.InsertTouches(ctx, []outbound.Touch{*nt}); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil
		}
		return fmt.Errorf("distribution: %s after touch %s: %w", nt.Reason, from, err)
	}
	s.touchMoved(ctx, nt, "", outbound.TouchPending)
	s.signalPlan()
	return nil
}

// unplanFrom takes back an enrollment's plan from step from: the step
// touches of those steps that are still scheduled (and not held by a
// worker), pending or skipped are cancelled with reason, and NextStep goes
// back to from, so that the planner's next pass plans them again, keeping
// their gaps from the touch before. The enrollment (d.e, with any state
// change the caller made) is saved. The caller holds passMu.
func (s *planner) unplanFrom(ctx context.Context, d *dispatchCtx, from int, reason outbound.Reason) error {
	if from <= len(s.seq.Steps) && from < d.e.NextStep {
		ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Enrollment: d.e.ID})
		if err != nil {
			return fmt.Errorf("distribution: replan: %w", err)
		}
		now := s.clock.Now()
		for i := range ts {
			t := &ts[i]
			if t.Step >= from && s.isStepTouch(t) && !replannable(t, now) {
				from = t.Step + 1 // it went out, or a worker has it: keep what it has
			}
		}
		for i := range ts {
			t := &ts[i]
			if t.Step < from || !s.isStepTouch(t) {
				continue
			}
			switch t.Status {
			case outbound.TouchScheduled:
				s.releaseBooking(ctx, t)
			case outbound.TouchSkipped, outbound.TouchPending:
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
	if d.e.NextStep <= len(s.seq.Steps) {
		s.signalPlan()
	}
	return nil
}

// replannable reports whether a step touch may be taken back: not gone
// out (nor going), and no worker holds it.
func replannable(t *outbound.Touch, now time.Time) bool {
	switch t.Status {
	case outbound.TouchPending, outbound.TouchSkipped, outbound.TouchCancelled:
		return true
	case outbound.TouchScheduled:
		return t.LeasedBy == "" || !t.LeaseUntil.After(now)
	}
	return false
}

// cancelTouches cancels the scheduled, pending and draft touches matching f (on
// channel k, or any when k is empty) that no worker holds, releasing their
// capacity. A touch a worker holds is left to it: the worker checks the
// enrollment and suppressions before it sends.
func (s *planner) cancelTouches(ctx context.Context, f storage.TouchFilter, k channel.Kind, reason outbound.Reason) ([]outbound.Touch, error) {
	f.Statuses = []outbound.TouchStatus{outbound.TouchScheduled, outbound.TouchPending, outbound.TouchDraft}
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
		s.releaseBooking(ctx, t)
		from := t.Status
		t.Status, t.Reason = outbound.TouchCancelled, reason
		t.LeasedBy, t.LeaseUntil = "", time.Time{}
		if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
			return out, fmt.Errorf("distribution: cancel touch %s: %w", t.ID, err)
		}
		s.touchMoved(ctx, t, from, outbound.TouchCancelled)
		out = append(out, *t)
	}
	return out, nil
}

// follow asks for a touch that follows an earlier one on the same channel
// from the same resource (where it is still usable), at or after from (and
// now): a pending touch the planner's pass books.
func (s *planner) follow(ctx context.Context, prev, nt *outbound.Touch, from time.Time) error {
	if now := s.clock.Now(); from.Before(now) {
		from = now
	}
	nt.Resource, nt.ScheduledAt, nt.Status = prev.Resource, from.UTC(), outbound.TouchPending
	return s.insertPending(ctx, nt, prev.ID)
}
