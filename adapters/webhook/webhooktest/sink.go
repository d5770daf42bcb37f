package webhooktest

import (
	"context"
	"slices"
	"sync"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// Sink is an in-memory [webhook.Sink] that keeps the sink contract: it
// records each event once, by provider and event ID, and a delivery it has
// seen before changes nothing. [Sink.Fail] makes it refuse deliveries, to
// test that the handler asks the provider to deliver again. The zero value
// is ready to use; it is safe for concurrent use.
type Sink struct {
	mu     sync.Mutex
	seen   map[[2]string]bool
	events []outbound.Inbound
	calls  int
	err    error
}

var _ webhook.Sink = (*Sink)(nil)

// Accept records the events it has not seen, all of them or, when it fails,
// none. It fails with the error given to Fail, or the context's.
func (s *Sink) Accept(ctx context.Context, events []outbound.Inbound) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.err != nil {
		return s.err
	}
	if s.seen == nil {
		s.seen = map[[2]string]bool{}
	}
	for _, in := range events {
		provider, id := in.Key()
		k := [2]string{provider, id}
		if s.seen[k] {
			continue
		}
		s.seen[k] = true
		s.events = append(s.events, in)
	}
	return nil
}

// Fail makes every later Accept return err, recording nothing; Fail(nil)
// makes it record again.
func (s *Sink) Fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

// Events returns the events recorded, each once, in the order first seen.
func (s *Sink) Events() []outbound.Inbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// Calls returns how many times Accept was called, failed calls included.
func (s *Sink) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}
