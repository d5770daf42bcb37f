package pool

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// StockProvider is the Provider of resources added with Stock.
const StockProvider = "stock"

// Stock adds n resources of kind (domain, phone, linkedin_seat, mail_sender)
// to the pool as already owned, without calling the provisioner: a host
// importing what it already has, a simulation starting with aged and new
// domains. They count as purchased at purchasedAt (zero means now), so a
// domain bought 30 days ago is available at once and one bought today warms
// up; every other kind is available at once. A domain gets its mailboxes.
// Stock returns what it stored, each domain followed by its mailboxes (as
// stored: an available resource may then be assigned at once by Backfill to a
// client left short).
//
// Stocked resources get Provider StockProvider, ProviderRef
// "stock-<kind>-<n>" and a deterministic, fictional Address numbered from
// the pool's stocked resources of that kind: domain stock0001.example.com,
// phone +15550000001, seat stock-seat-0001, mail sender stock-sender-0001.
func (p *Pool) Stock(ctx context.Context, kind outbound.ResourceKind, n int, purchasedAt time.Time) ([]outbound.Resource, error) {
	if !isPlanKind(kind) {
		return nil, &FieldError{Field: "kind", Value: string(kind), Reason: "must be domain, phone, linkedin_seat or mail_sender (mailboxes come with their domain)"}
	}
	if n < 0 {
		return nil, &FieldError{Field: "n", Value: n, Reason: "must not be negative"}
	}
	if n == 0 {
		return nil, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
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
		seq++
		r := outbound.Resource{
			ID:          p.newID(),
			Kind:        kind,
			Provider:    StockProvider,
			ProviderRef: fmt.Sprintf("stock-%s-%d", kind, seq),
			Address:     stockAddress(kind, seq),
			CreatedAt:   now,
			PurchasedAt: purchasedAt,
		}
		r.State = p.settled(&r, now)
		stored, err := p.create(ctx, r)
		out = append(out, stored...)
		if err != nil {
			return out, err
		}
	}
	if out[0].State == outbound.StateAvailable {
		p.logBackfill(ctx)
	}
	return out, nil
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
	p.mu.Lock()
	defer p.mu.Unlock()
	r, err := p.get(ctx, id)
	if err != nil {
		return err
	}
	if r.State != outbound.StateProvisioning {
		return nil
	}
	r.State = p.settled(r, p.clock.Now())
	if _, err := p.write(ctx, *r, nil); err != nil {
		return err
	}
	if r.State == outbound.StateAvailable {
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
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	ws, err := p.store.ListResources(ctx, storage.ResourceFilter{State: outbound.StateWarming})
	if err != nil {
		return 0, fmt.Errorf("pool: promote: %w", err)
	}
	n, mailboxes := 0, byParent(ws)
	for _, r := range ws {
		if r.Kind == outbound.KindMailbox || p.settled(&r, now) != outbound.StateAvailable {
			continue
		}
		r.State = outbound.StateAvailable
		if _, err := p.write(ctx, r, mailboxes); err != nil {
			return n, err
		}
		n++
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
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.store.GetClient(ctx, client)
	if err != nil {
		return fmt.Errorf("pool: churn client %s: %w", client, err)
	}
	if c.State != outbound.ClientChurned || c.ChurnedAt.IsZero() {
		c.State, c.ChurnedAt = outbound.ClientChurned, p.clock.Now()
		if err := p.store.UpdateClient(ctx, c); err != nil {
			return fmt.Errorf("pool: churn client %s: %w", client, err)
		}
	}
	until := c.ChurnedAt.Add(p.holdFor)
	owned, err := p.store.ListResources(ctx, storage.ResourceFilter{Client: client, State: outbound.StateAssigned})
	if err != nil {
		return fmt.Errorf("pool: churn client %s: %w", client, err)
	}
	domains, mailboxes := make(map[outbound.ResourceID]bool), byParent(owned)
	for _, r := range owned {
		if r.Kind == outbound.KindMailbox {
			continue
		}
		domains[r.ID] = true
		r.State, r.HeldUntil = outbound.StateHeld, until
		if _, err := p.write(ctx, r, mailboxes); err != nil {
			return err
		}
	}
	// A mailbox still assigned whose domain is held (an interrupted earlier
	// call) is brought into line with its domain.
	for _, r := range owned {
		if r.Kind != outbound.KindMailbox || domains[r.Parent] {
			continue
		}
		domains[r.Parent] = true
		d, err := p.store.GetResource(ctx, r.Parent)
		if err != nil {
			return fmt.Errorf("pool: churn client %s: domain of mailbox %s: %w", client, r.ID, err)
		}
		if _, err := p.syncMailboxes(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// Release ends the holds that have run out: a held resource whose HeldUntil
// is not after now (so a 30-day hold ends exactly 30 days after the churn)
// returns to the pool, available and owned by no one; one that is paused by
// health is retired instead, since the pool could not assign it. Mailboxes
// move with their domain. It returns how many holds it ended (retirements
// included), counting a domain once, and backfills short clients when it
// returned any to the pool (see Backfill).
func (p *Pool) Release(ctx context.Context) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	held, err := p.store.ListResources(ctx, storage.ResourceFilter{State: outbound.StateHeld})
	if err != nil {
		return 0, fmt.Errorf("pool: release: %w", err)
	}
	n, returned, mailboxes := 0, 0, byParent(held)
	for _, r := range held {
		if r.Kind == outbound.KindMailbox || r.HeldUntil.After(now) {
			continue
		}
		if r.Paused {
			r.State = outbound.StateRetired
		} else {
			r.State = outbound.StateAvailable
			returned++
		}
		r.Client, r.HeldUntil = outbound.ClientID{}, time.Time{}
		if _, err := p.write(ctx, r, mailboxes); err != nil {
			return n, err
		}
		n++
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
	p.mu.Lock()
	defer p.mu.Unlock()
	r, err := p.get(ctx, id)
	if err != nil {
		return err
	}
	if r.State == outbound.StateRetired {
		return nil
	}
	was := r.State
	r.State, r.Client, r.HeldUntil = outbound.StateRetired, outbound.ClientID{}, time.Time{}
	if _, err := p.write(ctx, *r, nil); err != nil {
		return err
	}
	if was == outbound.StateAssigned {
		p.logBackfill(ctx)
	}
	return nil
}

// logBackfill runs backfill for a job whose own work is done: a failure to
// top clients up is logged, not returned, so the job's result stands (the
// next job or Backfill call tries again). Call it with p.mu held.
func (p *Pool) logBackfill(ctx context.Context) {
	as, err := p.backfill(ctx)
	if err != nil {
		p.log.ErrorContext(ctx, "pool: backfill failed", slog.Any("error", err))
	}
	for _, a := range as {
		p.log.InfoContext(ctx, "pool: backfilled", slog.String("client", a.Client.String()), slog.Int("resources", len(a.Assigned)))
	}
}
