package pool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/phone"
)

// Registration is one resource the host already owns, added to the pool by
// Register: a domain, a mailbox on a domain, a phone number, a LinkedIn
// account (seat) or a mail sender.
type Registration struct {
	// Kind is domain, mailbox, phone, linkedin_seat or mail_sender.
	Kind outbound.ResourceKind
	// Provider and ProviderRef are who provides it and the provider's ID for
	// it ("infraforge", "dom_8f2…"): both required, and together they name
	// the resource for good (see Register).
	Provider    string
	ProviderRef string
	// Address is the real address: the domain name, the mailbox's full
	// address on its domain, the number in E.164 form, the seat's account,
	// the sender's name. Required.
	Address string
	// PurchasedAt is when the host bought it, where a domain's warmup age
	// counts from; zero means now, a future instant is refused. Ignored
	// for a mailbox, which follows its domain.
	PurchasedAt time.Time
	// Domain is, for a mailbox only, its domain's ProviderRef (with the
	// same Provider): a domain registered in the same call or before.
	Domain string
	// Client, when set, assigns the resource straight to that active
	// client instead of putting it in the pool (see Register). Not for a
	// mailbox, which follows its domain.
	Client outbound.ClientID
}

// Register adds resources the host already owns, with their real
// provider, provider ID, address and purchase date, and returns them as
// stored, each domain followed by its mailboxes, in the order registered
// (a mailbox of a domain registered before comes after the call's own
// domains).
//
// A domain younger than the warmup age starts warming; an older one, and
// every other kind, is available, or assigned to Client when it is set.
// Assigning straight to a client honours the host and does not check the
// plan: what passes the plan is released by the client's next Assign, by
// the downgrade rule. Only a resource that would be available may go
// straight to a client.
//
// Register is idempotent by (Provider, ProviderRef): a resource already
// stored under the pair is returned as stored and changed in nothing (its
// address included; Retire it and register it again under another
// reference to change it), except that a registration interrupted midway
// is completed (its missing mailboxes stored, its state settled). Two
// processes registering the same at once store it once.
//
// Every registration is checked before anything is stored; the problems
// are returned joined, each a *FieldError naming the registration
// ("Registration[2]"), the field and the value: no provider or reference,
// no address, an unknown kind, a phone number not in E.164 form, a domain
// name with an "@", a mailbox without its domain or whose address is not on
// it, a purchase date in the future, a client that is not stored or not
// active, a pair registered twice in one call. What Register makes
// available backfills short clients (see Backfill).
func (p *Pool) Register(ctx context.Context, regs []Registration) ([]outbound.Resource, error) {
	now := p.clock.Now()
	plan, err := p.checkRegistrations(ctx, regs, now)
	if err != nil {
		return nil, err
	}
	var out []outbound.Resource
	available := false
	for _, g := range plan {
		stored, err := p.put(ctx, g.head, g.mbs, g.to, g.client)
		out = append(out, stored...)
		if err != nil {
			return out, err
		}
		available = available || stored[0].State == outbound.StateAvailable
	}
	if available {
		p.logBackfill(ctx)
	}
	return out, nil
}

// regGroup is one put of Register: a resource and, for a domain, the
// mailboxes registered with it.
type regGroup struct {
	head   outbound.Resource
	mbs    []outbound.Resource
	to     outbound.ResourceState
	client outbound.ClientID
}

type providerRef struct{ provider, ref string }

// checkRegistrations checks every registration and plans the puts.
func (p *Pool) checkRegistrations(ctx context.Context, regs []Registration, now time.Time) ([]regGroup, error) {
	var errs []error
	bad := func(i int, field string, value any, reason string) {
		errs = append(errs, fieldErr(fmt.Sprintf("Registration[%d]", i), field, value, reason))
	}
	seen := make(map[providerRef]int, len(regs))
	domains := make(map[providerRef]int) // the call's own domains → their group
	var groups []regGroup
	clients := make(map[outbound.ClientID]error)
	for i, g := range regs {
		if !g.Kind.Valid() {
			bad(i, "Kind", string(g.Kind), "must be domain, mailbox, phone, linkedin_seat or mail_sender")
			continue
		}
		if g.Provider == "" {
			bad(i, "Provider", g.Provider, "is required")
		}
		if g.ProviderRef == "" {
			bad(i, "ProviderRef", g.ProviderRef, "is required")
		}
		key := providerRef{g.Provider, g.ProviderRef}
		if j, dup := seen[key]; dup && g.Provider != "" && g.ProviderRef != "" {
			bad(i, "ProviderRef", g.ProviderRef, fmt.Sprintf("is registered twice in one call (Registration[%d])", j))
		}
		seen[key] = i
		if g.PurchasedAt.After(now) {
			bad(i, "PurchasedAt", g.PurchasedAt, "is in the future")
		}
		switch g.Kind {
		case outbound.KindPhone:
			if !phone.IsE164(g.Address) {
				bad(i, "Address", g.Address, "must be a phone number in E.164 form (+ then 8 to 15 digits)")
			}
		case outbound.KindDomain:
			if g.Address == "" || strings.ContainsAny(g.Address, "@ \t\r\n") || !strings.Contains(g.Address, ".") {
				bad(i, "Address", g.Address, "must be a domain name")
			}
		case outbound.KindMailbox:
			if at := strings.LastIndexByte(g.Address, '@'); at <= 0 || at == len(g.Address)-1 {
				bad(i, "Address", g.Address, "must be an email address")
			}
			if !g.Client.IsZero() {
				bad(i, "Client", g.Client, "a mailbox follows its domain: set Client on the domain")
			}
		default:
			if g.Address == "" {
				bad(i, "Address", g.Address, "is required")
			}
		}
		if !g.Client.IsZero() && g.Kind != outbound.KindMailbox {
			if _, ok := clients[g.Client]; !ok {
				clients[g.Client] = p.activeClient(ctx, g.Client)
			}
			if err := clients[g.Client]; err != nil {
				if !errors.Is(err, outbound.ErrNotFound) && !errors.Is(err, ErrChurned) {
					return nil, err
				}
				bad(i, "Client", g.Client, err.Error())
			}
		}
		if g.Kind == outbound.KindMailbox {
			continue
		}
		at := g.PurchasedAt
		if at.IsZero() {
			at = now
		}
		head := outbound.Resource{
			Kind: g.Kind, Provider: g.Provider, ProviderRef: g.ProviderRef, Address: g.Address,
			CreatedAt: now, PurchasedAt: at,
		}
		grp := regGroup{head: head, to: p.settled(&head, now), client: g.Client}
		if !g.Client.IsZero() {
			if grp.to != outbound.StateAvailable {
				bad(i, "Client", g.Client, fmt.Sprintf("the domain is younger than the warmup age (%d days): register it without a client, and Assign gives it once warm", p.ready))
			}
			grp.to = outbound.StateAssigned
		}
		if g.Kind == outbound.KindDomain {
			domains[key] = len(groups)
		}
		groups = append(groups, grp)
	}

	// Mailboxes, now that the call's domains are known.
	stored := make(map[providerRef]int) // stored domains → their group
	for i, g := range regs {
		if g.Kind != outbound.KindMailbox {
			continue
		}
		if g.Domain == "" {
			bad(i, "Domain", g.Domain, "a mailbox names its domain's ProviderRef")
			continue
		}
		key := providerRef{g.Provider, g.Domain}
		gi, ok := domains[key]
		if !ok {
			gi, ok = stored[key]
		}
		if !ok {
			d, err := p.store.FindResource(ctx, g.Provider, g.Domain)
			switch {
			case errors.Is(err, outbound.ErrNotFound) || (err == nil && d.Kind != outbound.KindDomain):
				bad(i, "Domain", g.Domain, fmt.Sprintf("no domain of provider %q has this reference: register the domain with its mailboxes", g.Provider))
				continue
			case err != nil:
				return nil, fmt.Errorf("pool: register: find domain %q of %q: %w", g.Domain, g.Provider, err)
			}
			gi = len(groups)
			stored[key] = gi
			// A stored domain is found by put and left in its state.
			groups = append(groups, regGroup{head: *d, to: outbound.StateProvisioning})
		}
		grp := &groups[gi]
		if at := strings.LastIndexByte(g.Address, '@'); at > 0 && grp.head.Address != "" && !strings.EqualFold(g.Address[at+1:], grp.head.Address) {
			bad(i, "Address", g.Address, fmt.Sprintf("is not on its domain %q", grp.head.Address))
		}
		grp.mbs = append(grp.mbs, outbound.Resource{Kind: outbound.KindMailbox, Provider: g.Provider, ProviderRef: g.ProviderRef, Address: g.Address})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return groups, nil
}

// activeClient returns nil for a stored, active client, else why not
// (ErrNotFound or ErrChurned, wrapped).
func (p *Pool) activeClient(ctx context.Context, id outbound.ClientID) error {
	c, err := p.store.GetClient(ctx, id)
	if err != nil {
		return fmt.Errorf("client %s: %w", id, err)
	}
	if c.State != outbound.ClientActive {
		return fmt.Errorf("client %s: %w", id, ErrChurned)
	}
	return nil
}
