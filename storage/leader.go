package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrLeadershipLost is the error a [Term]'s Check wraps once the
// leadership is no longer held: it was released, or the elector's hold on
// it (a database session, say) is gone.
var ErrLeadershipLost = errors.New("storage: leadership lost")

// Elector elects one leader among the processes of a deployment for the
// work only one of them may do at a time: the planner and the periodic
// jobs. A database store provides one that holds across processes
// (adapters/postgres: DB.Elector, an advisory lock); [LocalElector] elects
// among the callers of one process.
type Elector interface {
	// TryLead tries, without waiting, to become the leader. It returns the
	// Term held and ok true when it did; ok false, with a nil Term and a nil
	// error, while another holds the leadership; an error (and no Term) when
	// it could not tell, or when ctx has ended. A leader keeps the Term until
	// it calls Release or the elector loses its hold, and then the next
	// TryLead, here or in another process, may succeed.
	TryLead(ctx context.Context) (t Term, ok bool, err error)
}

// Term is a leadership held. A leader calls Check before each round of
// leader-only work, and at least as often as it would notice a lost
// leadership, and stops that work once Check fails; then (or when it is
// done) it calls Release. Its methods are safe for concurrent use.
type Term interface {
	// Check returns nil while the leadership is held, and an error once it
	// is not: one wrapping [ErrLeadershipLost] when the leadership is known
	// to be gone, or ctx's error when ctx ended first. A leader treats any
	// error as lost.
	Check(ctx context.Context) error
	// Release gives the leadership up, so that another may take it.
	// Releasing twice is harmless.
	Release(ctx context.Context) error
}

// LocalElector is an [Elector] within one process: one holder at a time
// among its callers, and Release hands the leadership over to the next
// TryLead. It suits a host that runs a single process (Services that share
// a memory store, say) and tests. It knows nothing of other processes. The
// zero value is ready to use; a LocalElector must not be copied after first
// use.
type LocalElector struct {
	mu   sync.Mutex
	held *localTerm // nil while no one leads
}

var _ Elector = (*LocalElector)(nil)

// TryLead makes the caller the leader if no one is: it returns the Term and
// true, or a nil Term and false while another holds it. It fails only when
// ctx has ended.
func (e *LocalElector) TryLead(ctx context.Context) (Term, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.held != nil {
		return nil, false, nil
	}
	e.held = &localTerm{e: e}
	return e.held, true, nil
}

// localTerm is a leadership of a LocalElector: held while it is the
// elector's.
type localTerm struct {
	e *LocalElector
}

func (t *localTerm) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	if t.e.held != t {
		return fmt.Errorf("storage: local leadership released: %w", ErrLeadershipLost)
	}
	return nil
}

func (t *localTerm) Release(context.Context) error {
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	if t.e.held == t {
		t.e.held = nil
	}
	return nil
}
