package channel_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

// The GSM 03.38 default alphabet and extension table, written out by hand
// from the standard (not from the library), as an independent oracle.
// The basic set: printable ASCII except ` and the extension characters,
// plus LF, CR and these non-ASCII letters and signs.
const (
	gsmBasicNonASCII = "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà"
	gsmExtension     = "^{}\\[~]|€\f"
)

// oracleSeptets returns the septet cost of r (1 or 2), or 0 outside GSM-7.
func oracleSeptets(r rune) int {
	switch {
	case strings.ContainsRune(gsmExtension, r):
		return 2
	case r == '\n' || r == '\r':
		return 1
	case r >= 0x20 && r <= 0x7e && r != '`':
		return 1
	case strings.ContainsRune(gsmBasicNonASCII, r):
		return 1
	}
	return 0
}

// oracleParts splits costs greedily into parts of at most limit units,
// never splitting one character, and returns the number of parts.
func oracleParts(costs []int, single, limit int) int {
	total := 0
	for _, c := range costs {
		total += c
	}
	if total == 0 {
		return 0
	}
	if total <= single {
		return 1
	}
	var parts [][]int
	var cur []int
	sum := 0
	for _, c := range costs {
		if sum+c > limit {
			parts = append(parts, cur)
			cur, sum = nil, 0
		}
		cur = append(cur, c)
		sum += c
	}
	parts = append(parts, cur)
	return len(parts)
}

// oracleSegments is an independent segment counter built on the hand-written
// tables and unicode/utf16.
func oracleSegments(text string) channel.SegmentCount {
	runes := []rune(text)
	costs := make([]int, 0, len(runes))
	gsm := true
	for _, r := range runes {
		c := oracleSeptets(r)
		if c == 0 {
			gsm = false
			break
		}
		costs = append(costs, c)
	}
	if gsm {
		units := 0
		for _, c := range costs {
			units += c
		}
		return channel.SegmentCount{Encoding: channel.GSM7, Units: units, Parts: oracleParts(costs, 160, 153)}
	}
	costs = costs[:0]
	units := 0
	for _, r := range runes {
		c := len(utf16.Encode([]rune{r}))
		costs = append(costs, c)
		units += c
	}
	return channel.SegmentCount{Encoding: channel.UCS2, Units: units, Parts: oracleParts(costs, 70, 67)}
}

func TestSegments(t *testing.T) {
	t.Parallel()
	a := func(n int) string { return strings.Repeat("a", n) }
	han := func(n int) string { return strings.Repeat("中", n) }
	tests := []struct {
		name  string
		text  string
		enc   channel.Encoding
		units int
		parts int
	}{
		{"empty", "", channel.GSM7, 0, 0},
		{"hello", "hello", channel.GSM7, 5, 1},
		{"160 GSM chars fit one part", a(160), channel.GSM7, 160, 1},
		{"161 GSM chars take two", a(161), channel.GSM7, 161, 2},
		{"153*2 GSM chars take two", a(306), channel.GSM7, 306, 2},
		{"307 GSM chars take three", a(307), channel.GSM7, 307, 3},
		{"153*10 GSM chars take ten", a(1530), channel.GSM7, 1530, 10},
		{"euro costs two septets", "€", channel.GSM7, 2, 1},
		{"one euro adds two units", "price 10€", channel.GSM7, 10, 1},
		{"every extension char costs two", "^{}\\[~]|€", channel.GSM7, 18, 1},
		{"158 chars and a euro fit one part", a(158) + "€", channel.GSM7, 160, 1},
		{"159 chars and a euro take two", a(159) + "€", channel.GSM7, 161, 2},
		// 152 septets, then € does not fit the 1 septet left: part 2 starts
		// with it and holds 151 more; the last a starts part 3.
		{"escape pair never straddles a part", a(152) + "€" + a(152), channel.GSM7, 306, 3},
		{"escape pair that fits stays", a(151) + "€" + a(153), channel.GSM7, 306, 2},
		{"GSM non-ASCII letters cost one", "Ça va? Øre, ñ, ß, Δ", channel.GSM7, 19, 1},
		{"newline and CR are GSM", "a\r\nb", channel.GSM7, 4, 1},
		{"backtick is not GSM", "`", channel.UCS2, 1, 1},
		{"lower-case c cedilla is not GSM", "garçon", channel.UCS2, 6, 1},
		{"curly quote forces UCS-2", "it’s", channel.UCS2, 4, 1},
		{"escape control char is not text", "\x1b", channel.UCS2, 1, 1},
		{"70 UCS-2 units fit one part", han(70), channel.UCS2, 70, 1},
		{"71 UCS-2 units take two", han(71), channel.UCS2, 71, 2},
		{"67*2 UCS-2 units take two", han(134), channel.UCS2, 134, 2},
		{"135 UCS-2 units take three", han(135), channel.UCS2, 135, 3},
		{"an emoji counts two units", "😀", channel.UCS2, 2, 1},
		{"emoji in GSM text makes it UCS-2", "Hi 😀", channel.UCS2, 5, 1},
		{"35 emoji fit one part", strings.Repeat("😀", 35), channel.UCS2, 70, 1},
		// 33 emoji fill 66 units; the 34th needs 2 with 1 left.
		{"36 emoji take two", strings.Repeat("😀", 36), channel.UCS2, 72, 2},
		{"surrogate pair never straddles a part", han(66) + "😀" + han(66), channel.UCS2, 134, 3},
		{"invalid UTF-8 is UCS-2", "a\xffb", channel.UCS2, 3, 1},
		{"one GSM char over a UCS-2 body", a(69) + "ç", channel.UCS2, 70, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := channel.Segments(tt.text)
			require.Equal(t, channel.SegmentCount{Encoding: tt.enc, Units: tt.units, Parts: tt.parts}, got)
			require.Equal(t, oracleSegments(tt.text), got, "oracle disagrees")
		})
	}
}

func TestSegmentsMatchesOracleOnRandomText(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	alphabets := []string{
		"abcdefghijklmnopqrstuvwxyz ",
		"abc €[]{}^~|\\",
		gsmBasicNonASCII + gsmExtension + "xyz",
		"ab€中😀ç",
		"中文字😀🎉",
		"a`\x1b\u00a0\u200b\ufffd",
	}
	for i := range 5000 {
		alpha := []rune(alphabets[i%len(alphabets)])
		n := rng.IntN(500)
		// Mostly GSM with rare outsiders, to exercise long GSM-7 bodies too.
		var b strings.Builder
		for range n {
			b.WriteRune(alpha[rng.IntN(len(alpha))])
		}
		text := b.String()
		got := channel.Segments(text)
		require.Equal(t, oracleSegments(text), got, "text %q", text)
		if text != "" {
			require.GreaterOrEqual(t, got.Parts, 1)
		}
	}
}

func TestSegmentCountString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "2 GSM-7 parts (161 septets)", channel.Segments(strings.Repeat("a", 161)).String())
	require.Equal(t, "1 UCS-2 part (2 units)", channel.Segments("😀").String())
	require.Equal(t, "GSM-7", channel.GSM7.String())
	require.Equal(t, "UCS-2", channel.UCS2.String())
	require.Equal(t, "Encoding(9)", channel.Encoding(9).String())
}
