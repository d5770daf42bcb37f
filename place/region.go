package place

import (
	"fmt"
	"sort"
	"strings"

	"github.com/outbound-go/outbound/invalid"
)

// RegionInfo is one first-level subdivision of a country.
type RegionInfo struct {
	// Code is the ISO 3166-2 code without the country prefix: "NSW" for
	// AU-NSW.
	Code string
	// Name is the English name (or the local one where English has none).
	Name string
}

// regionRow is one region of a table: its code without the country prefix,
// its name, and the other ways people write it. Every one of them is matched
// after folding.
type regionRow struct {
	code, name string
	aliases    []string
}

type regionTable struct {
	country string
	rows    []regionRow
}

func (t *tables) addRegions(rt regionTable) error {
	if _, ok := t.names[rt.country]; !ok {
		return fmt.Errorf("place: region table for %s, which is not in iso3166.tab", rt.country)
	}
	if _, dup := t.regionKey[rt.country]; dup {
		return fmt.Errorf("place: two region tables for %s", rt.country)
	}
	keys := map[string]string{}
	list := make([]RegionInfo, 0, len(rt.rows))
	for _, row := range rt.rows {
		if row.code == "" || row.code != strings.ToUpper(row.code) || strings.ContainsAny(row.code, " -") {
			return fmt.Errorf("place: %s region code %q", rt.country, row.code)
		}
		for _, alias := range append([]string{row.code, row.name}, row.aliases...) {
			k := fold(alias)
			if k == "" {
				return fmt.Errorf("place: %s-%s: alias %q folds to nothing", rt.country, row.code, alias)
			}
			if prev, ok := keys[k]; ok && prev != row.code {
				return fmt.Errorf("place: %s region %q means both %s and %s", rt.country, alias, prev, row.code)
			}
			keys[k] = row.code
		}
		list = append(list, RegionInfo{Code: row.code, Name: row.name})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
	for i := 1; i < len(list); i++ {
		if list[i].Code == list[i-1].Code {
			return fmt.Errorf("place: %s-%s listed twice", rt.country, list[i].Code)
		}
	}
	t.regions[rt.country] = list
	t.regionKey[rt.country] = keys
	return nil
}

// Region reads a region of a country as people write it: the ISO 3166-2
// code with or without the country prefix ("NSW", "AU-NSW", "au-nsw"), the
// name ("New South Wales") or a usual alias ("N.S.W."), in any case and
// spacing. country is read by [Country]. It returns the code without the
// prefix ("NSW"); ok is false for an unknown country, a country without a
// region table, and a region the table does not know.
func Region(country, s string) (code string, ok bool) {
	c, ok := Country(country)
	if !ok {
		return "", false
	}
	keys := index().regionKey[c]
	if keys == nil {
		return "", false
	}
	s = strings.TrimSpace(s)
	if len(s) > 3 && s[2] == '-' && strings.EqualFold(s[:2], c) {
		s = s[3:]
	}
	code, ok = keys[fold(s)]
	return code, ok
}

// Regions returns a country's regions sorted by code, or nil for an unknown
// country or one without a region table. country is read by [Country]. The
// slice is the caller's.
func Regions(country string) []RegionInfo {
	c, ok := Country(country)
	if !ok {
		return nil
	}
	list := index().regions[c]
	if list == nil {
		return nil
	}
	return append([]RegionInfo(nil), list...)
}

// RegionName returns the name of a region of a country, read as [Region]
// reads it; ok is false where Region's is.
func RegionName(country, region string) (name string, ok bool) {
	code, ok := Region(country, region)
	if !ok {
		return "", false
	}
	c, _ := Country(country)
	for _, r := range index().regions[c] {
		if r.Code == code {
			return r.Name, true
		}
	}
	return "", false
}

// ParseRegion is [Region] for callers that report bad input. It returns the
// region code, or an *[invalid.FieldError] for the field "country" when the
// country cannot be read, or for the field "region" naming the value when
// the region is empty, the country has no region table, or the table does
// not know it.
func ParseRegion(country, s string) (string, error) {
	c, err := ParseCountry(country)
	if err != nil {
		return "", err
	}
	if code, ok := Region(c, s); ok {
		return code, nil
	}
	var reason string
	switch {
	case strings.TrimSpace(s) == "":
		reason = "empty"
	case index().regionKey[c] == nil:
		reason = "no regions are known for " + c
	default:
		reason = "not a region of " + c + " (an ISO 3166-2 code or a name)"
	}
	return "", invalid.Field("place", "", "region", s, reason)
}
