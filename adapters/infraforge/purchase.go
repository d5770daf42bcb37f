package infraforge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
)

// Purchase implements [pool.Provisioner] for domains: o.Count domains, each
// with its [Config.Mailboxes], through steps that each first look at what
// the account already holds, so that placing the order again with the same
// key resumes where an earlier attempt stopped and buys nothing twice:
//
//  1. the candidate names of each domain ([Config.Names] of o.Key) are
//     looked for among the workspace's domains: one found was bought by an
//     earlier attempt and is kept;
//  2. for the others, the candidates are checked (POST
//     /check-domain-availability-bulk) and the first available of each is
//     bought (POST /domains); a domain none of whose candidates is
//     available is given up (the order delivers fewer);
//  3. each domain's DNS is read and the records [Records] lists that it
//     lacks are added (PUT /domains/{id}/dns), keeping InfraForge's own;
//  4. the mailboxes each domain lacks are bought (POST /mailboxes).
//
// It returns each domain (ProviderRef its InfraForge ID, Address its name)
// followed by its mailboxes (ProviderRef their ID, Address their address),
// all in State provisioning: the domain is ready once its DNS verifies,
// which [Client.Ready] reports.
//
// Errors follow the pool's rules: an order that is not for domains, or has
// no key, and InfraForge's refusals (a 4xx other than 401, 403, 408, 409
// and 429: no credits, a domain refused) wrap pool.ErrPurchaseRefused and fail the
// order for good; any other failure (a 5xx, a 429, a timeout) leaves it
// pending, to be placed again with the same key.
func (c *Client) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	refuse := func(field string, v any, reason string) error {
		return fmt.Errorf("%w: %w", pool.ErrPurchaseRefused, invalid.Field("infraforge", "Order", field, v, reason))
	}
	switch {
	case o.Kind != outbound.KindDomain:
		return nil, refuse("Kind", string(o.Kind), "InfraForge sells domains (with their mailboxes) only")
	case strings.TrimSpace(o.Key) == "":
		return nil, refuse("Key", o.Key, "required: the idempotency key names the domains")
	case o.Count <= 0:
		return nil, refuse("Count", o.Count, "must be positive")
	}
	log := c.log.With("order", o.Key)
	owned, err := c.domainsByName(ctx)
	if err != nil {
		return nil, c.wrap(o, "listing the domains", err)
	}
	// 1. What earlier attempts bought.
	slots := make([]Domain, o.Count)
	var wanted []string
	for slot := range o.Count {
		for attempt := range c.cfg.Attempts {
			if d, ok := owned[c.name(o.Key, slot, attempt)]; ok {
				slots[slot] = d
				break
			}
		}
		if slots[slot].ID == "" {
			for attempt := range c.cfg.Attempts {
				wanted = append(wanted, c.name(o.Key, slot, attempt))
			}
		}
	}
	// 2. Availability, then the purchase.
	if len(wanted) > 0 {
		free, err := c.Available(ctx, wanted)
		if err != nil {
			return nil, c.wrap(o, "checking availability", err)
		}
		var buy []string
		for slot := range o.Count {
			if slots[slot].ID != "" {
				continue
			}
			for attempt := range c.cfg.Attempts {
				if n := c.name(o.Key, slot, attempt); free[n] {
					buy = append(buy, n)
					break
				}
			}
		}
		if len(buy) == 0 && !anyOwned(slots) {
			return nil, refuse("Key", o.Key, fmt.Sprintf("none of the %d candidate names of its domains is available", len(wanted)))
		}
		if len(buy) > 0 {
			log.InfoContext(ctx, "infraforge buying domains", "domains", buy)
			if err := c.buyDomains(ctx, buy); err != nil {
				return nil, c.wrap(o, "buying "+strings.Join(buy, ", "), err)
			}
			if owned, err = c.domainsByName(ctx); err != nil {
				return nil, c.wrap(o, "listing the domains bought", err)
			}
			for slot := range o.Count {
				for attempt := range c.cfg.Attempts {
					if d, ok := owned[c.name(o.Key, slot, attempt)]; ok && slots[slot].ID == "" {
						slots[slot] = d
						break
					}
				}
			}
			for _, n := range buy {
				if _, ok := owned[n]; !ok {
					return nil, c.wrap(o, "reading back "+n, errNotListed)
				}
			}
		}
	}
	// 3 and 4. DNS and mailboxes, domain by domain.
	var out []outbound.Resource
	for _, d := range slots {
		if d.ID == "" {
			continue // no candidate was available
		}
		if err := c.setUpDNS(ctx, d); err != nil {
			return nil, c.wrap(o, "setting up the DNS of "+d.Host(), err)
		}
		ms, err := c.ensureMailboxes(ctx, d)
		if err != nil {
			return nil, c.wrap(o, "making the mailboxes of "+d.Host(), err)
		}
		out = append(out, outbound.Resource{Kind: outbound.KindDomain, Provider: c.cfg.Provider,
			ProviderRef: string(d.ID), Address: d.Host(), State: outbound.StateProvisioning})
		for _, m := range ms {
			out = append(out, outbound.Resource{Kind: outbound.KindMailbox, Provider: c.cfg.Provider,
				ProviderRef: string(m.ID), Address: m.Addr(), State: outbound.StateProvisioning})
		}
	}
	log.InfoContext(ctx, "infraforge order complete", "resources", len(out))
	return out, nil
}

func (c *Client) name(key string, slot, attempt int) string {
	return strings.ToLower(strings.TrimSpace(c.cfg.Names(key, slot, attempt)))
}

func anyOwned(slots []Domain) bool {
	for _, d := range slots {
		if d.ID != "" {
			return true
		}
	}
	return false
}

// wrap gives a step's error the pool's meaning: a refusal wraps
// pool.ErrPurchaseRefused, anything else leaves the order pending. A key
// refused (401, 403) is the host's to fix, not the order's fault: the
// order stays pending and resumes once the key is right.
func (c *Client) wrap(o outbound.Order, step string, err error) error {
	var ae *APIError
	if Refused(err) && !(errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden)) {
		return fmt.Errorf("%w: order %s: %s: %w", pool.ErrPurchaseRefused, o.Key, step, err)
	}
	return fmt.Errorf("infraforge: order %s: %s: %w", o.Key, step, err)
}

func (c *Client) domainsByName(ctx context.Context) (map[string]Domain, error) {
	ds, err := c.Domains(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]Domain, len(ds))
	for _, d := range ds {
		if d.ID != "" && d.Host() != "" {
			m[d.Host()] = d
		}
	}
	return m, nil
}

// Records returns the records Purchase makes sure domain has, each only
// when the domain lacks one of its kind (so InfraForge's own are kept):
//
//	MX    @       10 <MX>
//	TXT   @       v=spf1 include:<SPFInclude> ~all
//	TXT   _dmarc  v=DMARC1; p=<DMARCPolicy>[; rua=mailto:<DMARCReport>]
//
// DKIM is InfraForge's to make (it holds the key): Purchase sets none, and
// [Client.Ready] waits for a TXT record under _domainkey.
func (c *Client) Records(domain string) []Record {
	dmarc := "v=DMARC1; p=" + c.cfg.DMARCPolicy
	if c.cfg.DMARCReport != "" {
		dmarc += "; rua=mailto:" + c.cfg.DMARCReport
	}
	return []Record{
		{Name: "@", Type: "MX", Value: "10 " + c.cfg.MX},
		{Name: "@", Type: "TXT", Value: "v=spf1 include:" + c.cfg.SPFInclude + " ~all"},
		{Name: "_dmarc", Type: "TXT", Value: dmarc},
	}
}

// The kinds of mail records a domain needs.
const (
	recMX    = "mx"
	recSPF   = "spf"
	recDMARC = "dmarc"
	recDKIM  = "dkim"
)

// kindOf says which mail record r is, or "".
func kindOf(r Record, domain string) string {
	name := strings.TrimSuffix(strings.ToLower(strings.TrimSuffix(r.Name, ".")), "."+domain)
	if name == domain || name == "" {
		name = "@"
	}
	v := strings.ToLower(strings.Trim(strings.TrimSpace(r.Value), `"`))
	switch t := strings.ToUpper(r.Type); {
	case t == "MX" && name == "@":
		return recMX
	case t == "TXT" && name == "@" && strings.HasPrefix(v, "v=spf1"):
		return recSPF
	case t == "TXT" && name == "_dmarc" && strings.HasPrefix(v, "v=dmarc1"):
		return recDMARC
	case (t == "TXT" || t == "CNAME") && strings.HasSuffix(name, "._domainkey"):
		return recDKIM
	}
	return ""
}

// setUpDNS adds the records of Records that d lacks; it writes nothing
// when d has them all.
func (c *Client) setUpDNS(ctx context.Context, d Domain) error {
	have, err := c.DNS(ctx, string(d.ID))
	if err != nil {
		return err
	}
	kinds := map[string]bool{}
	for _, r := range have {
		kinds[kindOf(r, d.Host())] = true
	}
	recs := have
	for _, r := range c.Records(d.Host()) {
		if k := kindOf(r, d.Host()); !kinds[k] {
			recs = append(recs, r)
			kinds[k] = true
		}
	}
	if len(recs) == len(have) {
		return nil
	}
	return c.SetDNS(ctx, string(d.ID), recs)
}

// ensureMailboxes buys the mailboxes of Config.Mailboxes that d lacks and
// returns them all, in that order.
func (c *Client) ensureMailboxes(ctx context.Context, d Domain) ([]Mailbox, error) {
	find := func() (map[string]Mailbox, error) {
		ms, err := c.Mailboxes(ctx, "@"+d.Host())
		if err != nil {
			return nil, err
		}
		by := make(map[string]Mailbox, len(ms))
		for _, m := range ms {
			if m.ID != "" && strings.HasSuffix(m.Addr(), "@"+d.Host()) {
				by[m.Addr()] = m
			}
		}
		return by, nil
	}
	by, err := find()
	if err != nil {
		return nil, err
	}
	var buy []newMailbox
	for _, local := range c.cfg.Mailboxes {
		if _, ok := by[local+"@"+d.Host()]; !ok {
			buy = append(buy, newMailbox{DomainID: string(d.ID), Domain: d.Host(), Username: local, FirstName: c.cfg.FirstName, LastName: c.cfg.LastName})
		}
	}
	if len(buy) > 0 {
		if err := c.buyMailboxes(ctx, buy); err != nil {
			return nil, err
		}
		if by, err = find(); err != nil {
			return nil, err
		}
	}
	out := make([]Mailbox, 0, len(c.cfg.Mailboxes))
	for _, local := range c.cfg.Mailboxes {
		m, ok := by[local+"@"+d.Host()]
		if !ok {
			return nil, fmt.Errorf("%s@%s: %w", local, d.Host(), errNotListed)
		}
		out = append(out, m)
	}
	return out, nil
}

// Ready reports the workspace's domains whose mail DNS is complete (MX,
// SPF, DKIM and DMARC records present), each as a domain_ready
// provisioning event (ProviderEventID "domain_ready:<id>", so the engine
// records it once) for a host to hand to distribution.Service.Accept, or
// whose ProviderRef to pass to pool.Pool.ProvisionedRef. A domain whose
// DNS cannot be read is skipped and its error joined to the result.
func (c *Client) Ready(ctx context.Context) ([]outbound.Inbound, error) {
	ds, err := c.Domains(ctx)
	if err != nil {
		return nil, fmt.Errorf("infraforge: listing the domains: %w", err)
	}
	var out []outbound.Inbound
	var errs []error
	for _, d := range ds {
		if d.ID == "" || d.Host() == "" {
			continue
		}
		recs, err := c.DNS(ctx, string(d.ID))
		if err != nil {
			errs = append(errs, fmt.Errorf("infraforge: DNS of %s: %w", d.Host(), err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		kinds := map[string]bool{}
		for _, r := range recs {
			kinds[kindOf(r, d.Host())] = true
		}
		if kinds[recMX] && kinds[recSPF] && kinds[recDKIM] && kinds[recDMARC] {
			out = append(out, outbound.Inbound{Provisioning: &outbound.ProvisioningEvent{
				Provider: c.cfg.Provider, ProviderEventID: "domain_ready:" + string(d.ID), Type: outbound.ProvisioningDomainReady,
				Kind: outbound.KindDomain, ProviderRef: string(d.ID), Address: d.Host(), At: c.cfg.Now(),
			}})
		}
	}
	return out, errors.Join(errs...)
}

// DomainRef returns the InfraForge ID (the pool's ProviderRef) of the
// workspace's domain name, or an error wrapping ErrUnknownDomain: what
// adapters/warmforge needs to name a mailbox's domain in its events.
func (c *Client) DomainRef(ctx context.Context, name string) (string, error) {
	owned, err := c.domainsByName(ctx)
	if err != nil {
		return "", err
	}
	d, ok := owned[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownDomain, name)
	}
	return string(d.ID), nil
}

// ErrUnknownDomain is matched by DomainRef's error for a name the
// workspace does not hold.
var ErrUnknownDomain = errors.New("infraforge: no such domain in the workspace")
