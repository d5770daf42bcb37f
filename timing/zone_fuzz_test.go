package timing_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing"
)

// FuzzResolvePhone feeds outside input (phone, country, region) to Resolve,
// with or without a client default. It never panics; an answer is a zone that
// loads, found by phone, region, country or default; with a default there is
// always an answer.
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
		switch res.Source {
		case timing.ZoneSourcePhone, timing.ZoneSourceRegion, timing.ZoneSourceCountry, timing.ZoneSourceDefault:
		default:
			t.Fatalf("%+v: source %q", q, res.Source)
		}
		if res.Location == nil || res.Location.String() != res.Name || strings.TrimSpace(res.Name) == "" {
			t.Fatalf("%+v: result %+v", q, res)
		}
		if _, err := time.LoadLocation(res.Name); err != nil {
			t.Fatalf("%+v: %s does not load: %v", q, res.Name, err)
		}
		if res.Source == timing.ZoneSourcePhone {
			p, err := phone.Parse(rawPhone, country)
			if err != nil || p.Type != phone.FixedLine {
				t.Fatalf("%+v: zone from phone %+v, %v", q, p, err)
			}
		}
	})
}
