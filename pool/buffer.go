package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// BufferReport is what one CheckBuffer saw and did.
type BufferReport struct {
	// Kinds holds the buffer of each kind a plan buys: domain, phone,
	// linkedin_seat, mail_sender (mailboxes come with their domain).
	Kinds map[outbound.ResourceKind]Buffer
	// Purchased are the resources the check bought and stored, each domain
	// followed by its mailboxes.
	Purchased []outbound.Resource
}

// Buffer is one kind's buffer at the check.
type Buffer struct {
	Available int     // available, unpaused and owned by no one: assignable now
	Assigned  int     // assigned to clients, paused ones included
	InFlight  int     // bought and not yet available: provisioning or warming
	Short     int     // what active clients' plans want and they lack (their own held resources aside)
	Ratio     float64 // (Available + InFlight − Short) ÷ (Available + InFlight + Assigned), at least 0; 1 when nothing is counted
	Low       bool    // Ratio was strictly under the threshold
	Asked     int     // how many the check asked the provisioner for (0 unless Low)
	Bought    int     // how many the provisioner delivered and the pool stored
}

// CheckBuffer computes, per kind (domain, phone, linkedin_seat,
// mail_sender), the buffer available ÷ (available + assigned), counting
// purchases in flight (provisioning and warming) as future available, and
// the shortfall of clients Assign could not complete (Short) as already
// assigned out of them, since Backfill will give it to them first:
//
//	ratio = (available + in flight − short) ÷ (available + in flight + assigned)
//
// With no shortfall this is available ÷ (available + assigned) with
// purchases in flight counted as available. Held, retired and
// paused-unassigned resources are in neither side. A kind with nothing in
// any of these counts has ratio 1: nothing is needed.
//
// When the ratio is strictly under Config.BufferThreshold (so exactly 40 %
// does not alert), it raises a buffer_low alert and asks the provisioner for
// the fewest resources that bring the ratio back to at least the threshold.
// Since what it buys is then in flight, a repeated check buys nothing twice.
// Checks run one at a time in a process; across processes run them on the
// leader. The comparison is exact (integer arithmetic in millionths of the
// threshold), so 2 of 5 is exactly 40 %.
//
// Purchases the provider reports ready at once and that need no warmup are
// available at once and backfill short clients (see Backfill); the report
// lists them as bought, in the state they were stored in.
//
// A failed or short purchase raises a purchase_failed alert; the check goes
// on with the other kinds and returns the failures joined, together with the
// report of what it did. Without a Provisioner it alerts and buys nothing.
func (p *Pool) CheckBuffer(ctx context.Context) (BufferReport, error) {
	p.buyMu.Lock()
	defer p.buyMu.Unlock()

	p.mu.Lock()
	all, err := p.store.ListResources(ctx, storage.ResourceFilter{})
	var clients []outbound.Client
	if err == nil {
		clients, err = p.store.ListClients(ctx)
	}
	p.mu.Unlock()
	if err != nil {
		return BufferReport{}, fmt.Errorf("pool: check buffer: %w", err)
	}
	bufs := p.countBuffers(all, clients)

	rep := BufferReport{Kinds: make(map[outbound.ResourceKind]Buffer, 4)}
	var errs []error
	for _, k := range planKinds() {
		b := bufs[k]
		low, need := shortfall(b.Available+b.InFlight-b.Short, b.Assigned+b.Short, p.thr)
		b.Low = low
		if !low {
			rep.Kinds[k] = b
			continue
		}
		b.Asked = need
		p.send(ctx, []Alert{{
			Kind: AlertBufferLow, ResourceKind: k, At: p.clock.Now(), Count: need,
			Message: fmt.Sprintf("pool: %s buffer %.1f%% is under %.1f%% (%d available, %d in flight, %d assigned, %d short): buying %d",
				k, 100*b.Ratio, 100*float64(p.thr)/ppm, b.Available, b.InFlight, b.Assigned, b.Short, need),
		}})
		if p.prov == nil {
			p.log.WarnContext(ctx, "pool: buffer low and no provisioner to buy with", slog.String("kind", string(k)), slog.Int("need", need))
			rep.Kinds[k] = b
			continue
		}
		got, perr := p.prov.Purchase(ctx, k, need)
		p.mu.Lock()
		stored, serr := p.addPurchased(ctx, k, got)
		for _, r := range stored {
			if r.State == outbound.StateAvailable {
				p.logBackfill(ctx) // ready at once: short clients first
				break
			}
		}
		p.mu.Unlock()
		rep.Purchased = append(rep.Purchased, stored...)
		for _, r := range stored {
			if r.Kind == k {
				b.Bought++
			}
		}
		rep.Kinds[k] = b
		switch {
		case perr != nil:
			errs = append(errs, fmt.Errorf("pool: purchase %d %s: %w", need, k, perr))
			p.send(ctx, []Alert{{
				Kind: AlertPurchaseFailed, ResourceKind: k, At: p.clock.Now(), Count: max(need-b.Bought, 0),
				Message: fmt.Sprintf("pool: purchase of %d %s failed (%d delivered): %v", need, k, b.Bought, perr),
			}})
		case b.Bought < need:
			p.send(ctx, []Alert{{
				Kind: AlertPurchaseFailed, ResourceKind: k, At: p.clock.Now(), Count: need - b.Bought,
				Message: fmt.Sprintf("pool: purchase of %d %s delivered %d", need, k, b.Bought),
			}})
		}
		if serr != nil {
			errs = append(errs, serr)
		}
	}
	return rep, errors.Join(errs...)
}

// countBuffers counts each plan kind's buffer from every resource and client.
func (p *Pool) countBuffers(rs []outbound.Resource, clients []outbound.Client) map[outbound.ResourceKind]Buffer {
	bufs := make(map[outbound.ResourceKind]Buffer, 4)
	owned := make(map[outbound.ClientID]map[outbound.ResourceKind]int)
	for _, r := range rs {
		if !isPlanKind(r.Kind) {
			continue
		}
		b := bufs[r.Kind]
		switch r.State {
		case outbound.StateAvailable:
			if !r.Paused && r.Client.IsZero() {
				b.Available++
			}
		case outbound.StateAssigned:
			b.Assigned++
		case outbound.StateProvisioning, outbound.StateWarming:
			b.InFlight++
		}
		bufs[r.Kind] = b
		if r.State == outbound.StateAssigned || r.State == outbound.StateHeld {
			if owned[r.Client] == nil {
				owned[r.Client] = make(map[outbound.ResourceKind]int, 4)
			}
			owned[r.Client][r.Kind]++
		}
	}
	for i := range clients {
		c := &clients[i]
		plan, ok := p.plans[c.Plan]
		if c.State != outbound.ClientActive || !ok {
			continue
		}
		for _, k := range planKinds() {
			if short := wants(plan, k) - owned[c.ID][k]; short > 0 {
				b := bufs[k]
				b.Short += short
				bufs[k] = b
			}
		}
	}
	for _, k := range planKinds() {
		b := bufs[k]
		switch total := b.Available + b.InFlight + b.Assigned; {
		case total == 0 && b.Short == 0:
			b.Ratio = 1
		case total == 0:
			b.Ratio = 0
		default:
			b.Ratio = max(0, float64(b.Available+b.InFlight-b.Short)/float64(total))
		}
		bufs[k] = b
	}
	return bufs
}

// shortfall reports whether have ÷ (have + assigned) is strictly under the
// threshold thr (in millionths, within (0, ppm)) and, if so, the fewest
// more n for which (have + n) ÷ (have + n + assigned) is at least thr. Both
// in exact integer arithmetic: (have+n)·(ppm−thr) ≥ thr·assigned. have may
// be negative (more shortfall than stock), assigned is not.
func shortfall(have, assigned int, thr int64) (low bool, n int) {
	h, s := int64(have), int64(assigned)
	if h*ppm >= thr*(h+s) {
		return false, 0
	}
	d := ppm - thr
	x := (thr*s + d - 1) / d // ceil(thr·s ÷ (ppm−thr)): the fewest "have" that passes
	return true, int(x - h)
}

// addPurchased stores what the provisioner delivered for kind k. Call it
// with p.mu held.
func (p *Pool) addPurchased(ctx context.Context, k outbound.ResourceKind, got []outbound.Resource) ([]outbound.Resource, error) {
	now := p.clock.Now()
	var out []outbound.Resource
	var errs []error
	for _, g := range got {
		if g.Kind != "" && g.Kind != k {
			errs = append(errs, &FieldError{Field: "Purchase().Kind", Value: string(g.Kind), Reason: fmt.Sprintf("the provisioner was asked for %s", k)})
			continue
		}
		ready := g.State == outbound.StateWarming || g.State == outbound.StateAvailable
		r := outbound.Resource{
			ID:          p.newID(),
			Kind:        k,
			Provider:    g.Provider,
			ProviderRef: g.ProviderRef,
			Address:     g.Address,
			State:       outbound.StateProvisioning,
			CreatedAt:   now,
			PurchasedAt: now, // warmup starts on purchase
		}
		if ready {
			r.State = p.settled(&r, now)
		}
		if k == outbound.KindDomain && r.Address == "" {
			p.log.WarnContext(ctx, "pool: provisioner returned a domain with no address; its mailboxes get none", slog.String("provider_ref", r.ProviderRef))
		}
		stored, err := p.create(ctx, r)
		out = append(out, stored...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}
