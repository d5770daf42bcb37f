package timing_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing"
)

// Numbers used throughout. Their kinds were checked against the national
// numbering plans: 02 is the NSW/ACT landline area code and 08 covers WA, SA
// and NT; 04xx are Australian mobiles; 1800 is Australian toll-free, 1300
// shared-cost; 020 is London; 03 305 is the Chatham Islands exchange; every
// +1 number is fixed-line-or-mobile.
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
	require.Equal(t, []timing.ZoneSource{"explicit", "phone", "region", "country", "client_default"}, timing.ZoneSources())
	for _, s := range timing.ZoneSources() {
		require.True(t, s.Valid(), s)
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
		{"landline beats single-zone country", timing.ZoneQuery{Phone: londonLandline, Country: "AU", Region: "WA"}, "Europe/London", timing.ZoneSourcePhone},
		{"landline on an island", timing.ZoneQuery{Phone: chathamLandline, Country: "NZ"}, "Pacific/Chatham", timing.ZoneSourcePhone},
		{"landline with two zones falls to region", timing.ZoneQuery{Phone: perthLandline, Country: "AU", Region: "WA"}, "Australia/Perth", timing.ZoneSourceRegion},
		{"mobile never used: region", timing.ZoneQuery{Phone: auMobile, Country: "AU", Region: "WA"}, "Australia/Perth", timing.ZoneSourceRegion},
		{"mobile national never used", timing.ZoneQuery{Phone: auMobileNational, Country: "AU", Region: "Western Australia"}, "Australia/Perth", timing.ZoneSourceRegion},
		{"mobile never used: default", timing.ZoneQuery{Phone: auMobile, Country: "AU", Default: "Australia/Brisbane"}, "Australia/Brisbane", timing.ZoneSourceDefault},
		{"toll-free never used", timing.ZoneQuery{Phone: auTollFree, Country: "AU", Region: "QLD"}, "Australia/Brisbane", timing.ZoneSourceRegion},
		{"shared-cost never used", timing.ZoneQuery{Phone: auSharedCost, Country: "AU", Region: "SA"}, "Australia/Adelaide", timing.ZoneSourceRegion},
		{"NANP number never used", timing.ZoneQuery{Phone: austinNumber, Country: "US", Region: "NY"}, "America/New_York", timing.ZoneSourceRegion},
		{"unparsable phone ignored", timing.ZoneQuery{Phone: "call reception", Country: "FR"}, "Europe/Paris", timing.ZoneSourceCountry},
		{"national number without country ignored", timing.ZoneQuery{Phone: sydneyNational, Default: "Europe/Paris"}, "Europe/Paris", timing.ZoneSourceDefault},

		// 3. Country and region.
		{"single-zone country", timing.ZoneQuery{Country: "FR"}, "Europe/Paris", timing.ZoneSourceCountry},
		{"country any case and spaces", timing.ZoneQuery{Country: " jp "}, "Asia/Tokyo", timing.ZoneSourceCountry},
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

		// 4. Client default.
		{"multi-zone country without region", timing.ZoneQuery{Country: "AU", Default: "Australia/Sydney"}, "Australia/Sydney", timing.ZoneSourceDefault},
		{"multi-zone country, unknown region", timing.ZoneQuery{Country: "US", Region: "Ontario", Default: "America/Toronto"}, "America/Toronto", timing.ZoneSourceDefault},
		{"multi-zone country without table", timing.ZoneQuery{Country: "RU", Region: "Moscow", Default: "Europe/Moscow"}, "Europe/Moscow", timing.ZoneSourceDefault},
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
		{"alpha-3 code", timing.ZoneQuery{Country: "USA", Region: "TX"}, "country", "USA", []error{timing.ErrNoZone, timing.ErrUnknownCountry}, nil},
		{"country without a zone", timing.ZoneQuery{Country: "HM"}, "country", "HM", []error{timing.ErrNoZone}, []error{timing.ErrUnknownCountry}},
		{"multi-zone country, no region", timing.ZoneQuery{Country: "AU"}, "region", "", []error{timing.ErrNoZone, timing.ErrAmbiguousCountry}, nil},
		{"multi-zone country, unknown region", timing.ZoneQuery{Country: "AU", Region: "Narnia"}, "region", "Narnia", []error{timing.ErrNoZone, timing.ErrAmbiguousCountry}, nil},
		{"AU mobile says nothing", timing.ZoneQuery{Phone: auMobile, Country: "AU"}, "region", "", []error{timing.ErrNoZone, timing.ErrAmbiguousCountry}, nil},
		{"NANP number says nothing", timing.ZoneQuery{Phone: austinNumber, Country: "US"}, "region", "", []error{timing.ErrNoZone, timing.ErrAmbiguousCountry}, nil},
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
	single, clocks, regions, none := 0, 0, 0, 0
	for _, c := range countries {
		zones := r.CountryZones(c)
		// Every zone of zone1970.tab loads.
		for _, z := range zones {
			loc, err := time.LoadLocation(z)
			require.NoError(t, err, "%s %s", c, z)
			require.Equal(t, z, loc.String())
		}
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
		case err == nil:
			clocks++
			require.Equal(t, timing.ZoneSourceCountry, res.Source)
			require.Contains(t, zones, res.Name)
		default:
			// A multi-zone country answers only with a region.
			regions++
			require.ErrorIs(t, err, timing.ErrAmbiguousCountry, c)
			for _, reg := range r.ZoneRegions(c) {
				res, err := r.Resolve(timing.ZoneQuery{Country: c, Region: reg.Code})
				require.NoError(t, err)
				require.Equal(t, timing.ZoneSourceRegion, res.Source)
				require.Equal(t, reg.Zone, res.Name)
			}
		}
	}
	require.Equal(t, 214, single)
	require.Equal(t, 9, clocks)
	require.Equal(t, 249-214-9-2, regions)
	require.Equal(t, 2, none)
}

// Random queries built from realistic and broken parts: whatever answers, the
// answer is consistent with the rule its source names.
func TestResolveRandomQueries(t *testing.T) {
	t.Parallel()
	r := testZoneResolver(t)
	rng := rand.New(rand.NewPCG(1, 2))
	countries := append(zoneTestCountries(r), "", "XX", "usa", "uk", " au ")
	phones := []string{"", sydneyLandline, sydneyNational, perthLandline, auMobile, auMobileNational, auTollFree,
		auSharedCost, londonLandline, chathamLandline, austinNumber, "+33 1 42 68 53 00", "+49 30 123456",
		"+91 11 2345 6789", "+7 495 123 4567", "12", "not a number", "+999 1234"}
	zones := []string{"", "", "", "Australia/Perth", "Asia/Calcutta", "europe/london", "Mars/Base"}
	defaults := []string{"", "", "America/Chicago", "Pacific/Auckland"}
	var regionPool []string
	for _, c := range []string{"AU", "US", "CA", "NZ", "ES", "PT", "BR", "MX"} {
		for _, reg := range r.ZoneRegions(c) {
			regionPool = append(regionPool, reg.Code, reg.Name)
		}
	}
	regionPool = append(regionPool, "", "", "", "Narnia", "WA", "nsw")
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
			if q.Zone != "Mars/Base" {
				require.ErrorIs(t, err, timing.ErrNoZone, "%+v", q)
				require.Empty(t, q.Default, "a valid default always answers: %+v", q)
			}
			continue
		}
		require.Equal(t, res.Name, res.Location.String())
		switch res.Source {
		case timing.ZoneSourceExplicit:
			require.NotEmpty(t, q.Zone)
		case timing.ZoneSourcePhone:
			require.Empty(t, q.Zone)
			p, err := phone.Parse(q.Phone, q.Country)
			require.NoError(t, err, "%+v", q)
			require.Equal(t, phone.FixedLine, p.Type, "%+v", q)
		case timing.ZoneSourceRegion:
			require.Empty(t, q.Zone)
			z, ok := r.RegionZone(q.Country, q.Region)
			require.True(t, ok)
			require.Equal(t, z, res.Name)
			_, ok = r.CountryZone(q.Country)
			require.False(t, ok, "a country that answers alone never needs its region: %+v", q)
		case timing.ZoneSourceCountry:
			require.Empty(t, q.Zone)
			z, ok := r.CountryZone(q.Country)
			require.True(t, ok)
			require.Equal(t, z, res.Name)
		case timing.ZoneSourceDefault:
			require.Empty(t, q.Zone)
			require.NotEmpty(t, q.Default)
			_, ok := r.CountryZone(q.Country)
			require.False(t, ok, "%+v", q)
			_, ok = r.RegionZone(q.Country, q.Region)
			require.False(t, ok, "%+v", q)
		default:
			t.Fatalf("source %q", res.Source)
		}
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
}
