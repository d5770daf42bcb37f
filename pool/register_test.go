package pool_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
)

// owned is what a host registers: a domain with its two mailboxes, a
// number, a LinkedIn account and a mail sender, bought 90 days ago.
func owned() []pool.Registration {
	at := t0.Add(-90 * day)
	return []pool.Registration{
		{Kind: outbound.KindDomain, Provider: "infraforge", ProviderRef: "dom_1", Address: "acme-mail.com", PurchasedAt: at},
		{Kind: outbound.KindMailbox, Provider: "infraforge", ProviderRef: "mb_1", Address: "sam@acme-mail.com", Domain: "dom_1"},
		{Kind: outbound.KindMailbox, Provider: "infraforge", ProviderRef: "mb_2", Address: "jo@acme-mail.com", Domain: "dom_1"},
		{Kind: outbound.KindPhone, Provider: "twilio", ProviderRef: "PN1", Address: "+61291234567", PurchasedAt: at},
		{Kind: outbound.KindLinkedInSeat, Provider: "unipile", ProviderRef: "acc_1", Address: "sam-acme", PurchasedAt: at},
		{Kind: outbound.KindMailSender, Provider: "lob", ProviderRef: "adr_1", Address: "Acme Pty Ltd", PurchasedAt: at},
	}
}

func TestRegisterAddsTheHostsResources(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rs, err := b.pool.Register(b.ctx, owned())
	require.NoError(t, err)
	require.Len(t, rs, 6)
	for i, want := range owned() {
		r := rs[i]
		require.Equal(t, want.Kind, r.Kind)
		require.Equal(t, want.Provider, r.Provider)
		require.Equal(t, want.ProviderRef, r.ProviderRef)
		require.Equal(t, want.Address, r.Address)
		require.Equal(t, t0.Add(-90*day), r.PurchasedAt, "a mailbox follows its domain")
		require.Equal(t, outbound.StateAvailable, r.State)
		require.Equal(t, r, b.get(t, r.ID))
	}
	require.Equal(t, rs[0].ID, rs[1].Parent)
	require.Equal(t, rs[0].ID, rs[2].Parent)
	requireInLine(t, b)

	// Registering the same again changes nothing, a new address included.
	again := owned()
	again[3].Address = "+61299999999"
	rs2, err := b.pool.Register(b.ctx, again)
	require.NoError(t, err)
	require.Equal(t, rs, rs2)
	require.Len(t, b.list(t, storage.ResourceFilter{}), 6)
}

func TestRegisterYoungDomainWarmsAndMailboxJoinsLater(t *testing.T) {
	t.Parallel()
	b := setup(t)
	regs := owned()[:2]
	regs[0].PurchasedAt = t0.Add(-5 * day)
	rs, err := b.pool.Register(b.ctx, regs)
	require.NoError(t, err)
	require.Equal(t, outbound.StateWarming, rs[0].State)

	// A mailbox created later on a registered domain (a provider's event).
	rs, err = b.pool.Register(b.ctx, []pool.Registration{owned()[2]})
	require.NoError(t, err)
	require.Len(t, rs, 3, "the domain, followed by all its mailboxes")
	require.Equal(t, outbound.StateWarming, rs[1].State)
	require.Len(t, b.list(t, storage.ResourceFilter{Parent: rs[0].ID}), 2)

	b.clock.Advance(9 * day)
	n, err := b.pool.Promote(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	requireInLine(t, b)
}

func TestRegisterStraightToAClient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.client(t, "starter")
	regs := owned()
	for i := range regs {
		if regs[i].Kind != outbound.KindMailbox {
			regs[i].Client = id
		}
	}
	rs, err := b.pool.Register(b.ctx, regs)
	require.NoError(t, err)
	for _, r := range rs {
		require.Equal(t, outbound.StateAssigned, r.State)
		require.Equal(t, id, r.Client)
	}
	mine, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Len(t, mine, 6)
	requireInLine(t, b)
}

func TestRegisterRejectsBadRegistrations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	active := b.client(t, "starter")
	gone := b.client(t, "starter")
	require.NoError(t, b.pool.Churn(b.ctx, gone))
	young := owned()[0]
	young.PurchasedAt = t0.Add(-day)
	young.Client = active

	tests := []struct {
		name  string
		mod   func([]pool.Registration) []pool.Registration
		field string
	}{
		{"no provider", func(r []pool.Registration) []pool.Registration { r[3].Provider = ""; return r }, "Provider"},
		{"no ref", func(r []pool.Registration) []pool.Registration { r[4].ProviderRef = ""; return r }, "ProviderRef"},
		{"unknown kind", func(r []pool.Registration) []pool.Registration { r[4].Kind = "fax"; return r }, "Kind"},
		{"phone not E.164", func(r []pool.Registration) []pool.Registration { r[3].Address = "02 9123 4567"; return r }, "Address"},
		{"domain with @", func(r []pool.Registration) []pool.Registration { r[0].Address = "a@acme.com"; return r }, "Address"},
		{"no sender name", func(r []pool.Registration) []pool.Registration { r[5].Address = ""; return r }, "Address"},
		{"future purchase", func(r []pool.Registration) []pool.Registration { r[4].PurchasedAt = t0.Add(day); return r }, "PurchasedAt"},
		{"mailbox without its domain", func(r []pool.Registration) []pool.Registration { return r[1:] }, "Domain"},
		{"mailbox naming no domain", func(r []pool.Registration) []pool.Registration { r[1].Domain = ""; return r }, "Domain"},
		{"mailbox off its domain", func(r []pool.Registration) []pool.Registration { r[2].Address = "jo@other.com"; return r }, "Address"},
		{"mailbox given a client", func(r []pool.Registration) []pool.Registration { r[2].Client = active; return r }, "Client"},
		{"unknown client", func(r []pool.Registration) []pool.Registration {
			r[3].Client = outbound.ClientID{UUID: b.clients()}
			return r
		}, "Client"},
		{"churned client", func(r []pool.Registration) []pool.Registration { r[3].Client = gone; return r }, "Client"},
		{"young domain to a client", func(r []pool.Registration) []pool.Registration { return append(r[3:], young) }, "Client"},
		{"twice in one call", func(r []pool.Registration) []pool.Registration { return append(r, r[3]) }, "ProviderRef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.pool.Register(b.ctx, tt.mod(owned()))
			require.ErrorIs(t, err, invalid.ErrInvalid)
			var fe *pool.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
			require.Contains(t, fe.Record, "Registration[")
			require.Empty(t, b.list(t, storage.ResourceFilter{}), "nothing is stored")
		})
	}

	// Every problem is reported, not only the first.
	regs := owned()
	regs[3].Address, regs[4].ProviderRef = "123", ""
	_, err := b.pool.Register(b.ctx, regs)
	var n int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *pool.FieldError
		if errors.As(e, &fe) {
			n++
		}
	}
	require.Equal(t, 2, n)
}

func TestRegisterBackfillsShortClients(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.client(t, "starter")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, 1, a.Short[outbound.KindPhone])

	_, err = b.pool.Register(b.ctx, owned()[3:4])
	require.NoError(t, err)
	mine, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, 1, kinds(mine)[outbound.KindPhone])
}

func TestByReference(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.prov.SetPending(true)
	id := b.client(t, "starter")
	_, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	_, err = b.pool.CheckBuffer(b.ctx) // seats bought, provisioning
	require.NoError(t, err)

	// LinkedIn account connected: provisioned, and the short client gets it.
	require.NoError(t, b.pool.ProvisionedRef(b.ctx, "unipile", "unipile-seat-0001"))
	mine, err := b.pool.Resources(b.ctx, id)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	seat := mine[0]
	require.Equal(t, "unipile-seat-0001", seat.ProviderRef)

	// Restricted: paused (and replaced from the pool when it can).
	ch, err := b.pool.PauseRef(b.ctx, "unipile", "unipile-seat-0001", "account restricted")
	require.NoError(t, err)
	require.Equal(t, seat.ID, ch.Domain)
	require.True(t, b.get(t, seat.ID).Paused)

	// Connected again: resumed.
	require.NoError(t, b.pool.ResumeRef(b.ctx, "unipile", "unipile-seat-0001"))
	require.False(t, b.get(t, seat.ID).Paused)

	// Released by the provider: retired.
	require.NoError(t, b.pool.RetireRef(b.ctx, "unipile", "unipile-seat-0001"))
	require.Equal(t, outbound.StateRetired, b.get(t, seat.ID).State)

	require.ErrorIs(t, b.pool.RetireRef(b.ctx, "unipile", "nope"), storage.ErrNotFound)
	require.ErrorIs(t, b.pool.RetireRef(b.ctx, "twilio", "unipile-seat-0001"), storage.ErrNotFound, "a reference is the provider's")
	var fe *pool.FieldError
	require.ErrorAs(t, b.pool.RetireRef(b.ctx, "infraforge", "infraforge-domain-0001-hello"), &fe)
}
