package replies

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DateReader reads the dates replies name: when an out-of-office writer
// is back ([DateReader.ReturnDate]) and when a "not now" asks to be
// contacted again ([DateReader.FollowUpDate]).
//
// For a return date it looks right after a word that announces a return ("back", "return",
// "returning", "until", "till", "through", "from", German "bis",
// "zurück", "ab", "wieder"), within a few words, for a date in one of the
// forms people write: "14 March 2026", "14th of March", "March 14, 2026",
// "Monday 16 March", "2026-03-14", "16.03.2026" or "16.03.", "16/03/2026"
// (day and month told apart only when one of them is over 12), or a bare
// weekday ("back on Monday": the next such day). English, German and
// French month names and their common abbreviations are understood. A date
// without a year is the next such date on or after the message's own date.
//
// A DateReader is safe for concurrent use; build one with
// [NewDateReader] and keep it.
type DateReader struct {
	trigger *regexp.Regexp
	later   *regexp.Regexp   // follow-up triggers
	rel     *regexp.Regexp   // in N days/weeks/months
	next    *regexp.Regexp   // next week/month/quarter/year
	quarter *regexp.Regexp   // Q3, third quarter
	month   *regexp.Regexp   // a bare month name
	forms   []*regexp.Regexp // ISO, day-month, month-day, dotted, slashed
	weekday *regexp.Regexp
	months  map[string]time.Month
	days    map[string]time.Weekday
}

// window is how many bytes after a trigger word a date may start.
const window = 48

// maxText is how much of a text the reader reads.
const maxText = 64 << 10

// NewDateReader compiles the reader's patterns.
func NewDateReader() *DateReader {
	months := map[string]time.Month{}
	for i, names := range [][]string{
		{"january", "jan", "januar", "jänner", "janvier", "janv"},
		{"february", "feb", "februar", "février", "fevrier", "févr", "fevr"},
		{"march", "mar", "märz", "maerz", "mars"},
		{"april", "apr", "avril", "avr"},
		{"may", "mai"},
		{"june", "jun", "juni", "juin"},
		{"july", "jul", "juli", "juillet", "juil"},
		{"august", "aug", "août", "aout"},
		{"september", "sep", "sept", "septembre"},
		{"october", "oct", "oktober", "okt", "octobre"},
		{"november", "nov", "novembre"},
		{"december", "dec", "dezember", "dez", "décembre", "decembre", "déc"},
	} {
		for _, n := range names {
			months[n] = time.Month(i + 1)
		}
	}
	days := map[string]time.Weekday{}
	for i, names := range [][]string{
		{"sunday", "sonntag", "dimanche"},
		{"monday", "montag", "lundi"},
		{"tuesday", "dienstag", "mardi"},
		{"wednesday", "mittwoch", "mercredi"},
		{"thursday", "donnerstag", "jeudi"},
		{"friday", "freitag", "vendredi"},
		{"saturday", "samstag", "samedi"},
	} {
		for _, n := range names {
			days[n] = time.Weekday(i)
		}
	}
	month := alternation(months)
	day := alternation(days)
	return &DateReader{
		later:   regexp.MustCompile(`(?i)\b(?:after|from|around|in|until|till|by|next|early|mid|late|end of|beginning of|start of|circle back|check back|reach out|follow up|touch base|ping me|try again|revisit)\b`),
		rel:     regexp.MustCompile(`\b(?:in|after)\s+(?:a\s+|an\s+|one\s+|a\s+couple\s+(?:of\s+)?|a\s+few\s+|(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+)(day|week|month|year)s?\b`),
		next:    regexp.MustCompile(`\bnext\s+(week|month|quarter|year)\b`),
		quarter: regexp.MustCompile(`\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)\b(?:\s+(?:of\s+)?(\d{4}))?`),
		month:   regexp.MustCompile(`\b(?:in|after|from|until|till|around|early|mid|late|end of|beginning of|start of)\s+(` + month + `)\b(?:\s+(\d{4}))?`),
		trigger: regexp.MustCompile(`(?i)\b(?:back|return|returning|returns|until|till|through|thru|bis|zurück|ab|wieder|retour|jusqu'au|jusqu’au)\b`),
		forms: []*regexp.Regexp{
			regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`),
			regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th|er)?\.?\s+(?:of\s+)?(` + month + `)\b\.?,?(?:\s+(\d{4}))?`),
			regexp.MustCompile(`\b(` + month + `)\b\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b,?(?:\s+(\d{4}))?`),
			regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?`),
			regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b`),
		},
		weekday: regexp.MustCompile(`\b(` + day + `)\b`),
		months:  months,
		days:    days,
	}
}

// alternation joins names longest first, so that "march" wins over "mar".
func alternation[V any](names map[string]V) string {
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, regexp.QuoteMeta(k))
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return strings.Join(keys, "|")
}

// ReturnDate returns the first return date text names, at midnight in
// ref's zone (ref is when the text was written), or the zero time.
func (f *DateReader) ReturnDate(text string, ref time.Time) time.Time {
	if len(text) > maxText {
		text = text[:maxText]
	}
	lower := strings.ToLower(text)
	for _, loc := range f.trigger.FindAllStringIndex(lower, 50) {
		end := loc[1] + window
		if end > len(lower) {
			end = len(lower)
		}
		// Stop the window at the end of the sentence or paragraph.
		w := lower[loc[1]:end]
		w = sentence(w)
		if t, ok := f.date(w, ref); ok {
			return t
		}
	}
	return time.Time{}
}

// sentence cuts w at the end of its sentence: a line break, "!", "?",
// ";" or a full stop that does not follow a digit ("16. März" goes on).
func sentence(w string) string {
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '\n', '!', '?', ';':
			return w[:i]
		case '.':
			if i > 0 && i+1 < len(w) && w[i+1] == ' ' && (w[i-1] < '0' || w[i-1] > '9') {
				return w[:i]
			}
		}
	}
	return w
}

// date reads the earliest date in w.
func (f *DateReader) date(w string, ref time.Time) (time.Time, bool) {
	best, bestAt := time.Time{}, -1
	for i, re := range f.forms {
		for _, m := range re.FindAllStringSubmatchIndex(w, 4) {
			if bestAt >= 0 && m[0] >= bestAt {
				break
			}
			sub := func(k int) string {
				if m[2*k] < 0 {
					return ""
				}
				return w[m[2*k]:m[2*k+1]]
			}
			if t, ok := f.form(i, sub, ref); ok {
				best, bestAt = t, m[0]
				break
			}
		}
	}
	if bestAt >= 0 {
		return best, true
	}
	if m := f.weekday.FindStringSubmatch(w); m != nil {
		day := midnight(ref)
		for i := 1; i <= 7; i++ {
			if d := day.AddDate(0, 0, i); d.Weekday() == f.days[m[1]] {
				return d, true
			}
		}
	}
	return time.Time{}, false
}

// form reads the submatches of form i into a date.
func (f *DateReader) form(i int, sub func(int) string, ref time.Time) (time.Time, bool) {
	var y, d int
	var mo time.Month
	switch i {
	case 0: // 2026-03-14
		y, mo, d = atoi(sub(1)), time.Month(atoi(sub(2))), atoi(sub(3))
	case 1: // 14 March 2026
		d, mo, y = atoi(sub(1)), f.months[sub(2)], atoi(sub(3))
	case 2: // March 14, 2026
		mo, d, y = f.months[sub(1)], atoi(sub(2)), atoi(sub(3))
	case 3: // 14.03.2026
		d, mo, y = atoi(sub(1)), time.Month(atoi(sub(2))), atoi(sub(3))
	case 4: // 14/03/2026 or 03/14/2026, only when unambiguous
		a, b := atoi(sub(1)), atoi(sub(2))
		switch {
		case a > 12 && b <= 12:
			d, mo = a, time.Month(b)
		case b > 12 && a <= 12:
			d, mo = b, time.Month(a)
		default:
			return time.Time{}, false
		}
		y = atoi(sub(3))
	}
	return dateOf(y, mo, d, ref)
}

// dateOf builds the date, the year inferred from ref when y is 0, and
// checks that it exists.
func dateOf(y int, mo time.Month, d int, ref time.Time) (time.Time, bool) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	if y > 0 && y < 100 {
		y += 2000
	}
	today := midnight(ref)
	guess := y == 0
	if guess {
		y = today.Year()
	}
	t := time.Date(y, mo, d, 0, 0, 0, 0, ref.Location())
	if t.Day() != d || t.Month() != mo {
		return time.Time{}, false // 31 April
	}
	if guess && t.Before(today) {
		t = time.Date(y+1, mo, d, 0, 0, 0, 0, ref.Location())
		if t.Day() != d {
			return time.Time{}, false // 29 February
		}
	}
	if t.Year() < today.Year()-1 || t.Year() > today.Year()+2 {
		return time.Time{}, false
	}
	return t, true
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// FollowUpDate returns when text asks to be contacted again, at midnight
// in ref's zone (ref is when the text was written), or the zero time. It
// reads, whichever comes first in the text:
//
//   - a date after a word of time ("after 14 April", "reach out on
//     Monday", "try again 15/06/2026"), in the forms [DateReader.ReturnDate]
//     reads;
//   - a month ("in June", "early September": its 1st; "mid June": the
//     15th; "late June", "end of June": the 20th), the next such month
//     that has not begun;
//   - a quarter ("Q3", "third quarter", "Q1 2027"): its first day, the
//     next such quarter that has not begun;
//   - "next week", "next month", "next quarter", "next year": the first
//     day of it (a week begins on Monday);
//   - a span ("in two weeks", "in a couple of months", "in a few weeks"
//     (three), "after a month"), counted from ref.
func (f *DateReader) FollowUpDate(text string, ref time.Time) time.Time {
	if len(text) > maxText {
		text = text[:maxText]
	}
	lower := strings.ToLower(text)
	today := midnight(ref)
	best, bestAt := time.Time{}, len(lower)+1
	take := func(t time.Time, at int) {
		if !t.IsZero() && at < bestAt && t.After(today) {
			best, bestAt = t, at
		}
	}
	for _, loc := range f.later.FindAllStringIndex(lower, 50) {
		if loc[0] >= bestAt {
			break
		}
		w := sentence(lower[loc[1]:min(loc[1]+window, len(lower))])
		if t, ok := f.date(w, ref); ok {
			take(t, loc[0])
			break
		}
	}
	if m := f.month.FindStringSubmatchIndex(lower); m != nil {
		lead, name := lower[m[0]:m[2]], lower[m[2]:m[3]]
		y := 0
		if m[4] >= 0 {
			y = atoi(lower[m[4]:m[5]])
		}
		day := 1
		switch {
		case strings.HasPrefix(lead, "mid"):
			day = 15
		case strings.HasPrefix(lead, "late"), strings.HasPrefix(lead, "end"):
			day = 20
		}
		take(nextDate(y, f.months[name], day, today), m[0])
	}
	if m := f.quarter.FindStringSubmatchIndex(lower); m != nil {
		q := 0
		if m[2] >= 0 {
			q = atoi(lower[m[2]:m[3]])
		} else {
			q = map[string]int{"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}[lower[m[4]:m[5]]]
		}
		y := 0
		if m[6] >= 0 {
			y = atoi(lower[m[6]:m[7]])
		}
		take(nextDate(y, time.Month(3*q-2), 1, today), m[0])
	}
	if m := f.next.FindStringSubmatchIndex(lower); m != nil {
		var t time.Time
		switch lower[m[2]:m[3]] {
		case "week":
			t = today.AddDate(0, 0, 1)
			for t.Weekday() != time.Monday {
				t = t.AddDate(0, 0, 1)
			}
		case "month":
			t = time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, today.Location())
		case "quarter":
			q := (int(today.Month())-1)/3 + 1
			t = time.Date(today.Year(), time.Month(3*q+1), 1, 0, 0, 0, 0, today.Location())
		case "year":
			t = time.Date(today.Year()+1, 1, 1, 0, 0, 0, 0, today.Location())
		}
		take(t, m[0])
	}
	if m := f.rel.FindStringSubmatchIndex(lower); m != nil {
		n := 1
		switch phrase := lower[m[0]:m[1]]; {
		case m[2] >= 0:
			n = count(lower[m[2]:m[3]])
		case strings.Contains(phrase, "couple"):
			n = 2
		case strings.Contains(phrase, "few"):
			n = 3
		}
		var t time.Time
		switch lower[m[4]:m[5]] {
		case "day":
			t = today.AddDate(0, 0, n)
		case "week":
			t = today.AddDate(0, 0, 7*n)
		case "month":
			t = today.AddDate(0, n, 0)
		case "year":
			t = today.AddDate(n, 0, 0)
		}
		take(t, m[0])
	}
	return best
}

// nextDate is day d of month mo in year y, or, without a year, the next
// such date whose month has not begun by today.
func nextDate(y int, mo time.Month, d int, today time.Time) time.Time {
	if mo < 1 || mo > 12 {
		return time.Time{}
	}
	if y > 0 {
		return time.Date(y, mo, d, 0, 0, 0, 0, today.Location())
	}
	t := time.Date(today.Year(), mo, d, 0, 0, 0, 0, today.Location())
	if time.Date(today.Year(), mo, 1, 0, 0, 0, 0, today.Location()).Compare(time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, today.Location())) <= 0 {
		t = t.AddDate(1, 0, 0)
	}
	return t
}

// count reads a small number in digits or words.
func count(s string) int {
	if n := atoi(s); n > 0 {
		return n
	}
	words := []string{"", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}
	for i, w := range words {
		if w != "" && w == s {
			return i
		}
	}
	return 1
}
