package distribution

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// dispatcher sends due touches: it claims them with a lease, checks each
// again at send time, sends it through its channel and records the
// outcome, handing what must be planned again to the planner.
type dispatcher struct {
	*shared
	store   dispatchStore
	planner *planner
}

// dispatchStore is what the dispatcher reads and writes.
type dispatchStore interface {
	storage.Campaigns
	storage.Leads
	storage.Enrollments
	storage.Touches
	storage.Suppressions
	storage.Washes
	storage.Spacing
}

// Dispatch claims the touches due now for worker (at most
// Config.ClaimBatch, leased for Config.Lease) and handles each in order:
//
//   - a touch of a churned client, a stopped campaign or an enrollment that
//     replied, stopped or is paused past now is cancelled and its capacity
//     released;
//   - a lead suppressed on the channel since planning, or (voice, and SMS
//     unless the policy skips it) whose number is registered or not washed
//     within the validity, is not sent: the touch is cancelled or skipped
//     and the step's fallback asked for where it has one;
//   - a touch whose resource was paused or released, whose window has
//     passed (a late claim), or whose send instant falls on another day of
//     its resource than the one booked, gives its booking back and is
//     handed to the planner as pending: the leader's next pass (Book,
//     Plan) books it at the next slot;
//   - a mailbox that sent less than its spacing ago (a retry or a late
//     claim) makes the touch wait until the spacing has passed;
//   - otherwise the message is rendered (Config.Content, then
//     channel.Validate) and sent with the touch ID as idempotency key.
//     Voice and SMS touches are marked sending before Send (at most once).
//
// After Send: success marks the touch sent with the provider's reference;
// a retryable failure makes it wait a backoff (the provider's retry-after
// when it names one): in place inside its window, else pending for the
// planner, until Config.Retry.MaxAttempts; a permanent failure fails it
// and asks for the step's fallback (a pending touch the planner places); an opted-out failure also records a suppression. A voice
// or SMS failure the adapter did not classify may have reached the
// provider: the touch is marked uncertain and never sent again.
//
// A touch found sending (its worker died after marking it) is looked up
// through channel.Reconciler when the channel has it: found means sent, not
// found means the provider never saw it, so it is handled as if scheduled
// (the one case a voice or SMS touch is sent again). Without a Reconciler
// it is marked uncertain. Email, LinkedIn and mail touches are never marked
// sending: one whose worker died is claimed again after the lease and sent
// again with the same idempotency key (at least once).
//
// If ctx ends during a Send, Dispatch returns at once without recording
// anything, as a crashed worker would: the lease runs out and another
// worker takes over. It returns how many touches it sent.
func (s *Service) Dispatch(ctx context.Context, worker string) (int, error) {
	sent, _, err := s.dispatcher.dispatch(ctx, worker, nil)
	return sent, err
}

// dispatch is Dispatch with a stop signal checked between touches: when it
// fires, the touches claimed but not yet handled are given back. It
// returns how many touches it sent and how many it claimed.
func (s *dispatcher) dispatch(ctx context.Context, worker string, stop <-chan struct{}) (sent, claimed int, err error) {
	if worker == "" {
		return 0, 0, &FieldError{Package: "distribution", Field: "worker", Value: "", Reason: "must not be empty"}
	}
	now := s.clock.Now()
	ts, err := s.store.ClaimTouches(ctx, storage.Claim{Now: now, Worker: worker, LeaseUntil: now.Add(s.cfg.Lease), Limit: s.cfg.ClaimBatch})
	if err != nil {
		return 0, 0, fmt.Errorf("distribution: claim: %w", err)
	}
	// Act on the current state: a pause, an assignment, a release or a
	// churn made by any process since this one loaded a client is seen
	// before the claim's sends.
	if len(ts) > 0 {
		if err := s.freshen(ctx, clientsOf(ts)); err != nil {
			s.giveBack(ctx, ts, worker)
			return 0, len(ts), err
		}
	}
	b := s.newClaimBatch(worker)
	for i := range ts {
		if stopped(stop) {
			s.giveBack(ctx, ts[i:], worker)
			break
		}
		if err := s.prepare(ctx, b, ts, i, s.clock.Now()); err != nil {
			// Handled one by one instead: each touch reads its own.
			s.log.WarnContext(ctx, "claim's records not loaded together", "worker", worker, "err", err)
			b.drop()
		}
		ok, err := s.handle(ctx, &ts[i], worker, b)
		if !ok {
			b.forget(&ts[i])
		}
		if err != nil {
			if ctx.Err() != nil {
				s.flushAfterStop(ctx, b)
				return sent, len(ts), ctx.Err()
			}
			s.log.ErrorContext(ctx, "touch not handled; it is retried when its lease expires",
				"touch", ts[i].ID.String(), "worker", worker, "err", err)
			continue
		}
		if ok {
			sent++
		}
		if b.flushDue(s.clock.Now()) {
			if err := s.flush(ctx, b); err != nil {
				return sent, len(ts), err
			}
		}
	}
	if err := s.flush(ctx, b); err != nil {
		return sent, len(ts), err
	}
	return sent, len(ts), nil
}

// flushAfterStop writes the sent records of a dispatch whose context ended,
// on a context the end does not cancel, within Config.SendTimeout: what
// was sent before the end is recorded, as a crash would not.
func (s *dispatcher) flushAfterStop(ctx context.Context, b *claimBatch) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.SendTimeout)
	defer cancel()
	if err := s.flush(fctx, b); err != nil {
		s.log.WarnContext(ctx, "sent records not written; the touches are handled again after their lease", "err", err)
	}
}

func stopped(stop <-chan struct{}) bool {
	if stop == nil {
		return false
	}
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// giveBack clears the lease of claimed touches not handled, so another
// worker may take them at once.
func (s *dispatcher) giveBack(ctx context.Context, ts []outbound.Touch, worker string) {
	for i := range ts {
		t := &ts[i]
		t.LeasedBy, t.LeaseUntil = "", time.Time{}
		if err := s.store.UpdateTouch(ctx, t, worker); err != nil && !errors.Is(err, storage.ErrLeaseLost) {
			s.log.WarnContext(ctx, "lease not given back", "touch", t.ID.String(), "err", err)
		}
	}
}

// sendingPausedRetry is how long a touch of a client whose sending is
// paused (a payment that finally failed) waits before it is looked at
// again.
const sendingPausedRetry = time.Hour

// dispatchCtx is what handling one touch reads.
type dispatchCtx struct {
	worker string
	now    time.Time
	cs     *clientState
	e      *outbound.Enrollment
	lead   *outbound.Lead
	camp   *outbound.Campaign
	rec    timing.Recipient
	batch  *claimBatch // the claim's loaded records and queued sent records; nil outside a dispatch
}

// handle deals with one claimed touch and reports whether it was sent.
func (s *dispatcher) handle(ctx context.Context, t *outbound.Touch, worker string, b *claimBatch) (bool, error) {
	d := &dispatchCtx{worker: worker, now: s.clock.Now(), batch: b}
	var err error
	if d.cs, err = s.client(ctx, t.Client); err != nil {
		return false, err
	}
	if t.Status == outbound.TouchSending {
		return s.reconcile(ctx, d, t)
	}
	if d.e, err = s.enrollment(ctx, b, t); err != nil {
		return false, fmt.Errorf("distribution: touch %s: %w", t.ID, err)
	}
	if d.lead, err = s.lead(ctx, b, t); err != nil {
		return false, fmt.Errorf("distribution: touch %s: %w", t.ID, err)
	}
	if d.camp, err = s.campaign(ctx, b, t); err != nil {
		return false, fmt.Errorf("distribution: touch %s: %w", t.ID, err)
	}
	if d.rec, err = s.recipient(d.lead); err != nil {
		return false, err
	}

	// Still wanted?
	switch {
	case d.cs.client.State != outbound.ClientActive:
		return false, s.planner.finish(ctx, d, t, outbound.TouchCancelled, outbound.ReasonClientChurned, true)
	case d.camp.State != outbound.CampaignActive:
		return false, s.planner.finish(ctx, d, t, outbound.TouchCancelled, outbound.CampaignReason(d.camp.State), true)
	case d.cs.client.SendingPaused():
		// Held until the client pays: looked at again in an hour.
		return false, s.planner.reschedule(ctx, d, t, d.now.Add(sendingPausedRetry), d.cs.client.SendingPauseReason)
	}
	switch {
	case t.IsAnswer():
		// An answer goes because the lead wrote: the state the reply left
		// the sequence in does not hold it back.
		if !answerStands(d.e) {
			return false, s.planner.finish(ctx, d, t, outbound.TouchCancelled, d.e.StopReason, true)
		}
	case d.e.State == outbound.EnrollmentActive:
	case d.e.State == outbound.EnrollmentPaused:
		if d.e.PausedUntil.After(d.now) {
			return false, s.planner.finish(ctx, d, t, outbound.TouchCancelled, cmp.Or(d.e.StopReason, outbound.ReasonOutOfOffice), true)
		}
	case d.e.State == outbound.EnrollmentReplied:
		return false, s.planner.finish(ctx, d, t, outbound.TouchCancelled, outbound.ReasonReplied, true)
	default:
		reason := d.e.StopReason
		if reason == "" {
			reason = outbound.Reason(d.e.State) // ReasonCompleted, ReasonStopped
		}
		return false, s.planner.finish(ctx, d, t, outbound.TouchCancelled, reason, true)
	}

	// Compliance at send time.
	supp, err := s.suppressed(ctx, b, t, d.lead)
	if err != nil {
		return false, fmt.Errorf("distribution: touch %s: %w", t.ID, err)
	}
	if supp {
		if err := s.planner.finish(ctx, d, t, outbound.TouchCancelled, outbound.ReasonSuppressed, true); err != nil {
			return false, err
		}
		return false, s.planner.fallBack(ctx, d, t, outbound.ReasonOptedOut)
	}
	if s.needsWash(t.Channel) {
		if reason, err := s.dncrBlock(ctx, d.batch, d.lead, d.now); err != nil {
			return false, err
		} else if reason != "" {
			if err := s.planner.finish(ctx, d, t, outbound.TouchSkipped, reason, true); err != nil {
				return false, err
			}
			return false, s.planner.fallBack(ctx, d, t, reason)
		}
	}
	r, ok := d.cs.res[t.Resource]
	var sd *sender
	if ok {
		sd = s.senders.forProvider(t.Channel, r.Provider)
	}
	if sd == nil || r.Paused {
		return false, s.planner.requeue(ctx, d, t, d.now, outbound.ReasonResourceUnusable)
	}
	if !s.sched.Contains(t.Channel, d.rec, d.now) {
		return false, s.planner.requeue(ctx, d, t, d.now, outbound.ReasonWindowPassed)
	}
	if timing.DateIn(d.now, d.cs.loc) != t.Day {
		return false, s.planner.requeue(ctx, d, t, d.now, outbound.ReasonWindowPassed)
	}
	if wait, ok, err := s.gate(ctx, t, d.now); err != nil {
		return false, err
	} else if !ok {
		return false, s.planner.reschedule(ctx, d, t, wait, outbound.ReasonSpacing)
	}

	m, err := s.message(ctx, d, t, &r)
	if err != nil {
		if err := s.planner.finish(ctx, d, t, outbound.TouchFailed, outbound.ReasonInvalidMessage.WithDetail(err.Error()), true); err != nil {
			return false, err
		}
		return false, s.planner.fallBack(ctx, d, t, outbound.ReasonInvalidMessage)
	}
	sleep, retryAt := sd.admit(d.now)
	if !retryAt.IsZero() {
		return false, s.planner.reschedule(ctx, d, t, retryAt, outbound.ReasonRateLimited)
	}
	if sleep > 0 {
		if err := s.clock.Sleep(ctx, sleep); err != nil {
			return false, err
		}
	}
	t.Attempts++
	if sd.atMostOnce() {
		t.Status = outbound.TouchSending
		if err := s.store.UpdateTouch(ctx, t, worker); err != nil {
			if errors.Is(err, storage.ErrLeaseLost) {
				return false, nil
			}
			return false, fmt.Errorf("distribution: mark touch %s sending: %w", t.ID, err)
		}
		s.touchMoved(ctx, t, outbound.TouchScheduled, outbound.TouchSending)
	}
	return s.send(ctx, d, t, sd, m)
}

// send calls the channel and records the outcome.
func (s *dispatcher) send(ctx context.Context, d *dispatchCtx, t *outbound.Touch, sd *sender, m *channel.Message) (bool, error) {
	sctx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	rc, err := sd.ch.Send(sctx, m)
	cancel()
	if ctx.Err() != nil {
		// The worker is gone: record nothing; the lease runs out.
		return false, ctx.Err()
	}
	if err == nil {
		s.markSent(d, t, sd, rc, d.now)
		return true, nil
	}
	class := channel.Classify(err)
	if after, ok := channel.RetryAfter(err); ok && class == channel.ClassRateLimited {
		sd.pause(d.now.Add(after)) // every worker of this process waits for the provider
	}
	var classified *channel.Error
	if sd.atMostOnce() && !errors.As(err, &classified) {
		s.log.WarnContext(ctx, "voice/SMS send failed unclassified: it may have reached the provider; not sent again",
			"touch", t.ID.String(), "err", err)
		return false, s.planner.finish(ctx, d, t, outbound.TouchUncertain, outbound.ReasonUnreconciled.WithDetail(err.Error()), false)
	}
	switch {
	case class == channel.ClassOptedOut:
		if err := s.suppressLead(ctx, s.store, d.lead, t.Channel, outbound.ReasonOptedOut, d.now); err != nil {
			return false, err
		}
		if err := s.planner.finish(ctx, d, t, outbound.TouchFailed, outbound.ReasonOptedOut.WithDetail(err.Error()), true); err != nil {
			return false, err
		}
		return false, s.planner.fallBack(ctx, d, t, outbound.ReasonOptedOut)
	case class.Permanent():
		if err := s.planner.finish(ctx, d, t, outbound.TouchFailed, outbound.ReasonSendFailed.WithDetail(err.Error()), true); err != nil {
			return false, err
		}
		return false, s.planner.fallBack(ctx, d, t, outbound.ReasonSendFailed)
	}
	if t.Attempts >= s.cfg.Retry.MaxAttempts {
		if err := s.planner.finish(ctx, d, t, outbound.TouchFailed, outbound.ReasonRetriesExhausted.WithDetail(err.Error()), true); err != nil {
			return false, err
		}
		return false, s.planner.fallBack(ctx, d, t, outbound.ReasonRetriesExhausted)
	}
	delay, ok := channel.RetryAfter(err)
	if !ok {
		delay = s.backoffAfter(t.Attempts)
	}
	s.log.InfoContext(ctx, "send failed; retrying", "touch", t.ID.String(), "attempt", t.Attempts, "after", delay, "err", err)
	return false, s.planner.reschedule(ctx, d, t, d.now.Add(delay), outbound.ReasonRetry)
}

// backoffAfter is the delay after the attempts-th failed attempt.
func (s *dispatcher) backoffAfter(attempts int) time.Duration {
	r := s.cfg.Retry
	b := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(r.Initial),
		backoff.WithMultiplier(r.Multiplier),
		backoff.WithMaxInterval(r.Max),
		backoff.WithRandomizationFactor(r.Jitter),
		backoff.WithMaxElapsedTime(0),
		backoff.WithClockProvider(s.clock),
	)
	d := r.Initial
	for range max(attempts, 1) {
		d = b.NextBackOff()
	}
	return d
}

// markSent queues the record of a successful send with the claim's other
// sent records (written by flush).
func (s *dispatcher) markSent(d *dispatchCtx, t *outbound.Touch, sd *sender, rc channel.Receipt, at time.Time) {
	from := t.Status
	t.Status, t.SentAt, t.ProviderRef = outbound.TouchSent, at.UTC(), rc.ProviderMessageID
	t.Provider = sentThrough(sd, rc)
	t.LeasedBy, t.LeaseUntil = "", time.Time{}
	if t.Warning != "" {
		s.tally.add(t.Client, func(c *Counters) { c.Warned[t.Channel]++ })
	}
	d.batch.addSent(t, from, d.now)
}

// needsWash reports whether a channel is checked against the DNCR.
func (s *shared) needsWash(k channel.Kind) bool {
	return k == channel.Voice || (k == channel.SMS && !s.policy.SkipDNCRForSMS)
}

// dncrBlock returns why the lead's number may not be called or texted now
// (dncr_registered, dncr_unwashed), reading the store's latest wash.
func (s *dispatcher) dncrBlock(ctx context.Context, b *claimBatch, l *outbound.Lead, now time.Time) (outbound.Reason, error) {
	if l.Phone == "" {
		return outbound.ReasonNoAddress, nil
	}
	w, err := s.wash(ctx, b, l.Phone)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return outbound.ReasonDNCRUnwashed, nil
	case err != nil:
		return "", fmt.Errorf("distribution: wash of lead %s: %w", l.ID, err)
	}
	if w.WashedAt.IsZero() || now.Before(w.WashedAt) || !now.Before(w.WashedAt.Add(s.policy.DNCRValidity)) {
		return outbound.ReasonDNCRUnwashed, nil
	}
	switch w.Status {
	case outbound.DNCRClear, outbound.DNCRNotApplicable:
		// Not on a register, or no register for the number's country.
	case outbound.DNCRRegistered:
		return outbound.ReasonDNCRRegistered, nil
	default:
		return outbound.ReasonDNCRUnwashed, nil
	}
	s.log.DebugContext(ctx, "DNCR wash in force", "lead", l.ID.String(), "phone", l.Phone, "washed_at", w.WashedAt)
	return "", nil
}

// gate enforces a spaced resource's spacing at send time (the plan spaces
// scheduled instants; retries and late claims can bring two sends
// together), across every process: the store records the send only if the
// resource's last one is at least its spacing before. It reports false
// and the instant to wait for otherwise.
func (s *dispatcher) gate(ctx context.Context, t *outbound.Touch, now time.Time) (time.Time, bool, error) {
	c, ok := s.cfg.Caps.Cap(t.Action)
	if !ok || c.Spacing <= 0 {
		return time.Time{}, true, nil
	}
	ok, next, err := s.store.SpaceSend(ctx, t.Resource, now, c.Spacing)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("distribution: spacing of resource %s: %w", t.Resource, err)
	}
	return next, ok, nil
}

// reconcile settles a voice or SMS touch found sending after its lease
// expired.
func (s *dispatcher) reconcile(ctx context.Context, d *dispatchCtx, t *outbound.Touch) (bool, error) {
	sd := s.senders.forProvider(t.Channel, d.cs.res[t.Resource].Provider)
	var ch channel.Channel
	if sd != nil {
		ch = sd.ch
	}
	var (
		r     channel.Receipt
		found bool
		err   error
	)
	switch rc := ch.(type) {
	case channel.Finder:
		var q channel.Sent
		if q, err = s.sent(ctx, d, t); err != nil {
			return false, err
		}
		r, found, err = rc.Find(ctx, q)
	case channel.Reconciler:
		r, found, err = rc.Lookup(ctx, t.ID.String())
	default:
		return false, s.planner.finish(ctx, d, t, outbound.TouchUncertain, outbound.ReasonUnreconciled.WithDetail("worker lost during send, no reconciler"), false)
	}
	if err != nil {
		// Keep the lease: the touch is looked up again when it expires.
		s.log.WarnContext(ctx, "reconcile lookup failed; trying again after the lease", "touch", t.ID.String(), "err", err)
		return false, nil
	}
	if found {
		at := r.At
		if at.IsZero() {
			at = t.ScheduledAt
		}
		s.markSent(d, t, sd, r, at)
		return false, nil
	}
	// The provider never saw it: safe to handle as scheduled.
	t.Status = outbound.TouchScheduled
	if err := s.store.UpdateTouch(ctx, t, d.worker); err != nil {
		if errors.Is(err, storage.ErrLeaseLost) {
			return false, nil
		}
		return false, fmt.Errorf("distribution: reconcile touch %s: %w", t.ID, err)
	}
	s.touchMoved(ctx, t, outbound.TouchSending, outbound.TouchScheduled)
	return s.handle(ctx, t, d.worker, d.batch)
}

// reconcileSkew is how much earlier than a touch's scheduled instant a
// provider's clock may date its send: a Finder looks from then on.
const reconcileSkew = time.Minute

// sent describes a touch whose send was lost, for a channel.Finder: its
// resource's address, the lead's address on the channel, and the earliest
// it can have gone.
func (s *dispatcher) sent(ctx context.Context, d *dispatchCtx, t *outbound.Touch) (channel.Sent, error) {
	l, err := s.lead(ctx, d.batch, t)
	if err != nil {
		return channel.Sent{}, fmt.Errorf("distribution: reconcile touch %s: %w", t.ID, err)
	}
	to := channel.Recipient{Email: l.Email, Phone: l.Phone, LinkedIn: l.LinkedIn}
	return channel.Sent{IdempotencyKey: t.ID.String(), Kind: t.Channel, From: d.cs.res[t.Resource].Address,
		To: to.Address(t.Channel), Since: t.ScheduledAt.Add(-reconcileSkew)}, nil
}

// message builds the message of a touch: addressing by the engine, content
// by Config.Content, then channel.Validate.
func (s *dispatcher) message(ctx context.Context, d *dispatchCtx, t *outbound.Touch, r *outbound.Resource) (*channel.Message, error) {
	l := d.lead
	m := channel.NewMessage(t.ID.String(), t.Action)
	m.From = channel.Sender{ID: r.ID.String(), Address: r.Address}
	m.To = channel.Recipient{
		Name: oneLine(l.FirstName + " " + l.LastName), Email: l.Email, Phone: l.Phone, LinkedIn: l.LinkedIn,
	}
	if l.AddressLine1 != "" {
		m.To.Postal = channel.PostalAddress{Lines: []string{l.AddressLine1}, City: l.City, Region: l.Region, Postcode: l.Postcode, Country: l.Country}
	}
	m.Metadata = map[string]string{
		"client": t.Client.String(), "campaign": t.Campaign.String(), "lead": t.Lead.String(),
		"enrollment": t.Enrollment.String(), "touch": t.ID.String(), "step": fmt.Sprint(t.Step),
	}
	if t.Channel == channel.Email && (t.Step > 1 || t.IsAnswer()) {
		ref, err := s.threadRef(ctx, d.batch, t)
		if err != nil {
			return nil, err
		}
		m.ThreadRef = ref
	}
	if t.IsAnswer() {
		answerContent(t, m)
	} else {
		in := ContentInput{Client: &d.cs.client, Campaign: d.camp, Lead: l, Touch: t, Sender: r}
		if err := s.cfg.Content(ctx, in, m); err != nil {
			return nil, err
		}
	}
	warnings, err := channel.Validate(m)
	if err != nil {
		return nil, err
	}
	t.Warning = warnings.String()
	return m, nil
}

// threadRef is the provider reference of the enrollment's latest email
// sent before t, which a follow-up replies to.
func (s *dispatcher) threadRef(ctx context.Context, b *claimBatch, t *outbound.Touch) (string, error) {
	ts, err := s.enrollmentTouches(ctx, b, t.Enrollment)
	if err != nil {
		return "", fmt.Errorf("distribution: thread of touch %s: %w", t.ID, err)
	}
	ref := ""
	var at time.Time
	for i := range ts {
		o := &ts[i]
		if o.ID != t.ID && o.Channel == channel.Email && o.ProviderRef != "" && !o.SentAt.IsZero() && o.SentAt.After(at) {
			ref, at = o.ProviderRef, o.SentAt
		}
	}
	return ref, nil
}
