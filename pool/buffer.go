package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// BufferReport is what one CheckBuffer saw and did.
type BufferReport struct {
	// Kinds holds the buffer of each kind a plan buys: domain, phone,
	// linkedin_seat, mail_sender (mailboxes come with their domain).
	Kinds map[outbound.ResourceKind]Buffer
	// Orders are the orders the check placed, new ones and open ones placed
	// again, as they stood after it.
	Orders []outbound.Order
	// Purchased are the resources the check stored from what the provider
	// delivered, each domain followed by its mailboxes.
	Purchased []outbound.Resource
}

// Buffer is one kind's buffer at the check.
type Buffer struct {
	Available int     // available, unpaused and owned by no one: assignable now
	Assigned  int     // assigned to clients, paused ones included
	InFlight  int     // ordered and not delivered (open orders), or bought and not yet available (provisioning, warming)
	Short     int     // what active clients' plans want and their unpaused resources lack (their own held resources aside)
	Ratio     float64 // (Available + InFlight − Short) ÷ (Available + InFlight + Assigned), at least 0; 1 when nothing is counted
	Low       bool    // Ratio was strictly under the threshold
	Asked     int     // how many the check's new order asked for (0 unless Low)
	Bought    int     // how many the provider delivered to the check (new and open orders) and the pool stored
}

// CheckBuffer computes, per kind (domain, phone, linkedin_seat,
// mail_sender), the buffer available ÷ (available + assigned), counting
// what is in flight as future available, and the shortfall of clients
// Assign could not complete (Short) as already assigned out of it, since
// Backfill will give it to them first:
//
//	ratio = (available + in flight − short) ÷ (available + in flight + assigned)
//
// In flight are the counts of the open orders (pending or placed) and the
// resources bought and not yet available (provisioning, warming). With no
// shortfall this is available ÷ (available + assigned) with in flight
// counted as available. Held, retired and paused-unassigned resources are
// in neither side. A kind with nothing in any of these counts has ratio 1:
// nothing is needed.
//
// When the ratio is strictly under Config.BufferThreshold (so exactly 40 %
// does not alert), it raises a buffer_low alert and orders the fewest
// resources that bring the ratio back to at least the threshold. The
// comparison is exact (integer arithmetic in millionths of the threshold),
// so 2 of 5 is exactly 40 %.
//
// # Orders
//
// Every purchase is an outbound.Order, stored pending before the
// Provisioner is called, with the idempotency key
//
//	pool-<kind>-<n>
//
// where n is one more than the orders of that kind stored so far: the
// n-th shortfall of the kind. The key makes a purchase happen once:
//
//   - A check that stored its order and crashed (before, during or after
//     the provider's answer, before or while storing the resources) leaves
//     it pending. The next check first places every open order again, with
//     its stored key; the provider answers with what it bought the first
//     time, and the resources already stored are found by their provider
//     reference (Store.FindResource) and not stored twice.
//   - A check that crashed before its order was stored called no provider;
//     the next one counts the same orders and makes the same key.
//   - Two checks at once (two processes) count the same orders and make the
//     same key: the store keeps one order (CreateOrder) and the provider,
//     asked twice with one key, buys once.
//   - A later, new shortfall comes after the earlier order was stored, so
//     its n, and its key, are new.
//
// An order's resources are stored by the same rule as Register's, so a
// domain is never assignable before its mailboxes are stored. The order
// becomes fulfilled (with the IDs of what it brought) once the provider
// delivered something; placed when the provider took it and delivered
// nothing yet (each check asks again, with its key, until it does); failed
// when the provisioner's error wraps ErrPurchaseRefused. Any other error,
// or a failure to store what was delivered, leaves it pending, to be placed
// again. A failed purchase, or one that delivered fewer than ordered,
// raises purchase_failed with the count missing; what is missing of a
// fulfilled order is a shortfall again for the next check, which orders it
// under a new key.
//
// Purchases the provider reports ready at once and that need no warmup are
// available at once and backfill short clients (see Backfill). The check
// goes on with the other kinds after a failure and returns the failures
// joined, together with the report of what it did. Without a Provisioner it
// alerts and orders nothing. In one process checks run one at a time.
func (p *Pool) CheckBuffer(ctx context.Context) (BufferReport, error) {
	p.buyMu.Lock()
	defer p.buyMu.Unlock()

	rep := BufferReport{Kinds: make(map[outbound.ResourceKind]Buffer, 4)}
	bought := make(map[outbound.ResourceKind]int, 4)
	var errs []error
	if p.prov != nil {
		open, err := p.store.ListOrders(ctx, outbound.OrderPending, outbound.OrderPlaced)
		if err != nil {
			return rep, fmt.Errorf("pool: check buffer: list open orders: %w", err)
		}
		for i := range open {
			n, err := p.place(ctx, &open[i], &rep)
			bought[open[i].Kind] += n
			if err != nil {
				errs = append(errs, err)
			}
		}
	}

	// Orders first: an order fulfilled by then had its resources stored
	// before, so the listing after it sees them; one stored after it is
	// missing from both, and the key made below is its key.
	orders, err := p.store.ListOrders(ctx)
	var all []outbound.Resource
	if err == nil {
		all, err = p.store.ListResources(ctx, storage.ResourceFilter{})
	}
	var clients []outbound.Client
	if err == nil {
		clients, err = p.store.ListClients(ctx)
	}
	if err != nil {
		return rep, errors.Join(append(errs, fmt.Errorf("pool: check buffer: %w", err))...)
	}
	bufs := p.countBuffers(all, clients, orders)
	seq := make(map[outbound.ResourceKind]int, 4)
	for _, o := range orders {
		seq[o.Kind]++
	}

	for _, k := range planKinds() {
		b := bufs[k]
		b.Bought = bought[k]
		low, need := shortfall(b.Available+b.InFlight-b.Short, b.Assigned+b.Short, p.thr)
		b.Low = low
		if !low {
			rep.Kinds[k] = b
			continue
		}
		p.send(ctx, Alert{
			Kind: AlertBufferLow, ResourceKind: k, At: p.clock.Now(), Count: need,
			Message: fmt.Sprintf("pool: %s buffer %.1f%% is under %.1f%% (%d available, %d in flight, %d assigned, %d short): ordering %d",
				k, 100*b.Ratio, 100*float64(p.thr)/ppm, b.Available, b.InFlight, b.Assigned, b.Short, need),
		})
		if p.prov == nil {
			p.log.WarnContext(ctx, "pool: buffer low and no provisioner to buy with", slog.String("kind", string(k)), slog.Int("need", need))
			rep.Kinds[k] = b
			continue
		}
		now := p.clock.Now()
		o := outbound.Order{
			ID: p.newOrderID(), Key: orderKey(k, seq[k]+1), Kind: k, Count: need,
			State: outbound.OrderPending, CreatedAt: now, UpdatedAt: now,
		}
		created, err := p.store.CreateOrder(ctx, &o)
		if err != nil {
			errs = append(errs, fmt.Errorf("pool: store order %q: %w", o.Key, err))
			rep.Kinds[k] = b
			continue
		}
		if !created && !o.State.Open() {
			// Another process ordered for this shortfall and is done.
			rep.Kinds[k] = b
			continue
		}
		b.Asked = o.Count
		n, err := p.place(ctx, &o, &rep)
		b.Bought += n
		if err != nil {
			errs = append(errs, err)
		}
		rep.Kinds[k] = b
	}
	for _, r := range rep.Purchased {
		if r.State == outbound.StateAvailable {
			p.logBackfill(ctx) // ready at once: short clients first
			break
		}
	}
	return rep, errors.Join(errs...)
}

// orderKey is the idempotency key of the n-th order of kind k.
func orderKey(k outbound.ResourceKind, n int) string {
	return "pool-" + string(k) + "-" + strconv.Itoa(n)
}

// place hands order o to the provisioner, stores what it delivered, and
// stores the order's new state (see CheckBuffer); it adds both to rep and
// returns how many resources of the order's kind it stored.
func (p *Pool) place(ctx context.Context, o *outbound.Order, rep *BufferReport) (int, error) {
	got, perr := p.prov.Purchase(ctx, *o)
	stored, serr := p.storePurchase(ctx, o, got)
	rep.Purchased = append(rep.Purchased, stored...)
	n := 0
	for _, r := range stored {
		if r.Kind == o.Kind {
			n++
		}
	}
	if o.Provider == "" && len(got) > 0 {
		o.Provider = got[0].Provider
	}
	o.UpdatedAt = p.clock.Now()
	var errs []error
	switch {
	case errors.Is(perr, ErrPurchaseRefused):
		o.State, o.Error = outbound.OrderFailed, perr.Error()
	case perr != nil || serr != nil:
		// The provider may have bought, or what it bought is not all
		// stored: the order stays open and is placed again, same key.
		o.Error = errors.Join(perr, serr).Error()
	case n == 0:
		o.State = outbound.OrderPlaced
	default:
		o.State, o.Error = outbound.OrderFulfilled, ""
		o.Resources = o.Resources[:0]
		for _, r := range stored {
			o.Resources = append(o.Resources, r.ID)
		}
	}
	if err := p.store.UpdateOrder(ctx, o); err != nil {
		errs = append(errs, fmt.Errorf("pool: update order %q: %w", o.Key, err))
	}
	rep.Orders = append(rep.Orders, *o)
	if perr != nil {
		errs = append(errs, fmt.Errorf("pool: order %q for %d %s: %w", o.Key, o.Count, o.Kind, perr))
	}
	if serr != nil {
		errs = append(errs, serr)
	}
	if missing := o.Count - n; (perr != nil || o.State == outbound.OrderFulfilled) && missing > 0 {
		msg := fmt.Sprintf("pool: order %q for %d %s delivered %d", o.Key, o.Count, o.Kind, n)
		if perr != nil {
			msg = fmt.Sprintf("pool: order %q for %d %s failed (%d delivered): %v", o.Key, o.Count, o.Kind, n, perr)
		}
		p.send(ctx, Alert{Kind: AlertPurchaseFailed, ResourceKind: o.Kind, At: p.clock.Now(), Count: missing, Message: msg})
	}
	return n, errors.Join(errs...)
}

// storePurchase stores what the provider delivered for order o (see
// Provisioner.Purchase), each resource unless it is stored already, and
// returns what is stored, each domain followed by its mailboxes.
func (p *Pool) storePurchase(ctx context.Context, o *outbound.Order, got []outbound.Resource) ([]outbound.Resource, error) {
	now := p.clock.Now()
	var out []outbound.Resource
	var errs []error
	for i := 0; i < len(got); {
		head := got[i]
		j := i + 1
		for j < len(got) && got[j].Kind == outbound.KindMailbox {
			j++
		}
		mbs := got[i+1 : j]
		at := fmt.Sprintf("Purchase(%s)[%d]", o.Key, i)
		i = j
		if head.Kind == "" {
			head.Kind = o.Kind
		}
		switch {
		case head.Kind == outbound.KindMailbox:
			errs = append(errs, fieldErr("", at+".Kind", string(head.Kind), "a mailbox must follow its domain"))
			continue
		case head.Kind != o.Kind:
			errs = append(errs, fieldErr("", at+".Kind", string(head.Kind), fmt.Sprintf("the order is for %s", o.Kind)))
			continue
		case head.Kind != outbound.KindDomain && len(mbs) > 0:
			errs = append(errs, fieldErr("", at+".Kind", string(head.Kind), "only a domain is followed by mailboxes"))
			continue
		case head.Provider == "" || head.ProviderRef == "":
			errs = append(errs, fieldErr("", at+".ProviderRef", head.ProviderRef, "the provider and its reference are both required"))
			continue
		}
		bad := false
		for k := range mbs {
			if mbs[k].Provider == "" {
				mbs[k].Provider = head.Provider
			}
			if mbs[k].ProviderRef == "" {
				errs = append(errs, fieldErr("", fmt.Sprintf("%s mailbox %q ProviderRef", at, mbs[k].Address), "", "is required"))
				bad = true
			}
		}
		if bad {
			continue
		}
		if head.PurchasedAt.IsZero() {
			head.PurchasedAt = o.CreatedAt // warmup starts on the order
		}
		head.CreatedAt = now
		to := outbound.StateProvisioning
		if head.State == outbound.StateWarming || head.State == outbound.StateAvailable {
			to = p.settled(&head, now)
		}
		if head.Kind == outbound.KindDomain && head.Address == "" {
			p.log.WarnContext(ctx, "pool: provisioner returned a domain with no address", slog.String("provider_ref", head.ProviderRef))
		}
		stored, err := p.put(ctx, head, mbs, to, outbound.ClientID{})
		out = append(out, stored...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// countBuffers counts each plan kind's buffer from every resource, client
// and order.
func (p *Pool) countBuffers(rs []outbound.Resource, clients []outbound.Client, orders []outbound.Order) map[outbound.ResourceKind]Buffer {
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
		if (r.State == outbound.StateAssigned || r.State == outbound.StateHeld) && !r.Paused {
			if owned[r.Client] == nil {
				owned[r.Client] = make(map[outbound.ResourceKind]int, 4)
			}
			owned[r.Client][r.Kind]++
		}
	}
	for _, o := range orders {
		if o.State.Open() && isPlanKind(o.Kind) {
			b := bufs[o.Kind]
			b.InFlight += o.Count
			bufs[o.Kind] = b
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
