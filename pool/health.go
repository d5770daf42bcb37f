package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

// HealthChange is one resource the pool paused, and why.
type HealthChange struct {
	Domain  outbound.ResourceID // the paused resource: a domain for EvaluateHealth
	Client  outbound.ClientID   // its client; zero for an available resource
	Verdict warmup.Verdict
	// Replacement is the resource assigned to the client in its place;
	// zero when it had no client, needed none, or the pool had none to give.
	Replacement outbound.ResourceID
}

// EvaluateHealth applies Config.Health to every unpaused domain that is
// assigned or available (the ones that send cold email or may soon), with
// src counting its sends, bounces and complaints over the health window
// ending now, [now − Window, now). A domain whose verdict is Pause (over at
// least 20 sends, a bounce rate above 3 % or a complaint rate above 0.3 %,
// by default) is paused with its mailboxes (Resource.Paused, PausedAt =
// now, PauseReason = the verdict's reason) and a domain_paused alert is
// raised; it keeps its client, and is replaced as Pause describes.
//
// A paused domain is not resumed automatically when its window later looks
// clean (it sent nothing while paused, so a clean window proves nothing): a
// host resumes it with Resume. EvaluateHealth returns the changes it made,
// in domain ID order; a domain src fails on is skipped and its error joined
// to the result.
func (p *Pool) EvaluateHealth(ctx context.Context, src HealthSource) ([]HealthChange, error) {
	if src == nil {
		return nil, fieldErr("", "src", nil, "must not be nil")
	}
	return p.evaluate(ctx, outbound.KindDomain, p.health.Window, func(id outbound.ResourceID, since, now time.Time) (warmup.Verdict, error) {
		st, err := src.DomainStats(ctx, id, since, now)
		return p.health.Evaluate(st), err
	})
}

// EvaluateNumberHealth is EvaluateHealth for phone numbers, by
// Config.NumberHealth: a number whose texts and calls over the window
// were blocked by carriers, opted out of or labelled spam too often is
// paused (a resource_paused alert) and, when its client holds it,
// replaced. It returns the changes made, in number ID order (the
// HealthChange's Domain names the number).
func (p *Pool) EvaluateNumberHealth(ctx context.Context, src NumberHealthSource) ([]HealthChange, error) {
	if src == nil {
		return nil, fieldErr("", "src", nil, "must not be nil")
	}
	return p.evaluate(ctx, outbound.KindPhone, p.numbers.Window, func(id outbound.ResourceID, since, now time.Time) (warmup.Verdict, error) {
		st, err := src.NumberStats(ctx, id, since, now)
		return p.numbers.Evaluate(st), err
	})
}

// evaluate pauses every resource of kind the health rule looks at whose
// verdict over [now − window, now) is Pause.
func (p *Pool) evaluate(ctx context.Context, kind outbound.ResourceKind, window time.Duration,
	verdict func(id outbound.ResourceID, since, now time.Time) (warmup.Verdict, error)) ([]HealthChange, error) {
	rs, err := p.store.ListResources(ctx, storage.ResourceFilter{Kind: kind})
	if err != nil {
		return nil, fmt.Errorf("pool: evaluate health: %w", err)
	}
	now := p.clock.Now()
	since := now.Add(-window)
	var changes []HealthChange
	var errs []error
	for _, r := range rs {
		if !evaluated(&r) {
			continue
		}
		v, err := verdict(r.ID, since, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("pool: health of %s %s: %w", kind, r.ID, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if !v.Pause {
			continue
		}
		ch, err := p.pause(ctx, r.ID, v, evaluated)
		if ch != nil {
			changes = append(changes, *ch)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return changes, errors.Join(errs...)
}

// evaluated reports whether a health rule looks at resource d.
func evaluated(d *outbound.Resource) bool {
	return !d.Paused && (d.State == outbound.StateAssigned || d.State == outbound.StateAvailable)
}

// Pause pauses a resource (a domain with its mailboxes, a phone number, a
// LinkedIn seat, a mail sender) for reason, as EvaluateHealth pauses an
// unhealthy domain: a LinkedIn account restricted or disconnected by its
// provider, a number flagged by a carrier. The resource keeps its state and
// client and sends nothing (Resource.Paused, PauseReason, PausedAt = now;
// ResumedAt and ReplacedBy cleared), and domain_paused (for a domain) or
// resource_paused is raised.
//
// A paused resource no longer counts toward its client's plan, so when it
// is assigned to an active client the pool replaces it at once: it assigns
// the client a resource of the same kind from the pool, available ones
// first (a domain aged past its warmup), else, for a domain, the warming
// one bought first, each by oldest purchase (ties by ID); it sets the
// paused resource's ReplacedBy and raises resource_replaced naming both.
// When the pool has none to give it raises no_replacement: the client is
// short, CheckBuffer's next purchase counts it and Backfill completes it.
// The replacement is one storage.Move limited by the client's plan, so two
// processes pausing at once never give more than the plan.
//
// Pausing a paused resource does nothing. It returns the change made (nil
// when none). Errors: ErrNotFound (wrapped), a *FieldError for a mailbox
// or an empty reason.
func (p *Pool) Pause(ctx context.Context, id outbound.ResourceID, reason string) (*HealthChange, error) {
	if reason == "" {
		return nil, fieldErr("", "reason", reason, "must say why")
	}
	if _, err := p.get(ctx, id); err != nil {
		return nil, err
	}
	return p.pause(ctx, id, warmup.Verdict{Pause: true, Reason: reason}, func(r *outbound.Resource) bool { return !r.Paused })
}

// pause pauses resource id for verdict v if pausable holds for it as stored,
// replaces it for its client, and alerts. It returns nil when it did
// nothing.
func (p *Pool) pause(ctx context.Context, id outbound.ResourceID, v warmup.Verdict, pausable func(*outbound.Resource) bool) (*HealthChange, error) {
	now := p.clock.Now()
	r, changed, err := p.change(ctx, id, func(r *outbound.Resource) bool {
		if !pausable(r) {
			return false
		}
		r.Paused, r.PauseReason, r.PausedAt = true, outbound.Reason(v.Reason), now
		r.ResumedAt, r.ReplacedBy = time.Time{}, outbound.ResourceID{}
		return true
	})
	if err != nil || !changed {
		return nil, err
	}
	p.log.WarnContext(ctx, "pool: paused", slog.String("kind", string(r.Kind)), slog.String("resource", id.String()), slog.String("reason", v.Reason))
	kind := AlertResourcePaused
	if r.Kind == outbound.KindDomain {
		kind = AlertDomainPaused
	}
	p.send(ctx, Alert{
		Kind: kind, ResourceKind: r.Kind, Resource: id, Client: r.Client, At: now,
		Message: fmt.Sprintf("pool: %s %s (%s) paused: %s", r.Kind, r.Address, id, v.Reason),
	})
	ch := &HealthChange{Domain: id, Client: r.Client, Verdict: v}
	if r.State != outbound.StateAssigned || r.Client.IsZero() {
		return ch, nil
	}
	repl, err := p.replace(ctx, &r)
	ch.Replacement = repl
	return ch, err
}

// replace gives paused resource r's client a replacement, records it in
// r.ReplacedBy and alerts (see Pause); it returns the replacement, if any.
func (p *Pool) replace(ctx context.Context, r *outbound.Resource) (outbound.ResourceID, error) {
	c, err := p.store.GetClient(ctx, r.Client)
	if err != nil {
		return outbound.ResourceID{}, fmt.Errorf("pool: replace %s %s: client %s: %w", r.Kind, r.ID, r.Client, err)
	}
	plan, ok := p.plans[c.Plan]
	if c.State != outbound.ClientActive || !ok {
		return outbound.ResourceID{}, nil
	}
	want := wants(plan, r.Kind)
	states := []outbound.ResourceState{outbound.StateAvailable}
	if r.Kind == outbound.KindDomain {
		states = append(states, outbound.StateWarming)
	}
	var a Assignment
	full := false
	for _, st := range states {
		cands, err := p.candidates(ctx, st)
		if err != nil {
			return outbound.ResourceID{}, err
		}
		var got int
		got, full, err = p.take(ctx, c.ID, cands[r.Kind], 1, want, &a)
		if err != nil {
			return outbound.ResourceID{}, err
		}
		if got > 0 || full {
			break
		}
	}
	now := p.clock.Now()
	if len(a.Assigned) == 0 {
		if full {
			return outbound.ResourceID{}, nil // the client holds its plan without it
		}
		p.send(ctx, Alert{
			Kind: AlertNoReplacement, ResourceKind: r.Kind, Resource: r.ID, Client: c.ID, At: now, Count: 1,
			Message: fmt.Sprintf("pool: no %s in the pool to replace paused %s (%s) of client %s", r.Kind, r.Address, r.ID, c.ID),
		})
		return outbound.ResourceID{}, nil
	}
	repl := a.Assigned[0]
	if _, _, err := p.change(ctx, r.ID, func(x *outbound.Resource) bool {
		if !x.Paused || x.ReplacedBy == repl.ID {
			return false
		}
		x.ReplacedBy = repl.ID
		return true
	}); err != nil {
		return repl.ID, err
	}
	p.send(ctx, Alert{
		Kind: AlertReplaced, ResourceKind: r.Kind, Resource: r.ID, Replacement: repl.ID, Client: c.ID, At: now,
		Message: fmt.Sprintf("pool: paused %s %s (%s) of client %s replaced by %s (%s)", r.Kind, r.Address, r.ID, c.ID, repl.Address, repl.ID),
	})
	return repl.ID, nil
}

// Resume lifts a resource's pause, with its mailboxes' (PauseReason
// cleared, ResumedAt = now; PausedAt and ReplacedBy kept as the record of
// the last pause), and raises domain_resumed (for a domain) or
// resource_resumed. Resuming a resource that is not paused does nothing.
//
// A resumed available resource may be assigned again (and backfills short
// clients, see Backfill). A resumed assigned one counts toward its client's
// plan again: when the client got a replacement for it, it now holds one
// more than its plan, and Resume converges the client at once, which holds
// the surplus for it by the downgrade rule (newest purchase first; see
// Assign): the resumed resource or its replacement, whichever was bought
// later. Errors: ErrNotFound (wrapped), a *FieldError for a mailbox.
func (p *Pool) Resume(ctx context.Context, id outbound.ResourceID) error {
	if _, err := p.get(ctx, id); err != nil {
		return err
	}
	now := p.clock.Now()
	r, changed, err := p.change(ctx, id, func(r *outbound.Resource) bool {
		if !r.Paused {
			return false
		}
		r.Paused, r.PauseReason, r.ResumedAt = false, "", now
		return true
	})
	if err != nil || !changed {
		return err
	}
	switch r.State {
	case outbound.StateAvailable:
		p.logBackfill(ctx)
	case outbound.StateAssigned:
		if c, err := p.store.GetClient(ctx, r.Client); err != nil {
			p.log.ErrorContext(ctx, "pool: resume: read client", slog.String("client", r.Client.String()), slog.Any("error", err))
		} else if c.State == outbound.ClientActive {
			if _, err := p.converge(ctx, c); err != nil {
				p.log.ErrorContext(ctx, "pool: resume: converge client", slog.String("client", c.ID.String()), slog.Any("error", err))
			}
		}
	}
	kind := AlertResourceResumed
	if r.Kind == outbound.KindDomain {
		kind = AlertDomainResumed
	}
	p.send(ctx, Alert{
		Kind: kind, ResourceKind: r.Kind, Resource: r.ID, Client: r.Client, At: now,
		Message: fmt.Sprintf("pool: %s %s (%s) resumed", r.Kind, r.Address, r.ID),
	})
	return nil
}
