package main

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

func TestDueAt(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		t    outbound.Touch
		want time.Time // zero: not pending
	}{
		{"scheduled", outbound.Touch{Status: outbound.TouchScheduled, ScheduledAt: at}, at},
		{"claimed: due again when its lease ends", outbound.Touch{Status: outbound.TouchScheduled, ScheduledAt: at, LeasedBy: "w1", LeaseUntil: at.Add(2 * time.Minute)}, at.Add(2 * time.Minute)},
		{"rescheduled past an old lease", outbound.Touch{Status: outbound.TouchScheduled, ScheduledAt: at, LeasedBy: "w1", LeaseUntil: at.Add(-time.Minute)}, at},
		{"sending: its lease's end", outbound.Touch{Status: outbound.TouchSending, ScheduledAt: at, LeasedBy: "w1", LeaseUntil: at.Add(-time.Minute)}, at.Add(-time.Minute)},
		{"sent", outbound.Touch{Status: outbound.TouchSent, ScheduledAt: at}, time.Time{}},
		{"skipped", outbound.Touch{Status: outbound.TouchSkipped, ScheduledAt: at}, time.Time{}},
		{"cancelled", outbound.Touch{Status: outbound.TouchCancelled, ScheduledAt: at}, time.Time{}},
	}
	for _, tt := range tests {
		got, ok := dueAt(&tt.t)
		require.Equal(t, !tt.want.IsZero(), ok, tt.name)
		require.True(t, got.Equal(tt.want), "%s: %v, want %v", tt.name, got, tt.want)
	}
}

func TestIndexedStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newIndexedStore()
	_, ok := st.nextDue()
	require.False(t, ok, "an empty store has nothing due")

	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	touch := func(n int, when time.Time) outbound.Touch {
		return outbound.Touch{
			ID: outbound.TouchID{UUID: uuid.UUID{15: byte(n)}}, Client: outbound.ClientID{UUID: uuid.UUID{0: 1}},
			Campaign: outbound.CampaignID{UUID: uuid.UUID{0: 2}}, Enrollment: outbound.EnrollmentID{UUID: uuid.UUID{0: 3}},
			Lead: outbound.LeadID{UUID: uuid.UUID{0: 4}}, Step: n, StepChannel: channel.Email, Channel: channel.Email,
			Action: channel.ActionEmail, ScheduledAt: when, Status: outbound.TouchScheduled,
		}
	}
	ts := []outbound.Touch{touch(1, at.Add(time.Hour)), touch(2, at), touch(3, at.Add(2*time.Hour))}
	require.NoError(t, st.InsertTouches(ctx, ts))
	due, ok := st.nextDue()
	require.True(t, ok)
	require.Equal(t, at, due)

	// Claimed: due again at the lease's end, which is after touch 1.
	claimed, err := st.ClaimTouches(ctx, storage.Claim{Now: at, Worker: "w1", LeaseUntil: at.Add(3 * time.Hour), Limit: 10})
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	due, _ = st.nextDue()
	require.Equal(t, at.Add(time.Hour), due)

	// Finished touches leave the index.
	for _, n := range []int{1, 2} {
		tc, err := st.GetTouch(ctx, ts[n-1].ID)
		require.NoError(t, err)
		tc.Status, tc.SentAt = outbound.TouchSent, at
		worker := ""
		if n == 2 {
			worker = "w1"
		}
		require.NoError(t, st.UpdateTouch(ctx, tc, worker))
	}
	due, _ = st.nextDue()
	require.Equal(t, at.Add(2*time.Hour), due)
	// A failed write changes nothing.
	require.Error(t, st.InsertTouches(ctx, ts[2:]), "a duplicate ID")
	due, _ = st.nextDue()
	require.Equal(t, at.Add(2*time.Hour), due)
}
