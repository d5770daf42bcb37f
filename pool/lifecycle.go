package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// StockProvider is the Provider of resources added with Stock.
const StockProvider = "stock"

// Stock adds n resources of kind (domain, phone, linkedin_seat, mail_sender)
// to the pool as already owned, without calling the provisioner: the fake
// and simulated path (a host adding what it really owns uses Register). They
// count as purchased at purchasedAt (zero means now), so a domain bought 30
// days ago is available at once and one bought today warms up; every other
// kind is available at once. A domain gets its mailboxes, named by
// Config.MailboxNames. Stock returns what it stored, each domain followed by
// its mailboxes (as stored: an available resource may then be assigned at
// once by Backfill to a client left short).
//
// Stocked resources get Provider StockProvider, ProviderRef
// "stock-<kind>-<n>" and a deterministic, fictional Address numbered from
// the pool's stocked resources of that kind: domain stock0001.example.com,
// phone +15550000001, seat stock-seat-0001, mail sender stock-sender-0001.
// A mailbox's ProviderRef is its address.
func (p *Pool) Stock(ctx context.Context, kind outbound.ResourceKind, n int, purchasedAt time.Time) ([]outbound.Resource, error) {
	if !isPlanKind(kind) {
		return nil, fieldErr("", "kind", string(kind), "must be domain, phone, linkedin_seat or mail_sender (mailboxes come with their domain)")
	}
	if n < 0 {
		return nil, fieldErr("", "n", n, "must not be negative")
	}
	if n == 0 {
		return nil, nil
	}
	now := p.clock.Now()
	if purchasedAt.IsZero() {
		purchasedAt = now
	}
	existing, err := p.store.ListResources(ctx, storage.ResourceFilter{Kind: kind})
	if err != nil {
		return nil, fmt.Errorf("pool: stock %s: %w", kind, err)
	}
	seq := 0
	for i := range existing {
		if existing[i].Provider == StockProvider {
			seq++
		}
	}
	var out []outbound.Resource
	for range n {
		// Another process stocking at once may take the next number: the
		// store refuses the pair, and the next number is tried.
		var stored []outbound.Resource
		for {
			seq++
			r := outbound.Resource{
				Kind:        kind,
				Provider:    StockProvider,
				ProviderRef: fmt.Sprintf("stock-%s-%d", kind, seq),
				Address:     stockAddress(kind, seq),
				CreatedAt:   now,
				PurchasedAt: purchasedAt,
			}
			if _, err := p.store.FindResource(ctx, StockProvider, r.ProviderRef); err == nil {
				continue
			} else if !errors.Is(err, outbound.ErrNotFound) {
				return out, fmt.Errorf("pool: stock %s: %w", kind, err)
			}
			var mbs []outbound.Resource
			if kind == outbound.KindDomain {
				for _, name := range p.mailbox {
					addr := name + "@" + r.Address
					mbs = append(mbs, outbound.Resource{Kind: outbound.KindMailbox, Provider: StockProvider, ProviderRef: addr, Address: addr})
				}
			}
			stored, err = p.put(ctx, r, mbs, p.settled(&r, now), outbound.ClientID{})
			if err != nil {
				return out, err
			}
			if sameInstant(stored[0].PurchasedAt, purchasedAt) && sameInstant(stored[0].CreatedAt, now) {
				break
			}
			stored = nil // found one stocked by another process meanwhile
		}
		out = append(out, stored...)
	}
	if out[0].State == outbound.StateAvailable {
		p.logBackfill(ctx)
	}
	return out, nil
}

// sameInstant reports whether a store kept t as u: a database store keeps
// instants to the microsecond only.
func sameInstant(t, u time.Time) bool {
	d := t.Sub(u)
	return d > -time.Microsecond && d < time.Microsecond
}

func stockAddress(k outbound.ResourceKind, seq int) string {
	switch k {
	case outbound.KindDomain:
		return fmt.Sprintf("stock%04d.example.com", seq)
	case outbound.KindPhone:
		return fmt.Sprintf("+15550%06d", seq)
	case outbound.KindLinkedInSeat:
		return fmt.Sprintf("stock-seat-%04d", seq)
	default:
		return fmt.Sprintf("stock-sender-%04d", seq)
	}
}

// Provisioned marks a purchase complete: provisioning → warming for a domain
// (and its mailboxes) younger than the warmup age, → available for one
// already that old and for every other kind. It is idempotent: a resource no
// longer provisioning is left as it is (a provider's webhook may come
// twice). A resource made available backfills short clients (see Backfill).
// Errors: ErrNotFound (wrapped), a *FieldError for a mailbox's ID.
func (p *Pool) Provisioned(ctx context.Context, id outbound.ResourceID) error {
	r, err := p.get(ctx, id)
	if err != nil {
		return err
	}
	if r.State != outbound.StateProvisioning {
		return nil
	}
	to := p.settled(r, p.clock.Now())
	moved, err := p.move(ctx, storage.Move{Resource: id, From: outbound.StateProvisioning, To: to})
	if err != nil {
		return err
	}
	if moved && to == outbound.StateAvailable {
		p.logBackfill(ctx)
	}
	return nil
}

// Promote moves every warming resource old enough to send to available: a
// domain (with its mailboxes) once its age in whole days since purchase
// reaches the warmup age (Pool.WarmupDays, 14 by default), any other kind
// at once. Provisioning resources stay until Provisioned. It returns how
// many it promoted, counting a domain once (its mailboxes move with it), and
// backfills short clients when it promoted any (see Backfill).
func (p *Pool) Promote(ctx context.Context) (int, error) {
	now := p.clock.Now()
	ws, err := p.store.ListResources(ctx, storage.ResourceFilter{State: outbound.StateWarming})
	if err != nil {
		return 0, fmt.Errorf("pool: promote: %w", err)
	}
	n := 0
	for _, r := range ws {
		if r.Kind == outbound.KindMailbox || p.settled(&r, now) != outbound.StateAvailable {
			continue
		}
		moved, err := p.move(ctx, storage.Move{Resource: r.ID, From: outbound.StateWarming, To: outbound.StateAvailable})
		if err != nil {
			return n, err
		}
		if moved {
			n++
		}
	}
	if n > 0 {
		p.log.InfoContext(ctx, "pool: promoted", slog.Int("resources", n))
		p.logBackfill(ctx)
	}
	return n, nil
}

// Churn marks the client churned (Client.State churned, ChurnedAt now) and
// holds its assigned resources for it until ChurnedAt + HoldFor (30 days by
// default): they stay the client's, send nothing (Resource.Usable is false)
// and are not assignable. It is idempotent: churning a churned client keeps
// its ChurnedAt and holds, with the same deadline, anything still assigned.
// Errors: ErrNotFound (wrapped).
func (p *Pool) Churn(ctx context.Context, client outbound.ClientID) error {
	var c *outbound.Client
	for try := 0; ; try++ {
		var err error
		if c, err = p.store.GetClient(ctx, client); err != nil {
			return fmt.Errorf("pool: churn client %s: %w", client, err)
		}
		if c.State == outbound.ClientChurned && !c.ChurnedAt.IsZero() {
			break
		}
		c.State, c.ChurnedAt = outbound.ClientChurned, p.clock.Now()
		err = p.store.UpdateClient(ctx, c)
		if err == nil {
			break
		}
		if !errors.Is(err, outbound.ErrConflict) || try == maxTries-1 {
			return fmt.Errorf("pool: churn client %s: %w", client, err)
		}
	}
	return p.holdAssigned(ctx, c)
}

// holdAssigned holds every resource churned client c has assigned, until
// ChurnedAt + HoldFor.
func (p *Pool) holdAssigned(ctx context.Context, c *outbound.Client) error {
	until := c.ChurnedAt.Add(p.holdFor)
	owned, err := p.store.ListResources(ctx, storage.ResourceFilter{Client: c.ID, State: outbound.StateAssigned})
	if err != nil {
		return fmt.Errorf("pool: churn client %s: %w", c.ID, err)
	}
	for _, r := range owned {
		if r.Kind == outbound.KindMailbox {
			continue
		}
		// A move lost means another process moved it first (a concurrent
		// churn holding it, a retire): nothing left to do for it.
		if _, err := p.move(ctx, storage.Move{
			Resource: r.ID, From: outbound.StateAssigned, FromClient: c.ID,
			To: outbound.StateHeld, ToClient: c.ID, HeldUntil: until,
		}); err != nil {
			return err
		}
	}
	return nil
}

// Release ends the holds that have run out: a held resource whose HeldUntil
// is not after now (so a 30-day hold ends exactly 30 days after the churn or
// the downgrade) returns to the pool, available and owned by no one; one
// that is paused is retired instead, since the pool could not assign it.
// Mailboxes move with their domain. It returns how many holds it ended
// (retirements included), counting a domain once, and backfills short
// clients when it returned any to the pool (see Backfill).
func (p *Pool) Release(ctx context.Context) (int, error) {
	now := p.clock.Now()
	held, err := p.store.ListResources(ctx, storage.ResourceFilter{State: outbound.StateHeld})
	if err != nil {
		return 0, fmt.Errorf("pool: release: %w", err)
	}
	n, returned := 0, 0
	for _, r := range held {
		if r.Kind == outbound.KindMailbox || r.HeldUntil.After(now) {
			continue
		}
		to := outbound.StateAvailable
		if r.Paused {
			to = outbound.StateRetired
		}
		moved, err := p.move(ctx, storage.Move{Resource: r.ID, From: outbound.StateHeld, FromClient: r.Client, To: to})
		if err != nil {
			return n, err
		}
		if !moved {
			continue // taken back by its client, or released by another process
		}
		n++
		if to == outbound.StateAvailable {
			returned++
		}
	}
	if n > 0 {
		p.log.InfoContext(ctx, "pool: released", slog.Int("resources", n), slog.Int("returned", returned))
	}
	if returned > 0 {
		p.logBackfill(ctx)
	}
	return n, nil
}

// Retire takes a resource (a domain with its mailboxes) out of service for
// good, from any state: it is owned by no one and never assigned again. A
// client it is taken from is topped up at once from the pool's available
// resources (see Backfill). Retiring a retired resource does nothing.
// Errors: ErrNotFound (wrapped), a *FieldError for a mailbox's ID.
func (p *Pool) Retire(ctx context.Context, id outbound.ResourceID) error {
	for range maxTries {
		r, err := p.get(ctx, id)
		if err != nil {
			return err
		}
		if r.State == outbound.StateRetired {
			return nil
		}
		moved, err := p.move(ctx, storage.Move{Resource: id, From: r.State, FromClient: r.Client, To: outbound.StateRetired})
		if err != nil {
			return err
		}
		if !moved {
			continue // it moved meanwhile: read it again
		}
		if r.State == outbound.StateAssigned {
			p.logBackfill(ctx)
		}
		return nil
	}
	return fmt.Errorf("pool: retire resource %s: %d moves lost to others: %w", id, maxTries, outbound.ErrConflict)
}
