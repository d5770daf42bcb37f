package channel_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/warthog618/sms/encoding/gsm7"

	"github.com/outbound-go/outbound/channel"
)

// FuzzParseKeyword checks ParseKeyword against an independent reading of the
// rule: strip white space around and '.', '!', '?' at the end until nothing
// changes, then the rest, upper-cased, must be a listed word, and ASCII.
func FuzzParseKeyword(f *testing.F) {
	for _, s := range []string{"STOP", "stop.", " Start! ", "stop please", "ＳＴＯＰ", "ſtop", "yes?", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got := channel.ParseKeyword(body)

		s := body
		for {
			next := strings.TrimRight(strings.TrimSpace(s), ".!?")
			if next == s {
				break
			}
			s = next
		}
		upper := strings.ToUpper(s)
		ascii := true
		for i := 0; i < len(s); i++ {
			ascii = ascii && s[i] < 0x80
		}
		inOut := ascii && slices.Contains(designOptOut, upper)
		inIn := ascii && slices.Contains(designOptIn, upper)

		switch got {
		case channel.KeywordOptOut:
			if !inOut {
				t.Fatalf("ParseKeyword(%q) = opt out, but %q is not an opt-out word", body, s)
			}
		case channel.KeywordOptIn:
			if !inIn {
				t.Fatalf("ParseKeyword(%q) = opt in, but %q is not an opt-in word", body, s)
			}
		case channel.KeywordNone:
			if inOut || inIn {
				t.Fatalf("ParseKeyword(%q) = none, but %q is a keyword", body, s)
			}
		default:
			t.Fatalf("ParseKeyword(%q) = %d, not a Keyword", body, got)
		}
		if d := (channel.Keywords{}).WithDefaults().Parse(body); d != got {
			t.Fatalf("explicit default lists give %v, ParseKeyword %v for %q", d, got, body)
		}
	})
}

// FuzzSegments checks Segments' invariants, the hand-written GSM-7 table
// and the warthog618/sms encoder against each other. It must not run in
// parallel with other tests: gsm7.Encode initialises package tables lazily.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"hello", "€", strings.Repeat("a", 161), "😀", "garçon", "a\xffb", "\x1b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := channel.Segments(text)

		if text == "" {
			if got != (channel.SegmentCount{Encoding: channel.GSM7}) {
				t.Fatalf("Segments(\"\") = %+v", got)
			}
			return
		}
		if got.Parts < 1 {
			t.Fatalf("Segments(%q).Parts = %d for non-empty text", text, got.Parts)
		}

		runes := []rune(text)
		allGSM := true
		for _, r := range runes {
			allGSM = allGSM && oracleSeptets(r) > 0
		}
		septets, libErr := gsm7.Encode([]byte(text))
		libGSM := libErr == nil && !strings.ContainsRune(text, 0x1b)
		if allGSM != libGSM {
			t.Fatalf("hand table says GSM-7 %v, library %v (err %v) for %q", allGSM, libGSM, libErr, text)
		}
		if (got.Encoding == channel.GSM7) != allGSM {
			t.Fatalf("Segments(%q).Encoding = %v, every rune GSM-7: %v", text, got.Encoding, allGSM)
		}

		single, per := 160, 153
		if got.Encoding == channel.GSM7 {
			if got.Units != len(septets) {
				t.Fatalf("Segments(%q).Units = %d, library encodes %d septets", text, got.Units, len(septets))
			}
		} else {
			single, per = 70, 67
			if want := len(utf16.Encode(runes)); got.Units != want {
				t.Fatalf("Segments(%q).Units = %d, want %d UTF-16 units", text, got.Units, want)
			}
		}
		// Parts: one up to the single limit; otherwise at least ceil(units/per)
		// and, since a kept-whole pair wastes at most one unit a part, at most
		// ceil(units/(per-1)).
		if got.Units <= single {
			if got.Parts != 1 {
				t.Fatalf("Segments(%q) = %+v: %d units fit one part", text, got, got.Units)
			}
		} else {
			lo, hi := ceilDiv(got.Units, per), ceilDiv(got.Units, per-1)
			if got.Parts < lo || got.Parts > hi {
				t.Fatalf("Segments(%q) = %+v: parts outside [%d, %d]", text, got, lo, hi)
			}
		}
		if want := oracleSegments(text); got != want {
			t.Fatalf("Segments(%q) = %+v, oracle %+v", text, got, want)
		}
	})
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
