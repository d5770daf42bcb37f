package place

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/outbound-go/outbound/invalid"
)

// iso3166Tab is IANA tzdb 2025b's iso3166.tab (public domain), copied
// unchanged: ISO 3166-1 alpha-2 codes and their usual English names.
//
//go:embed data/iso3166.tab
var iso3166Tab string

// CountryInfo is one country of ISO 3166-1.
type CountryInfo struct {
	// Code is the upper-case alpha-2 code: "AU".
	Code string
	// Name is the English name iso3166.tab gives it: "Australia",
	// "Britain (UK)".
	Name string
}

// tables is every lookup, built once from the embedded data.
type tables struct {
	names     map[string]string            // alpha-2 → English name
	countries []CountryInfo                // sorted by code
	keys      map[string]string            // folded code, alpha-3, name or alias → alpha-2
	regions   map[string][]RegionInfo      // alpha-2 → regions sorted by code
	regionKey map[string]map[string]string // alpha-2 → folded code, name or alias → region code
}

// index is built on first use and never written afterwards.
var index = sync.OnceValue(func() *tables {
	t, err := build()
	if err != nil {
		// The embedded data is fixed at compile time and the tests build it:
		// this is a broken build, not bad input.
		panic(err)
	}
	return t
})

func build() (*tables, error) {
	names, err := parseISO3166(iso3166Tab)
	if err != nil {
		return nil, err
	}
	t := &tables{
		names:     names,
		keys:      map[string]string{},
		regions:   map[string][]RegionInfo{},
		regionKey: map[string]map[string]string{},
	}
	add := func(key, code, what string) error {
		k := foldCountry(key)
		if k == "" {
			return fmt.Errorf("place: %s %q of %s folds to nothing", what, key, code)
		}
		if _, ok := names[code]; !ok {
			return fmt.Errorf("place: %s %q: %s is not in iso3166.tab", what, key, code)
		}
		if prev, ok := t.keys[k]; ok && prev != code {
			return fmt.Errorf("place: %s %q means both %s and %s", what, key, prev, code)
		}
		t.keys[k] = code
		return nil
	}
	for code, name := range names {
		t.countries = append(t.countries, CountryInfo{Code: code, Name: name})
		if err := add(code, code, "code"); err != nil {
			return nil, err
		}
		if err := add(name, code, "name"); err != nil {
			return nil, err
		}
	}
	sort.Slice(t.countries, func(i, j int) bool { return t.countries[i].Code < t.countries[j].Code })
	for a3, code := range alpha3() {
		if len(a3) != 3 {
			return nil, fmt.Errorf("place: alpha-3 code %q of %s", a3, code)
		}
		if err := add(a3, code, "alpha-3 code"); err != nil {
			return nil, err
		}
	}
	for alias, code := range countryAliases() {
		if err := add(alias, code, "alias"); err != nil {
			return nil, err
		}
	}
	for _, rt := range regionTables() {
		if err := t.addRegions(rt); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// parseISO3166 reads iso3166.tab: code, tab, English name; '#' starts a
// comment line.
func parseISO3166(data string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(data, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		if !ok || !isAlpha2(code) || name == "" {
			return nil, fmt.Errorf("place: iso3166.tab line %d: want code and name: %q", i+1, line)
		}
		out[code] = name
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("place: iso3166.tab is empty")
	}
	return out, nil
}

func isAlpha2(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// Country reads a country as people write it — an ISO 3166-1 alpha-2 or
// alpha-3 code, or an English name or usual alias, in any case and spacing —
// and returns its upper-case alpha-2 code. ok is false for anything else,
// the empty string included.
func Country(s string) (code string, ok bool) {
	code, ok = index().keys[foldCountry(s)]
	return code, ok
}

// CountryName returns the English name of an alpha-2 code (any case and
// spacing; "UK" is GB), as iso3166.tab has it. ok is false for a string
// that is not an alpha-2 code.
func CountryName(code string) (name string, ok bool) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if c == "UK" {
		c = "GB"
	}
	name, ok = index().names[c]
	return name, ok
}

// Countries returns every country of ISO 3166-1, sorted by code. The slice is
// the caller's.
func Countries() []CountryInfo {
	return append([]CountryInfo(nil), index().countries...)
}

// ParseCountry is [Country] for callers that report bad input: anything it
// cannot read is an *[invalid.FieldError] for the field "country" naming the
// value.
func ParseCountry(s string) (string, error) {
	if code, ok := Country(s); ok {
		return code, nil
	}
	reason := "not an ISO 3166-1 country code or a known country name"
	if strings.TrimSpace(s) == "" {
		reason = "empty"
	}
	return "", invalid.Field("place", "", "country", s, reason)
}
