package storagetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// mailboxesPerDomain is how many mailboxes the suite's domains have.
const mailboxesPerDomain = 3

// seedDomain stores domain n, in state with client, and its mailboxes in
// the same state with the same client; it returns the domain as stored.
func seedDomain(t *testing.T, st storage.Store, n int, state outbound.ResourceState, client outbound.ClientID) outbound.Resource {
	t.Helper()
	ctx := t.Context()
	dom := outbound.Resource{
		ID:          resourceID(n),
		Kind:        outbound.KindDomain,
		Provider:    "infraforge",
		ProviderRef: fmt.Sprintf("dom-%d", n),
		Address:     fmt.Sprintf("sender%d.example", n),
		State:       state,
		Client:      client,
		CreatedAt:   at(-60 * 24 * 60),
		PurchasedAt: at(-60 * 24 * 60),
	}
	require.NoError(t, st.CreateResource(ctx, &dom))
	for i := range mailboxesPerDomain {
		mb := dom
		mb.ID = resourceID(n*100 + 10_000 + i)
		mb.Kind, mb.Parent = outbound.KindMailbox, dom.ID
		mb.ProviderRef = fmt.Sprintf("dom-%d/mb-%d", n, i)
		mb.Address = fmt.Sprintf("mb%d@sender%d.example", i, n)
		require.NoError(t, st.CreateResource(ctx, &mb))
	}
	return dom
}

// seedOne stores a resource of kind that is not a domain (a phone, a seat,
// a mail sender), n-th of the suite.
func seedOne(t *testing.T, st storage.Store, n int, kind outbound.ResourceKind, state outbound.ResourceState, client outbound.ClientID) outbound.Resource {
	t.Helper()
	r := outbound.Resource{
		ID: resourceID(n), Kind: kind, Provider: "twilio", ProviderRef: fmt.Sprintf("PN%d", n),
		State: state, Client: client, CreatedAt: at(0), PurchasedAt: at(0),
	}
	require.NoError(t, st.CreateResource(t.Context(), &r))
	return r
}

func listMailboxes(t *testing.T, st storage.Store, domain outbound.ResourceID) []outbound.Resource {
	t.Helper()
	got, err := st.ListResources(t.Context(), storage.ResourceFilter{Parent: domain})
	require.NoError(t, err)
	return got
}

// requireWhere checks that the resource and, for a domain, each of its
// mailboxes is in state with client and held until heldUntil.
func requireWhere(t *testing.T, st storage.Store, id outbound.ResourceID, state outbound.ResourceState, client outbound.ClientID, heldUntil time.Time, msg string) {
	t.Helper()
	r, err := st.GetResource(t.Context(), id)
	require.NoError(t, err)
	rs := []outbound.Resource{*r}
	if r.Kind == outbound.KindDomain {
		boxes := listMailboxes(t, st, id)
		require.Len(t, boxes, mailboxesPerDomain, msg)
		rs = append(rs, boxes...)
	}
	for _, r := range rs {
		require.Equal(t, state, r.State, "%s: %s %s", msg, r.Kind, r.ID)
		require.Equal(t, client, r.Client, "%s: %s %s", msg, r.Kind, r.ID)
		require.True(t, heldUntil.Equal(r.HeldUntil), "%s: %s %s held until %v", msg, r.Kind, r.ID, r.HeldUntil)
	}
}

// requireResources checks that the stored resources are want.
func requireResources(t *testing.T, st storage.Store, want []outbound.Resource, msg string) {
	t.Helper()
	got, err := st.ListResources(t.Context(), storage.ResourceFilter{})
	require.NoError(t, err)
	require.Equal(t, want, got, msg)
}

func allResources(t *testing.T, st storage.Store) []outbound.Resource {
	t.Helper()
	got, err := st.ListResources(t.Context(), storage.ResourceFilter{})
	require.NoError(t, err)
	return got
}

func (s suite) testMoves(t *testing.T) {
	a, b := clientID(1), clientID(2)
	none := outbound.ClientID{}
	assign := func(id outbound.ResourceID, to outbound.ClientID, limit int) storage.Move {
		return storage.Move{Resource: id, From: outbound.StateAvailable, To: outbound.StateAssigned, ToClient: to, Limit: limit}
	}
	s.run(t, "DomainMovesWithMailboxes", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		d1 := seedDomain(t, st, 1, outbound.StateAvailable, none)
		d2 := seedDomain(t, st, 2, outbound.StateAvailable, none)

		moved, err := st.MoveResource(ctx, assign(d1.ID, a, 0))
		require.NoError(t, err)
		require.True(t, moved)
		requireWhere(t, st, d1.ID, outbound.StateAssigned, a, time.Time{}, "assigned")
		requireWhere(t, st, d2.ID, outbound.StateAvailable, none, time.Time{}, "another domain's mailboxes stay")

		moved, err = st.MoveResource(ctx, storage.Move{
			Resource: d1.ID, From: outbound.StateAssigned, FromClient: a, To: outbound.StateHeld, ToClient: a, HeldUntil: at(30 * 24 * 60).In(sydney),
		})
		require.NoError(t, err)
		require.True(t, moved)
		requireWhere(t, st, d1.ID, outbound.StateHeld, a, at(30*24*60), "held for the client")
		got, err := st.GetResource(ctx, d1.ID)
		require.NoError(t, err)
		requireUTC(t, at(30*24*60), got.HeldUntil)

		moved, err = st.MoveResource(ctx, storage.Move{Resource: d1.ID, From: outbound.StateHeld, FromClient: a, To: outbound.StateAvailable})
		require.NoError(t, err)
		require.True(t, moved)
		requireWhere(t, st, d1.ID, outbound.StateAvailable, none, time.Time{}, "released: no client, no hold")

		// The other fields are left as they were.
		after, err := st.GetResource(ctx, d1.ID)
		require.NoError(t, err)
		want := d1
		want.Version = after.Version
		require.Equal(t, want, *after)
	})
	s.run(t, "OtherKindsMoveAlone", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		for n, k := range []outbound.ResourceKind{outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender} {
			r := seedOne(t, st, n+1, k, outbound.StateAvailable, none)
			moved, err := st.MoveResource(ctx, assign(r.ID, b, 1))
			require.NoError(t, err)
			require.True(t, moved, string(k))
			requireWhere(t, st, r.ID, outbound.StateAssigned, b, time.Time{}, string(k))
		}
	})
	s.run(t, "CompareFailsChangesNothing", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		d1 := seedDomain(t, st, 1, outbound.StateAvailable, none)
		d2 := seedDomain(t, st, 2, outbound.StateAssigned, a)
		before := allResources(t, st)
		for _, m := range []storage.Move{
			{Resource: d1.ID, From: outbound.StateWarming, To: outbound.StateAssigned, ToClient: b},
			{Resource: d1.ID, From: outbound.StateAvailable, FromClient: a, To: outbound.StateAssigned, ToClient: b},
			{Resource: d2.ID, From: outbound.StateAssigned, FromClient: b, To: outbound.StateAvailable},
			{Resource: d2.ID, From: outbound.StateAssigned, To: outbound.StateAvailable},
			{Resource: d2.ID, From: outbound.StateHeld, FromClient: a, To: outbound.StateAvailable},
			assign(d2.ID, b, 0),
		} {
			moved, err := st.MoveResource(ctx, m)
			require.NoError(t, err, "%+v", m)
			require.False(t, moved, "%+v", m)
		}
		requireResources(t, st, before, "a move whose compare fails changes nothing, versions included")

		// The second of two identical moves finds the first made.
		moved, err := st.MoveResource(ctx, assign(d1.ID, b, 0))
		require.NoError(t, err)
		require.True(t, moved)
		moved, err = st.MoveResource(ctx, assign(d1.ID, a, 0))
		require.NoError(t, err)
		require.False(t, moved, "taken: the resource never goes to two clients")
		requireWhere(t, st, d1.ID, outbound.StateAssigned, b, time.Time{}, "still the first client's")
	})
	s.run(t, "Limit", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		for n := 1; n <= 6; n++ {
			seedDomain(t, st, n, outbound.StateAvailable, none)
		}
		phone := seedOne(t, st, 50, outbound.KindPhone, outbound.StateAvailable, none)
		for n := 1; n <= 2; n++ {
			moved, err := st.MoveResource(ctx, assign(resourceID(n), a, 2))
			require.NoError(t, err)
			require.True(t, moved, "domain %d of 2", n)
		}
		before := allResources(t, st)
		moved, err := st.MoveResource(ctx, assign(resourceID(3), a, 2))
		require.NoError(t, err)
		require.False(t, moved, "the client holds 2 of a limit of 2")
		requireResources(t, st, before, "a move over the limit changes nothing")

		moved, err = st.MoveResource(ctx, assign(phone.ID, a, 1))
		require.NoError(t, err)
		require.True(t, moved, "the limit counts the moved resource's kind only; mailboxes are not domains")
		moved, err = st.MoveResource(ctx, assign(resourceID(3), b, 2))
		require.NoError(t, err)
		require.True(t, moved, "the limit counts the target client's resources only")
		moved, err = st.MoveResource(ctx, assign(resourceID(3), a, 3))
		require.NoError(t, err)
		require.False(t, moved, "taken by b")
		moved, err = st.MoveResource(ctx, assign(resourceID(4), a, 3))
		require.NoError(t, err)
		require.True(t, moved, "3 of a limit of 3")

		// A paused domain does not count: it sends nothing.
		d1, err := st.GetResource(ctx, resourceID(1))
		require.NoError(t, err)
		d1.Paused, d1.PauseReason, d1.PausedAt = true, "bounce rate", at(10)
		require.NoError(t, st.UpdateResource(ctx, d1))
		moved, err = st.MoveResource(ctx, assign(resourceID(5), a, 3))
		require.NoError(t, err)
		require.True(t, moved, "a paused domain leaves room for its replacement")
		moved, err = st.MoveResource(ctx, assign(resourceID(6), a, 3))
		require.NoError(t, err)
		require.False(t, moved, "3 unpaused again")

		// Nor does a held one: it is no longer the client's to send from.
		moved, err = st.MoveResource(ctx, storage.Move{
			Resource: resourceID(2), From: outbound.StateAssigned, FromClient: a, To: outbound.StateHeld, ToClient: a, HeldUntil: at(100),
		})
		require.NoError(t, err)
		require.True(t, moved)
		moved, err = st.MoveResource(ctx, assign(resourceID(6), a, 3))
		require.NoError(t, err)
		require.True(t, moved, "a held domain leaves room")
	})
	s.run(t, "Invalid", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		d1 := seedDomain(t, st, 1, outbound.StateAvailable, none)
		boxes := listMailboxes(t, st, d1.ID)
		before := allResources(t, st)
		tests := []struct {
			name  string
			m     storage.Move
			field string
		}{
			{"a mailbox alone", assign(boxes[0].ID, a, 0), "resource"},
			{"no resource", assign(outbound.ResourceID{}, a, 0), "resource"},
			{"unknown from", storage.Move{Resource: d1.ID, From: "free", To: outbound.StateAssigned, ToClient: a}, "from"},
			{"unknown to", storage.Move{Resource: d1.ID, From: outbound.StateAvailable, To: "taken", ToClient: a}, "to"},
			{"assigned to nobody", storage.Move{Resource: d1.ID, From: outbound.StateAvailable, To: outbound.StateAssigned}, "to_client"},
			{"held for nobody", storage.Move{Resource: d1.ID, From: outbound.StateAvailable, To: outbound.StateHeld, HeldUntil: at(9)}, "to_client"},
			{"available to a client", storage.Move{Resource: d1.ID, From: outbound.StateAvailable, To: outbound.StateAvailable, ToClient: a}, "to_client"},
			{"held without an end", storage.Move{Resource: d1.ID, From: outbound.StateAvailable, To: outbound.StateHeld, ToClient: a}, "held_until"},
			{"an end when not held", storage.Move{Resource: d1.ID, From: outbound.StateAvailable, To: outbound.StateAssigned, ToClient: a, HeldUntil: at(9)}, "held_until"},
			{"a negative limit", assign(d1.ID, a, -1), "limit"},
		}
		for _, tt := range tests {
			moved, err := st.MoveResource(ctx, tt.m)
			requireInvalid(t, err, tt.field)
			require.False(t, moved, tt.name)
		}
		requireResources(t, st, before, "an invalid move changes nothing")
		moved, err := st.MoveResource(ctx, assign(resourceID(999), a, 0))
		requireNotFound(t, err)
		require.False(t, moved)
	})
	s.run(t, "ConcurrentAssignments", func(t *testing.T, st storage.Store) {
		s.concurrentAssignments(t, st)
	})
}

// concurrentAssignments has goroutines for 3 clients race to assign every
// available domain, each to its own client, with a limit of 2: every
// resource ends with one owner, every client with exactly its 2 domains,
// and every mailbox with its domain's owner and state.
func (s suite) concurrentAssignments(t *testing.T, st storage.Store) {
	ctx := t.Context()
	const domains, limit, perClient = 10, 2, 4
	clients := []outbound.ClientID{clientID(1), clientID(2), clientID(3)}
	for n := 1; n <= domains; n++ {
		seedDomain(t, st, n, outbound.StateAvailable, outbound.ClientID{})
	}
	type win struct {
		domain outbound.ResourceID
		client outbound.ClientID
	}
	var (
		mu   sync.Mutex
		wins []win
		errs []error
		wg   sync.WaitGroup
	)
	for g := range len(clients) * perClient {
		client := clients[g%len(clients)]
		wg.Go(func() {
			avail, err := st.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindDomain, State: outbound.StateAvailable})
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			// Each goroutine starts at its own place in the list, so that
			// they collide on domains and on limits alike.
			for i := range avail {
				d := avail[(i+g)%len(avail)]
				moved, err := st.MoveResource(ctx, storage.Move{
					Resource: d.ID, From: outbound.StateAvailable, To: outbound.StateAssigned, ToClient: client, Limit: limit,
				})
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else if moved {
					wins = append(wins, win{d.ID, client})
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Empty(t, errs)

	wonBy := map[outbound.ResourceID]outbound.ClientID{}
	for _, w := range wins {
		prev, twice := wonBy[w.domain]
		require.False(t, twice, "domain %s assigned twice: to %s and to %s", w.domain, prev, w.client)
		wonBy[w.domain] = w.client
	}
	require.Len(t, wins, len(clients)*limit, "every client reaches its limit: there are domains enough")
	held := map[outbound.ClientID]int{}
	for n := 1; n <= domains; n++ {
		d, err := st.GetResource(ctx, resourceID(n))
		require.NoError(t, err)
		if owner, ok := wonBy[d.ID]; ok {
			requireWhere(t, st, d.ID, outbound.StateAssigned, owner, time.Time{}, "a domain with the client whose move succeeded")
			held[owner]++
			continue
		}
		requireWhere(t, st, d.ID, outbound.StateAvailable, outbound.ClientID{}, time.Time{}, "a domain nobody won stays in the pool")
	}
	for _, c := range clients {
		require.Equal(t, limit, held[c], "client %s", c)
	}
}
