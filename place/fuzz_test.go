package place_test

import (
	"testing"

	"github.com/outbound-go/outbound/place"
)

// FuzzCountryRegion feeds any text as a country and a region. It never
// panics; an answer is a code that reads back as itself and names a country
// (or region) that reads back to the same code.
func FuzzCountryRegion(f *testing.F) {
	for _, s := range [][2]string{
		{"AU", "NSW"}, {"usa", "US-NY"}, {"United Kingdom", "Scotland"}, {" ca ", "Québec"},
		{"The Netherlands", ""}, {"U.S.", "Washington, D.C."}, {"", ""}, {"XX", "AU-"}, {"--", "Ü"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, country, region string) {
		code, ok := place.Country(country)
		if !ok {
			if code != "" {
				t.Fatalf("%q: not ok but code %q", country, code)
			}
			if _, ok := place.Region(country, region); ok {
				t.Fatalf("%q %q: region of an unknown country", country, region)
			}
			if _, err := place.ParseCountry(country); err == nil {
				t.Fatalf("%q: ParseCountry accepts what Country refuses", country)
			}
			return
		}
		if again, ok := place.Country(code); !ok || again != code {
			t.Fatalf("%q → %s, which reads as %q %v", country, code, again, ok)
		}
		name, ok := place.CountryName(code)
		if !ok {
			t.Fatalf("%q → %s without a name", country, code)
		}
		if back, ok := place.Country(name); !ok || back != code {
			t.Fatalf("%q → %s named %q, which reads as %q", country, code, name, back)
		}
		reg, ok := place.Region(country, region)
		if !ok {
			return
		}
		if again, ok := place.Region(code, reg); !ok || again != reg {
			t.Fatalf("%q %q → %s, which reads as %q %v", country, region, reg, again, ok)
		}
		rname, ok := place.RegionName(code, reg)
		if !ok {
			t.Fatalf("%s-%s without a name", code, reg)
		}
		if back, ok := place.Region(code, rname); !ok || back != reg {
			t.Fatalf("%s-%s named %q, which reads as %q", code, reg, rname, back)
		}
		if got, err := place.ParseRegion(country, region); err != nil || got != reg {
			t.Fatalf("%q %q: ParseRegion %q %v, Region %q", country, region, got, err, reg)
		}
	})
}
