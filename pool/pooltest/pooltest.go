// Package pooltest provides fakes for the pool's interfaces, for tests and
// simulations: a Provisioner that "buys" resources with deterministic
// provider references and honours idempotency keys, an Alerter that records every alert, and a
// HealthSource answering from counts a test sets. Each is safe for concurrent
// use and its zero value is ready.
package pooltest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/warmup"
)

// Compile-time checks.
var (
	_ pool.Provisioner  = (*Provisioner)(nil)
	_ pool.Alerter      = (*Alerter)(nil)
	_ pool.HealthSource = (*HealthSource)(nil)
)

// Provisioner is a fake pool.Provisioner that honours idempotency keys: the
// first Purchase of an order's Key buys, and every later Purchase with the
// same Key returns the same resources and buys nothing (as a real provider
// does with an idempotency key), whatever the knobs say by then. Each new
// order numbers its resources per kind from 1, in the order bought, so the
// same sequence of orders yields the same references:
//
//	domain         Provider "infraforge", ProviderRef "infraforge-domain-0001", Address "sim0001.example.net"
//	  its mailboxes                       "infraforge-domain-0001-outreach",     "outreach@sim0001.example.net", and hello@
//	phone          Provider "twilio",     ProviderRef "twilio-phone-0001",      Address "+15551000001"
//	linkedin_seat  Provider "unipile",    ProviderRef "unipile-seat-0001",      Address "unipile-acct-0001"
//	mail_sender    Provider "lob",        ProviderRef "lob-sender-0001",        Address "lob-sender-0001"
//
// Each domain is followed in the answer by its outbound.MailboxesPerDomain
// mailboxes, named by pool.DefaultMailboxNames.
//
// By default a purchase is ready at once (it returns resources with State
// available, which the pool reads as "provisioned": domains start warming,
// other kinds are available). SetPending(true) makes purchases wait in
// provisioning until the test calls pool.Pool.Provisioned.
type Provisioner struct {
	mu      sync.Mutex
	seq     map[outbound.ResourceKind]int
	calls   []Call
	orders  map[string][]outbound.Resource
	err     error
	limit   int
	limited bool
	pending bool
}

// Call is one Purchase call the fake received.
type Call struct {
	Key  string // the order's idempotency key
	Kind outbound.ResourceKind
	N    int // the order's Count
}

// SetPending sets whether new orders wait in provisioning (true) or are
// ready at once (false, the default).
func (p *Provisioner) SetPending(pending bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending = pending
}

// SetErr makes every later purchase fail with err, buying nothing and
// remembering nothing for its key (wrap pool.ErrPurchaseRefused to refuse
// for good); nil restores success.
func (p *Provisioner) SetErr(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

// SetLimit makes every later new order deliver at most n resources (a
// provider out of stock), without an error; a negative n removes the limit.
func (p *Provisioner) SetLimit(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limit, p.limited = n, n >= 0
}

// Purchase implements pool.Provisioner.
func (p *Provisioner) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, Call{Key: o.Key, Kind: o.Kind, N: o.Count})
	if p.err != nil {
		return nil, p.err
	}
	if o.Key == "" {
		return nil, fmt.Errorf("pooltest: order for %d %s without an idempotency key", o.Count, o.Kind)
	}
	if rs, ok := p.orders[o.Key]; ok {
		return slices.Clone(rs), nil
	}
	if o.Count < 0 {
		return nil, fmt.Errorf("pooltest: order for %d %s", o.Count, o.Kind)
	}
	n := o.Count
	if p.limited {
		n = min(n, p.limit)
	}
	state := outbound.StateAvailable
	if p.pending {
		state = outbound.StateProvisioning
	}
	var out []outbound.Resource
	for range n {
		r, err := fake(o.Kind, p.seqOf(o.Kind)+1)
		if err != nil {
			return nil, err
		}
		p.seq[o.Kind]++
		r.State = state
		out = append(out, r)
		if o.Kind == outbound.KindDomain {
			for _, name := range pool.DefaultMailboxNames() {
				out = append(out, outbound.Resource{
					Kind: outbound.KindMailbox, Provider: r.Provider, State: state,
					ProviderRef: r.ProviderRef + "-" + name, Address: name + "@" + r.Address,
				})
			}
		}
	}
	if p.orders == nil {
		p.orders = make(map[string][]outbound.Resource)
	}
	p.orders[o.Key] = out
	return slices.Clone(out), nil
}

func (p *Provisioner) seqOf(k outbound.ResourceKind) int {
	if p.seq == nil {
		p.seq = make(map[outbound.ResourceKind]int)
	}
	return p.seq[k]
}

func fake(k outbound.ResourceKind, i int) (outbound.Resource, error) {
	r := outbound.Resource{Kind: k}
	switch k {
	case outbound.KindDomain:
		r.Provider, r.ProviderRef, r.Address = "infraforge", fmt.Sprintf("infraforge-domain-%04d", i), fmt.Sprintf("sim%04d.example.net", i)
	case outbound.KindPhone:
		r.Provider, r.ProviderRef, r.Address = "twilio", fmt.Sprintf("twilio-phone-%04d", i), fmt.Sprintf("+15551%06d", i)
	case outbound.KindLinkedInSeat:
		r.Provider, r.ProviderRef, r.Address = "unipile", fmt.Sprintf("unipile-seat-%04d", i), fmt.Sprintf("unipile-acct-%04d", i)
	case outbound.KindMailSender:
		r.Provider, r.ProviderRef, r.Address = "lob", fmt.Sprintf("lob-sender-%04d", i), fmt.Sprintf("lob-sender-%04d", i)
	default:
		return r, fmt.Errorf("pooltest: cannot purchase kind %q", k)
	}
	return r, nil
}

// Calls returns every Purchase call so far, in order.
func (p *Provisioner) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// Bought returns how many resources of kind the fake has sold (a domain's
// mailboxes aside): each once, however often its order was placed.
func (p *Provisioner) Bought(kind outbound.ResourceKind) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seq[kind]
}

// Alerter is a fake pool.Alerter that records every alert it receives.
type Alerter struct {
	mu     sync.Mutex
	alerts []pool.Alert
	err    error
}

// Alert implements pool.Alerter: it records a and returns the error set
// with SetErr (the alert is recorded either way).
func (a *Alerter) Alert(ctx context.Context, al pool.Alert) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.alerts = append(a.alerts, al)
	return a.err
}

// SetErr makes every later Alert return err; nil restores success.
func (a *Alerter) SetErr(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.err = err
}

// Alerts returns every alert so far, in order.
func (a *Alerter) Alerts() []pool.Alert {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.alerts)
}

// Of returns the alerts of kind k so far, in order.
func (a *Alerter) Of(k pool.AlertKind) []pool.Alert {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []pool.Alert
	for _, al := range a.alerts {
		if al.Kind == k {
			out = append(out, al)
		}
	}
	return out
}

// Count returns how many alerts of kind k it has recorded.
func (a *Alerter) Count(k pool.AlertKind) int { return len(a.Of(k)) }

// Reset forgets every recorded alert.
func (a *Alerter) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.alerts = nil
}

// HealthSource is a fake pool.HealthSource: it answers each domain with the
// counts set for it (zero counts for a domain never set) and records every
// query.
type HealthSource struct {
	mu      sync.Mutex
	stats   map[outbound.ResourceID]warmup.Stats
	errs    map[outbound.ResourceID]error
	queries []HealthQuery
}

// HealthQuery is one DomainStats call the fake received.
type HealthQuery struct {
	Domain       outbound.ResourceID
	Since, Until time.Time
}

// Set makes DomainStats answer s for domain.
func (h *HealthSource) Set(domain outbound.ResourceID, s warmup.Stats) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stats == nil {
		h.stats = make(map[outbound.ResourceID]warmup.Stats)
	}
	h.stats[domain] = s
}

// Fail makes DomainStats fail with err for domain; nil clears it.
func (h *HealthSource) Fail(domain outbound.ResourceID, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.errs == nil {
		h.errs = make(map[outbound.ResourceID]error)
	}
	h.errs[domain] = err
}

// DomainStats implements pool.HealthSource.
func (h *HealthSource) DomainStats(ctx context.Context, domain outbound.ResourceID, since, until time.Time) (warmup.Stats, error) {
	if err := ctx.Err(); err != nil {
		return warmup.Stats{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.queries = append(h.queries, HealthQuery{Domain: domain, Since: since, Until: until})
	if err := h.errs[domain]; err != nil {
		return warmup.Stats{}, err
	}
	return h.stats[domain], nil
}

// Queries returns every DomainStats call so far, in order.
func (h *HealthSource) Queries() []HealthQuery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.queries)
}
