package storagetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

func orderID(n int) outbound.OrderID { return outbound.OrderID{UUID: uid("order", n)} }

func makeOrder(n int) outbound.Order {
	return outbound.Order{
		ID:        orderID(n),
		Key:       fmt.Sprintf("buy-domains-%d", n),
		Kind:      outbound.KindDomain,
		Count:     1 + n%3,
		State:     outbound.OrderPending,
		CreatedAt: at(n),
		UpdatedAt: at(n),
	}
}

func normOrder(o outbound.Order) outbound.Order {
	if len(o.Resources) == 0 {
		o.Resources = nil
	}
	return o
}

func normOrders(os []outbound.Order) []outbound.Order {
	out := make([]outbound.Order, len(os))
	for i, o := range os {
		out[i] = normOrder(o)
	}
	return out
}

func (s suite) testOrders(t *testing.T) {
	s.run(t, "CreateOncePerKey", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		o := makeOrder(1)
		ok, err := st.CreateOrder(ctx, &o)
		require.NoError(t, err)
		require.True(t, ok)

		// A retry under a new ID with the same key finds the first.
		retry := makeOrder(2)
		retry.Key = o.Key
		ok, err = st.CreateOrder(ctx, &retry)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, makeOrder(1), normOrder(retry), "filled in with the stored order")
		_, err = st.GetOrder(ctx, orderID(2))
		requireNotFoundMsg(t, err, "the retry's own ID is not stored")

		same := makeOrder(1)
		ok, err = st.CreateOrder(ctx, &same)
		require.NoError(t, err)
		require.False(t, ok, "the very same order twice")

		clash := makeOrder(3)
		clash.ID = o.ID
		ok, err = st.CreateOrder(ctx, &clash)
		requireConflict(t, err, "an ID stored under another key")
		require.False(t, ok)
		_, err = st.GetOrder(ctx, orderID(3))
		requireNotFound(t, err)
		list, err := st.ListOrders(ctx)
		require.NoError(t, err)
		require.Equal(t, []outbound.Order{makeOrder(1)}, normOrders(list))
	})
	s.run(t, "ConcurrentSameKeyOnce", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const n = 16
		stored := make([]bool, n)
		orders := make([]outbound.Order, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				o := makeOrder(i)
				o.Key = "buy-the-same"
				stored[i], errs[i] = st.CreateOrder(ctx, &o)
				orders[i] = o
			})
		}
		wg.Wait()
		winners := 0
		var id outbound.OrderID
		for i := range n {
			require.NoError(t, errs[i])
			if stored[i] {
				winners++
				id = orders[i].ID
			}
		}
		require.Equal(t, 1, winners, "one order per key, however many retries race")
		for i := range n {
			require.Equal(t, id, orders[i].ID, "every retry learns the stored order")
		}
	})
	s.run(t, "GetUpdate", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		o := makeOrder(1)
		_, err := st.GetOrder(ctx, o.ID)
		requireNotFound(t, err)
		requireNotFound(t, st.UpdateOrder(ctx, &o))
		_, err = st.GetOrder(ctx, o.ID)
		requireNotFoundMsg(t, err, "an update of a missing order must not create it")

		ok, err := st.CreateOrder(ctx, &o)
		require.NoError(t, err)
		require.True(t, ok)
		o.State, o.Provider, o.UpdatedAt = outbound.OrderPlaced, "infraforge", at(5).In(sydney)
		require.NoError(t, st.UpdateOrder(ctx, &o))
		got, err := st.GetOrder(ctx, o.ID)
		require.NoError(t, err)
		requireUTC(t, at(5), got.UpdatedAt)
		o.UpdatedAt = at(5)
		require.Equal(t, o, normOrder(*got))

		o.State, o.Resources, o.UpdatedAt = outbound.OrderFulfilled, []outbound.ResourceID{resourceID(1), resourceID(2)}, at(9)
		require.NoError(t, st.UpdateOrder(ctx, &o))
		o.Resources[0] = resourceID(99) // the caller's slice after the update
		got, err = st.GetOrder(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, []outbound.ResourceID{resourceID(1), resourceID(2)}, got.Resources)
		got.Resources[1] = resourceID(98) // the returned slice
		again, err := st.GetOrder(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, []outbound.ResourceID{resourceID(1), resourceID(2)}, again.Resources)

		rekeyed := *again
		rekeyed.Key, rekeyed.State = "another-key", outbound.OrderFailed
		requireConflict(t, st.UpdateOrder(ctx, &rekeyed), "an update may not change the key")
		after, err := st.GetOrder(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, *again, *after, "a refused update changes nothing")
	})
	s.run(t, "ListByState", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		states := []outbound.OrderState{outbound.OrderPending, outbound.OrderPlaced, outbound.OrderFulfilled, outbound.OrderFailed}
		var all []outbound.Order
		for n := range 12 {
			o := makeOrder(n)
			o.State = states[n%len(states)]
			o.CreatedAt = at((n * 5) % 7) // ties
			ok, err := st.CreateOrder(ctx, &o)
			require.NoError(t, err)
			require.True(t, ok)
			all = append(all, o)
		}
		byAge := slices.Clone(all)
		slices.SortStableFunc(byAge, func(a, b outbound.Order) int {
			if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
				return c
			}
			return cmpUUID(a.ID.UUID, b.ID.UUID)
		})
		pick := func(keep ...outbound.OrderState) []outbound.Order {
			var out []outbound.Order
			for _, o := range byAge {
				if slices.Contains(keep, o.State) {
					out = append(out, o)
				}
			}
			return out
		}
		got, err := st.ListOrders(ctx)
		require.NoError(t, err)
		require.Equal(t, byAge, normOrders(got), "every order, oldest first, then by ID")
		got, err = st.ListOrders(ctx, outbound.OrderPending, outbound.OrderPlaced)
		require.NoError(t, err)
		require.Equal(t, pick(outbound.OrderPending, outbound.OrderPlaced), normOrders(got), "the open ones")
		got, err = st.ListOrders(ctx, outbound.OrderFailed)
		require.NoError(t, err)
		require.Equal(t, pick(outbound.OrderFailed), normOrders(got))
		got, err = st.ListOrders(ctx, "lost")
		require.NoError(t, err)
		require.Empty(t, got)
	})
	s.run(t, "Validation", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		tests := []struct {
			field string
			edit  func(o *outbound.Order)
		}{
			{"id", func(o *outbound.Order) { o.ID = outbound.OrderID{} }},
			{"key", func(o *outbound.Order) { o.Key = "" }},
			{"kind", func(o *outbound.Order) { o.Kind = outbound.KindMailbox }},
			{"kind", func(o *outbound.Order) { o.Kind = "pigeon" }},
			{"count", func(o *outbound.Order) { o.Count = 0 }},
			{"state", func(o *outbound.Order) { o.State = "lost" }},
		}
		for _, tt := range tests {
			o := makeOrder(1)
			tt.edit(&o)
			ok, err := st.CreateOrder(ctx, &o)
			requireInvalid(t, err, tt.field)
			require.False(t, ok)
		}
		got, err := st.ListOrders(ctx)
		require.NoError(t, err)
		require.Empty(t, got, "nothing invalid was stored")
		o := makeOrder(1)
		ok, err := st.CreateOrder(ctx, &o)
		require.NoError(t, err)
		require.True(t, ok)
		o.Count = -1
		requireInvalid(t, st.UpdateOrder(ctx, &o), "count")
	})
}

func (s suite) testAllowances(t *testing.T) {
	a, b := clientID(1), clientID(2)
	march, april := at(0), at(31*24*60)
	used := func(t *testing.T, st storage.Store, c outbound.ClientID, period time.Time) int {
		t.Helper()
		n, err := st.AllowanceUsed(t.Context(), c, period)
		require.NoError(t, err)
		return n
	}
	take := func(t *testing.T, st storage.Store, c outbound.ClientID, period time.Time, n, limit int) int {
		t.Helper()
		got, err := st.TakeAllowance(t.Context(), c, period, n, limit)
		require.NoError(t, err)
		return got
	}
	s.run(t, "NeverPastTheLimit", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		require.Zero(t, used(t, st, a, march), "nothing taken yet")
		require.Equal(t, 30, take(t, st, a, march, 30, 100))
		require.Equal(t, 60, take(t, st, a, march, 60, 100))
		require.Equal(t, 10, take(t, st, a, march, 30, 100), "the rest, partly")
		require.Zero(t, take(t, st, a, march, 5, 100), "used up")
		require.Equal(t, 100, used(t, st, a, march))

		require.Equal(t, 40, take(t, st, a, april, 40, 100), "another period counts apart")
		require.Equal(t, 7, take(t, st, b, march, 7, 100), "another client counts apart")
		require.Equal(t, 100, used(t, st, a, march))
		require.Equal(t, 40, used(t, st, a, april.In(sydney)), "a period is an instant, whatever its zone")

		require.NoError(t, st.ReturnAllowance(ctx, a, march, 25))
		require.Equal(t, 75, used(t, st, a, march))
		require.Equal(t, 25, take(t, st, a, march, 30, 100), "what was given back can be taken again")
		require.NoError(t, st.ReturnAllowance(ctx, a, march, 0))
		require.Equal(t, 100, used(t, st, a, march), "giving back nothing changes nothing")
		require.NoError(t, st.ReturnAllowance(ctx, b, march, 50))
		require.Zero(t, used(t, st, b, march), "never below zero")
		require.Equal(t, 100, take(t, st, b, march, 100, 100), "and the whole allowance is there after")

		// A lower limit (a smaller plan) grants nothing past it, and takes
		// nothing back.
		require.Zero(t, take(t, st, a, march, 10, 50))
		require.Equal(t, 100, used(t, st, a, march))
		require.Zero(t, take(t, st, a, april, 10, 0), "a limit of zero grants nothing")
	})
	s.run(t, "ConcurrentTakes", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const goroutines, each, limit = 20, 10, 100
		granted := make([]int, goroutines)
		errs := make([]error, goroutines)
		var wg sync.WaitGroup
		for i := range goroutines {
			wg.Go(func() { granted[i], errs[i] = st.TakeAllowance(ctx, a, march, each, limit) })
		}
		wg.Wait()
		total := 0
		for i := range goroutines {
			require.NoError(t, errs[i])
			require.True(t, granted[i] == 0 || granted[i] == each, "whole grants: %d", granted[i])
			total += granted[i]
		}
		require.Equal(t, limit, total, "exactly the limit is granted in all")
		require.Equal(t, limit, used(t, st, a, march))

		// Uneven asks: one of them is granted the rest, in part.
		for i := range goroutines {
			wg.Go(func() { granted[i], errs[i] = st.TakeAllowance(ctx, a, april, 7, limit) })
		}
		wg.Wait()
		total, partial := 0, 0
		for i := range goroutines {
			require.NoError(t, errs[i])
			total += granted[i]
			if granted[i] != 0 && granted[i] != 7 {
				partial++
			}
		}
		require.Equal(t, limit, total)
		require.Equal(t, 1, partial, "100 = 14 × 7 + 2")
	})
	s.run(t, "Validation", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		for _, tt := range []struct {
			field         string
			client        outbound.ClientID
			period        time.Time
			n, limit      int
			returnInstead bool
		}{
			{"client", outbound.ClientID{}, march, 1, 10, false},
			{"period", a, time.Time{}, 1, 10, false},
			{"n", a, march, 0, 10, false},
			{"n", a, march, -3, 10, false},
			{"limit", a, march, 1, -1, false},
			{"client", outbound.ClientID{}, march, 1, 0, true},
			{"n", a, march, -1, 0, true},
		} {
			if tt.returnInstead {
				requireInvalid(t, st.ReturnAllowance(ctx, tt.client, tt.period, tt.n), tt.field)
				continue
			}
			got, err := st.TakeAllowance(ctx, tt.client, tt.period, tt.n, tt.limit)
			requireInvalid(t, err, tt.field)
			require.Zero(t, got)
		}
		require.Zero(t, used(t, st, a, march))
	})
}

func (s suite) testSpacing(t *testing.T) {
	mb1, mb2 := resourceID(1), resourceID(2)
	gap := 4 * time.Minute
	space := func(t *testing.T, st storage.Store, r outbound.ResourceID, m int) (bool, time.Time) {
		t.Helper()
		ok, next, err := st.SpaceSend(t.Context(), r, at(m), gap)
		require.NoError(t, err)
		return ok, next
	}
	s.run(t, "KeepsSendsApart", func(t *testing.T, st storage.Store) {
		ok, _ := space(t, st, mb1, 10)
		require.True(t, ok, "the first send of a mailbox")
		ok, next := space(t, st, mb1, 12)
		require.False(t, ok, "within the gap")
		requireUTC(t, at(14), next)
		ok, next = space(t, st, mb1, 13)
		require.False(t, ok)
		requireUTC(t, at(14), next, "a refused send records nothing: the gap counts from the last send")
		ok, _ = space(t, st, mb2, 12)
		require.True(t, ok, "another mailbox is spaced apart")
		ok, _ = space(t, st, mb1, 14)
		require.True(t, ok, "exactly the gap after")
		ok, next = space(t, st, mb1, 11)
		require.False(t, ok, "before the last send")
		requireUTC(t, at(18), next, "the last send is the one at minute 14")

		ok, _, err := st.SpaceSend(t.Context(), mb1, at(18).In(sydney), gap)
		require.NoError(t, err)
		require.True(t, ok, "an instant in another zone compares as the instant it is")
		ok, next, err = st.SpaceSend(t.Context(), mb1, at(19), gap)
		require.NoError(t, err)
		require.False(t, ok)
		requireUTC(t, at(22), next)
	})
	s.run(t, "ConcurrentSameInstant", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const n = 16
		oks := make([]bool, n)
		nexts := make([]time.Time, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { oks[i], nexts[i], errs[i] = st.SpaceSend(ctx, mb1, at(30), gap) })
		}
		wg.Wait()
		sent := 0
		for i := range n {
			require.NoError(t, errs[i])
			if oks[i] {
				sent++
				continue
			}
			requireUTC(t, at(34), nexts[i])
		}
		require.Equal(t, 1, sent, "one send of those at one instant goes")
	})
	s.run(t, "Validation", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		_, _, err := st.SpaceSend(ctx, outbound.ResourceID{}, at(1), gap)
		requireInvalid(t, err, "resource")
		_, _, err = st.SpaceSend(ctx, mb1, time.Time{}, gap)
		requireInvalid(t, err, "at")
		_, _, err = st.SpaceSend(ctx, mb1, at(1), -time.Second)
		requireInvalid(t, err, "gap")
		ok, _ := space(t, st, mb1, 1)
		require.True(t, ok, "nothing was recorded by the invalid calls")
	})
}
