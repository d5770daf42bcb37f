package channel_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

// The opt-out and opt-in keywords carriers honour, written out here rather than read from the
// package.
var (
	designOptOut = []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
	designOptIn  = []string{"START", "YES", "UNSTOP"}
)

// caseVariants returns every upper/lower-case spelling of an ASCII word.
func caseVariants(word string) []string {
	lower := strings.ToLower(word)
	n := len(lower)
	out := make([]string, 0, 1<<n)
	for mask := range 1 << n {
		b := []byte(lower)
		for i := range n {
			if mask&(1<<i) != 0 {
				b[i] -= 'a' - 'A'
			}
		}
		out = append(out, string(b))
	}
	return out
}

func TestParseKeywordEveryKeywordEveryCase(t *testing.T) {
	t.Parallel()
	decorate := []func(string) string{
		func(s string) string { return s },
		func(s string) string { return "  " + s + "  " },
		func(s string) string { return "\t" + s + "\r\n" },
		func(s string) string { return s + "." },
		func(s string) string { return s + "!" },
		func(s string) string { return s + "?" },
		func(s string) string { return s + "!!! " },
		func(s string) string { return " " + s + " . " },
		func(s string) string { return "\u00a0" + s + "\u3000" }, // Unicode spaces
	}
	for _, tc := range []struct {
		words []string
		want  channel.Keyword
	}{{designOptOut, channel.KeywordOptOut}, {designOptIn, channel.KeywordOptIn}} {
		for _, w := range tc.words {
			variants := caseVariants(w)
			require.Len(t, variants, 1<<len(w))
			for _, v := range variants {
				for _, d := range decorate {
					body := d(v)
					require.Equal(t, tc.want, channel.ParseKeyword(body), "body %q", body)
				}
			}
		}
	}
}

func TestParseKeywordNotKeywords(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"",
		"   ",
		"...",
		"stop please",
		"please stop",
		"STOP STOP",
		"S T O P",
		"S.T.O.P",
		"STOP,",
		".STOP",
		"\"STOP\"",
		"STOPP",
		"STO",
		"nonstop",
		"ＳＴＯＰ",       // full-width
		"ＳTOP",       // one full-width letter
		"ſtop",       // long s folds to S in Unicode, not in ASCII
		"STOP\u200b", // zero-width space is not white space
		"STОP",       // Cyrillic O
		"yes please",
		"Yes, interested",
		"startup",
		"HELP",
		"INFO",
		"NO",
		"stop\nplease",
	} {
		require.Equal(t, channel.KeywordNone, channel.ParseKeyword(body), "body %q", body)
	}
}

func TestKeywordsCustomLists(t *testing.T) {
	t.Parallel()
	k := channel.Keywords{OptOut: []string{"ARRET", "ARRÊT", "NO"}}
	require.Equal(t, channel.KeywordOptOut, k.Parse("arret"))
	require.Equal(t, channel.KeywordOptOut, k.Parse("ARRÊT"))
	require.Equal(t, channel.KeywordOptOut, k.Parse("arrÊt"), "ASCII letters fold, Ê matches byte for byte")
	require.Equal(t, channel.KeywordNone, k.Parse("ARRêT"), "non-ASCII letters do not fold")
	require.Equal(t, channel.KeywordOptOut, k.Parse("No."))
	require.Equal(t, channel.KeywordNone, k.Parse("STOP"), "a list replaces the defaults")
	require.Equal(t, channel.KeywordOptIn, k.Parse("start"), "an empty list keeps the defaults")

	both := channel.Keywords{OptOut: []string{"X"}, OptIn: []string{"X", "GO"}}
	require.Equal(t, channel.KeywordOptOut, both.Parse("x"), "opt-out wins over opt-in")
	require.Equal(t, channel.KeywordOptIn, both.Parse("go!"))
	require.Equal(t, channel.KeywordNone, both.Parse("yes"))
}

func TestKeywordsDefaults(t *testing.T) {
	t.Parallel()
	require.Equal(t, designOptOut, channel.DefaultOptOutKeywords())
	require.Equal(t, designOptIn, channel.DefaultOptInKeywords())
	d := channel.Keywords{}.WithDefaults()
	require.Equal(t, designOptOut, d.OptOut)
	require.Equal(t, designOptIn, d.OptIn)
	// An explicit default list parses exactly like the built-in fast path.
	for _, body := range append(append([]string{"stop", "Start!", "nope", "ＳＴＯＰ"}, designOptOut...), designOptIn...) {
		require.Equal(t, channel.ParseKeyword(body), d.Parse(body), "body %q", body)
	}
}

func TestKeywordString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "none", channel.KeywordNone.String())
	require.Equal(t, "opt_out", channel.KeywordOptOut.String())
	require.Equal(t, "opt_in", channel.KeywordOptIn.String())
}
