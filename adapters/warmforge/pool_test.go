package warmforge_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/warmforge"
	"github.com/outbound-go/outbound/adapters/warmforge/warmforgetest"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// What InfraForge bought, stored in a pool, and a mailbox Warmforge then
// reports suspended: the event names a resource the pool can pause, and
// pausing it pauses the domain with its mailboxes, with the reason.
func TestASuspendedMailboxPausesItsDomainInThePool(t *testing.T) {
	ctx := context.Background()
	ifs, inf := newInfraforge(t)
	wfs := warmforgetest.NewServer(warmforgetest.Config{})
	defer wfs.Close()
	rs, err := inf.Purchase(ctx, outbound.Order{Key: "order-1", Kind: outbound.KindDomain, Count: 1})
	require.NoError(t, err)
	for _, m := range ifs.Mailboxes() {
		wfs.Add(warmforgetest.Mailbox{Address: m.Email, WarmupEnabled: true})
	}
	wfs.SetStatus(rs[2].Address, warmforgetest.StatusSuspended)

	store := memory.New()
	p, err := pool.New(pool.Config{Store: store, Clock: timingtest.NewClock(now)})
	require.NoError(t, err)
	var regs []pool.Registration
	for _, r := range rs {
		reg := pool.Registration{Kind: r.Kind, Provider: r.Provider, ProviderRef: r.ProviderRef, Address: r.Address, PurchasedAt: now}
		if r.Kind == outbound.KindMailbox {
			reg.Domain = rs[0].ProviderRef
		}
		regs = append(regs, reg)
	}
	_, err = p.Register(ctx, regs)
	require.NoError(t, err)

	c := newClient(t, wfs, func(c *warmforge.Config) { c.DomainRef = inf.DomainRef })
	rep, err := c.Check(ctx)
	require.NoError(t, err)
	require.Len(t, rep.Events, 1)
	e := rep.Events[0].Provisioning
	reason := string(outbound.Reason(e.Type).WithDetail(e.Reason)) // as distribution applies it
	_, err = p.PauseRef(ctx, e.Provider, e.ProviderRef, reason)
	require.NoError(t, err)

	all, err := store.ListResources(ctx, storage.ResourceFilter{})
	require.NoError(t, err)
	require.Len(t, all, 3)
	for _, r := range all {
		require.True(t, r.Paused, "%s %s", r.Kind, r.Address)
	}
	require.Contains(t, all[0].PauseReason, "mailbox_disconnected")
	require.Contains(t, all[0].PauseReason, rs[2].Address+" suspended")
}
