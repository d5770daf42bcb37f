package pool_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
)

// Each order goes to its kind's provisioner, and its answer comes back as
// it is; a kind with none is refused for good, naming the kind.
func TestByKind(t *testing.T) {
	t.Parallel()
	domains, phones := &pooltest.Provisioner{}, &pooltest.Provisioner{}
	down := errors.New("provider down")
	phones.SetErr(down)
	b := pool.ByKind{outbound.KindDomain: domains, outbound.KindPhone: phones, outbound.KindMailSender: nil}
	for _, tt := range []struct {
		name    string
		kind    outbound.ResourceKind
		bought  int   // resources of the kind in the answer
		err     error // what the error wraps
		refused bool
		calls   *pooltest.Provisioner // which provisioner was asked
	}{
		{"domains", outbound.KindDomain, 2, nil, false, domains},
		{"phones: the provisioner's error as it is", outbound.KindPhone, 0, down, false, phones},
		{"seats: none", outbound.KindLinkedInSeat, 0, pool.ErrPurchaseRefused, true, nil},
		{"mail senders: a nil one", outbound.KindMailSender, 0, pool.ErrPurchaseRefused, true, nil},
	} {
		before := map[*pooltest.Provisioner]int{domains: len(domains.Calls()), phones: len(phones.Calls())}
		o := outbound.Order{Key: "pool-" + string(tt.kind) + "-1", Kind: tt.kind, Count: 2}
		rs, err := b.Purchase(context.Background(), o)
		n := 0
		for _, r := range rs {
			if r.Kind == tt.kind {
				n++
			}
		}
		require.Equal(t, tt.bought, n, tt.name)
		if tt.err == nil {
			require.NoError(t, err, tt.name)
		} else {
			require.ErrorIs(t, err, tt.err, tt.name)
		}
		require.Equal(t, tt.refused, errors.Is(err, pool.ErrPurchaseRefused), tt.name)
		if tt.refused {
			require.ErrorContains(t, err, "no provisioner buys "+string(tt.kind), tt.name)
		}
		for p, n := range before {
			want := n
			if p == tt.calls {
				want++
			}
			require.Len(t, p.Calls(), want, "%s: only the kind's provisioner is asked", tt.name)
		}
	}
}

// In a pool, a kind with no provisioner fails its order and alerts; the
// others are bought.
func TestByKindInAPool(t *testing.T) {
	t.Parallel()
	domains := &pooltest.Provisioner{}
	b := shortOfDomains(t, func(c *pool.Config) { c.Provisioner = pool.ByKind{outbound.KindPhone: &pooltest.Provisioner{}} })
	rep, err := b.pool.CheckBuffer(b.ctx)
	require.ErrorIs(t, err, pool.ErrPurchaseRefused)
	require.Len(t, rep.Orders, 1)
	require.Equal(t, outbound.OrderFailed, rep.Orders[0].State)
	require.Contains(t, rep.Orders[0].Error, "no provisioner buys domain")
	failed := b.alerts.Of(pool.AlertPurchaseFailed)
	require.Len(t, failed, 1)
	require.Contains(t, failed[0].Message, "no provisioner buys domain")

	b = shortOfDomains(t, func(c *pool.Config) { c.Provisioner = pool.ByKind{outbound.KindDomain: domains} })
	rep, err = b.pool.CheckBuffer(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Kinds[outbound.KindDomain].Bought)
	require.Equal(t, 2, domains.Bought(outbound.KindDomain))
}
