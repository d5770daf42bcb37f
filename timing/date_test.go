package timing_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/timing"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestDateMatchesTimePackage(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		// Days from year -2000 to 4000, checked against the time package.
		ref := time.Date(-2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(6000*366))
		d := timing.DateOf(ref)
		require.Equal(t, ref.Unix()/86400, int64(d), "days since epoch of %v", ref)
		y, m, day := d.YMD()
		ry, rm, rday := ref.Date()
		require.Equal(t, [3]int{ry, int(rm), rday}, [3]int{y, int(m), day})
		require.Equal(t, ref.Weekday(), d.Weekday(), "weekday of %v", ref)
		require.Equal(t, d, timing.DateFromYMD(y, m, day))
	}
}

func TestDateFromYMDNormalises(t *testing.T) {
	t.Parallel()
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2026, time.February, 29, "2026-03-01"},
		{2024, time.February, 29, "2024-02-29"},
		{2026, time.January, 0, "2025-12-31"},
		{2026, 13, 1, "2027-01-01"},
		{2026, time.December, 32, "2027-01-01"},
		{1970, time.January, 1, "1970-01-01"},
		{1969, time.December, 31, "1969-12-31"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, timing.DateFromYMD(tt.y, tt.m, tt.d).String())
	}
	require.Equal(t, timing.Date(0), timing.DateFromYMD(1970, time.January, 1))
	require.Equal(t, time.Thursday, timing.Date(0).Weekday())
	require.Equal(t, time.Wednesday, timing.Date(-1).Weekday())
}

func TestDateInAndText(t *testing.T) {
	t.Parallel()
	// 2026-01-01 20:00 UTC is already 2 January in Sydney.
	inst := time.Date(2026, 1, 1, 20, 0, 0, 0, time.UTC)
	require.Equal(t, "2026-01-01", timing.DateOf(inst).String())
	require.Equal(t, "2026-01-02", timing.DateIn(inst, mustLoad(t, "Australia/Sydney")).String())

	d, err := timing.ParseDate("2026-04-25")
	require.NoError(t, err)
	require.Equal(t, time.Saturday, d.Weekday())
	require.Equal(t, d+3, d.AddDays(3))
	b, err := d.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "2026-04-25", string(b))
	var back timing.Date
	require.NoError(t, back.UnmarshalText(b))
	require.Equal(t, d, back)

	for _, bad := range []string{"", "2026-4-25", "2026-02-30", "26-04-25", "2026-04-25T00:00:00Z", "2026/04/25"} {
		_, err := timing.ParseDate(bad)
		var se *timing.FieldError
		require.ErrorAs(t, err, &se, "%q", bad)
		require.Equal(t, bad, se.Value)
		require.Error(t, back.UnmarshalText([]byte(bad)))
	}
}

func TestParseTimeOfDay(t *testing.T) {
	t.Parallel()
	good := map[string]timing.TimeOfDay{
		"00:00": 0, "09:00": 540, "9:00": 540, "17:30": 1050, "23:59": 1439, "24:00": 1440,
	}
	for s, want := range good {
		got, err := timing.ParseTimeOfDay(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
	for _, s := range []string{"", "9", "9:0", "09:60", "24:01", "25:00", "-1:00", "+9:00", " 9:00", "09:00 ", "09:00x", "0900", "009:00", "09:000", "ab:cd", "9:-5"} {
		_, err := timing.ParseTimeOfDay(s)
		var se *timing.FieldError
		require.ErrorAs(t, err, &se, "%q", s)
		require.Equal(t, "time of day", se.Field)
	}
	require.Equal(t, "09:05", timing.HM(9, 5).String())
	require.Equal(t, "24:00", timing.HM(24, 0).String())
	require.Equal(t, timing.HM(14, 7), timing.TimeOfDayOf(time.Date(2026, 1, 1, 14, 7, 59, 0, time.UTC)))

	var tod timing.TimeOfDay
	require.NoError(t, tod.UnmarshalText([]byte("08:15")))
	require.Equal(t, timing.HM(8, 15), tod)
	b, err := tod.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "08:15", string(b))
	require.Error(t, tod.UnmarshalText([]byte("8h15")))
}

// TestDateAtDST checks At on the days clocks change, against instants
// worked out by hand from the zones' published rules.
func TestDateAtDST(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return v
	}
	tests := []struct {
		zone string
		date string
		tod  timing.TimeOfDay
		want string // UTC
	}{
		// New York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
		{"America/New_York", "2026-03-08", timing.HM(1, 59), "2026-03-08T06:59:00Z"},
		{"America/New_York", "2026-03-08", timing.HM(2, 0), "2026-03-08T07:00:00Z"},  // skipped: 03:00 EDT
		{"America/New_York", "2026-03-08", timing.HM(2, 30), "2026-03-08T07:00:00Z"}, // skipped: 03:00 EDT
		{"America/New_York", "2026-03-08", timing.HM(3, 0), "2026-03-08T07:00:00Z"},
		{"America/New_York", "2026-03-08", timing.HM(9, 0), "2026-03-08T13:00:00Z"},
		{"America/New_York", "2026-11-01", timing.HM(1, 0), "2026-11-01T05:00:00Z"},  // twice: first is EDT
		{"America/New_York", "2026-11-01", timing.HM(1, 30), "2026-11-01T05:30:00Z"}, // twice: first is EDT
		{"America/New_York", "2026-11-01", timing.HM(2, 0), "2026-11-01T07:00:00Z"},
		{"America/New_York", "2026-11-01", timing.HM(9, 0), "2026-11-01T14:00:00Z"},
		// Sydney: 2026-10-04 02:00 AEST -> 03:00 AEDT; 2026-04-05 03:00 AEDT -> 02:00 AEST.
		{"Australia/Sydney", "2026-10-04", timing.HM(2, 0), "2026-10-03T16:00:00Z"},
		{"Australia/Sydney", "2026-10-04", timing.HM(2, 45), "2026-10-03T16:00:00Z"},
		{"Australia/Sydney", "2026-10-04", timing.HM(3, 0), "2026-10-03T16:00:00Z"},
		{"Australia/Sydney", "2026-10-04", timing.HM(1, 59), "2026-10-03T15:59:00Z"},
		{"Australia/Sydney", "2026-04-05", timing.HM(2, 0), "2026-04-04T15:00:00Z"},  // twice: first is AEDT
		{"Australia/Sydney", "2026-04-05", timing.HM(2, 30), "2026-04-04T15:30:00Z"}, // twice: first is AEDT
		{"Australia/Sydney", "2026-04-05", timing.HM(3, 0), "2026-04-04T17:00:00Z"},
		{"Australia/Sydney", "2026-04-06", timing.HM(9, 0), "2026-04-05T23:00:00Z"},
		// Lord Howe: half-hour DST. 2026-10-04 02:00 +10:30 -> 02:30 +11;
		// 2026-04-05 02:00 +11 -> 01:30 +10:30.
		{"Australia/Lord_Howe", "2026-10-04", timing.HM(2, 0), "2026-10-03T15:30:00Z"},
		{"Australia/Lord_Howe", "2026-10-04", timing.HM(2, 15), "2026-10-03T15:30:00Z"},
		{"Australia/Lord_Howe", "2026-10-04", timing.HM(2, 30), "2026-10-03T15:30:00Z"},
		{"Australia/Lord_Howe", "2026-04-05", timing.HM(1, 30), "2026-04-04T14:30:00Z"}, // twice: first is +11
		{"Australia/Lord_Howe", "2026-04-05", timing.HM(1, 45), "2026-04-04T14:45:00Z"},
		{"Australia/Lord_Howe", "2026-04-05", timing.HM(2, 0), "2026-04-04T15:30:00Z"},
		// London: 2026-03-29 01:00 GMT -> 02:00 BST; 2026-10-25 02:00 BST -> 01:00 GMT.
		{"Europe/London", "2026-03-29", timing.HM(1, 30), "2026-03-29T01:00:00Z"},
		{"Europe/London", "2026-10-25", timing.HM(1, 30), "2026-10-25T00:30:00Z"},
		// Havana changes at midnight: 2026-03-08 00:00 CST -> 01:00 CDT;
		// 2026-11-01 01:00 CDT -> 00:00 CST, so midnight happens twice.
		{"America/Havana", "2026-03-08", timing.HM(0, 0), "2026-03-08T05:00:00Z"},
		{"America/Havana", "2026-03-08", timing.HM(0, 30), "2026-03-08T05:00:00Z"},
		{"America/Havana", "2026-03-07", timing.HM(24, 0), "2026-03-08T05:00:00Z"},
		{"America/Havana", "2026-11-01", timing.HM(0, 0), "2026-11-01T04:00:00Z"},
		{"America/Havana", "2026-11-01", timing.HM(0, 59), "2026-11-01T04:59:00Z"},
		// Santiago: 2026-04-04 24:00 -03 -> 23:00 -04 (23:00 twice on the
		// Saturday); 2026-09-06 00:00 -04 -> 01:00 -03 (no midnight).
		{"America/Santiago", "2026-04-04", timing.HM(23, 30), "2026-04-05T02:30:00Z"},
		{"America/Santiago", "2026-04-05", timing.HM(0, 0), "2026-04-05T04:00:00Z"},
		{"America/Santiago", "2026-09-06", timing.HM(0, 0), "2026-09-06T04:00:00Z"},
		{"America/Santiago", "2026-09-05", timing.HM(24, 0), "2026-09-06T04:00:00Z"},
		// Cairo: 2026-04-24 00:00 EET -> 01:00 EEST, a Friday with no midnight.
		{"Africa/Cairo", "2026-04-24", timing.HM(0, 0), "2026-04-23T22:00:00Z"},
		// No DST: Kolkata +05:30, Kathmandu +05:45, Eucla +08:45.
		{"Asia/Kolkata", "2026-06-01", timing.HM(9, 0), "2026-06-01T03:30:00Z"},
		{"Asia/Kathmandu", "2026-06-01", timing.HM(9, 0), "2026-06-01T03:15:00Z"},
		{"Australia/Eucla", "2026-06-01", timing.HM(9, 0), "2026-06-01T00:15:00Z"},
		// Chatham: +13:45 in (southern) summer.
		{"Pacific/Chatham", "2026-01-05", timing.HM(9, 0), "2026-01-04T19:15:00Z"},
		// 24:00 is the next day's first instant.
		{"UTC", "2026-12-31", timing.HM(24, 0), "2027-01-01T00:00:00Z"},
		{"UTC", "2026-12-31", timing.TimeOfDay(-60), "2026-12-30T23:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+"/"+tt.date+"/"+tt.tod.String(), func(t *testing.T) {
			t.Parallel()
			d, err := timing.ParseDate(tt.date)
			require.NoError(t, err)
			loc := mustLoad(t, tt.zone)
			got := d.At(tt.tod, loc)
			require.True(t, got.Equal(utc(tt.want)), "got %v (%v), want %v", got, got.UTC(), tt.want)
			require.Equal(t, loc, got.Location())
		})
	}
}

// TestDateAtAgainstScan checks At around every clock change from 2024 to
// 2030 in every zone against a brute-force answer: the first minute whose
// wall clock reads the asked time or later.
func TestDateAtAgainstScan(t *testing.T) {
	t.Parallel()
	for _, name := range allZones(t) {
		loc := mustLoad(t, name)
		from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		until := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
		for at := from; at.Before(until); {
			_, end := at.In(loc).ZoneBounds()
			if end.IsZero() || !end.Before(until) {
				break
			}
			at = end
			// Ask for wall times from 3 hours before the change to 3 after.
			before := end.Add(-time.Second).In(loc)
			for step := -180; step <= 180; step += 15 {
				wall := before.Add(time.Duration(step) * time.Minute)
				d := timing.DateOf(wall)
				tod := timing.TimeOfDayOf(wall)
				want := scanFirstWallAtLeast(loc, d, tod, end.Add(-6*time.Hour), end.Add(6*time.Hour))
				got := d.At(tod, loc)
				require.True(t, got.Equal(want), "%s %s %s: got %v want %v", name, d, tod, got, want)
			}
		}
	}
}

// scanFirstWallAtLeast returns the first whole minute in [from, to) whose
// wall clock in loc reads day d at tod or later.
func scanFirstWallAtLeast(loc *time.Location, d timing.Date, tod timing.TimeOfDay, from, to time.Time) time.Time {
	want := int64(d)*86400 + int64(tod)*60
	for u := from.Truncate(time.Minute); u.Before(to); u = u.Add(time.Minute) {
		_, off := u.In(loc).Zone()
		if u.Unix()+int64(off) >= want {
			return u
		}
	}
	return time.Time{}
}

func TestDateAtRandomMatchesTimeDate(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	zones := allZones(t)
	for range 20000 {
		loc := mustLoad(t, zones[rng.IntN(len(zones))])
		d := timing.DateFromYMD(2024+rng.IntN(7), time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
		tod := timing.TimeOfDay(rng.IntN(1441))
		got := d.At(tod, loc)
		if tod == 1440 {
			require.True(t, got.Equal(d.AddDays(1).At(0, loc)))
			continue
		}
		// Away from a clock change the wall clock reads exactly what was asked.
		_, off1 := got.Add(-3 * time.Hour).Zone()
		_, off2 := got.Add(3 * time.Hour).Zone()
		if off1 == off2 {
			require.Equal(t, d, timing.DateOf(got))
			require.Equal(t, tod, timing.TimeOfDayOf(got))
			require.Zero(t, got.Second())
		}
		require.Equal(t, d.At(0, loc), d.Midnight(loc))
	}
}

func FuzzParseTimeOfDay(f *testing.F) {
	for _, s := range []string{"09:00", "9:00", "24:00", "24:01", "23:59", "0:00", "12:5", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tod, err := timing.ParseTimeOfDay(s)
		if err != nil {
			var se *timing.FieldError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			return
		}
		if tod < 0 || tod > 1440 {
			t.Fatalf("%q parsed to %d, outside 0-1440", s, tod)
		}
		back, err := timing.ParseTimeOfDay(tod.String())
		if err != nil || back != tod {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, tod, tod.String(), back, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-04-25", "1970-01-01", "0000-01-01", "9999-12-31", "2024-02-29", "2026-02-29", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := timing.ParseDate(s)
		if err != nil {
			var se *timing.FieldError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("%q parsed to %v", s, d)
		}
		y, m, day := d.YMD()
		if timing.DateFromYMD(y, m, day) != d {
			t.Fatalf("%q does not round-trip through YMD", s)
		}
	})
}

func FuzzParseWeekdays(f *testing.F) {
	for _, s := range []string{"mon-fri", "sat,sun", "Monday,wed-FRI", "fri-mon", "mon-sun", "", ",", "mon-", "tues"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := timing.ParseWeekdays(s)
		if err != nil {
			var se *timing.FieldError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			return
		}
		if w == 0 || w&^timing.EveryDay != 0 {
			t.Fatalf("%q parsed to %#x", s, uint8(w))
		}
		back, err := timing.ParseWeekdays(w.String())
		if err != nil || back != w {
			t.Fatalf("%q -> %#x -> %q -> %#x, %v", s, uint8(w), w.String(), uint8(back), err)
		}
	})
}
