package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Assignment is what one convergence of a client to its plan did.
type Assignment struct {
	// Client is the client assigned to.
	Client outbound.ClientID
	// Assigned are the resources this call gave the client (taken from the
	// pool, or back from its own hold), each domain followed by its
	// mailboxes. Empty when the client already had its plan.
	Assigned []outbound.Resource
	// Short says, per kind, how many the plan wants that the pool could not
	// give. Nil when nothing is short.
	Short map[outbound.ResourceKind]int
}

// Count returns how many resources of kind k the assignment gave.
func (a Assignment) Count(k outbound.ResourceKind) int {
	n := 0
	for i := range a.Assigned {
		if a.Assigned[i].Kind == k {
			n++
		}
	}
	return n
}

// Assign brings the client's assigned resources up to its plan (the Plan
// named by Client.Plan): domains with their mailboxes, phone numbers,
// LinkedIn seats and the mail sender.
//
// It converges, so it is idempotent: calling it again for the same payment
// assigns nothing, and after an upgrade (Client.Plan changed to a bigger
// plan) it assigns the difference. It never takes resources away: a client
// holding more than its plan (a downgrade) keeps them until the host retires
// or reassigns them. Resources the client itself has on hold (it churned and
// was reactivated within the hold) are taken back first; then the pool's
// available, unpaused resources are assigned, oldest purchase first (ties by
// ID). A paused resource the client owns still counts toward its plan.
//
// When the pool is short it assigns what it can, raises one
// assignment_short alert per kind and reports the shortfall in
// Assignment.Short; CheckBuffer then buys, and Backfill (run by every
// method that makes a resource available) completes the client as resources
// become available.
//
// Errors: the client's ErrNotFound (wrapped), ErrChurned for a churned
// client, a *FieldError when the client's plan is not one of Config.Plans.
func (p *Pool) Assign(ctx context.Context, client outbound.ClientID) (Assignment, error) {
	p.mu.Lock()
	a, err := p.assignClient(ctx, client)
	p.mu.Unlock()
	if err != nil {
		return a, err
	}
	now := p.clock.Now()
	var alerts []Alert
	for _, k := range planKinds() {
		if n := a.Short[k]; n > 0 {
			alerts = append(alerts, Alert{
				Kind: AlertAssignmentShort, ResourceKind: k, Client: client, At: now, Count: n,
				Message: fmt.Sprintf("pool: client %s is short of %d %s(s) for its plan", client, n, k),
			})
		}
	}
	p.send(ctx, alerts)
	return a, nil
}

// assignClient reads the client and converges it. Call it with p.mu held.
func (p *Pool) assignClient(ctx context.Context, id outbound.ClientID) (Assignment, error) {
	c, err := p.store.GetClient(ctx, id)
	if err != nil {
		return Assignment{Client: id}, fmt.Errorf("pool: assign to client %s: %w", id, err)
	}
	if c.State == outbound.ClientChurned {
		return Assignment{Client: id}, fmt.Errorf("pool: assign to client %s: %w", id, ErrChurned)
	}
	return p.assign(ctx, c)
}

// assign converges client c to its plan. Call it with p.mu held.
func (p *Pool) assign(ctx context.Context, c *outbound.Client) (Assignment, error) {
	a := Assignment{Client: c.ID}
	plan, ok := p.plans[c.Plan]
	if !ok {
		return a, &FieldError{Field: "Client.Plan", Value: c.Plan, Reason: "is not one of the pool's plans"}
	}
	owned, err := p.store.ListResources(ctx, storage.ResourceFilter{Client: c.ID})
	if err != nil {
		return a, fmt.Errorf("pool: list resources of client %s: %w", c.ID, err)
	}
	have := make(map[outbound.ResourceKind]int, 4)
	var held []outbound.Resource
	mailboxes := byParent(owned)
	for i := range owned {
		r := &owned[i]
		switch {
		case r.Kind == outbound.KindMailbox:
		case r.State == outbound.StateAssigned:
			have[r.Kind]++
			// Repair what an earlier, interrupted write may have left:
			// mailboxes out of line with their domain.
			if r.Kind == outbound.KindDomain && !p.inLine(r, mailboxes[r.ID]) {
				if _, err := p.syncMailboxes(ctx, r); err != nil {
					return a, err
				}
			}
		case r.State == outbound.StateHeld:
			held = append(held, *r)
		}
	}

	oldestFirst(held)
	for _, r := range held {
		if have[r.Kind] >= wants(plan, r.Kind) {
			continue
		}
		r.State, r.HeldUntil = outbound.StateAssigned, time.Time{}
		stored, err := p.write(ctx, r, mailboxes)
		a.Assigned = append(a.Assigned, stored...)
		if err != nil {
			return a, err
		}
		have[r.Kind]++
	}

	var cands map[outbound.ResourceKind][]outbound.Resource
	for _, k := range planKinds() {
		need := wants(plan, k) - have[k]
		if need <= 0 {
			continue
		}
		if cands == nil {
			if cands, mailboxes, err = p.candidates(ctx); err != nil {
				return a, err
			}
		}
		take := min(need, len(cands[k]))
		for _, r := range cands[k][:take] {
			r.State, r.Client = outbound.StateAssigned, c.ID
			stored, err := p.write(ctx, r, mailboxes)
			a.Assigned = append(a.Assigned, stored...)
			if err != nil {
				return a, err
			}
		}
		if short := need - take; short > 0 {
			if a.Short == nil {
				a.Short = make(map[outbound.ResourceKind]int)
			}
			a.Short[k] = short
		}
	}
	if len(a.Assigned) > 0 {
		p.log.InfoContext(ctx, "pool: assigned", slog.String("client", c.ID.String()), slog.Int("resources", len(a.Assigned)))
	}
	return a, nil
}

// candidates lists, per kind, the resources that may be assigned
// (available, unpaused and owned by no one, oldest purchase first, ties by
// ID), and the available mailboxes by domain.
func (p *Pool) candidates(ctx context.Context) (map[outbound.ResourceKind][]outbound.Resource, map[outbound.ResourceID][]outbound.Resource, error) {
	rs, err := p.store.ListResources(ctx, storage.ResourceFilter{State: outbound.StateAvailable})
	if err != nil {
		return nil, nil, fmt.Errorf("pool: list available resources: %w", err)
	}
	byKind := make(map[outbound.ResourceKind][]outbound.Resource, 4)
	for _, r := range rs {
		if r.Kind != outbound.KindMailbox && !r.Paused && r.Client.IsZero() {
			byKind[r.Kind] = append(byKind[r.Kind], r)
		}
	}
	for _, c := range byKind {
		oldestFirst(c)
	}
	return byKind, byParent(rs), nil
}

// inLine reports whether domain d has all its mailboxes among mbs, each in
// line with it.
func (p *Pool) inLine(d *outbound.Resource, mbs []outbound.Resource) bool {
	if len(mbs) < len(p.mailbox) {
		return false
	}
	for _, mb := range mbs {
		if follow(&mb, d) {
			return false
		}
	}
	return true
}

// byParent groups the mailboxes among rs by their domain.
func byParent(rs []outbound.Resource) map[outbound.ResourceID][]outbound.Resource {
	m := make(map[outbound.ResourceID][]outbound.Resource)
	for _, r := range rs {
		if r.Kind == outbound.KindMailbox {
			m[r.Parent] = append(m[r.Parent], r)
		}
	}
	return m
}

// Backfill tops up every active client whose assigned resources fall short
// of its plan, from the pool's available resources: oldest signup first
// (ties by client ID), each converged as Assign does. It raises no
// assignment_short alert (Assign raised one when the shortfall arose) and
// skips, with a log line, a client whose plan the pool does not know. It
// returns the assignments that assigned something, in the order made.
//
// Stock, Provisioned, Promote, Release, Resume and CheckBuffer call it
// themselves whenever they make a resource available, so a client left short
// at signup is completed as soon as the pool can.
func (p *Pool) Backfill(ctx context.Context) ([]Assignment, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.backfill(ctx)
}

// backfill is Backfill with p.mu held.
func (p *Pool) backfill(ctx context.Context) ([]Assignment, error) {
	all, err := p.store.ListResources(ctx, storage.ResourceFilter{})
	if err != nil {
		return nil, fmt.Errorf("pool: backfill: list resources: %w", err)
	}
	free := make(map[outbound.ResourceKind]int, 4)
	have := make(map[outbound.ClientID]map[outbound.ResourceKind]int)
	held := make(map[outbound.ResourceID]bool)
	for _, r := range all {
		switch {
		case r.Kind == outbound.KindMailbox:
		case r.State == outbound.StateHeld:
			held[r.ID] = true
		case r.State == outbound.StateAvailable && !r.Paused && r.Client.IsZero():
			free[r.Kind]++
		case r.State == outbound.StateAssigned:
			if have[r.Client] == nil {
				have[r.Client] = make(map[outbound.ResourceKind]int, 4)
			}
			have[r.Client][r.Kind]++
		}
	}
	if free[outbound.KindDomain]+free[outbound.KindPhone]+free[outbound.KindLinkedInSeat]+free[outbound.KindMailSender] == 0 {
		return nil, nil
	}
	clients, err := p.store.ListClients(ctx)
	if err != nil {
		return nil, fmt.Errorf("pool: backfill: list clients: %w", err)
	}
	slices.SortStableFunc(clients, func(a, b outbound.Client) int { return a.SignupAt.Compare(b.SignupAt) })
	var out []Assignment
	var errs []error
	for i := range clients {
		c := &clients[i]
		if c.State != outbound.ClientActive {
			continue
		}
		plan, ok := p.plans[c.Plan]
		if !ok {
			p.log.WarnContext(ctx, "pool: backfill skips a client with an unknown plan", slog.String("client", c.ID.String()), slog.String("plan", c.Plan))
			continue
		}
		fillable := false
		for _, k := range planKinds() {
			if wants(plan, k) > have[c.ID][k] && free[k] > 0 {
				fillable = true
			}
		}
		if !fillable {
			continue
		}
		a, err := p.assign(ctx, c)
		if err != nil {
			errs = append(errs, err)
		}
		for _, r := range a.Assigned {
			if !held[r.ID] {
				free[r.Kind]--
			}
		}
		if len(a.Assigned) > 0 {
			out = append(out, a)
		}
	}
	return out, errors.Join(errs...)
}
