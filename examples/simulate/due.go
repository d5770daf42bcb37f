package main

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
)

// indexedStore is the memory store with an index of when each unfinished
// touch comes due, kept up to date by the three methods that write touches
// (InsertTouches, ClaimTouches, UpdateTouch). Its nextDue answers what
// distribution.Service.NextDue answers, by the same rule, in O(log n)
// instead of a pass over every touch: the simulator asks it at every
// instant of the clock. (The memory store keeps the same order in its claim
// heaps but does not export it; see the package documentation.)
type indexedStore struct {
	*memory.Store
	mu   sync.Mutex
	at   map[outbound.TouchID]time.Time // unfinished touches → when due
	heap dueHeap                        // entries may be stale: checked against at
}

func newIndexedStore() *indexedStore {
	return &indexedStore{Store: memory.New(), at: map[outbound.TouchID]time.Time{}}
}

var _ storage.Store = (*indexedStore)(nil)

// dueAt is when t comes due for a worker, as distribution.Service.NextDue
// reckons it: its scheduled instant, or its lease's end while a worker
// holds it (a touch left sending: its lease's end). ok is false for a touch
// in a final state.
func dueAt(t *outbound.Touch) (time.Time, bool) {
	switch t.Status {
	case outbound.TouchScheduled, outbound.TouchSending:
	default:
		return time.Time{}, false
	}
	at := t.ScheduledAt
	if t.LeasedBy != "" && (t.Status == outbound.TouchSending || t.LeaseUntil.After(at)) {
		at = t.LeaseUntil
	}
	return at.UTC(), true
}

func (s *indexedStore) note(ts []outbound.Touch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range ts {
		t := &ts[i]
		at, ok := dueAt(t)
		if !ok {
			delete(s.at, t.ID)
			continue
		}
		if old, had := s.at[t.ID]; had && old.Equal(at) {
			continue
		}
		s.at[t.ID] = at
		heap.Push(&s.heap, dueEntry{at: at, id: t.ID})
	}
}

// InsertTouches stores ts and indexes them.
func (s *indexedStore) InsertTouches(ctx context.Context, ts []outbound.Touch) error {
	if err := s.Store.InsertTouches(ctx, ts); err != nil {
		return err
	}
	s.note(ts)
	return nil
}

// ClaimTouches claims and re-indexes the claimed touches by their lease.
func (s *indexedStore) ClaimTouches(ctx context.Context, c storage.Claim) ([]outbound.Touch, error) {
	ts, err := s.Store.ClaimTouches(ctx, c)
	if err == nil {
		s.note(ts)
	}
	return ts, err
}

// UpdateTouch stores t and re-indexes it.
func (s *indexedStore) UpdateTouch(ctx context.Context, t *outbound.Touch, worker string) error {
	if err := s.Store.UpdateTouch(ctx, t, worker); err != nil {
		return err
	}
	s.note([]outbound.Touch{*t})
	return nil
}

// nextDue returns the earliest instant an unfinished touch comes due, and
// false when none is pending.
func (s *indexedStore) nextDue() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.heap) > 0 {
		top := s.heap[0]
		if at, ok := s.at[top.id]; ok && at.Equal(top.at) {
			return top.at, true
		}
		heap.Pop(&s.heap) // stale: the touch moved or finished
	}
	return time.Time{}, false
}

type dueEntry struct {
	at time.Time
	id outbound.TouchID
}

type dueHeap []dueEntry

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueEntry)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
