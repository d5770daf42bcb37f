package pool_test

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// t0 is a Monday morning: the start of every test's clock.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// seqIDs returns an ID source counting up from 1 under prefix: IDs in order
// of creation, so "ties by ID" are predictable.
func seqIDs(prefix byte) func() uuid.UUID {
	var n atomic.Uint64
	return func() uuid.UUID {
		var u uuid.UUID
		u[0] = prefix
		binary.BigEndian.PutUint64(u[8:], n.Add(1))
		return u
	}
}

type bundle struct {
	ctx     context.Context
	store   *memory.Store
	clock   *timingtest.Clock
	prov    *pooltest.Provisioner
	alerts  *pooltest.Alerter
	pool    *pool.Pool
	clients func() uuid.UUID
}

// setup builds a pool on a fresh memory store, a fake clock at t0, the fake
// provisioner and the recording alerter; mod adjusts the config.
func setup(t testing.TB, mod ...func(*pool.Config)) *bundle {
	t.Helper()
	b := &bundle{
		ctx:     context.Background(),
		store:   memory.New(),
		clock:   timingtest.NewClock(t0),
		prov:    &pooltest.Provisioner{},
		alerts:  &pooltest.Alerter{},
		clients: seqIDs(0xC0),
	}
	cfg := pool.Config{
		Store:       b.store,
		Provisioner: b.prov,
		Alerter:     b.alerts,
		Clock:       b.clock,
		NewID:       seqIDs(0x10),
	}
	for _, m := range mod {
		m(&cfg)
	}
	p, err := pool.New(cfg)
	require.NoError(t, err)
	b.pool = p
	return b
}

// client stores an active client on plan and returns its ID.
func (b *bundle) client(t testing.TB, plan string) outbound.ClientID {
	t.Helper()
	c := &outbound.Client{
		ID: outbound.ClientID{UUID: b.clients()}, Name: "client " + plan, Plan: plan,
		SignupAt: b.clock.Now(), DefaultZone: "Australia/Sydney", State: outbound.ClientActive,
	}
	require.NoError(t, b.store.CreateClient(b.ctx, c))
	return c.ID
}

// stock adds n resources of kind bought ageDays ago.
func (b *bundle) stock(t *testing.T, kind outbound.ResourceKind, n, ageDays int) []outbound.Resource {
	t.Helper()
	rs, err := b.pool.Stock(b.ctx, kind, n, b.clock.Now().Add(-time.Duration(ageDays)*day))
	require.NoError(t, err)
	return rs
}

// stockAll stocks n aged (60-day-old) resources of every plan kind.
func (b *bundle) stockAll(t *testing.T, n int) {
	t.Helper()
	for _, k := range []outbound.ResourceKind{outbound.KindDomain, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender} {
		b.stock(t, k, n, 60)
	}
}

func (b *bundle) get(t *testing.T, id outbound.ResourceID) outbound.Resource {
	t.Helper()
	r, err := b.store.GetResource(b.ctx, id)
	require.NoError(t, err)
	return *r
}

func (b *bundle) list(t *testing.T, f storage.ResourceFilter) []outbound.Resource {
	t.Helper()
	rs, err := b.store.ListResources(b.ctx, f)
	require.NoError(t, err)
	return rs
}

// kinds counts resources by kind.
func kinds(rs []outbound.Resource) map[outbound.ResourceKind]int {
	m := make(map[outbound.ResourceKind]int)
	for _, r := range rs {
		m[r.Kind]++
	}
	return m
}

// planCounts is what plan pl should give a client, mailboxes included.
func planCounts(pl outbound.Plan) map[outbound.ResourceKind]int {
	m := map[outbound.ResourceKind]int{}
	put := func(k outbound.ResourceKind, n int) {
		if n > 0 {
			m[k] = n
		}
	}
	put(outbound.KindDomain, pl.Domains)
	put(outbound.KindMailbox, pl.Domains*outbound.MailboxesPerDomain)
	put(outbound.KindPhone, pl.PhoneNumbers)
	put(outbound.KindLinkedInSeat, pl.LinkedInSeats)
	if pl.MailSender {
		put(outbound.KindMailSender, 1)
	}
	return m
}

func plan(t *testing.T, name string) outbound.Plan {
	t.Helper()
	for _, p := range outbound.DefaultPlans() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no plan %q", name)
	return outbound.Plan{}
}

// requireInLine checks the invariants every stored pool must keep: each
// domain has its mailboxes, each mailbox matches its domain in state,
// client, hold, pause and purchase; a resource has a client exactly when it
// is assigned or held, and a hold deadline exactly when held.
func requireInLine(t *testing.T, b *bundle) {
	t.Helper()
	all := b.list(t, storage.ResourceFilter{})
	byID := make(map[outbound.ResourceID]outbound.Resource, len(all))
	for _, r := range all {
		byID[r.ID] = r
	}
	mailboxes := make(map[outbound.ResourceID]int)
	for _, r := range all {
		owned := r.State == outbound.StateAssigned || r.State == outbound.StateHeld
		require.Equal(t, owned, !r.Client.IsZero(), "resource %s %s: state %s, client %s", r.Kind, r.ID, r.State, r.Client)
		require.Equal(t, r.State == outbound.StateHeld, !r.HeldUntil.IsZero(), "resource %s %s: state %s, held until %s", r.Kind, r.ID, r.State, r.HeldUntil)
		if r.Kind != outbound.KindMailbox {
			require.True(t, r.Parent.IsZero())
			continue
		}
		d, ok := byID[r.Parent]
		require.True(t, ok, "mailbox %s has no domain", r.ID)
		require.Equal(t, outbound.KindDomain, d.Kind)
		mailboxes[d.ID]++
		require.Equal(t, d.State, r.State, "mailbox %s state", r.ID)
		require.Equal(t, d.Client, r.Client, "mailbox %s client", r.ID)
		require.Equal(t, d.Paused, r.Paused, "mailbox %s paused", r.ID)
		require.Equal(t, d.PauseReason, r.PauseReason, "mailbox %s pause reason", r.ID)
		require.True(t, d.HeldUntil.Equal(r.HeldUntil), "mailbox %s hold", r.ID)
		require.True(t, d.PausedAt.Equal(r.PausedAt), "mailbox %s paused at", r.ID)
		require.True(t, d.ResumedAt.Equal(r.ResumedAt), "mailbox %s resumed at", r.ID)
		require.True(t, d.PurchasedAt.Equal(r.PurchasedAt), "mailbox %s purchase", r.ID)
	}
	for _, r := range all {
		if r.Kind == outbound.KindDomain {
			require.Equal(t, outbound.MailboxesPerDomain, mailboxes[r.ID], "domain %s mailboxes", r.ID)
		}
	}
}

// setPlan changes the client's plan in the store.
func (b *bundle) setPlan(t *testing.T, id outbound.ClientID, plan string) {
	t.Helper()
	c, err := b.store.GetClient(b.ctx, id)
	require.NoError(t, err)
	c.Plan = plan
	require.NoError(t, b.store.UpdateClient(b.ctx, c))
}

// process returns another pool on b's store, as a second process would run
// it: its own ID source (prefix), the same clock, provisioner and alerter.
func (b *bundle) process(t testing.TB, prefix byte, mod ...func(*pool.Config)) *pool.Pool {
	t.Helper()
	cfg := pool.Config{Store: b.store, Provisioner: b.prov, Alerter: b.alerts, Clock: b.clock, NewID: seqIDs(prefix)}
	for _, m := range mod {
		m(&cfg)
	}
	p, err := pool.New(cfg)
	require.NoError(t, err)
	return p
}

// ids returns the IDs of rs.
func ids(rs []outbound.Resource) []outbound.ResourceID {
	out := make([]outbound.ResourceID, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
