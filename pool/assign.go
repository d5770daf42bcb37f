package pool

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Assignment is what one convergence of a client to its plan did.
type Assignment struct {
	// Client is the client converged.
	Client outbound.ClientID
	// Assigned are the resources this call gave the client (taken from the
	// pool, or back from its own hold), each domain followed by its
	// mailboxes. Empty when the client already had its plan.
	Assigned []outbound.Resource
	// Released are the resources this call took from a client holding more
	// than its plan (a downgrade, a resumed resource whose replacement
	// stayed): held for it until the hold ends, each domain followed by its
	// mailboxes.
	Released []outbound.Resource
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

// Assign converges the client's resources to its plan (the Plan named by
// Client.Plan): domains with their mailboxes, phone numbers, LinkedIn seats
// and the mail sender. A resource counts toward the plan while it is
// assigned to the client and not paused: a paused one sends nothing, and
// the client gets a replacement for it.
//
// It converges, so it is idempotent: calling it again for the same payment
// changes nothing, after an upgrade (Client.Plan changed to a bigger plan)
// it assigns the difference, and after a downgrade it releases the surplus.
//
// Assigning: resources the client itself has on hold (it churned or
// downgraded, and was reactivated or upgraded within the hold) are taken
// back first, oldest purchase first; then the pool's available, unpaused
// resources are assigned, oldest purchase first (ties by ID).
//
// Releasing (the downgrade rule): of a kind the client holds more of than
// its plan wants, the newest purchases go first (latest PurchasedAt, ties by
// the greater ID), so the client keeps its best-warmed resources. They are
// held for the client for Config.HoldFor (30 days), as on churn: an upgrade
// within the hold takes them back, and Release returns them to the pool when
// the hold ends. Paused resources are never released this way (they count
// for nothing); they stay the client's until resumed or retired.
//
// Two Assigns of one client at once, in one process or two, never pass its
// plan and never give one resource to two clients: each assignment is one
// storage.Move that the store applies only if the resource is still where
// it was seen and the client still holds fewer than its plan of the kind.
// A move lost to another process is read again and the client converged
// again.
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
	c, err := p.store.GetClient(ctx, client)
	if err != nil {
		return Assignment{Client: client}, fmt.Errorf("pool: assign to client %s: %w", client, err)
	}
	if c.State == outbound.ClientChurned {
		return Assignment{Client: client}, fmt.Errorf("pool: assign to client %s: %w", client, ErrChurned)
	}
	a, err := p.converge(ctx, c)
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
	p.send(ctx, alerts...)
	return a, nil
}

// converge brings client c to its plan, pass after pass while a pass lost a
// move to another process (at most maxTries passes).
func (p *Pool) converge(ctx context.Context, c *outbound.Client) (Assignment, error) {
	a := Assignment{Client: c.ID}
	plan, ok := p.plans[c.Plan]
	if !ok {
		return a, fieldErr("Client", "Plan", c.Plan, "is not one of the pool's plans")
	}
	for range maxTries {
		a.Short = nil
		raced, err := p.convergeOnce(ctx, c.ID, plan, &a)
		if err != nil || !raced {
			if len(a.Assigned)+len(a.Released) > 0 {
				p.log.InfoContext(ctx, "pool: converged", slog.String("client", c.ID.String()),
					slog.Int("assigned", len(a.Assigned)), slog.Int("released", len(a.Released)))
			}
			if err == nil && len(a.Assigned) > 0 {
				err = p.unlessChurned(ctx, c.ID)
			}
			if errors.Is(err, ErrChurned) {
				p.log.InfoContext(ctx, "pool: client churned while assigned to: held what it got", slog.String("client", c.ID.String()))
			}
			return a, err
		}
	}
	return a, fmt.Errorf("pool: converge client %s: %d passes lost to others: %w", c.ID, maxTries, outbound.ErrConflict)
}

// unlessChurned holds what the client has assigned, and returns ErrChurned,
// if it churned while it was being converged: Churn marks the client churned before it lists what
// to hold, so either Churn's listing saw every assignment made before this
// read, or this read sees the churn and holds them itself.
func (p *Pool) unlessChurned(ctx context.Context, id outbound.ClientID) error {
	c, err := p.store.GetClient(ctx, id)
	if err != nil {
		return fmt.Errorf("pool: client %s: %w", id, err)
	}
	if c.State != outbound.ClientChurned || c.ChurnedAt.IsZero() {
		return nil
	}
	if err := p.holdAssigned(ctx, c); err != nil {
		return err
	}
	return fmt.Errorf("pool: assign to client %s: %w", id, ErrChurned)
}

// holding is what a client holds, as one listing saw it.
type holding struct {
	counted map[outbound.ResourceKind][]outbound.Resource // assigned, not paused: what counts toward the plan
	held    []outbound.Resource                           // held for it (not mailboxes)
	domains []outbound.Resource                           // assigned or held domains
	mbs     map[outbound.ResourceID][]outbound.Resource   // its mailboxes by domain
}

func (p *Pool) holdingOf(ctx context.Context, client outbound.ClientID) (holding, error) {
	owned, err := p.store.ListResources(ctx, storage.ResourceFilter{Client: client})
	if err != nil {
		return holding{}, fmt.Errorf("pool: list resources of client %s: %w", client, err)
	}
	h := holding{counted: make(map[outbound.ResourceKind][]outbound.Resource, 4), mbs: byParent(owned)}
	for _, r := range owned {
		switch {
		case r.Kind == outbound.KindMailbox:
		case r.State == outbound.StateAssigned:
			if !r.Paused {
				h.counted[r.Kind] = append(h.counted[r.Kind], r)
			}
			if r.Kind == outbound.KindDomain {
				h.domains = append(h.domains, r)
			}
		case r.State == outbound.StateHeld:
			h.held = append(h.held, r)
			if r.Kind == outbound.KindDomain {
				h.domains = append(h.domains, r)
			}
		}
	}
	return h, nil
}

// convergeOnce makes one pass of convergence, adding what it did to a. It
// reports raced when a move was lost to another process, so that the
// picture it worked from is stale and another pass is needed.
func (p *Pool) convergeOnce(ctx context.Context, client outbound.ClientID, plan outbound.Plan, a *Assignment) (raced bool, err error) {
	h, err := p.holdingOf(ctx, client)
	if err != nil {
		return false, err
	}
	// Repair what an interrupted pause or resume may have left: mailboxes
	// out of line with their domain.
	for i := range h.domains {
		if !inLine(&h.domains[i], h.mbs[h.domains[i].ID]) {
			if _, err := p.align(ctx, h.domains[i].ID); err != nil {
				return false, err
			}
		}
	}

	// Release the surplus, newest purchase first.
	until := p.clock.Now().Add(p.holdFor)
	for _, k := range planKinds() {
		rs := h.counted[k]
		surplus := len(rs) - wants(plan, k)
		if surplus <= 0 {
			continue
		}
		slices.SortFunc(rs, func(a, b outbound.Resource) int {
			return cmp.Or(b.PurchasedAt.Compare(a.PurchasedAt), cmpID(b.ID, a.ID))
		})
		for _, r := range rs[:surplus] {
			moved, err := p.move(ctx, storage.Move{
				Resource: r.ID, From: outbound.StateAssigned, FromClient: client,
				To: outbound.StateHeld, ToClient: client, HeldUntil: until,
			})
			if err != nil {
				return false, err
			}
			if !moved {
				raced = true
				continue
			}
			stored, err := p.withMailboxes(ctx, r.ID)
			a.Released = append(a.Released, stored...)
			if err != nil {
				return false, err
			}
		}
		h.counted[k] = rs[surplus:]
	}

	have := make(map[outbound.ResourceKind]int, 4)
	for k, rs := range h.counted {
		have[k] = len(rs)
	}

	// Take back the client's own held resources. A paused one counts for
	// nothing and comes back with the rest; an unpaused one only while the
	// plan wants more.
	oldestFirst(h.held)
	for _, r := range h.held {
		want := wants(plan, r.Kind)
		m := storage.Move{Resource: r.ID, From: outbound.StateHeld, FromClient: client, To: outbound.StateAssigned, ToClient: client}
		if !r.Paused {
			if have[r.Kind] >= want {
				continue
			}
			m.Limit = want
		}
		moved, err := p.move(ctx, m)
		if err != nil {
			return false, err
		}
		if !moved {
			raced = true
			continue
		}
		if !r.Paused {
			have[r.Kind]++
		}
		stored, err := p.withMailboxes(ctx, r.ID)
		a.Assigned = append(a.Assigned, stored...)
		if err != nil {
			return false, err
		}
	}

	// Then the pool's available resources, oldest purchase first.
	var cands map[outbound.ResourceKind][]outbound.Resource
	for _, k := range planKinds() {
		want := wants(plan, k)
		need := want - have[k]
		if need <= 0 {
			continue
		}
		if cands == nil {
			if cands, err = p.candidates(ctx, outbound.StateAvailable); err != nil {
				return false, err
			}
		}
		got, full, err := p.take(ctx, client, cands[k], need, want, a)
		if err != nil {
			return false, err
		}
		if short := need - got; short > 0 && !full {
			if a.Short == nil {
				a.Short = make(map[outbound.ResourceKind]int)
			}
			a.Short[k] = short
		}
		if full && got < need {
			raced = true // another process gave the client some of the kind: count again
		}
	}
	return raced, nil
}

// take assigns up to need of cands (in order) to client, never letting it
// pass want of their kind. It reports how many it assigned, and full when
// the store refused a move because the client already holds want (another
// process assigned to it meanwhile). Candidates another process took are
// skipped.
func (p *Pool) take(ctx context.Context, client outbound.ClientID, cands []outbound.Resource, need, want int, a *Assignment) (got int, full bool, err error) {
	for _, r := range cands {
		if got == need {
			break
		}
		moved, err := p.move(ctx, storage.Move{
			Resource: r.ID, From: r.State, To: outbound.StateAssigned, ToClient: client, Limit: want,
		})
		if err != nil {
			return got, false, err
		}
		if !moved {
			now, err := p.store.GetResource(ctx, r.ID)
			if err != nil {
				return got, false, fmt.Errorf("pool: resource %s: %w", r.ID, err)
			}
			if now.State == r.State && now.Client.IsZero() {
				return got, true, nil // still free, so the limit refused it
			}
			continue // taken by another process: try the next
		}
		got++
		stored, err := p.withMailboxes(ctx, r.ID)
		a.Assigned = append(a.Assigned, stored...)
		if err != nil {
			return got, false, err
		}
	}
	return got, false, nil
}

// candidates lists, per kind, the resources in state st that may be
// assigned (unpaused and owned by no one), oldest purchase first, ties by
// ID.
func (p *Pool) candidates(ctx context.Context, st outbound.ResourceState) (map[outbound.ResourceKind][]outbound.Resource, error) {
	rs, err := p.store.ListResources(ctx, storage.ResourceFilter{State: st})
	if err != nil {
		return nil, fmt.Errorf("pool: list %s resources: %w", st, err)
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
	return byKind, nil
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

// Backfill tops up every active client whose unpaused assigned resources
// fall short of its plan, from the pool's available resources: oldest
// signup first (ties by client ID), each converged as Assign does. It
// raises no assignment_short alert (Assign raised one when the shortfall
// arose) and skips, with a log line, a client whose plan the pool does not
// know. It returns the assignments that assigned something, in the order
// made.
//
// Stock, Register, Provisioned, Promote, Release, Resume and CheckBuffer
// call it themselves whenever they make a resource available, and Retire
// when it takes one from a client, so a client left short (at signup, or by
// a pause with no replacement) is completed as soon as the pool can.
func (p *Pool) Backfill(ctx context.Context) ([]Assignment, error) {
	all, err := p.store.ListResources(ctx, storage.ResourceFilter{})
	if err != nil {
		return nil, fmt.Errorf("pool: backfill: list resources: %w", err)
	}
	free := make(map[outbound.ResourceKind]int, 4)
	have := make(map[outbound.ClientID]map[outbound.ResourceKind]int)
	held := make(map[outbound.ResourceID]bool)
	for _, r := range all {
		if r.State == outbound.StateHeld {
			held[r.ID] = true
		}
		switch {
		case r.Kind == outbound.KindMailbox || r.Paused:
		case r.State == outbound.StateAvailable && r.Client.IsZero():
			free[r.Kind]++
		case r.State == outbound.StateAssigned || r.State == outbound.StateHeld:
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
		a, err := p.converge(ctx, c)
		if err != nil && !errors.Is(err, ErrChurned) {
			errs = append(errs, err)
		}
		for _, r := range a.Assigned {
			if r.Kind != outbound.KindMailbox && !held[r.ID] {
				free[r.Kind]--
			}
		}
		if len(a.Assigned) > 0 {
			out = append(out, a)
		}
	}
	return out, errors.Join(errs...)
}

// logBackfill runs Backfill for a job whose own work is done: a failure to
// top clients up is logged, not returned, so the job's result stands (the
// next job or Backfill call tries again).
func (p *Pool) logBackfill(ctx context.Context) {
	as, err := p.Backfill(ctx)
	if err != nil {
		p.log.ErrorContext(ctx, "pool: backfill failed", slog.Any("error", err))
	}
	for _, a := range as {
		p.log.InfoContext(ctx, "pool: backfilled", slog.String("client", a.Client.String()), slog.Int("resources", len(a.Assigned)))
	}
}
