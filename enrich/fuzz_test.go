package enrich_test

import (
	"context"
	"testing"
	"unicode/utf8"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/enrich"
	"github.com/outbound-go/outbound/place"
)

// FuzzOffline: any company name and domain, as lead files carry them,
// enrich without a panic into an empty or known country, and keep what
// was set.
func FuzzOffline(f *testing.F) {
	for _, s := range [][2]string{{"Harbour Freight", "harbourfreight.com.au"}, {"", ""}, {"x", "."}, {"Ω", "a.uk"},
		{"Acme", "acme."}, {"Acme Labs", "..io"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, company, domain string) {
		l := &outbound.Lead{Company: company, CompanyDomain: domain}
		if err := (enrich.Offline{}).Enrich(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if l.Country != "" {
			if _, ok := place.CountryName(l.Country); !ok || len(l.Country) != 2 {
				t.Fatalf("country %q from %q", l.Country, domain)
			}
		}
		if !utf8.ValidString(l.Industry) {
			t.Fatalf("industry %q", l.Industry)
		}
		set := &outbound.Lead{Company: company, CompanyDomain: domain, Country: "NZ", Industry: "x"}
		_ = (enrich.Offline{}).Enrich(context.Background(), set)
		if set.Country != "NZ" || set.Industry != "x" {
			t.Fatalf("overwrote %+v", set)
		}
	})
}
