package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// testEventsApplied checks that events are recorded, then marked applied,
// and that the ones left unapplied can be found: a redelivery or the
// sweeper finishes what a crash left.
func (s suite) testEventsApplied(t *testing.T) {
	s.run(t, "DuplicateTellsWhetherApplied", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		e := makeEvent(1)
		ok, err := st.RecordEvent(ctx, &e)
		require.NoError(t, err)
		require.True(t, ok)

		redelivered := makeEvent(2)
		redelivered.ProviderEventID = e.ProviderEventID
		ok, err = st.RecordEvent(ctx, &redelivered)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, e.ID, redelivered.ID)
		require.True(t, redelivered.AppliedAt.IsZero(), "recorded, not yet applied: the redelivery applies it")

		require.NoError(t, st.MarkEventApplied(ctx, e.ID, at(5).In(sydney)))
		again := makeEvent(3)
		again.ProviderEventID = e.ProviderEventID
		ok, err = st.RecordEvent(ctx, &again)
		require.NoError(t, err)
		require.False(t, ok)
		requireUTC(t, at(5), again.AppliedAt)

		require.NoError(t, st.MarkEventApplied(ctx, e.ID, at(9)))
		got, err := st.ListEvents(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		requireUTC(t, at(5), got[0].AppliedAt)
	})
	s.run(t, "MarkAppliedErrors", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		requireNotFound(t, st.MarkEventApplied(ctx, eventID(77), at(1)))
		e := makeEvent(1)
		ok, err := st.RecordEvent(ctx, &e)
		require.NoError(t, err)
		require.True(t, ok)
		requireInvalid(t, st.MarkEventApplied(ctx, e.ID, time.Time{}), "applied_at")
		requireInvalid(t, st.MarkEventApplied(ctx, outbound.EventID{}, at(1)), "id")
		un, err := st.UnappliedEvents(ctx, at(1000), 10)
		require.NoError(t, err)
		require.Len(t, un, 1, "still unapplied")
	})
	s.run(t, "Unapplied", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		var all []outbound.Event
		for n := range 12 {
			e := makeEvent(n)
			e.RecordedAt = at(10 + n/3) // three at each instant
			require.NoError(t, recordNew(t, st, &e))
			all = append(all, e)
		}
		// Events 0, 4 and 5 are applied.
		for _, n := range []int{0, 4, 5} {
			require.NoError(t, st.MarkEventApplied(ctx, eventID(n), at(20)))
		}
		var want []outbound.Event
		for n, e := range all {
			if n != 0 && n != 4 && n != 5 {
				want = append(want, e)
			}
		}
		want = recordOrder(want)

		got, err := st.UnappliedEvents(ctx, at(100), 100)
		require.NoError(t, err)
		require.Equal(t, want, normEvents(got), "the unapplied, oldest recorded first, then by ID")
		got, err = st.UnappliedEvents(ctx, at(100), 4)
		require.NoError(t, err)
		require.Equal(t, want[:4], normEvents(got), "at most limit")
		got, err = st.UnappliedEvents(ctx, at(12), 100)
		require.NoError(t, err)
		require.Equal(t, want[:3], normEvents(got), "recorded strictly before `before`: events 1, 2 and 3, of minutes 10 and 11")
		got, err = st.UnappliedEvents(ctx, at(10), 100)
		require.NoError(t, err)
		require.Empty(t, got, "none recorded before the first")
		for _, limit := range []int{0, -1} {
			got, err = st.UnappliedEvents(ctx, at(100), limit)
			require.NoError(t, err)
			require.Empty(t, got, "a limit of %d hands out nothing", limit)
		}

		// Applied, an event leaves the list.
		require.NoError(t, st.MarkEventApplied(ctx, want[0].ID, at(30)))
		got, err = st.UnappliedEvents(ctx, at(100), 100)
		require.NoError(t, err)
		require.Equal(t, want[1:], normEvents(got))
	})
	s.run(t, "RecordedApplied", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		e := makeEvent(1)
		e.AppliedAt = at(2)
		require.NoError(t, recordNew(t, st, &e))
		got, err := st.UnappliedEvents(ctx, at(100), 10)
		require.NoError(t, err)
		require.Empty(t, got, "an event recorded with AppliedAt set is applied")
	})
	s.run(t, "KindAndPayload", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		payload := []byte(`{"type":"invoice.payment_failed","subscription":"sub_A"}`)
		e := makeEvent(1)
		e.Provider, e.ProviderEventID = "stripe", "evt_1"
		e.Kind, e.Payload = outbound.EventBilling, append([]byte(nil), payload...)
		e.Event.Type, e.Event.Kind, e.Body, e.Metadata = "", "", "", nil
		require.NoError(t, recordNew(t, st, &e))
		e.Payload[0] = 'X' // the caller's bytes after the record
		got, err := st.ListEvents(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, outbound.EventBilling, got[0].Kind)
		require.Equal(t, payload, got[0].Payload)
		got[0].Payload[0] = 'Y' // the returned bytes
		un, err := st.UnappliedEvents(ctx, at(100), 10)
		require.NoError(t, err)
		require.Len(t, un, 1)
		require.Equal(t, payload, un[0].Payload, "the store's bytes are its own")

		msg := makeEvent(2)
		msg.Kind = outbound.EventMessage
		require.NoError(t, recordNew(t, st, &msg))

		bad := makeEvent(3)
		bad.Kind = "telepathy"
		ok, err := st.RecordEvent(ctx, &bad)
		requireInvalid(t, err, "kind")
		require.False(t, ok)
	})
}

// recordNew records e, which must be new.
func recordNew(t *testing.T, st storage.Store, e *outbound.Event) error {
	t.Helper()
	ok, err := st.RecordEvent(t.Context(), e)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("event %s was not stored", e.ID)
	}
	return nil
}

// recordOrder is the order of UnappliedEvents, by hand: RecordedAt, then
// ID bytes.
func recordOrder(es []outbound.Event) []outbound.Event {
	out := normEvents(es)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0; j-- {
			a, b := out[j], out[j-1]
			if !(a.RecordedAt.Before(b.RecordedAt) || (a.RecordedAt.Equal(b.RecordedAt) && cmpUUID(a.ID.UUID, b.ID.UUID) < 0)) {
				break
			}
			out[j], out[j-1] = b, a
		}
	}
	return out
}
