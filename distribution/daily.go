package distribution

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

// dailyJobs runs the periodic work: DNCR re-washes, the pool's jobs
// (promotion, buffer, health, release), LinkedIn withdrawals and the
// capacity counters, then a Plan pass.
type dailyJobs struct {
	*shared
	store    dailyStore
	planner  *planner
	importer *importer
	applier  *applier

	healthMu sync.Mutex
	health   *healthCache
}

// dailyStore is what the daily jobs read and write.
type dailyStore interface {
	storage.Clients
	storage.Resources
	storage.Leads
	storage.Enrollments
	storage.Touches
	storage.Events
	storage.Washes
	storage.Bookings
}

// WithdrawProvider is the provider name of the connection_withdrawn events
// Daily records.
const WithdrawProvider = "outbound"

// daily is Service.Daily.
func (s *dailyJobs) daily(ctx context.Context) error {
	now := s.clock.Now()
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	keep(s.rewash(ctx, now))
	if _, err := s.pool.Promote(ctx); err != nil {
		keep(fmt.Errorf("distribution: promote: %w", err))
	}
	if _, err := s.pool.CheckBuffer(ctx); err != nil {
		keep(fmt.Errorf("distribution: check buffer: %w", err))
	}
	// Domain health over the window ending now, as the pool asks: read once
	// here for every domain the pool evaluates.
	h, err := s.buildHealth(ctx, now.Add(-s.cfg.Health.Window), now)
	s.healthMu.Lock()
	s.health = h
	if h != nil {
		h.built = now
	}
	s.healthMu.Unlock()
	keep(err)
	if changes, err := s.pool.EvaluateHealth(ctx, s); err != nil {
		keep(fmt.Errorf("distribution: evaluate health: %w", err))
	} else {
		for _, c := range changes {
			s.log.WarnContext(ctx, "domain paused", "domain", c.Domain.String(), "reason", c.Verdict.Reason)
		}
	}
	if changes, err := s.pool.EvaluateNumberHealth(ctx, s); err != nil {
		keep(fmt.Errorf("distribution: evaluate number health: %w", err))
	} else {
		for _, c := range changes {
			s.log.WarnContext(ctx, "number paused", "number", c.Domain.String(), "reason", c.Verdict.Reason)
		}
	}
	if _, err := s.pool.Release(ctx); err != nil {
		keep(fmt.Errorf("distribution: release: %w", err))
	}
	clients, err := s.store.ListClients(ctx)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("distribution: daily: %w", err))...)
	}
	for _, c := range clients {
		cs, err := s.refresh(ctx, c.ID)
		if err != nil {
			keep(err)
			continue
		}
		cs.alloc.Forget(now.Add(-24 * time.Hour))
	}
	keep(s.withdrawConnections(ctx, now))
	keep(s.capacity(ctx))
	if _, err := s.planner.plan(ctx, nil); err != nil {
		keep(err)
	}
	keep(s.complete(ctx))
	if _, err := s.applier.sweep(ctx, s.cfg.Lease); err != nil {
		keep(err)
	}
	return errors.Join(errs...)
}

// completeBatch is how many enrollments complete reads the touches of at
// once.
const completeBatch = 500

// complete marks completed every active enrollment whose steps are all
// planned and none of whose touches is still to go (scheduled or sending:
// a call retry or a connection's message counts as to go), and tells the
// hook.
func (s *dailyJobs) complete(ctx context.Context) error {
	es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{State: outbound.EnrollmentActive})
	if err != nil {
		return fmt.Errorf("distribution: complete: %w", err)
	}
	done := es[:0]
	for _, e := range es {
		if e.NextStep > len(s.seq.Steps) {
			done = append(done, e)
		}
	}
	for len(done) > 0 {
		chunk := done[:min(len(done), completeBatch)]
		done = done[len(chunk):]
		ids := make([]outbound.EnrollmentID, len(chunk))
		for i := range chunk {
			ids[i] = chunk[i].ID
		}
		pending, err := s.store.ListTouches(ctx, storage.TouchFilter{Enrollments: ids,
			Statuses: []outbound.TouchStatus{outbound.TouchScheduled, outbound.TouchSending}})
		if err != nil {
			return fmt.Errorf("distribution: complete: %w", err)
		}
		open := make(map[outbound.EnrollmentID]bool, len(pending))
		for _, t := range pending {
			open[t.Enrollment] = true
		}
		for i := range chunk {
			e := &chunk[i]
			if open[e.ID] {
				continue
			}
			e.State = outbound.EnrollmentCompleted
			if err := s.store.UpdateEnrollment(ctx, e); err != nil {
				return fmt.Errorf("distribution: complete enrollment %s: %w", e.ID, err)
			}
			s.enrollmentMoved(ctx, e)
		}
	}
	return nil
}

// rewash washes again every number whose wash expires within
// DNCRRewashWithin (the store's WashesBefore), for each client's lead with
// it. The first Daily of a Service, and any after an import whose wash
// failed, also read every lead to wash the numbers never washed.
func (s *dailyJobs) rewash(ctx context.Context, now time.Time) error {
	if s.cfg.DNCR == nil {
		return nil
	}
	horizon := now.Add(s.cfg.DNCRRewashWithin)
	var due []*outbound.Lead
	if !s.washScanned.Load() || s.washPending.Swap(false) {
		ls, err := s.store.ListLeads(ctx, outbound.ClientID{})
		if err != nil {
			s.washPending.Store(true)
			return fmt.Errorf("distribution: rewash: %w", err)
		}
		for i := range ls {
			l := &ls[i]
			if l.Phone != "" && (l.DNCRWashedAt.IsZero() || !horizon.Before(l.DNCRWashedAt.Add(s.policy.DNCRValidity))) {
				due = append(due, l)
			}
		}
		s.washScanned.Store(true)
	} else {
		// A wash at W holds while now < W + validity: due when W <= horizon - validity.
		ws, err := s.store.WashesBefore(ctx, horizon.Add(-s.policy.DNCRValidity).Add(time.Nanosecond))
		if err != nil {
			return fmt.Errorf("distribution: rewash: %w", err)
		}
		if len(ws) > 0 {
			clients, err := s.store.ListClients(ctx)
			if err != nil {
				return fmt.Errorf("distribution: rewash: %w", err)
			}
			for _, w := range ws {
				for _, c := range clients {
					l, err := s.store.FindLead(ctx, c.ID, "", w.Phone)
					switch {
					case err == nil:
						due = append(due, l)
					case !errors.Is(err, storage.ErrNotFound):
						return fmt.Errorf("distribution: rewash: %w", err)
					}
				}
			}
		}
	}
	err := s.importer.washLeads(ctx, due, now, horizon)
	if err != nil {
		s.washPending.Store(true)
	}
	return err
}

// withdrawConnections records connection requests sent
// ConnectionWithdrawAfter ago or more and still not accepted (an accepted
// one is delivered) as withdrawn, and marks them so (reason
// connection_withdrawn). It reads only the sent requests that old.
func (s *dailyJobs) withdrawConnections(ctx context.Context, now time.Time) error {
	// SentUntil is exclusive and a database may keep microseconds only: a
	// microsecond past the cutoff takes in a request sent exactly at it, and
	// the check below keeps the rule exact.
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{
		Status: outbound.TouchSent, Action: channel.ActionConnectionRequest,
		SentUntil: now.Add(-s.cfg.ConnectionWithdrawAfter).Add(time.Microsecond),
	})
	if err != nil {
		return fmt.Errorf("distribution: withdraw: %w", err)
	}
	for i := range ts {
		t := &ts[i]
		if t.Action != channel.ActionConnectionRequest || t.Status != outbound.TouchSent || t.Reason == outbound.ReasonConnectionWithdrawn ||
			t.SentAt.IsZero() || now.Before(t.SentAt.Add(s.cfg.ConnectionWithdrawAfter)) {
			continue
		}
		if !s.withdrawAtProvider(ctx, t) {
			continue
		}
		ev := channel.Event{
			Provider: WithdrawProvider, ProviderEventID: "withdraw/" + t.ID.String(), Type: channel.EventConnectionWithdrawn,
			Kind: channel.LinkedIn, IdempotencyKey: t.ID.String(), At: t.SentAt.Add(s.cfg.ConnectionWithdrawAfter),
			Detail: "not accepted within " + s.cfg.ConnectionWithdrawAfter.String(),
		}
		if _, err := s.applier.handleEvent(ctx, ev); err != nil {
			return err
		}
		t.Reason = outbound.ReasonConnectionWithdrawn
		if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
			return fmt.Errorf("distribution: withdraw: %w", err)
		}
	}
	return nil
}

// withdrawAtProvider takes the connection request t back at its provider,
// when its adapter is a channel.Withdrawer. It reports false when the
// provider could not be reached (a retryable error): the request stays
// sent and tomorrow's job tries again. A permanent refusal (the
// invitation was accepted, withdrawn or expired meanwhile) is logged and
// the request recorded withdrawn all the same.
func (s *dailyJobs) withdrawAtProvider(ctx context.Context, t *outbound.Touch) bool {
	if t.ProviderRef == "" {
		return true
	}
	r, err := s.store.GetResource(ctx, t.Resource)
	if err != nil {
		s.log.WarnContext(ctx, "withdraw: the seat of a connection request cannot be read; trying again tomorrow",
			"touch", t.ID.String(), "resource", t.Resource.String(), "err", err)
		return false
	}
	sd := s.senders.forProvider(channel.LinkedIn, r.Provider)
	if sd == nil {
		return true
	}
	w, ok := sd.ch.(channel.Withdrawer)
	if !ok {
		return true
	}
	err = w.Withdraw(ctx, r.Address, t.ProviderRef)
	switch {
	case err == nil:
		return true
	case channel.IsPermanent(err):
		s.log.InfoContext(ctx, "withdraw: the provider no longer holds the connection request as pending",
			"touch", t.ID.String(), "provider", sd.info.Provider, "err", err)
		return true
	}
	s.log.WarnContext(ctx, "withdraw: the provider did not take the withdrawal; trying again tomorrow",
		"touch", t.ID.String(), "provider", sd.info.Provider, "err", err)
	return false
}

// capacity recounts the capacity counters from the store's bookings: Used
// per kind, and Available over the span of booked days.
func (s *dailyJobs) capacity(ctx context.Context) error {
	bs, err := s.store.ListBookings(ctx, outbound.ClientID{})
	if err != nil {
		return fmt.Errorf("distribution: capacity: %w", err)
	}
	if len(bs) == 0 {
		return nil
	}
	used := map[outbound.ResourceKind]int{}
	first, last := bs[0].Day, bs[0].Day
	for _, b := range bs {
		used[senderKindOfAction(b.Action)] += b.Count
		first, last = min(first, b.Day), max(last, b.Day)
	}
	avail := map[outbound.ResourceKind]int{}
	s.mu.RLock()
	states := make([]*clientState, 0, len(s.clients))
	for _, cs := range s.clients {
		states = append(states, cs)
	}
	s.mu.RUnlock()
	for _, cs := range states {
		for _, r := range cs.res {
			for d := first; d <= last; d++ {
				avail[r.Kind] += s.dailyCapacity(r, cs.loc, d)
			}
		}
	}
	s.tally.add(outbound.ClientID{}, func(c *Counters) {
		for _, k := range senderKinds {
			u := CapacityUse{Used: used[k], Available: avail[k]}
			if u.Available < u.Used {
				u.Available = u.Used // an unlimited cap offers what was used
			}
			if u.Used != 0 || u.Available != 0 {
				c.Capacity[k] = u
			}
		}
	})
	return nil
}

// dailyCapacity is what a resource offers on one of its days: the sum of
// its actions' daily caps (a mailbox's from the warmup curve; unlimited
// caps count nothing).
func (s *dailyJobs) dailyCapacity(r outbound.Resource, loc *time.Location, d timing.Date) int {
	if r.Paused {
		return 0
	}
	total := 0
	for _, a := range actionsOf(r.Kind) {
		c, ok := s.cfg.Caps.Cap(a)
		if !ok {
			continue
		}
		n := c.Daily
		if a == channel.ActionEmail {
			age := warmupMatureAge
			if !r.PurchasedAt.IsZero() {
				age = int(d - timing.DateIn(r.PurchasedAt, loc))
			}
			n = s.cfg.Warmup.DailyLimit(age, warmup.Health{Throttle: r.Throttle})
			if ceil := s.cfg.Caps.MailboxCeiling; ceil >= 0 && n > ceil {
				n = ceil
			}
		}
		if n > 0 {
			total += n
		}
	}
	return total
}

// actionsOf lists the actions a resource kind sends.
func actionsOf(k outbound.ResourceKind) []channel.Action {
	switch k {
	case outbound.KindMailbox:
		return []channel.Action{channel.ActionEmail}
	case outbound.KindPhone:
		return []channel.Action{channel.ActionCall, channel.ActionSMS}
	case outbound.KindLinkedInSeat:
		return []channel.Action{channel.ActionConnectionRequest, channel.ActionLinkedInMessage}
	case outbound.KindMailSender:
		return []channel.Action{channel.ActionLetter}
	}
	return nil
}
