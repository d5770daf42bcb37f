package distribution

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Run runs the engine until ctx ends: Config.Workers dispatch workers
// (each sleeping Config.PollInterval on the clock when nothing is due), the
// planner (a Plan pass every PollInterval, or at once when leads are
// imported), and the daily jobs (Daily on start, then at each UTC midnight
// on the clock).
//
// The workers run in every process. The planner and the daily jobs run only
// while this process leads: with Config.Elector nil it always does; else
// Run tries to lead every PollInterval on the clock, and once it does it
// starts the planner and the daily jobs (Daily at once), checks the
// leadership before each Plan and Daily pass and at least every
// PollInterval, and when a check fails it stops them as on a stop (below),
// releases the leadership, logs it and goes back to trying. So in a
// deployment of several processes on one store, each runs Run with the
// same elector: one plans, all dispatch, and when the leader dies another
// takes over. Each call to the elector gets 10 seconds: a check that takes
// longer counts as a lost leadership.
//
// When ctx ends, Run stops claiming, lets each worker finish the touch in
// hand (its Send gets a context that the stop does not cancel, with
// Config.SendTimeout as deadline, and its outcome is recorded), gives back
// the leases of touches claimed but not started, lets the planner finish
// the enrollment in hand and a Daily pass in progress finish, releases the
// leadership, and returns nil once every goroutine has returned.
func (s *Service) Run(ctx context.Context) error {
	work := context.WithoutCancel(ctx)
	stop := ctx.Done()
	instance := uuid.New().String()[:8]
	var wg sync.WaitGroup
	for i := range s.cfg.Workers {
		name := fmt.Sprintf("worker-%s-%d", instance, i)
		wg.Go(func() { s.workLoop(ctx, work, stop, name) })
	}
	if s.cfg.Elector == nil {
		s.leading.Store(true)
		defer s.leading.Store(false)
		wg.Go(func() { s.planLoop(ctx, work, stop, nil) })
		wg.Go(func() { s.dailyLoop(ctx, work, nil) })
	} else {
		wg.Go(func() { s.leadLoop(ctx, work, instance) })
	}
	wg.Wait()
	return nil
}

// leaderTimeout bounds each call to the elector: a connection cut without
// a word must not hold the leader's loops, or Run's return, for long.
const leaderTimeout = 10 * time.Second

// leadLoop tries to lead every PollInterval until ctx ends, and runs the
// leader's loops (leaderWork) whenever it does.
func (s *Service) leadLoop(ctx, work context.Context, instance string) {
	for ctx.Err() == nil {
		tctx, cancel := context.WithTimeout(ctx, leaderTimeout)
		term, ok, err := s.cfg.Elector.TryLead(tctx)
		cancel()
		switch {
		case err != nil:
			if ctx.Err() == nil {
				s.log.ErrorContext(work, "leader election", "instance", instance, "err", err)
			}
		case ok && term != nil:
			s.leaderWork(ctx, work, term, instance)
		}
		if s.clock.Sleep(ctx, s.cfg.PollInterval) != nil {
			return
		}
	}
}

// leaderWork runs the planner and the daily jobs under term until ctx ends
// or a check of term fails, then releases term.
func (s *Service) leaderWork(ctx, work context.Context, term storage.Term, instance string) {
	s.log.InfoContext(work, "leading: planner and daily jobs started", "instance", instance)
	s.leading.Store(true)
	defer s.leading.Store(false)
	held, lose := context.WithCancelCause(ctx)
	defer lose(nil)
	check := func() bool {
		cctx, cancel := context.WithTimeout(held, leaderTimeout)
		defer cancel()
		if err := term.Check(cctx); err != nil {
			lose(err)
			return false
		}
		return true
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.planLoop(held, work, held.Done(), check) })
	wg.Go(func() { s.dailyLoop(held, work, check) })
	// Check at least every PollInterval, whatever the loops are doing.
	for s.clock.Sleep(held, s.cfg.PollInterval) == nil {
		if !check() {
			break
		}
	}
	wg.Wait()
	if ctx.Err() == nil {
		s.log.WarnContext(work, "leadership lost: planner and daily jobs stopped", "instance", instance, "err", context.Cause(held))
	}
	rctx, cancel := context.WithTimeout(work, leaderTimeout)
	defer cancel()
	if err := term.Release(rctx); err != nil {
		s.log.ErrorContext(work, "release leadership", "instance", instance, "err", err)
		return
	}
	s.log.InfoContext(work, "leadership released", "instance", instance)
}

func (s *Service) workLoop(ctx, work context.Context, stop <-chan struct{}, name string) {
	for !stopped(stop) {
		_, n, err := s.dispatcher.dispatch(work, name, stop)
		if err != nil {
			s.log.ErrorContext(work, "dispatch", "worker", name, "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		if s.clock.Sleep(ctx, s.cfg.PollInterval) != nil {
			return
		}
	}
}

// planLoop plans every PollInterval, or at once when signalled, until stop.
// check, when not nil, is asked before each pass: false ends the loop.
func (s *Service) planLoop(ctx, work context.Context, stop <-chan struct{}, check func() bool) {
	for !stopped(stop) {
		if check != nil && !check() {
			return
		}
		if _, err := s.planner.plan(work, stop); err != nil {
			s.log.ErrorContext(work, "plan", "err", err)
		}
		if _, err := s.applier.sweep(work, s.cfg.Lease); err != nil {
			s.log.ErrorContext(work, "sweep events", "err", err)
		}
		wait, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			select {
			case <-s.planSig:
				cancel()
			case <-wait.Done():
			}
		}()
		_ = s.clock.Sleep(wait, s.cfg.PollInterval)
		cancel()
		<-done
	}
}

// dailyLoop runs Daily at once and then at each UTC midnight until ctx
// ends. check, when not nil, is asked before each pass: false ends the loop.
func (s *Service) dailyLoop(ctx, work context.Context, check func() bool) {
	for ctx.Err() == nil {
		if check != nil && !check() {
			return
		}
		if err := s.Daily(work); err != nil {
			s.log.ErrorContext(work, "daily jobs", "err", err)
		}
		now := s.clock.Now().UTC()
		next := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
		if s.clock.SleepUntil(ctx, next) != nil {
			return
		}
	}
}

// nextDue is Service.NextDue.
func (s *dispatcher) nextDue(ctx context.Context) (time.Time, bool, error) {
	at, ok, err := s.store.NextDue(ctx)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("distribution: next due: %w", err)
	}
	return at, ok, nil
}

// schedule is Service.Schedule.
func (s *planner) schedule(ctx context.Context, lead outbound.LeadID) ([]outbound.Touch, error) {
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Lead: lead})
	if err != nil {
		return nil, fmt.Errorf("distribution: schedule of lead %s: %w", lead, err)
	}
	return ts, nil
}
