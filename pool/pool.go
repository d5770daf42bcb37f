package pool

import (
	"bytes"
	"cmp"
	"context"
	"errors"
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
	// Purchase places order o: o.Count resources of o.Kind (domain, phone,
	// linkedin_seat, mail_sender). o.Key is the idempotency key, to hand to
	// the provider as such: the pool places an order again with the same
	// key after a crash or a failure, and the provider must then answer
	// with what it bought the first time, buying nothing more.
	//
	// It returns what the provider created: each resource with Kind,
	// Provider, ProviderRef (unique per provider) and Address filled; for a
	// domain, its mailboxes as the provider made them (Kind mailbox, their
	// own ProviderRef and full Address), each domain followed in the slice
	// by its mailboxes. The pool sets IDs, Parent, Client and CreatedAt;
	// PurchasedAt is the order's CreatedAt unless the provider sets it.
	//
	// A resource normally completes later (DNS set up, an account
	// connected): it is returned with State provisioning (or empty) and the
	// pool keeps it provisioning until the host calls Pool.Provisioned or
	// ProvisionedRef. A resource ready at once (a phone number is live the
	// moment it is bought) is returned with State warming or available; the
	// pool then settles it itself. Any other State is ignored.
	//
	// An error that wraps ErrPurchaseRefused fails the order for good. Any
	// other error leaves it pending: the provider may or may not have
	// bought, and the next CheckBuffer places it again with the same key.
	// No resources and no error mean the provider took the order and will
	// deliver later: the order is placed, and each CheckBuffer asks again
	// with the same key until the resources come back.
	Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error)
}

// ErrPurchaseRefused is what a Provisioner wraps to say an order failed for
// good (out of stock, payment refused): the pool marks it failed instead of
// placing it again.
var ErrPurchaseRefused = errors.New("pool: purchase refused")

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
	// how many the pool orders.
	AlertBufferLow AlertKind = "buffer_low"
	// AlertDomainPaused: a domain (Resource) passed a health threshold, or
	// was paused by Pause, with its mailboxes; Message gives the reason.
	AlertDomainPaused AlertKind = "domain_paused"
	// AlertDomainResumed: a paused domain was resumed by the host.
	AlertDomainResumed AlertKind = "domain_resumed"
	// AlertResourcePaused: a phone number, LinkedIn seat or mail sender
	// (Resource) was paused (Pause, PauseRef); Message gives the reason.
	AlertResourcePaused AlertKind = "resource_paused"
	// AlertResourceResumed: a paused resource that is not a domain was
	// resumed.
	AlertResourceResumed AlertKind = "resource_resumed"
	// AlertReplaced: a client's paused resource (Resource) was replaced by
	// Replacement, taken from the pool, so the client keeps its plan.
	AlertReplaced AlertKind = "resource_replaced"
	// AlertNoReplacement: a client's paused resource (Resource) could not
	// be replaced, the pool having none of its kind to give. The client is
	// short; CheckBuffer buys and Backfill completes it.
	AlertNoReplacement AlertKind = "no_replacement"
	// AlertAssignmentShort: the pool could not give Client its plan's
	// resources of ResourceKind; Count is the shortfall.
	AlertAssignmentShort AlertKind = "assignment_short"
	// AlertPurchaseFailed: the provisioner failed, or bought fewer than
	// ordered; Count is how many are missing.
	AlertPurchaseFailed AlertKind = "purchase_failed"
	// AlertResourceThrottled: a resource's measured health (SetHealth)
	// withholds a larger share of its daily limit than before; Count is
	// the share, in percent, and Message the reason.
	AlertResourceThrottled AlertKind = "resource_throttled"
	// AlertSeatLink: a LinkedIn seat being bought waits for its owner to
	// connect a LinkedIn account (a person logs in, no provider can):
	// Message carries the provider's link to do it through. The pool never
	// raises it; a Provisioner of seats does, through the pool's Alerter,
	// so the link reaches whoever reads the alerts.
	AlertSeatLink AlertKind = "seat_link"
)

// Alert is one thing an operator should know about.
type Alert struct {
	Kind         AlertKind
	ResourceKind outbound.ResourceKind // the kind concerned, when one is
	Resource     outbound.ResourceID   // the resource concerned, when one is
	Replacement  outbound.ResourceID   // the paused resource's replacement (resource_replaced)
	Client       outbound.ClientID     // the client concerned, when one is
	Message      string                // a sentence for a human
	At           time.Time             // when the pool raised it (its clock)
	Count        int                   // how many: the shortfall, the purchase ordered, the purchase missing
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
	if !a.Replacement.IsZero() {
		attrs = append(attrs, slog.String("replacement", a.Replacement.String()))
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

// NumberHealthSource counts what the number health rule needs.
type NumberHealthSource interface {
	// NumberStats counts a phone number's texts and calls, and their
	// carrier blocks, opt-outs and spam labels, in [since, until).
	NumberStats(ctx context.Context, phone outbound.ResourceID, since, until time.Time) (warmup.NumberStats, error)
}

// HealthSource counts what the health rule needs.
type HealthSource interface {
	// DomainStats counts a domain's cold sends, hard bounces and complaints
	// in [since, until).
	DomainStats(ctx context.Context, domain outbound.ResourceID, since, until time.Time) (warmup.Stats, error)
}

// Pool runs the lifecycle of the sending resources. Build one with New. Its
// methods may be called from several goroutines and from several processes
// sharing one store: every change of a resource's owner or state is one
// storage.Move, compared and applied at once by the store, and every other
// change is version-checked and retried on a conflict (see the package
// documentation, Concurrency).
type Pool struct {
	store   Store
	prov    Provisioner
	alerter Alerter
	clock   timing.Clock
	plans   map[string]outbound.Plan
	health  warmup.HealthPolicy
	numbers warmup.NumberPolicy
	ready   int   // the warmup age, in whole days, at which a domain becomes available
	thr     int64 // BufferThreshold in millionths
	holdFor time.Duration
	idMu    sync.Mutex // Config.NewID is never called from two goroutines at once
	newUUID func() [16]byte
	log     *slog.Logger
	mailbox []string
	buyMu   sync.Mutex // one CheckBuffer at a time in a process (across processes, order keys)
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
		numbers: cfg.NumberHealth,
		ready:   readyAge(cfg.Warmup),
		thr:     thresholdPPM(cfg.BufferThreshold),
		holdFor: cfg.HoldFor,
		newUUID: func() [16]byte { return newID() },
		log:     cfg.Logger,
		mailbox: slices.Clone(cfg.MailboxNames),
	}, nil
}

// newID makes a resource ID with Config.NewID.
func (p *Pool) newID() outbound.ResourceID {
	p.idMu.Lock()
	defer p.idMu.Unlock()
	return outbound.ResourceID{UUID: p.newUUID()}
}

// newOrderID makes an order ID with Config.NewID.
func (p *Pool) newOrderID() outbound.OrderID {
	p.idMu.Lock()
	defer p.idMu.Unlock()
	return outbound.OrderID{UUID: p.newUUID()}
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
		return nil, fieldErr("", "client", "", "must be set")
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

// maxTries bounds every read-compare-write loop: a write refused because
// another process wrote first is read again and retried this many times in
// all before the conflict is returned.
const maxTries = 8

// follow brings mailbox mb into line with its domain d: state, owner, hold,
// pause and purchase instant. It reports whether anything changed.
func follow(mb *outbound.Resource, d *outbound.Resource) bool {
	before := *mb
	mb.State, mb.Client, mb.HeldUntil = d.State, d.Client, d.HeldUntil
	mb.Paused, mb.PauseReason, mb.PausedAt, mb.ResumedAt = d.Paused, d.PauseReason, d.PausedAt, d.ResumedAt
	mb.PurchasedAt = d.PurchasedAt
	return *mb != before
}

// change reads resource id, lets f change it and stores it, version-checked:
// when another write came first it reads again and calls f again. f
// returns false to store nothing. A domain's mailboxes are then brought
// into line with it. change returns the resource as stored (or as read, when
// f changed nothing) and whether it stored it.
func (p *Pool) change(ctx context.Context, id outbound.ResourceID, f func(r *outbound.Resource) bool) (outbound.Resource, bool, error) {
	for range maxTries {
		r, err := p.store.GetResource(ctx, id)
		if err != nil {
			return outbound.Resource{}, false, fmt.Errorf("pool: resource %s: %w", id, err)
		}
		if !f(r) {
			return *r, false, nil
		}
		err = p.store.UpdateResource(ctx, r)
		if errors.Is(err, outbound.ErrConflict) {
			continue
		}
		if err != nil {
			return *r, false, fmt.Errorf("pool: update %s %s: %w", r.Kind, id, err)
		}
		if r.Kind == outbound.KindDomain {
			if _, err := p.align(ctx, id); err != nil {
				return *r, true, err
			}
		}
		return *r, true, nil
	}
	return outbound.Resource{}, false, fmt.Errorf("pool: update resource %s: %d writes lost to others: %w", id, maxTries, outbound.ErrConflict)
}

// align brings domain id's mailboxes into line with it and returns them as
// stored. A mailbox write made from a stale read of the domain would put
// the mailbox out of line, so align reads the domain again after its writes
// and starts over if the domain changed meanwhile.
func (p *Pool) align(ctx context.Context, id outbound.ResourceID) ([]outbound.Resource, error) {
outer:
	for range maxTries {
		d, err := p.store.GetResource(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("pool: domain %s: %w", id, err)
		}
		mbs, err := p.listMailboxes(ctx, id)
		if err != nil {
			return nil, err
		}
		wrote := false
		for i := range mbs {
			if !follow(&mbs[i], d) {
				continue
			}
			err := p.store.UpdateResource(ctx, &mbs[i])
			if errors.Is(err, outbound.ErrConflict) {
				continue outer
			}
			if err != nil {
				return nil, fmt.Errorf("pool: update mailbox %s of domain %s: %w", mbs[i].ID, id, err)
			}
			wrote = true
		}
		if !wrote {
			return mbs, nil
		}
		again, err := p.store.GetResource(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("pool: domain %s: %w", id, err)
		}
		if again.Version == d.Version {
			return mbs, nil
		}
	}
	return nil, fmt.Errorf("pool: align the mailboxes of domain %s: %d tries lost to others: %w", id, maxTries, outbound.ErrConflict)
}

// inLine reports whether every mailbox among mbs is in line with domain d.
func inLine(d *outbound.Resource, mbs []outbound.Resource) bool {
	for _, mb := range mbs {
		if follow(&mb, d) {
			return false
		}
	}
	return true
}

func (p *Pool) listMailboxes(ctx context.Context, domain outbound.ResourceID) ([]outbound.Resource, error) {
	mbs, err := p.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindMailbox, Parent: domain})
	if err != nil {
		return nil, fmt.Errorf("pool: list mailboxes of domain %s: %w", domain, err)
	}
	return mbs, nil
}

// move applies m (see storage.Move); it reports whether the store moved the
// resource.
func (p *Pool) move(ctx context.Context, m storage.Move) (bool, error) {
	ok, err := p.store.MoveResource(ctx, m)
	if err != nil {
		return false, fmt.Errorf("pool: move resource %s from %s to %s: %w", m.Resource, m.From, m.To, err)
	}
	return ok, nil
}

// withMailboxes reads resource id and, for a domain, its mailboxes: the
// resource as stored, followed by them.
func (p *Pool) withMailboxes(ctx context.Context, id outbound.ResourceID) ([]outbound.Resource, error) {
	r, err := p.store.GetResource(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("pool: resource %s: %w", id, err)
	}
	out := []outbound.Resource{*r}
	if r.Kind != outbound.KindDomain {
		return out, nil
	}
	mbs, err := p.listMailboxes(ctx, id)
	return append(out, mbs...), err
}

// get reads a resource that is not a mailbox (mailboxes follow their domain).
func (p *Pool) get(ctx context.Context, id outbound.ResourceID) (*outbound.Resource, error) {
	r, err := p.store.GetResource(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("pool: resource %s: %w", id, err)
	}
	if r.Kind == outbound.KindMailbox {
		return nil, fieldErr("", "id", id, "is a mailbox, which follows its domain: pass the domain's ID")
	}
	return r, nil
}

// findOrCreate stores r under a new ID unless the resource its provider
// knows by (r.Provider, r.ProviderRef) is stored already; either way it sets
// *r to the resource as stored and reports whether it created it. Two
// processes storing the same resource at once store it once: the store
// refuses the second pair with ErrConflict and the loser finds the
// winner's.
func (p *Pool) findOrCreate(ctx context.Context, r *outbound.Resource) (bool, error) {
	for range maxTries {
		got, err := p.store.FindResource(ctx, r.Provider, r.ProviderRef)
		if err == nil {
			*r = *got
			return false, nil
		}
		if !errors.Is(err, outbound.ErrNotFound) {
			return false, fmt.Errorf("pool: find %s %q of %q: %w", r.Kind, r.ProviderRef, r.Provider, err)
		}
		if r.ID.IsZero() {
			r.ID = p.newID()
		}
		err = p.store.CreateResource(ctx, r)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, outbound.ErrConflict) {
			return false, fmt.Errorf("pool: create %s %q of %q: %w", r.Kind, r.ProviderRef, r.Provider, err)
		}
		r.ID = outbound.ResourceID{} // taken (the pair, or the ID): look again
	}
	return false, fmt.Errorf("pool: create %s %q of %q: %w", r.Kind, r.ProviderRef, r.Provider, outbound.ErrConflict)
}

// put stores head (a resource that is not a mailbox) and, for a domain, its
// mailboxes mbs, each unless it is stored already (found by provider and
// provider reference), so that storing the same purchase or registration
// again stores nothing twice. The head is created provisioning, then its
// mailboxes (following it), then moved to state to (and client, when to is
// assigned) in one storage.Move: so a domain is never assignable before its
// mailboxes exist, and an interrupted put is completed by the next. A head
// found in another state than provisioning is left as it is. put returns
// the head as stored followed by its mailboxes.
func (p *Pool) put(ctx context.Context, head outbound.Resource, mbs []outbound.Resource, to outbound.ResourceState, client outbound.ClientID) ([]outbound.Resource, error) {
	head.State, head.Client, head.HeldUntil = outbound.StateProvisioning, outbound.ClientID{}, time.Time{}
	if _, err := p.findOrCreate(ctx, &head); err != nil {
		return nil, err
	}
	made := false
	for _, mb := range mbs {
		mb.Kind, mb.Parent, mb.CreatedAt = outbound.KindMailbox, head.ID, head.CreatedAt
		follow(&mb, &head)
		created, err := p.findOrCreate(ctx, &mb)
		if err != nil {
			return nil, err
		}
		if mb.Parent != head.ID {
			return nil, fmt.Errorf("pool: mailbox %q of %q belongs to domain %s, not to %s (%q): %w",
				mb.ProviderRef, mb.Provider, mb.Parent, head.ID, head.ProviderRef, outbound.ErrConflict)
		}
		made = made || created
	}
	if head.State == outbound.StateProvisioning && to != outbound.StateProvisioning {
		m := storage.Move{Resource: head.ID, From: outbound.StateProvisioning, To: to}
		if to == outbound.StateAssigned {
			m.ToClient = client
		}
		if _, err := p.move(ctx, m); err != nil {
			return nil, err
		}
	} else if made && head.Kind == outbound.KindDomain {
		// New mailboxes of a domain that had moved on: line them up.
		if _, err := p.align(ctx, head.ID); err != nil {
			return nil, err
		}
	}
	return p.withMailboxes(ctx, head.ID)
}

// send hands each alert to the Alerter. An alerter's failure is logged, not
// returned: the state change the alert reports has happened, and a caller
// retrying it would only raise the alert again.
func (p *Pool) send(ctx context.Context, alerts ...Alert) {
	for _, a := range alerts {
		if err := p.alerter.Alert(ctx, a); err != nil {
			p.log.ErrorContext(ctx, "pool: alerter failed", slog.String("alert", string(a.Kind)), slog.String("message", a.Message), slog.Any("error", err))
		}
	}
}
