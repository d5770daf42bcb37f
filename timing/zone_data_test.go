package timing

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers/v2"
	"github.com/nyaruka/phonenumbers/v2/timezone"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/place"
)

// Clocks are compared over this span: rules tzdata already knows, projected.
var (
	zoneClockFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	zoneClockTo   = time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)
)

// zoneTransitions returns from and every instant in [from, to) at which loc's
// offset changes.
func zoneTransitions(loc *time.Location, from, to time.Time) []time.Time {
	out := []time.Time{from}
	for t := from; t.Before(to); {
		_, end := t.In(loc).ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			break
		}
		out = append(out, end)
		t = end
	}
	return out
}

// zoneSameClock reports whether a and b show the same UTC offset at every instant
// in [from, to): offsets are constant between transitions, so comparing at
// every transition of either zone is exact.
func zoneSameClock(t *testing.T, a, b string) bool {
	t.Helper()
	la, err := time.LoadLocation(a)
	require.NoError(t, err)
	lb, err := time.LoadLocation(b)
	require.NoError(t, err)
	for _, at := range append(zoneTransitions(la, zoneClockFrom, zoneClockTo), zoneTransitions(lb, zoneClockFrom, zoneClockTo)...) {
		_, oa := at.In(la).Zone()
		_, ob := at.In(lb).Zone()
		if oa != ob {
			return false
		}
	}
	return true
}

func testZoneResolverInternal(t testing.TB) *ZoneResolver {
	t.Helper()
	r, err := NewZoneResolver()
	require.NoError(t, err)
	return r
}

func TestZoneTabParse(t *testing.T) {
	t.Parallel()
	r := testZoneResolverInternal(t)
	// Read by eye from zonedata/zone1970.tab (tzdb 2025b), in file order.
	require.Equal(t, []string{
		"Australia/Lord_Howe", "Antarctica/Macquarie", "Australia/Hobart", "Australia/Melbourne",
		"Australia/Sydney", "Australia/Broken_Hill", "Australia/Brisbane", "Australia/Lindeman",
		"Australia/Adelaide", "Australia/Darwin", "Australia/Perth", "Australia/Eucla", "Asia/Tokyo",
	}, r.countryZones["AU"])
	require.Equal(t, []string{"Asia/Dubai"}, r.countryZones["OM"], "a country listed second on a shared row")
	require.Len(t, r.countryZones, 247, "every country of iso3166.tab but BV and HM has a zone")
	for c := range r.countryZones {
		_, ok := place.CountryName(c)
		require.True(t, ok, "%s is a country package place knows", c)
	}

	_, err := parseZone1970("AU\t-3352+15113\n")
	require.Error(t, err)
	_, err = parseZone1970("au\t-3352+15113\tAustralia/Sydney\n")
	require.Error(t, err)
	_, err = parseZone1970("# only a comment\n")
	require.Error(t, err)
}

// The region tables and package place's lists are the same regions: every
// region of a table is one place reads by its code and name, and every region
// place knows for a country with a table has a zone.
func TestZoneRegionTablesAgainstZone1970(t *testing.T) {
	t.Parallel()
	r := testZoneResolverInternal(t)
	for _, table := range zoneRegionTables() {
		require.Greater(t, len(r.countryZones[table.country]), 1, "%s needs no table", table.country)
		_, clock := r.countryClock[table.country]
		require.False(t, clock, "%s keeps one clock and needs no table", table.country)
		codes := map[string]bool{}
		for _, row := range table.rows {
			owner := table.country
			if row.territory {
				owner = row.code
			}
			require.Contains(t, r.countryZones[owner], row.zone, "%s-%s", table.country, row.code)
			require.False(t, codes[row.code], "duplicate %s-%s", table.country, row.code)
			codes[row.code] = true
		}
		var placeCodes []string
		for _, reg := range place.Regions(table.country) {
			placeCodes = append(placeCodes, reg.Code)
			for _, alias := range []string{reg.Code, "  " + reg.Code + " ", table.country + "-" + reg.Code, strings.ToUpper(reg.Name), reg.Name} {
				z, ok := r.RegionZone(strings.ToLower(table.country), alias)
				require.True(t, ok, "%s %q", table.country, alias)
				require.Equal(t, r.regionZones[table.country][reg.Code], z, "%s %q", table.country, alias)
			}
		}
		require.ElementsMatch(t, placeCodes, slices.Collect(maps.Keys(codes)), table.country)
	}
}

// Each region's zone is one whose zone1970.tab comment names the region (some
// run of its words is a name package place reads as the region), or the
// country's "rest of the country" zone, or an exception checked by hand.
func TestZoneRegionTablesAgainstComments(t *testing.T) {
	t.Parallel()
	comments := map[string][]string{} // zone → comment words
	for _, line := range strings.Split(zone1970Tab, "\n") {
		if f := strings.Split(line, "\t"); len(f) == 4 && line[0] != '#' {
			comments[f[2]] = strings.FieldsFunc(f[3], func(r rune) bool { return r == ' ' || r == ',' || r == '(' || r == ')' || r == ';' })
		}
	}
	rest := map[string]string{
		"ES": "Europe/Madrid",       // "Spain (mainland)"
		"MX": "America/Mexico_City", // "Central Mexico"
		"NZ": "Pacific/Auckland",    // "New Zealand time"
		"PT": "Europe/Lisbon",       // "Portugal (mainland)"
	}
	exceptions := map[string]bool{
		"AU-ACT": true, "AU-JBT": true, // enclaves in New South Wales
		"ES-GC": true, "ES-TF": true, // the two provinces of the Canary Islands
	}
	names := func(country, zone, code string) bool {
		words := comments[zone]
		for i := range words {
			for j := i + 1; j <= len(words) && j <= i+5; j++ {
				if got, ok := place.Region(country, strings.Join(words[i:j], " ")); ok && got == code {
					return true
				}
			}
		}
		return false
	}
	checked := 0
	for _, table := range zoneRegionTables() {
		if table.country == "US" {
			continue // comments say "Central (most areas)"; see TestZoneUSAndCanadaAgainstPhonePrefixes
		}
		for _, row := range table.rows {
			id := table.country + "-" + row.code
			if names(table.country, row.zone, row.code) || exceptions[id] || rest[table.country] == row.zone {
				checked++
				continue
			}
			t.Errorf("%s → %s: zone1970.tab comment %q does not name it", id, row.zone, comments[row.zone])
		}
	}
	require.Greater(t, checked, 100)
}

// Every entry of the most-populous table is one of its country's zones, and
// every country whose zones keep different clocks has an entry (the rule for
// the rest, the first zone listed, is only for a later tzdata).
func TestZonePopulous(t *testing.T) {
	t.Parallel()
	r := testZoneResolverInternal(t)
	populous := zonePopulous()
	for c, z := range populous {
		require.Contains(t, r.countryZones[c], z, c)
		_, clock := r.countryClock[c]
		require.False(t, clock, "%s keeps one clock and answers alone", c)
	}
	for c, zs := range r.countryZones {
		if _, clock := r.countryClock[c]; len(zs) > 1 && !clock {
			require.Contains(t, populous, c, "%s spans %d zones", c, len(zs))
		}
		require.Contains(t, zs, r.populous[c], c)
	}
	// Checked by hand against each country's census: the capital's or
	// largest city's zone where most people live.
	for c, z := range map[string]string{
		"US": "America/New_York", "CA": "America/Toronto", "AU": "Australia/Sydney", "BR": "America/Sao_Paulo",
		"MX": "America/Mexico_City", "RU": "Europe/Moscow", "ID": "Asia/Jakarta", "CN": "Asia/Shanghai",
		"NZ": "Pacific/Auckland", "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "CL": "America/Santiago",
	} {
		require.Equal(t, z, r.populous[c], c)
	}
}

// The library maps NANP area codes to zones from its own data: the zone of
// each state's and province's largest-city area code must keep the same clock
// as the table's zone.
func TestZoneUSAndCanadaAgainstPhonePrefixes(t *testing.T) {
	t.Parallel()
	r := testZoneResolverInternal(t)
	areaCodes := map[string]string{
		"US-AL": "205", "US-AK": "907", "US-AZ": "602", "US-AR": "501", "US-CA": "213", "US-CO": "303",
		"US-CT": "203", "US-DE": "302", "US-DC": "202", "US-FL": "305", "US-GA": "404", "US-HI": "808",
		"US-ID": "208", "US-IL": "312", "US-IN": "317", "US-IA": "515", "US-KS": "316", "US-KY": "502",
		"US-LA": "504", "US-ME": "207", "US-MD": "410", "US-MA": "617", "US-MI": "313", "US-MN": "612",
		"US-MS": "601", "US-MO": "314", "US-MT": "406", "US-NE": "402", "US-NV": "702", "US-NH": "603",
		"US-NJ": "201", "US-NM": "505", "US-NY": "212", "US-NC": "704", "US-ND": "701", "US-OH": "216",
		"US-OK": "405", "US-OR": "503", "US-PA": "215", "US-RI": "401", "US-SC": "803", "US-SD": "605",
		"US-TN": "615", "US-TX": "214", "US-UT": "801", "US-VT": "802", "US-VA": "804", "US-WA": "206",
		"US-WV": "304", "US-WI": "414", "US-WY": "307", "US-PR": "787", "US-GU": "671", "US-VI": "340",
		"US-AS": "684", "US-MP": "670",
		"CA-ON": "416", "CA-QC": "514", "CA-BC": "604", "CA-AB": "403", "CA-SK": "306", "CA-MB": "204",
		"CA-NB": "506", "CA-NS": "902", "CA-PE": "902", "CA-NL": "709", "CA-YT": "867",
	}
	seen := 0
	for _, country := range []string{"US", "CA"} {
		for _, reg := range r.ZoneRegions(country) {
			ac, ok := areaCodes[country+"-"+reg.Code]
			if !ok {
				require.Contains(t, []string{"CA-NT", "CA-NU"}, country+"-"+reg.Code, "867 is shared by the three territories")
				continue
			}
			seen++
			num, err := phonenumbers.Parse("+1"+ac+"5550100", "")
			require.NoError(t, err)
			zones, err := timezone.GetTimeZonesForGeographicalNumber(num)
			require.NoError(t, err)
			match := slices.ContainsFunc(zones, func(z string) bool { return zoneSameClock(t, z, reg.Zone) })
			require.True(t, match, "%s-%s → %s, but area code %s → %v", country, reg.Code, reg.Zone, ac, zones)
		}
	}
	require.Equal(t, len(areaCodes), seen)
}

func TestZoneCountryClocks(t *testing.T) {
	t.Parallel()
	r := testZoneResolverInternal(t)
	for c, zone := range zoneCountryClocks() {
		zones := r.countryZones[c]
		require.Greater(t, len(zones), 1, c)
		require.Contains(t, zones, zone, c)
		for _, z := range zones {
			require.True(t, zoneSameClock(t, zone, z), "%s: %s and %s keep different clocks", c, zone, z)
		}
	}
	// And the countries left out really are split: Australia's zones differ.
	require.False(t, zoneSameClock(t, "Australia/Sydney", "Australia/Brisbane"))
}

func TestZoneRenames(t *testing.T) {
	t.Parallel()
	for old, cur := range zoneRenames() {
		require.NotEqual(t, old, cur)
		require.True(t, zoneSameClock(t, old, cur), "%s → %s", old, cur)
	}
}

// Every zone name the phone-number data can return loads once renamed, so the
// phone rule never fails for want of a name.
func TestZonePhoneDataNamesLoad(t *testing.T) {
	t.Parallel()
	r := testZoneResolverInternal(t)
	for _, region := range slices.Sorted(maps.Keys(phonenumbers.GetSupportedRegions())) {
		num := phonenumbers.GetExampleNumberForTypeInRegion(region, phonenumbers.FIXED_LINE)
		if num == nil {
			continue
		}
		zones, err := timezone.GetTimeZonesForGeographicalNumber(num)
		require.NoError(t, err)
		for _, z := range zones {
			if z == timezone.Unknown {
				continue
			}
			if cur, ok := r.renames[z]; ok {
				z = cur
			}
			_, err := r.Location(z)
			require.NoError(t, err, "%s example %s", region, phonenumbers.Format(num, phonenumbers.E164))
		}
	}
}
