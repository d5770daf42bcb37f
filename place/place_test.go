package place_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/place"
)

func TestCountry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
	}{
		// Alpha-2, any case and spacing.
		{"AU", "AU"}, {"au", "AU"}, {" US ", "US"}, {"\tnz\n", "NZ"}, {"gb", "GB"},
		// Alpha-3.
		{"USA", "US"}, {"aus", "AU"}, {"GBR", "GB"}, {"CAN", "CA"}, {"NZL", "NZ"}, {"DEU", "DE"},
		{"FRA", "FR"}, {"IRL", "IE"}, {"NLD", "NL"}, {"MEX", "MX"}, {"BRA", "BR"}, {"ESP", "ES"},
		{"PRT", "PT"}, {"JPN", "JP"}, {"IND", "IN"}, {"CHE", "CH"}, {"ZAF", "ZA"}, {"SGP", "SG"},
		// Names and the usual aliases.
		{"United States", "US"}, {"United States of America", "US"}, {"united  states", "US"},
		{"U.S.", "US"}, {"U.S.A.", "US"}, {"US", "US"}, {"America", "US"},
		{"Australia", "AU"}, {"AUSTRALIA", "AU"}, {"New Zealand", "NZ"}, {"Canada", "CA"},
		{"United Kingdom", "GB"}, {"UK", "GB"}, {"u.k.", "GB"}, {"Great Britain", "GB"}, {"Britain", "GB"},
		{"England", "GB"}, {"Scotland", "GB"}, {"Wales", "GB"}, {"Northern Ireland", "GB"},
		{"Germany", "DE"}, {"Deutschland", "DE"}, {"Ireland", "IE"}, {"Republic of Ireland", "IE"},
		{"Netherlands", "NL"}, {"The Netherlands", "NL"}, {"Holland", "NL"},
		{"South Korea", "KR"}, {"Korea (South)", "KR"}, {"North Korea", "KP"},
		{"Czech Republic", "CZ"}, {"Czechia", "CZ"}, {"Turkey", "TR"}, {"Türkiye", "TR"},
		{"Russia", "RU"}, {"Russian Federation", "RU"}, {"Vietnam", "VN"}, {"Viet Nam", "VN"},
		{"UAE", "AE"}, {"United Arab Emirates", "AE"}, {"Ivory Coast", "CI"}, {"Côte d'Ivoire", "CI"},
		{"cote divoire", "CI"}, {"Bosnia and Herzegovina", "BA"}, {"Bosnia & Herzegovina", "BA"},
		{"Saint Lucia", "LC"}, {"St. Lucia", "LC"}, {"St Kitts and Nevis", "KN"},
		{"The Bahamas", "BS"}, {"Gambia", "GM"}, {"México", "MX"}, {"Mexico", "MX"},
		{"Hong Kong", "HK"}, {"Puerto Rico", "PR"}, {"American Samoa", "AS"}, {"Samoa", "WS"},
		{"Åland Islands", "AX"}, {"Aland Islands", "AX"}, {"Réunion", "RE"}, {"Curaçao", "CW"},
		{"Democratic Republic of the Congo", "CD"}, {"Congo", "CG"},
	} {
		got, ok := place.Country(tc.in)
		require.True(t, ok, "%q", tc.in)
		require.Equal(t, tc.want, got, "%q", tc.in)
		got, err := place.ParseCountry(tc.in)
		require.NoError(t, err, "%q", tc.in)
		require.Equal(t, tc.want, got, "%q", tc.in)
	}
}

func TestCountryRefuses(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "   ", "X", "XX", "ZZ", "A1", "Narnia", "the", "United", "States", "AUST", "U", "USAA",
		"Europe", "EU", "Australia/Sydney", "+61", "New South Wales", "Washington",
	} {
		got, ok := place.Country(in)
		require.False(t, ok, "%q → %s", in, got)
		require.Empty(t, got)
		_, err := place.ParseCountry(in)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe, "%q", in)
		require.True(t, errors.Is(err, invalid.ErrInvalid))
		require.Equal(t, "place", fe.Package)
		require.Equal(t, "country", fe.Field)
		require.Equal(t, in, fe.Value)
	}
}

func TestCountryName(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{
		"AU": "Australia", "us": "United States", " nz ": "New Zealand", "GB": "Britain (UK)",
		"UK": "Britain (UK)", "CI": "Côte d'Ivoire", "KR": "Korea (South)",
	} {
		got, ok := place.CountryName(code)
		require.True(t, ok, code)
		require.Equal(t, want, got, code)
	}
	for _, bad := range []string{"", "XX", "USA", "Australia"} {
		_, ok := place.CountryName(bad)
		require.False(t, ok, bad)
	}
}

// Every country of ISO 3166-1 is found by its code, its alpha-3 code and its
// name, and names back the same way.
func TestCountriesRoundTrip(t *testing.T) {
	t.Parallel()
	all := place.Countries()
	require.Len(t, all, 249, "iso3166.tab lists 249 codes")
	require.True(t, slices.IsSortedFunc(all, func(a, b place.CountryInfo) int { return strings.Compare(a.Code, b.Code) }))
	for _, c := range all {
		for _, in := range []string{c.Code, strings.ToLower(c.Code), c.Name, strings.ToUpper(c.Name), " " + c.Name + " "} {
			got, ok := place.Country(in)
			require.True(t, ok, "%q", in)
			require.Equal(t, c.Code, got, "%q", in)
		}
		name, ok := place.CountryName(c.Code)
		require.True(t, ok)
		require.Equal(t, c.Name, name)
	}
	all[0].Code = "changed"
	require.NotEqual(t, "changed", place.Countries()[0].Code, "Countries returns a copy")
}

func TestRegion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		country, in, want string
	}{
		{"AU", "NSW", "NSW"}, {"AU", "nsw", "NSW"}, {"AU", "AU-NSW", "NSW"}, {"au", "au-nsw", "NSW"},
		{"AU", "N.S.W.", "NSW"}, {"AU", "New South Wales", "NSW"}, {"Australia", "new south wales", "NSW"},
		{"AUS", "Western Australia", "WA"}, {"AU", "WA", "WA"}, {"AU", " tas ", "TAS"},
		{"US", "NY", "NY"}, {"US", "ny", "NY"}, {"US", "US-NY", "NY"}, {"USA", "New York", "NY"},
		{"United States", "california", "CA"}, {"US", "WA", "WA"}, {"US", "Washington", "WA"},
		{"US", "Washington, D.C.", "DC"}, {"US", "District of Columbia", "DC"}, {"U.S.", "Puerto Rico", "PR"},
		{"US", "Virgin Islands", "VI"},
		{"CA", "ON", "ON"}, {"Canada", "Ontario", "ON"}, {"CA", "Québec", "QC"}, {"CA", "quebec", "QC"},
		{"CA", "PQ", "QC"}, {"CA", "Newfoundland & Labrador", "NL"}, {"CA", "NT", "NT"}, {"CA", "PEI", "PE"},
		{"NZ", "Auckland", "AUK"}, {"NZ", "Hawke’s Bay", "HKB"}, {"NZ", "Manawatu-Whanganui", "MWT"},
		{"NZ", "NZ-CIT", "CIT"}, {"New Zealand", "Chatham Islands", "CIT"},
		{"ES", "Canarias", "CN"}, {"Spain", "Catalunya", "CT"}, {"PT", "Açores", "20"}, {"PT", "PT-11", "11"},
		{"BR", "São Paulo", "SP"}, {"Brazil", "sao paulo", "SP"}, {"MX", "CDMX", "CMX"}, {"MX", "Yucatan", "YUC"},
		{"DE", "Bayern", "BY"}, {"Germany", "Bavaria", "BY"}, {"DE", "NRW", "NW"}, {"DE", "DE-BE", "BE"},
		{"UK", "Scotland", "SCT"}, {"GB", "GB-WLS", "WLS"}, {"United Kingdom", "Cymru", "WLS"},
	} {
		got, ok := place.Region(tc.country, tc.in)
		require.True(t, ok, "%s %q", tc.country, tc.in)
		require.Equal(t, tc.want, got, "%s %q", tc.country, tc.in)
		got, err := place.ParseRegion(tc.country, tc.in)
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
	}
}

func TestRegionRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		country, in, field, reason string
	}{
		{"AU", "", "region", "empty"},
		{"AU", "Narnia", "region", "not a region of AU"},
		{"AU", "US-NSW", "region", "not a region of AU"}, // another country's prefix
		{"AU", "NY", "region", "not a region of AU"},
		{"US", "NSW", "region", "not a region of US"},
		{"US", "Ontario", "region", "not a region of US"},
		{"FR", "Bretagne", "region", "no regions are known for FR"},
		{"", "NSW", "country", "empty"},
		{"Narnia", "NSW", "country", "not an ISO 3166-1"},
	} {
		got, ok := place.Region(tc.country, tc.in)
		require.False(t, ok, "%s %q → %s", tc.country, tc.in, got)
		_, err := place.ParseRegion(tc.country, tc.in)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe)
		require.ErrorIs(t, err, invalid.ErrInvalid)
		require.Equal(t, tc.field, fe.Field)
		if tc.field == "region" {
			require.Equal(t, tc.in, fe.Value)
		} else {
			require.Equal(t, tc.country, fe.Value)
		}
		require.Contains(t, fe.Reason, tc.reason)
	}
}

func TestRegions(t *testing.T) {
	t.Parallel()
	// Fifty states and DC, and the five inhabited territories.
	require.Len(t, place.Regions("US"), 56)
	require.Len(t, place.Regions("CA"), 13)
	require.Len(t, place.Regions("Australia"), 9)
	require.Len(t, place.Regions("DE"), 16)
	require.Len(t, place.Regions("MX"), 32)
	require.Len(t, place.Regions("BR"), 27)
	require.Nil(t, place.Regions("FR"))
	require.Nil(t, place.Regions("XX"))
	for _, c := range []string{"AU", "US", "CA", "NZ", "ES", "PT", "BR", "MX", "DE", "GB"} {
		regs := place.Regions(c)
		require.NotEmpty(t, regs, c)
		require.True(t, slices.IsSortedFunc(regs, func(a, b place.RegionInfo) int { return strings.Compare(a.Code, b.Code) }), c)
		for _, r := range regs {
			// Every region is found by its code, prefixed code and name, and
			// names back.
			for _, in := range []string{r.Code, strings.ToLower(r.Code), c + "-" + r.Code, r.Name, strings.ToUpper(r.Name)} {
				got, ok := place.Region(c, in)
				require.True(t, ok, "%s %q", c, in)
				require.Equal(t, r.Code, got, "%s %q", c, in)
			}
			name, ok := place.RegionName(c, r.Code)
			require.True(t, ok)
			require.Equal(t, r.Name, name)
		}
	}
	regs := place.Regions("AU")
	regs[0].Name = "changed"
	require.NotEqual(t, "changed", place.Regions("AU")[0].Name, "Regions returns a copy")
}
