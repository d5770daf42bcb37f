package channel

import (
	"strings"
	"unicode"
)

// Keyword is what an inbound SMS asks for, if anything.
type Keyword uint8

// The keyword outcomes.
const (
	// KeywordNone: the message is not a keyword; treat it as a reply.
	KeywordNone Keyword = iota
	// KeywordOptOut: stop texting this recipient (STOP and friends).
	KeywordOptOut
	// KeywordOptIn: the recipient opts back in (START, YES, UNSTOP).
	KeywordOptIn
)

// String returns "none", "opt_out" or "opt_in".
func (k Keyword) String() string {
	switch k {
	case KeywordOptOut:
		return "opt_out"
	case KeywordOptIn:
		return "opt_in"
	}
	return "none"
}

// DefaultOptOutKeywords are the single-word SMS replies that opt out, as
// carriers and Twilio honour them.
func DefaultOptOutKeywords() []string {
	return []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
}

// DefaultOptInKeywords are the single-word SMS replies that opt back in.
func DefaultOptInKeywords() []string {
	return []string{"START", "YES", "UNSTOP"}
}

// Keywords holds the SMS keyword lists. The zero value uses the defaults.
type Keywords struct {
	// OptOut lists the words that opt out. Default [DefaultOptOutKeywords]:
	// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT.
	OptOut []string
	// OptIn lists the words that opt back in. Default [DefaultOptInKeywords]:
	// START, YES, UNSTOP. A word in both lists opts out.
	OptIn []string
}

// WithDefaults returns a copy of k with empty lists replaced by the defaults.
func (k Keywords) WithDefaults() Keywords {
	if len(k.OptOut) == 0 {
		k.OptOut = DefaultOptOutKeywords()
	}
	if len(k.OptIn) == 0 {
		k.OptIn = DefaultOptInKeywords()
	}
	return k
}

// ParseKeyword reads an inbound SMS body with the default keyword lists; see
// [Keywords.Parse].
func ParseKeyword(body string) Keyword { return Keywords{}.Parse(body) }

// Parse reads an inbound SMS body. It is a keyword only when, once leading
// white space and a trailing run of white space and the punctuation marks
// '.', '!' and '?' are removed, what is left is exactly one of the listed
// words, compared case-insensitively in ASCII only: "stop", " Stop! " and
// "STOP." opt out; "stop please", "STOP STOP", "S.T.O.P", the full-width
// "ＳＴＯＰ" and the long-s "ſtop" do not. Letters outside ASCII must match
// a listed word byte for byte. A word in both lists opts out.
func (k Keywords) Parse(body string) Keyword {
	w := keywordWord(body)
	if w == "" {
		return KeywordNone
	}
	if inList(w, k.OptOut, true) {
		return KeywordOptOut
	}
	if inList(w, k.OptIn, false) {
		return KeywordOptIn
	}
	return KeywordNone
}

// inList reports whether w is in list or, for an empty list, in the default
// opt-out (optOut) or opt-in list.
func inList(w string, list []string, optOut bool) bool {
	if len(list) == 0 {
		var buf [16]byte
		if len(w) > len(buf) {
			return false
		}
		for i := 0; i < len(w); i++ {
			c := w[i]
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			buf[i] = c
		}
		if optOut {
			return isDefaultOptOut(string(buf[:len(w)]))
		}
		return isDefaultOptIn(string(buf[:len(w)]))
	}
	for _, kw := range list {
		if equalFoldASCII(w, kw) {
			return true
		}
	}
	return false
}

// isDefaultOptOut must list the words of [DefaultOptOutKeywords].
func isDefaultOptOut(upper string) bool {
	switch upper {
	case "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT":
		return true
	}
	return false
}

// isDefaultOptIn must list the words of [DefaultOptInKeywords].
func isDefaultOptIn(upper string) bool {
	switch upper {
	case "START", "YES", "UNSTOP":
		return true
	}
	return false
}

// keywordWord trims body as [Keywords.Parse] describes.
func keywordWord(body string) string {
	s := strings.TrimLeftFunc(body, unicode.IsSpace)
	return strings.TrimRightFunc(s, func(r rune) bool {
		return r == '.' || r == '!' || r == '?' || unicode.IsSpace(r)
	})
}

// equalFoldASCII compares a and b byte by byte, folding only ASCII letters.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
