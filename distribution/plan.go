package distribution

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// planner decides every touch: it plans each enrollment's steps ahead
// (channel, slot, resource, booked capacity), and plans again when
// dispatch or an event moves a touch (a slip, a fallback, a pause, a call
// retry, a follow-up).
type planner struct {
	*shared
	store  planStore
	passMu sync.Mutex // one Plan pass at a time
}

// planStore is what the planner reads and writes.
type planStore interface {
	storage.Clients
	storage.Campaigns
	storage.Leads
	storage.Enrollments
	storage.Touches
	storage.Plans
	storage.Suppressions
}

// maxBookTries bounds the slot-and-pick loop of one touch.
const maxBookTries = 1000

var (
	errNoCapacity = errors.New("no capacity")
	errNoResource = errors.New("no resource")
)

// planPass holds what one Plan pass reads once of one client, and what it
// learns.
type planPass struct {
	now       time.Time
	idSeed    uuid.UUID // the client's touch IDs in this pass derive from it
	ids       uint64    // how many it derived
	campaigns map[outbound.CampaignID]*outbound.Campaign
	supp      map[outbound.ClientID]*suppIndex
	dead      map[deadKey]*deadSpans
	leads     map[outbound.LeadID]*outbound.Lead // the chunk's, read together
}

// deadKey names what a NoCapacityError was about: one client's action
// (any resource), or one sticky resource's action.
type deadKey struct {
	client   outbound.ClientID
	resource outbound.ResourceID
	action   channel.Action
}

// deadSpans are the spans of instants [from, until) in which a pick is
// known to fail, learnt from NoCapacityErrors during one pass. Within a pass
// capacity is only taken, never given back (but for a rolled-back plan or a
// concurrent release, after which a span is merely pessimistic), so a span
// stays dead: the planner jumps over it without asking the allocator again.
type deadSpans struct {
	spans []deadSpan // sorted by from, disjoint
}

type deadSpan struct {
	from, until time.Time
	reason      outbound.Reason
}

// find returns the span holding t.
func (d *deadSpans) find(t time.Time) (deadSpan, bool) {
	i, _ := slices.BinarySearchFunc(d.spans, t, func(s deadSpan, t time.Time) int { return s.from.Compare(t) })
	// spans[i-1] is the last that starts at or before t (or spans[i] starts at t).
	if i < len(d.spans) && d.spans[i].from.Equal(t) {
		return d.spans[i], true
	}
	if i > 0 && t.Before(d.spans[i-1].until) {
		return d.spans[i-1], true
	}
	return deadSpan{}, false
}

// add records a dead span, merging it with those it overlaps or touches.
func (d *deadSpans) add(s deadSpan) {
	if !s.from.Before(s.until) {
		return
	}
	i, _ := slices.BinarySearchFunc(d.spans, s.from, func(x deadSpan, t time.Time) int { return x.from.Compare(t) })
	j := i
	if i > 0 && !d.spans[i-1].until.Before(s.from) {
		i--
	}
	for j < len(d.spans) && !d.spans[j].from.After(s.until) {
		j++
	}
	for _, o := range d.spans[i:j] {
		if o.from.Before(s.from) {
			s.from, s.reason = o.from, o.reason
		}
		if o.until.After(s.until) {
			s.until = o.until
		}
	}
	d.spans = slices.Replace(d.spans, i, j, s)
}

func newPlanPass(now time.Time, idSeed uuid.UUID) *planPass {
	return &planPass{now: now, idSeed: idSeed, campaigns: map[outbound.CampaignID]*outbound.Campaign{},
		supp: map[outbound.ClientID]*suppIndex{}, dead: map[deadKey]*deadSpans{}}
}

// readLeads reads, in one call, the leads of the enrollments that have
// steps left to plan (below step last+1); the others need no lead.
func (p *planPass) readLeads(ctx context.Context, st planStore, es []*outbound.Enrollment, last int) error {
	ids := make([]outbound.LeadID, 0, len(es))
	for _, e := range es {
		if e.NextStep <= last {
			ids = append(ids, e.Lead)
		}
	}
	p.leads = nil
	if len(ids) == 0 {
		return nil
	}
	ls, err := st.GetLeads(ctx, ids)
	if err != nil {
		return fmt.Errorf("distribution: plan: leads: %w", err)
	}
	p.leads = make(map[outbound.LeadID]*outbound.Lead, len(ls))
	for i := range ls {
		p.leads[ls[i].ID] = &ls[i]
	}
	return nil
}

// lead returns a lead read by readLeads, or reads it (p may be nil).
func (p *planPass) lead(ctx context.Context, st planStore, id outbound.LeadID) (*outbound.Lead, error) {
	if p != nil {
		if l, ok := p.leads[id]; ok {
			return l, nil
		}
	}
	return st.GetLead(ctx, id)
}

// newID is the pass's next touch ID: from the client's seed and a count, so
// the IDs do not depend on how the passes of clients interleave. The count
// goes into the low half as it is (distinct counts, distinct IDs) and mixed
// into the high half; the result has the random (version 4) layout.
func (p *planPass) newID() uuid.UUID {
	p.ids++
	u := p.idSeed
	binary.BigEndian.PutUint64(u[:8], binary.BigEndian.Uint64(u[:8])^mix(p.ids))
	binary.BigEndian.PutUint64(u[8:], binary.BigEndian.Uint64(u[8:])^p.ids)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

func (p *planPass) deadFor(k deadKey) *deadSpans {
	if p == nil {
		return nil
	}
	d := p.dead[k]
	if d == nil {
		d = &deadSpans{}
		p.dead[k] = d
	}
	return d
}

// suppIndex is one client's suppressions, read once per pass.
type suppIndex struct {
	byLead   map[outbound.LeadID]suppCover
	byAddr   map[string]suppCover
	byDomain map[string]suppCover
}

// covers answers the store's Suppressed from the index.
func (x *suppIndex) covers(q storage.SuppressionQuery) bool {
	k := q.Channel
	return x.byLead[q.Lead].has(k) ||
		(q.Address != "" && x.byAddr[normAddress(q.Address)].has(k)) ||
		(q.Domain != "" && x.byDomain[q.Domain].has(k))
}

type suppCover struct {
	all  bool
	some channel.Set
}

func (c suppCover) has(k channel.Kind) bool { return c.all || c.some.Has(k) }

// Plan is the leader's pass: it plans every step not yet planned of every
// active enrollment (and of paused ones, from their return): each client's
// in the order of the store (lead, then campaign), clients apart and up to
// Config.PlanWorkers at once, so the same store plans the same way however
// many plan. For each step it resolves the channel (gating, address, the
// client's usable resources and configured channels, DNCR, opt-outs),
// finds a slot spread over the recipient's window on a business day no
// earlier than sequence.Sequence.Earliest and now, and books capacity with
// the client's allocator; a full resource pushes the touch to the next
// opening, and a step that finds none within PlanHorizon is skipped with
// reason no_capacity. Skipped steps are stored as skipped touches with their
// reason. It returns how many touches it scheduled.
func (s *Service) Plan(ctx context.Context) (int, error) {
	return s.planner.plan(ctx, nil)
}

// plan is Plan with a stop signal checked between enrollments. Clients are
// planned apart (each books only its own resources), up to
// Config.PlanWorkers at a time; each client's enrollments in the store's
// order, with touch IDs from a stream of its own, so the result is the
// same whatever the number of workers and their timing.
func (s *planner) plan(ctx context.Context, stop <-chan struct{}) (int, error) {
	s.passMu.Lock()
	defer s.passMu.Unlock()
	now := s.clock.Now()
	clients, err := s.store.ListClients(ctx)
	if err != nil {
		return 0, fmt.Errorf("distribution: plan: %w", err)
	}
	for _, c := range clients {
		s.mu.RLock()
		cs := s.clients[c.ID]
		s.mu.RUnlock()
		if cs != nil && cs.client.Version == c.Version {
			continue // the picture is current
		}
		if _, err := s.refresh(ctx, c.ID); err != nil {
			return 0, err
		}
	}
	// Every pending touch first, so that what dispatch and events handed
	// back is booked before new plans take the slots.
	booked, bookErr := s.bookPending(ctx)
	if ctx.Err() != nil {
		return booked, ctx.Err()
	}
	// One read of every enrollment, in the store's order (lead, campaign),
	// shared out by client.
	es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{})
	if err != nil {
		return 0, fmt.Errorf("distribution: plan: %w", err)
	}
	byClient := map[outbound.ClientID][]*outbound.Enrollment{}
	for i := range es {
		if live(&es[i]) {
			byClient[es[i].Client] = append(byClient[es[i].Client], &es[i])
		}
	}
	// The clients with work, in ID order, each with the seed of its IDs
	// drawn in that order.
	type job struct {
		pass *planPass
		es   []*outbound.Enrollment
		n    int
		err  error
		bad  int
	}
	var jobs []*job
	for _, c := range clients {
		if ces := byClient[c.ID]; len(ces) > 0 {
			jobs = append(jobs, &job{pass: newPlanPass(now, s.newID()), es: ces})
		}
	}
	next := make(chan *job, len(jobs))
	for _, j := range jobs {
		next <- j
	}
	close(next)
	var wg sync.WaitGroup
	for range min(s.cfg.PlanWorkers, len(jobs)) {
		wg.Go(func() {
			for j := range next {
				j.n, j.bad, j.err = s.planClient(ctx, stop, j.pass, j.es)
			}
		})
	}
	wg.Wait()
	total, failed := booked, 0
	firstErr := bookErr
	for _, j := range jobs {
		total += j.n
		failed += j.bad
		if firstErr == nil && j.err != nil {
			firstErr = j.err
		}
	}
	switch {
	case ctx.Err() != nil:
		return total, ctx.Err()
	case firstErr != nil && failed == 0:
		return total, firstErr
	case firstErr != nil:
		return total, fmt.Errorf("distribution: plan: %d enrollments not planned, the first: %w", failed, firstErr)
	}
	return total, nil
}

// planChunk is how many enrollments the planner reads the leads of, and
// saves the plans of, together.
const planChunk = 64

// planClient plans one client's enrollments in order, planChunk at a time:
// their leads read in one call, their plans saved in one. It returns how
// many touches it scheduled, how many enrollments failed, and the first
// error: of the first failed enrollment, or one that stopped the client.
func (s *planner) planClient(ctx context.Context, stop <-chan struct{}, pass *planPass, es []*outbound.Enrollment) (int, int, error) {
	total, failed := 0, 0
	var firstErr error
	fail := func(e *outbound.Enrollment, err error) {
		// One enrollment that cannot be planned does not hold up the
		// others; the pass reports the first failure.
		s.log.ErrorContext(ctx, "enrollment not planned", "enrollment", e.ID.String(), "lead", e.Lead.String(), "err", err)
		failed++
		if firstErr == nil {
			firstErr = err
		}
	}
	var chunk []*planned
	save := func() {
		n, bad := s.savePlans(ctx, chunk)
		total += n
		for _, b := range bad {
			fail(b.p.e, b.err)
		}
		chunk = chunk[:0]
	}
	for start := 0; start < len(es); start += planChunk {
		window := es[start:min(len(es), start+planChunk)]
		if err := pass.readLeads(ctx, s.store, window, len(s.seq.Steps)); err != nil {
			return total, failed, err
		}
		for _, e := range window {
			if err := ctx.Err(); err != nil {
				save()
				return total, failed, err
			}
			if stopped(stop) {
				save()
				return total, failed, firstErr
			}
			if e.State == outbound.EnrollmentPaused && !e.PausedUntil.After(pass.now) {
				e.State, e.PausedUntil, e.StopReason = outbound.EnrollmentActive, time.Time{}, ""
				if e.NextStep > len(s.seq.Steps) {
					if err := s.store.UpdateEnrollment(ctx, e); err != nil {
						save()
						return total, failed, fmt.Errorf("distribution: plan: %w", err)
					}
				}
			}
			if e.NextStep > len(s.seq.Steps) {
				continue
			}
			p, err := s.planSteps(ctx, pass, e)
			switch {
			case err != nil:
				fail(e, err)
			case p != nil:
				chunk = append(chunk, p)
			}
		}
		save()
	}
	return total, failed, firstErr
}

// planned is one enrollment's plan before it is saved: its touches, the
// enrollment moved on, and the bookings made for them.
type planned struct {
	cs        *clientState
	e         *outbound.Enrollment
	touches   []outbound.Touch
	picks     []allocator.Pick
	scheduled int
}

// notSaved is a plan the store refused, with why.
type notSaved struct {
	p   *planned
	err error
}

// savePlans saves plans in one SavePlans call, all or nothing; if the store
// refuses the lot, it saves them one by one, so that one bad plan does not
// hold up the others. A plan not saved gives its bookings back. It returns
// how many touches the saved plans scheduled, and the plans not saved.
func (s *planner) savePlans(ctx context.Context, ps []*planned) (int, []notSaved) {
	if len(ps) == 0 {
		return 0, nil
	}
	ws := make([]storage.PlanWrite, len(ps))
	for i, p := range ps {
		ws[i] = storage.PlanWrite{Enrollment: p.e, Touches: p.touches}
	}
	err := s.store.SavePlans(ctx, ws)
	if err == nil {
		n := 0
		for _, p := range ps {
			n += s.planSaved(ctx, p)
		}
		return n, nil
	}
	if len(ps) == 1 {
		s.releasePicks(ctx, ps[0])
		return 0, []notSaved{{ps[0], fmt.Errorf("distribution: plan enrollment %s: %w", ps[0].e.ID, err)}}
	}
	n := 0
	var bad []notSaved
	for _, p := range ps {
		m, b := s.savePlans(ctx, []*planned{p})
		n += m
		bad = append(bad, b...)
	}
	return n, bad
}

// planSaved counts a saved plan's touches and returns how many it
// scheduled.
func (s *planner) planSaved(ctx context.Context, p *planned) int {
	for i := range p.touches {
		s.touchMoved(ctx, &p.touches[i], "", p.touches[i].Status)
	}
	return p.scheduled
}

// releasePicks gives back the bookings of a plan that was not saved.
func (s *planner) releasePicks(ctx context.Context, p *planned) {
	for _, pk := range p.picks {
		if err := p.cs.alloc.Release(ctx, pk); err != nil {
			s.log.WarnContext(ctx, "release after a failed plan", "resource", pk.Resource.String(), "err", err)
		} else {
			s.countUsed(p.cs.client.ID, senderKindOfAction(pk.Action), -1)
		}
	}
}

func cmpUUID(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func (p *planPass) campaign(ctx context.Context, st planStore, id outbound.CampaignID) (*outbound.Campaign, error) {
	if c, ok := p.campaigns[id]; ok {
		return c, nil
	}
	c, err := st.GetCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	p.campaigns[id] = c
	return c, nil
}

// planEnrollment plans the enrollment's steps from NextStep to the last and
// saves the plan: the touches and NextStep moved past the last step, in one
// SavePlans. It returns how many touches it scheduled. pass may be nil (an
// event re-plans one enrollment).
func (s *planner) planEnrollment(ctx context.Context, pass *planPass, e *outbound.Enrollment) (int, error) {
	p, err := s.planSteps(ctx, pass, e)
	if err != nil || p == nil {
		return 0, err
	}
	n, bad := s.savePlans(ctx, []*planned{p})
	if len(bad) > 0 {
		return 0, bad[0].err
	}
	return n, nil
}

// planSteps plans the enrollment's steps from NextStep to the last, booking
// capacity for each, and returns the plan to save: nil when the campaign or
// the client does not run. On an error it has given its bookings back.
func (s *planner) planSteps(ctx context.Context, pass *planPass, e *outbound.Enrollment) (*planned, error) {
	var now time.Time
	var camp *outbound.Campaign
	var err error
	if pass != nil {
		now = pass.now
		camp, err = pass.campaign(ctx, s.store, e.Campaign)
	} else {
		now = s.clock.Now()
		camp, err = s.store.GetCampaign(ctx, e.Campaign)
	}
	if err != nil {
		return nil, fmt.Errorf("distribution: plan enrollment %s: %w", e.ID, err)
	}
	if camp.State != outbound.CampaignActive {
		return nil, nil
	}
	cs, err := s.client(ctx, e.Client)
	if err != nil {
		return nil, err
	}
	if cs.client.State != outbound.ClientActive {
		return nil, nil
	}
	lead, err := pass.lead(ctx, s.store, e.Lead)
	if err != nil {
		return nil, fmt.Errorf("distribution: plan enrollment %s: %w", e.ID, err)
	}
	rec, err := s.recipient(lead)
	if err != nil {
		return nil, err
	}
	cond, err := s.conditions(ctx, pass, cs, lead, now)
	if err != nil {
		return nil, err
	}
	var last sequence.LastTouch
	if e.NextStep > 1 {
		if last, err = s.lastTouch(ctx, e); err != nil {
			return nil, err
		}
	}
	floor := now
	if e.State == outbound.EnrollmentPaused && e.PausedUntil.After(floor) {
		floor = e.PausedUntil
	}
	if e.Sticky == nil {
		e.Sticky = map[outbound.ResourceKind]outbound.ResourceID{}
	}
	steps := s.seq.Steps
	p := &planned{cs: cs, e: e, touches: make([]outbound.Touch, 0, len(steps)-e.NextStep+1)}
	for num := e.NextStep; num <= len(steps); num++ {
		step := steps[num-1]
		earliest, err := s.seq.Earliest(num, e.EnrolledOn, rec.Location, last)
		if err != nil {
			s.releasePicks(ctx, p)
			return nil, fmt.Errorf("distribution: plan enrollment %s step %d: %w", e.ID, num, err)
		}
		if earliest.Before(floor) {
			earliest = floor
		}
		id := s.newID
		if pass != nil {
			id = pass.newID
		}
		t := outbound.Touch{
			ID: outbound.TouchID{UUID: id()}, Client: e.Client, Campaign: e.Campaign, Enrollment: e.ID, Lead: e.Lead,
			Step: num, StepChannel: step.Channel,
		}
		pick, err := s.placeTouch(ctx, pass, cs, rec, &cond, step, &t, e.Sticky, earliest, stepKey(e.Lead, num, 0))
		if err != nil {
			s.releasePicks(ctx, p)
			return nil, err
		}
		if t.Status == outbound.TouchScheduled {
			p.picks = append(p.picks, pick)
			e.Sticky[outbound.SenderKind(t.Channel)] = pick.Resource
			last = sequence.LastTouch{Step: num, At: t.ScheduledAt}
			p.scheduled++
		}
		p.touches = append(p.touches, t)
	}
	e.NextStep = len(steps) + 1
	return p, nil
}

// placeTouch resolves the step's channel for the lead and books a slot,
// filling t (Channel, Action, Resource, Day, ScheduledAt, Status, Reason).
// A step with no usable channel, or no capacity within PlanHorizon, leaves
// t skipped with the reason. The returned pick is valid when t is
// scheduled.
func (s *planner) placeTouch(ctx context.Context, pass *planPass, cs *clientState, rec timing.Recipient, cond *sequence.Conditions,
	step sequence.Step, t *outbound.Touch, sticky map[outbound.ResourceKind]outbound.ResourceID, earliest time.Time, key uint64,
) (allocator.Pick, error) {
	t.ScheduledAt = earliest.UTC()
	for range 3 { // a resource found unusable while booking re-resolves
		res := s.policy.Resolve(step, *cond)
		if res.Skipped {
			t.Status, t.Reason = outbound.TouchSkipped, skipReason(res)
			return allocator.Pick{}, nil
		}
		pick, deferred, err := s.book(ctx, pass, cs, rec, res.Channel, res.Action, sticky[outbound.SenderKind(res.Channel)], earliest, key)
		switch {
		case errors.Is(err, errNoResource):
			cond.Resources = cond.Resources.Without(res.Channel)
			continue
		case errors.Is(err, errNoCapacity):
			t.Status, t.Reason, t.Channel, t.Action = outbound.TouchSkipped, outbound.ReasonNoCapacity, "", ""
			if deferred != "" {
				s.countDeferral(t.Client, deferred)
			}
			return allocator.Pick{}, nil
		case errors.Is(err, timing.ErrNoSlot):
			t.Status, t.Reason = outbound.TouchSkipped, outbound.ReasonNoSlot
			return allocator.Pick{}, nil
		case err != nil:
			return allocator.Pick{}, err
		}
		t.Channel, t.Action, t.Resource, t.Day, t.ScheduledAt = res.Channel, res.Action, pick.Resource, pick.Day, pick.At.UTC()
		t.Status = outbound.TouchScheduled
		if res.Fallback {
			t.Reason = outbound.FallbackReason(outbound.Reason(res.PrimaryReason))
			s.countFallback(t.Client, outbound.Reason(res.PrimaryReason))
		}
		if deferred != "" {
			s.countDeferral(t.Client, deferred)
		}
		s.countUsed(t.Client, outbound.SenderKind(res.Channel), 1)
		return pick, nil
	}
	t.Status, t.Reason = outbound.TouchSkipped, outbound.ReasonNoResource
	return allocator.Pick{}, nil
}

// skipReason is the reason stored with a skipped step: the step's own
// reason, and the fallback's when there was a fallback.
func skipReason(r sequence.Resolution) outbound.Reason {
	if r.FallbackReason == sequence.ReasonNoFallback {
		return outbound.Reason(r.PrimaryReason)
	}
	return outbound.SkipReason(outbound.Reason(r.PrimaryReason), outbound.Reason(r.FallbackReason))
}

// book finds the first slot at or after from in the recipient's window of ch
// (spread by key) at which the client's allocator can take the touch, and
// reserves it. It moves on to each NoCapacityError's NextOpen (trying that
// very instant while it is inside the window, else spreading over the next
// window); past PlanHorizon it gives up with errNoCapacity (and the first
// deferral reason). A client with no usable resource of the kind is
// errNoResource. pass, when not nil, remembers the spans in which picks
// fail, so a full day is asked about once per pass.
func (s *planner) book(ctx context.Context, pass *planPass, cs *clientState, rec timing.Recipient, ch channel.Kind, action channel.Action,
	sticky outbound.ResourceID, from time.Time, key uint64,
) (allocator.Pick, outbound.Reason, error) {
	limit := from.Add(s.cfg.PlanHorizon)
	at := from
	var deferred outbound.Reason
	exact := false // at is a NextOpen inside the window: try it as is
	var dead *deadSpans
	if pass != nil {
		k := deadKey{client: cs.client.ID, action: action}
		if r, ok := cs.res[sticky]; ok && !r.Paused {
			k.resource = sticky
		}
		dead = pass.deadFor(k)
	}
	jump := func(slot, next time.Time, reason outbound.Reason) {
		if deferred == "" {
			deferred = reason
		}
		if !next.After(slot) {
			next = slot.Add(time.Second)
		}
		at = next
		exact = timing.DateIn(next, rec.Location) == timing.DateIn(slot, rec.Location) && s.sched.Contains(ch, rec, next)
	}
	for range maxBookTries {
		slot := at
		if !exact {
			var err error
			if slot, err = s.sched.NextSpread(ch, rec, at, key); err != nil {
				return allocator.Pick{}, deferred, err
			}
		}
		if slot.After(limit) {
			return allocator.Pick{}, deferred, errNoCapacity
		}
		if dead != nil {
			if sp, ok := dead.find(slot); ok {
				jump(slot, sp.until, sp.reason)
				continue
			}
		}
		p, err := cs.alloc.Pick(ctx, allocator.Request{Action: action, At: slot, Sticky: sticky})
		if err == nil {
			return p, deferred, nil
		}
		var nc *allocator.NoCapacityError
		if !errors.As(err, &nc) {
			return allocator.Pick{}, deferred, fmt.Errorf("distribution: book %s: %w", action, err)
		}
		if nc.Reason == allocator.ReasonNoResource {
			return allocator.Pick{}, deferred, errNoResource
		}
		if nc.NextOpen.IsZero() {
			if deferred == "" {
				deferred = outbound.Reason(nc.Reason)
			}
			return allocator.Pick{}, deferred, errNoCapacity
		}
		if dead != nil && nc.NextOpen.After(slot) {
			dead.add(deadSpan{from: slot, until: nc.NextOpen, reason: outbound.Reason(nc.Reason)})
		}
		jump(slot, nc.NextOpen, outbound.Reason(nc.Reason))
	}
	return allocator.Pick{}, deferred, errNoCapacity
}

// conditions gathers the facts policy.Resolve needs about a lead.
func (s *planner) conditions(ctx context.Context, pass *planPass, cs *clientState, l *outbound.Lead, now time.Time) (sequence.Conditions, error) {
	c := sequence.Conditions{
		Tier:      l.Tier,
		Addresses: addresses(l),
		Resources: cs.usable,
		DNCR:      sequence.DNCRState{Registered: l.DNCR == outbound.DNCRRegistered, WashedAt: l.DNCRWashedAt},
		Now:       now,
	}
	var idx *suppIndex
	if pass != nil {
		var err error
		if idx, err = pass.suppressions(ctx, s.store, l.Client); err != nil {
			return c, err
		}
	}
	for _, k := range channel.Kinds() {
		if !c.Addresses.Has(k) {
			continue
		}
		var opted bool
		if idx != nil {
			opted = idx.covers(leadQuery(l, k))
		} else {
			var err error
			if opted, err = s.store.Suppressed(ctx, leadQuery(l, k)); err != nil {
				return c, fmt.Errorf("distribution: suppression of lead %s: %w", l.ID, err)
			}
		}
		if opted {
			c.OptedOut = c.OptedOut.With(k)
		}
	}
	return c, nil
}

func (p *planPass) suppressions(ctx context.Context, st planStore, client outbound.ClientID) (*suppIndex, error) {
	if idx, ok := p.supp[client]; ok {
		return idx, nil
	}
	list, err := st.ListSuppressions(ctx, client)
	if err != nil {
		return nil, fmt.Errorf("distribution: suppressions of client %s: %w", client, err)
	}
	// The platform-wide do-not-contact entries hold for every client.
	platform, err := st.ListSuppressions(ctx, outbound.ClientID{})
	if err != nil {
		return nil, fmt.Errorf("distribution: platform-wide suppressions: %w", err)
	}
	list = append(list, platform...)
	idx := &suppIndex{byLead: map[outbound.LeadID]suppCover{}, byAddr: map[string]suppCover{}, byDomain: map[string]suppCover{}}
	add := func(c suppCover, k channel.Kind) suppCover {
		if k == "" {
			c.all = true
		} else {
			c.some = c.some.With(k)
		}
		return c
	}
	for _, sp := range list {
		if !sp.Active() {
			continue
		}
		if sp.Domain != "" {
			d := strings.ToLower(sp.Domain)
			idx.byDomain[d] = add(idx.byDomain[d], sp.Channel)
		}
		if !sp.Lead.IsZero() {
			idx.byLead[sp.Lead] = add(idx.byLead[sp.Lead], sp.Channel)
		}
		if sp.Address != "" {
			a := normAddress(sp.Address)
			idx.byAddr[a] = add(idx.byAddr[a], sp.Channel)
		}
	}
	p.supp[client] = idx
	return idx, nil
}

// normAddress is how addresses compare: emails without case.
func normAddress(a string) string {
	if strings.Contains(a, "@") {
		return strings.ToLower(a)
	}
	return a
}

// addresses is the set of channels the lead can be reached on.
func addresses(l *outbound.Lead) channel.Set {
	var set channel.Set
	if l.Email != "" {
		set = set.With(channel.Email)
	}
	if l.Phone != "" {
		set = set.With(channel.Voice).With(channel.SMS)
	}
	if l.LinkedIn != "" {
		set = set.With(channel.LinkedIn)
	}
	if l.AddressLine1 != "" && l.Country != "" {
		set = set.With(channel.Mail)
	}
	return set
}

// leadAddress is the lead's address on channel k, as suppressions name it.
func leadAddress(l *outbound.Lead, k channel.Kind) string {
	switch k {
	case channel.Email:
		return l.Email
	case channel.Voice, channel.SMS:
		return l.Phone
	case channel.LinkedIn:
		return l.LinkedIn
	}
	return ""
}

// lastTouch is the enrollment's latest touch that went out or will, before
// its NextStep: what the gap to the next step counts from.
func (s *planner) lastTouch(ctx context.Context, e *outbound.Enrollment) (sequence.LastTouch, error) {
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Enrollment: e.ID})
	if err != nil {
		return sequence.LastTouch{}, fmt.Errorf("distribution: touches of enrollment %s: %w", e.ID, err)
	}
	var last sequence.LastTouch
	for i := range ts {
		t := &ts[i]
		if t.IsAnswer() || t.Step >= e.NextStep {
			continue
		}
		switch t.Status {
		case outbound.TouchScheduled, outbound.TouchSending, outbound.TouchSent, outbound.TouchDelivered, outbound.TouchUncertain:
		default:
			continue
		}
		at := t.ScheduledAt
		if !t.SentAt.IsZero() {
			at = t.SentAt
		}
		if at.After(last.At) {
			last = sequence.LastTouch{Step: t.Step, At: at}
		}
	}
	return last, nil
}

// stepKey spreads a lead's step over the window: the same lead and step
// land at the same offset on every run.
func stepKey(lead outbound.LeadID, step, salt int) uint64 {
	a := binary.LittleEndian.Uint64(lead.UUID[:8])
	b := binary.LittleEndian.Uint64(lead.UUID[8:])
	return mix(a ^ mix(b^uint64(step)<<32^uint64(salt)))
}

func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// derivedID is an ID computed from another and a salt, so that records
// created by events and retries get the same IDs on every run, whatever
// order workers run in (a name-based UUID, version 5).
func derivedID(from uuid.UUID, salt string) uuid.UUID {
	return uuid.NewSHA1(from, []byte(salt))
}

// newID calls Config.Test.NewID under a lock: a seeded source need not be safe
// for concurrent use.
func (s *shared) newID() uuid.UUID {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	return s.cfg.Test.NewID()
}

// senderKindOfAction is the resource kind an action is booked on.
func senderKindOfAction(a channel.Action) outbound.ResourceKind {
	return outbound.SenderKind(a.Kind())
}
