package place

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBuild(t *testing.T) {
	t.Parallel()
	tb, err := build()
	require.NoError(t, err)
	require.Len(t, tb.names, 249)
	// Every country has an alpha-3 code, and each is used once.
	seen := map[string]string{}
	for a3, code := range alpha3() {
		require.Contains(t, tb.names, code, a3)
		require.NotContains(t, seen, code, "%s and %s both name %s", a3, seen[code], code)
		seen[code] = a3
	}
	require.Len(t, seen, len(tb.names))
}

// An alias that folds to the code's own name, or to another key of the same
// code, is dead weight: the table keeps only those that add a spelling.
func TestCountryAliasesAddSomething(t *testing.T) {
	t.Parallel()
	names, err := parseISO3166(iso3166Tab)
	require.NoError(t, err)
	for alias, code := range countryAliases() {
		if k := foldCountry(alias); k == foldCountry(names[code]) || k == foldCountry(code) {
			t.Errorf("%q is %s's own name or code", alias, code)
		}
	}
}

func TestParseISO3166(t *testing.T) {
	t.Parallel()
	_, err := parseISO3166("AUS\tAustralia\n")
	require.Error(t, err)
	_, err = parseISO3166("AU\n")
	require.Error(t, err)
	_, err = parseISO3166("# only a comment\n")
	require.Error(t, err)
	got, err := parseISO3166("# c\nAU\tAustralia\nNZ\tNew Zealand\n")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"AU": "Australia", "NZ": "New Zealand"}, got)
}

// A table that says one thing two ways is refused.
func TestRegionTableConflicts(t *testing.T) {
	t.Parallel()
	tb, err := build()
	require.NoError(t, err)
	delete(tb.regionKey, "AU")
	err = tb.addRegions(regionTable{country: "AU", rows: []regionRow{{code: "WA", name: "Western Australia"}, {code: "NT", name: "Northern Territory", aliases: []string{"w.a."}}}})
	require.ErrorContains(t, err, "means both")
	err = tb.addRegions(regionTable{country: "XX", rows: []regionRow{{code: "A", name: "A"}}})
	require.ErrorContains(t, err, "not in iso3166.tab")
	err = tb.addRegions(regionTable{country: "US", rows: []regionRow{{code: "NY", name: "New York"}}})
	require.ErrorContains(t, err, "two region tables")
	delete(tb.regionKey, "FR")
	err = tb.addRegions(regionTable{country: "FR", rows: []regionRow{{code: "FR-IDF", name: "Île-de-France"}}})
	require.ErrorContains(t, err, "region code")
}

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"NSW": "nsw", " n.s.w. ": "nsw", "New  South\tWales": "new south wales", "Québec": "quebec",
		"Newfoundland & Labrador": "newfoundland and labrador", "Hawke’s Bay": "hawkes bay",
		"Manawatū-Whanganui": "manawatu whanganui", "Washington, D.C.": "washington dc", "": "", " - ": "",
		"& co": "co",
	} {
		require.Equal(t, want, fold(in), "%q", in)
	}
	for in, want := range map[string]string{
		"The Netherlands": "netherlands", "Saint Kitts & Nevis": "st kitts and nevis", "the": "the",
		"Saintes": "saintes", "Côte d'Ivoire": "cote divoire",
	} {
		require.Equal(t, want, foldCountry(in), "%q", in)
	}
}
