package enrich_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/enrich"
)

func TestOffline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		company, domain   string
		country, industry string
	}{
		{"Harbour Freight", "harbourfreight.com.au", "AU", "logistics"},
		{"Acme", "acme.co.uk", "GB", ""},
		{"Northwind Legal", "northwind.co.nz", "NZ", "legal"},
		{"Kiwi", "acmelegal.nz", "NZ", "legal"},
		{"Brightside Dental", "brightside.com", "", "healthcare"},
		{"Stackly", "stackly.io", "", "software"},
		{"Stackly Labs", "stackly.ai", "", "software"},
		{"Parkview Realty", "parkview.ca", "CA", "real estate"},
		{"Müller GmbH", "mueller.de", "DE", ""},
		{"Acme", "acme.com", "", ""},
		{"Acme", "acme.xx", "", ""},
		{"", "", "", ""},
		{"Datum", "datum.me", "", ""},
		{"Stone & Co Builders", "stoneco.ie", "IE", "construction"},
	}
	for _, tt := range tests {
		l := &outbound.Lead{Company: tt.company, CompanyDomain: tt.domain}
		require.NoError(t, enrich.Offline{}.Enrich(context.Background(), l))
		require.Equal(t, tt.country, l.Country, "%s %s", tt.company, tt.domain)
		require.Equal(t, tt.industry, l.Industry, "%s %s", tt.company, tt.domain)
		require.Zero(t, l.Employees, "offline cannot know a headcount")
	}
}

// What the lead file gave is never overwritten, by any enricher.
func TestEnrichersKeepWhatIsKnown(t *testing.T) {
	t.Parallel()
	table := enrich.Static{"acme.com.au": {Country: "AU", Region: "VIC", Employees: 300, Industry: "software"}}
	l := &outbound.Lead{CompanyDomain: "WWW.Acme.com.au", Country: "NZ", Industry: "Mining"}
	require.NoError(t, enrich.Chain(table, enrich.Offline{}).Enrich(context.Background(), l))
	require.Equal(t, "NZ", l.Country)
	require.Empty(t, l.Region, "a region belongs with the country it was given for")
	require.Equal(t, "Mining", l.Industry)
	require.Equal(t, 300, l.Employees, "an empty field is filled")

	l = &outbound.Lead{CompanyDomain: "acme.com.au", Company: "Acme Freight"}
	require.NoError(t, enrich.Chain(table, enrich.Offline{}).Enrich(context.Background(), l))
	require.Equal(t, "AU", l.Country)
	require.Equal(t, "VIC", l.Region)
	require.Equal(t, "software", l.Industry, "the first enricher that knows wins")
}

// A failing enricher does not stop the others; its error is returned.
func TestChainJoinsErrors(t *testing.T) {
	t.Parallel()
	down := errors.New("provider down")
	l := &outbound.Lead{CompanyDomain: "acme.de"}
	err := enrich.Chain(enrich.Func(func(context.Context, *outbound.Lead) error { return down }), enrich.Offline{}).
		Enrich(context.Background(), l)
	require.ErrorIs(t, err, down)
	require.Equal(t, "DE", l.Country)
}
