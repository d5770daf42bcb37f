package pool

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

// Provisioner buys resources from their providers (a domain registrar and
// mailbox host, a telephony provider, a LinkedIn account provider, a print
// and mail service).
type Provisioner interface {
	// Purchase buys n resources of kind (domain, phone, linkedin_seat,
	// mail_sender) and returns them as the provider knows them: Provider,
	// ProviderRef and Address filled. The pool sets ID, State, CreatedAt and
	// PurchasedAt; for a domain it creates the mailboxes itself.
	//
	// A purchase normally completes later (DNS set up, an account
	// connected): the pool keeps the resource provisioning until the host
	// calls Pool.Provisioned. A provider that knows a resource is ready at
	// once (a phone number is live the moment it is bought) says so by
	// returning it with State StateWarming or StateAvailable; the pool then
	// applies Provisioned itself. Any other State is ignored.
	Purchase(ctx context.Context, kind outbound.ResourceKind, n int) ([]outbound.Resource, error)
}

// Alerter receives the pool's alerts: a pager, a chat channel, an email to
// operations.
type Alerter interface {
	Alert(ctx context.Context, a Alert) error
}

// AlertKind says what an alert is about.
type AlertKind string

// The alert kinds.
const (
	// AlertBufferLow: a kind's buffer fell under the threshold; Count says
	// how many the pool asks the provisioner for.
	AlertBufferLow AlertKind = "buffer_low"
	// AlertDomainPaused: a domain (Resource) passed a health threshold and
	// was paused with its mailboxes; Message gives the reason.
	AlertDomainPaused AlertKind = "domain_paused"
	// AlertDomainResumed: a paused domain was resumed by the host.
	AlertDomainResumed AlertKind = "domain_resumed"
	// AlertAssignmentShort: the pool could not give Client its plan's
	// resources of ResourceKind; Count is the shortfall.
	AlertAssignmentShort AlertKind = "assignment_short"
	// AlertPurchaseFailed: the provisioner failed, or bought fewer than
	// asked; Count is how many are missing.
	AlertPurchaseFailed AlertKind = "purchase_failed"
)

// Alert is one thing an operator should know about.
type Alert struct {
	Kind         AlertKind
	ResourceKind outbound.ResourceKind // the kind concerned, when one is
	Resource     outbound.ResourceID   // the resource concerned, when one is
	Client       outbound.ClientID     // the client concerned, when one is
	Message      string                // a sentence for a human
	At           time.Time             // when the pool raised it (its clock)
	Count        int                   // how many: the shortfall, the purchase asked for, the purchase missing
}

// LogAlerter is the default Alerter: it writes each alert to Logger at level
// Warn and never fails.
type LogAlerter struct {
	Logger *slog.Logger // nil discards
}

// Alert implements Alerter.
func (l LogAlerter) Alert(ctx context.Context, a Alert) error {
	if l.Logger == nil {
		return nil
	}
	attrs := []slog.Attr{slog.String("alert", string(a.Kind)), slog.Time("at", a.At)}
	if a.ResourceKind != "" {
		attrs = append(attrs, slog.String("resource_kind", string(a.ResourceKind)))
	}
	if !a.Resource.IsZero() {
		attrs = append(attrs, slog.String("resource", a.Resource.String()))
	}
	if !a.Client.IsZero() {
		attrs = append(attrs, slog.String("client", a.Client.String()))
	}
	if a.Count != 0 {
		attrs = append(attrs, slog.Int("count", a.Count))
	}
	l.Logger.LogAttrs(ctx, slog.LevelWarn, a.Message, attrs...)
	return nil
}

// HealthSource counts what the health rule needs.
type HealthSource interface {
	// DomainStats counts a domain's cold sends, hard bounces and complaints
	// in [since, until).
	DomainStats(ctx context.Context, domain outbound.ResourceID, since, until time.Time) (warmup.Stats, error)
}

// Pool runs the lifecycle of the sending resources. Build one with New. Its
// methods may be called from several goroutines: each state change runs
// under the pool's lock, so one process never assigns a resource to two
// clients or buys twice for one shortfall. Across processes the pool's state
// lives in the store, which has no transactions: run the pool's jobs
// (Assign, Churn, Release, Promote, Provisioned, CheckBuffer,
// EvaluateHealth, Resume, Backfill) on one leader at a time.
type Pool struct {
	store   storage.Store
	prov    Provisioner
	alerter Alerter
	clock   timing.Clock
	plans   map[string]outbound.Plan
	health  warmup.HealthPolicy
	ready   int   // the warmup age, in whole days, at which a domain becomes available
	thr     int64 // BufferThreshold in millionths
	holdFor time.Duration
	newID   func() outbound.ResourceID
	log     *slog.Logger
	mailbox []string
	mu      sync.Mutex // serialises every read-modify-write of the store
	buyMu   sync.Mutex // serialises CheckBuffer, so one shortfall is bought once
}

// New returns a pool configured by cfg, with defaults filled in. It returns
// the *FieldError values of Config.Validate, joined, when cfg is invalid.
func New(cfg Config) (*Pool, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	plans := make(map[string]outbound.Plan, len(cfg.Plans))
	for _, p := range cfg.Plans {
		plans[p.Name] = p
	}
	newID := cfg.NewID
	return &Pool{
		store:   cfg.Store,
		prov:    cfg.Provisioner,
		alerter: cfg.Alerter,
		clock:   cfg.Clock,
		plans:   plans,
		health:  cfg.Health,
		ready:   readyAge(cfg.Warmup),
		thr:     thresholdPPM(cfg.BufferThreshold),
		holdFor: cfg.HoldFor,
		newID:   func() outbound.ResourceID { return outbound.ResourceID{UUID: newID()} },
		log:     cfg.Logger,
		mailbox: slices.Clone(cfg.MailboxNames),
	}, nil
}

// WarmupDays is the age, in whole days since purchase, at which a warming
// domain becomes available: 14 with the default warmup curve.
func (p *Pool) WarmupDays() int { return p.ready }

// Plan returns the plan of that name, if the pool knows it.
func (p *Pool) Plan(name string) (outbound.Plan, bool) {
	pl, ok := p.plans[name]
	return pl, ok
}

// Resources lists a client's assigned resources, mailboxes included, ordered
// by ID: what its campaigns inherit. Paused resources are listed (they stay
// the client's); check Resource.Usable before sending from one.
func (p *Pool) Resources(ctx context.Context, client outbound.ClientID) ([]outbound.Resource, error) {
	if client.IsZero() {
		return nil, &FieldError{Field: "client", Value: "", Reason: "must be set"}
	}
	rs, err := p.store.ListResources(ctx, storage.ResourceFilter{Client: client, State: outbound.StateAssigned})
	if err != nil {
		return nil, fmt.Errorf("pool: list resources of client %s: %w", client, err)
	}
	return rs, nil
}

// planKinds are the kinds a plan buys and the buffer counts, in the order the
// pool works through them. Mailboxes come with their domain.
func planKinds() [4]outbound.ResourceKind {
	return [4]outbound.ResourceKind{outbound.KindDomain, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender}
}

// isPlanKind reports whether k is one of planKinds.
func isPlanKind(k outbound.ResourceKind) bool {
	switch k {
	case outbound.KindDomain, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender:
		return true
	}
	return false
}

// wants is how many resources of kind k plan pl buys.
func wants(pl outbound.Plan, k outbound.ResourceKind) int {
	switch k {
	case outbound.KindDomain:
		return pl.Domains
	case outbound.KindPhone:
		return pl.PhoneNumbers
	case outbound.KindLinkedInSeat:
		return pl.LinkedInSeats
	case outbound.KindMailSender:
		if pl.MailSender {
			return 1
		}
	}
	return 0
}

// cmpID orders IDs by their bytes, as the stores do.
func cmpID(a, b outbound.ResourceID) int { return bytes.Compare(a.UUID[:], b.UUID[:]) }

// oldestFirst sorts rs by purchase instant, then ID.
func oldestFirst(rs []outbound.Resource) {
	slices.SortFunc(rs, func(a, b outbound.Resource) int {
		return cmp.Or(a.PurchasedAt.Compare(b.PurchasedAt), cmpID(a.ID, b.ID))
	})
}

// settled is the state a provisioned resource of r's kind and age takes on
// instant now: a domain (or mailbox) younger than the warmup age is warming,
// everything else available.
func (p *Pool) settled(r *outbound.Resource, now time.Time) outbound.ResourceState {
	if (r.Kind == outbound.KindDomain || r.Kind == outbound.KindMailbox) && r.AgeDays(now) < p.ready {
		return outbound.StateWarming
	}
	return outbound.StateAvailable
}

// follow brings mailbox mb into line with its domain d; it reports whether
// anything changed.
func follow(mb *outbound.Resource, d *outbound.Resource) bool {
	before := *mb
	mb.State, mb.Client, mb.HeldUntil = d.State, d.Client, d.HeldUntil
	mb.Paused, mb.PauseReason, mb.PurchasedAt = d.Paused, d.PauseReason, d.PurchasedAt
	return *mb != before
}

// write stores r and, when r is a domain, brings each of its mailboxes into
// line with it (mailboxes move with their domain in every transition). It
// returns r and its mailboxes as stored. known may hold the domain's
// mailboxes from a listing the caller made (keyed by domain); when it has
// them all, write saves a query. Call it with p.mu held.
func (p *Pool) write(ctx context.Context, r outbound.Resource, known map[outbound.ResourceID][]outbound.Resource) ([]outbound.Resource, error) {
	if err := p.store.UpdateResource(ctx, &r); err != nil {
		return nil, fmt.Errorf("pool: update %s %s: %w", r.Kind, r.ID, err)
	}
	out := []outbound.Resource{r}
	if r.Kind != outbound.KindDomain {
		return out, nil
	}
	mbs := slices.Clone(known[r.ID])
	if len(mbs) < len(p.mailbox) {
		var err error
		if mbs, err = p.listMailboxes(ctx, r.ID); err != nil {
			return out, err
		}
	}
	mbs, err := p.align(ctx, &r, mbs)
	return append(out, mbs...), err
}

// syncMailboxes brings d's mailboxes into line with d and returns them.
func (p *Pool) syncMailboxes(ctx context.Context, d *outbound.Resource) ([]outbound.Resource, error) {
	mbs, err := p.listMailboxes(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	return p.align(ctx, d, mbs)
}

func (p *Pool) listMailboxes(ctx context.Context, domain outbound.ResourceID) ([]outbound.Resource, error) {
	mbs, err := p.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindMailbox, Parent: domain})
	if err != nil {
		return nil, fmt.Errorf("pool: list mailboxes of domain %s: %w", domain, err)
	}
	return mbs, nil
}

// align stores each of mbs that is out of line with domain d, brought into
// line, and returns them all.
func (p *Pool) align(ctx context.Context, d *outbound.Resource, mbs []outbound.Resource) ([]outbound.Resource, error) {
	for i := range mbs {
		if !follow(&mbs[i], d) {
			continue
		}
		if err := p.store.UpdateResource(ctx, &mbs[i]); err != nil {
			return mbs[:i], fmt.Errorf("pool: update mailbox %s of domain %s: %w", mbs[i].ID, d.ID, err)
		}
	}
	return mbs, nil
}

// create stores a new resource r and, when it is a domain, its mailboxes. It
// returns what it stored. Call it with p.mu held.
func (p *Pool) create(ctx context.Context, r outbound.Resource) ([]outbound.Resource, error) {
	if err := p.store.CreateResource(ctx, &r); err != nil {
		return nil, fmt.Errorf("pool: create %s: %w", r.Kind, err)
	}
	out := []outbound.Resource{r}
	if r.Kind != outbound.KindDomain {
		return out, nil
	}
	for _, name := range p.mailbox {
		addr := ""
		if r.Address != "" {
			addr = name + "@" + r.Address
		}
		mb := outbound.Resource{
			ID:          p.newID(),
			Kind:        outbound.KindMailbox,
			Parent:      r.ID,
			Provider:    r.Provider,
			ProviderRef: addr,
			Address:     addr,
			CreatedAt:   r.CreatedAt,
		}
		follow(&mb, &r)
		if err := p.store.CreateResource(ctx, &mb); err != nil {
			return out, fmt.Errorf("pool: create mailbox %q of domain %s: %w", addr, r.ID, err)
		}
		out = append(out, mb)
	}
	return out, nil
}

// get reads a resource that is not a mailbox (mailboxes follow their domain).
func (p *Pool) get(ctx context.Context, id outbound.ResourceID) (*outbound.Resource, error) {
	r, err := p.store.GetResource(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("pool: resource %s: %w", id, err)
	}
	if r.Kind == outbound.KindMailbox {
		return nil, &FieldError{Field: "id", Value: id, Reason: "is a mailbox, which follows its domain: pass the domain's ID"}
	}
	return r, nil
}

// send hands each alert to the Alerter. An alerter's failure is logged, not
// returned: the state change the alert reports has happened, and a caller
// retrying it would only raise the alert again.
func (p *Pool) send(ctx context.Context, alerts []Alert) {
	for _, a := range alerts {
		if err := p.alerter.Alert(ctx, a); err != nil {
			p.log.ErrorContext(ctx, "pool: alerter failed", slog.String("alert", string(a.Kind)), slog.String("message", a.Message), slog.Any("error", err))
		}
	}
}
