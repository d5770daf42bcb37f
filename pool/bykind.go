package pool

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound"
)

// ByKind is a [Provisioner] that places each order with the provisioner of
// its kind: a deployment buys domains and their mailboxes from one
// provider, phone numbers from another, LinkedIn seats from a third, and
// the pool takes one Provisioner.
//
//	pool.Config{Provisioner: pool.ByKind{
//		outbound.KindDomain: infraforgeClient,
//		outbound.KindPhone:  twilioClient,
//	}}
//
// An order of a kind with no provisioner (or a nil one) is refused: its
// error wraps [ErrPurchaseRefused] and names the kind, so the order fails
// for good and the pool raises purchase_failed; the next shortfall of the
// kind orders again. ByKind is safe for concurrent use if its provisioners
// are and the map is not changed while in use.
type ByKind map[outbound.ResourceKind]Provisioner

var _ Provisioner = ByKind(nil)

// Purchase implements [Provisioner]: it places o with the provisioner of
// o.Kind and returns its answer as it is.
func (b ByKind) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	p := b[o.Kind]
	if p == nil {
		return nil, fmt.Errorf("pool: order %q of %d %s: %w: no provisioner buys %s", o.Key, o.Count, o.Kind, ErrPurchaseRefused, o.Kind)
	}
	return p.Purchase(ctx, o)
}
