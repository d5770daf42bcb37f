package timing

import (
	"fmt"
	"time"
)

// Date is a calendar day with no zone: the number of days since 1970-01-01 in
// the proleptic Gregorian calendar. It is what caps count in ("a resource's
// own calendar day") and what sequence days are counted in ("day 3 in the
// recipient's zone"). It is comparable, cheap to hash and orders naturally.
type Date int32

// DateOf returns the calendar day t falls on in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return DateFromYMD(y, m, d)
}

// DateIn returns the calendar day t falls on in loc.
func DateIn(t time.Time, loc *time.Location) Date { return DateOf(t.In(loc)) }

// DateFromYMD returns the Date for a year, month and day. Out-of-range months
// and days normalise the way [time.Date] does.
func DateFromYMD(y int, m time.Month, d int) Date {
	if m < 1 || m > 12 || d < 1 || d > 28 {
		// Normalise through time.Date; the fast path below covers valid input.
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		y, m, d = t.Date()
	}
	// Days from civil, after H. Hinnant's public-domain algorithm.
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era = (yy - 399) / 400
	}
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Date(era*146097 + doe - 719468)
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("timing: date %q: want YYYY-MM-DD: %w", s, err)
	}
	return DateOf(t), nil
}

// YMD returns the date's year, month and day.
func (d Date) YMD() (int, time.Month, int) {
	z := int64(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(day)
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int64(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// Midnight returns the first instant of the day in loc. Where a DST change
// skips midnight, it is the first instant that exists on that day.
func (d Date) Midnight(loc *time.Location) time.Time { return d.At(0, loc) }

// At returns the instant the wall clock in loc first shows the given time of
// day on d. A wall time skipped by a DST change (spring forward) resolves to
// the first valid instant after the gap; a wall time that occurs twice (fall
// back) resolves to the first occurrence.
func (d Date) At(tod TimeOfDay, loc *time.Location) time.Time {
	y, m, day := d.YMD()
	h, mi := int(tod/60), int(tod%60)
	t := time.Date(y, m, day, h, mi, 0, 0, loc)
	// time.Date picks an instant for a missing wall time that may lie before
	// the gap; move to the end of the gap instead.
	if th, tm, _ := t.Clock(); th != h || tm != mi || DateOf(t) != d {
		if t2 := gapEnd(t, loc); !t2.IsZero() {
			return t2
		}
	}
	// For a repeated wall time, time.Date may return the second occurrence;
	// prefer the first.
	if earlier := t.Add(-time.Hour); sameWall(earlier, t) {
		return earlier
	}
	for _, back := range []time.Duration{30 * time.Minute, 2 * time.Hour} {
		if earlier := t.Add(-back); sameWall(earlier, t) {
			return earlier
		}
	}
	return t
}

func sameWall(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	ah, ami, as := a.Clock()
	bh, bmi, bs := b.Clock()
	return ay == by && am == bm && ad == bd && ah == bh && ami == bmi && as == bs
}

// gapEnd returns the first instant after the DST gap around t, or zero when
// there is no zone transition within a day of t.
func gapEnd(t time.Time, loc *time.Location) time.Time {
	start, end := t.In(loc).ZoneBounds()
	// The transition is whichever bound lies close to t.
	for _, b := range []time.Time{start, end} {
		if !b.IsZero() && absDur(b.Sub(t)) <= 3*time.Hour {
			return b
		}
	}
	return time.Time{}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// String renders the date as "2006-01-02".
func (d Date) String() string {
	y, m, day := d.YMD()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// TimeOfDay is a wall-clock time as minutes after midnight, 0–1440.
// 1440 stands for the end of the day.
type TimeOfDay int16

// Clock returns the TimeOfDay for an hour and minute.
func Clock(hour, minute int) TimeOfDay { return TimeOfDay(hour*60 + minute) }

// TimeOfDayOf returns the wall-clock time of t in t's location, truncated to the minute.
func TimeOfDayOf(t time.Time) TimeOfDay {
	h, m, _ := t.Clock()
	return Clock(h, m)
}

// String renders "09:00".
func (c TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// ParseTimeOfDay parses "09:00" or "24:00".
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || n != 2 || h < 0 || m < 0 || m > 59 || h*60+m > 1440 {
		return 0, fmt.Errorf("timing: time of day %q: want HH:MM between 00:00 and 24:00", s)
	}
	return Clock(h, m), nil
}
