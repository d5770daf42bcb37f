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
// records sit behind one read-write lock, and capacity bookings and the
// mailboxes' last sends behind their own, so reservations and spacing
// checks never wait on touch claims. Every method copies what
// it is given and what it returns, so callers never share memory with it.
// The zero value is not ready to use; call [New].
type Store struct {
	mu sync.RWMutex

	clients        map[outbound.ClientID]outbound.Client
	byCustomer     map[string]outbound.ClientID // BillingCustomer → client
	bySubscription map[string]outbound.ClientID // BillingSubscription → client

	resources     map[outbound.ResourceID]outbound.Resource
	resourceByRef map[providerRef]outbound.ResourceID
	mailboxes     map[outbound.ResourceID][]outbound.ResourceID // domain → its mailboxes
	clientHolds   map[outbound.ClientID]map[outbound.ResourceID]struct{}

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
	pending           map[outbound.TouchID]*touchRec // the touches waiting for the planner
	touchByEnrollment map[outbound.EnrollmentID][]*touchRec
	touchByRef        map[providerRef]refRecs          // provider and reference → touches
	sentByResource    map[outbound.ResourceID]*sentSet // sent touches per resource, by SentAt
	sentByAction      map[channel.Action]*sentSet      // sent touches per action, by SentAt
	waiting           touchHeap                        // unfinished touches not yet claimable, by when they will be
	ready             touchHeap                        // claimable touches, oldest scheduled first
	readyAvail        touchHeap                        // the ready heap's touches again, by when they came due

	events    map[outbound.EventID]outbound.Event
	eventKeys map[eventKey]outbound.EventID
	unapplied map[outbound.EventID]struct{}

	suppressions map[outbound.ClientID]*clientSuppressions

	meetings map[meetingKey]outbound.Meeting

	orders    map[outbound.OrderID]outbound.Order
	orderKeys map[string]outbound.OrderID

	allowances map[allowanceKey]int

	spacing spacing

	washes map[string]outbound.WashResult

	bookings bookings
}

var _ storage.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		clients:           make(map[outbound.ClientID]outbound.Client),
		byCustomer:        make(map[string]outbound.ClientID),
		bySubscription:    make(map[string]outbound.ClientID),
		resources:         make(map[outbound.ResourceID]outbound.Resource),
		resourceByRef:     make(map[providerRef]outbound.ResourceID),
		mailboxes:         make(map[outbound.ResourceID][]outbound.ResourceID),
		clientHolds:       make(map[outbound.ClientID]map[outbound.ResourceID]struct{}),
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
		pending:           make(map[outbound.TouchID]*touchRec),
		touchByEnrollment: make(map[outbound.EnrollmentID][]*touchRec),
		touchByRef:        make(map[providerRef]refRecs),
		sentByResource:    make(map[outbound.ResourceID]*sentSet),
		sentByAction:      make(map[channel.Action]*sentSet),
		waiting:           touchHeap{byAvail: true},
		readyAvail:        touchHeap{byAvail: true, alt: true},
		events:            make(map[outbound.EventID]outbound.Event),
		eventKeys:         make(map[eventKey]outbound.EventID),
		unapplied:         make(map[outbound.EventID]struct{}),
		meetings:          make(map[meetingKey]outbound.Meeting),
		orders:            make(map[outbound.OrderID]outbound.Order),
		orderKeys:         make(map[string]outbound.OrderID),
		allowances:        make(map[allowanceKey]int),
		spacing:           spacing{last: make(map[outbound.ResourceID]time.Time)},
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

// Campaigns

// normCampaign is the campaign as the store keeps it, and hands out: its
// time in UTC and its own copies of its ICP's lists.
func normCampaign(c outbound.Campaign) outbound.Campaign {
	c.CreatedAt = utc(c.CreatedAt)
	p := &c.ICP
	p.Countries, p.Regions, p.Industries, p.Titles = slices.Clone(p.Countries), slices.Clone(p.Regions),
		slices.Clone(p.Industries), slices.Clone(p.Titles)
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
	c, err := get(ctx, s, s.campaigns, "campaign", id)
	if err != nil {
		return nil, err
	}
	v := normCampaign(*c)
	return &v, nil
}

// ListCampaigns implements [storage.Campaigns].
func (s *Store) ListCampaigns(ctx context.Context, client outbound.ClientID) ([]outbound.Campaign, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := sortedByID(s.campaigns, func(c *outbound.Campaign) bool {
		return client.IsZero() || c.Client == client
	})
	for i := range out {
		out[i] = normCampaign(out[i])
	}
	return out, nil
}

// UpdateCampaign implements [storage.Campaigns].
func (s *Store) UpdateCampaign(ctx context.Context, c *outbound.Campaign) error {
	if err := storage.CheckCampaign(c); err != nil {
		return err
	}
	return put(ctx, s, s.campaigns, "campaign", c.ID, normCampaign(*c), false)
}
