package scoring

import (
	"regexp"
	"strings"

	"github.com/outbound-go/outbound"
)

// seniorityRules are tried in order on a lower-cased title; the first that
// matches decides. The order settles the titles that name two levels: a
// "Vice President" is not a president, a "Managing Director" is an
// executive and not a director, a "Product Owner" or an "Executive
// Assistant" is neither an owner nor an executive.
var seniorityRules = []struct {
	re    *regexp.Regexp
	level outbound.Seniority
}{
	{regexp.MustCompile(`\b(product owner|executive assistant|personal assistant|assistant to)\b`), outbound.SeniorityIndividual},
	{regexp.MustCompile(`\b(vice[- ]president|vp|svp|evp|avp|head of)\b`), outbound.SeniorityVP},
	{regexp.MustCompile(`\b(chief|ceo|cfo|cto|coo|cmo|cro|cio|ciso|cpo|president|co-?founder|founder|owner|proprietor|` +
		`managing director|managing partner|general partner|senior partner|equity partner|founding partner)\b|^partner$`),
		outbound.SeniorityExecutive},
	{regexp.MustCompile(`\b(director|directeur|direktor)\b`), outbound.SeniorityDirector},
	{regexp.MustCompile(`\b(manager|mgr|team lead|lead|supervisor|head|superintendent)\b`), outbound.SeniorityManager},
}

// ParseSeniority reads how senior a job title is: c-level for owners,
// founders, chiefs, presidents, managing directors and partners; vp for
// vice presidents and heads of a function; director; manager for managers,
// leads and supervisors; individual for any other title; "" for none.
// Words match whole, so a "Directory Assistant" is no director.
func ParseSeniority(title string) outbound.Seniority {
	t := strings.ToLower(strings.TrimSpace(title))
	if t == "" {
		return ""
	}
	t = strings.NewReplacer(",", " ", "/", " ", "&", " ", "(", " ", ")", " ").Replace(t)
	for _, r := range seniorityRules {
		if r.re.MatchString(t) {
			return r.level
		}
	}
	return outbound.SeniorityIndividual
}
