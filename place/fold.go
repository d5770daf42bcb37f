package place

import (
	"strings"
	"unicode"
)

// fold turns a name as written into a lookup key: lower case, Latin
// accents dropped, dots and apostrophes dropped, "&" read as "and", and any
// other run of punctuation or space made one space, trimmed. "N.S.W." gives
// "nsw", "Newfoundland & Labrador" "newfoundland and labrador", "Québec"
// "quebec".
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		r = foldLatin(unicode.ToLower(r))
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '.' || r == '\'' || r == '\u2019':
		case r == '&':
			if b.Len() > 0 {
				b.WriteString(" and")
			}
			space = true
		default:
			space = true
		}
	}
	return b.String()
}

// foldCountry is fold, then a leading "the " dropped ("The Netherlands")
// and the word "saint" read as "st" ("Saint Lucia" is iso3166.tab's
// "St Lucia").
func foldCountry(s string) string {
	k := strings.TrimPrefix(fold(s), "the ")
	if !strings.Contains(k, "saint") {
		return k
	}
	words := strings.Split(k, " ")
	for i, w := range words {
		if w == "saint" {
			words[i] = "st"
		}
	}
	return strings.Join(words, " ")
}

// foldLatin maps the accented Latin letters of the names in use here to
// their base letter.
func foldLatin(r rune) rune {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā':
		return 'a'
	case 'ç':
		return 'c'
	case 'è', 'é', 'ê', 'ë', 'ē':
		return 'e'
	case 'ì', 'í', 'î', 'ï', 'ī':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ō', 'ø':
		return 'o'
	case 'ù', 'ú', 'û', 'ü', 'ū':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	}
	return r
}
