package timing_test

import (
	"testing"

	"github.com/outbound-go/outbound/timing"
)

func BenchmarkResolve(b *testing.B) {
	r, err := timing.NewZoneResolver()
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		q    timing.ZoneQuery
	}{
		{"explicit", timing.ZoneQuery{Zone: "Australia/Perth", Default: "Australia/Sydney"}},
		{"phone_landline", timing.ZoneQuery{Phone: sydneyNational, Country: "AU", Default: "Australia/Sydney"}},
		{"region_after_mobile", timing.ZoneQuery{Phone: auMobile, Country: "AU", Region: "WA", Default: "Australia/Sydney"}},
		{"region", timing.ZoneQuery{Country: "US", Region: "Texas", Default: "America/New_York"}},
		{"country", timing.ZoneQuery{Country: "FR", Default: "Europe/London"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Resolve(bc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewZoneResolver(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := timing.NewZoneResolver(); err != nil {
			b.Fatal(err)
		}
	}
}
