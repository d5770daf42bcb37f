package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/crm"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/examples/simulate/internal/world"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// process is one process's part of a run: its engine on the shared store,
// its copy of the virtual clock and, in a run across processes, its bid
// for the leadership. The first process and each copy have one.
type process struct {
	name    string // "p1", "p2", ...: prefixes its workers' names
	svc     *distribution.Service
	clock   *timingtest.Clock
	ids     *world.IDs // the engine's ID source
	workers int
	elector storage.Elector // nil: the only process, which always leads
	term    storage.Term    // the leadership, while this process holds it
	// base is the capacity this process had booked as of the last daily
	// jobs another process ran: those jobs counted it in the leader's
	// figure, which is the store's total then.
	base map[outbound.ResourceKind]int
}

// engineConfig is what a process builds its engine from.
type engineConfig struct {
	Store       storage.Store
	Channels    []channel.Channel
	Clock       *timingtest.Clock
	DNCR        distribution.DNCRChecker
	Provisioner pool.Provisioner
	Alerter     pool.Alerter
	Plans       []outbound.Plan
	Workers     int
	IDs         *world.IDs
	Sequence    sequence.Sequence
	// CRM receives the meetings leads book; nil for none.
	CRM crm.CRM
}

// runSequence is the sequence of the run: the default one, with a letter
// step LetterDay days after enrolment when set.
func (o options) runSequence() sequence.Sequence {
	seq := sequence.Default()
	if o.LetterDay == 0 {
		return seq
	}
	letter := sequence.Step{Day: o.LetterDay, Channel: channel.Mail, Action: channel.ActionLetter}
	at := len(seq.Steps)
	for i, st := range seq.Steps {
		if st.Day > o.LetterDay {
			at = i
			break
		}
	}
	seq.Steps = slices.Insert(seq.Steps, at, letter)
	for i := range seq.Steps {
		seq.Steps[i].Number = i + 1
	}
	return seq
}

// newEngine returns the engine every process of a run builds alike.
func newEngine(c engineConfig) (*distribution.Service, error) {
	svc, err := distribution.New(distribution.Config{
		Store: c.Store, Channels: c.Channels, Clock: c.Clock, DNCR: c.DNCR, Provisioner: c.Provisioner,
		Alerter: c.Alerter, Plans: c.Plans, Workers: c.Workers, Sequence: c.Sequence, CRM: c.CRM,
		Test: distribution.TestConfig{NewID: c.IDs.New},
	})
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return svc, nil
}

// register is the run's Do Not Call Register: -dncr-file, else about 10 %
// of numbers drawn from the seed. Every process builds the same one.
func register(o options, clock *timingtest.Clock) (distribution.DNCRChecker, error) {
	if o.DNCRFile == "" {
		return world.NewRegister(o.Seed, world.DefaultListedShare, clock), nil
	}
	f, err := os.Open(o.DNCRFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	reg, err := world.ReadRegister(f, clock)
	if err != nil {
		return nil, err
	}
	return reg, nil
}

// dispatch lets the process's workers send every touch due now, each until
// a pass of it sends nothing, and returns how many touches they handled.
func (p *process) dispatch(ctx context.Context) (int, error) {
	errs := make([]error, p.workers)
	handled := make([]int, p.workers)
	var wg sync.WaitGroup
	for i := range p.workers {
		wg.Go(func() {
			name := p.name + "w" + strconv.Itoa(i+1)
			for {
				n, err := p.svc.Dispatch(ctx, name)
				if err != nil {
					errs[i] = fmt.Errorf("dispatch (%s): %w", name, err)
					return
				}
				if n == 0 {
					return
				}
				handled[i] += n
			}
		})
	}
	wg.Wait()
	total := 0
	for _, n := range handled {
		total += n
	}
	return total, errors.Join(errs...)
}

// tally is what applying a batch of events did.
type tally struct {
	Applied int `json:"applied"`
	Replies int `json:"replies"`
	// Dispatched counts the touches a dispatch step handled.
	Dispatched int `json:"dispatched,omitempty"`
}

// apply hands the engine events in the order given and counts those it
// applied (a redelivery is not).
func (p *process) apply(ctx context.Context, events []channel.Event) (tally, error) {
	var t tally
	for _, e := range events {
		p.ids.Within("event/" + e.Provider + "/" + e.ProviderEventID)
		applied, err := p.svc.HandleEvent(ctx, e)
		if err != nil {
			return t, fmt.Errorf("event %s %s: %w", e.Provider, e.ProviderEventID, err)
		}
		if applied {
			t.Applied++
			// A text that is only STOP or START is an opt-out or an
			// opt-in, as the engine reads it, not a reply.
			if e.Type == channel.EventReplied && (e.Kind != channel.SMS || channel.ParseKeyword(e.Body) == channel.KeywordNone) {
				t.Replies++
			}
		}
	}
	return t, nil
}

// daily runs the engine's daily jobs, which plan too, if this process
// leads: the only process always does; in a run across processes the one
// that holds or wins the election does, and the others report that they
// did not.
func (p *process) daily(ctx context.Context) (led bool, err error) {
	if led, err = p.lead(ctx); err != nil || !led {
		if err == nil {
			p.base = map[outbound.ResourceKind]int{}
			for k, u := range p.svc.Counters().Capacity {
				p.base[k] = u.Used
			}
		}
		return false, err
	}
	p.base = nil
	p.ids.Within("daily/" + p.clock.Now().Format(time.RFC3339))
	if err := p.svc.Daily(ctx); err != nil {
		return true, fmt.Errorf("daily jobs on %s: %w", p.clock.Now().Format("2006-01-02"), err)
	}
	return true, nil
}

// book runs the planner's booking of the touches that dispatch and events
// handed back, if this process leads.
func (p *process) book(ctx context.Context) (led bool, err error) {
	if led, err = p.lead(ctx); err != nil || !led {
		return false, err
	}
	p.ids.Within("book/" + p.clock.Now().Format(time.RFC3339Nano))
	if _, err := p.svc.Book(ctx); err != nil {
		return true, fmt.Errorf("booking at %s: %w", p.clock.Now().Format(time.RFC3339), err)
	}
	return true, nil
}

// counters are the engine's counters, with the capacity booked counted
// from the last daily jobs another process ran (which counted what was
// booked before them): the leader's figure plus the others' add up to the
// store's.
func (p *process) counters() distribution.Counters {
	c := p.svc.Counters()
	for k, used := range p.base {
		u := c.Capacity[k]
		u.Used -= used
		c.Capacity[k] = u
	}
	return c
}

// lead keeps or takes the leadership.
func (p *process) lead(ctx context.Context) (bool, error) {
	if p.elector == nil {
		return true, nil
	}
	if p.term != nil {
		if err := p.term.Check(ctx); err == nil {
			return true, nil
		}
		_ = p.term.Release(ctx)
		p.term = nil
	}
	t, ok, err := p.elector.TryLead(ctx)
	if err != nil {
		return false, fmt.Errorf("%s: leader election: %w", p.name, err)
	}
	if ok {
		p.term = t
	}
	return ok, nil
}

// release gives the leadership up, if held.
func (p *process) release(ctx context.Context) {
	if p.term != nil {
		_ = p.term.Release(ctx)
		p.term = nil
	}
}
