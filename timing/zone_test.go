package timing_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/place"
	"github.com/outbound-go/outbound/timing"
)

// Numbers used throughout. Their kinds were checked against the national
// numbering plans: 02 is the NSW/ACT landline area code and 08 covers WA, SA
// and NT; 04xx are Australian mobiles; 1800 is Australian toll-free, 1300
// shared-cost; 020 is London; 03 305 is the Chatham Islands exchange; every
// +1 number is fixed-line-or-mobile, and the phone data gives 212 (Manhattan)
// New York's zone, 213 (downtown Los Angeles) Los Angeles', 512 (Austin)
// Chicago's, and 208 (Idaho) both Boise's and Los Angeles'.
const (
	sydneyLandline   = "+61 2 9374 4000"
	sydneyNational   = "(02) 9374 4000"
	perthLandline    = "+61 8 9222 1234"
	auMobile         = "+61 412 345 678"
	auMobileNational = "0412 345 678"
	auTollFree       = "1800 123 456"
	auSharedCost     = "1300 123 456"
	londonLandline   = "+44 20 7946 0958"
	chathamLandline  = "+64 3 305 0000"
	austinNumber     = "+1 512 463 4630"
	manhattanNumber  = "+1 212 555 0123"
	losAngelesNumber = "+1 213 555 0123"
	idahoNumber      = "+1 208 555 0123"
	torontoNumber    = "+1 416 555 0123"
)

func testZoneResolver(t testing.TB) *timing.ZoneResolver {
	t.Helper()
	r, err := timing.NewZoneResolver()
	require.NoError(t, err)
	return r
}

func TestZoneSourceStrings(t *testing.T) {
	t.Parallel()
	// These strings are stored; they must never change.
	require.Equal(t, []timing.ZoneSource{"explicit", "phone", "phone_area_code", "region", "country", "client_default", "country_default"}, timing.ZoneSources())
	for _, s := range timing.ZoneSources() {
		require.True(t, s.Valid(), s)
		require.Equal(t, string(s), s.String())
	}
	require.False(t, timing.ZoneSource("default").Valid())
	require.False(t, timing.ZoneSource("").Valid())
}

func TestResolve(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)
	for _, tc := range []struct {
		name   string
		q      timing.ZoneQuery
		zone   string
		source timing.ZoneSource
	}{
		// 1. Explicit zone wins over everything else.
		{"explicit beats phone, region and default", timing.ZoneQuery{Zone: "Australia/Perth", Phone: sydneyLandline, Country: "AU", Region: "NSW", Default: "UTC"}, "Australia/Perth", timing.ZoneSourceExplicit},
		{"explicit any case", timing.ZoneQuery{Zone: "australia/PERTH"}, "Australia/Perth", timing.ZoneSourceExplicit},
		{"explicit spaces for underscores", timing.ZoneQuery{Zone: " America/New York "}, "America/New_York", timing.ZoneSourceExplicit},
		{"explicit renamed spelling", timing.ZoneQuery{Zone: "Asia/Calcutta"}, "Asia/Kolkata", timing.ZoneSourceExplicit},
		{"explicit backward link kept", timing.ZoneQuery{Zone: "Europe/Oslo"}, "Europe/Oslo", timing.ZoneSourceExplicit},
		{"explicit UTC", timing.ZoneQuery{Zone: "UTC"}, "UTC", timing.ZoneSourceExplicit},

		// 2. A fixed-line number that maps to one zone.
		{"landline international", timing.ZoneQuery{Phone: sydneyLandline}, "Australia/Sydney", timing.ZoneSourcePhone},
		{"landline national with country", timing.ZoneQuery{Phone: sydneyNational, Country: "au"}, "Australia/Sydney", timing.ZoneSourcePhone},
		{"landline beats region", timing.ZoneQuery{Phone: sydneyLandline, Country: "AU", Region: "WA"}, "Australia/Sydney", timing.ZoneSourcePhone},
		{"landline of another country never used", timing.ZoneQuery{Phone: londonLandline, Country: "AU", Region: "WA"}, "Australia/Perth", timing.ZoneSourceRegion},
		{"landline of another country, no region", timing.ZoneQuery{Phone: londonLandline, Country: "FR"}, "Europe/Paris", timing.ZoneSourceCountry},
		{"landline gives the country", timing.ZoneQuery{Phone: londonLandline, Default: "Australia/Sydney"}, "Europe/London", timing.ZoneSourcePhone},
		{"landline on an island", timing.ZoneQuery{Phone: chathamLandline, Country: "NZ"}, "Pacific/Chatham", timing.ZoneSourcePhone},
		{"landline with two zones falls to region", timing.ZoneQuery{Phone: perthLandline, Country: "AU", Region: "WA"}, "Australia/Perth", timing.ZoneSourceRegion},
		{"region beats a two-zone landline", timing.ZoneQuery{Phone: perthLandline, Country: "AU", Region: "Northern Territory"}, "Australia/Darwin", timing.ZoneSourceRegion},
		{"mobile never used: region", timing.ZoneQuery{Phone: auMobile, Country: "AU", Region: "WA"}, "Australia/Perth", timing.ZoneSourceRegion},
		{"mobile national never used", timing.ZoneQuery{Phone: auMobileNational, Country: "AU", Region: "Western Australia"}, "Australia/Perth", timing.ZoneSourceRegion},
		{"mobile never used: default", timing.ZoneQuery{Phone: auMobile, Country: "AU", Default: "Australia/Brisbane"}, "Australia/Brisbane", timing.ZoneSourceDefault},
		{"AU mobile and a state name", timing.ZoneQuery{Phone: auMobile, Country: "AU", Region: "New South Wales"}, "Australia/Sydney", timing.ZoneSourceRegion},
		{"AU mobile and a state name, country by name", timing.ZoneQuery{Phone: auMobileNational, Country: "Australia", Region: "new south wales", Default: "Australia/Perth"}, "Australia/Sydney", timing.ZoneSourceRegion},
		{"toll-free never used", timing.ZoneQuery{Phone: auTollFree, Country: "AU", Region: "QLD"}, "Australia/Brisbane", timing.ZoneSourceRegion},
		{"shared-cost never used", timing.ZoneQuery{Phone: auSharedCost, Country: "AU", Region: "SA"}, "Australia/Adelaide", timing.ZoneSourceRegion},
		// 2a. A NANP number by its area code.
		{"NY number, no state", timing.ZoneQuery{Phone: manhattanNumber, Country: "US"}, "America/New_York", timing.ZoneSourcePhoneAreaCode},
		{"NY number, no country", timing.ZoneQuery{Phone: manhattanNumber, Default: "Australia/Sydney"}, "America/New_York", timing.ZoneSourcePhoneAreaCode},
		{"LA number", timing.ZoneQuery{Phone: losAngelesNumber, Country: "US", Default: "America/New_York"}, "America/Los_Angeles", timing.ZoneSourcePhoneAreaCode},
		{"LA number national", timing.ZoneQuery{Phone: "(213) 555-0123", Country: "usa"}, "America/Los_Angeles", timing.ZoneSourcePhoneAreaCode},
		{"area code beats region", timing.ZoneQuery{Phone: austinNumber, Country: "US", Region: "NY"}, "America/Chicago", timing.ZoneSourcePhoneAreaCode},
		{"Canadian area code", timing.ZoneQuery{Phone: torontoNumber, Country: "Canada"}, "America/Toronto", timing.ZoneSourcePhoneAreaCode},
		{"area code of another country never used", timing.ZoneQuery{Phone: torontoNumber, Country: "US", Region: "CA"}, "America/Los_Angeles", timing.ZoneSourceRegion},
		{"two-zone area code: region", timing.ZoneQuery{Phone: idahoNumber, Country: "US", Region: "Idaho"}, "America/Boise", timing.ZoneSourceRegion},
		{"two-zone area code: country default", timing.ZoneQuery{Phone: idahoNumber, Country: "US"}, "America/New_York", timing.ZoneSourceCountryDefault},
		{"unparsable phone ignored", timing.ZoneQuery{Phone: "call reception", Country: "FR"}, "Europe/Paris", timing.ZoneSourceCountry},
		{"national number without country ignored", timing.ZoneQuery{Phone: sydneyNational, Default: "Europe/Paris"}, "Europe/Paris", timing.ZoneSourceDefault},

		// 3. Country and region.
		{"single-zone country", timing.ZoneQuery{Country: "FR"}, "Europe/Paris", timing.ZoneSourceCountry},
		{"country any case and spaces", timing.ZoneQuery{Country: " jp "}, "Asia/Tokyo", timing.ZoneSourceCountry},
		{"country by name", timing.ZoneQuery{Country: "Japan"}, "Asia/Tokyo", timing.ZoneSourceCountry},
		{"country by alpha-3 and state name", timing.ZoneQuery{Country: "USA", Region: "Texas"}, "America/Chicago", timing.ZoneSourceRegion},
		{"country and region by name", timing.ZoneQuery{Country: "United States of America", Region: "new york"}, "America/New_York", timing.ZoneSourceRegion},
		{"UK read as GB", timing.ZoneQuery{Country: "UK"}, "Europe/London", timing.ZoneSourceCountry},
		{"single-zone country ignores region", timing.ZoneQuery{Country: "FR", Region: "Bretagne"}, "Europe/Paris", timing.ZoneSourceCountry},
		{"country on a shared zone1970 row", timing.ZoneQuery{Country: "OM"}, "Asia/Dubai", timing.ZoneSourceCountry},
		{"several zones, one clock: DE", timing.ZoneQuery{Country: "DE"}, "Europe/Berlin", timing.ZoneSourceCountry},
		{"several zones, one clock: AR", timing.ZoneQuery{Country: "AR", Region: "Mendoza"}, "America/Argentina/Buenos_Aires", timing.ZoneSourceCountry},
		{"AU state code", timing.ZoneQuery{Country: "AU", Region: "QLD"}, "Australia/Brisbane", timing.ZoneSourceRegion},
		{"AU state ISO 3166-2", timing.ZoneQuery{Country: "AU", Region: "AU-TAS"}, "Australia/Hobart", timing.ZoneSourceRegion},
		{"US state code", timing.ZoneQuery{Country: "US", Region: "TX"}, "America/Chicago", timing.ZoneSourceRegion},
		{"US state name", timing.ZoneQuery{Country: "us", Region: "texas"}, "America/Chicago", timing.ZoneSourceRegion},
		{"US WA is Washington", timing.ZoneQuery{Country: "US", Region: "WA"}, "America/Los_Angeles", timing.ZoneSourceRegion},
		{"US territory", timing.ZoneQuery{Country: "US", Region: "PR"}, "America/Puerto_Rico", timing.ZoneSourceRegion},
		{"CA province accented", timing.ZoneQuery{Country: "CA", Region: "Québec"}, "America/Toronto", timing.ZoneSourceRegion},
		{"CA NT is Northwest Territories", timing.ZoneQuery{Country: "CA", Region: "NT"}, "America/Edmonton", timing.ZoneSourceRegion},
		{"NZ Chatham by region", timing.ZoneQuery{Country: "NZ", Region: "Chatham Islands"}, "Pacific/Chatham", timing.ZoneSourceRegion},
		{"ES Canaries by region", timing.ZoneQuery{Country: "ES", Region: "Canarias"}, "Atlantic/Canary", timing.ZoneSourceRegion},
		{"BR state", timing.ZoneQuery{Country: "BR", Region: "Amazonas"}, "America/Manaus", timing.ZoneSourceRegion},
		{"MX state", timing.ZoneQuery{Country: "MX", Region: "Quintana Roo"}, "America/Cancun", timing.ZoneSourceRegion},

		// 4. Client default in the country, else the country's most populous zone.
		{"multi-zone country without region", timing.ZoneQuery{Country: "AU", Default: "Australia/Sydney"}, "Australia/Sydney", timing.ZoneSourceDefault},
		{"US lead, default in the US", timing.ZoneQuery{Country: "US", Default: "America/Chicago"}, "America/Chicago", timing.ZoneSourceDefault},
		{"US lead, default in Australia", timing.ZoneQuery{Country: "US", Default: "Australia/Sydney"}, "America/New_York", timing.ZoneSourceCountryDefault},
		{"US lead, no default", timing.ZoneQuery{Country: "US"}, "America/New_York", timing.ZoneSourceCountryDefault},
		{"AU lead, default in the US", timing.ZoneQuery{Country: "AU", Phone: auMobile, Default: "America/Chicago"}, "Australia/Sydney", timing.ZoneSourceCountryDefault},
		{"AU mobile alone gives the country", timing.ZoneQuery{Phone: auMobile, Default: "America/Chicago"}, "Australia/Sydney", timing.ZoneSourceCountryDefault},
		{"default of a US territory", timing.ZoneQuery{Country: "US", Default: "America/Puerto_Rico"}, "America/Puerto_Rico", timing.ZoneSourceDefault},
		{"default by an old name", timing.ZoneQuery{Country: "US", Default: "America/Indianapolis"}, "America/Indiana/Indianapolis", timing.ZoneSourceDefault},
		{"multi-zone country, unknown region", timing.ZoneQuery{Country: "US", Region: "Ontario", Default: "America/Toronto"}, "America/New_York", timing.ZoneSourceCountryDefault},
		{"multi-zone country without table", timing.ZoneQuery{Country: "RU", Region: "Moscow", Default: "Europe/Moscow"}, "Europe/Moscow", timing.ZoneSourceDefault},
		{"multi-zone country without table, default abroad", timing.ZoneQuery{Country: "Russia", Default: "Europe/Berlin"}, "Europe/Moscow", timing.ZoneSourceCountryDefault},
		{"CA lead", timing.ZoneQuery{Country: "CA", Default: "Europe/London"}, "America/Toronto", timing.ZoneSourceCountryDefault},
		{"BR lead", timing.ZoneQuery{Country: "Brazil"}, "America/Sao_Paulo", timing.ZoneSourceCountryDefault},
		{"MX lead", timing.ZoneQuery{Country: "MX"}, "America/Mexico_City", timing.ZoneSourceCountryDefault},
		{"ID lead", timing.ZoneQuery{Country: "ID"}, "Asia/Jakarta", timing.ZoneSourceCountryDefault},

		// 5. Client default for a lead of no known country.
		{"unknown country falls through", timing.ZoneQuery{Country: "XX", Default: "Asia/Singapore"}, "Asia/Singapore", timing.ZoneSourceDefault},
		{"country without a zone falls through", timing.ZoneQuery{Country: "BV", Default: "Europe/Oslo"}, "Europe/Oslo", timing.ZoneSourceDefault},
		{"nothing but a default", timing.ZoneQuery{Default: "asia/tokyo"}, "Asia/Tokyo", timing.ZoneSourceDefault},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := r.Resolve(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.zone, res.Name)
			require.Equal(t, tc.source, res.Source)
			require.Equal(t, tc.zone, res.Location.String())
		})
	}
}

func TestResolveErrors(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)
	for _, tc := range []struct {
		name  string
		q     timing.ZoneQuery
		field string
		value string
		is    []error
		isNot []error
	}{
		{"bad explicit zone is not skipped", timing.ZoneQuery{Zone: "Mars/Base", Country: "FR", Default: "UTC"}, "zone", "Mars/Base", []error{timing.ErrUnknownZone}, []error{timing.ErrNoZone}},
		{"explicit Local refused", timing.ZoneQuery{Zone: "Local"}, "zone", "Local", []error{timing.ErrUnknownZone}, nil},
		{"explicit path refused", timing.ZoneQuery{Zone: "../../etc/passwd"}, "zone", "../../etc/passwd", []error{timing.ErrUnknownZone}, nil},
		{"bad default fails even when unneeded", timing.ZoneQuery{Zone: "Europe/Paris", Default: "Nowhere/Land"}, "default", "Nowhere/Land", []error{timing.ErrUnknownZone}, nil},
		{"empty query", timing.ZoneQuery{}, "country", "", []error{timing.ErrNoZone}, []error{timing.ErrUnknownCountry, timing.ErrAmbiguousCountry}},
		{"unknown country as last resort", timing.ZoneQuery{Country: "XX"}, "country", "XX", []error{timing.ErrNoZone, timing.ErrUnknownCountry}, nil},
		{"unknown country name", timing.ZoneQuery{Country: "Narnia", Region: "TX"}, "country", "Narnia", []error{timing.ErrNoZone, timing.ErrUnknownCountry}, nil},
		{"country without a zone", timing.ZoneQuery{Country: "HM"}, "country", "HM", []error{timing.ErrNoZone}, []error{timing.ErrUnknownCountry}},
		{"national number without country", timing.ZoneQuery{Phone: sydneyNational}, "country", "", []error{timing.ErrNoZone}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := r.Resolve(tc.q)
			require.Error(t, err)
			require.Equal(t, timing.ZoneResult{}, res)
			var ze *timing.ZoneError
			require.ErrorAs(t, err, &ze)
			require.Equal(t, tc.field, ze.Field)
			require.Equal(t, tc.value, ze.Value)
			for _, target := range tc.is {
				require.ErrorIs(t, err, target)
			}
			for _, target := range tc.isNot {
				require.NotErrorIs(t, err, target)
			}
			require.Contains(t, err.Error(), fmt.Sprintf("%s %q", tc.field, tc.value))
		})
	}
}

func TestResolveRegionTables(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)
	// Written from the brief and the tzdata comments, not from the
	// tables: every state and territory, by code and by full name.
	want := map[string]map[string]string{
		"AU": {
			"NSW": "Australia/Sydney", "New South Wales": "Australia/Sydney",
			"VIC": "Australia/Melbourne", "Victoria": "Australia/Melbourne",
			"QLD": "Australia/Brisbane", "Queensland": "Australia/Brisbane",
			"SA": "Australia/Adelaide", "South Australia": "Australia/Adelaide",
			"WA": "Australia/Perth", "Western Australia": "Australia/Perth",
			"TAS": "Australia/Hobart", "Tasmania": "Australia/Hobart",
			"NT": "Australia/Darwin", "Northern Territory": "Australia/Darwin",
			"ACT": "Australia/Sydney", "Australian Capital Territory": "Australia/Sydney",
		},
		"US": {
			"IN": "America/Indiana/Indianapolis", "TX": "America/Chicago", "FL": "America/New_York",
			"KY": "America/New_York", "TN": "America/Chicago", "ID": "America/Boise",
			"OR": "America/Los_Angeles", "ND": "America/Chicago", "SD": "America/Chicago",
			"NE": "America/Chicago", "KS": "America/Chicago", "AZ": "America/Phoenix",
			"HI": "Pacific/Honolulu", "AK": "America/Anchorage", "MI": "America/Detroit",
			"NY": "America/New_York", "CA": "America/Los_Angeles", "CO": "America/Denver",
			"IL": "America/Chicago", "DC": "America/New_York", "Washington, D.C.": "America/New_York",
		},
		"CA": {
			"ON": "America/Toronto", "QC": "America/Toronto", "BC": "America/Vancouver",
			"AB": "America/Edmonton", "SK": "America/Regina", "MB": "America/Winnipeg",
			"NB": "America/Moncton", "NS": "America/Halifax", "PE": "America/Halifax",
			"NL": "America/St_Johns", "YT": "America/Whitehorse", "NT": "America/Edmonton",
			"NU": "America/Iqaluit", "Prince Edward Island": "America/Halifax",
			"Newfoundland & Labrador": "America/St_Johns",
		},
	}
	for country, regions := range want {
		for region, zone := range regions {
			res, err := r.Resolve(timing.ZoneQuery{Country: country, Region: region})
			require.NoError(t, err, "%s %s", country, region)
			require.Equal(t, zone, res.Name, "%s %s", country, region)
			require.Equal(t, timing.ZoneSourceRegion, res.Source)
		}
	}
	// Fifty states and DC, and the five inhabited territories.
	require.Len(t, r.ZoneRegions("US"), 56)
	require.Len(t, r.ZoneRegions("CA"), 13)
	require.Len(t, r.ZoneRegions("AU"), 9)
}

func TestZoneResolverLookups(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)

	zs := r.CountryZones("nz")
	require.Equal(t, []string{"Pacific/Auckland", "Pacific/Chatham"}, zs)
	zs[0] = "changed"
	require.Equal(t, "Pacific/Auckland", r.CountryZones("NZ")[0], "CountryZones returns a copy")
	require.Nil(t, r.CountryZones("XX"))

	z, ok := r.CountryZone("fr")
	require.True(t, ok)
	require.Equal(t, "Europe/Paris", z)
	z, ok = r.CountryZone("DE")
	require.True(t, ok)
	require.Equal(t, "Europe/Berlin", z)
	_, ok = r.CountryZone("AU")
	require.False(t, ok)
	_, ok = r.CountryZone("XX")
	require.False(t, ok)

	z, ok = r.RegionZone("au", "wa")
	require.True(t, ok)
	require.Equal(t, "Australia/Perth", z)
	_, ok = r.RegionZone("FR", "Bretagne")
	require.False(t, ok, "no table for a single-zone country")
	_, ok = r.RegionZone("AU", "")
	require.False(t, ok)

	regs := r.ZoneRegions("AU")
	require.True(t, slices.IsSortedFunc(regs, func(a, b timing.ZoneRegion) int {
		if a.Code < b.Code {
			return -1
		}
		return 1
	}))
	require.Contains(t, regs, timing.ZoneRegion{Code: "WA", Name: "Western Australia", Zone: "Australia/Perth"})
	regs[0].Zone = "changed"
	require.NotEqual(t, "changed", r.ZoneRegions("AU")[0].Zone, "ZoneRegions returns a copy")
	require.Nil(t, r.ZoneRegions("FR"))

	name, ok := r.CountryName("au")
	require.True(t, ok)
	require.Equal(t, "Australia", name)
	_, ok = r.CountryName("XX")
	require.False(t, ok)

	loc, err := r.Location("Australia/Perth")
	require.NoError(t, err)
	again, err := r.Location("Australia/Perth")
	require.NoError(t, err)
	require.Same(t, loc, again, "locations are cached")
	for _, bad := range []string{"", "Local", "Mars/Base"} {
		_, err = r.Location(bad)
		require.ErrorIs(t, err, timing.ErrUnknownZone, bad)
	}
}

// zoneTestCountries returns every two-letter code the resolver knows a name for.
func zoneTestCountries(r *timing.ZoneResolver) []string {
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if c := string([]rune{a, b}); c == "UK" {
				continue // an alias of GB
			}
			if _, ok := r.CountryName(string([]rune{a, b})); ok {
				out = append(out, string([]rune{a, b}))
			}
		}
	}
	return out
}

func TestZone1970Properties(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)
	countries := zoneTestCountries(r)
	require.Len(t, countries, 249)
	single, clocks, multi, none := 0, 0, 0, 0
	for _, c := range countries {
		zones := r.CountryZones(c)
		// Every zone of zone1970.tab loads.
		for _, z := range zones {
			loc, err := time.LoadLocation(z)
			require.NoError(t, err, "%s %s", c, z)
			require.Equal(t, z, loc.String())
		}
		name, ok := r.CountryName(c)
		require.True(t, ok)
		res, err := r.Resolve(timing.ZoneQuery{Country: c})
		switch {
		case len(zones) == 0:
			none++
			require.ErrorIs(t, err, timing.ErrNoZone, c)
		case len(zones) == 1:
			// Every single-zone country resolves from the country alone.
			single++
			require.NoError(t, err, c)
			require.Equal(t, timing.ZoneResult{Location: res.Location, Name: zones[0], Source: timing.ZoneSourceCountry}, res)
		case res.Source == timing.ZoneSourceCountry:
			clocks++
			require.NoError(t, err, c)
			require.Contains(t, zones, res.Name)
		default:
			// A multi-clock country alone gives its most populous zone; with
			// a region of its table, the region's.
			multi++
			require.NoError(t, err, c)
			require.Equal(t, timing.ZoneSourceCountryDefault, res.Source, c)
			require.Contains(t, zones, res.Name, c)
			for _, reg := range r.ZoneRegions(c) {
				res, err := r.Resolve(timing.ZoneQuery{Country: c, Region: reg.Code})
				require.NoError(t, err)
				require.Equal(t, timing.ZoneSourceRegion, res.Source)
				require.Equal(t, reg.Zone, res.Name)
			}
		}
		// The country's name gives the same answer as its code.
		byName, err2 := r.Resolve(timing.ZoneQuery{Country: name})
		require.Equal(t, res, byName, "%s %q", c, name)
		require.Equal(t, err == nil, err2 == nil)
	}
	require.Equal(t, 214, single)
	require.Equal(t, 9, clocks)
	require.Equal(t, 249-214-9-2, multi)
	require.Equal(t, 2, none)
}

// countryZoneSet is every zone a lead of country may get: the country's
// zone1970.tab zones and the zones of the territories in its region table.
func countryZoneSet(r *timing.ZoneResolver, country string) []string {
	out := r.CountryZones(country)
	for _, reg := range r.ZoneRegions(country) {
		out = append(out, reg.Zone)
	}
	return out
}

// Random queries built from realistic and broken parts: whatever answers, the
// answer is consistent with the rule its source names, and a lead whose
// country is known gets one of that country's zones.
func TestResolveRandomQueries(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)
	rng := rand.New(rand.NewPCG(1, 2))
	countries := append(zoneTestCountries(r), "", "", "XX", "usa", "uk", " au ", "United States", "Australia",
		"Canada", "Brazil", "Narnia", "Great Britain", "New Zealand")
	phones := []string{"", sydneyLandline, sydneyNational, perthLandline, auMobile, auMobileNational, auTollFree,
		auSharedCost, londonLandline, chathamLandline, austinNumber, manhattanNumber, losAngelesNumber, idahoNumber,
		torontoNumber, "(212) 555-0123", "+1 800 555 0123", "+33 1 42 68 53 00", "+49 30 123456",
		"+91 11 2345 6789", "+7 495 123 4567", "+55 11 3333 4444", "12", "not a number", "+999 1234"}
	zones := []string{"", "", "", "Australia/Perth", "Asia/Calcutta", "europe/london", "Mars/Base"}
	defaults := []string{"", "", "America/Chicago", "Pacific/Auckland", "Australia/Sydney", "Europe/Berlin"}
	var regionPool []string
	for _, c := range []string{"AU", "US", "CA", "NZ", "ES", "PT", "BR", "MX"} {
		for _, reg := range r.ZoneRegions(c) {
			regionPool = append(regionPool, reg.Code, reg.Name)
		}
	}
	regionPool = append(regionPool, "", "", "", "Narnia", "WA", "nsw", "New South Wales", "new york")
	pick := func(s []string) string { return s[rng.IntN(len(s))] }

	for range 5000 {
		q := timing.ZoneQuery{Zone: pick(zones), Phone: pick(phones), Country: pick(countries), Region: pick(regionPool), Default: pick(defaults)}
		res, err := r.Resolve(q)
		again, err2 := r.Resolve(q)
		require.Equal(t, res, again, "deterministic: %+v", q)
		require.Equal(t, err, err2)
		if err != nil {
			var ze *timing.ZoneError
			require.ErrorAs(t, err, &ze, "%+v", q)
			require.NotErrorIs(t, err, timing.ErrAmbiguousCountry, "%+v", q)
			if q.Zone != "Mars/Base" {
				require.ErrorIs(t, err, timing.ErrNoZone, "%+v", q)
				require.Empty(t, q.Default, "a valid default always answers: %+v", q)
			}
			continue
		}
		require.Equal(t, res.Name, res.Location.String())

		// The lead's country: as given, else the phone's.
		country, known := place.Country(q.Country)
		p, perr := phone.Parse(q.Phone, country)
		if !known && perr == nil && len(p.Country) == 2 {
			country, known = p.Country, true
		}
		inCountry := slices.Contains(countryZoneSet(r, country), res.Name)
		if known && len(r.CountryZones(country)) > 0 && res.Source != timing.ZoneSourceExplicit {
			require.True(t, inCountry, "a %s lead got %s (%s): %+v", country, res.Name, res.Source, q)
		}
		switch res.Source {
		case timing.ZoneSourceExplicit:
			require.NotEmpty(t, q.Zone)
		case timing.ZoneSourcePhone:
			require.Empty(t, q.Zone)
			require.NoError(t, perr, "%+v", q)
			require.Equal(t, phone.FixedLine, p.Type, "%+v", q)
			z, ok := r.PhoneZone(p.E164)
			require.True(t, ok)
			require.Equal(t, z, res.Name)
		case timing.ZoneSourcePhoneAreaCode:
			require.Empty(t, q.Zone)
			require.NoError(t, perr, "%+v", q)
			require.True(t, strings.HasPrefix(p.E164, "+1"), "%+v", q)
			z, ok := r.PhoneZone(p.E164)
			require.True(t, ok)
			require.Equal(t, z, res.Name)
		case timing.ZoneSourceRegion:
			require.Empty(t, q.Zone)
			z, ok := r.RegionZone(country, q.Region)
			require.True(t, ok)
			require.Equal(t, z, res.Name)
			_, ok = r.CountryZone(country)
			require.False(t, ok, "a country that answers alone never needs its region: %+v", q)
		case timing.ZoneSourceCountry:
			require.Empty(t, q.Zone)
			z, ok := r.CountryZone(country)
			require.True(t, ok)
			require.Equal(t, z, res.Name)
		case timing.ZoneSourceDefault:
			require.Empty(t, q.Zone)
			require.NotEmpty(t, q.Default)
			_, ok := r.CountryZone(country)
			require.False(t, ok, "%+v", q)
			_, ok = r.RegionZone(country, q.Region)
			require.False(t, ok, "%+v", q)
			require.True(t, !known || len(r.CountryZones(country)) == 0 || inCountry, "%+v", q)
		case timing.ZoneSourceCountryDefault:
			require.Empty(t, q.Zone)
			require.True(t, known, "%+v", q)
			require.Greater(t, len(r.CountryZones(country)), 1, "%+v", q)
			_, ok := r.RegionZone(country, q.Region)
			require.False(t, ok, "%+v", q)
			if q.Default != "" {
				d, err := r.Resolve(timing.ZoneQuery{Zone: q.Default})
				require.NoError(t, err)
				require.NotContains(t, countryZoneSet(r, country), d.Name, "the default was in the country: %+v", q)
			}
		default:
			t.Fatalf("source %q", res.Source)
		}
	}
}

// PhoneZone places a number as Resolve's phone rule does, with no country.
func TestPhoneZone(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)
	for in, want := range map[string]string{
		"+12125550123":  "America/New_York",
		manhattanNumber: "America/New_York",
		"+12135550123":  "America/Los_Angeles",
		austinNumber:    "America/Chicago",
		torontoNumber:   "America/Toronto",
		"+17875550123":  "America/Puerto_Rico",
		sydneyLandline:  "Australia/Sydney",
		londonLandline:  "Europe/London",
		chathamLandline: "Pacific/Chatham",
	} {
		z, ok := r.PhoneZone(in)
		require.True(t, ok, in)
		require.Equal(t, want, z, in)
	}
	for _, in := range []string{
		"", "+", "not a number", sydneyNational, // national numbers have no country here
		auMobile, auTollFree, "+61 1300 123 456", // no place
		perthLandline, idahoNumber, // several zones
		"+1 800 555 0123", // toll-free
	} {
		z, ok := r.PhoneZone(in)
		require.False(t, ok, "%q → %s", in, z)
	}
}

func TestResolveConcurrent(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)
	queries := []timing.ZoneQuery{
		{Phone: sydneyLandline},
		{Phone: auMobile, Country: "AU", Region: "WA"},
		{Country: "US", Region: "TX"},
		{Zone: "Europe/Paris"},
		{Country: "AU", Default: "Australia/Darwin"},
	}
	want := []string{"Australia/Sydney", "Australia/Perth", "America/Chicago", "Europe/Paris", "Australia/Darwin"}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := (g + i) % len(queries)
				res, err := r.Resolve(queries[k])
				if err == nil && res.Name != want[k] {
					err = fmt.Errorf("query %d: got %s", k, res.Name)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestZoneErrorMessage(t *testing.T) {
	t.Parallel()
	err := &timing.ZoneError{Field: "zone", Value: "Mars/Base", Err: timing.ErrUnknownZone}
	require.Equal(t, `timing: zone: zone "Mars/Base": unknown IANA timezone`, err.Error())
	require.True(t, errors.Is(err, timing.ErrUnknownZone))
	require.True(t, errors.Is(err, timing.ErrInvalid))
	require.False(t, errors.Is(err, timing.ErrNoZone))
}
