package storage

import (
	"context"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
)

// Store is everything the engine keeps. A store is safe for concurrent use by
// any number of goroutines (and, for a database store, processes).
type Store interface {
	Clients
	Resources
	Campaigns
	Leads
	Enrollments
	Touches
	Plans
	Events
	Suppressions
	Washes
	Bookings
}

// Clients keeps the paying tenants.
type Clients interface {
	// CreateClient stores a new client; ErrConflict if the ID exists.
	CreateClient(ctx context.Context, c *outbound.Client) error
	// GetClient returns the client, or ErrNotFound.
	GetClient(ctx context.Context, id outbound.ClientID) (*outbound.Client, error)
	// ListClients returns every client, ordered by ID.
	ListClients(ctx context.Context) ([]outbound.Client, error)
	// UpdateClient replaces the stored client; ErrNotFound if absent.
	UpdateClient(ctx context.Context, c *outbound.Client) error
}

// ResourceFilter selects resources. Zero fields match everything.
type ResourceFilter struct {
	Kind   outbound.ResourceKind
	State  outbound.ResourceState
	Client outbound.ClientID
	Parent outbound.ResourceID
}

// Resources keeps the pool's sending identities.
type Resources interface {
	CreateResource(ctx context.Context, r *outbound.Resource) error
	GetResource(ctx context.Context, id outbound.ResourceID) (*outbound.Resource, error)
	// ListResources returns the matching resources, ordered by ID.
	ListResources(ctx context.Context, f ResourceFilter) ([]outbound.Resource, error)
	UpdateResource(ctx context.Context, r *outbound.Resource) error
}

// Campaigns keeps the clients' campaigns.
type Campaigns interface {
	CreateCampaign(ctx context.Context, c *outbound.Campaign) error
	GetCampaign(ctx context.Context, id outbound.CampaignID) (*outbound.Campaign, error)
	// ListCampaigns returns a client's campaigns (every client's when the ID
	// is zero), ordered by ID.
	ListCampaigns(ctx context.Context, client outbound.ClientID) ([]outbound.Campaign, error)
	UpdateCampaign(ctx context.Context, c *outbound.Campaign) error
}

// Leads keeps the people to reach. Within one client, no two leads share an
// email address or a phone number.
type Leads interface {
	// CreateLead stores a new lead. A lead whose email or phone another lead
	// of the same client has yields a *DuplicateError naming the existing
	// lead (errors.Is(err, ErrConflict) holds).
	CreateLead(ctx context.Context, l *outbound.Lead) error
	GetLead(ctx context.Context, id outbound.LeadID) (*outbound.Lead, error)
	// GetLeads returns the stored leads among ids, each once, in the order
	// of their first appearance in ids; an ID not stored is left out. It is
	// GetLead for a batch in one call (one round trip for a database).
	GetLeads(ctx context.Context, ids []outbound.LeadID) ([]outbound.Lead, error)
	// FindLead returns the client's lead with that email or phone (either
	// may be empty), or ErrNotFound.
	FindLead(ctx context.Context, client outbound.ClientID, email, phone string) (*outbound.Lead, error)
	// ListLeads returns a client's leads ordered by ID; a zero client lists all.
	ListLeads(ctx context.Context, client outbound.ClientID) ([]outbound.Lead, error)
	// ListLeadsByCompany returns the client's leads (every client's when the
	// ID is zero) whose CompanyDomain is domain, compared without regard to
	// ASCII case (A–Z match a–z; other characters compare exactly), ordered
	// by ID. An empty domain matches no lead.
	ListLeadsByCompany(ctx context.Context, client outbound.ClientID, domain string) ([]outbound.Lead, error)
	UpdateLead(ctx context.Context, l *outbound.Lead) error
}

// EnrollmentFilter selects enrollments. Zero fields match everything.
type EnrollmentFilter struct {
	Client   outbound.ClientID
	Campaign outbound.CampaignID
	Lead     outbound.LeadID
	State    outbound.EnrollmentState
}

// Enrollments keeps leads' places in sequences. A lead is enrolled in a
// campaign at most once.
type Enrollments interface {
	// CreateEnrollment stores a new enrollment; ErrConflict when the lead is
	// already enrolled in the campaign.
	CreateEnrollment(ctx context.Context, e *outbound.Enrollment) error
	GetEnrollment(ctx context.Context, id outbound.EnrollmentID) (*outbound.Enrollment, error)
	// GetEnrollments returns the stored enrollments among ids, each once, in
	// the order of their first appearance in ids; an ID not stored is left
	// out. It is GetEnrollment for a batch in one call.
	GetEnrollments(ctx context.Context, ids []outbound.EnrollmentID) ([]outbound.Enrollment, error)
	// ListEnrollments returns the matching enrollments ordered by lead ID,
	// then campaign ID: the order the planner works in.
	ListEnrollments(ctx context.Context, f EnrollmentFilter) ([]outbound.Enrollment, error)
	UpdateEnrollment(ctx context.Context, e *outbound.Enrollment) error
}

// TouchFilter selects touches. Each field that is set narrows the
// selection (the fields combine with AND); a zero field matches every touch.
type TouchFilter struct {
	// Client selects the client's touches.
	Client outbound.ClientID
	// Campaign selects the campaign's touches.
	Campaign outbound.CampaignID
	// Lead selects the lead's touches.
	Lead outbound.LeadID
	// Enrollment selects the enrollment's touches.
	Enrollment outbound.EnrollmentID
	// Enrollments selects the touches of any of these enrollments; nil or
	// empty matches every enrollment. With Enrollment set too, a touch must
	// match both. Repeats are harmless.
	Enrollments []outbound.EnrollmentID
	// Status selects touches in this status.
	Status outbound.TouchStatus
	// Statuses selects touches in any of these statuses; nil or empty
	// matches every status. With Status set too, a touch must match both.
	Statuses []outbound.TouchStatus
	// Action selects touches of this action (the action used: a touch
	// skipped at planning has none, so it never matches a set Action).
	Action channel.Action
	// Resources selects touches booked on any of these resources; nil or
	// empty matches every resource (and none: a caller with an empty set of
	// resources should not ask). Repeats are harmless.
	Resources []outbound.ResourceID
	// SentFrom and SentUntil select touches with SentAt in [SentFrom,
	// SentUntil): at or after SentFrom, strictly before SentUntil. A zero
	// bound is unbounded on its side; either bound set excludes the touches
	// never sent (a zero SentAt).
	SentFrom, SentUntil time.Time
}

// Claim asks for due touches.
type Claim struct {
	Now        time.Time // touches scheduled at or before Now are due
	Worker     string    // who holds the lease
	LeaseUntil time.Time // when an unfinished claim may be taken over
	Limit      int       // at most this many
}

// Touches keeps planned actions and their outcomes.
type Touches interface {
	// InsertTouches stores new touches in one batch; ErrConflict (and nothing
	// stored) if any ID exists.
	InsertTouches(ctx context.Context, ts []outbound.Touch) error
	GetTouch(ctx context.Context, id outbound.TouchID) (*outbound.Touch, error)
	// ListTouches returns the matching touches ordered by scheduled instant,
	// then ID.
	ListTouches(ctx context.Context, f TouchFilter) ([]outbound.Touch, error)
	// ClaimTouches leases up to c.Limit due touches to c.Worker, oldest
	// first: scheduled ones due by c.Now, and sending ones whose lease has
	// expired (for reconciliation). No touch is leased to two workers at once.
	ClaimTouches(ctx context.Context, c Claim) ([]outbound.Touch, error)
	// UpdateTouch replaces the stored touch if worker still holds its lease
	// (an empty worker updates unconditionally: the planner and event
	// handlers). ErrLeaseLost when another worker holds it.
	UpdateTouch(ctx context.Context, t *outbound.Touch, worker string) error
	// UpdateTouches is UpdateTouch for a batch in one step (one statement
	// for a database): each touch of ts is replaced if worker still holds
	// its lease (any worker when worker is empty). It returns the IDs it did
	// not replace, in the order of ts: touches another worker holds, and
	// touches not stored. An invalid touch, or an ID twice in ts, is a
	// *outbound.ValidationError and nothing is replaced.
	UpdateTouches(ctx context.Context, ts []outbound.Touch, worker string) (skipped []outbound.TouchID, err error)
	// NextDue returns the earliest instant at which ClaimTouches would hand
	// out a touch: over every scheduled or sending touch, a scheduled one's
	// ScheduledAt, or the end of its lease if a worker holds it past then
	// (max(ScheduledAt, LeaseUntil)); a sending one's LeaseUntil, or the zero
	// time when no worker holds it (it is due at any instant). ok is false
	// when no touch is scheduled or sending. An idle worker may sleep until
	// then; a simulation jumps its clock there.
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
	// FindTouchByProviderRef returns the touch whose ProviderRef is ref
	// (compared exactly, across every client: an inbound event names no
	// client), or ErrNotFound; an empty ref matches none. A provider's
	// references are unique in practice; if several touches share ref, the
	// first by ID is returned.
	FindTouchByProviderRef(ctx context.Context, ref string) (*outbound.Touch, error)
}

// PlanWrite is what planning decided for one enrollment: its new touches,
// and the enrollment with its planning state moved on.
type PlanWrite struct {
	Enrollment *outbound.Enrollment
	Touches    []outbound.Touch
}

// Plans stores the planner's decisions so that a crash never leaves
// touches planned without their enrollment moved on (a second pass would
// plan them again, and both would be sent) or the reverse.
type Plans interface {
	// SavePlans stores, all or nothing, every write's touches (as
	// InsertTouches) and its enrollment's planning state: NextStep, State,
	// PausedUntil, StopReason and Sticky (the enrollment's other fields are
	// left as stored). ErrConflict, and nothing stored, when a touch ID is
	// stored already or repeats; ErrNotFound, and nothing stored, when an
	// enrollment is not stored. An empty ws stores nothing.
	SavePlans(ctx context.Context, ws []PlanWrite) error
}

// Events keeps applied inbound events, once each.
type Events interface {
	// RecordEvent stores e unless an event with the same provider and
	// provider event ID exists; it reports whether it stored it.
	RecordEvent(ctx context.Context, e *outbound.Event) (bool, error)
	// ListEvents returns a client's events ordered by when they happened
	// (every client's when the ID is zero).
	ListEvents(ctx context.Context, client outbound.ClientID) ([]outbound.Event, error)
}

// SuppressionQuery is one question of Suppressions.SuppressedAmong: is the
// client's lead, or the address, suppressed on the channel?
type SuppressionQuery struct {
	Client  outbound.ClientID
	Lead    outbound.LeadID
	Address string
	Channel channel.Kind
}

// Suppressions keeps who must not get what.
type Suppressions interface {
	// AddSuppression records s; adding the same (client, lead, address,
	// channel) twice keeps the first.
	AddSuppression(ctx context.Context, s *outbound.Suppression) error
	// Suppressed reports whether the client's lead, or the address, is
	// suppressed on ch (a suppression with no channel covers every channel).
	Suppressed(ctx context.Context, client outbound.ClientID, lead outbound.LeadID, address string, ch channel.Kind) (bool, error)
	// SuppressedAmong answers Suppressed for each query in one call:
	// out[i] is the answer for qs[i].
	SuppressedAmong(ctx context.Context, qs []SuppressionQuery) ([]bool, error)
	ListSuppressions(ctx context.Context, client outbound.ClientID) ([]outbound.Suppression, error)
}

// Washes keeps Do Not Call Register results per number. They are not a
// client's: the register answers the same for everyone.
type Washes interface {
	PutWash(ctx context.Context, w outbound.WashResult) error
	// GetWash returns the latest result for the number, or ErrNotFound.
	GetWash(ctx context.Context, phone string) (outbound.WashResult, error)
	// GetWashes returns the latest result of each washed number among
	// phones, each once, in the order of first appearance; a number never
	// washed is left out. It is GetWash for a batch in one call.
	GetWashes(ctx context.Context, phones []string) ([]outbound.WashResult, error)
	// WashesBefore returns results washed before t: the numbers to wash again.
	WashesBefore(ctx context.Context, t time.Time) ([]outbound.WashResult, error)
}

// Bookings counts capacity per resource, action and local day: the
// allocator's [allocator.Counter], which is the source of truth for every cap
// so that caps hold across every worker and process, plus a listing.
type Bookings interface {
	allocator.Counter
	// ListBookings returns every booking with a count above zero of the
	// client's resources (every client's when the ID is zero), ordered by
	// resource, action, day.
	ListBookings(ctx context.Context, client outbound.ClientID) ([]outbound.Booking, error)
}
