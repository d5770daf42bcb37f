package memory

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// Store is the in-memory [storage.Store]. It is safe for concurrent use:
// records sit behind one read-write lock and capacity bookings behind their
// own, so reservations never wait on touch claims. Every method copies what
// it is given and what it returns, so callers never share memory with it.
// The zero value is not ready to use; call [New].
type Store struct {
	mu sync.RWMutex

	clients   map[outbound.ClientID]outbound.Client
	resources map[outbound.ResourceID]outbound.Resource
	campaigns map[outbound.CampaignID]outbound.Campaign

	leads     map[outbound.LeadID]outbound.Lead
	leadEmail map[contactKey]outbound.LeadID // client + lower-cased email
	leadPhone map[contactKey]outbound.LeadID // client + phone as given
	// company domain with ASCII letters lower-cased → client → its leads
	leadCompany map[string]map[outbound.ClientID][]outbound.LeadID

	enrollments  map[outbound.EnrollmentID]outbound.Enrollment
	enrollPair   map[enrollKey]outbound.EnrollmentID
	enrollByLead map[outbound.LeadID][]outbound.EnrollmentID

	touches           map[outbound.TouchID]*touchRec
	touchByLead       map[outbound.LeadID][]*touchRec
	touchByEnrollment map[outbound.EnrollmentID][]*touchRec
	touchByRef        map[string]refRecs               // provider reference → touches
	sentByResource    map[outbound.ResourceID]*sentSet // sent touches per resource, by SentAt
	sentByAction      map[channel.Action]*sentSet      // sent touches per action, by SentAt
	waiting           touchHeap                        // unfinished touches not yet claimable, by when they will be
	ready             touchHeap                        // claimable touches, oldest scheduled first
	readyAvail        touchHeap                        // the ready heap's touches again, by when they came due

	events    map[outbound.EventID]outbound.Event
	eventKeys map[eventKey]outbound.EventID

	suppressions map[outbound.ClientID]*clientSuppressions

	washes map[string]outbound.WashResult

	bookings bookings
}

var _ storage.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		clients:           make(map[outbound.ClientID]outbound.Client),
		resources:         make(map[outbound.ResourceID]outbound.Resource),
		campaigns:         make(map[outbound.CampaignID]outbound.Campaign),
		leads:             make(map[outbound.LeadID]outbound.Lead),
		leadEmail:         make(map[contactKey]outbound.LeadID),
		leadPhone:         make(map[contactKey]outbound.LeadID),
		leadCompany:       make(map[string]map[outbound.ClientID][]outbound.LeadID),
		enrollments:       make(map[outbound.EnrollmentID]outbound.Enrollment),
		enrollPair:        make(map[enrollKey]outbound.EnrollmentID),
		enrollByLead:      make(map[outbound.LeadID][]outbound.EnrollmentID),
		touches:           make(map[outbound.TouchID]*touchRec),
		touchByLead:       make(map[outbound.LeadID][]*touchRec),
		touchByEnrollment: make(map[outbound.EnrollmentID][]*touchRec),
		touchByRef:        make(map[string]refRecs),
		sentByResource:    make(map[outbound.ResourceID]*sentSet),
		sentByAction:      make(map[channel.Action]*sentSet),
		waiting:           touchHeap{byAvail: true},
		readyAvail:        touchHeap{byAvail: true, alt: true},
		events:            make(map[outbound.EventID]outbound.Event),
		eventKeys:         make(map[eventKey]outbound.EventID),
		suppressions:      make(map[outbound.ClientID]*clientSuppressions),
		washes:            make(map[string]outbound.WashResult),
		bookings:          newBookings(),
	}
}

// invalid is the error for a record the store cannot keep.
func invalid(record, field, value, reason string) error {
	return &outbound.ValidationError{Record: record, Field: field, Value: value, Reason: reason}
}

func notFound(record string, id fmt.Stringer) error {
	return fmt.Errorf("memory: %s %s: %w", record, id, storage.ErrNotFound)
}

func conflict(record string, id fmt.Stringer) error {
	return fmt.Errorf("memory: %s %s exists: %w", record, id, storage.ErrConflict)
}

// cmpID orders UUIDs by their bytes, as Postgres orders its uuid type.
func cmpID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// sortedByID returns m's values ordered by their ID, keeping those keep
// accepts. It sorts the IDs, not the records.
func sortedByID[K ~struct{ uuid.UUID }, V any](m map[K]V, keep func(*V) bool) []V {
	ids := make([]K, 0, len(m))
	// One variable for every record: keep's argument escapes, and a
	// variable per iteration would cost an allocation per record.
	var v V
	for id, rec := range m {
		v = rec
		if keep(&v) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b K) int {
		return cmpID(struct{ uuid.UUID }(a).UUID, struct{ uuid.UUID }(b).UUID)
	})
	out := make([]V, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}

// put stores v under id in m: a new record (ErrConflict if the ID exists)
// or a replacement (ErrNotFound if it does not). It serves the records that
// have no index beside their map: clients, resources, campaigns.
func put[K interface {
	comparable
	fmt.Stringer
}, V any](ctx context.Context, s *Store, m map[K]V, record string, id K, v V, create bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, exists := m[id]
	switch {
	case create && exists:
		return conflict(record, id)
	case !create && !exists:
		return notFound(record, id)
	}
	m[id] = v
	return nil
}

// get returns a copy of the record under id in m, or ErrNotFound.
func get[K interface {
	comparable
	fmt.Stringer
}, V any](ctx context.Context, s *Store, m map[K]V, record string, id K) (*V, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := m[id]
	if !ok {
		return nil, notFound(record, id)
	}
	return &v, nil
}

// getMany returns copies (made by cp) of the records under ids in m, each
// once, in the order of first appearance; IDs not in m are left out.
func getMany[K comparable, V any](ctx context.Context, s *Store, m map[K]V, ids []K, cp func(V) V) ([]V, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]V, 0, len(ids))
	seen := make(map[K]struct{}, len(ids))
	for _, id := range ids {
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		if v, ok := m[id]; ok {
			out = append(out, cp(v))
		}
	}
	return out, nil
}

// utc returns t in UTC, without a monotonic reading: the form every stored
// instant takes.
func utc(t time.Time) time.Time { return t.UTC() }

// Clients

func normClient(c outbound.Client) outbound.Client {
	c.SignupAt, c.ChurnedAt = utc(c.SignupAt), utc(c.ChurnedAt)
	return c
}

// CreateClient implements [storage.Clients].
func (s *Store) CreateClient(ctx context.Context, c *outbound.Client) error {
	if err := storage.CheckClient(c); err != nil {
		return err
	}
	return put(ctx, s, s.clients, "client", c.ID, normClient(*c), true)
}

// GetClient implements [storage.Clients].
func (s *Store) GetClient(ctx context.Context, id outbound.ClientID) (*outbound.Client, error) {
	return get(ctx, s, s.clients, "client", id)
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

// UpdateClient implements [storage.Clients].
func (s *Store) UpdateClient(ctx context.Context, c *outbound.Client) error {
	if err := storage.CheckClient(c); err != nil {
		return err
	}
	return put(ctx, s, s.clients, "client", c.ID, normClient(*c), false)
}

// Resources

func normResource(r outbound.Resource) outbound.Resource {
	r.CreatedAt, r.PurchasedAt, r.HeldUntil = utc(r.CreatedAt), utc(r.PurchasedAt), utc(r.HeldUntil)
	return r
}

// CreateResource implements [storage.Resources].
func (s *Store) CreateResource(ctx context.Context, r *outbound.Resource) error {
	if err := storage.CheckResource(r); err != nil {
		return err
	}
	return put(ctx, s, s.resources, "resource", r.ID, normResource(*r), true)
}

// GetResource implements [storage.Resources].
func (s *Store) GetResource(ctx context.Context, id outbound.ResourceID) (*outbound.Resource, error) {
	return get(ctx, s, s.resources, "resource", id)
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

// UpdateResource implements [storage.Resources].
func (s *Store) UpdateResource(ctx context.Context, r *outbound.Resource) error {
	if err := storage.CheckResource(r); err != nil {
		return err
	}
	return put(ctx, s, s.resources, "resource", r.ID, normResource(*r), false)
}

// Campaigns

func normCampaign(c outbound.Campaign) outbound.Campaign {
	c.CreatedAt = utc(c.CreatedAt)
	return c
}

// CreateCampaign implements [storage.Campaigns].
func (s *Store) CreateCampaign(ctx context.Context, c *outbound.Campaign) error {
	if err := storage.CheckCampaign(c); err != nil {
		return err
	}
	return put(ctx, s, s.campaigns, "campaign", c.ID, normCampaign(*c), true)
}

// GetCampaign implements [storage.Campaigns].
func (s *Store) GetCampaign(ctx context.Context, id outbound.CampaignID) (*outbound.Campaign, error) {
	return get(ctx, s, s.campaigns, "campaign", id)
}

// ListCampaigns implements [storage.Campaigns].
func (s *Store) ListCampaigns(ctx context.Context, client outbound.ClientID) ([]outbound.Campaign, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sortedByID(s.campaigns, func(c *outbound.Campaign) bool {
		return client.IsZero() || c.Client == client
	}), nil
}

// UpdateCampaign implements [storage.Campaigns].
func (s *Store) UpdateCampaign(ctx context.Context, c *outbound.Campaign) error {
	if err := storage.CheckCampaign(c); err != nil {
		return err
	}
	return put(ctx, s, s.campaigns, "campaign", c.ID, normCampaign(*c), false)
}
