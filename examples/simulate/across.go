package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
)

// startCopies starts the N−1 copies of a run across processes once the run
// is set up: it serves the fakes to them, learns which company each lead
// belongs to (events are routed by it) and enters this process in the
// election.
func (s *simulation) startCopies(ctx context.Context, plans []outbound.Plan, chans []channel.Channel) error {
	o := s.opts
	leads, err := s.store.ListLeads(ctx, outbound.ClientID{})
	if err != nil {
		return err
	}
	s.shardOf = make(map[string]string, len(leads))
	for _, l := range leads {
		key := l.ID.String()
		if l.CompanyDomain != "" {
			key = l.Client.String() + "/" + l.CompanyDomain
		}
		s.shardOf[l.ID.String()] = key
	}
	if s.server, err = serveProviders(chans, s.prov, s.alerter); err != nil {
		return err
	}
	infos := map[channel.Kind]channel.Info{}
	for _, c := range chans {
		infos[c.Kind()] = channel.Describe(c)
	}
	s.self.elector = s.db.Elector(leaderName)
	setup := childSetup{Options: o, Schema: runSchema(o), Plans: plans, ProviderURL: s.server.url, Infos: infos}
	for n := 1; n < o.Processes; n++ {
		setup.Process = n
		k, err := startChild(ctx, n, setup, s.progress)
		if err != nil {
			return err
		}
		s.kids = append(s.kids, k)
	}
	fmt.Fprintf(s.progress, "setup: %d processes on schema %s, fakes served at %s\n", o.Processes, setup.Schema, s.server.url)
	return nil
}

// everywhere runs one step at the clock's instant in every process at
// once, this one included, and waits for them all. With parts (events)
// each process gets its own part, and one with none is left out. Of a
// daily step exactly one process must have led.
func (s *simulation) everywhere(ctx context.Context, op string, parts [][]channel.Event) error {
	at := s.clock.Now()
	n := len(s.kids) + 1
	done := make([]stepDone, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		st := step{Op: op, At: at}
		if parts != nil {
			if st.Events = parts[i]; len(st.Events) == 0 {
				continue
			}
		}
		wg.Go(func() {
			if i == 0 {
				done[i], errs[i] = s.self.step(ctx, st)
				return
			}
			done[i], errs[i] = s.kids[i-1].do(st)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	led, leader := 0, 0
	if s.handled == nil {
		s.handled = make([]int, n)
	}
	for i, d := range done {
		s.count(d.tally)
		s.handled[i] += d.Dispatched
		if d.Led {
			led, leader = led+1, i+1
		}
	}
	if (op == opDaily || op == opBook) && led == 1 && leader != s.leader {
		fmt.Fprintf(s.progress, "%s: process %d leads: it plans and runs the daily jobs\n", at.Format(time.DateOnly), leader)
		s.leader = leader
	}
	if (op == opDaily || op == opBook) && led != 1 {
		return fmt.Errorf("%s on %s: %d processes led, want 1", op, at.Format(time.RFC3339), led)
	}
	return nil
}

// shareOut splits due events among the processes by the company of their
// lead (a lead without one is its own), keeping their order: a company's
// events are applied one after another by one process, as in one.
func (s *simulation) shareOut(events []channel.Event) [][]channel.Event {
	parts := make([][]channel.Event, len(s.kids)+1)
	for _, e := range events {
		key := e.Metadata["lead"]
		if k, ok := s.shardOf[key]; ok {
			key = k
		}
		h := fnv.New32a()
		_, _ = h.Write([]byte(key))
		i := int(h.Sum32() % uint32(len(parts)))

		parts[i] = append(parts[i], e)
	}
	return parts
}

// counters adds up the engine's counters of every process: each counts
// what it planned, dispatched and applied; the leader alone counts the
// capacity offered.
func (s *simulation) counters() (distribution.Counters, error) {
	c := s.self.counters()
	for _, k := range s.kids {
		d, err := k.do(step{Op: opCounters, At: s.clock.Now()})
		if err != nil {
			return c, err
		}
		if d.Counters != nil {
			addCounters(&c, *d.Counters)
		}
	}
	return c, nil
}

// addCounters adds b's figures to a's.
func addCounters(a *distribution.Counters, b distribution.Counters) {
	for k, byStatus := range b.Touches {
		if a.Touches == nil {
			a.Touches = map[channel.Kind]map[outbound.TouchStatus]int{}
		}
		if a.Touches[k] == nil {
			a.Touches[k] = map[outbound.TouchStatus]int{}
		}
		for st, n := range byStatus {
			a.Touches[k][st] += n
		}
	}
	a.Fallbacks = addCounts(a.Fallbacks, b.Fallbacks)
	a.Deferrals = addCounts(a.Deferrals, b.Deferrals)
	a.Events = addCounts(a.Events, b.Events)
	a.Replies += b.Replies
	for k, u := range b.Capacity {
		if a.Capacity == nil {
			a.Capacity = map[outbound.ResourceKind]distribution.CapacityUse{}
		}
		v := a.Capacity[k]
		v.Used += u.Used
		v.Available += u.Available
		a.Capacity[k] = v
	}
}

func addCounts[K comparable](a, b map[K]int) map[K]int {
	if a == nil && len(b) > 0 {
		a = make(map[K]int, len(b))
	}
	for k, n := range b {
		a[k] += n
	}
	return a
}
