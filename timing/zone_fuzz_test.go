package timing_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/place"
	"github.com/outbound-go/outbound/timing"
)

// FuzzResolvePhone feeds outside input (phone, country, region) to Resolve,
// with or without a client default. It never panics; an answer is a zone that
// loads, found by a rule that fits the input; with a default there is always
// an answer; and a lead whose country reads gets one of that country's zones.
func FuzzResolvePhone(f *testing.F) {
	r, err := timing.NewZoneResolver()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sydneyLandline, "AU", "", false)
	f.Add(auMobile, "AU", "WA", false)
	f.Add(austinNumber, "US", "TX", true)
	f.Add(chathamLandline, "nz", "", false)
	f.Add("0412 345 678", "au", "Western Australia", true)
	f.Add("(212) 555-0123", "United States", "", true)
	f.Add(idahoNumber, "usa", "Idaho", false)
	f.Add("+", "", "", false)
	f.Add("", "XX", "AU-NSW", true)
	f.Fuzz(func(t *testing.T, rawPhone, country, region string, withDefault bool) {
		q := timing.ZoneQuery{Phone: rawPhone, Country: country, Region: region}
		if withDefault {
			q.Default = "Pacific/Auckland"
		}
		res, err := r.Resolve(q)
		if err != nil {
			if withDefault {
				t.Fatalf("%+v: error despite a default: %v", q, err)
			}
			var ze *timing.ZoneError
			if !errors.As(err, &ze) || !errors.Is(err, timing.ErrNoZone) {
				t.Fatalf("%+v: error %v is not a *ZoneError wrapping ErrNoZone", q, err)
			}
			return
		}
		if !res.Source.Valid() || res.Source == timing.ZoneSourceExplicit {
			t.Fatalf("%+v: source %q", q, res.Source)
		}
		if res.Location == nil || res.Location.String() != res.Name || strings.TrimSpace(res.Name) == "" {
			t.Fatalf("%+v: result %+v", q, res)
		}
		if _, err := time.LoadLocation(res.Name); err != nil {
			t.Fatalf("%+v: %s does not load: %v", q, res.Name, err)
		}
		cc, known := place.Country(country)
		p, perr := phone.Parse(rawPhone, cc)
		switch res.Source {
		case timing.ZoneSourcePhone:
			if perr != nil || p.Type != phone.FixedLine {
				t.Fatalf("%+v: zone from phone %+v, %v", q, p, perr)
			}
		case timing.ZoneSourcePhoneAreaCode:
			if perr != nil || !strings.HasPrefix(p.E164, "+1") {
				t.Fatalf("%+v: zone from area code of %+v, %v", q, p, perr)
			}
		}
		if known && len(r.CountryZones(cc)) > 0 {
			ok := slices.Contains(r.CountryZones(cc), res.Name)
			for _, reg := range r.ZoneRegions(cc) {
				ok = ok || reg.Zone == res.Name
			}
			if !ok {
				t.Fatalf("%+v: a %s lead got %s (%s)", q, cc, res.Name, res.Source)
			}
		}
	})
}
