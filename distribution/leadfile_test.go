package distribution_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/timing"
)

// Files exported from Apollo, HubSpot and Salesforce import with the zones
// a person would give their leads: a New York corporate line, an Austin
// direct line, a Perth mobile with its state, a New Zealand country, an
// explicit Denver zone, a Sydney landline, Toronto and Honolulu numbers.
func TestExportsImportWithTheRightZones(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	camp := e.campaign(e.signup("scale", "Australia/Sydney"))
	want := map[string]struct {
		zone   string
		source timing.ZoneSource
	}{
		"ann.lee@acmefreight.com": {"America/New_York", timing.ZoneSourcePhoneAreaCode},
		"bo@harbour.com.au":       {"Australia/Perth", timing.ZoneSourceRegion},
		"cy@sunbeltlabs.io":       {"America/Chicago", timing.ZoneSourcePhoneAreaCode},
		"dee@northwind.co.nz":     {"Pacific/Auckland", timing.ZoneSourceRegion},
		"eli@peakmedia.com":       {"America/Denver", timing.ZoneSourceExplicit},
		"fay@bondi.com.au":        {"Australia/Sydney", timing.ZoneSourcePhone},
		"gus@hartlogistics.ca":    {"America/Toronto", timing.ZoneSourcePhoneAreaCode},
		"hana@itotrading.com":     {"Pacific/Honolulu", timing.ZoneSourcePhoneAreaCode},
	}
	seen := 0
	for _, name := range []string{"apollo.csv", "hubspot.csv", "salesforce.csv"} {
		f, err := os.Open("../leadfile/testdata/" + name)
		require.NoError(t, err)
		res, err := leadfile.ReadOptions(f, leadfile.CSV, leadfile.Options{})
		f.Close()
		require.NoError(t, err)
		var in []distribution.LeadInput
		for _, r := range res.Rows {
			c := r.Contact
			c.Score = 90 // every lead enrolled, whatever its file's score
			in = append(in, c)
		}
		out := e.importLeads(camp, in...)
		require.Empty(t, out.Rejected, name)
		for _, id := range out.Enrolled {
			l := e.lead(id)
			w, ok := want[l.Email]
			require.True(t, ok, l.Email)
			require.Equal(t, w.zone, l.Zone, l.Email)
			require.Equal(t, string(w.source), l.ZoneSource, l.Email)
			require.NotEqual(t, outbound.LeadID{}, l.ID)
			seen++
		}
	}
	require.Equal(t, len(want), seen)
}
