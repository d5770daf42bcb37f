package storagetest

import (
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

func makeEvent(n int) outbound.Event {
	return outbound.Event{
		ID:       eventID(n),
		Client:   clientID(1),
		Campaign: campaignID(1),
		Lead:     leadID(n),
		Touch:    touchID(n),
		Event: channel.Event{
			Provider:          "twilio",
			ProviderEventID:   fmt.Sprintf("EV%04d", n),
			Type:              channel.EventReplied,
			Kind:              channel.SMS,
			ProviderMessageID: fmt.Sprintf("SM%04d", n),
			From:              "+61400000001",
			To:                "+61200000001",
			At:                at(n),
			Body:              "sounds good",
			Metadata:          map[string]string{"touch": touchID(n).String()},
		},
		RecordedAt: at(n + 1),
	}
}

func normEvent(e outbound.Event) outbound.Event {
	if len(e.Metadata) == 0 {
		e.Metadata = nil
	}
	if len(e.Payload) == 0 {
		e.Payload = nil
	}
	return e
}

func normEvents(es []outbound.Event) []outbound.Event {
	out := make([]outbound.Event, len(es))
	for i, e := range es {
		out[i] = normEvent(e)
	}
	return out
}

// eventOrder is the listing order, by hand: At, then ID bytes.
func eventOrder(es []outbound.Event) []outbound.Event {
	out := normEvents(es)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0; j-- {
			a, b := out[j], out[j-1]
			if !(a.At.Before(b.At) || (a.At.Equal(b.At) && cmpUUID(a.ID.UUID, b.ID.UUID) < 0)) {
				break
			}
			out[j], out[j-1] = b, a
		}
	}
	return out
}

func (s suite) testEvents(t *testing.T) {
	s.run(t, "RecordOnce", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		e := makeEvent(1)
		ok, err := st.RecordEvent(ctx, &e)
		require.NoError(t, err)
		require.True(t, ok)

		// The same provider event again, under a new ID and with other
		// content, is not stored.
		again := makeEvent(2)
		again.ProviderEventID = e.ProviderEventID
		ok, err = st.RecordEvent(ctx, &again)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, normEvent(makeEvent(1)), normEvent(again), "a duplicate is filled in with the stored event")
		ok, err = st.RecordEvent(ctx, &e)
		require.NoError(t, err)
		require.False(t, ok, "the very same event twice")

		// Either half of the key alone is no duplicate.
		otherID := makeEvent(3)
		ok, err = st.RecordEvent(ctx, &otherID)
		require.NoError(t, err)
		require.True(t, ok)
		otherProvider := makeEvent(4)
		otherProvider.Provider, otherProvider.ProviderEventID = "vapi", e.ProviderEventID
		ok, err = st.RecordEvent(ctx, &otherProvider)
		require.NoError(t, err)
		require.True(t, ok)

		got, err := st.ListEvents(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Equal(t, eventOrder([]outbound.Event{makeEvent(1), makeEvent(3), otherProvider}), normEvents(got))
	})
	s.run(t, "ExistingIDConflicts", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		e := makeEvent(1)
		ok, err := st.RecordEvent(ctx, &e)
		require.NoError(t, err)
		require.True(t, ok)
		clash := makeEvent(2)
		clash.ID = e.ID
		ok, err = st.RecordEvent(ctx, &clash)
		requireConflict(t, err)
		require.False(t, ok)
		// The rejected event's key stays free.
		fresh := makeEvent(2)
		ok, err = st.RecordEvent(ctx, &fresh)
		require.NoError(t, err)
		require.True(t, ok)
	})
	s.run(t, "Validation", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		tests := []struct {
			field string
			edit  func(e *outbound.Event)
		}{
			{"id", func(e *outbound.Event) { e.ID = outbound.EventID{} }},
			{"provider", func(e *outbound.Event) { e.Provider = "" }},
			{"provider_event_id", func(e *outbound.Event) { e.ProviderEventID = "" }},
		}
		for _, tt := range tests {
			e := makeEvent(1)
			tt.edit(&e)
			ok, err := st.RecordEvent(ctx, &e)
			requireInvalid(t, err, tt.field)
			require.False(t, ok)
		}
	})
	s.run(t, "ListOrderAndClient", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		var all []outbound.Event
		for n := range 20 {
			e := makeEvent(n)
			e.At = at((n * 5) % 7) // ties
			e.Client = clientID(n % 2)
			if n%3 == 0 {
				e.Metadata = nil
				e.Lead, e.Touch, e.Campaign = outbound.LeadID{}, outbound.TouchID{}, outbound.CampaignID{}
			}
			ok, err := st.RecordEvent(ctx, &e)
			require.NoError(t, err)
			require.True(t, ok)
			all = append(all, e)
		}
		got, err := st.ListEvents(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Equal(t, eventOrder(all), normEvents(got))
		var one []outbound.Event
		for _, e := range all {
			if e.Client == clientID(1) {
				one = append(one, e)
			}
		}
		got, err = st.ListEvents(ctx, clientID(1))
		require.NoError(t, err)
		require.Equal(t, eventOrder(one), normEvents(got))
		got, err = st.ListEvents(ctx, clientID(7))
		require.NoError(t, err)
		require.Empty(t, got)
	})
	s.run(t, "CopiesAndUTC", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		e := makeEvent(1)
		e.At = at(1).In(sydney)
		e.Metadata = maps.Clone(e.Metadata)
		ok, err := st.RecordEvent(ctx, &e)
		require.NoError(t, err)
		require.True(t, ok)
		e.Metadata["touch"] = "scribbled"
		got, err := st.ListEvents(ctx, clientID(1))
		require.NoError(t, err)
		require.Len(t, got, 1)
		requireUTC(t, at(1), got[0].At)
		require.Equal(t, touchID(1).String(), got[0].Metadata["touch"])
		got[0].Metadata["touch"] = "scribbled"
		got, err = st.ListEvents(ctx, clientID(1))
		require.NoError(t, err)
		require.Equal(t, touchID(1).String(), got[0].Metadata["touch"])
	})
	s.run(t, "ConcurrentSameKeyOnce", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const n = 32
		stored := make([]bool, n)
		events := make([]outbound.Event, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				e := makeEvent(i)
				e.ProviderEventID = "EV-same"
				stored[i], errs[i] = st.RecordEvent(ctx, &e)
				events[i] = e
			})
		}
		wg.Wait()
		count := 0
		var winner outbound.EventID
		for i := range n {
			require.NoError(t, errs[i])
			if stored[i] {
				count++
				winner = events[i].ID
			}
		}
		require.Equal(t, 1, count, "exactly one of the copies is stored")
		got, err := st.ListEvents(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		for i := range n {
			require.Equal(t, winner, events[i].ID, "every copy learns the stored event")
		}
	})
	s.testEventsApplied(t)
}

func (s suite) testWashes(t *testing.T) {
	wash := func(phone string, status outbound.DNCRStatus, m int) outbound.WashResult {
		return outbound.WashResult{Phone: phone, Status: status, WashedAt: at(m)}
	}
	s.run(t, "PutGetLatest", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		_, err := st.GetWash(ctx, "+61400000001")
		requireNotFound(t, err)
		put := func(w outbound.WashResult) {
			t.Helper()
			require.NoError(t, st.PutWash(ctx, w))
		}
		get := func(phone string) outbound.WashResult {
			t.Helper()
			w, err := st.GetWash(ctx, phone)
			require.NoError(t, err)
			return w
		}
		put(wash("+61400000001", outbound.DNCRClear, 100))
		require.Equal(t, wash("+61400000001", outbound.DNCRClear, 100), get("+61400000001"))
		put(wash("+61400000001", outbound.DNCRRegistered, 50))
		require.Equal(t, wash("+61400000001", outbound.DNCRClear, 100), get("+61400000001"), "an older result is ignored")
		put(wash("+61400000001", outbound.DNCRRegistered, 200))
		require.Equal(t, wash("+61400000001", outbound.DNCRRegistered, 200), get("+61400000001"), "a newer one replaces")
		put(wash("+61400000001", outbound.DNCRClear, 200))
		require.Equal(t, wash("+61400000001", outbound.DNCRClear, 200), get("+61400000001"), "one as recent replaces")

		w := wash("+61400000002", outbound.DNCRClear, 0)
		w.WashedAt = w.WashedAt.In(sydney)
		put(w)
		requireUTC(t, at(0), get("+61400000002").WashedAt)
		requireInvalid(t, st.PutWash(ctx, outbound.WashResult{Status: outbound.DNCRClear, WashedAt: at(0)}), "phone")
	})
	s.run(t, "WashesBefore", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		ws := []outbound.WashResult{
			wash("+61400000009", outbound.DNCRClear, 10),
			wash("+12025550100", outbound.DNCRRegistered, 20),
			wash("+61400000003", outbound.DNCRClear, 30),
			wash("+61400000001", outbound.DNCRClear, 40),
			wash("+61400000005", outbound.DNCRUnknown, 5),
		}
		for _, w := range ws {
			require.NoError(t, st.PutWash(ctx, w))
		}
		got, err := st.WashesBefore(ctx, at(30))
		require.NoError(t, err)
		require.Equal(t, []outbound.WashResult{ws[1], ws[4], ws[0]}, got, "strictly before, by phone")
		got, err = st.WashesBefore(ctx, at(0))
		require.NoError(t, err)
		require.Empty(t, got)
		// A re-wash moves a number out.
		require.NoError(t, st.PutWash(ctx, wash("+61400000009", outbound.DNCRClear, 45)))
		got, err = st.WashesBefore(ctx, at(30).In(sydney))
		require.NoError(t, err)
		require.Equal(t, []outbound.WashResult{ws[1], ws[4]}, got)
		got, err = st.WashesBefore(ctx, at(24*60))
		require.NoError(t, err)
		require.Len(t, got, len(ws))
	})
	s.testGetWashes(t)
}
