package channel

import (
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/warthog618/sms/encoding/gsm7/charset"
)

// Encoding is the character encoding an SMS body goes out in.
type Encoding uint8

// The SMS encodings.
const (
	// GSM7 is the GSM 03.38 default alphabet with its extension table
	// (7-bit septets).
	GSM7 Encoding = iota + 1
	// UCS2 is UTF-16, used when any character is outside GSM-7.
	UCS2
)

// String returns "GSM-7" or "UCS-2".
func (e Encoding) String() string {
	switch e {
	case GSM7:
		return "GSM-7"
	case UCS2:
		return "UCS-2"
	}
	return "Encoding(" + strconv.Itoa(int(e)) + ")"
}

// Segment limits: a single-part SMS carries 160 GSM-7 septets or 70 UCS-2
// code units; a concatenated one gives up room to its header and carries 153
// or 67 per part.
const (
	GSM7SingleLimit = 160
	GSM7PartLimit   = 153
	UCS2SingleLimit = 70
	UCS2PartLimit   = 67
)

// SegmentCount is the size of an SMS body: its encoding, its length in that
// encoding's units, and how many parts (segments, each billed) it takes.
type SegmentCount struct {
	// Encoding is GSM7 when every character is in the GSM-7 alphabet or its
	// extension table, else UCS2.
	Encoding Encoding
	// Units is the length in septets (GSM7; extension characters count 2) or
	// UTF-16 code units (UCS2; characters outside the Basic Multilingual
	// Plane, such as most emoji, count 2).
	Units int
	// Parts is the number of segments: 0 for empty text, 1 up to the
	// single-part limit, else the parts a concatenated message needs.
	Parts int
}

// String renders "2 GSM-7 parts (161 septets)" or "1 UCS-2 part (5 units)".
func (s SegmentCount) String() string {
	unit := "septets"
	if s.Encoding == UCS2 {
		unit = "units"
	}
	part := "parts"
	if s.Parts == 1 {
		part = "part"
	}
	return strconv.Itoa(s.Parts) + " " + s.Encoding.String() + " " + part + " (" + strconv.Itoa(s.Units) + " " + unit + ")"
}

// Segments counts the SMS segments text takes.
//
// Text whose every character is in the GSM-7 default alphabet or its
// extension table (the tables of github.com/warthog618/sms) is GSM-7: each
// character costs one septet, and the extension characters ^ { } \ [ ] ~ | €
// and form feed cost two (an escape and the character). The escape control
// character U+001B itself is not accepted as text. Any other character, such
// as an emoji, a curly quote or a lower-case ç, makes the whole text UCS-2,
// counted in UTF-16 code units.
//
// Up to 160 septets or 70 UCS-2 units fit one part. Longer text is split into
// parts of at most 153 septets or 67 units, filled greedily, never splitting
// an escape pair or a surrogate pair: a two-unit character that does not fit
// in a part's remaining room starts the next part, leaving the unit unused.
// This is how handsets and Twilio split, so Parts is what a provider bills.
// Empty text is GSM-7 with 0 units and 0 parts.
//
// Invalid UTF-8 bytes decode as U+FFFD, which is not GSM-7, so such text
// counts as UCS-2 with one unit per bad byte.
func Segments(text string) SegmentCount {
	if text == "" {
		return SegmentCount{Encoding: GSM7}
	}
	t := gsmTable()
	if units, parts, ok := countGSM7(t, text); ok {
		return SegmentCount{Encoding: GSM7, Units: units, Parts: parts}
	}
	units, parts := countUCS2(text)
	return SegmentCount{Encoding: UCS2, Units: units, Parts: parts}
}

// countGSM7 returns the septets and parts of text, or ok=false at the first
// character outside GSM-7.
func countGSM7(t *gsmCosts, text string) (units, parts int, ok bool) {
	parts, room := 1, GSM7PartLimit
	for _, r := range text {
		c := t.cost(r)
		if c == 0 {
			return 0, 0, false
		}
		units += int(c)
		if int(c) > room {
			parts++
			room = GSM7PartLimit
		}
		room -= int(c)
	}
	if units <= GSM7SingleLimit {
		parts = 1
	}
	return units, parts, true
}

func countUCS2(text string) (units, parts int) {
	parts, room := 1, UCS2PartLimit
	for _, r := range text {
		c := utf16Len(r)
		units += c
		if c > room {
			parts++
			room = UCS2PartLimit
		}
		room -= c
	}
	if units <= UCS2SingleLimit {
		parts = 1
	}
	return units, parts
}

// utf16Len is the number of UTF-16 code units r encodes to; invalid runes
// (surrogate halves, out of range) become U+FFFD, one unit.
func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// gsmCosts is the septet cost of each GSM-7 character: 1 for the default
// alphabet, 2 for the extension table, 0 for characters outside GSM-7.
// Every character of both tables is below U+0400 except the euro sign.
type gsmCosts struct {
	low  [0x400]uint8
	euro uint8
}

func (t *gsmCosts) cost(r rune) uint8 {
	if r >= 0 && r < rune(len(t.low)) {
		return t.low[r]
	}
	if r == '€' {
		return t.euro
	}
	return 0
}

// gsmTable is built once, from warthog618/sms's default tables, and never
// changed after; building it is the only call into the library's lazily
// initialised tables this package makes.
var gsmTable = sync.OnceValue(func() *gsmCosts {
	t := new(gsmCosts)
	set := func(r rune, c uint8) {
		switch {
		case r == 0x1b: // the escape itself is not text
		case r >= 0 && r < rune(len(t.low)):
			if t.low[r] == 0 {
				t.low[r] = c
			}
		case r == '€':
			if t.euro == 0 {
				t.euro = c
			}
		default:
			panic("channel: GSM-7 table holds unexpected rune " + strconv.QuoteRune(r))
		}
	}
	for r := range charset.DefaultEncoder() {
		set(r, 1)
	}
	for r := range charset.DefaultExtEncoder() {
		set(r, 2)
	}
	return t
})
