package storagetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// phone is the suite's n-th phone number.
func phone(n int) string { return fmt.Sprintf("+614%08d", n) }

// testGetWashes checks GetWashes: the latest result of each washed number
// among the phones, each once, in the order of first appearance, equal to
// what GetWash returns; numbers never washed left out.
func (s suite) testGetWashes(t *testing.T) {
	statuses := []outbound.DNCRStatus{outbound.DNCRClear, outbound.DNCRRegistered, outbound.DNCRUnknown}
	t.Run("GetWashes", func(t *testing.T) {
		t.Parallel()
		testGetMany(t, s, batchRead[outbound.WashResult, string]{
			make: func(n int) outbound.WashResult {
				return outbound.WashResult{Phone: phone(n), Status: statuses[n%len(statuses)], WashedAt: at(10 * n)}
			},
			id:      func(w *outbound.WashResult) string { return w.Phone },
			missing: func(n int) string { return phone(1000 + n) },
			create: func(ctx context.Context, st storage.Store, w *outbound.WashResult) error {
				return st.PutWash(ctx, *w)
			},
			get: func(ctx context.Context, st storage.Store, p string) (*outbound.WashResult, error) {
				w, err := st.GetWash(ctx, p)
				return &w, err
			},
			many: func(ctx context.Context, st storage.Store, ps []string) ([]outbound.WashResult, error) {
				return st.GetWashes(ctx, ps)
			},
		})
	})
	s.run(t, "GetWashesLatest", getWashesLatest)
	s.run(t, "GetWashesMatchesModel", getWashesModel)
}

// getWashesLatest checks GetWashes against a table of answers over numbers
// washed more than once.
func getWashesLatest(t *testing.T, st storage.Store) {
	ctx := t.Context()
	wash := func(n int, status outbound.DNCRStatus, m int) outbound.WashResult {
		return outbound.WashResult{Phone: phone(n), Status: status, WashedAt: at(m)}
	}
	a, b, c, d, never := phone(1), phone(2), phone(3), phone(4), phone(5)
	inSydney := wash(4, outbound.DNCRRegistered, 7)
	inSydney.WashedAt = inSydney.WashedAt.In(sydney)
	for _, w := range []outbound.WashResult{
		wash(1, outbound.DNCRClear, 100),
		wash(1, outbound.DNCRRegistered, 50), // older: ignored
		wash(2, outbound.DNCRClear, 10),
		wash(2, outbound.DNCRRegistered, 20), // newer: replaces
		wash(3, outbound.DNCRClear, 30),
		wash(3, outbound.DNCRUnknown, 30), // as recent: replaces
		inSydney,
	} {
		require.NoError(t, st.PutWash(ctx, w))
	}
	latest := map[string]outbound.WashResult{
		a: wash(1, outbound.DNCRClear, 100),
		b: wash(2, outbound.DNCRRegistered, 20),
		c: wash(3, outbound.DNCRUnknown, 30),
		d: wash(4, outbound.DNCRRegistered, 7),
	}
	tests := []struct {
		name   string
		phones []string
		want   []string // phones whose latest results come back, in order
	}{
		{"nil", nil, nil},
		{"empty", []string{}, nil},
		{"a number never washed", []string{never}, nil},
		{"numbers compare exactly", []string{"", a[:len(a)-1], a + " ", " " + a, "+61 4" + a[4:], a[1:]}, nil},
		{"one", []string{a}, []string{a}},
		{"the newer of two washes", []string{b}, []string{b}},
		{"the later of two washes as recent", []string{c}, []string{c}},
		{"washed in another zone", []string{d}, []string{d}},
		{"order of first appearance, each once, the unwashed left out", []string{c, never, a, c, b, a, never, d, b}, []string{c, a, b, d}},
		{"reversed", []string{d, c, b, a}, []string{d, c, b, a}},
		{"one number many times", slices.Repeat([]string{b}, 500), []string{b}},
	}
	check := func(stage string) {
		t.Helper()
		for _, tt := range tests {
			got, err := st.GetWashes(ctx, tt.phones)
			require.NoError(t, err, "%s: %s", stage, tt.name)
			if len(tt.want) == 0 {
				require.Empty(t, got, "%s: %s", stage, tt.name)
				continue
			}
			want := make([]outbound.WashResult, len(tt.want))
			for i, p := range tt.want {
				want[i] = latest[p]
				one, err := st.GetWash(ctx, p)
				require.NoError(t, err, "%s: %s", stage, tt.name)
				require.Equal(t, want[i], one, "%s: %s: the table agrees with GetWash", stage, tt.name)
			}
			require.Equal(t, want, got, "%s: %s", stage, tt.name)
			for _, w := range got {
				require.Equal(t, time.UTC, w.WashedAt.Location(), "%s: %s: instants come back in UTC", stage, tt.name)
			}
		}
	}
	check("as washed")

	// A newer wash shows at once, an older one changes nothing, and a
	// number washed for the first time joins.
	for _, w := range []outbound.WashResult{wash(1, outbound.DNCRRegistered, 200), wash(2, outbound.DNCRClear, 15), wash(5, outbound.DNCRClear, 1)} {
		require.NoError(t, st.PutWash(ctx, w))
	}
	latest[a], latest[never] = wash(1, outbound.DNCRRegistered, 200), wash(5, outbound.DNCRClear, 1)
	tests[2].want = []string{never}
	tests[8].want = []string{c, never, a, b, d}
	check("after more washes")
}

// getWashesModel checks GetWashes against a model of PutWash's rule (the
// latest wash wins, the later of two as recent) through random washes and
// random batches with repeats, and against GetWash.
func getWashesModel(t *testing.T, st storage.Store) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(9, 3))
	const washable, unwashed = 10, 3
	var universe []string
	for n := range washable + unwashed {
		universe = append(universe, phone(n))
	}
	statuses := []outbound.DNCRStatus{outbound.DNCRClear, outbound.DNCRRegistered, outbound.DNCRUnknown}
	model := map[string]outbound.WashResult{}
	answer := func(phones []string) []outbound.WashResult {
		var out []outbound.WashResult
		seen := map[string]bool{}
		for _, p := range phones {
			if w, ok := model[p]; ok && !seen[p] {
				seen[p] = true
				out = append(out, w)
			}
		}
		return out
	}
	for round := range 60 {
		for range rng.IntN(4) {
			w := outbound.WashResult{
				Phone:    universe[rng.IntN(washable)],
				Status:   statuses[rng.IntN(len(statuses))],
				WashedAt: at(rng.IntN(20)), // few instants: many ties and older washes
			}
			if rng.IntN(2) == 0 {
				w.WashedAt = w.WashedAt.In(sydney)
			}
			require.NoError(t, st.PutWash(ctx, w))
			if cur, ok := model[w.Phone]; !ok || !w.WashedAt.Before(cur.WashedAt) {
				w.WashedAt = w.WashedAt.UTC()
				model[w.Phone] = w
			}
		}
		phones := make([]string, rng.IntN(3*len(universe)))
		for i := range phones {
			phones[i] = universe[rng.IntN(len(universe))]
		}
		got, err := st.GetWashes(ctx, phones)
		require.NoError(t, err, "round %d", round)
		if want := answer(phones); len(want) == 0 {
			require.Empty(t, got, "round %d: %d phones", round, len(phones))
		} else {
			require.Equal(t, want, got, "round %d: %d phones", round, len(phones))
		}
		if round%10 == 9 {
			for _, p := range universe {
				one, err := st.GetWash(ctx, p)
				if w, ok := model[p]; ok {
					require.NoError(t, err, "round %d: %s", round, p)
					require.Equal(t, w, one, "round %d: GetWash agrees with the model", round)
				} else {
					requireNotFoundMsg(t, err, fmt.Sprintf("round %d: %s never washed", round, p))
				}
			}
		}
	}
	require.Len(t, model, washable, "every washable number was washed")

	// A long batch: the whole universe many times over, shuffled.
	phones := slices.Repeat(universe, 400)
	rng.Shuffle(len(phones), func(i, j int) { phones[i], phones[j] = phones[j], phones[i] })
	got, err := st.GetWashes(ctx, phones)
	require.NoError(t, err)
	require.Equal(t, answer(phones), got, "%d phones", len(phones))
}

// keepTouch is the TouchFilter rule written out without any store's help:
// every field set narrows, the fields combine with AND.
func keepTouch(f *storage.TouchFilter, t *outbound.Touch) bool {
	if !(f.Client.IsZero() || t.Client == f.Client) ||
		!(f.Campaign.IsZero() || t.Campaign == f.Campaign) ||
		!(f.Lead.IsZero() || t.Lead == f.Lead) ||
		!(f.Enrollment.IsZero() || t.Enrollment == f.Enrollment) ||
		!(len(f.Enrollments) == 0 || slices.Contains(f.Enrollments, t.Enrollment)) ||
		!(f.Status == "" || t.Status == f.Status) ||
		!(len(f.Statuses) == 0 || slices.Contains(f.Statuses, t.Status)) ||
		!(f.Action == "" || t.Action == f.Action) ||
		!(len(f.Resources) == 0 || slices.Contains(f.Resources, t.Resource)) {
		return false
	}
	if f.SentFrom.IsZero() && f.SentUntil.IsZero() {
		return true
	}
	return !t.SentAt.IsZero() && !t.SentAt.Before(f.SentFrom) && (f.SentUntil.IsZero() || t.SentAt.Before(f.SentUntil))
}

// enrollmentTouches is filterTouches with 11 enrollments (0 to 10) and
// three campaigns that cut across leads and clients: an enrollment's
// touches belong to several leads here, and a lead's to several
// enrollments.
func enrollmentTouches() []outbound.Touch {
	ts := filterTouches()
	for n := range ts {
		ts[n].Enrollment = enrollmentID(n % 11)
		ts[n].Campaign = campaignID(n % 3)
	}
	return ts
}

// listAgainstModel checks ListTouches with f against keepTouch over all,
// in the listing order, and returns what the store listed.
func listAgainstModel(t *testing.T, st storage.Store, all []outbound.Touch, f storage.TouchFilter, msg string) []outbound.Touch {
	t.Helper()
	var want []outbound.Touch
	for i := range all {
		if keepTouch(&f, &all[i]) {
			want = append(want, all[i])
		}
	}
	got, err := st.ListTouches(t.Context(), f)
	require.NoError(t, err, msg)
	if len(want) == 0 {
		require.Empty(t, got, msg)
		return nil
	}
	require.Equal(t, touchOrder(want), got, msg)
	return got
}

func enrollmentIDs(ns ...int) []outbound.EnrollmentID {
	out := make([]outbound.EnrollmentID, len(ns))
	for i, n := range ns {
		out[i] = enrollmentID(n)
	}
	return out
}

// testTouchEnrollments checks TouchFilter.Enrollments: a table, then
// random filters against the model, before and after updates that move
// touches from one enrollment to another.
func (s suite) testTouchEnrollments(t *testing.T) {
	s.run(t, "Enrollments", touchEnrollmentsTable)
	s.run(t, "EnrollmentsMatchModel", touchEnrollmentsModel)
}

func touchEnrollmentsTable(t *testing.T, st storage.Store) {
	ctx := t.Context()
	enr := enrollmentIDs
	all := enrollmentTouches()
	require.NoError(t, st.InsertTouches(ctx, all[:30]))
	require.NoError(t, st.InsertTouches(ctx, all[30:]))
	many := enr(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	for n := range 500 {
		many = append(many, enrollmentID(100+n))
	}
	tests := []struct {
		name string
		f    storage.TouchFilter
		n    int // how many touches the model keeps: the table's own check
	}{
		{"nil: every touch", storage.TouchFilter{}, 72},
		{"empty: every touch", storage.TouchFilter{Enrollments: []outbound.EnrollmentID{}}, 72},
		{"one", storage.TouchFilter{Enrollments: enr(4)}, 7},
		{"two", storage.TouchFilter{Enrollments: enr(4, 9)}, 13},
		{"repeats count once", storage.TouchFilter{Enrollments: enr(9, 4, 9, 9, 4)}, 13},
		{"unknown", storage.TouchFilter{Enrollments: enr(11, 12)}, 0},
		{"unknown and known", storage.TouchFilter{Enrollments: enr(11, 0, 12)}, 7},
		{"every enrollment among many unknown", storage.TouchFilter{Enrollments: many}, 72},
		{"enrollment in the list", storage.TouchFilter{Enrollment: enrollmentID(4), Enrollments: enr(9, 4)}, 7},
		{"enrollment outside the list", storage.TouchFilter{Enrollment: enrollmentID(3), Enrollments: enr(9, 4)}, 0},
		{"enrollment with an empty list", storage.TouchFilter{Enrollment: enrollmentID(3), Enrollments: []outbound.EnrollmentID{}}, 7},
		{"lead", storage.TouchFilter{Lead: leadID(2), Enrollments: enr(0, 1, 2)}, 3},
		{"lead outside", storage.TouchFilter{Lead: leadID(2), Enrollments: enr(4, 5)}, 0},
		{"lead and enrollment", storage.TouchFilter{Lead: leadID(2), Enrollment: enrollmentID(1), Enrollments: enr(1, 2)}, 1},
		{"status", storage.TouchFilter{Status: outbound.TouchSent, Enrollments: enr(0, 5, 7)}, 6},
		{"statuses", storage.TouchFilter{Statuses: []outbound.TouchStatus{outbound.TouchScheduled, outbound.TouchFailed}, Enrollments: enr(2, 3)}, 4},
		{"client", storage.TouchFilter{Client: clientID(1), Enrollments: enr(1, 2)}, 7},
		{"campaign", storage.TouchFilter{Campaign: campaignID(2), Enrollments: enr(1, 2)}, 5},
		{"action", storage.TouchFilter{Action: channel.ActionCall, Enrollments: enr(1, 6, 7)}, 4},
		{"resources", storage.TouchFilter{Resources: []outbound.ResourceID{resourceID(0)}, Enrollments: enr(0, 1)}, 4},
		{"sent window", storage.TouchFilter{SentFrom: at(100), SentUntil: at(110), Enrollments: enr(0, 1, 2)}, 7},
		{"every field", storage.TouchFilter{ // touch 45's own values
			Client: clientID(1), Campaign: campaignID(0), Lead: leadID(9), Enrollment: enrollmentID(1), Enrollments: enr(1, 2),
			Status: outbound.TouchSent, Statuses: []outbound.TouchStatus{outbound.TouchSent},
			Action:    channel.ActionConnectionRequest,
			Resources: []outbound.ResourceID{resourceID(0), resourceID(1), resourceID(2), resourceID(3)},
			SentFrom:  at(111), SentUntil: at(112),
		}, 1},
	}
	for _, tt := range tests {
		got := listAgainstModel(t, st, all, tt.f, tt.name)
		require.Len(t, got, tt.n, "%s: the model keeps what the table says", tt.name)
	}
	dead, cancel := context.WithCancel(ctx)
	cancel()
	_, err := st.ListTouches(dead, storage.TouchFilter{Enrollments: enr(1)})
	require.ErrorIs(t, err, context.Canceled)
}

func touchEnrollmentsModel(t *testing.T, st storage.Store) {
	ctx := t.Context()
	all := enrollmentTouches()
	require.NoError(t, st.InsertTouches(ctx, all))
	statuses := []outbound.TouchStatus{
		outbound.TouchScheduled, outbound.TouchSending, outbound.TouchSent, outbound.TouchDelivered,
		outbound.TouchFailed, outbound.TouchSkipped, outbound.TouchCancelled, outbound.TouchUncertain,
	}
	rng := rand.New(rand.NewPCG(5, 8))
	// filter draws a random filter; Enrollments is set in most, from
	// enrollments 0 to 12 (11 and 12 have no touch at first), with repeats.
	filter := func() storage.TouchFilter {
		var f storage.TouchFilter
		switch k := rng.IntN(8); k {
		case 0: // nil
		case 1:
			f.Enrollments = []outbound.EnrollmentID{}
		default:
			for range k - 1 {
				f.Enrollments = append(f.Enrollments, enrollmentID(rng.IntN(13)))
			}
		}
		if rng.IntN(3) == 0 {
			if len(f.Enrollments) > 0 && rng.IntN(2) == 0 {
				f.Enrollment = f.Enrollments[rng.IntN(len(f.Enrollments))]
			} else {
				f.Enrollment = enrollmentID(rng.IntN(13))
			}
		}
		if rng.IntN(3) == 0 {
			f.Lead = leadID(rng.IntN(16))
		}
		if rng.IntN(3) == 0 {
			f.Status = statuses[rng.IntN(len(statuses))]
		}
		if rng.IntN(5) == 0 {
			f.Client = clientID(rng.IntN(2))
		}
		if rng.IntN(6) == 0 {
			f.Campaign = campaignID(rng.IntN(3))
		}
		if rng.IntN(6) == 0 {
			f.Statuses = []outbound.TouchStatus{statuses[rng.IntN(len(statuses))], statuses[rng.IntN(len(statuses))]}
		}
		if rng.IntN(6) == 0 {
			f.Resources = []outbound.ResourceID{resourceID(rng.IntN(4))}
		}
		if rng.IntN(6) == 0 {
			f.SentFrom = at(100 + rng.IntN(17))
		}
		return f
	}
	// Each kind of combination must narrow the touches to some but not all
	// at least once: a run whose filters all matched nothing, or
	// everything, would prove nothing.
	rounds := func(stage string) {
		t.Helper()
		narrowed := map[string]int{}
		for round := range 250 {
			f := filter()
			got := listAgainstModel(t, st, all, f, fmt.Sprintf("%s, round %d: %+v", stage, round, f))
			if len(f.Enrollments) == 0 || len(got) == 0 || len(got) == len(all) {
				continue
			}
			narrowed["alone or with others"]++
			if !f.Enrollment.IsZero() {
				narrowed["with Enrollment"]++
			}
			if !f.Lead.IsZero() {
				narrowed["with Lead"]++
			}
			if f.Status != "" {
				narrowed["with Status"]++
			}
		}
		for _, with := range []string{"alone or with others", "with Enrollment", "with Lead", "with Status"} {
			require.Positive(t, narrowed[with], "%s: no filter on Enrollments %s narrowed the touches", stage, with)
		}
	}
	rounds("as inserted")

	// Touches move between enrollments, one by one and in a batch: into
	// one that had none, and out of one until it has none.
	var moved []outbound.Touch
	for n := range all {
		switch {
		case all[n].Enrollment == enrollmentID(3):
			all[n].Enrollment = enrollmentID(11)
		case n%4 == 1:
			to := (n + 5) % 11
			if to == 3 {
				to = 11 // touches 9 and 53
			}
			all[n].Enrollment = enrollmentID(to)
		default:
			continue
		}
		moved = append(moved, all[n])
	}
	for i := range moved[:5] {
		require.NoError(t, st.UpdateTouch(ctx, &moved[i], ""))
	}
	skipped, err := st.UpdateTouches(ctx, moved[5:], "")
	require.NoError(t, err)
	require.Empty(t, skipped)
	require.Empty(t, listAgainstModel(t, st, all, storage.TouchFilter{Enrollments: enrollmentIDs(3)}, "an enrollment all of whose touches moved"))
	require.Len(t, listAgainstModel(t, st, all, storage.TouchFilter{Enrollments: enrollmentIDs(11, 3)}, "the enrollment they moved to"), 9)
	rounds("after moves")
}
