package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/timing"
)

// bookings is the allocator's MemoryCounter plus, per key, the span of days
// ever reserved, so that ListBookings can enumerate what the counter holds.
// Its own lock makes a listing a consistent snapshot and keeps reservations
// off the records' lock.
type bookings struct {
	mu      sync.Mutex
	counter *allocator.MemoryCounter
	spans   map[allocator.Key]*daySpan
}

type daySpan struct{ first, last timing.Date }

func newBookings() bookings {
	return bookings{counter: allocator.NewMemoryCounter(), spans: make(map[allocator.Key]*daySpan)}
}

// Reserve implements [allocator.Counter] with the MemoryCounter's rules.
func (s *Store) Reserve(ctx context.Context, key allocator.Key, day timing.Date, lim allocator.Limit) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	b := &s.bookings
	b.mu.Lock()
	defer b.mu.Unlock()
	ok, err := b.counter.Reserve(ctx, key, day, lim)
	if !ok || err != nil {
		return ok, err
	}
	if sp := b.spans[key]; sp == nil {
		b.spans[key] = &daySpan{day, day}
	} else {
		sp.first, sp.last = min(sp.first, day), max(sp.last, day)
	}
	return true, nil
}

// Release implements [allocator.Counter].
func (s *Store) Release(ctx context.Context, key allocator.Key, day timing.Date) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := &s.bookings
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.counter.Release(ctx, key, day)
}

// Used implements [allocator.Counter].
func (s *Store) Used(ctx context.Context, key allocator.Key, from timing.Date, counts []int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.bookings.counter.Used(ctx, key, from, counts)
}

// ListBookings implements [storage.Bookings]. A booking's Client is its
// resource's client when listed; a resource the store does not hold has
// none, and is listed only when client is zero.
func (s *Store) ListBookings(ctx context.Context, client outbound.ClientID) ([]outbound.Booking, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []outbound.Booking
	b := &s.bookings
	b.mu.Lock()
	var counts []int
	for key, sp := range b.spans {
		n := int(sp.last-sp.first) + 1
		counts = slices.Grow(counts[:0], n)[:n]
		if err := b.counter.Used(ctx, key, sp.first, counts); err != nil {
			b.mu.Unlock()
			return nil, err
		}
		for i, c := range counts {
			if c > 0 {
				out = append(out, outbound.Booking{Resource: key.Resource, Action: key.Action, Day: sp.first + timing.Date(i), Count: c})
			}
		}
	}
	b.mu.Unlock()

	s.mu.RLock()
	kept := out[:0]
	for _, bk := range out {
		bk.Client = s.resources[bk.Resource].Client
		if client.IsZero() || bk.Client == client {
			kept = append(kept, bk)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(kept, func(a, b outbound.Booking) int {
		if c := cmpID(a.Resource.UUID, b.Resource.UUID); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Action, b.Action), cmp.Compare(a.Day, b.Day))
	})
	return kept, nil
}
