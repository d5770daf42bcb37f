package allocator

import (
	"context"
	"sync"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// Key names what a [Counter] counts: one action on one resource. A phone's
// calls and texts are two keys.
type Key struct {
	Resource outbound.ResourceID
	Action   channel.Action
}

// Limit is what Reserve may not pass. A negative figure means no cap.
type Limit struct {
	// Daily is the most reservations on the day itself.
	Daily int
	// Weekly is the most reservations in any 7 consecutive days. Every
	// window that contains the day counts, so the cap holds whatever order
	// days are reserved in: after the reservation, for each w in
	// [day-6, day], the days w..w+6 hold at most Weekly.
	Weekly int
}

// Counter counts reservations per key and local day; it is the source of
// truth for every cap, so that caps hold across every allocator, worker and
// process that shares it. Days are the resource's own calendar days (the
// allocator computes them in the resource's zone).
//
// A store backs it with one row per (resource, action, day): Reserve is a
// single atomic "insert or increment unless it would pass the cap"
// statement, with the 7-day sums read under the same lock. Methods may be
// called concurrently; Reserve on the hot path must not allocate.
type Counter interface {
	// Reserve adds one to key's count on day unless that would pass lim,
	// atomically: no interleaving of calls ever lets a count pass a cap.
	// It reports whether it reserved.
	Reserve(ctx context.Context, key Key, day timing.Date, lim Limit) (bool, error)
	// Release takes one back from key's count on day (never below zero),
	// for a touch that was cancelled or failed before it was sent.
	Release(ctx context.Context, key Key, day timing.Date) error
	// Used fills counts[i] with key's count on day from+i. The allocator
	// reads the days around a full day to find when capacity opens.
	Used(ctx context.Context, key Key, from timing.Date, counts []int) error
}

// MemoryCounter is the in-memory [Counter]: safe for concurrent use, every
// method under one lock. The zero value is ready to use.
type MemoryCounter struct {
	mu   sync.Mutex
	keys map[Key]*dayCounts
}

var _ Counter = (*MemoryCounter)(nil)

// NewMemoryCounter returns an empty MemoryCounter.
func NewMemoryCounter() *MemoryCounter { return &MemoryCounter{keys: make(map[Key]*dayCounts)} }

// dayCounts holds one key's counts for a run of days starting at base.
type dayCounts struct {
	base   timing.Date
	counts []int32
}

func (k *dayCounts) get(d timing.Date) int {
	i := int(d) - int(k.base)
	if i < 0 || i >= len(k.counts) {
		return 0
	}
	return int(k.counts[i])
}

// at returns the counter cell for d, growing the run to cover it.
func (k *dayCounts) at(d timing.Date) *int32 {
	switch i := int(d) - int(k.base); {
	case len(k.counts) == 0:
		k.base = d - 7
		if cap(k.counts) >= 32 {
			k.counts = k.counts[:32]
			clear(k.counts)
		} else {
			k.counts = make([]int32, 32)
		}
	case i < 0:
		// Grow at the front, leaving slack for more earlier days.
		grow := -i + len(k.counts)/2 + 7
		c := make([]int32, grow+len(k.counts), grow+cap(k.counts))
		copy(c[grow:], k.counts)
		k.base -= timing.Date(grow)
		k.counts = c
	case i >= len(k.counts):
		n := max(2*len(k.counts), i+8)
		if n <= cap(k.counts) {
			old := len(k.counts)
			k.counts = k.counts[:n]
			clear(k.counts[old:])
		} else {
			c := make([]int32, n)
			copy(c, k.counts)
			k.counts = c
		}
	}
	return &k.counts[int(d)-int(k.base)]
}

// fits reports whether one more reservation on day stays within lim.
func (k *dayCounts) fits(day timing.Date, lim Limit) bool {
	if lim.Daily >= 0 && k.get(day) >= lim.Daily {
		return false
	}
	if lim.Weekly >= 0 {
		// Slide a 7-day window over every start w in [day-6, day].
		sum := 0
		for d := day - 6; d <= day; d++ {
			sum += k.get(d)
		}
		if sum >= lim.Weekly {
			return false
		}
		for w := day - 5; w <= day; w++ {
			sum += k.get(w+6) - k.get(w-1)
			if sum >= lim.Weekly {
				return false
			}
		}
	}
	return true
}

// handle returns key's counts, creating them; the allocator keeps the
// pointer so its hot path skips the map. Caller holds no lock.
func (m *MemoryCounter) handle(key Key) *dayCounts {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lookup(key)
}

func (m *MemoryCounter) lookup(key Key) *dayCounts {
	k := m.keys[key]
	if k == nil {
		if m.keys == nil {
			m.keys = make(map[Key]*dayCounts)
		}
		k = &dayCounts{}
		m.keys[key] = k
	}
	return k
}

// reserve is Reserve on one key's counts; the caller holds the lock that
// guards them.
func (k *dayCounts) reserve(day timing.Date, lim Limit) bool {
	if !k.fits(day, lim) {
		return false
	}
	*k.at(day)++
	return true
}

func (m *MemoryCounter) reserveHandle(k *dayCounts, day timing.Date, lim Limit) bool {
	m.mu.Lock()
	ok := k.reserve(day, lim)
	m.mu.Unlock()
	return ok
}

// Reserve implements [Counter].
func (m *MemoryCounter) Reserve(_ context.Context, key Key, day timing.Date, lim Limit) (bool, error) {
	m.mu.Lock()
	ok := m.lookup(key).reserve(day, lim)
	m.mu.Unlock()
	return ok, nil
}

// Release implements [Counter].
func (m *MemoryCounter) Release(_ context.Context, key Key, day timing.Date) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k := m.keys[key]; k != nil && k.get(day) > 0 {
		*k.at(day)--
	}
	return nil
}

// Used implements [Counter].
func (m *MemoryCounter) Used(_ context.Context, key Key, from timing.Date, counts []int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.keys[key]
	for i := range counts {
		if k == nil {
			counts[i] = 0
			continue
		}
		counts[i] = k.get(from + timing.Date(i))
	}
	return nil
}

// Forget drops every count for days before the given day, to bound memory.
// Forget only days no reservation will name again, and at least 6 days
// before any day that will still be reserved, since a rolling 7-day cap
// reads the 6 days before.
func (m *MemoryCounter) Forget(before timing.Date) {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Keys stay in the map, emptied: allocators hold pointers to them.
	for _, k := range m.keys {
		drop := int(before) - int(k.base)
		switch {
		case drop <= 0:
		case drop >= len(k.counts):
			k.counts = k.counts[:0]
		default:
			n := copy(k.counts, k.counts[drop:])
			clear(k.counts[n:])
			k.base = before
		}
	}
}
