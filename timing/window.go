package timing

import (
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// Weekdays is a set of days of the week. The zero value is empty.
// Its text form lists days Monday first, with runs of three or more as
// ranges: "mon-fri", "mon,wed,fri", "sat,sun", "mon-sun".
type Weekdays uint8

// Common sets of days.
const (
	MondayToFriday Weekdays = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	Weekend        Weekdays = 1<<time.Saturday | 1<<time.Sunday
	EveryDay       Weekdays = MondayToFriday | Weekend
)

// WeekdaysOf returns the set holding the given days. Values outside
// Sunday–Saturday are ignored.
func WeekdaysOf(days ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range days {
		if d >= time.Sunday && d <= time.Saturday {
			w |= 1 << d
		}
	}
	return w
}

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool { return d >= 0 && d <= 6 && w&(1<<d) != 0 }

// wdOrder returns the i-th day of the week counting from Monday, the order
// the text form uses.
func wdOrder(i int) time.Weekday { return time.Weekday((i + 1) % 7) }

// String renders the set as "mon-fri" or "mon,wed"; the empty set is "".
func (w Weekdays) String() string {
	var parts []string
	for i := 0; i < 7; {
		if !w.Has(wdOrder(i)) {
			i++
			continue
		}
		j := i
		for j+1 < 7 && w.Has(wdOrder(j+1)) {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, wdName(wdOrder(i))+"-"+wdName(wdOrder(j)))
		default:
			for k := i; k <= j; k++ {
				parts = append(parts, wdName(wdOrder(k)))
			}
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

func wdName(d time.Weekday) string { return strings.ToLower(d.String()[:3]) }

// ParseWeekdays parses a comma-separated list of days and ranges of days:
// "mon-fri", "sat,sun", "mon,wed-fri". Days are English names or their
// three-letter abbreviations in any case; a range runs forward through the
// week and may wrap ("fri-mon" is Friday to Monday). Spaces around items are
// ignored. An empty list is an error.
func ParseWeekdays(s string) (Weekdays, error) {
	bad := fieldErr("", "weekdays", s, `want days or ranges like "mon-fri" or "sat,sun"`)
	var w Weekdays
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		from, to, isRange := strings.Cut(item, "-")
		a, ok := wdParse(from)
		if !ok {
			return 0, bad
		}
		b := a
		if isRange {
			if b, ok = wdParse(to); !ok {
				return 0, bad
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			w |= 1 << d
			if d == b {
				break
			}
		}
	}
	return w, nil
}

func wdParse(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || s == name[:3] {
			return d, true
		}
	}
	return 0, false
}

// MarshalText implements encoding.TextMarshaler.
func (w Weekdays) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseWeekdays].
func (w *Weekdays) UnmarshalText(b []byte) error {
	v, err := ParseWeekdays(string(b))
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// Window is when a channel may send, in the recipient's local wall-clock
// time: from Start (included) to End (excluded) on each of Days that is not
// a public holiday. The instants of one day's window are Date.At(Start) and
// Date.At(End), so an edge that a DST change skips or repeats resolves to
// the first valid instant.
//
// A Window is what a host configures; the legal ceilings of the recipient's
// country ([LegalCeilings]) can narrow it further but never widen it.
type Window struct {
	// Start is the first minute of the window, 00:00–23:59. No default.
	Start TimeOfDay `json:"start"`
	// End is the minute the window closes, after Start and at most 24:00
	// (the end of the day). No default.
	End TimeOfDay `json:"end"`
	// Days are the weekdays the window opens on. Default (zero): Monday to
	// Friday.
	Days Weekdays `json:"days,omitempty"`
	// OpenOnHolidays keeps the window open on public holidays. Default
	// false: the window is closed on every holiday of the recipient's country
	// (and region, where known). A legal ceiling may still close a holiday.
	OpenOnHolidays bool `json:"open_on_holidays,omitempty"`
}

// WithDefaults returns the window with Days set to Monday–Friday if empty.
func (w Window) WithDefaults() Window {
	if w.Days == 0 {
		w.Days = MondayToFriday
	}
	return w
}

// Validate reports whether the window, with its defaults filled in, is
// usable: Start before End, both within 00:00–24:00, and at least one day.
// A bad value is a *[FieldError] with Record "Window".
func (w Window) Validate() error { return w.validate("Window") }

// validate checks w as the record named record.
func (w Window) validate(record string) error {
	w = w.WithDefaults()
	switch {
	case w.Start < 0 || w.Start >= minutesPerDay:
		return fieldErr(record, "Start", w.Start, "must be between 00:00 and 23:59")
	case w.End <= 0 || w.End > minutesPerDay:
		return fieldErr(record, "End", w.End, "must be between 00:01 and 24:00")
	case w.End <= w.Start:
		return fieldErr(record, "End", w.End, "must be after Start "+w.Start.String())
	case w.Days&^EveryDay != 0 || w.Days&EveryDay == 0:
		return fieldErr(record, "Days", fmt.Sprintf("%#x", uint8(w.Days)), "must hold at least one weekday and nothing else")
	}
	return nil
}

// String renders "09:00-11:00 mon-fri".
func (w Window) String() string {
	w = w.WithDefaults()
	s := w.Start.String() + "-" + w.End.String() + " " + w.Days.String()
	if w.OpenOnHolidays {
		s += " incl. holidays"
	}
	return s
}

// Windows holds a window per channel.
type Windows map[channel.Kind]Window

// DefaultWindows returns the default window of every channel, in the
// recipient's local time, Monday to Friday, closed on public holidays:
//
//	email     09:00–11:00
//	voice     09:00–17:00
//	sms       09:00–17:00
//	linkedin  08:00–18:00
//	mail      00:00–24:00 (any business day)
//
// The map is new on every call; the caller may change it.
func DefaultWindows() Windows {
	return Windows{
		channel.Email:    {Start: HM(9, 0), End: HM(11, 0), Days: MondayToFriday},
		channel.Voice:    {Start: HM(9, 0), End: HM(17, 0), Days: MondayToFriday},
		channel.SMS:      {Start: HM(9, 0), End: HM(17, 0), Days: MondayToFriday},
		channel.LinkedIn: {Start: HM(8, 0), End: HM(18, 0), Days: MondayToFriday},
		channel.Mail:     {Start: HM(0, 0), End: HM(24, 0), Days: MondayToFriday},
	}
}

// WithDefaults returns a new map with every channel's window: the
// configured one with its own defaults filled in, or the channel's entry of
// [DefaultWindows] where none is configured.
func (ws Windows) WithDefaults() Windows {
	out := DefaultWindows()
	for k, w := range ws {
		out[k] = w.WithDefaults()
	}
	return out
}

// Validate checks every configured window and that every key is a known
// channel. The first problem is returned as a *[FieldError] whose Record
// names the channel ("Windows[sms]"), in the order of [channel.Kinds]
// (unknown channels last, as Field "Windows[fax]").
func (ws Windows) Validate() error {
	for _, k := range channel.Kinds() {
		if w, ok := ws[k]; ok {
			if err := w.validate("Windows[" + string(k) + "]"); err != nil {
				return err
			}
		}
	}
	for k := range ws {
		if !k.Valid() {
			return fieldErr("", "Windows["+string(k)+"]", string(k), "unknown channel")
		}
	}
	return nil
}

// ErrInvalidWindow is what a bad window matches with errors.Is.
//
// Deprecated: a bad window is a *[FieldError]; test with [ErrInvalid],
// which this equals. It stays so that errors.Is checks compile.
var ErrInvalidWindow = ErrInvalid

// Hours is a span of wall-clock time within one day, [Start, End). The
// zero value is empty: closed all day.
type Hours struct {
	Start TimeOfDay `json:"start"`
	End   TimeOfDay `json:"end"`
}

// Open reports whether the span holds any time.
func (h Hours) Open() bool { return h.Start < h.End }

// intersect returns the span both h and o allow.
func (h Hours) intersect(o Hours) Hours {
	r := Hours{Start: max(h.Start, o.Start), End: min(h.End, o.End)}
	if !r.Open() {
		return Hours{}
	}
	return r
}

// Week holds the hours of each day of the week, indexed by [time.Weekday];
// a day with empty Hours is closed.
type Week [7]Hours

// openWeek is every hour of every day, the neutral element of intersect.
var openWeek = Week{
	{0, minutesPerDay}, {0, minutesPerDay}, {0, minutesPerDay}, {0, minutesPerDay},
	{0, minutesPerDay}, {0, minutesPerDay}, {0, minutesPerDay},
}

// intersect returns the hours both w and o allow, day by day.
func (w Week) intersect(o Week) Week {
	for d := range w {
		w[d] = w[d].intersect(o[d])
	}
	return w
}

// Ceiling is a legal limit on when a channel may reach a recipient in a
// country (and, if Region is set, only in that region). The effective window
// for a recipient is the configured [Window] intersected with every ceiling
// that applies, so no configuration can widen a ceiling.
type Ceiling struct {
	// Country is the recipient's country, ISO 3166-1 alpha-2 ("AU"). Required.
	Country string
	// Region narrows the ceiling to one region of Country ("FL"). Default
	// (empty): the whole country.
	Region string
	// Channels are the channels the ceiling limits. Required.
	Channels channel.Set
	// Hours are the local hours allowed on each day of the week; a day with
	// empty hours is closed. Required.
	Hours Week
	// NoNationalHolidays closes the national public holidays of Country,
	// even for a window that is open on holidays. Default false.
	NoNationalHolidays bool
	// CalledParty says the Hours are the called party's local time, as the
	// US rules word it, and the recipient may be in either of two zones:
	// the lead's and the number's. Such a ceiling holds in the lead's zone
	// ([Recipient].Location) and also in the number's
	// ([Recipient].PhoneLocation, when known), and a number of Country
	// ([Recipient].PhoneCountry) in region Region ([Recipient].PhoneRegion)
	// brings it even when the lead's country or region is another. Only its
	// Hours hold in the number's zone; NoNationalHolidays holds in the
	// lead's. Default false: the lead's zone, country and region only (the
	// Australian standard).
	CalledParty bool
	// Source names the rule, for people reading the configuration.
	Source string
}

// LegalCeilings returns the ceilings every [Scheduler] applies whatever its
// configuration:
//
//   - AU, voice: 09:00–20:00 Monday to Friday, 09:00–17:00 Saturday, never
//     on Sunday or a national public holiday (Telecommunications
//     (Telemarketing and Research Calls) Industry Standard 2017), in the
//     lead's zone.
//   - US, voice and SMS: 08:00–21:00 every day, called party's local time
//     (47 CFR 64.1200(c)(1), TCPA; 16 CFR 310.4(c), Telemarketing Sales
//     Rule), in the lead's zone and the number's ([Ceiling].CalledParty).
//   - US states with stricter hours, voice and SMS, one ceiling per row of
//     [USCallRules] (Florida and Oklahoma 08:00–20:00, say), each citing its
//     statute, for the lead's state and the number's, in both zones.
//
// The slice is new on every call.
func LegalCeilings() []Ceiling {
	auWeekday := Hours{Start: HM(9, 0), End: HM(20, 0)}
	us := Hours{Start: HM(8, 0), End: HM(21, 0)}
	out := []Ceiling{
		{
			Country:  "AU",
			Channels: channel.SetOf(channel.Voice),
			Hours: Week{
				time.Monday: auWeekday, time.Tuesday: auWeekday, time.Wednesday: auWeekday,
				time.Thursday: auWeekday, time.Friday: auWeekday,
				time.Saturday: {Start: HM(9, 0), End: HM(17, 0)},
			},
			NoNationalHolidays: true,
			Source:             "AU Telecommunications (Telemarketing and Research Calls) Industry Standard 2017",
		},
		{
			Country:     "US",
			Channels:    channel.SetOf(channel.Voice, channel.SMS),
			Hours:       Week{us, us, us, us, us, us, us},
			CalledParty: true,
			Source:      "US TCPA, 47 CFR 64.1200(c)(1); TSR, 16 CFR 310.4(c)",
		},
	}
	for _, r := range usStateRules {
		out = append(out, r.Ceiling())
	}
	return out
}

// validate checks c as the record named record ("Ceilings[0]").
func (c Ceiling) validate(record string) error {
	if !ceilingCountryOK(c.Country) {
		return fieldErr(record, "Country", c.Country, "want an ISO 3166-1 alpha-2 code")
	}
	if c.Channels == 0 || c.Channels&^channel.AllKinds != 0 {
		return fieldErr(record, "Channels", fmt.Sprintf("%#x", uint8(c.Channels)), "want at least one known channel")
	}
	for d, h := range c.Hours {
		if h == (Hours{}) {
			continue
		}
		if h.Start < 0 || h.End > minutesPerDay || h.End <= h.Start {
			return fieldErr(record, fmt.Sprintf("Hours[time.%s]", time.Weekday(d)), h.Start.String()+"-"+h.End.String(), "want start before end within 00:00-24:00")
		}
	}
	return nil
}

func ceilingCountryOK(s string) bool {
	return len(s) == 2 && ceilingLetter(s[0]) && ceilingLetter(s[1])
}

func ceilingLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
