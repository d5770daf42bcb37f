package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Orders

// copyOrder returns o with its own Resources and UTC instants.
func copyOrder(o outbound.Order) outbound.Order {
	o.Resources = slices.Clone(o.Resources)
	o.CreatedAt, o.UpdatedAt = utc(o.CreatedAt), utc(o.UpdatedAt)
	return o
}

// CreateOrder implements [storage.Orders].
func (s *Store) CreateOrder(ctx context.Context, o *outbound.Order) (bool, error) {
	if err := storage.CheckOrder(o); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.orderKeys[o.Key]; ok {
		*o = copyOrder(s.orders[id])
		return false, nil
	}
	if cur, ok := s.orders[o.ID]; ok {
		return false, fmt.Errorf("memory: order %s is stored under key %q, not %q: %w", o.ID, cur.Key, o.Key, storage.ErrConflict)
	}
	s.orders[o.ID] = copyOrder(*o)
	s.orderKeys[o.Key] = o.ID
	return true, nil
}

// GetOrder implements [storage.Orders].
func (s *Store) GetOrder(ctx context.Context, id outbound.OrderID) (*outbound.Order, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.orders[id]
	if !ok {
		return nil, notFound("order", id)
	}
	o = copyOrder(o)
	return &o, nil
}

// UpdateOrder implements [storage.Orders]: a change of Key is an
// ErrConflict.
func (s *Store) UpdateOrder(ctx context.Context, o *outbound.Order) error {
	if err := storage.CheckOrder(o); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.orders[o.ID]
	if !ok {
		return notFound("order", o.ID)
	}
	if cur.Key != o.Key {
		return fmt.Errorf("memory: order %s has key %q; an update may not change it to %q: %w", o.ID, cur.Key, o.Key, storage.ErrConflict)
	}
	s.orders[o.ID] = copyOrder(*o)
	return nil
}

// ListOrders implements [storage.Orders]: ordered by CreatedAt, then ID.
func (s *Store) ListOrders(ctx context.Context, states ...outbound.OrderState) ([]outbound.Order, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []outbound.Order
	for _, o := range s.orders {
		if len(states) == 0 || slices.Contains(states, o.State) {
			out = append(out, copyOrder(o))
		}
	}
	slices.SortFunc(out, func(a, b outbound.Order) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmpID(a.ID.UUID, b.ID.UUID)
	})
	return out, nil
}

// Allowances

type allowanceKey struct {
	client outbound.ClientID
	period time.Time // UTC
}

// TakeAllowance implements [storage.Allowances]: the check and the
// addition happen under one write lock.
func (s *Store) TakeAllowance(ctx context.Context, client outbound.ClientID, period time.Time, n, limit int) (int, error) {
	if err := storage.CheckTakeAllowance(client, period, n, limit); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	k := allowanceKey{client, utc(period)}
	s.mu.Lock()
	defer s.mu.Unlock()
	used := s.allowances[k]
	granted := max(0, min(n, limit-used))
	if granted > 0 {
		s.allowances[k] = used + granted
	}
	return granted, nil
}

// ReturnAllowance implements [storage.Allowances].
func (s *Store) ReturnAllowance(ctx context.Context, client outbound.ClientID, period time.Time, n int) error {
	if err := storage.CheckReturnAllowance(client, period, n); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	k := allowanceKey{client, utc(period)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if used := max(0, s.allowances[k]-n); used > 0 {
		s.allowances[k] = used
	} else {
		delete(s.allowances, k)
	}
	return nil
}

// AllowanceUsed implements [storage.Allowances].
func (s *Store) AllowanceUsed(ctx context.Context, client outbound.ClientID, period time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.allowances[allowanceKey{client, utc(period)}], nil
}

// Spacing

// spacing is the last send of each spaced resource, behind a lock of its
// own: the dispatcher asks before every email, and must not wait on claims.
type spacing struct {
	mu   sync.Mutex
	last map[outbound.ResourceID]time.Time // UTC
}

// SpaceSend implements [storage.Spacing]: the check and the record happen
// under the spacing lock.
func (s *Store) SpaceSend(ctx context.Context, resource outbound.ResourceID, at time.Time, gap time.Duration) (bool, time.Time, error) {
	if err := storage.CheckSpaceSend(resource, at, gap); err != nil {
		return false, time.Time{}, err
	}
	if err := ctx.Err(); err != nil {
		return false, time.Time{}, err
	}
	at = utc(at)
	sp := &s.spacing
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if last, ok := sp.last[resource]; ok && at.Sub(last) < gap {
		return false, last.Add(gap), nil
	}
	sp.last[resource] = at
	return true, time.Time{}, nil
}
