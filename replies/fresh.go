package replies

import (
	"regexp"
	"strings"
)

// freshText cuts a reply down to what its writer wrote this time: it stops
// at the quoted message ("On … wrote:", "-----Original Message-----", an
// Outlook "From: … Sent:" header block, "> " lines) and at the signature
// ("-- " or "Sent from my …"). Our own message, quoted below a reply, must
// not classify it: it ends with an unsubscribe line.
type freshText struct {
	cut []*regexp.Regexp
}

func newFreshText() freshText {
	return freshText{cut: []*regexp.Regexp{
		regexp.MustCompile(`(?m)^[ \t]*On\b[^\n]{0,200}\bwrote:[ \t]*$`),
		regexp.MustCompile(`(?m)^[ \t]*>?[ \t]*On\b[^\n]{0,200}\n[^\n]{0,200}\bwrote:[ \t]*$`),
		regexp.MustCompile(`(?m)^[ \t]*Am\b[^\n]{0,200}\bschrieb[^\n]*:[ \t]*$`),
		regexp.MustCompile(`(?mi)^[ \t]*-{2,}[ \t]*(?:Original Message|Forwarded message|Ursprüngliche Nachricht)[ \t]*-{2,}`),
		regexp.MustCompile(`(?mi)^[ \t]*From:[^\n]*\n(?:[^\n]*\n){0,2}[ \t]*(?:Sent|Date):`),
		regexp.MustCompile(`(?m)^[ \t]*>`),
		regexp.MustCompile(`(?m)^-- ?$`),
		regexp.MustCompile(`(?mi)^[ \t]*Sent from my [^\n]*$`),
		regexp.MustCompile(`(?mi)^[ \t]*Get Outlook for [^\n]*$`),
	}}
}

// of returns the fresh part of body, trimmed.
func (f freshText) of(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	end := len(body)
	for _, re := range f.cut {
		if loc := re.FindStringIndex(body[:end]); loc != nil && loc[0] < end {
			end = loc[0]
		}
	}
	fresh := strings.TrimSpace(body[:end])
	if fresh == "" {
		// A reply that is all quote (or starts with one) keeps its text.
		return strings.TrimSpace(body)
	}
	return fresh
}
