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
// on the clock). Run plans and runs the daily jobs on this process: in a
// deployment of several processes on one store, run it on one leader and
// call Dispatch from the others.
//
// When ctx ends, Run stops claiming, lets each worker finish the touch in
// hand (its Send gets a context that the stop does not cancel, with
// Config.SendTimeout as deadline, and its outcome is recorded), gives back
// the leases of touches claimed but not started, and returns nil once every
// goroutine has returned.
func (s *Service) Run(ctx context.Context) error {
	work := context.WithoutCancel(ctx)
	stop := ctx.Done()
	instance := uuid.New().String()[:8]
	var wg sync.WaitGroup
	for i := range s.cfg.Workers {
		name := fmt.Sprintf("worker-%s-%d", instance, i)
		wg.Go(func() { s.workLoop(ctx, work, stop, name) })
	}
	wg.Go(func() { s.planLoop(ctx, work, stop) })
	wg.Go(func() { s.dailyLoop(ctx, work) })
	wg.Wait()
	return nil
}

func (s *Service) workLoop(ctx, work context.Context, stop <-chan struct{}, name string) {
	for !stopped(stop) {
		_, n, err := s.dispatch(work, name, stop)
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

func (s *Service) planLoop(ctx, work context.Context, stop <-chan struct{}) {
	for !stopped(stop) {
		if _, err := s.plan(work, stop); err != nil {
			s.log.ErrorContext(work, "plan", "err", err)
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

func (s *Service) dailyLoop(ctx, work context.Context) {
	for ctx.Err() == nil {
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

// NextDue returns the earliest instant a touch comes due for a worker, as
// the store's Touches.NextDue answers it: the scheduled instant of a
// scheduled touch (or the end of its lease while a worker holds it past
// then), the lease end of a touch left sending (the zero time when no
// worker holds it: it is due at once). ok is false when nothing is pending.
// It asks the store, so it holds across every process that shares it. A
// simulation jumps its virtual clock there.
func (s *Service) NextDue(ctx context.Context) (time.Time, bool, error) {
	at, ok, err := s.store.NextDue(ctx)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("distribution: next due: %w", err)
	}
	return at, ok, nil
}

// Schedule returns the lead's touches, planned and past, ordered by
// scheduled instant: when each step goes (or went), on which channel, from
// which resource, or why it was skipped.
func (s *Service) Schedule(ctx context.Context, lead outbound.LeadID) ([]outbound.Touch, error) {
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Lead: lead})
	if err != nil {
		return nil, fmt.Errorf("distribution: schedule of lead %s: %w", lead, err)
	}
	return ts, nil
}
