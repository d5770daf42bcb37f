package pool

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

// SetHealth records the health measured of resource id — a mailbox's
// warmup and inbox placement results, a number's carrier answers — as the
// share of its daily limit it withholds (Resource.Throttle): h.Throttle
// percent, or all of it (100) when h.Paused. A mailbox is throttled alone:
// its domain and its other mailbox go on sending (a mailbox its provider
// lost is a provisioning event, which pauses its domain).
//
// reason says what measured it and what it found; it is required unless h
// is healthy, which clears the throttle. SetHealth never resumes a paused
// resource (Resume does) and never pauses one (Pause does). A throttle
// larger than before raises a resource_throttled alert. It returns the
// resource as stored. Errors: ErrNotFound (wrapped), a *FieldError for a
// throttle outside 0–100 or a missing reason.
func (p *Pool) SetHealth(ctx context.Context, id outbound.ResourceID, h warmup.Health, reason string) (outbound.Resource, error) {
	throttle := h.Throttle
	if h.Paused {
		throttle = 100
	}
	switch {
	case throttle < 0 || throttle > 100:
		return outbound.Resource{}, fieldErr("Health", "Throttle", h.Throttle, "must be a percentage, 0 to 100")
	case throttle > 0 && strings.TrimSpace(reason) == "":
		return outbound.Resource{}, fieldErr("", "reason", reason, "must say what was measured")
	}
	if throttle == 0 {
		reason = ""
	}
	now := p.clock.Now()
	var before int
	r, _, err := p.change(ctx, id, func(r *outbound.Resource) bool {
		before = r.Throttle
		r.Throttle, r.ThrottleReason, r.HealthAt = throttle, outbound.Reason(reason), now
		return true
	})
	if err != nil {
		return outbound.Resource{}, err
	}
	if throttle > before {
		p.log.WarnContext(ctx, "pool: throttled", slog.String("kind", string(r.Kind)), slog.String("resource", id.String()),
			slog.Int("throttle", throttle), slog.String("reason", reason))
		p.send(ctx, Alert{
			Kind: AlertResourceThrottled, ResourceKind: r.Kind, Resource: id, Client: r.Client, At: now, Count: throttle,
			Message: fmt.Sprintf("pool: %s %s (%s) holds back %d %% of its daily limit: %s", r.Kind, r.Address, id, throttle, reason),
		})
	}
	return r, nil
}

// SetHealthByAddress is SetHealth for the resource of kind known by its
// address: a mailbox by its email address (case does not matter), a number
// by its E.164 form. An address no resource of the kind has is
// ErrNotFound (wrapped).
func (p *Pool) SetHealthByAddress(ctx context.Context, kind outbound.ResourceKind, address string, h warmup.Health, reason string) (outbound.Resource, error) {
	rs, err := p.store.ListResources(ctx, storage.ResourceFilter{Kind: kind})
	if err != nil {
		return outbound.Resource{}, fmt.Errorf("pool: health of %s %q: %w", kind, address, err)
	}
	addr := strings.TrimSpace(address)
	for _, r := range rs {
		if strings.EqualFold(r.Address, addr) && r.State != outbound.StateRetired {
			return p.SetHealth(ctx, r.ID, h, reason)
		}
	}
	return outbound.Resource{}, fmt.Errorf("pool: health of %s %q: %w", kind, address, outbound.ErrNotFound)
}
