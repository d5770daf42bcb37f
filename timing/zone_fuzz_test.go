package timing_test

import (
	"errors"
	"strings"
	"testing"
	"time"

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
	f.Fuzz(func(t *testing.T, phone, country, region string, withDefault bool) {
		q := timing.ZoneQuery{Phone: phone, Country: country, Region: region}
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
			p, err := timing.NormalizePhone(phone, country)
			if err != nil || p.Type != timing.PhoneFixedLine {
				t.Fatalf("%+v: zone from phone %+v, %v", q, p, err)
			}
		}
	})
}

// FuzzNormalizePhone: any input gives either a *PhoneError wrapping
// ErrInvalidPhone that names the input, or a valid E.164 number that
// normalises to itself.
func FuzzNormalizePhone(f *testing.F) {
	f.Add(sydneyNational, "AU")
	f.Add(auMobile, "")
	f.Add("(512) 463-4630", "us")
	f.Add("+61 2 9374 4000 ext. 123", "")
	f.Add("0011 61 2 9374 4000", "AU")
	f.Add("tel:+44-20-7946-0958", "")
	f.Add("１２３", "JP")
	f.Fuzz(func(t *testing.T, raw, country string) {
		p, err := timing.NormalizePhone(raw, country)
		if err != nil {
			var pe *timing.PhoneError
			if !errors.As(err, &pe) || !errors.Is(err, timing.ErrInvalidPhone) || pe.Value != raw || pe.Country != country {
				t.Fatalf("%q %q: error %#v", raw, country, err)
			}
			return
		}
		if len(p.E164) < 3 || len(p.E164) > 16 || p.E164[0] != '+' || strings.Trim(p.E164[1:], "0123456789") != "" {
			t.Fatalf("%q %q: E164 %q", raw, country, p.E164)
		}
		if p.Type == "" || p.Country == "" {
			t.Fatalf("%q %q: %+v", raw, country, p)
		}
		again, err := timing.NormalizePhone(p.E164, "")
		if err != nil || again != p {
			t.Fatalf("%q %q: %+v renormalises to %+v, %v", raw, country, p, again, err)
		}
	})
}
