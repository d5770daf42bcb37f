package timing

import (
	"fmt"
	"math"
	"strings"
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

// ParseDate parses "2006-01-02"; anything else is a *[FieldError] (Field
// "date").
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fieldErr("", "date", s, "want a date as YYYY-MM-DD")
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
// back) resolves to the first occurrence. A time of day of 24:00 (or more)
// counts on into the following days: d.At(24:00) is d+1's At(00:00), the end
// of day d.
func (d Date) At(tod TimeOfDay, loc *time.Location) time.Time {
	if tod < 0 || tod >= minutesPerDay {
		days := int(tod) / minutesPerDay
		if tod < 0 && int(tod)%minutesPerDay != 0 {
			days--
		}
		d, tod = d.AddDays(days), tod-TimeOfDay(days*minutesPerDay)
	}
	// Fast path: the zone period around the wall time, read as if it were
	// UTC, or the one next to it usually holds the answer outright.
	want := int64(d)*secondsPerDay + int64(tod)*60
	z := spanOf(time.Unix(want, 0).In(loc))
	if t, ok := z.at(want); ok {
		return t
	}
	if z2 := spanOf(time.Unix(want-z.off, 0).In(loc)); z2 != z {
		if t, ok := z2.at(want); ok {
			return t
		}
	}
	return d.atSlow(tod, loc)
}

// atSlow is At for wall times next to a zone change.
func (d Date) atSlow(tod TimeOfDay, loc *time.Location) time.Time {
	y, m, day := d.YMD()
	t := time.Date(y, m, day, int(tod)/60, int(tod)%60, 0, 0, loc)
	// Compare the wall clock time.Date landed on with the one asked for, as
	// seconds since 1970-01-01 00:00 local.
	want := int64(d)*secondsPerDay + int64(tod)*60
	_, off := t.Zone()
	got := t.Unix() + int64(off)
	start, end := t.ZoneBounds()
	if got != want {
		// The wall time was skipped. time.Date picked an instant on one side
		// of the gap; the first valid instant after it is the transition that
		// bounds t's zone period on that side.
		if got < want && !end.IsZero() {
			return end
		}
		if got > want && !start.IsZero() {
			return start
		}
		return t
	}
	// The wall time exists. It occurs twice when the previous zone period had
	// a larger offset and t lies within that difference of the transition;
	// the first occurrence is then that difference earlier.
	if !start.IsZero() {
		_, prev := start.Add(-time.Second).Zone()
		if delta := time.Duration(prev-off) * time.Second; delta > 0 && t.Sub(start) < delta {
			return t.Add(-delta)
		}
	}
	return t
}

// zoneSpan is one zone period of a location: the UTC offset off (seconds)
// holds from start to end (Unix seconds, end excluded).
type zoneSpan struct {
	loc        *time.Location
	off        int64
	start, end int64 // math.MinInt64 / math.MaxInt64 when unbounded
}

// spanOf returns the zone period t (in its location) falls in.
func spanOf(t time.Time) zoneSpan {
	z := zoneSpan{loc: t.Location(), start: math.MinInt64, end: math.MaxInt64}
	_, off := t.Zone()
	z.off = int64(off)
	s, e := t.ZoneBounds()
	if !s.IsZero() {
		z.start = s.Unix()
	}
	if !e.IsZero() {
		z.end = e.Unix()
	}
	return z
}

// at returns the instant whose wall clock reads want (seconds since
// 1970-01-01 00:00 local) within the span, if the span holds it and the wall
// time cannot also have occurred just before the span began (a fall back).
func (z zoneSpan) at(want int64) (time.Time, bool) {
	u := want - z.off
	if u < z.start || u >= z.end {
		return time.Time{}, false
	}
	if z.start != math.MinInt64 && u-z.start < 2*secondsPerDay {
		// Near the span's start: the previous period's wall clock may have
		// shown the same time first.
		_, prev := time.Unix(z.start-1, 0).In(z.loc).Zone()
		if delta := int64(prev) - z.off; delta > 0 && u-z.start < delta {
			return time.Time{}, false
		}
	}
	return time.Unix(u, 0).In(z.loc), true
}

const (
	minutesPerDay = 24 * 60
	secondsPerDay = 24 * 60 * 60
)

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
// 1440 stands for the end of the day. Its text form is "09:00".
type TimeOfDay int16

// HM returns the TimeOfDay for an hour and minute: HM(9, 30) is 09:30 and
// HM(24, 0) the end of the day.
func HM(hour, minute int) TimeOfDay { return TimeOfDay(hour*60 + minute) }

// TimeOfDayOf returns the wall-clock time of t in t's location, truncated to the minute.
func TimeOfDayOf(t time.Time) TimeOfDay {
	h, m, _ := t.Clock()
	return HM(h, m)
}

// String renders "09:00"; a negative value gets a minus sign ("-00:30").
func (c TimeOfDay) String() string {
	if c < 0 {
		return "-" + (-c).String()
	}
	return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60)
}

// MarshalText implements encoding.TextMarshaler: "09:00".
func (c TimeOfDay) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseTimeOfDay].
func (c *TimeOfDay) UnmarshalText(b []byte) error {
	v, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseTimeOfDay parses "09:00", "9:00" or "24:00": an hour from 0 to 24,
// a colon and two minute digits; 24 only as 24:00. Anything else is a
// *[FieldError] (Field "time of day").
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	bad := fieldErr("", "time of day", s, "want HH:MM between 00:00 and 24:00")
	colon := strings.IndexByte(s, ':')
	if colon < 1 || colon > 2 || len(s) != colon+3 {
		return 0, bad
	}
	h, ok1 := todDigits(s[:colon])
	m, ok2 := todDigits(s[colon+1:])
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, bad
	}
	return HM(h, m), nil
}

// todDigits parses a short run of ASCII digits.
func todDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}
