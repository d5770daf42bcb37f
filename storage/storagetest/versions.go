package storagetest

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// clientVersion reads the client's stored Version.
func clientVersion(t *testing.T, st storage.Store, id outbound.ClientID) int64 {
	t.Helper()
	c, err := st.GetClient(t.Context(), id)
	require.NoError(t, err)
	return c.Version
}

// testVersions checks the optimistic updates of clients and resources: a
// write from a stale read is refused and changes nothing, and every
// resource write raises the version of the clients it concerns.
func (s suite) testVersions(t *testing.T) {
	s.run(t, "CreateSetsOne", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		c := makeClient(1)
		c.Version = 7 // stores set it; whatever the caller had is ignored
		require.NoError(t, st.CreateClient(ctx, &c))
		require.Equal(t, int64(1), c.Version, "set in the client given")
		require.Equal(t, int64(1), clientVersion(t, st, c.ID))

		r := makeResource(1)
		r.Version = 7
		require.NoError(t, st.CreateResource(ctx, &r))
		require.Equal(t, int64(1), r.Version)
		got, err := st.GetResource(ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, int64(1), got.Version)
	})
	s.run(t, "ClientUpdateFromStaleRead", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		c := makeClient(1)
		require.NoError(t, st.CreateClient(ctx, &c))
		read, err := st.GetClient(ctx, c.ID)
		require.NoError(t, err)
		stale := *read

		first := *read
		first.Plan = "scale"
		require.NoError(t, st.UpdateClient(ctx, &first))
		require.Equal(t, read.Version+1, first.Version, "an update raises the version by one")
		stored, err := st.GetClient(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, first, *stored, "the new version is set in the client given")

		stale.Name = "stale write"
		requireConflict(t, st.UpdateClient(ctx, &stale))
		require.Equal(t, read.Version, stale.Version, "a refused update leaves the caller's version")
		after, err := st.GetClient(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, first, *after, "a refused update changes nothing")

		// Read again, and the update goes through.
		again := *after
		again.Name = "fresh write"
		require.NoError(t, st.UpdateClient(ctx, &again))
		require.Greater(t, again.Version, first.Version)
	})
	s.run(t, "ResourceUpdateFromStaleRead", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		r := makeResource(1)
		require.NoError(t, st.CreateResource(ctx, &r))
		stale := r

		first := r
		first.Paused, first.PauseReason, first.PausedAt = true, "bounce rate", at(5)
		require.NoError(t, st.UpdateResource(ctx, &first))
		require.Equal(t, r.Version+1, first.Version)
		stored, err := st.GetResource(ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, first, *stored)

		stale.Address = "stale@example.com"
		requireConflict(t, st.UpdateResource(ctx, &stale))
		after, err := st.GetResource(ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, first, *after, "a refused update changes nothing")
	})
	s.run(t, "ConcurrentUpdatesOneWins", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		c := makeClient(1)
		require.NoError(t, st.CreateClient(ctx, &c))
		const n = 16
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				mine := c // every writer read the same version
				mine.Name = "writer " + string(rune('a'+i))
				errs[i] = st.UpdateClient(ctx, &mine)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			requireConflict(t, err)
		}
		require.Equal(t, 1, won, "one writer of a version wins; the others are refused")
	})
	s.run(t, "ResourceWritesRaiseClients", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b := makeClient(1), makeClient(2)
		require.NoError(t, st.CreateClient(ctx, &a))
		require.NoError(t, st.CreateClient(ctx, &b))
		raised := func(id outbound.ClientID, before int64, what string) int64 {
			t.Helper()
			v := clientVersion(t, st, id)
			require.Greater(t, v, before, what)
			return v
		}
		same := func(id outbound.ClientID, before int64, what string) {
			t.Helper()
			require.Equal(t, before, clientVersion(t, st, id), what)
		}
		va, vb := a.Version, b.Version

		r := makeResource(1)
		r.Kind, r.Parent, r.State, r.Client = outbound.KindPhone, outbound.ResourceID{}, outbound.StateAssigned, a.ID
		require.NoError(t, st.CreateResource(ctx, &r))
		va = raised(a.ID, va, "a resource created for the client")
		same(b.ID, vb, "another client's version")

		r.Paused, r.PauseReason, r.PausedAt = true, "complaints", at(1)
		require.NoError(t, st.UpdateResource(ctx, &r))
		va = raised(a.ID, va, "a pause of its resource")

		r.Client = b.ID
		require.NoError(t, st.UpdateResource(ctx, &r))
		va = raised(a.ID, va, "the client that held it")
		vb = raised(b.ID, vb, "the client that holds it")

		// A client written from a read older than a resource write is
		// stale: its picture of its resources is.
		stale := a
		stale.Name = "stale"
		requireConflict(t, st.UpdateClient(ctx, &stale))

		moved, err := st.MoveResource(ctx, storage.Move{
			Resource: r.ID, From: outbound.StateAssigned, FromClient: b.ID, To: outbound.StateAvailable,
		})
		require.NoError(t, err)
		require.True(t, moved)
		vb = raised(b.ID, vb, "a move away from the client")
		same(a.ID, va, "a client the move does not concern")

		moved, err = st.MoveResource(ctx, storage.Move{
			Resource: r.ID, From: outbound.StateAvailable, To: outbound.StateAssigned, ToClient: a.ID,
		})
		require.NoError(t, err)
		require.True(t, moved)
		raised(a.ID, va, "a move to the client")
		same(b.ID, vb, "a client the move does not concern")
	})
	s.run(t, "MoveRaisesBothClients", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b := makeClient(1), makeClient(2)
		require.NoError(t, st.CreateClient(ctx, &a))
		require.NoError(t, st.CreateClient(ctx, &b))
		dom := seedDomain(t, st, 1, outbound.StateAssigned, a.ID)
		va, vb := clientVersion(t, st, a.ID), clientVersion(t, st, b.ID)
		moved, err := st.MoveResource(ctx, storage.Move{
			Resource: dom.ID, From: outbound.StateAssigned, FromClient: a.ID, To: outbound.StateAssigned, ToClient: b.ID,
		})
		require.NoError(t, err)
		require.True(t, moved)
		require.Greater(t, clientVersion(t, st, a.ID), va, "the client that held it")
		require.Greater(t, clientVersion(t, st, b.ID), vb, "the client that holds it")
	})
	s.run(t, "MoveRaisesResourceVersions", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		dom := seedDomain(t, st, 1, outbound.StateAvailable, outbound.ClientID{})
		boxes := listMailboxes(t, st, dom.ID)
		moved, err := st.MoveResource(ctx, storage.Move{
			Resource: dom.ID, From: outbound.StateAvailable, To: outbound.StateAssigned, ToClient: clientID(1),
		})
		require.NoError(t, err)
		require.True(t, moved)

		// A write from a read made before the move would undo it: refused.
		stale := dom
		stale.Paused = true
		requireConflict(t, st.UpdateResource(ctx, &stale))
		for _, mb := range boxes {
			mb.Paused = true
			requireConflict(t, st.UpdateResource(ctx, &mb), "a mailbox moved with its domain: its version rose too")
		}
		got, err := st.GetResource(ctx, dom.ID)
		require.NoError(t, err)
		require.Equal(t, outbound.StateAssigned, got.State)
		require.Equal(t, clientID(1), got.Client)
		require.False(t, got.Paused)
	})
	s.run(t, "ClientVersions", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		want := map[outbound.ClientID]int64{}
		for n := range 5 {
			c := makeClient(n)
			require.NoError(t, st.CreateClient(ctx, &c))
			for range n { // client n is written n times
				require.NoError(t, st.UpdateClient(ctx, &c))
			}
			want[c.ID] = c.Version
		}
		got, err := st.ClientVersions(ctx, []outbound.ClientID{clientID(4), clientID(0), clientID(99), clientID(2), clientID(4), clientID(1), clientID(3)})
		require.NoError(t, err)
		require.Equal(t, want, got, "every stored client asked for, once; an unknown one left out")
		for n := range 5 {
			require.Equal(t, int64(1+n), got[clientID(n)], "one for the create, one per update")
		}
		got, err = st.ClientVersions(ctx, []outbound.ClientID{clientID(1)})
		require.NoError(t, err)
		require.Equal(t, map[outbound.ClientID]int64{clientID(1): want[clientID(1)]}, got)
		for _, none := range [][]outbound.ClientID{nil, {}, {clientID(99)}} {
			got, err = st.ClientVersions(ctx, none)
			require.NoError(t, err)
			require.Empty(t, got)
		}
	})
}

// testBilling checks the clients' billing keys: unique when set, and the
// way FindClientByBilling looks them up.
func (s suite) testBilling(t *testing.T) {
	billed := func(n int, customer, subscription string) outbound.Client {
		c := makeClient(n)
		c.BillingCustomer, c.BillingSubscription = customer, subscription
		return c
	}
	s.run(t, "UniqueOnCreate", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a := billed(1, "cus_A", "sub_A")
		require.NoError(t, st.CreateClient(ctx, &a))
		for _, c := range []outbound.Client{billed(2, "cus_A", "sub_B"), billed(3, "cus_B", "sub_A"), billed(4, "cus_A", "")} {
			requireConflict(t, st.CreateClient(ctx, &c))
			_, err := st.GetClient(ctx, c.ID)
			requireNotFoundMsg(t, err, "a client with another's billing key is not stored")
		}
		// Empty keys never collide; a customer without a subscription is
		// fine.
		for _, c := range []outbound.Client{billed(5, "", ""), billed(6, "", ""), billed(7, "cus_C", ""), billed(8, "", "sub_D")} {
			require.NoError(t, st.CreateClient(ctx, &c))
		}
	})
	s.run(t, "UniqueOnUpdate", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b := billed(1, "cus_A", "sub_A"), billed(2, "cus_B", "sub_B")
		require.NoError(t, st.CreateClient(ctx, &a))
		require.NoError(t, st.CreateClient(ctx, &b))
		for _, edit := range []func(c *outbound.Client){
			func(c *outbound.Client) { c.BillingCustomer = "cus_A" },
			func(c *outbound.Client) { c.BillingSubscription = "sub_A" },
		} {
			c := b
			edit(&c)
			requireConflict(t, st.UpdateClient(ctx, &c))
			got, err := st.GetClient(ctx, b.ID)
			require.NoError(t, err)
			require.Equal(t, b, *got, "a refused update changes nothing")
		}
		// A client keeps its own keys through an update.
		b.Name = "renamed"
		require.NoError(t, st.UpdateClient(ctx, &b))
		// A key a client gives up is free for another.
		a.BillingCustomer, a.BillingSubscription = "cus_A2", "sub_A2"
		require.NoError(t, st.UpdateClient(ctx, &a))
		b.BillingCustomer = "cus_A"
		require.NoError(t, st.UpdateClient(ctx, &b))
		got, err := st.FindClientByBilling(ctx, "cus_A", "")
		require.NoError(t, err)
		require.Equal(t, b, *got)
		_, err = st.FindClientByBilling(ctx, "", "sub_A")
		requireNotFoundMsg(t, err, "a key given up finds nothing")
	})
	s.run(t, "Find", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b, c := billed(1, "cus_A", "sub_A"), billed(2, "cus_B", "sub_B"), billed(3, "cus_C", "")
		for _, cl := range []*outbound.Client{&a, &b, &c} {
			require.NoError(t, st.CreateClient(ctx, cl))
		}
		tests := []struct {
			name                   string
			customer, subscription string
			want                   *outbound.Client
		}{
			{"both keys", "cus_A", "sub_A", &a},
			{"the subscription", "", "sub_B", &b},
			{"the customer", "cus_B", "", &b},
			{"the subscription first", "cus_A", "sub_B", &b},
			{"an unknown subscription, then the customer", "cus_A", "sub_X", &a},
			{"a customer without a subscription", "cus_C", "sub_C", &c},
			{"a subscription is not a customer", "sub_A", "", nil},
			{"a customer is not a subscription", "", "cus_A", nil},
			{"unknown keys", "cus_X", "sub_X", nil},
			{"compared exactly", "CUS_A", "SUB_A", nil},
			{"no keys", "", "", nil},
		}
		for _, tt := range tests {
			got, err := st.FindClientByBilling(ctx, tt.customer, tt.subscription)
			if tt.want == nil {
				requireNotFoundMsg(t, err, tt.name)
				continue
			}
			require.NoError(t, err, tt.name)
			require.Equal(t, *tt.want, *got, tt.name)
		}
	})
}

// testResourceRefs checks the resources' provider references: found by
// provider and reference, the pair unique when both are set.
func (s suite) testResourceRefs(t *testing.T) {
	res := func(n int, provider, ref string) outbound.Resource {
		r := makeResource(n)
		r.Provider, r.ProviderRef = provider, ref
		return r
	}
	s.run(t, "Find", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		rs := []outbound.Resource{res(1, "infraforge", "dom-1"), res(2, "twilio", "dom-1"), res(3, "twilio", "PN1")}
		for i := range rs {
			require.NoError(t, st.CreateResource(ctx, &rs[i]))
		}
		for _, r := range rs {
			got, err := st.FindResource(ctx, r.Provider, r.ProviderRef)
			require.NoError(t, err)
			require.Equal(t, r, *got, "each provider's own")
		}
		for _, k := range [][2]string{{"infraforge", "PN1"}, {"", "dom-1"}, {"twilio", ""}, {"", ""}, {"Twilio", "PN1"}, {"twilio", "pn1"}} {
			_, err := st.FindResource(ctx, k[0], k[1])
			requireNotFoundMsg(t, err, k[0]+"/"+k[1])
		}
	})
	s.run(t, "UniqueOnCreate", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		r := res(1, "infraforge", "dom-1")
		require.NoError(t, st.CreateResource(ctx, &r))
		dup := res(2, "infraforge", "dom-1")
		requireConflict(t, st.CreateResource(ctx, &dup))
		_, err := st.GetResource(ctx, dup.ID)
		requireNotFoundMsg(t, err, "a resource with another's provider reference is not stored")
		// A pair with an empty half is no key: any number may share it.
		for n, k := range [][2]string{{"infraforge", ""}, {"infraforge", ""}, {"", "dom-1"}, {"", "dom-1"}, {"", ""}, {"", ""}} {
			r := res(10+n, k[0], k[1])
			require.NoError(t, st.CreateResource(ctx, &r))
		}
	})
	s.run(t, "UniqueOnUpdate", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b := res(1, "infraforge", "dom-1"), res(2, "infraforge", "dom-2")
		require.NoError(t, st.CreateResource(ctx, &a))
		require.NoError(t, st.CreateResource(ctx, &b))
		clash := b
		clash.ProviderRef = "dom-1"
		requireConflict(t, st.UpdateResource(ctx, &clash))
		got, err := st.GetResource(ctx, b.ID)
		require.NoError(t, err)
		require.Equal(t, b, *got, "a refused update changes nothing")

		// A resource keeps its own pair; a pair given up is free.
		b.Address = "renamed"
		require.NoError(t, st.UpdateResource(ctx, &b))
		a.ProviderRef = "dom-1b"
		require.NoError(t, st.UpdateResource(ctx, &a))
		_, err = st.FindResource(ctx, "infraforge", "dom-1")
		requireNotFoundMsg(t, err, "the old reference is gone")
		got, err = st.FindResource(ctx, "infraforge", "dom-1b")
		require.NoError(t, err)
		require.Equal(t, a, *got)
		b.ProviderRef = "dom-1"
		require.NoError(t, st.UpdateResource(ctx, &b))
		got, err = st.FindResource(ctx, "infraforge", "dom-1")
		require.NoError(t, err)
		require.Equal(t, b, *got)
	})
}
