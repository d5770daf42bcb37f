package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Clients

func normClient(c outbound.Client) outbound.Client {
	c.SignupAt, c.ChurnedAt, c.SendingPausedAt = utc(c.SignupAt), utc(c.ChurnedAt), utc(c.SendingPausedAt)
	return c
}

// billingTaken returns an ErrConflict when another client than self holds
// one of c's billing keys. The caller holds the lock.
func (s *Store) billingTaken(c *outbound.Client, self outbound.ClientID) error {
	if id, ok := s.byCustomer[c.BillingCustomer]; ok && c.BillingCustomer != "" && id != self {
		return fmt.Errorf("memory: billing customer %q belongs to client %s: %w", c.BillingCustomer, id, storage.ErrConflict)
	}
	if id, ok := s.bySubscription[c.BillingSubscription]; ok && c.BillingSubscription != "" && id != self {
		return fmt.Errorf("memory: billing subscription %q belongs to client %s: %w", c.BillingSubscription, id, storage.ErrConflict)
	}
	return nil
}

// indexBilling moves the client's billing keys from old (nil: a new
// client) to c. The caller holds the write lock.
func (s *Store) indexBilling(old, c *outbound.Client) {
	if old != nil {
		delete(s.byCustomer, old.BillingCustomer)
		delete(s.bySubscription, old.BillingSubscription)
	}
	if c.BillingCustomer != "" {
		s.byCustomer[c.BillingCustomer] = c.ID
	}
	if c.BillingSubscription != "" {
		s.bySubscription[c.BillingSubscription] = c.ID
	}
}

// CreateClient implements [storage.Clients].
func (s *Store) CreateClient(ctx context.Context, c *outbound.Client) error {
	if err := storage.CheckClient(c); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[c.ID]; ok {
		return conflict("client", c.ID)
	}
	if err := s.billingTaken(c, c.ID); err != nil {
		return err
	}
	v := normClient(*c)
	v.Version = 1
	s.clients[c.ID] = v
	s.indexBilling(nil, &v)
	c.Version = v.Version
	return nil
}

// GetClient implements [storage.Clients].
func (s *Store) GetClient(ctx context.Context, id outbound.ClientID) (*outbound.Client, error) {
	return get(ctx, s, s.clients, "client", id)
}

// FindClientByBilling implements [storage.Clients].
func (s *Store) FindClientByBilling(ctx context.Context, customer, subscription string) (*outbound.Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id, ok := s.bySubscription[subscription]; ok && subscription != "" {
		c := s.clients[id]
		return &c, nil
	}
	if id, ok := s.byCustomer[customer]; ok && customer != "" {
		c := s.clients[id]
		return &c, nil
	}
	return nil, fmt.Errorf("memory: client with billing customer %q or subscription %q: %w", customer, subscription, storage.ErrNotFound)
}

// ListClients implements [storage.Clients].
func (s *Store) ListClients(ctx context.Context) ([]outbound.Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sortedByID(s.clients, func(*outbound.Client) bool { return true }), nil
}

// UpdateClient implements [storage.Clients]: the stored Version must be
// c.Version.
func (s *Store) UpdateClient(ctx context.Context, c *outbound.Client) error {
	if err := storage.CheckClient(c); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.clients[c.ID]
	if !ok {
		return notFound("client", c.ID)
	}
	if cur.Version != c.Version {
		return stale("client", c.ID, c.Version, cur.Version)
	}
	if err := s.billingTaken(c, c.ID); err != nil {
		return err
	}
	v := normClient(*c)
	v.Version = cur.Version + 1
	s.clients[c.ID] = v
	s.indexBilling(&cur, &v)
	c.Version = v.Version
	return nil
}

// ClientVersions implements [storage.Clients].
func (s *Store) ClientVersions(ctx context.Context, ids []outbound.ClientID) (map[outbound.ClientID]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[outbound.ClientID]int64, len(ids))
	for _, id := range ids {
		if c, ok := s.clients[id]; ok {
			out[id] = c.Version
		}
	}
	return out, nil
}

// raiseClients raises the Version of each stored client among ids, once
// each; zero IDs and clients not stored are skipped. The caller holds the
// write lock.
func (s *Store) raiseClients(ids ...outbound.ClientID) {
	for i, id := range ids {
		if id.IsZero() || slices.Contains(ids[:i], id) {
			continue
		}
		if c, ok := s.clients[id]; ok {
			c.Version++
			s.clients[id] = c
		}
	}
}

func stale(record string, id fmt.Stringer, read, stored int64) error {
	return fmt.Errorf("memory: %s %s was written since it was read (version %d, now %d): %w", record, id, read, stored, storage.ErrConflict)
}

// Resources

// providerRef is a provider's name for something: a resource, or a
// touch's message.
type providerRef struct{ provider, ref string }

func normResource(r outbound.Resource) outbound.Resource {
	r.CreatedAt, r.PurchasedAt, r.HeldUntil = utc(r.CreatedAt), utc(r.PurchasedAt), utc(r.HeldUntil)
	r.PausedAt, r.ResumedAt = utc(r.PausedAt), utc(r.ResumedAt)
	return r
}

// resourceRef is r's key in the provider index; ok is false when r has
// none (Provider or ProviderRef empty).
func resourceRef(r *outbound.Resource) (k providerRef, ok bool) {
	return providerRef{r.Provider, r.ProviderRef}, r.Provider != "" && r.ProviderRef != ""
}

// refTaken returns an ErrConflict when another resource than r has r's
// provider and reference. The caller holds the lock.
func (s *Store) refTaken(r *outbound.Resource) error {
	k, ok := resourceRef(r)
	if !ok {
		return nil
	}
	if id, taken := s.resourceByRef[k]; taken && id != r.ID {
		return fmt.Errorf("memory: %s resource %q is resource %s: %w", r.Provider, r.ProviderRef, id, storage.ErrConflict)
	}
	return nil
}

// putResource stores r, moving it in every index from old (nil: a new
// resource). It leaves versions alone. The caller holds the write lock.
func (s *Store) putResource(old *outbound.Resource, r outbound.Resource) {
	if old != nil {
		if k, ok := resourceRef(old); ok {
			delete(s.resourceByRef, k)
		}
		if old.Parent != r.Parent && !old.Parent.IsZero() {
			s.mailboxes[old.Parent] = slices.DeleteFunc(s.mailboxes[old.Parent], func(id outbound.ResourceID) bool { return id == r.ID })
			if len(s.mailboxes[old.Parent]) == 0 {
				delete(s.mailboxes, old.Parent)
			}
		}
		if old.Client != r.Client && !old.Client.IsZero() {
			delete(s.clientHolds[old.Client], r.ID)
			if len(s.clientHolds[old.Client]) == 0 {
				delete(s.clientHolds, old.Client)
			}
		}
	}
	if k, ok := resourceRef(&r); ok {
		s.resourceByRef[k] = r.ID
	}
	if !r.Parent.IsZero() && (old == nil || old.Parent != r.Parent) {
		s.mailboxes[r.Parent] = append(s.mailboxes[r.Parent], r.ID)
	}
	if !r.Client.IsZero() && (old == nil || old.Client != r.Client) {
		held := s.clientHolds[r.Client]
		if held == nil {
			held = make(map[outbound.ResourceID]struct{})
			s.clientHolds[r.Client] = held
		}
		held[r.ID] = struct{}{}
	}
	s.resources[r.ID] = r
}

// CreateResource implements [storage.Resources].
func (s *Store) CreateResource(ctx context.Context, r *outbound.Resource) error {
	if err := storage.CheckResource(r); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.resources[r.ID]; ok {
		return conflict("resource", r.ID)
	}
	if err := s.refTaken(r); err != nil {
		return err
	}
	v := normResource(*r)
	v.Version = 1
	s.putResource(nil, v)
	s.raiseClients(v.Client)
	r.Version = v.Version
	return nil
}

// GetResource implements [storage.Resources].
func (s *Store) GetResource(ctx context.Context, id outbound.ResourceID) (*outbound.Resource, error) {
	return get(ctx, s, s.resources, "resource", id)
}

// FindResource implements [storage.Resources].
func (s *Store) FindResource(ctx context.Context, provider, ref string) (*outbound.Resource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id, ok := s.resourceByRef[providerRef{provider, ref}]; ok && provider != "" && ref != "" {
		r := s.resources[id]
		return &r, nil
	}
	return nil, fmt.Errorf("memory: %s resource %q: %w", provider, ref, storage.ErrNotFound)
}

// ListResources implements [storage.Resources].
func (s *Store) ListResources(ctx context.Context, f storage.ResourceFilter) ([]outbound.Resource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sortedByID(s.resources, func(r *outbound.Resource) bool {
		return (f.Kind == "" || r.Kind == f.Kind) &&
			(f.State == "" || r.State == f.State) &&
			(f.Client.IsZero() || r.Client == f.Client) &&
			(f.Parent.IsZero() || r.Parent == f.Parent)
	}), nil
}

// UpdateResource implements [storage.Resources]: the stored Version must
// be r.Version. It raises the Version of the client that holds the
// resource, and of the one that held it.
func (s *Store) UpdateResource(ctx context.Context, r *outbound.Resource) error {
	if err := storage.CheckResource(r); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.resources[r.ID]
	if !ok {
		return notFound("resource", r.ID)
	}
	if cur.Version != r.Version {
		return stale("resource", r.ID, r.Version, cur.Version)
	}
	if err := s.refTaken(r); err != nil {
		return err
	}
	v := normResource(*r)
	v.Version = cur.Version + 1
	s.putResource(&cur, v)
	s.raiseClients(cur.Client, v.Client)
	r.Version = v.Version
	return nil
}

// MoveResource implements [storage.Resources]: the compare, the limit and
// the writes of the resource and its mailboxes happen under one write
// lock, so they are all made or none is.
func (s *Store) MoveResource(ctx context.Context, m storage.Move) (bool, error) {
	if err := storage.CheckMove(m); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.resources[m.Resource]
	if !ok {
		return false, notFound("resource", m.Resource)
	}
	if err := storage.CheckMoved(&r); err != nil {
		return false, err
	}
	if r.State != m.From || r.Client != m.FromClient {
		return false, nil
	}
	if m.Limit > 0 && s.countUsable(m.ToClient, r.Kind, r.ID) >= m.Limit {
		return false, nil
	}
	move := func(id outbound.ResourceID) {
		cur := s.resources[id]
		v := cur
		v.State, v.Client, v.HeldUntil = m.To, m.ToClient, utc(m.HeldUntil)
		v.Version++
		s.putResource(&cur, v)
	}
	move(r.ID)
	if r.Kind == outbound.KindDomain {
		for _, id := range slices.Clone(s.mailboxes[r.ID]) {
			move(id)
		}
	}
	s.raiseClients(r.Client, m.ToClient)
	return true, nil
}

// countUsable counts the client's assigned, unpaused resources of kind,
// except the one excepted. The caller holds the lock.
func (s *Store) countUsable(client outbound.ClientID, kind outbound.ResourceKind, except outbound.ResourceID) int {
	n := 0
	for id := range maps.Keys(s.clientHolds[client]) {
		r := s.resources[id]
		if id != except && r.Kind == kind && r.State == outbound.StateAssigned && !r.Paused {
			n++
		}
	}
	return n
}
