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
	Orders
	Allowances
	Spacing
	Meetings
}

// Clients keeps the paying tenants.
type Clients interface {
	// CreateClient stores a new client with Version 1 (set in c);
	// ErrConflict if the ID exists, or if its BillingCustomer or
	// BillingSubscription is set and another client has the same.
	CreateClient(ctx context.Context, c *outbound.Client) error
	// GetClient returns the client, or ErrNotFound.
	GetClient(ctx context.Context, id outbound.ClientID) (*outbound.Client, error)
	// FindClientByBilling returns the client whose BillingSubscription is
	// subscription (when subscription is not empty), else the one whose
	// BillingCustomer is customer (when customer is not empty), or
	// ErrNotFound. Two empty keys find nothing.
	FindClientByBilling(ctx context.Context, customer, subscription string) (*outbound.Client, error)
	// ListClients returns every client, ordered by ID.
	ListClients(ctx context.Context) ([]outbound.Client, error)
	// UpdateClient replaces the stored client if its stored Version is
	// still c.Version, and raises the Version (set in c). ErrConflict, and
	// nothing changed, when another write came first (the caller reads the
	// client again and retries); ErrConflict also when the new billing keys
	// belong to another client; ErrNotFound if absent.
	UpdateClient(ctx context.Context, c *outbound.Client) error
	// ClientVersions returns the stored Version of each client among ids
	// that is stored, in one call: a process compares them with the
	// versions of its cached pictures once per claim.
	ClientVersions(ctx context.Context, ids []outbound.ClientID) (map[outbound.ClientID]int64, error)
}

// ResourceFilter selects resources. Zero fields match everything.
type ResourceFilter struct {
	Kind   outbound.ResourceKind
	State  outbound.ResourceState
	Client outbound.ClientID
	Parent outbound.ResourceID
}

// Resources keeps the pool's sending identities.
//
// Every write of a resource raises the Version of the client that holds it
// (and of the client that held it, when the owner changes), so that every
// process sees a pause, an assignment or a release before its next send
// that depends on it.
type Resources interface {
	// CreateResource stores a new resource with Version 1 (set in r);
	// ErrConflict if the ID exists, or if Provider and ProviderRef are
	// both set and another resource has the same pair.
	CreateResource(ctx context.Context, r *outbound.Resource) error
	GetResource(ctx context.Context, id outbound.ResourceID) (*outbound.Resource, error)
	// FindResource returns the resource the provider knows by ref, or
	// ErrNotFound; empty arguments find nothing.
	FindResource(ctx context.Context, provider, ref string) (*outbound.Resource, error)
	// ListResources returns the matching resources, ordered by ID.
	ListResources(ctx context.Context, f ResourceFilter) ([]outbound.Resource, error)
	// UpdateResource replaces the stored resource if its stored Version is
	// still r.Version, and raises the Version (set in r). ErrConflict, and
	// nothing changed, when another write came first or when the
	// (Provider, ProviderRef) pair belongs to another resource; ErrNotFound
	// if absent.
	UpdateResource(ctx context.Context, r *outbound.Resource) error
	// MoveResource changes the owner and state of a resource and, for a
	// domain, of each of its mailboxes, all at once or not at all (see
	// Move). It returns false, changing nothing, when the resource is no
	// longer in m.From owned by m.FromClient, or when m.Limit is reached;
	// ErrNotFound when the resource is not stored; an invalid Move (a
	// mailbox, an unknown state) is an *outbound.ValidationError.
	MoveResource(ctx context.Context, m Move) (moved bool, err error)
}

// Move is a change of a resource's owner and state: the pool's one way to
// assign, take back, hold and release, safe when several processes assign
// at once (a resource never goes to two clients, and a client never gets
// more than its plan).
type Move struct {
	// Resource is a domain, phone number, LinkedIn seat or mail sender,
	// never a mailbox: a domain's mailboxes move with it.
	Resource outbound.ResourceID
	// From and FromClient are what the caller saw: the move happens only
	// if the resource is still in state From and held by FromClient (zero:
	// by no client).
	From       outbound.ResourceState
	FromClient outbound.ClientID
	// To, ToClient and HeldUntil are what the resource (and its mailboxes)
	// become. ToClient is zero for a resource back in the pool; HeldUntil
	// is zero unless To is held.
	To        outbound.ResourceState
	ToClient  outbound.ClientID
	HeldUntil time.Time
	// Limit, when above zero, lets the move happen only while ToClient
	// holds fewer than Limit resources of the moved resource's kind that
	// are assigned and not paused (the moved one not counted): checked and
	// applied at once, so two processes assigning to one client never pass
	// its plan.
	Limit int
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
	// FindTouchByProviderRef returns the touch sent through provider whose
	// ProviderRef is ref (both compared exactly, across every client: an
	// inbound event names no client), or ErrNotFound; an empty provider or
	// ref matches none. Two providers may use the same reference for
	// different messages; one provider's references are unique in
	// practice, and if several of its touches share ref, the first by ID
	// is returned.
	FindTouchByProviderRef(ctx context.Context, provider, ref string) (*outbound.Touch, error)
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

// Events keeps inbound events, once each, and whether each was applied.
//
// The engine records an event first, then applies it, then marks it
// applied. A crash or a failed write in between leaves it recorded and not
// applied: a redelivery of the same event finds it so (RecordEvent fills
// in the stored event) and applies it, and so does the sweeper
// (UnappliedEvents). Applying an event twice changes nothing, so an
// opt-out is never lost and never doubled.
type Events interface {
	// RecordEvent stores e unless an event with the same provider and
	// provider event ID exists; it reports whether it stored it. When it
	// did not, it overwrites *e with the stored event, so the caller can
	// tell an applied duplicate (AppliedAt set) from one recorded and not
	// yet applied.
	RecordEvent(ctx context.Context, e *outbound.Event) (bool, error)
	// MarkEventApplied sets the event's AppliedAt to at (a second call
	// keeps the first instant); ErrNotFound when it is not stored.
	MarkEventApplied(ctx context.Context, id outbound.EventID, at time.Time) error
	// UnappliedEvents returns up to limit events recorded (strictly)
	// before `before` and not applied, oldest recorded first, then by ID;
	// none for a limit of zero or less.
	UnappliedEvents(ctx context.Context, before time.Time, limit int) ([]outbound.Event, error)
	// ListEvents returns a client's events ordered by when they happened
	// (every client's when the ID is zero).
	ListEvents(ctx context.Context, client outbound.ClientID) ([]outbound.Event, error)
}

// SuppressionQuery is one question of Suppressions.Suppressed: is the
// client's lead, the address or the domain suppressed on the channel?
type SuppressionQuery struct {
	Client  outbound.ClientID
	Lead    outbound.LeadID // zero: not asked
	Address string          // "": not asked
	Domain  string          // an email domain, lower case; "": not asked
	Channel channel.Kind
}

// SuppressionKey names one suppression: the fields that make it unique.
type SuppressionKey struct {
	Client  outbound.ClientID
	Lead    outbound.LeadID
	Address string
	Domain  string
	Channel channel.Kind
}

// KeyOf returns the suppression's key.
func KeyOf(s *outbound.Suppression) SuppressionKey {
	return SuppressionKey{Client: s.Client, Lead: s.Lead, Address: s.Address, Domain: s.Domain, Channel: s.Channel}
}

// Suppressions keeps who must not get what: opt-outs, bounces, complaints
// and the do-not-contact lists, per client and platform-wide.
type Suppressions interface {
	// AddSuppression records s. Adding one whose key (SuppressionKey) is
	// in force already keeps the first; adding one whose key was lifted
	// puts it back in force with s's Reason and Since (and no lift).
	AddSuppression(ctx context.Context, s *outbound.Suppression) error
	// LiftSuppression lifts the suppression with key k if it is in force,
	// recording who lifted it, why and when; it reports whether it did.
	LiftSuppression(ctx context.Context, k SuppressionKey, by string, reason outbound.Reason, at time.Time) (bool, error)
	// Suppressed reports whether a suppression in force covers q: one of
	// q.Client's, or a platform-wide one (zero Client), by q's lead, q's
	// address or q's domain, on q.Channel or on every channel.
	Suppressed(ctx context.Context, q SuppressionQuery) (bool, error)
	// SuppressedAmong answers Suppressed for each query in one call:
	// out[i] is the answer for qs[i].
	SuppressedAmong(ctx context.Context, qs []SuppressionQuery) ([]bool, error)
	// ListSuppressions returns the client's suppressions, lifted ones
	// included, ordered by Since, then lead, address, domain and channel
	// (the platform-wide ones for a zero ID).
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

// Orders keeps purchase orders, so that a purchase is recorded before the
// provider is called and a retried purchase never buys twice.
type Orders interface {
	// CreateOrder stores o unless an order with its Key exists; it reports
	// whether it stored it, and when it did not it overwrites *o with the
	// stored order. ErrConflict when o's ID is stored under another key.
	CreateOrder(ctx context.Context, o *outbound.Order) (bool, error)
	// GetOrder returns the order, or ErrNotFound.
	GetOrder(ctx context.Context, id outbound.OrderID) (*outbound.Order, error)
	// UpdateOrder replaces the stored order with the same ID; ErrNotFound
	// if absent, ErrConflict (and nothing changed) if o.Key is not the
	// stored order's key: the key may not change.
	UpdateOrder(ctx context.Context, o *outbound.Order) error
	// ListOrders returns the orders in any of states (every order when
	// none is given), oldest (CreatedAt) first, then by ID.
	ListOrders(ctx context.Context, states ...outbound.OrderState) ([]outbound.Order, error)
}

// Allowances counts the leads each client has enrolled per billing period,
// so that two imports at once never pass the plan's monthly allowance.
type Allowances interface {
	// TakeAllowance adds up to n (≥ 1) to the client's count for the
	// billing period that starts at period, never past limit, and returns
	// how many it added (0 when the allowance is used up): checked and
	// added at once.
	TakeAllowance(ctx context.Context, client outbound.ClientID, period time.Time, n, limit int) (granted int, err error)
	// ReturnAllowance takes n back from the count (never below zero): a
	// lead that was granted a place but not enrolled.
	ReturnAllowance(ctx context.Context, client outbound.ClientID, period time.Time, n int) error
	// AllowanceUsed returns the client's count for the period.
	AllowanceUsed(ctx context.Context, client outbound.ClientID, period time.Time) (int, error)
}

// Spacing keeps the last send of each spaced resource (a mailbox), so that
// two sends from one mailbox stay apart whichever processes make them.
type Spacing interface {
	// SpaceSend records a send from resource at instant at, if the last
	// send recorded for it is at least gap before at (or none is); it
	// returns ok true then. Otherwise it records nothing and returns the
	// earliest instant the send may go: the last send plus gap. (A send
	// at an instant before the last recorded one is refused too.)
	SpaceSend(ctx context.Context, resource outbound.ResourceID, at time.Time, gap time.Duration) (ok bool, next time.Time, err error)
}

// Meetings keeps the meetings leads booked: one per scheduling provider and
// booking, so a redelivered booking writes the same meeting.
type Meetings interface {
	// SaveMeeting stores m, or replaces the meeting stored under the same
	// provider and booking. ErrConflict, and nothing changed, when the
	// stored one is another client's. An invalid meeting is a
	// *invalid.FieldError.
	SaveMeeting(ctx context.Context, m *outbound.Meeting) error
	// GetMeeting returns the meeting of that provider and booking, or
	// ErrNotFound.
	GetMeeting(ctx context.Context, provider, booking string) (*outbound.Meeting, error)
	// ListMeetings returns a client's meetings (every client's when the ID
	// is zero) ordered by Start, then provider, then booking.
	ListMeetings(ctx context.Context, client outbound.ClientID) ([]outbound.Meeting, error)
}
