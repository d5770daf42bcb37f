package sequence

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
	"github.com/stretchr/testify/require"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEarliest(t *testing.T) {
	t.Parallel()
	syd := mustLoad(t, "Australia/Sydney")
	ny := mustLoad(t, "America/New_York")
	santiago := mustLoad(t, "America/Santiago")
	havana := mustLoad(t, "America/Havana")
	d := timing.DateFromYMD
	sameDay := Sequence{Steps: []Step{{Number: 1, Channel: channel.Email}, {Number: 2, Channel: channel.LinkedIn}}}

	// Every expected instant below was worked out by hand from the zone's
	// offset on that date (AEST +10, AEDT +11, EST −5, EDT −4; Santiago
	// skips 00:00–01:00 on 2026-09-06; Havana repeats 00:00–01:00 on
	// 2026-11-01) and checked against zdump.
	tests := []struct {
		name     string
		seq      Sequence
		number   int
		enrolled timing.Date
		loc      *time.Location
		last     LastTouch
		want     string
	}{
		{"step 1, day 0", Default(), 1, d(2026, 6, 1), syd, LastTouch{}, "2026-05-31T14:00:00Z"},
		{"step 2, day 3", Default(), 2, d(2026, 6, 1), syd, LastTouch{}, "2026-06-03T14:00:00Z"},
		{"step 3, day 5", Default(), 3, d(2026, 6, 1), syd, LastTouch{}, "2026-06-05T14:00:00Z"},
		{"step 4, day 8", Default(), 4, d(2026, 6, 1), syd, LastTouch{}, "2026-06-08T14:00:00Z"},
		{"step 5, day 12", Default(), 5, d(2026, 6, 1), syd, LastTouch{}, "2026-06-12T14:00:00Z"},

		{"on time at 10:55 keeps the next step's planned day", Default(), 2, d(2026, 6, 1), syd,
			LastTouch{1, time.Date(2026, 6, 1, 10, 55, 0, 0, syd)}, "2026-06-03T14:00:00Z"},
		{"slipped a day pushes the next a day", Default(), 3, d(2026, 6, 1), syd,
			LastTouch{2, time.Date(2026, 6, 5, 14, 10, 0, 0, syd)}, "2026-06-06T14:00:00Z"}, // June 7 00:00 AEST
		{"a slip at 23:59 pushes one day, not two", Default(), 3, d(2026, 6, 1), syd,
			LastTouch{2, time.Date(2026, 6, 5, 23, 59, 59, 0, syd)}, "2026-06-06T14:00:00Z"},
		{"the last touch's day is read in the recipient's zone", Default(), 3, d(2026, 6, 1), syd,
			LastTouch{2, utc("2026-06-04T23:30:00Z")}, "2026-06-06T14:00:00Z"}, // June 5 09:30 AEST → June 7
		{"a touch earlier than planned does not pull the next one in", Default(), 3, d(2026, 6, 1), syd,
			LastTouch{2, time.Date(2026, 6, 2, 9, 0, 0, 0, syd)}, "2026-06-05T14:00:00Z"},
		{"a skipped step: the gap counts from the last touch made", Default(), 4, d(2026, 6, 1), syd,
			LastTouch{2, time.Date(2026, 6, 6, 9, 0, 0, 0, syd)}, "2026-06-10T14:00:00Z"}, // day 5 + (8−3) = June 11
		{"same-day steps: not before the last touch", sameDay, 2, d(2026, 6, 1), syd,
			LastTouch{1, time.Date(2026, 6, 1, 10, 0, 0, 0, syd)}, "2026-06-01T00:00:00Z"}, // 10:00 AEST

		{"New York, day before spring forward (EST)", Default(), 2, d(2026, 3, 5), ny, LastTouch{}, "2026-03-08T05:00:00Z"},
		{"New York, after spring forward (EDT)", Default(), 3, d(2026, 3, 5), ny, LastTouch{}, "2026-03-10T04:00:00Z"},
		{"New York, slip across spring forward", Default(), 2, d(2026, 3, 5), ny,
			LastTouch{1, time.Date(2026, 3, 7, 23, 30, 0, 0, ny)}, "2026-03-10T04:00:00Z"},
		{"New York, across fall back", Default(), 2, d(2026, 10, 30), ny, LastTouch{}, "2026-11-02T05:00:00Z"},
		{"New York, slip into the fall-back day", Default(), 2, d(2026, 10, 26), ny,
			LastTouch{1, time.Date(2026, 10, 29, 16, 0, 0, 0, ny)}, "2026-11-01T04:00:00Z"},
		{"Sydney, on the spring-forward day (AEST midnight)", Default(), 2, d(2026, 10, 1), syd, LastTouch{}, "2026-10-03T14:00:00Z"},
		{"Sydney, after spring forward (AEDT)", Default(), 3, d(2026, 10, 1), syd, LastTouch{}, "2026-10-05T13:00:00Z"},
		{"Santiago: midnight skipped, first instant of the day", Default(), 2, d(2026, 9, 3), santiago, LastTouch{}, "2026-09-06T04:00:00Z"},
		{"Havana: midnight repeated, first occurrence", Default(), 2, d(2026, 10, 29), havana, LastTouch{}, "2026-11-01T04:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.seq.Earliest(tt.number, tt.enrolled, tt.loc, tt.last)
			require.NoError(t, err)
			require.Equal(t, utc(tt.want), got.UTC(), "got %s local", got.In(tt.loc))
		})
	}
}

func TestEarliestErrors(t *testing.T) {
	t.Parallel()
	syd := mustLoad(t, "Australia/Sydney")
	at := time.Date(2026, 6, 1, 10, 0, 0, 0, syd)
	enrolled := timing.DateFromYMD(2026, 6, 1)
	tests := []struct {
		name   string
		number int
		loc    *time.Location
		last   LastTouch
		field  string
	}{
		{"nil zone", 1, nil, LastTouch{}, "loc"},
		{"step 0", 0, syd, LastTouch{}, "number"},
		{"step past the end", 6, syd, LastTouch{}, "number"},
		{"last touch of the same step", 2, syd, LastTouch{2, at}, "last.Step"},
		{"last touch of a later step", 2, syd, LastTouch{4, at}, "last.Step"},
		{"last touch without a step", 2, syd, LastTouch{0, at}, "last.Step"},
		{"last touch of no such step", 5, syd, LastTouch{-3, at}, "last.Step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Default().Earliest(tt.number, enrolled, tt.loc, tt.last)
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
		})
	}
	day, err := Default().PlannedDay(5, enrolled)
	require.NoError(t, err)
	require.Equal(t, "2026-06-13", day.String())
	_, err = Default().PlannedDay(9, enrolled)
	require.ErrorIs(t, err, ErrInvalid)
}

// TestEarliestProperty runs random sequences through random slips, skips
// and zones (DST in both hemispheres, half-hour DST, midnight changes) and
// checks, for every step: it is not before its planned day; it keeps its
// planned gap in local calendar days from the last touch; it is not before
// the last touch; it is the earliest such instant; and when nothing slipped
// by a day it stays on its planned day.
func TestEarliestProperty(t *testing.T) {
	t.Parallel()
	var locs []*time.Location
	for _, name := range []string{"UTC", "Australia/Sydney", "Australia/Lord_Howe", "America/New_York",
		"America/Santiago", "America/Havana", "Asia/Beirut", "Europe/London", "Pacific/Chatham",
		"Asia/Kathmandu", "America/St_Johns", "Pacific/Apia"} {
		locs = append(locs, mustLoad(t, name))
	}
	rng := rand.New(rand.NewPCG(15, 16))
	base := timing.DateFromYMD(2025, 1, 1)
	for range 10_000 {
		loc := locs[rng.IntN(len(locs))]
		seq := randomSequence(rng)
		require.NoError(t, seq.Validate())
		enrolled := base.AddDays(rng.IntN(3 * 365))
		slips := rng.IntN(3) > 0 // a third of the runs send every step on its planned day

		var last LastTouch
		var lastStep Step
		for _, st := range seq.Steps {
			got, err := seq.Earliest(st.Number, enrolled, loc, last)
			require.NoError(t, err)
			planned := enrolled.AddDays(st.Day)
			gotDay := timing.DateIn(got, loc)

			// Plain comparisons in the loop: require's reflection is slow under -race.
			fail := func(what string) {
				t.Helper()
				t.Fatalf("%s: step %d of %+v enrolled %s in %s, last %+v: earliest %s", what, st.Number, seq.Steps, enrolled, loc, last, got.In(loc))
			}
			if gotDay < planned {
				fail("before the planned day")
			}
			lower := planned
			if !last.At.IsZero() {
				if got.Before(last.At) {
					fail("before the last touch")
				}
				gap := st.Day - lastStep.Day
				lastDay := timing.DateIn(last.At, loc)
				if int(gotDay-lastDay) < gap {
					fail("planned gap not kept")
				}
				lower = max(lower, lastDay.AddDays(gap))
			}
			// Earliest: the first instant of the lower-bound day, or the
			// last touch itself when that falls on the same day.
			if gotDay != lower {
				fail("not on the earliest allowed day " + lower.String())
			}
			if startOfDay := timing.DateIn(got.Add(-time.Nanosecond), loc) < lower; !startOfDay && !got.Equal(last.At) {
				fail("neither a day start nor the last touch")
			}
			if !slips && gotDay != planned {
				fail("moved off its planned day though nothing slipped")
			}

			if rng.IntN(6) == 0 {
				continue // skipped: no touch, the last touch stays
			}
			actual := got.Add(time.Duration(rng.Int64N(int64(20 * time.Hour))))
			if slips {
				actual = actual.Add(time.Duration(rng.IntN(4)) * 24 * time.Hour)
			} else if timing.DateIn(actual, loc) != gotDay {
				actual = got // keep it on its day
			}
			require.False(t, actual.Before(got))
			last, lastStep = LastTouch{Step: st.Number, At: actual}, st
		}
	}
}

func randomSequence(rng *rand.Rand) Sequence {
	n := 1 + rng.IntN(7)
	seq := Sequence{Name: "random", Steps: make([]Step, n)}
	day := rng.IntN(2)
	for i := range seq.Steps {
		seq.Steps[i] = Step{Number: i + 1, Day: day, Channel: channel.Kinds()[rng.IntN(5)]}
		day += rng.IntN(5)
	}
	return seq
}

func BenchmarkEarliest(b *testing.B) {
	syd := mustLoad(b, "Australia/Sydney")
	seq := Default()
	enrolled := timing.DateFromYMD(2026, 6, 1)
	last := LastTouch{Step: 2, At: time.Date(2026, 6, 5, 14, 10, 0, 0, syd)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := seq.Earliest(3, enrolled, syd, last); err != nil {
			b.Fatal(err)
		}
	}
}
