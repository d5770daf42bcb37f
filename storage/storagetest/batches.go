package storagetest

import (
	"context"
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
)

// testBatches checks the batch forms of the single calls: GetLeads,
// GetEnrollments, SuppressedAmong and UpdateTouches each answer or change
// what the single call would, for every item, in one call.
func (s suite) testBatches(t *testing.T) {
	t.Run("GetLeads", func(t *testing.T) {
		t.Parallel()
		testGetMany(t, s, batchRead[outbound.Lead, outbound.LeadID]{
			make: func(n int) outbound.Lead {
				l := makeLead(n)
				l.Client = clientID(1 + n%2) // the batch spans clients
				return l
			},
			id:      func(l *outbound.Lead) outbound.LeadID { return l.ID },
			missing: func(n int) outbound.LeadID { return leadID(1000 + n) },
			create:  func(ctx context.Context, st storage.Store, l *outbound.Lead) error { return st.CreateLead(ctx, l) },
			get: func(ctx context.Context, st storage.Store, id outbound.LeadID) (*outbound.Lead, error) {
				return st.GetLead(ctx, id)
			},
			many: func(ctx context.Context, st storage.Store, ids []outbound.LeadID) ([]outbound.Lead, error) {
				return st.GetLeads(ctx, ids)
			},
		})
	})
	t.Run("GetEnrollments", func(t *testing.T) {
		t.Parallel()
		testGetMany(t, s, batchRead[outbound.Enrollment, outbound.EnrollmentID]{
			make: func(n int) outbound.Enrollment {
				e := makeEnrollment(n)
				e.Client, e.Campaign = clientID(1+n%2), campaignID(1+n%3)
				if n%4 == 0 {
					e.Sticky = nil
				}
				return e
			},
			id:      func(e *outbound.Enrollment) outbound.EnrollmentID { return e.ID },
			missing: func(n int) outbound.EnrollmentID { return enrollmentID(1000 + n) },
			norm:    normEnrollment,
			mutate: func(e *outbound.Enrollment) {
				if e.Sticky != nil {
					e.Sticky[outbound.KindMailbox] = resourceID(666)
				}
			},
			create: func(ctx context.Context, st storage.Store, e *outbound.Enrollment) error {
				return st.CreateEnrollment(ctx, e)
			},
			get: func(ctx context.Context, st storage.Store, id outbound.EnrollmentID) (*outbound.Enrollment, error) {
				return st.GetEnrollment(ctx, id)
			},
			many: func(ctx context.Context, st storage.Store, ids []outbound.EnrollmentID) ([]outbound.Enrollment, error) {
				return st.GetEnrollments(ctx, ids)
			},
		})
	})
	s.run(t, "SuppressedAmongCases", suppressedAmongCases)
	s.run(t, "SuppressedAmongMatchesSuppressed", suppressedAmongModel)
	s.testUpdateTouches(t)
}

// batchRead describes a batch read and the single read it must agree with.
type batchRead[T any, ID comparable] struct {
	make    func(n int) T  // the n-th distinct, valid record
	id      func(*T) ID    // its ID
	missing func(n int) ID // the n-th ID never stored
	norm    func(T) T      // maps nil when empty, for comparison; nil: identity
	mutate  func(*T)       // scribbles on a returned record's maps; nil: it has none
	create  func(context.Context, storage.Store, *T) error
	get     func(context.Context, storage.Store, ID) (*T, error)
	many    func(context.Context, storage.Store, []ID) ([]T, error)
}

// normed is rs normalised for comparison, nil when empty.
func (b batchRead[T, ID]) normed(rs []T) []T {
	if len(rs) == 0 {
		return nil
	}
	out := slices.Clone(rs)
	if b.norm != nil {
		for i := range out {
			out[i] = b.norm(out[i])
		}
	}
	return out
}

// testGetMany checks a batch read: the stored records among the IDs, each
// once, in the order of their first appearance, equal to what the single
// read returns; unknown IDs left out; no IDs, no records.
func testGetMany[T any, ID comparable](t *testing.T, s suite, b batchRead[T, ID]) {
	t.Helper()
	const stored = 8
	// seed stores records 0 to stored-1; it returns their IDs in that
	// order, and the records by ID.
	seed := func(t *testing.T, st storage.Store) ([]ID, map[ID]T) {
		t.Helper()
		ids, byID := make([]ID, stored), make(map[ID]T, stored)
		for n := range stored {
			r := b.make(n)
			require.NoError(t, b.create(t.Context(), st, &r))
			ids[n], byID[b.id(&r)] = b.id(&r), b.make(n)
		}
		return ids, byID
	}
	s.run(t, "NothingToFind", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		batches := [][]ID{nil, {}, {b.missing(1), b.missing(2), b.missing(1)}}
		for _, seeded := range []bool{false, true} {
			if seeded {
				seed(t, st)
			}
			for _, ids := range batches {
				got, err := b.many(ctx, st, ids)
				require.NoError(t, err, "%d IDs, none stored (records stored: %v)", len(ids), seeded)
				require.Empty(t, got, "%d IDs, none stored (records stored: %v)", len(ids), seeded)
			}
		}
	})
	s.run(t, "FirstAppearanceOrder", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		r, _ := seed(t, st)
		ids := []ID{r[3], b.missing(1), r[1], r[3], r[7], r[1], b.missing(2), r[0], r[7]}
		got, err := b.many(ctx, st, ids)
		require.NoError(t, err)
		var want []T
		for _, id := range []ID{r[3], r[1], r[7], r[0]} {
			one, err := b.get(ctx, st, id)
			require.NoError(t, err)
			want = append(want, *one)
		}
		require.Equal(t, b.normed(want), b.normed(got), "what the single read returns, in the order of first appearance")

		// Every record, in the reverse of the order they were stored.
		slices.Reverse(r)
		got, err = b.many(ctx, st, r)
		require.NoError(t, err)
		want = want[:0]
		for n := stored - 1; n >= 0; n-- {
			want = append(want, b.make(n))
		}
		require.Equal(t, b.normed(want), b.normed(got))
	})
	s.run(t, "MatchesModel", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		universe, byID := seed(t, st)
		for n := range 4 {
			universe = append(universe, b.missing(n))
		}
		rng := rand.New(rand.NewPCG(11, 5))
		for round := range 40 {
			ids := make([]ID, rng.IntN(3*len(universe)))
			for i := range ids {
				ids[i] = universe[rng.IntN(len(universe))]
			}
			var want []T
			seen := map[ID]bool{}
			for _, id := range ids {
				if r, ok := byID[id]; ok && !seen[id] {
					seen[id] = true
					want = append(want, r)
				}
			}
			got, err := b.many(ctx, st, ids)
			require.NoError(t, err, "round %d", round)
			require.Equal(t, b.normed(want), b.normed(got), "round %d: %d IDs", round, len(ids))
		}
	})
	if b.mutate == nil {
		return
	}
	s.run(t, "Copies", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		ids, byID := seed(t, st)
		got, err := b.many(ctx, st, ids)
		require.NoError(t, err)
		for i := range got {
			b.mutate(&got[i])
		}
		for _, id := range ids {
			one, err := b.get(ctx, st, id)
			require.NoError(t, err)
			require.Equal(t, b.normed([]T{byID[id]}), b.normed([]T{*one}), "a returned record is the caller's")
		}
	})
}

// sentBy is tc sent by worker at minute m, with a reference of its own; the
// lease stays as it is.
func sentBy(tc outbound.Touch, worker string, m int) outbound.Touch {
	tc.Status, tc.SentAt, tc.Attempts = outbound.TouchSent, at(m), tc.Attempts+1
	tc.ProviderRef = fmt.Sprintf("%s/%s", worker, tc.ID)
	return tc
}

// claimAs claims up to limit touches due at minute now for worker, leased
// until minute until.
func claimAs(t *testing.T, st storage.Store, worker string, now, until, limit int) []outbound.Touch {
	t.Helper()
	got, err := st.ClaimTouches(t.Context(), storage.Claim{Now: at(now), Worker: worker, LeaseUntil: at(until), Limit: limit})
	require.NoError(t, err)
	return got
}

// insertFirst stores touches 0 to n-1 as makeTouch makes them, and returns
// them.
func insertFirst(t *testing.T, st storage.Store, n int) []outbound.Touch {
	t.Helper()
	ts := make([]outbound.Touch, n)
	for i := range ts {
		ts[i] = makeTouch(i)
	}
	require.NoError(t, st.InsertTouches(t.Context(), ts))
	return ts
}

// requireTouches checks the stored touches are want, in listing order.
func requireTouches(t *testing.T, st storage.Store, want []outbound.Touch, msg string) {
	t.Helper()
	got, err := st.ListTouches(t.Context(), storage.TouchFilter{})
	require.NoError(t, err, msg)
	require.Equal(t, touchOrder(want), got, msg)
}

func (s suite) testUpdateTouches(t *testing.T) {
	s.run(t, "UpdateTouchesReplaces", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		model := insertFirst(t, st, 6)
		skipped, err := st.UpdateTouches(ctx, nil, "")
		require.NoError(t, err)
		require.Empty(t, skipped, "an empty batch skips nothing")
		requireTouches(t, st, model, "an empty batch changes nothing")

		sent := model[1]
		sent.Status, sent.SentAt, sent.Attempts = outbound.TouchSent, at(2).In(sydney), 1
		sent.ProviderRef, sent.Resource, sent.Action = "SM0001", resourceID(2), channel.ActionSMS
		sent.Warning = "Body: takes 3 UCS-2 parts (150 characters); each part is billed"
		moved := model[3]
		moved.Lead, moved.Enrollment, moved.ScheduledAt = leadID(9), enrollmentID(9), at(-5).In(sydney)
		cancelled := model[4]
		cancelled.Status, cancelled.Reason = outbound.TouchCancelled, "replied"
		skipped, err = st.UpdateTouches(ctx, []outbound.Touch{moved, sent, makeTouch(99), cancelled}, "")
		require.NoError(t, err)
		require.Equal(t, []outbound.TouchID{touchID(99)}, skipped, "a touch not stored is skipped")
		_, err = st.GetTouch(ctx, touchID(99))
		requireNotFoundMsg(t, err, "a batch update creates nothing")

		sent.SentAt, moved.ScheduledAt = at(2), at(-5) // instants come back in UTC
		model[1], model[3], model[4] = sent, moved, cancelled
		for _, want := range model {
			got, err := st.GetTouch(ctx, want.ID)
			require.NoError(t, err)
			require.Equal(t, want, *got)
			requireUTC(t, want.ScheduledAt, got.ScheduledAt)
		}
		requireTouches(t, st, model, "listed")

		// The replaced touches move in every listing and lookup.
		filters := []struct {
			name string
			f    storage.TouchFilter
			want []outbound.Touch
		}{
			{"new lead", storage.TouchFilter{Lead: leadID(9)}, []outbound.Touch{moved}},
			{"new enrollment", storage.TouchFilter{Enrollment: enrollmentID(9)}, []outbound.Touch{moved}},
			{"old lead", storage.TouchFilter{Lead: leadID(0)}, []outbound.Touch{model[0], model[1], model[2], model[4]}},
			{"status", storage.TouchFilter{Status: outbound.TouchSent}, []outbound.Touch{sent}},
			{"statuses", storage.TouchFilter{Statuses: []outbound.TouchStatus{outbound.TouchSent, outbound.TouchCancelled}}, []outbound.Touch{sent, cancelled}},
			{"action", storage.TouchFilter{Action: channel.ActionSMS}, []outbound.Touch{sent}},
			{"new resource", storage.TouchFilter{Resources: []outbound.ResourceID{resourceID(2)}}, []outbound.Touch{sent}},
			{"sent window", storage.TouchFilter{SentFrom: at(2), SentUntil: at(3)}, []outbound.Touch{sent}},
			{"sent window before", storage.TouchFilter{SentUntil: at(2)}, nil},
		}
		for _, tt := range filters {
			got, err := st.ListTouches(ctx, tt.f)
			require.NoError(t, err, tt.name)
			if len(tt.want) == 0 {
				require.Empty(t, got, tt.name)
				continue
			}
			require.Equal(t, touchOrder(tt.want), got, tt.name)
		}
		found, err := st.FindTouchByProviderRef(ctx, touchProvider, "SM0001")
		require.NoError(t, err)
		require.Equal(t, sent, *found, "the reference the batch set")

		requireNextDue(t, st, at(-5), true, "the moved touch is due first")
		claimed := claimAs(t, st, "w", 100, 105, 10)
		require.Equal(t, []outbound.TouchID{touchID(3), touchID(0), touchID(2), touchID(5)}, touchIDs(claimed),
			"the scheduled touches, the moved one first; not the sent or cancelled")
	})
	s.run(t, "UpdateTouchesHonoursLeases", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		insertFirst(t, st, 6)
		w1 := claimAs(t, st, "w1", 10, 30, 3)
		require.Equal(t, []outbound.TouchID{touchID(0), touchID(1), touchID(2)}, touchIDs(w1))
		w2 := claimAs(t, st, "w2", 10, 30, 2)
		require.Equal(t, []outbound.TouchID{touchID(3), touchID(4)}, touchIDs(w2))
		// Touch 5 is held by nobody.

		batch := []outbound.Touch{
			sentBy(w2[1], "w1", 11), sentBy(w1[0], "w1", 11), sentBy(makeTouch(5), "w1", 11),
			sentBy(w1[1], "w1", 11), sentBy(makeTouch(77), "w1", 11), sentBy(w1[2], "w1", 11),
		}
		skipped, err := st.UpdateTouches(ctx, batch, "w1")
		require.NoError(t, err)
		require.Equal(t, []outbound.TouchID{touchID(4), touchID(5), touchID(77)}, skipped,
			"another worker's, nobody's and a missing touch, in the order of the batch")
		requireTouches(t, st, []outbound.Touch{batch[1], batch[3], batch[5], w2[0], w2[1], makeTouch(5)},
			"w1's touches replaced, the others as they were")
		_, err = st.FindTouchByProviderRef(ctx, touchProvider, batch[0].ProviderRef)
		requireNotFoundMsg(t, err, "a skipped touch's reference is not recorded")

		skipped, err = st.UpdateTouches(ctx, []outbound.Touch{sentBy(w2[0], "w2", 12), sentBy(w2[1], "w2", 12)}, "w2")
		require.NoError(t, err)
		require.Empty(t, skipped, "w2 holds both")

		// An unconditional batch replaces whatever holds the touch; when it
		// clears the lease, the worker that held it no longer does.
		cancel := func(tc outbound.Touch) outbound.Touch {
			tc.Status, tc.Reason, tc.LeasedBy, tc.LeaseUntil = outbound.TouchCancelled, "replied", "", time.Time{}
			return tc
		}
		skipped, err = st.UpdateTouches(ctx, []outbound.Touch{cancel(makeTouch(5)), cancel(batch[5])}, "")
		require.NoError(t, err)
		require.Empty(t, skipped)
		skipped, err = st.UpdateTouches(ctx, []outbound.Touch{sentBy(w1[2], "w1", 13)}, "w1")
		require.NoError(t, err)
		require.Equal(t, []outbound.TouchID{touchID(2)}, skipped, "the unconditional batch dropped w1's lease")
		got, err := st.GetTouch(ctx, touchID(2))
		require.NoError(t, err)
		require.Equal(t, cancel(batch[5]), *got)
	})
	s.run(t, "UpdateTouchesGivesBack", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		insertFirst(t, st, 2)
		held := claimAs(t, st, "w1", 1, 30, 2)
		require.Len(t, held, 2)
		requireNextDue(t, st, at(30), true, "both leased until minute 30")

		// w1 sends one and puts the other back on the schedule, unleased.
		back := held[0]
		back.ScheduledAt, back.LeasedBy, back.LeaseUntil, back.Reason = at(10), "", time.Time{}, "deferred"
		skipped, err := st.UpdateTouches(ctx, []outbound.Touch{back, sentBy(held[1], "w1", 2)}, "w1")
		require.NoError(t, err)
		require.Empty(t, skipped)
		requireNextDue(t, st, at(10), true, "the touch given back is due at its new instant")
		require.Empty(t, claimAs(t, st, "w2", 9, 20, 10), "not due before its new instant")
		again := claimAs(t, st, "w2", 10, 20, 10)
		require.Equal(t, []outbound.TouchID{touchID(0)}, touchIDs(again), "claimable again, by anyone; the sent one is not")
		require.Equal(t, "w2", again[0].LeasedBy)
		require.Equal(t, outbound.Reason("deferred"), again[0].Reason)
	})
	s.run(t, "UpdateTouchesInvalidChangesNothing", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		insertFirst(t, st, 4)
		held := claimAs(t, st, "w1", 10, 30, 4)
		require.Len(t, held, 4)
		good := sentBy(held[0], "w1", 11)
		noClient := sentBy(held[1], "w1", 11)
		noClient.Client = outbound.ClientID{}
		badStatus := sentBy(held[2], "w1", 11)
		badStatus.Status = "queued"
		noID := sentBy(held[3], "w1", 11)
		noID.ID = outbound.TouchID{}
		twice := sentBy(held[1], "w1", 11)
		twice.Status = outbound.TouchCancelled
		missingNoClient := makeTouch(50)
		missingNoClient.Client = outbound.ClientID{}
		tests := []struct {
			name   string
			batch  []outbound.Touch
			worker string
			field  string
		}{
			{"zero client", []outbound.Touch{good, noClient}, "w1", "client"},
			{"unknown status", []outbound.Touch{good, badStatus}, "", "status"},
			{"empty status", []outbound.Touch{good, func() outbound.Touch { tc := sentBy(held[2], "w1", 11); tc.Status = ""; return tc }()}, "w1", "status"},
			{"zero ID", []outbound.Touch{good, noID}, "w1", "id"},
			{"an ID twice", []outbound.Touch{good, sentBy(held[1], "w1", 11), twice}, "w1", "id"},
			{"the same touch twice", []outbound.Touch{good, good}, "", "id"},
			{"invalid first", []outbound.Touch{badStatus, good}, "", "status"},
			{"invalid and not stored", []outbound.Touch{good, missingNoClient}, "", "client"},
			{"invalid and held by another worker", []outbound.Touch{good, noClient}, "w2", "client"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := st.UpdateTouches(ctx, tt.batch, tt.worker)
				requireInvalid(t, err, tt.field)
				requireTouches(t, st, held, "a rejected batch replaces nothing")
				_, err = st.FindTouchByProviderRef(ctx, touchProvider, good.ProviderRef)
				requireNotFoundMsg(t, err, "nor records a reference")
			})
		}
		skipped, err := st.UpdateTouches(ctx, []outbound.Touch{good}, "w1")
		require.NoError(t, err)
		require.Empty(t, skipped, "the valid touch alone goes through")
		found, err := st.FindTouchByProviderRef(ctx, touchProvider, good.ProviderRef)
		require.NoError(t, err)
		require.Equal(t, good, *found)
	})
	s.run(t, "UpdateTouchesLeaseTakenOver", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		insertFirst(t, st, 2)
		mine := claimAs(t, st, "w1", 1, 5, 2)
		require.Len(t, mine, 2)
		// w1's lease ends at minute 5; w2 takes one touch over and starts it.
		taken := claimAs(t, st, "w2", 5, 10, 1)
		require.Equal(t, []outbound.TouchID{touchID(0)}, touchIDs(taken))
		theirs := taken[0]
		theirs.Status, theirs.Attempts = outbound.TouchSending, 1
		skipped, err := st.UpdateTouches(ctx, []outbound.Touch{theirs}, "w2")
		require.NoError(t, err)
		require.Empty(t, skipped)

		late := []outbound.Touch{sentBy(mine[0], "w1", 6), sentBy(mine[1], "w1", 6)}
		skipped, err = st.UpdateTouches(ctx, late, "w1")
		require.NoError(t, err)
		require.Equal(t, []outbound.TouchID{touchID(0)}, skipped, "w1 lost touch 0 to w2")
		requireTouches(t, st, []outbound.Touch{theirs, late[1]},
			"w2's state of touch 0 stays; touch 1, which nobody took over, is w1's to finish")
	})
	s.run(t, "UpdateTouchesConcurrentDisjoint", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const n, size = 200, 20
		insertFirst(t, st, n)
		workers := []string{"w1", "w2"}
		held := [][]outbound.Touch{claimAs(t, st, "w1", n, n+30, n/2), claimAs(t, st, "w2", n, n+30, n/2)}
		skipped := make([][]outbound.TouchID, len(workers))
		errs := make([]error, len(workers))
		var wg sync.WaitGroup
		for w, name := range workers {
			require.Len(t, held[w], n/2)
			wg.Go(func() {
				for b := 0; b < len(held[w]); b += size {
					batch := make([]outbound.Touch, 0, size)
					for _, tc := range held[w][b : b+size] {
						batch = append(batch, sentBy(tc, name, n+1))
					}
					sk, err := st.UpdateTouches(ctx, batch, name)
					if err != nil {
						errs[w] = err
						return
					}
					skipped[w] = append(skipped[w], sk...)
				}
			})
		}
		wg.Wait()
		var want []outbound.Touch
		for w, name := range workers {
			require.NoError(t, errs[w], name)
			require.Empty(t, skipped[w], "%s holds every touch of its batches", name)
			for _, tc := range held[w] {
				want = append(want, sentBy(tc, name, n+1))
			}
		}
		requireTouches(t, st, want, "every touch replaced by its holder")
		for _, tc := range want[:10] {
			found, err := st.FindTouchByProviderRef(ctx, touchProvider, tc.ProviderRef)
			require.NoError(t, err)
			require.Equal(t, tc, *found)
		}
	})
	s.run(t, "UpdateTouchesRacesClaims", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const n, size = 60, 6
		insertFirst(t, st, n)
		mine := claimAs(t, st, "w1", n, n+5, n)
		require.Len(t, mine, n)
		// w1's leases have ended when it reports its sends, while w2 claims
		// the same touches: each touch goes to exactly one of them.
		var (
			wg      sync.WaitGroup
			batches [][]outbound.Touch
			skipped [][]outbound.TouchID
			theirs  []outbound.Touch
			errW1   error
			errW2   error
		)
		wg.Go(func() {
			for b := 0; b < n; b += size {
				batch := make([]outbound.Touch, 0, size)
				for _, tc := range mine[b : b+size] {
					batch = append(batch, sentBy(tc, "w1", n+6))
				}
				sk, err := st.UpdateTouches(ctx, batch, "w1")
				if err != nil {
					errW1 = err
					return
				}
				batches, skipped = append(batches, batch), append(skipped, sk)
			}
		})
		wg.Go(func() {
			for {
				c, err := st.ClaimTouches(ctx, storage.Claim{Now: at(n + 10), Worker: "w2", LeaseUntil: at(n + 20), Limit: 4})
				if err != nil {
					errW2 = err
					return
				}
				if len(c) == 0 {
					return
				}
				theirs = append(theirs, c...)
			}
		})
		wg.Wait()
		require.NoError(t, errW1)
		require.NoError(t, errW2)

		lost := map[outbound.TouchID]bool{}
		for i, batch := range batches {
			// Each call's skipped IDs are in the order of its batch.
			var inOrder []outbound.TouchID
			for _, tc := range batch {
				if slices.Contains(skipped[i], tc.ID) {
					inOrder = append(inOrder, tc.ID)
				}
			}
			require.Equal(t, inOrder, skipped[i], "batch %d", i)
			for _, id := range skipped[i] {
				lost[id] = true
			}
		}
		claimedBy2 := map[outbound.TouchID]outbound.Touch{}
		for _, tc := range theirs {
			_, dup := claimedBy2[tc.ID]
			require.False(t, dup, "w2 got %s twice", tc.ID)
			claimedBy2[tc.ID] = tc
		}
		var want []outbound.Touch
		for _, batch := range batches {
			for _, tc := range batch {
				w2, claimed := claimedBy2[tc.ID]
				require.Equal(t, claimed, lost[tc.ID], "touch %s: w1 skips exactly the touches w2 claimed first", tc.ID)
				if claimed {
					want = append(want, w2)
					continue
				}
				want = append(want, tc)
			}
		}
		require.Len(t, want, n)
		requireTouches(t, st, want, "each touch as its winner left it")
	})
}
