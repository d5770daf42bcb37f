package smtp

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// dateFinder reads the return date an out-of-office reply names.
//
// It looks right after a word that announces a return ("back", "return",
// "returning", "until", "till", "through", "from", German "bis",
// "zurück", "ab", "wieder"), within a few words, for a date in one of the
// forms people write: "14 March 2026", "14th of March", "March 14, 2026",
// "Monday 16 March", "2026-03-14", "16.03.2026" or "16.03.", "16/03/2026"
// (day and month told apart only when one of them is over 12), or a bare
// weekday ("back on Monday": the next such day). English, German and
// French month names and their common abbreviations are understood. A date
// without a year is the next such date on or after the message's own date.
type dateFinder struct {
	trigger *regexp.Regexp
	forms   []*regexp.Regexp // ISO, day-month, month-day, dotted, slashed
	weekday *regexp.Regexp
	months  map[string]time.Month
	days    map[string]time.Weekday
}

// window is how many bytes after a trigger word a date may start.
const window = 48

func newDateFinder() dateFinder {
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
	return dateFinder{
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

// find returns the first return date text names, at midnight in ref's
// zone, or the zero time.
func (f dateFinder) find(text string, ref time.Time) time.Time {
	if len(text) > maxBodyLen {
		text = text[:maxBodyLen]
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
func (f dateFinder) date(w string, ref time.Time) (time.Time, bool) {
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
func (f dateFinder) form(i int, sub func(int) string, ref time.Time) (time.Time, bool) {
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
