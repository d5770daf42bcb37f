package storagetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// touchProvider is the provider the suite's touches go through.
const touchProvider = "salesforge"

func makeTouch(n int) outbound.Touch {
	warning, step, subject, body := "", n%5+1, "", ""
	if n%2 == 1 {
		warning = "Body: takes 2 GSM-7 parts (161 septets); each part is billed"
	}
	if n%7 == 6 {
		// An answer to a reply carries its own text.
		step, subject, body = 0, "Re: your note", fmt.Sprintf("Thanks, here is a time (%d).", n)
	}
	return outbound.Touch{
		Warning:     warning,
		Subject:     subject,
		Body:        body,
		ID:          touchID(n),
		Client:      clientID(1),
		Campaign:    campaignID(1),
		Enrollment:  enrollmentID(n / 5),
		Lead:        leadID(n / 5),
		Step:        step,
		StepChannel: channel.Email,
		Channel:     channel.Email,
		Action:      channel.ActionEmail,
		Resource:    resourceID(1),
		Provider:    touchProvider,
		Day:         timing.DateOf(t0),
		ScheduledAt: at(n),
		Status:      outbound.TouchScheduled,
	}
}

// touchOrder is the order of listings and claims, written out without the
// store's help: scheduled instant, then ID bytes.
func touchOrder(ts []outbound.Touch) []outbound.Touch {
	out := slices.Clone(ts)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0; j-- {
			a, b := out[j], out[j-1]
			if a.ScheduledAt.Before(b.ScheduledAt) || (a.ScheduledAt.Equal(b.ScheduledAt) && cmpUUID(a.ID.UUID, b.ID.UUID) < 0) {
				out[j], out[j-1] = b, a
				continue
			}
			break
		}
	}
	return out
}

func touchIDs(ts []outbound.Touch) []outbound.TouchID {
	ids := make([]outbound.TouchID, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids
}

func (s suite) testTouches(t *testing.T) {
	s.run(t, "Pending", func(t *testing.T, st storage.Store) {
		// The planner reads the pending touches, in listing order, and
		// they follow every status change; claims and NextDue never see
		// them.
		ctx := t.Context()
		var ts []outbound.Touch
		for n := range 6 {
			tc := makeTouch(n)
			tc.ScheduledAt = at(10 - n%3)
			if n%2 == 0 {
				tc.Status = outbound.TouchPending
			}
			ts = append(ts, tc)
		}
		require.NoError(t, st.InsertTouches(ctx, ts))
		var want []outbound.Touch
		for _, tc := range touchOrder(ts) {
			if tc.Status == outbound.TouchPending {
				want = append(want, tc)
			}
		}
		got, err := st.ListTouches(ctx, storage.TouchFilter{Status: outbound.TouchPending})
		require.NoError(t, err)
		require.Equal(t, touchIDs(want), touchIDs(got))
		got, err = st.ListTouches(ctx, storage.TouchFilter{Statuses: []outbound.TouchStatus{outbound.TouchPending}})
		require.NoError(t, err)
		require.Equal(t, touchIDs(want), touchIDs(got))

		// One booked (scheduled), one handed back (pending).
		booked := want[0]
		booked.Status = outbound.TouchScheduled
		require.NoError(t, st.UpdateTouch(ctx, &booked, ""))
		back := ts[1]
		back.Status = outbound.TouchPending
		require.NoError(t, st.UpdateTouch(ctx, &back, ""))
		got, err = st.ListTouches(ctx, storage.TouchFilter{Status: outbound.TouchPending})
		require.NoError(t, err)
		var ids []outbound.TouchID
		for _, tc := range got {
			require.Equal(t, outbound.TouchPending, tc.Status)
			ids = append(ids, tc.ID)
		}
		require.NotContains(t, ids, booked.ID)
		require.Contains(t, ids, back.ID)
		require.Len(t, ids, len(want))

		claimed, err := st.ClaimTouches(ctx, storage.Claim{Worker: "w", Now: at(100), LeaseUntil: at(101), Limit: 100})
		require.NoError(t, err)
		for _, tc := range claimed {
			require.NotEqual(t, outbound.TouchPending, tc.Status, "a pending touch is never claimed")
			require.NotContains(t, ids, tc.ID)
		}
	})
	s.run(t, "InsertGet", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		ts := []outbound.Touch{makeTouch(1), makeTouch(2), makeTouch(3)}
		ts[1].Status, ts[1].Reason, ts[1].Channel = outbound.TouchSkipped, "no phone", ""
		require.NoError(t, st.InsertTouches(ctx, ts))
		for _, want := range ts {
			got, err := st.GetTouch(ctx, want.ID)
			require.NoError(t, err)
			require.Equal(t, want, *got)
		}
		_, err := st.GetTouch(ctx, touchID(4))
		requireNotFound(t, err)
		require.NoError(t, st.InsertTouches(ctx, nil), "an empty batch stores nothing and is no error")
	})
	s.run(t, "BatchAllOrNothing", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(1)}))

		requireConflict(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(2), makeTouch(3), makeTouch(2)}))
		requireConflict(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(4), makeTouch(5), makeTouch(1)}))
		changed := makeTouch(1)
		changed.Status = outbound.TouchCancelled
		requireConflict(t, st.InsertTouches(ctx, []outbound.Touch{changed}))
		for _, n := range []int{2, 3, 4, 5} {
			_, err := st.GetTouch(ctx, touchID(n))
			requireNotFoundMsg(t, err, fmt.Sprintf("touch %d of a rejected batch", n))
		}
		got, err := st.GetTouch(ctx, touchID(1))
		require.NoError(t, err)
		require.Equal(t, makeTouch(1), *got)
		all, err := st.ListTouches(ctx, storage.TouchFilter{})
		require.NoError(t, err)
		require.Len(t, all, 1)
		claimed, err := st.ClaimTouches(ctx, storage.Claim{Now: at(1000), Worker: "w", LeaseUntil: at(1001), Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []outbound.TouchID{touchID(1)}, touchIDs(claimed), "a rejected batch leaves nothing to claim")

		// The IDs of a rejected batch stay free.
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(2), makeTouch(3), makeTouch(4)}))
	})
	s.run(t, "Validation", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		noID := makeTouch(1)
		noID.ID = outbound.TouchID{}
		requireInvalid(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(2), noID}), "id")
		noClient := makeTouch(3)
		noClient.Client = outbound.ClientID{}
		requireInvalid(t, st.InsertTouches(ctx, []outbound.Touch{noClient}), "client")
		badStatus := makeTouch(4)
		badStatus.Status = "queued"
		requireInvalid(t, st.InsertTouches(ctx, []outbound.Touch{badStatus}), "status")
		all, err := st.ListTouches(ctx, storage.TouchFilter{})
		require.NoError(t, err)
		require.Empty(t, all, "a batch with a bad touch stores nothing")

		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(5)}))
		upd := makeTouch(5)
		upd.Status = ""
		requireInvalid(t, st.UpdateTouch(ctx, &upd, ""), "status")
	})
	s.run(t, "UpdateMissing", func(t *testing.T, st storage.Store) {
		tc := makeTouch(1)
		requireNotFound(t, st.UpdateTouch(t.Context(), &tc, ""))
		requireNotFound(t, st.UpdateTouch(t.Context(), &tc, "w1"))
	})
	s.run(t, "Copies", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		ts := []outbound.Touch{makeTouch(1)}
		require.NoError(t, st.InsertTouches(ctx, ts))
		ts[0].Status, ts[0].ScheduledAt = outbound.TouchCancelled, at(500)
		got, err := st.GetTouch(ctx, touchID(1))
		require.NoError(t, err)
		require.Equal(t, makeTouch(1), *got)
	})
	s.run(t, "InstantsInUTC", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		tc := makeTouch(1)
		tc.ScheduledAt = at(10).In(sydney)
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{tc}))
		got, err := st.GetTouch(ctx, tc.ID)
		require.NoError(t, err)
		requireUTC(t, at(10), got.ScheduledAt)
		claimed, err := st.ClaimTouches(ctx, storage.Claim{Now: at(10).In(sydney), Worker: "w", LeaseUntil: at(15).In(sydney), Limit: 1})
		require.NoError(t, err)
		require.Len(t, claimed, 1)
		requireUTC(t, at(15), claimed[0].LeaseUntil)
		tc.SentAt = at(11).In(sydney)
		require.NoError(t, st.UpdateTouch(ctx, &tc, ""))
		got, err = st.GetTouch(ctx, tc.ID)
		require.NoError(t, err)
		requireUTC(t, at(11), got.SentAt)
	})
	s.run(t, "ListOrderAndFilters", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		var all []outbound.Touch
		for n := range 40 {
			tc := makeTouch(n)
			tc.ScheduledAt = at((n * 7) % 11) // many ties
			tc.Client = clientID(n % 2)
			tc.Campaign = campaignID(n % 3)
			if n%4 == 0 {
				tc.Status = outbound.TouchSent
			}
			all = append(all, tc)
		}
		require.NoError(t, st.InsertTouches(ctx, all[:25]))
		require.NoError(t, st.InsertTouches(ctx, all[25:]))
		tests := []struct {
			name string
			f    storage.TouchFilter
			keep func(*outbound.Touch) bool
		}{
			{"all", storage.TouchFilter{}, func(*outbound.Touch) bool { return true }},
			{"client", storage.TouchFilter{Client: clientID(1)}, func(t *outbound.Touch) bool { return t.Client == clientID(1) }},
			{"campaign", storage.TouchFilter{Campaign: campaignID(2)}, func(t *outbound.Touch) bool { return t.Campaign == campaignID(2) }},
			{"lead", storage.TouchFilter{Lead: leadID(3)}, func(t *outbound.Touch) bool { return t.Lead == leadID(3) }},
			{"enrollment", storage.TouchFilter{Enrollment: enrollmentID(4)}, func(t *outbound.Touch) bool { return t.Enrollment == enrollmentID(4) }},
			{"status", storage.TouchFilter{Status: outbound.TouchSent}, func(t *outbound.Touch) bool { return t.Status == outbound.TouchSent }},
			{"lead and status", storage.TouchFilter{Lead: leadID(0), Status: outbound.TouchScheduled}, func(t *outbound.Touch) bool {
				return t.Lead == leadID(0) && t.Status == outbound.TouchScheduled
			}},
			{"client and campaign", storage.TouchFilter{Client: clientID(0), Campaign: campaignID(1)}, func(t *outbound.Touch) bool {
				return t.Client == clientID(0) && t.Campaign == campaignID(1)
			}},
			{"no match", storage.TouchFilter{Lead: leadID(99)}, func(*outbound.Touch) bool { return false }},
		}
		check := func() {
			for _, tt := range tests {
				var want []outbound.Touch
				for _, tc := range all {
					if tt.keep(&tc) {
						want = append(want, tc)
					}
				}
				got, err := st.ListTouches(ctx, tt.f)
				require.NoError(t, err, tt.name)
				if len(want) == 0 {
					require.Empty(t, got, tt.name)
					continue
				}
				require.Equal(t, touchOrder(want), got, tt.name)
			}
		}
		check()
		// Updates that move a touch to another lead, enrollment, status or
		// instant move it in every listing.
		all[6].Lead, all[6].Enrollment, all[6].ScheduledAt = leadID(3), enrollmentID(4), at(-5)
		all[7].Status = outbound.TouchSent
		all[20].ScheduledAt = at(100)
		for _, i := range []int{6, 7, 20} {
			require.NoError(t, st.UpdateTouch(ctx, &all[i], ""))
		}
		check()
	})
}

func (s suite) testClaims(t *testing.T) {
	s.run(t, "DueRules", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		now := at(100)
		tests := []struct {
			name string
			edit func(t *outbound.Touch)
			due  bool
		}{
			{"scheduled at now", func(t *outbound.Touch) { t.ScheduledAt = now }, true},
			{"scheduled before now", func(t *outbound.Touch) { t.ScheduledAt = at(3) }, true},
			{"scheduled a second after now", func(t *outbound.Touch) { t.ScheduledAt = now.Add(time.Second) }, false},
			{"scheduled, leased past now", func(t *outbound.Touch) { t.LeasedBy, t.LeaseUntil = "w0", now.Add(time.Minute) }, false},
			{"scheduled, lease ends at now", func(t *outbound.Touch) { t.LeasedBy, t.LeaseUntil = "w0", now }, true},
			{"scheduled, lease ended", func(t *outbound.Touch) { t.LeasedBy, t.LeaseUntil = "w0", at(50) }, true},
			{"scheduled, lease time but no holder", func(t *outbound.Touch) { t.LeaseUntil = now.Add(time.Hour) }, true},
			{"scheduled later, lease ended", func(t *outbound.Touch) {
				t.ScheduledAt, t.LeasedBy, t.LeaseUntil = now.Add(time.Minute), "w0", at(50)
			}, false},
			{"sending, lease ended", func(t *outbound.Touch) {
				t.Status, t.LeasedBy, t.LeaseUntil, t.Attempts = outbound.TouchSending, "w0", at(60), 1
			}, true},
			{"sending, lease ends at now", func(t *outbound.Touch) {
				t.Status, t.LeasedBy, t.LeaseUntil, t.Attempts = outbound.TouchSending, "w0", now, 2
			}, true},
			{"sending, leased past now", func(t *outbound.Touch) {
				t.Status, t.LeasedBy, t.LeaseUntil = outbound.TouchSending, "w0", now.Add(time.Second)
			}, false},
			{"sending, no lease", func(t *outbound.Touch) { t.Status = outbound.TouchSending }, true},
			{"sending, scheduled later, lease ended", func(t *outbound.Touch) {
				t.Status, t.ScheduledAt, t.LeasedBy, t.LeaseUntil = outbound.TouchSending, now.Add(time.Hour), "w0", at(60)
			}, true},
			{"sent", func(t *outbound.Touch) { t.Status = outbound.TouchSent }, false},
			{"delivered", func(t *outbound.Touch) { t.Status = outbound.TouchDelivered }, false},
			{"failed", func(t *outbound.Touch) { t.Status = outbound.TouchFailed }, false},
			{"skipped", func(t *outbound.Touch) { t.Status = outbound.TouchSkipped }, false},
			{"cancelled", func(t *outbound.Touch) { t.Status = outbound.TouchCancelled }, false},
			{"pending, due long ago", func(t *outbound.Touch) { t.Status, t.ScheduledAt = outbound.TouchPending, at(3) }, false},
			{"draft, due long ago", func(t *outbound.Touch) {
				t.Status, t.ScheduledAt, t.Step, t.Body = outbound.TouchDraft, at(2), 0, "An answer awaiting approval."
			}, false},
			{"uncertain", func(t *outbound.Touch) {
				t.Status, t.LeasedBy, t.LeaseUntil = outbound.TouchUncertain, "w0", at(10)
			}, false},
		}
		var ts []outbound.Touch
		want := map[outbound.TouchID]string{}
		for i, tt := range tests {
			tc := makeTouch(i)
			tc.ScheduledAt = at(i)
			tt.edit(&tc)
			ts = append(ts, tc)
			if tt.due {
				want[tc.ID] = tt.name
			}
		}
		require.NoError(t, st.InsertTouches(ctx, ts))
		claimed, err := st.ClaimTouches(ctx, storage.Claim{Now: now, Worker: "w1", LeaseUntil: now.Add(5 * time.Minute), Limit: 100})
		require.NoError(t, err)
		got := map[outbound.TouchID]bool{}
		for _, c := range claimed {
			got[c.ID] = true
		}
		for i, tt := range tests {
			require.Equal(t, tt.due, got[ts[i].ID], "%s: claimed", tt.name)
		}
		require.Len(t, claimed, len(want))
		byID := map[outbound.TouchID]outbound.Touch{}
		for _, tc := range ts {
			byID[tc.ID] = tc
		}
		for _, c := range claimed {
			w := byID[c.ID]
			w.LeasedBy, w.LeaseUntil = "w1", now.Add(5*time.Minute) // and nothing else: not even Attempts
			require.Equal(t, w, c, want[c.ID])
			stored, err := st.GetTouch(ctx, c.ID)
			require.NoError(t, err)
			require.Equal(t, w, *stored, want[c.ID])
		}
		for i, tt := range tests {
			if !tt.due {
				stored, err := st.GetTouch(ctx, ts[i].ID)
				require.NoError(t, err)
				require.Equal(t, ts[i], *stored, "%s: an unclaimed touch is untouched", tt.name)
			}
		}
		again, err := st.ClaimTouches(ctx, storage.Claim{Now: now, Worker: "w2", LeaseUntil: now.Add(time.Minute), Limit: 100})
		require.NoError(t, err)
		require.Empty(t, again, "no touch is leased to two workers at once")
	})
	s.run(t, "OldestFirstWithinLimit", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		minutes := []int{5, 3, 3, 9, 1, 5, 5, 0, 7, 3, 2, 8}
		var ts []outbound.Touch
		for i, m := range minutes {
			tc := makeTouch(i)
			tc.ScheduledAt = at(m)
			if i%4 == 1 {
				tc.Status, tc.LeasedBy, tc.LeaseUntil = outbound.TouchSending, "gone", at(10)
			}
			ts = append(ts, tc)
		}
		require.NoError(t, st.InsertTouches(ctx, ts))
		var got []outbound.Touch
		for _, want := range []int{5, 5, 2, 0} {
			c, err := st.ClaimTouches(ctx, storage.Claim{Now: at(20), Worker: "w", LeaseUntil: at(30), Limit: 5})
			require.NoError(t, err)
			require.Len(t, c, want)
			got = append(got, c...)
		}
		require.Equal(t, touchIDs(touchOrder(ts)), touchIDs(got))
	})
	s.run(t, "LeaseLifecycle", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(0), makeTouch(1)}))
		claim := func(now, until int, worker string) []outbound.Touch {
			t.Helper()
			c, err := st.ClaimTouches(ctx, storage.Claim{Now: at(now), Worker: worker, LeaseUntil: at(until), Limit: 1})
			require.NoError(t, err)
			return c
		}
		c := claim(1, 6, "w1")
		require.Equal(t, []outbound.TouchID{touchID(0)}, touchIDs(c))
		require.Equal(t, []outbound.TouchID{touchID(1)}, touchIDs(claim(3, 8, "w2")), "w2 gets the next touch, not w1's")
		require.Empty(t, claim(5, 10, "w2"), "both are leased")

		// w1 marks its touch sending, keeping the lease.
		mine := c[0]
		mine.Status, mine.Attempts = outbound.TouchSending, 1
		require.NoError(t, st.UpdateTouch(ctx, &mine, "w1"))
		require.ErrorIs(t, st.UpdateTouch(ctx, &mine, "w2"), storage.ErrLeaseLost, "w2 does not hold it")

		// The lease ends at minute 6: w3 takes the sending touch over.
		taken := claim(6, 11, "w3")
		require.Len(t, taken, 1)
		require.Equal(t, touchID(0), taken[0].ID)
		require.Equal(t, outbound.TouchSending, taken[0].Status)
		require.Equal(t, 1, taken[0].Attempts)

		done := mine
		done.Status = outbound.TouchSent
		require.ErrorIs(t, st.UpdateTouch(ctx, &done, "w1"), storage.ErrLeaseLost, "w1's lease passed to w3")
		got, err := st.GetTouch(ctx, touchID(0))
		require.NoError(t, err)
		require.Equal(t, taken[0], *got, "a lost update changes nothing")

		// w2's lease on touch 1 ran out at minute 8 but nobody took it over,
		// so w2 may still finish it.
		other := makeTouch(1)
		other.Status, other.LeasedBy, other.LeaseUntil = outbound.TouchSent, "w2", at(8)
		require.NoError(t, st.UpdateTouch(ctx, &other, "w2"))

		// w3 finishes and lets go of the lease; after that only an
		// unconditional update may change the touch.
		fin := taken[0]
		fin.Status, fin.LeasedBy, fin.LeaseUntil = outbound.TouchUncertain, "", time.Time{}
		require.NoError(t, st.UpdateTouch(ctx, &fin, "w3"))
		require.ErrorIs(t, st.UpdateTouch(ctx, &fin, "w3"), storage.ErrLeaseLost)
		fin.Reason = "reconciled by hand"
		require.NoError(t, st.UpdateTouch(ctx, &fin, ""))
		got, err = st.GetTouch(ctx, touchID(0))
		require.NoError(t, err)
		require.Equal(t, fin, *got)
	})
	s.run(t, "UnconditionalUpdateOverridesLease", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(0)}))
		_, err := st.ClaimTouches(ctx, storage.Claim{Now: at(0), Worker: "w1", LeaseUntil: at(5), Limit: 1})
		require.NoError(t, err)
		cancel := makeTouch(0)
		cancel.Status, cancel.Reason = outbound.TouchCancelled, "replied"
		require.NoError(t, st.UpdateTouch(ctx, &cancel, ""))
		sent := makeTouch(0)
		sent.Status, sent.LeasedBy, sent.LeaseUntil = outbound.TouchSent, "w1", at(5)
		require.ErrorIs(t, st.UpdateTouch(ctx, &sent, "w1"), storage.ErrLeaseLost,
			"the planner's update dropped w1's lease")
	})
	s.run(t, "FinalLeavesDueAndRescheduleReturns", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(0)}))
		c, err := st.ClaimTouches(ctx, storage.Claim{Now: at(0), Worker: "w1", LeaseUntil: at(5), Limit: 1})
		require.NoError(t, err)
		require.Len(t, c, 1)
		sent := c[0]
		sent.Status = outbound.TouchSent // keeps LeasedBy and LeaseUntil
		require.NoError(t, st.UpdateTouch(ctx, &sent, "w1"))
		for _, now := range []int{5, 6, 10_000} {
			got, err := st.ClaimTouches(ctx, storage.Claim{Now: at(now), Worker: "w2", LeaseUntil: at(now + 5), Limit: 10})
			require.NoError(t, err)
			require.Empty(t, got, "a sent touch is never due again")
		}
		// A retry puts it back on the schedule, later.
		retry := sent
		retry.Status, retry.ScheduledAt, retry.LeasedBy, retry.LeaseUntil = outbound.TouchScheduled, at(50), "", time.Time{}
		require.NoError(t, st.UpdateTouch(ctx, &retry, ""))
		got, err := st.ClaimTouches(ctx, storage.Claim{Now: at(49), Worker: "w2", LeaseUntil: at(55), Limit: 10})
		require.NoError(t, err)
		require.Empty(t, got)
		got, err = st.ClaimTouches(ctx, storage.Claim{Now: at(50), Worker: "w2", LeaseUntil: at(55), Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []outbound.TouchID{touchID(0)}, touchIDs(got))
	})
	s.run(t, "Validation", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{makeTouch(0)}))
		_, err := st.ClaimTouches(ctx, storage.Claim{Now: at(10), LeaseUntil: at(15), Limit: 1})
		requireInvalid(t, err, "worker")
		_, err = st.ClaimTouches(ctx, storage.Claim{Now: at(10), Worker: "w", LeaseUntil: at(10), Limit: 1})
		requireInvalid(t, err, "lease_until")
		_, err = st.ClaimTouches(ctx, storage.Claim{Now: at(10), Worker: "w", LeaseUntil: at(9), Limit: 1})
		requireInvalid(t, err, "lease_until")
		for _, limit := range []int{0, -1} {
			got, err := st.ClaimTouches(ctx, storage.Claim{Now: at(10), Worker: "w", LeaseUntil: at(15), Limit: limit})
			require.NoError(t, err)
			require.Empty(t, got)
		}
		stored, err := st.GetTouch(ctx, touchID(0))
		require.NoError(t, err)
		require.Equal(t, makeTouch(0), *stored, "a claim that hands out nothing leases nothing")
	})
	s.run(t, "ConcurrentClaimsEachOnce", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const n, workers = 2000, 16
		ts := make([]outbound.Touch, n)
		for i := range ts {
			ts[i] = makeTouch(i)
			ts[i].ScheduledAt = at(i % 97)
		}
		for b := 0; b < n; b += 500 {
			require.NoError(t, st.InsertTouches(ctx, ts[b:b+500]))
		}
		claimed := make([][]outbound.TouchID, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				name := fmt.Sprintf("w%d", w)
				for {
					c, err := st.ClaimTouches(ctx, storage.Claim{Now: at(200), Worker: name, LeaseUntil: at(260), Limit: w%7 + 1})
					if err != nil {
						errs[w] = err
						return
					}
					if len(c) == 0 {
						return
					}
					for _, tc := range c {
						if tc.LeasedBy != name {
							errs[w] = fmt.Errorf("touch %s claimed by %s came back leased to %q", tc.ID, name, tc.LeasedBy)
							return
						}
						claimed[w] = append(claimed[w], tc.ID)
						tc.Status, tc.SentAt = outbound.TouchSent, at(201)
						if err := st.UpdateTouch(ctx, &tc, name); err != nil {
							errs[w] = fmt.Errorf("update of a touch %s holds: %w", name, err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		owner := map[outbound.TouchID]int{}
		for w, ids := range claimed {
			for _, id := range ids {
				prev, dup := owner[id]
				require.False(t, dup, "touch %s claimed by w%d and w%d", id, prev, w)
				owner[id] = w
			}
		}
		require.Len(t, owner, n, "every due touch is claimed")
		all, err := st.ListTouches(ctx, storage.TouchFilter{})
		require.NoError(t, err)
		for _, tc := range all {
			require.Equal(t, outbound.TouchSent, tc.Status)
			require.Equal(t, fmt.Sprintf("w%d", owner[tc.ID]), tc.LeasedBy)
		}
	})
	s.run(t, "MatchesModel", s.claimModel)
}

// claimModel runs random claims and updates, with instants that go back as
// well as forward, against a model that computes every claim by brute force.
func (s suite) claimModel(t *testing.T, st storage.Store) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(1, 7))
	workers := []string{"w0", "w1", "w2", "w3"}
	var model []outbound.Touch
	statuses := []outbound.TouchStatus{
		outbound.TouchScheduled, outbound.TouchScheduled, outbound.TouchScheduled, outbound.TouchScheduled,
		outbound.TouchSending, outbound.TouchSending, outbound.TouchSent, outbound.TouchDelivered,
		outbound.TouchFailed, outbound.TouchSkipped, outbound.TouchCancelled, outbound.TouchUncertain,
	}
	randomize := func(tc *outbound.Touch) {
		tc.Status = statuses[rng.IntN(len(statuses))]
		tc.ScheduledAt = at(rng.IntN(600))
		tc.LeasedBy, tc.LeaseUntil = "", time.Time{}
		if rng.IntN(2) == 0 {
			tc.LeasedBy, tc.LeaseUntil = workers[rng.IntN(len(workers))], at(rng.IntN(650))
		}
		tc.Attempts = rng.IntN(3)
	}
	due := func(tc *outbound.Touch, now time.Time) bool {
		unleased := tc.LeasedBy == "" || !tc.LeaseUntil.After(now)
		switch tc.Status {
		case outbound.TouchScheduled:
			return unleased && !tc.ScheduledAt.After(now)
		case outbound.TouchSending:
			return unleased
		}
		return false
	}

	// nextDue is NextDue's answer by brute force over the model.
	nextDue := func() (time.Time, bool) {
		var best time.Time
		found := false
		for i := range model {
			tc := &model[i]
			var at time.Time
			switch tc.Status {
			case outbound.TouchScheduled:
				at = tc.ScheduledAt
				if tc.LeasedBy != "" && tc.LeaseUntil.After(at) {
					at = tc.LeaseUntil
				}
			case outbound.TouchSending:
				if tc.LeasedBy != "" {
					at = tc.LeaseUntil
				}
			default:
				continue
			}
			if !found || at.Before(best) {
				best, found = at, true
			}
		}
		return best, found
	}

	const n = 150
	model = make([]outbound.Touch, n)
	for i := range model {
		model[i] = makeTouch(i)
		randomize(&model[i])
	}
	for b := 0; b < n; b += 50 {
		require.NoError(t, st.InsertTouches(ctx, model[b:b+50]))
	}
	index := map[outbound.TouchID]int{}
	for i, tc := range model {
		index[tc.ID] = i
	}
	ops := 3000
	if testing.Short() {
		ops = 300
	}
	for op := range ops {
		wantDue, wantPending := nextDue()
		gotDue, gotPending, err := st.NextDue(ctx)
		require.NoError(t, err, "op %d", op)
		require.Equal(t, wantPending, gotPending, "op %d: NextDue pending", op)
		if wantPending {
			require.True(t, wantDue.Equal(gotDue), "op %d: NextDue %v, want %v", op, gotDue, wantDue)
			if !wantDue.IsZero() {
				early, err := st.ClaimTouches(ctx, storage.Claim{Now: wantDue.Add(-time.Second), Worker: "w9", LeaseUntil: wantDue, Limit: 5})
				require.NoError(t, err, "op %d", op)
				require.Empty(t, early, "op %d: a claim before NextDue hands out nothing", op)
			}
		}
		if rng.IntN(3) > 0 {
			now := at(rng.IntN(700))
			c := storage.Claim{Now: now, Worker: workers[rng.IntN(len(workers))], LeaseUntil: now.Add(time.Duration(1+rng.IntN(90)) * time.Minute), Limit: 1 + rng.IntN(8)}
			var want []outbound.Touch
			for _, tc := range model {
				if due(&tc, now) {
					want = append(want, tc)
				}
			}
			want = touchOrder(want)
			want = want[:min(len(want), c.Limit)]
			got, err := st.ClaimTouches(ctx, c)
			require.NoError(t, err, "op %d", op)
			require.Equal(t, touchIDs(want), touchIDs(got), "op %d: claim at %v", op, now)
			for k, tc := range got {
				m := &model[index[tc.ID]]
				m.LeasedBy, m.LeaseUntil = c.Worker, c.LeaseUntil
				require.Equal(t, *m, got[k], "op %d", op)
			}
			continue
		}
		i := rng.IntN(n)
		cur := model[i]
		next := cur
		randomize(&next)
		var worker string
		switch rng.IntN(3) {
		case 0: // unconditional
		case 1:
			worker = cur.LeasedBy
		default:
			worker = workers[rng.IntN(len(workers))]
		}
		err = st.UpdateTouch(ctx, &next, worker)
		if worker != "" && worker != cur.LeasedBy {
			require.ErrorIs(t, err, storage.ErrLeaseLost, "op %d", op)
			continue
		}
		require.NoError(t, err, "op %d", op)
		model[i] = next
	}
	got, err := st.ListTouches(ctx, storage.TouchFilter{})
	require.NoError(t, err)
	require.Equal(t, touchOrder(model), got)
}
