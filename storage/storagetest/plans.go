package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// planned returns enrollment n moved on as a plan moves it (next step past
// the last, a sticky mailbox, a pause ended) and its touches: steps 1 to 3.
func planned(n int) storage.PlanWrite {
	e := makeEnrollment(n)
	e.NextStep, e.State, e.PausedUntil, e.StopReason = 6, outbound.EnrollmentPaused, at(600).In(sydney), "ooo"
	e.Sticky = map[outbound.ResourceKind]outbound.ResourceID{outbound.KindMailbox: resourceID(7)}
	var ts []outbound.Touch
	for step := 1; step <= 3; step++ {
		t := makeTouch(5*n + step - 1)
		ts = append(ts, t)
	}
	return storage.PlanWrite{Enrollment: &e, Touches: ts}
}

// requireUnplanned checks that enrollments 1..n are as created and that no
// touch is stored.
func requireUnplanned(t *testing.T, st storage.Store, n int, msg string) {
	t.Helper()
	for i := 1; i <= n; i++ {
		got, err := st.GetEnrollment(t.Context(), enrollmentID(i))
		require.NoError(t, err)
		require.Equal(t, normEnrollment(makeEnrollment(i)), normEnrollment(*got), msg)
	}
	ts, err := st.ListTouches(t.Context(), storage.TouchFilter{})
	require.NoError(t, err)
	require.Empty(t, ts, msg)
}

func (s suite) testPlans(t *testing.T) {
	create := func(t *testing.T, st storage.Store, n int) {
		t.Helper()
		for i := 1; i <= n; i++ {
			e := makeEnrollment(i)
			require.NoError(t, st.CreateEnrollment(t.Context(), &e))
		}
	}
	s.run(t, "StoresTouchesAndPlanningState", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		create(t, st, 2)
		ws := []storage.PlanWrite{planned(1), planned(2)}
		// The enrollment's identity is not the plan's to change.
		ws[1].Enrollment.EnrolledOn = timing.DateOf(t0) + 3
		require.NoError(t, st.SavePlans(ctx, ws))
		for i, w := range ws {
			got, err := st.GetEnrollment(ctx, w.Enrollment.ID)
			require.NoError(t, err)
			want := makeEnrollment(i + 1)
			want.NextStep, want.State, want.StopReason, want.Sticky = 6, outbound.EnrollmentPaused, "ooo", w.Enrollment.Sticky
			requireUTC(t, at(600), got.PausedUntil)
			got.PausedUntil = time.Time{}
			require.Equal(t, normEnrollment(want), normEnrollment(*got))
			ts, err := st.ListTouches(ctx, storage.TouchFilter{Enrollment: w.Enrollment.ID})
			require.NoError(t, err)
			require.Equal(t, touchIDs(w.Touches), touchIDs(ts))
			for j := range ts {
				requireUTC(t, w.Touches[j].ScheduledAt, ts[j].ScheduledAt)
			}
		}
		// The touches are due like any others.
		next, ok, err := st.NextDue(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		requireUTC(t, ws[0].Touches[0].ScheduledAt, next)
		require.NoError(t, st.SavePlans(ctx, nil), "nothing to save")
	})
	s.run(t, "ConflictStoresNothing", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		create(t, st, 2)
		// A touch ID repeated across two writes.
		ws := []storage.PlanWrite{planned(1), planned(2)}
		ws[1].Touches[2].ID = ws[0].Touches[0].ID
		requireConflict(t, st.SavePlans(ctx, ws))
		requireUnplanned(t, st, 2, "a repeated touch ID")
		// A touch ID stored already.
		stored := makeTouch(99)
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{stored}))
		ws = []storage.PlanWrite{planned(1), planned(2)}
		ws[1].Touches[1].ID = stored.ID
		requireConflict(t, st.SavePlans(ctx, ws))
		for i := 1; i <= 2; i++ {
			got, err := st.GetEnrollment(ctx, enrollmentID(i))
			require.NoError(t, err)
			require.Equal(t, 1, got.NextStep, "enrollment %d not moved on", i)
		}
		ts, err := st.ListTouches(ctx, storage.TouchFilter{})
		require.NoError(t, err)
		require.Equal(t, []outbound.TouchID{stored.ID}, touchIDs(ts))
	})
	s.run(t, "MissingEnrollmentStoresNothing", func(t *testing.T, st storage.Store) {
		create(t, st, 1)
		requireNotFound(t, st.SavePlans(t.Context(), []storage.PlanWrite{planned(1), planned(2)}))
		requireUnplanned(t, st, 1, "enrollment 2 is not stored")
	})
	s.run(t, "InvalidStoresNothing", func(t *testing.T, st storage.Store) {
		create(t, st, 2)
		ws := []storage.PlanWrite{planned(1), planned(2)}
		ws[1].Touches[0].Status = "lost"
		requireInvalid(t, st.SavePlans(t.Context(), ws), "status")
		ws = []storage.PlanWrite{planned(1), {Enrollment: &outbound.Enrollment{Client: clientID(1)}}}
		requireInvalid(t, st.SavePlans(t.Context(), ws), "id")
		requireUnplanned(t, st, 2, "an invalid write")
	})
	s.run(t, "CancelledStoresNothing", func(t *testing.T, st storage.Store) {
		create(t, st, 1)
		dead, cancel := context.WithCancel(t.Context())
		cancel()
		require.ErrorIs(t, st.SavePlans(dead, []storage.PlanWrite{planned(1)}), context.Canceled)
		requireUnplanned(t, st, 1, "a cancelled save")
	})
}
