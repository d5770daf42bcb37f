package leadfile

import (
	"strings"
	"unicode"

	"github.com/outbound-go/outbound/invalid"
)

// headerKey folds a column's name for matching: lower case, letters and
// digits only, so "First Name", "first_name", "FIRST-NAME" and
// " firstname " are one name, and so are "State/Region" and "state region".
func headerKey(name string) string {
	var b strings.Builder
	for _, r := range strings.TrimPrefix(name, "\uFEFF") {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// noColumn is the column of a file column no lead column takes.
const noColumn = column(255)

// source is where a file column's values go: a lead column, and the rank
// of the file column among those that fill it (0 first). When a file has
// several columns for one field (Apollo's "Corporate Phone" and "Mobile
// Phone"), a row takes the value of the lowest rank that is not empty.
type source struct {
	col  column
	rank int
}

// aliasTable lists, for each lead column, the names CRM and prospecting
// exports give it (Apollo, HubSpot, Salesforce), best first: a later name
// is a fallback for a row whose earlier one is empty. Names are matched
// folded (headerKey).
func aliasTable() [numColumns][]string {
	return [numColumns][]string{
		colID:        {"id", "external id", "record id", "contact id", "lead id", "apollo contact id"},
		colClient:    {"client"},
		colEmail:     {"email", "email address", "e-mail", "work email", "business email"},
		colPhone:     {"phone", "phone number", "corporate phone", "work direct phone", "direct phone", "business phone", "work phone", "mobile phone", "mobile phone number", "mobile", "home phone", "other phone"},
		colLinkedIn:  {"linkedin", "person linkedin url", "linkedin url", "linkedin profile", "linkedin profile url", "linkedin bio"},
		colFirstName: {"first_name", "first name", "firstname", "given name"},
		colLastName:  {"last_name", "last name", "lastname", "surname", "family name"},
		colCompany:   {"company", "company name", "account name", "organization", "organisation", "company name for emails"},
		colCompanyDomain: {"company_domain", "company domain", "domain", "website", "website url", "company website",
			"company domain name", "primary company domain"},
		colTitle:        {"title", "job title", "position"},
		colCountry:      {"country", "country/region", "mailing country", "person country", "company country"},
		colRegion:       {"region", "state", "state/region", "state/province", "province", "mailing state/province", "mailing state", "company state"},
		colCity:         {"city", "mailing city", "company city"},
		colPostcode:     {"postcode", "postal code", "zip", "zip code", "mailing zip/postal code", "zip/postal code", "post code"},
		colAddressLine1: {"address_line1", "address line 1", "street address", "address", "mailing street", "street"},
		colTimezone:     {"timezone", "time zone", "tz"},
		colScore:        {"score", "lead score", "hubspot score", "lead rating score"},
		colIndustry:     {"industry", "company industry", "sector"},
		colEmployees: {"employees", "# employees", "number of employees", "employee count", "company size", "headcount",
			"num employees", "company headcount"},
	}
}

// aliases maps each folded name of aliasTable to its column and rank.
func aliases() map[string]source {
	out := map[string]source{}
	for c, names := range aliasTable() {
		for rank, n := range names {
			out[headerKey(n)] = source{col: column(c), rank: rank}
		}
	}
	return out
}

// Aliases returns, for each column this package reads, the names of
// other tools' exports it understands as that column, best first (the
// first is the column's own name). Names match in any case and spacing.
func Aliases() map[string][]string {
	out := map[string][]string{}
	for c, names := range aliasTable() {
		out[columnNames[c]] = append([]string(nil), names...)
	}
	return out
}

// Options changes how a file is read.
type Options struct {
	// Map maps a file's column, by name (matched in any case and spacing),
	// to one of the columns this package reads (Columns): a hand mapping,
	// which beats every alias. Default: none.
	Map map[string]string
}

// resolver decides where each file column goes.
type resolver struct {
	alias map[string]source
	hand  map[string]column // folded file name → column
}

func newResolver(o Options) (*resolver, error) {
	r := &resolver{alias: aliases(), hand: map[string]column{}}
	for from, to := range o.Map {
		c, ok := columnByName(strings.ToLower(strings.TrimSpace(to)))
		if !ok {
			return nil, invalid.Field("leadfile", "Options", "Map["+from+"]", to,
				"is not a lead column; want one of "+strings.Join(columnNames[:], ", "))
		}
		k := headerKey(from)
		if k == "" {
			return nil, invalid.Field("leadfile", "Options", "Map", from, "names no column")
		}
		r.hand[k] = c
	}
	return r, nil
}

// lookup returns where a file column of that name goes; ok is false for
// a column this package does not know.
func (r *resolver) lookup(name string) (source, bool) {
	k := headerKey(name)
	if c, ok := r.hand[k]; ok {
		return source{col: c, rank: -1}, true // a hand mapping comes first
	}
	s, ok := r.alias[k]
	return s, ok
}

// ParseMap reads the command-line form of Options.Map: "File Column=column"
// pairs separated by commas ("Lead Score=score,Mobile=phone"); the flag
// may also be given several times, each value parsed alone. A pair
// without "=", an empty side or an unknown target is a *invalid.FieldError
// naming it.
func ParseMap(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		from, to, ok := strings.Cut(pair, "=")
		from, to = strings.TrimSpace(from), strings.ToLower(strings.TrimSpace(to))
		if !ok || from == "" || to == "" {
			return nil, invalid.Field("leadfile", "", "map", pair, `want "File Column=column"`)
		}
		if _, known := columnByName(to); !known {
			return nil, invalid.Field("leadfile", "", "map", pair,
				"the target is not a lead column; want one of "+strings.Join(columnNames[:], ", "))
		}
		out[from] = to
	}
	return out, nil
}

// unknownSet keeps the names of the columns a file has that no lead column
// takes, once each, in the order first seen.
type unknownSet struct {
	seen  map[string]bool
	names []string
}

func (u *unknownSet) add(name string) {
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	if k := headerKey(name); !u.seen[k] {
		u.seen[k] = true
		u.names = append(u.names, strings.TrimSpace(name))
	}
}
