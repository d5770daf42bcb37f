package storagetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

func makeMeeting(n int, booking string) outbound.Meeting {
	return outbound.Meeting{
		Client: clientID(n), Lead: leadID(n), Campaign: campaignID(n),
		Provider: "calcom", Booking: booking, Status: outbound.MeetingStatusBooked,
		Title: "Intro call", Start: at(60 * 24).In(sydney), End: at(60*24 + 30).In(sydney),
		URL: "https://meet.example.com/abc", BookedAt: at(0).In(sydney), UpdatedAt: at(1),
	}
}

func (s suite) testMeetings(t *testing.T) {
	s.run(t, "RoundTrip", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		m := makeMeeting(1, "bk_1")
		require.NoError(t, st.SaveMeeting(ctx, &m))
		got, err := st.GetMeeting(ctx, "calcom", "bk_1")
		require.NoError(t, err)
		requireUTC(t, m.Start, got.Start, "Start")
		requireUTC(t, m.End, got.End, "End")
		requireUTC(t, m.BookedAt, got.BookedAt, "BookedAt")
		want := m
		want.Start, want.End, want.BookedAt, want.UpdatedAt = got.Start, got.End, got.BookedAt, got.UpdatedAt
		require.Equal(t, want, *got)

		_, err = st.GetMeeting(ctx, "calendly", "bk_1")
		requireNotFound(t, err)
	})
	s.run(t, "Replace", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		m := makeMeeting(1, "bk_1")
		require.NoError(t, st.SaveMeeting(ctx, &m))
		m.Status, m.CRMContact, m.CRMDeal, m.End = outbound.MeetingStatusCancelled, "101", "202", at(60*24+45)
		require.NoError(t, st.SaveMeeting(ctx, &m))
		got, err := st.GetMeeting(ctx, "calcom", "bk_1")
		require.NoError(t, err)
		require.Equal(t, outbound.MeetingStatusCancelled, got.Status)
		require.Equal(t, "101", got.CRMContact)
		require.Equal(t, "202", got.CRMDeal)
		requireUTC(t, m.End, got.End)
		all, err := st.ListMeetings(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Len(t, all, 1, "a booking saved again is the same meeting")
	})
	s.run(t, "AnotherClientsBooking", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		m := makeMeeting(1, "bk_1")
		require.NoError(t, st.SaveMeeting(ctx, &m))
		other := makeMeeting(2, "bk_1")
		requireConflict(t, st.SaveMeeting(ctx, &other))
		got, err := st.GetMeeting(ctx, "calcom", "bk_1")
		require.NoError(t, err)
		require.Equal(t, clientID(1), got.Client, "the first client's meeting stands")
	})
	s.run(t, "Invalid", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		tests := []struct {
			field string
			edit  func(*outbound.Meeting)
		}{
			{"Client", func(m *outbound.Meeting) { m.Client = outbound.ClientID{} }},
			{"Lead", func(m *outbound.Meeting) { m.Lead = outbound.LeadID{} }},
			{"Booking", func(m *outbound.Meeting) { m.Booking = " " }},
			{"Status", func(m *outbound.Meeting) { m.Status = "maybe" }},
			{"Start", func(m *outbound.Meeting) { m.Start = time.Time{} }},
			{"End", func(m *outbound.Meeting) { m.End = m.Start.Add(-time.Minute) }},
		}
		for _, tt := range tests {
			m := makeMeeting(1, "bk_bad")
			tt.edit(&m)
			err := st.SaveMeeting(ctx, &m)
			require.ErrorIs(t, err, outbound.ErrInvalid, tt.field)
			require.ErrorContains(t, err, tt.field)
		}
		_, err := st.GetMeeting(ctx, "calcom", "bk_bad")
		requireNotFound(t, err)
	})
	s.run(t, "List", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		late, early, other := makeMeeting(1, "bk_b"), makeMeeting(1, "bk_a"), makeMeeting(2, "bk_c")
		late.Start, late.End = at(60*48), at(60*48+30)
		tie := makeMeeting(1, "bk_0")
		tie.Provider = "calendly"
		for _, m := range []*outbound.Meeting{&late, &early, &other, &tie} {
			require.NoError(t, st.SaveMeeting(ctx, m))
		}
		mine, err := st.ListMeetings(ctx, clientID(1))
		require.NoError(t, err)
		var got []string
		for _, m := range mine {
			got = append(got, m.Provider+"/"+m.Booking)
		}
		require.Equal(t, []string{"calcom/bk_a", "calendly/bk_0", "calcom/bk_b"}, got,
			"ordered by start, then provider, then booking")
		all, err := st.ListMeetings(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Len(t, all, 4)
	})
}
