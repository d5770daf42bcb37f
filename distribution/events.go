package distribution

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// applier applies inbound events: it matches each to its touch or leads,
// records it once, and acts on it (stops, pauses, suppressions, retries,
// follow-ups), handing what must be planned again to the planner.
type applier struct {
	*shared
	store    eventStore
	planner  *planner
	importer *importer // the people replies refer the engine to
}

// eventStore is what the applier reads and writes.
type eventStore interface {
	storage.Clients
	storage.Campaigns
	storage.Resources
	storage.Leads
	storage.Enrollments
	storage.Touches
	storage.Events
	storage.Suppressions
	storage.Meetings
}

// eventNamespace derives recorded events' IDs from their deduplication key.
var eventNamespace = uuid.MustParse("0b8e4c2a-7d1f-5a3b-8c9d-2e4f6a8b0c1d")

// eventID is the ID of the event a provider reports under eventID: the
// same for every delivery of it, in every process.
func eventID(provider, id string) outbound.EventID {
	return outbound.EventID{UUID: uuid.NewSHA1(eventNamespace, []byte(provider+"\x00"+id))}
}

// handleEvent is Service.HandleEvent.
func (s *applier) handleEvent(ctx context.Context, e channel.Event) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, fmt.Errorf("distribution: event: %w", err)
	}
	now := s.clock.Now()
	t, err := s.matchTouch(ctx, &e)
	if err != nil {
		return false, err
	}
	var leads []*outbound.Lead
	if t != nil {
		l, err := s.store.GetLead(ctx, t.Lead)
		if err != nil {
			return false, fmt.Errorf("distribution: event: %w", err)
		}
		leads = []*outbound.Lead{l}
	} else if e.From != "" {
		if leads, err = s.leadsByAddress(ctx, e.Kind, e.From); err != nil {
			return false, err
		}
		if leads, err = s.ofRecipientClient(ctx, &e, leads); err != nil {
			return false, err
		}
	}
	if len(leads) > 0 {
		if err := s.classifyReply(ctx, &e, leads[0]); err != nil {
			return false, err
		}
	}
	rec := &outbound.Event{
		ID:         eventID(e.Provider, e.ProviderEventID),
		Event:      e,
		RecordedAt: now.UTC(),
	}
	if t != nil {
		rec.Client, rec.Campaign, rec.Lead, rec.Touch = t.Client, t.Campaign, t.Lead, t.ID
	} else if len(leads) > 0 {
		rec.Client, rec.Lead = leads[0].Client, leads[0].ID
	}
	return recordThenApply(ctx, s.store, rec, now, func(stored bool) error {
		if stored {
			s.tally.add(rec.Client, func(c *Counters) { c.Events[e.Type]++ })
		}
		if t == nil && len(leads) == 0 {
			return s.unmatched(ctx, &e, now)
		}
		if err := s.apply(ctx, &e, t, leads, now); err != nil {
			return err
		}
		if g, ok := engagementOf(&e); ok && len(leads) > 0 {
			return s.engaged(ctx, leads[0].ID, g)
		}
		return nil
	})
}

// unmatched applies an event that matched no touch and no lead. An
// opt-out or a complaint from an address or number is still kept, as a
// platform-wide suppression of it on its channel (a complaint, on email):
// whoever holds that address later, in any client, is not contacted there.
// Anything else is logged.
func (s *applier) unmatched(ctx context.Context, e *channel.Event, now time.Time) error {
	typ, k := e.Type, e.Kind
	if k == channel.SMS && (typ == channel.EventReplied || typ == channel.EventMessageReceived) &&
		channel.ParseKeyword(e.Body) == channel.KeywordOptOut {
		typ = channel.EventOptedOut
	}
	why := outbound.ReasonOptedOut
	switch {
	case typ == channel.EventComplained:
		why, k = outbound.ReasonComplaint, channel.Email
	case typ != channel.EventOptedOut:
		s.log.InfoContext(ctx, "event matched no touch or lead", "provider", e.Provider, "event", e.ProviderEventID, "type", string(e.Type))
		return nil
	}
	addr := normAddress(strings.TrimSpace(e.From))
	if addr == "" || (k != channel.Email && k != channel.SMS && k != channel.Voice) {
		s.log.WarnContext(ctx, "opt-out names no address to keep", "provider", e.Provider, "event", e.ProviderEventID, "channel", string(k))
		return nil
	}
	sp := outbound.Suppression{Address: addr, Channel: k, Reason: why, Since: now.UTC()}
	if err := s.store.AddSuppression(ctx, &sp); err != nil {
		return fmt.Errorf("distribution: platform-wide opt-out of %s on %s: %w", addr, k, err)
	}
	s.suppressionChanged(ctx, ChangeSuppressed, &sp)
	return nil
}

// recordThenApply records rec, applies it with apply (told whether this
// call stored it) and marks it applied. An event applied before changes
// nothing and reports false; one recorded before but not applied (a crash
// or a store error came between) is applied now. When apply fails the
// event stays recorded and not applied, for the provider's redelivery or
// the sweeper. It reports whether this call applied the event.
func recordThenApply(ctx context.Context, st storage.Events, rec *outbound.Event, now time.Time, apply func(stored bool) error) (bool, error) {
	stored, err := st.RecordEvent(ctx, rec)
	if err != nil {
		return false, fmt.Errorf("distribution: record event: %w", err)
	}
	if !stored && !rec.AppliedAt.IsZero() {
		return false, nil
	}
	if err := apply(stored); err != nil {
		return false, err
	}
	if err := st.MarkEventApplied(ctx, rec.ID, now.UTC()); err != nil {
		return true, fmt.Errorf("distribution: mark event applied: %w", err)
	}
	return true, nil
}

// sweepBatch is how many unapplied events one sweep applies at most.
const sweepBatch = 100

// sweep applies the events recorded at least grace ago and never applied
// (a process died, or the store failed, between recording and applying):
// the safety net under the providers' redeliveries. It returns how many
// it applied.
func (s *applier) sweep(ctx context.Context, grace time.Duration) (int, error) {
	evs, err := s.store.UnappliedEvents(ctx, s.clock.Now().Add(-grace), sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("distribution: sweep events: %w", err)
	}
	n := 0
	var errs []error
	for i := range evs {
		var ok bool
		var err error
		switch evs[i].Topic {
		case "", outbound.TopicMessage:
			ok, err = s.handleEvent(ctx, evs[i].Event)
		case outbound.TopicMeeting:
			// Scheduling providers deliver once: the sweeper is what
			// brings a booking the CRM refused for now to it again.
			ok, err = s.sweepMeeting(ctx, &evs[i])
		default:
			continue // billing and provisioning events are delivered again by their providers
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// matchTouch finds the touch an event concerns, or nil.
func (s *applier) matchTouch(ctx context.Context, e *channel.Event) (*outbound.Touch, error) {
	for _, key := range []string{e.IdempotencyKey, e.Metadata["touch"]} {
		if key == "" {
			continue
		}
		id, err := outbound.ParseID[outbound.TouchID](key)
		if err != nil {
			continue
		}
		t, err := s.store.GetTouch(ctx, id)
		switch {
		case err == nil:
			return t, nil
		case !errors.Is(err, storage.ErrNotFound):
			return nil, fmt.Errorf("distribution: event: %w", err)
		}
	}
	if e.ProviderMessageID != "" {
		t, err := s.store.FindTouchByProviderRef(ctx, e.Provider, e.ProviderMessageID)
		switch {
		case err == nil:
			return t, nil
		case !errors.Is(err, storage.ErrNotFound):
			return nil, fmt.Errorf("distribution: event: %w", err)
		}
	}
	return nil, nil
}

// leadsByAddress returns every client's lead with the address on channel k.
func (s *applier) leadsByAddress(ctx context.Context, k channel.Kind, addr string) ([]*outbound.Lead, error) {
	var email, phone string
	switch k {
	case channel.Email:
		email = strings.ToLower(strings.TrimSpace(addr))
	case channel.Voice, channel.SMS:
		phone = strings.TrimSpace(addr)
	default:
		return nil, nil
	}
	clients, err := s.store.ListClients(ctx)
	if err != nil {
		return nil, fmt.Errorf("distribution: event: %w", err)
	}
	var out []*outbound.Lead
	for _, c := range clients {
		l, err := s.store.FindLead(ctx, c.ID, email, phone)
		switch {
		case err == nil:
			out = append(out, l)
		case !errors.Is(err, storage.ErrNotFound):
			return nil, fmt.Errorf("distribution: event: %w", err)
		}
	}
	return out, nil
}

// ofRecipientClient narrows the leads an event was matched to by address to
// the client whose resource it was addressed to (To), when To names one of
// the pool's resources: a reply to one client's mailbox concerns that
// client's lead only. An opt-out keeps every client's lead: the person asked
// not to be contacted on that channel.
func (s *applier) ofRecipientClient(ctx context.Context, e *channel.Event, leads []*outbound.Lead) ([]*outbound.Lead, error) {
	if len(leads) < 2 || e.To == "" || e.Type == channel.EventOptedOut ||
		(e.Kind == channel.SMS && channel.ParseKeyword(e.Body) != channel.KeywordNone) {
		return leads, nil
	}
	kind := outbound.SenderKind(e.Kind)
	if kind == "" {
		return leads, nil
	}
	rs, err := s.store.ListResources(ctx, storage.ResourceFilter{Kind: kind})
	if err != nil {
		return nil, fmt.Errorf("distribution: event: %w", err)
	}
	to := normAddress(strings.TrimSpace(e.To))
	for _, r := range rs {
		if normAddress(r.Address) != to || r.Client.IsZero() {
			continue
		}
		var out []*outbound.Lead
		for _, l := range leads {
			if l.Client == r.Client {
				out = append(out, l)
			}
		}
		return out, nil
	}
	return leads, nil
}

// apply applies a recorded event.
func (s *applier) apply(ctx context.Context, e *channel.Event, t *outbound.Touch, leads []*outbound.Lead, now time.Time) error {
	typ := e.Type
	if e.Kind == channel.SMS && (typ == channel.EventReplied || typ == channel.EventMessageReceived) {
		switch channel.ParseKeyword(e.Body) {
		case channel.KeywordOptOut:
			typ = channel.EventOptedOut
		case channel.KeywordOptIn:
			typ = channel.EventOptedIn
		}
	}
	switch typ {
	case channel.EventDelivered:
		if t != nil && t.Status == outbound.TouchSent {
			t.Status = outbound.TouchDelivered
			if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
				return fmt.Errorf("distribution: delivered: %w", err)
			}
			s.touchMoved(ctx, t, outbound.TouchSent, outbound.TouchDelivered)
		}
	case channel.EventReplied, channel.EventMessageReceived:
		if err := s.actOnReply(ctx, e, t, leads, now); err != nil {
			return err
		}
		if len(leads) > 0 {
			return s.answer(ctx, e, t, leads[0], now)
		}
	case channel.EventOutOfOffice:
		return s.awayUntil(ctx, e, t, leads, e.ReturnAt, now)
	case channel.EventBounced:
		if t != nil && (t.Status == outbound.TouchSent || t.Status == outbound.TouchDelivered) {
			from := t.Status
			t.Status, t.Reason = outbound.TouchFailed, outbound.ReasonHardBounce
			if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
				return fmt.Errorf("distribution: bounce: %w", err)
			}
			s.touchMoved(ctx, t, from, outbound.TouchFailed)
		}
		return s.suppress(ctx, leads, e.Kind, outbound.ReasonHardBounce, outbound.ReasonHardBounce, now)
	case channel.EventComplained:
		return s.suppress(ctx, leads, channel.Email, outbound.ReasonComplaint, outbound.ReasonOptedOut, now)
	case channel.EventOptedOut:
		return s.suppress(ctx, leads, e.Kind, outbound.ReasonOptedOut, outbound.ReasonOptedOut, now)
	case channel.EventOptedIn:
		return s.optIn(ctx, e, leads, now)
	case channel.EventCallBusy, channel.EventCallNoAnswer, channel.EventCallFailed:
		return s.callRetry(ctx, t, e.At)
	case channel.EventCallVoicemail:
		if s.cfg.RetryVoicemail {
			return s.callRetry(ctx, t, e.At)
		}
	case channel.EventConnectionAccepted:
		return s.connectionAccepted(ctx, t, e.At)
	}
	return nil
}

// forEnrollments runs f for the enrollment of the event's touch, or, for an
// event matched by address, for every active or paused enrollment of each
// lead.
func (s *applier) forEnrollments(ctx context.Context, t *outbound.Touch, leads []*outbound.Lead, f func(d *dispatchCtx) error) error {
	var es []outbound.Enrollment
	if t != nil {
		e, err := s.store.GetEnrollment(ctx, t.Enrollment)
		if err != nil {
			return fmt.Errorf("distribution: event: %w", err)
		}
		es = append(es, *e)
	} else {
		for _, l := range leads {
			les, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: l.ID})
			if err != nil {
				return fmt.Errorf("distribution: event: %w", err)
			}
			es = append(es, les...)
		}
	}
	for i := range es {
		d, err := s.planner.enrollmentCtx(ctx, &es[i])
		if err != nil {
			return err
		}
		if err := f(d); err != nil {
			return err
		}
	}
	return nil
}

// live reports whether an enrollment still runs.
func live(e *outbound.Enrollment) bool {
	return e.State == outbound.EnrollmentActive || e.State == outbound.EnrollmentPaused
}

// replied ends an enrollment on a reply, and, when company is set, its
// company's in the campaign. A reply to a completed enrollment (its last
// touch went out before the answer came) counts too. A reply that says the
// lead is the wrong person stops it with that reason, and leaves the
// company's other leads running: one of them may be the right one.
func (s *applier) replied(ctx context.Context, d *dispatchCtx, reason outbound.Reason, company bool) error {
	if !live(d.e) && d.e.State != outbound.EnrollmentCompleted {
		return nil
	}
	state := outbound.EnrollmentReplied
	if reason != outbound.ReasonReplied {
		state = outbound.EnrollmentStopped
	}
	if err := s.stop(ctx, d, state, reason); err != nil {
		return err
	}
	s.tally.add(d.e.Client, func(c *Counters) { c.Replies++ })
	if !company {
		return nil
	}
	return s.stopCompany(ctx, d)
}

// stopCompany stops the live enrollments, in d's campaign, of the other
// leads of d's lead's company (company_replied), unless
// Config.ReplyKeepsCompany: one of them answered for all.
func (s *applier) stopCompany(ctx context.Context, d *dispatchCtx) error {
	if s.cfg.ReplyKeepsCompany || d.lead.CompanyDomain == "" {
		return nil
	}
	others, err := s.store.ListLeadsByCompany(ctx, d.lead.Client, d.lead.CompanyDomain)
	if err != nil {
		return fmt.Errorf("distribution: company stop: %w", err)
	}
	for i := range others {
		if others[i].ID == d.lead.ID {
			continue
		}
		es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: others[i].ID, Campaign: d.e.Campaign})
		if err != nil {
			return fmt.Errorf("distribution: company stop: %w", err)
		}
		for i := range es {
			if !live(&es[i]) {
				continue
			}
			od, err := s.planner.enrollmentCtx(ctx, &es[i])
			if err != nil {
				return err
			}
			if err := s.stop(ctx, od, outbound.EnrollmentStopped, outbound.ReasonCompanyReplied); err != nil {
				return err
			}
		}
	}
	return nil
}

// stop moves an enrollment to a final state and cancels its scheduled
// touches.
func (s *applier) stop(ctx context.Context, d *dispatchCtx, state outbound.EnrollmentState, reason outbound.Reason) error {
	d.e.State, d.e.PausedUntil = state, time.Time{}
	if state == outbound.EnrollmentStopped {
		d.e.StopReason = reason
	}
	if err := s.store.UpdateEnrollment(ctx, d.e); err != nil {
		return fmt.Errorf("distribution: %s enrollment %s: %w", state, d.e.ID, err)
	}
	s.enrollmentMoved(ctx, d.e)
	_, err := s.planner.cancelTouches(ctx, storage.TouchFilter{Enrollment: d.e.ID}, "", reason)
	return err
}

// pause holds an enrollment until an instant, for reason (out_of_office,
// not_now): its scheduled touches are cancelled and their steps planned
// again from then.
func (s *applier) pause(ctx context.Context, d *dispatchCtx, until time.Time, reason outbound.Reason) error {
	if !live(d.e) {
		return nil
	}
	cancelled, err := s.planner.cancelTouches(ctx, storage.TouchFilter{Enrollment: d.e.ID}, "", reason)
	if err != nil {
		return err
	}
	from := len(s.seq.Steps) + 1
	for i := range cancelled {
		if s.isStepTouch(&cancelled[i]) {
			from = min(from, cancelled[i].Step)
		}
	}
	d.e.State, d.e.PausedUntil, d.e.StopReason = outbound.EnrollmentPaused, until.UTC(), reason
	s.planner.passMu.Lock()
	err = s.planner.unplanFrom(ctx, d, from, reason)
	s.planner.passMu.Unlock()
	if err != nil {
		return err
	}
	s.enrollmentMoved(ctx, d.e)
	return nil
}

// isStepTouch reports whether a touch is a step's own (or its fallback),
// not a follow-up an event added (a call retry, a LinkedIn message).
func (s *shared) isStepTouch(t *outbound.Touch) bool {
	return !t.IsAnswer() && t.Reason != outbound.ReasonCallRetry && t.Action != channel.ActionLinkedInMessage
}

// suppress records a suppression of each lead (and its address) on a
// channel and cancels their scheduled touches on it, each falling back
// where its step can.
func (s *applier) suppress(ctx context.Context, leads []*outbound.Lead, k channel.Kind, why, fallbackReason outbound.Reason, now time.Time) error {
	for _, l := range leads {
		if err := s.suppressLead(ctx, s.store, l, k, why, now); err != nil {
			return err
		}
		cancelled, err := s.planner.cancelTouches(ctx, storage.TouchFilter{Lead: l.ID}, k, why)
		if err != nil {
			return err
		}
		for i := range cancelled {
			t := &cancelled[i]
			e, err := s.store.GetEnrollment(ctx, t.Enrollment)
			if err != nil {
				return fmt.Errorf("distribution: suppress: %w", err)
			}
			if !live(e) {
				continue
			}
			d, err := s.planner.enrollmentCtx(ctx, e)
			if err != nil {
				return err
			}
			if err := s.planner.fallBack(ctx, d, t, fallbackReason); err != nil {
				return err
			}
		}
	}
	return nil
}

// callRetry plans another call of a busy or unanswered call's step.
func (s *applier) callRetry(ctx context.Context, t *outbound.Touch, at time.Time) error {
	if t == nil || t.Channel != channel.Voice || s.cfg.CallRetries <= 0 {
		return nil
	}
	e, err := s.store.GetEnrollment(ctx, t.Enrollment)
	if err != nil {
		return fmt.Errorf("distribution: call retry: %w", err)
	}
	if !live(e) {
		return nil
	}
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Enrollment: t.Enrollment})
	if err != nil {
		return fmt.Errorf("distribution: call retry: %w", err)
	}
	retries := 0
	for i := range ts {
		if ts[i].Step == t.Step && ts[i].Reason == outbound.ReasonCallRetry {
			retries++
		}
	}
	if retries >= s.cfg.CallRetries {
		return nil
	}
	nt := outbound.Touch{
		ID: outbound.TouchID{UUID: derivedID(t.ID.UUID, "retry")}, Client: t.Client, Campaign: t.Campaign,
		Enrollment: t.Enrollment, Lead: t.Lead, Step: t.Step, StepChannel: t.StepChannel,
		Channel: channel.Voice, Action: channel.ActionCall, Reason: outbound.ReasonCallRetry,
	}
	return s.planner.follow(ctx, t, &nt, at.Add(s.cfg.CallCooling))
}

// connectionAccepted plans the LinkedIn message after an accepted request.
func (s *applier) connectionAccepted(ctx context.Context, t *outbound.Touch, at time.Time) error {
	if t == nil || t.Action != channel.ActionConnectionRequest {
		return nil
	}
	if t.Status == outbound.TouchSent {
		// Accepted is as far as a request goes: delivered.
		t.Status = outbound.TouchDelivered
		if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
			return fmt.Errorf("distribution: connection accepted: %w", err)
		}
		s.touchMoved(ctx, t, outbound.TouchSent, outbound.TouchDelivered)
	}
	e, err := s.store.GetEnrollment(ctx, t.Enrollment)
	if err != nil {
		return fmt.Errorf("distribution: connection accepted: %w", err)
	}
	if !live(e) {
		return nil
	}
	nt := outbound.Touch{
		ID: outbound.TouchID{UUID: derivedID(t.ID.UUID, "message")}, Client: t.Client, Campaign: t.Campaign,
		Enrollment: t.Enrollment, Lead: t.Lead, Step: t.Step, StepChannel: t.StepChannel,
		Channel: channel.LinkedIn, Action: channel.ActionLinkedInMessage, Reason: outbound.ReasonConnectionAccepted,
	}
	return s.planner.follow(ctx, t, &nt, at.Add(s.cfg.ConnectionMessageDelay))
}

// suppressLead keeps l from channel k: a suppression by the lead and one by
// its address for k (so the address stays suppressed for any lead that
// has it). Each is reported to the hook once stored.
func (s *shared) suppressLead(ctx context.Context, st interface {
	AddSuppression(context.Context, *outbound.Suppression) error
}, l *outbound.Lead, k channel.Kind, why outbound.Reason, now time.Time) error {
	for _, sp := range leadSuppressions(l, k) {
		sp.Reason, sp.Since = why, now.UTC()
		if err := st.AddSuppression(ctx, &sp); err != nil {
			return fmt.Errorf("distribution: suppress lead %s on %s: %w", l.ID, k, err)
		}
		s.suppressionChanged(ctx, ChangeSuppressed, &sp)
	}
	return nil
}

// suppressionChanged reports a suppression stored or lifted to the hook.
func (s *shared) suppressionChanged(ctx context.Context, kind ChangeKind, sp *outbound.Suppression) {
	c := *sp
	s.notify(ctx, Change{Kind: kind, Client: sp.Client, Lead: sp.Lead, Channel: sp.Channel, Reason: sp.Reason, Suppression: &c})
}

// leadSuppressions are the keys that keep l from channel k.
func leadSuppressions(l *outbound.Lead, k channel.Kind) []outbound.Suppression {
	out := []outbound.Suppression{{Client: l.Client, Lead: l.ID, Channel: k}}
	if addr := leadAddress(l, k); addr != "" {
		out = append(out, outbound.Suppression{Client: l.Client, Address: normAddress(addr), Channel: k})
	}
	return out
}

// optIn lifts the opt-outs an opt-in keyword (SMS START, YES, UNSTOP)
// answers: the leads' suppressions on the event's channel, recording the
// provider as who lifted them and when. Bounces and complaints stay.
func (s *applier) optIn(ctx context.Context, e *channel.Event, leads []*outbound.Lead, now time.Time) error {
	by := e.Provider + ":" + e.From
	for _, l := range leads {
		list, err := s.store.ListSuppressions(ctx, l.Client)
		if err != nil {
			return fmt.Errorf("distribution: opt-in of lead %s: %w", l.ID, err)
		}
		optedOut := map[storage.SuppressionKey]bool{}
		for i := range list {
			if list[i].Active() && list[i].Reason == outbound.ReasonOptedOut {
				optedOut[storage.KeyOf(&list[i])] = true
			}
		}
		for _, sp := range leadSuppressions(l, e.Kind) {
			if !optedOut[storage.KeyOf(&sp)] {
				continue // not an opt-out (a bounce stays), or lifted already
			}
			lifted, err := s.store.LiftSuppression(ctx, storage.KeyOf(&sp), by, outbound.ReasonOptedIn, now)
			if err != nil {
				return fmt.Errorf("distribution: opt-in of lead %s: %w", l.ID, err)
			}
			if lifted {
				s.log.InfoContext(ctx, "opt-out lifted", "lead", l.ID.String(), "channel", string(e.Kind), "by", by)
				sp.Reason, sp.LiftedAt, sp.LiftedBy, sp.LiftReason = outbound.ReasonOptedOut, now.UTC(), by, outbound.ReasonOptedIn
				s.suppressionChanged(ctx, ChangeSuppressionLifted, &sp)
			}
		}
	}
	return nil
}
