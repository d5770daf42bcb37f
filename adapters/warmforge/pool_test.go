package warmforge_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/infraforge"
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
	inf, wfs, rs, _ := bought(t)
	wfs.SetStatus(rs[2].Address, warmforgetest.StatusSuspended)

	p, store := registered(t, rs)

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

// What Warmforge measured reaches the pool: a mailbox with a poor
// placement test is throttled by the share that missed the inbox, one
// below the pause line withholds its whole limit, a good one is cleared,
// and a mailbox the pool does not hold is reported.
func TestApplyWritesHealthIntoThePool(t *testing.T) {
	ctx := context.Background()
	inf, wfs, rs, ids := bought(t)
	stranger := wfs.Add(warmforgetest.Mailbox{Address: "someone@elsewhere.example", WarmupEnabled: true})
	wfs.SetPlacement(ids[rs[1].Address], warmforgetest.Placement{Result: 80, EmailSent: 40})
	wfs.SetPlacement(ids[rs[2].Address], warmforgetest.Placement{Result: 30, EmailSent: 40})
	wfs.SetPlacement(stranger, warmforgetest.Placement{Result: 10, EmailSent: 40})

	p, store := registered(t, rs)

	c := newClient(t, wfs, func(c *warmforge.Config) { c.DomainRef = inf.DomainRef })
	rep, err := c.Check(ctx)
	require.NoError(t, err)
	got, err := c.Apply(ctx, rep, p)
	require.NoError(t, err)
	require.Equal(t, map[string]int{rs[1].Address: 20, rs[2].Address: 100}, got.Throttled)
	require.Equal(t, []string{"someone@elsewhere.example"}, got.Unknown)

	boxes, err := store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindMailbox})
	require.NoError(t, err)
	for _, b := range boxes {
		require.False(t, b.Paused, "a mailbox is throttled, never paused alone")
		switch b.Address {
		case rs[1].Address:
			require.Equal(t, 20, b.Throttle)
			require.Contains(t, string(b.ThrottleReason), "warmforge: latest placement test 80% in inbox")
		case rs[2].Address:
			require.Equal(t, 100, b.Throttle)
		}
	}

	// The next reading finds the first one healthy again: cleared.
	wfs.SetPlacement(ids[rs[1].Address], warmforgetest.Placement{Result: 97, EmailSent: 40})
	rep, err = c.Check(ctx)
	require.NoError(t, err)
	got, err = c.Apply(ctx, rep, p)
	require.NoError(t, err)
	require.Contains(t, got.Cleared, rs[1].Address)
	r, err := store.FindResource(ctx, rs[1].Provider, rs[1].ProviderRef)
	require.NoError(t, err)
	require.Zero(t, r.Throttle)
}

// registered is a pool on a memory store holding what InfraForge bought
// (rs: the domain, then its mailboxes), registered as the host's own.
func registered(t *testing.T, rs []outbound.Resource) (*pool.Pool, *memory.Store) {
	t.Helper()
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
	_, err = p.Register(context.Background(), regs)
	require.NoError(t, err)
	return p, store
}

// bought buys a domain with its mailboxes through InfraForge's fake and
// adds the mailboxes, warming, to Warmforge's fake: the InfraForge client,
// the Warmforge fake, what was bought (the domain, then its mailboxes) and
// each mailbox's Warmforge ID by address.
func bought(t *testing.T) (*infraforge.Client, *warmforgetest.Server, []outbound.Resource, map[string]string) {
	t.Helper()
	ifs, inf := newInfraforge(t)
	wfs := warmforgetest.NewServer(warmforgetest.Config{})
	t.Cleanup(wfs.Close)
	rs, err := inf.Purchase(context.Background(), outbound.Order{Key: "order-1", Kind: outbound.KindDomain, Count: 1})
	require.NoError(t, err)
	ids := map[string]string{}
	for _, m := range ifs.Mailboxes() {
		ids[m.Email] = wfs.Add(warmforgetest.Mailbox{Address: m.Email, WarmupEnabled: true})
	}
	return inf, wfs, rs, ids
}
