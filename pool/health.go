package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

// HealthChange is one domain EvaluateHealth paused, and why.
type HealthChange struct {
	Domain  outbound.ResourceID
	Client  outbound.ClientID // the domain's client; zero for an available domain
	Verdict warmup.Verdict
}

// EvaluateHealth applies Config.Health to every unpaused domain that is
// assigned or available (the ones that send cold email or may soon), with
// src counting its sends, bounces and complaints over the health window
// ending now, [now − Window, now). A domain whose verdict is Pause (over at
// least 20 sends, a bounce rate above 3 % or a complaint rate above 0.3 %,
// by default) is paused with its mailboxes (Resource.Paused, PauseReason =
// the verdict's reason) and a domain_paused alert is raised; it keeps its
// client, whose touches move to its other domains.
//
// A paused domain is not resumed automatically when its window later looks
// clean (it sent nothing while paused, so a clean window proves nothing): a
// host resumes it with Resume. EvaluateHealth returns the changes it made,
// in domain ID order; a domain src fails on is skipped and its error joined
// to the result.
func (p *Pool) EvaluateHealth(ctx context.Context, src HealthSource) ([]HealthChange, error) {
	if src == nil {
		return nil, &FieldError{Field: "src", Value: nil, Reason: "must not be nil"}
	}
	p.mu.Lock()
	doms, err := p.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindDomain})
	p.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("pool: evaluate health: %w", err)
	}
	now := p.clock.Now()
	since := now.Add(-p.health.Window)
	var changes []HealthChange
	var errs []error
	for _, d := range doms {
		if !evaluated(&d) {
			continue
		}
		st, err := src.DomainStats(ctx, d.ID, since, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("pool: health of domain %s: %w", d.ID, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		v := p.health.Evaluate(st)
		if !v.Pause {
			continue
		}
		ch, err := p.pause(ctx, d.ID, v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ch == nil {
			continue
		}
		changes = append(changes, *ch)
		p.send(ctx, []Alert{{
			Kind: AlertDomainPaused, ResourceKind: outbound.KindDomain, Resource: d.ID, Client: ch.Client, At: now,
			Message: fmt.Sprintf("pool: domain %s (%s) paused: %s", d.Address, d.ID, v.Reason),
		}})
	}
	return changes, errors.Join(errs...)
}

// evaluated reports whether the health rule looks at domain d.
func evaluated(d *outbound.Resource) bool {
	return !d.Paused && (d.State == outbound.StateAssigned || d.State == outbound.StateAvailable)
}

// pause pauses domain id for verdict v, unless it changed since it was
// listed; it returns nil when it did nothing.
func (p *Pool) pause(ctx context.Context, id outbound.ResourceID, v warmup.Verdict) (*HealthChange, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d, err := p.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !evaluated(d) {
		return nil, nil
	}
	d.Paused, d.PauseReason = true, v.Reason
	if _, err := p.write(ctx, *d, nil); err != nil {
		return nil, err
	}
	p.log.WarnContext(ctx, "pool: domain paused", slog.String("domain", id.String()), slog.String("reason", v.Reason))
	return &HealthChange{Domain: id, Client: d.Client, Verdict: v}, nil
}

// Resume lifts a domain's health pause, with its mailboxes', and raises a
// domain_resumed alert. Resuming a domain that is not paused does nothing.
// A resumed available domain may be assigned again (and backfills short
// clients, see Backfill). Errors: ErrNotFound (wrapped), a *FieldError for
// a resource that is not a domain.
func (p *Pool) Resume(ctx context.Context, domain outbound.ResourceID) error {
	p.mu.Lock()
	d, err := p.get(ctx, domain)
	if err == nil && d.Kind != outbound.KindDomain {
		err = &FieldError{Field: "domain", Value: domain, Reason: fmt.Sprintf("is a %s, not a domain", d.Kind)}
	}
	if err != nil || !d.Paused {
		p.mu.Unlock()
		return err
	}
	d.Paused, d.PauseReason = false, ""
	if _, err := p.write(ctx, *d, nil); err != nil {
		p.mu.Unlock()
		return err
	}
	if d.State == outbound.StateAvailable {
		p.logBackfill(ctx)
	}
	p.mu.Unlock()
	p.send(ctx, []Alert{{
		Kind: AlertDomainResumed, ResourceKind: outbound.KindDomain, Resource: d.ID, Client: d.Client, At: p.clock.Now(),
		Message: fmt.Sprintf("pool: domain %s (%s) resumed", d.Address, d.ID),
	}})
	return nil
}
