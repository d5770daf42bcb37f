package warmforge

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
)

// Provisioner is a [pool.Provisioner] that starts warmup (RP-006) for
// every mailbox another provisioner buys: with adapters/infraforge,
//
//	p, _ := warmforge.NewProvisioner(infraforgeClient, warmforgeClient)
//	pool.Config{Provisioner: p, …}
//
// Purchase places the order with Next, then calls [Client.StartWarmup]
// for each mailbox of the answer, which turns warmup on only where it is
// off: an order placed again starts nothing twice. Next's errors are
// returned as they are. A mailbox whose warmup cannot be started (not in
// Warmforge yet, Warmforge down) makes Purchase fail without
// pool.ErrPurchaseRefused: the order stays pending, the pool places it
// again, Next (idempotent by the order's key) buys nothing more, and the
// warmups still off are started then.
type Provisioner struct {
	next pool.Provisioner
	c    *Client
}

var _ pool.Provisioner = (*Provisioner)(nil)

// NewProvisioner returns next with warmup started through c.
func NewProvisioner(next pool.Provisioner, c *Client) (*Provisioner, error) {
	switch {
	case next == nil:
		return nil, invalid.Field("warmforge", "", "next", nil, "required: the provisioner that buys the mailboxes")
	case c == nil:
		return nil, invalid.Field("warmforge", "", "c", nil, "required: the Warmforge client")
	}
	return &Provisioner{next: next, c: c}, nil
}

// Purchase implements pool.Provisioner.
func (p *Provisioner) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	rs, err := p.next.Purchase(ctx, o)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Kind != outbound.KindMailbox {
			continue
		}
		if _, err := p.c.StartWarmup(ctx, r.Address); err != nil {
			return nil, fmt.Errorf("warmforge: order %s: starting the warmup of %s: %w", o.Key, r.Address, err)
		}
	}
	return rs, nil
}
