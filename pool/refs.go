package pool

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound"
)

// The *Ref methods are for providers' events, which name a resource by the
// provider's reference: each finds the resource by (provider, ref), as
// stored by a purchase or Register, and does what the method of the same
// name does by ID. A reference no resource has is ErrNotFound (wrapped); a
// mailbox's is a *FieldError, since mailboxes follow their domain.

// ProvisionedRef is Provisioned for the resource provider knows by ref: a
// domain ready (DNS verified), a LinkedIn account connected for the first
// time.
func (p *Pool) ProvisionedRef(ctx context.Context, provider, ref string) error {
	r, err := p.byRef(ctx, provider, ref)
	if err != nil {
		return err
	}
	return p.Provisioned(ctx, r.ID)
}

// PauseRef is Pause for the resource provider knows by ref: a LinkedIn
// account restricted or disconnected, a number flagged.
func (p *Pool) PauseRef(ctx context.Context, provider, ref, reason string) (*HealthChange, error) {
	r, err := p.byRef(ctx, provider, ref)
	if err != nil {
		return nil, err
	}
	return p.Pause(ctx, r.ID, reason)
}

// ResumeRef is Resume for the resource provider knows by ref: a LinkedIn
// account connected again after a restriction or a disconnection.
func (p *Pool) ResumeRef(ctx context.Context, provider, ref string) error {
	r, err := p.byRef(ctx, provider, ref)
	if err != nil {
		return err
	}
	return p.Resume(ctx, r.ID)
}

// RetireRef is Retire for the resource provider knows by ref: a number
// released, an account closed for good.
func (p *Pool) RetireRef(ctx context.Context, provider, ref string) error {
	r, err := p.byRef(ctx, provider, ref)
	if err != nil {
		return err
	}
	return p.Retire(ctx, r.ID)
}

// byRef finds the resource provider knows by ref; not a mailbox.
func (p *Pool) byRef(ctx context.Context, provider, ref string) (*outbound.Resource, error) {
	r, err := p.store.FindResource(ctx, provider, ref)
	if err != nil {
		return nil, fmt.Errorf("pool: resource %q of %q: %w", ref, provider, err)
	}
	if r.Kind == outbound.KindMailbox {
		return nil, fieldErr("", "ref", ref, "is a mailbox, which follows its domain: pass the domain's reference")
	}
	return r, nil
}
