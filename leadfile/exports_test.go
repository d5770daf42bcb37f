package leadfile_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/leadfile"
)

func readFixture(t *testing.T, name string, o leadfile.Options) leadfile.Result {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	defer f.Close()
	res, err := leadfile.ReadOptions(f, leadfile.CSV, o)
	require.NoError(t, err)
	require.Empty(t, res.Bad)
	return res
}

// Files as Apollo, HubSpot and Salesforce export them read into the lead's
// fields: their column names, several phone columns (the direct or
// corporate line before the mobile), websites as domains, countries by
// name; the columns no field takes are listed, not dropped silently.
func TestReadExports(t *testing.T) {
	t.Parallel()
	apollo := readFixture(t, "apollo.csv", leadfile.Options{})
	require.Len(t, apollo.Rows, 3)
	ann := apollo.Rows[0]
	require.Equal(t, "Ann", ann.FirstName)
	require.Equal(t, "Lee", ann.LastName)
	require.Equal(t, "VP Sales", ann.Title)
	require.Equal(t, "Acme Freight", ann.Company)
	require.Equal(t, "ann.lee@acmefreight.com", ann.Email)
	require.Equal(t, "+1 212 555 0100", ann.Phone, "the corporate line before the mobile, without the spreadsheet's apostrophe")
	require.Equal(t, "http://www.linkedin.com/in/annlee", ann.LinkedIn)
	require.Equal(t, "acmefreight.com", ann.CompanyDomain)
	require.Equal(t, "New York", ann.City)
	require.Equal(t, "New York", ann.Region)
	require.Equal(t, "US", ann.Country)
	require.Equal(t, "6520aa01", ann.ExternalID)
	require.Equal(t, 120, ann.Employees)
	require.Equal(t, "Logistics", ann.Industry)
	require.Equal(t, 2, ann.Line)
	require.Equal(t, "+61 412 345 678", apollo.Rows[1].Phone, "no direct or corporate line: the mobile")
	require.Equal(t, "harbour.com.au", apollo.Rows[1].CompanyDomain)
	require.Equal(t, "AU", apollo.Rows[1].Country)
	require.Equal(t, "+1 512 555 0102", apollo.Rows[2].Phone)
	require.Equal(t, []string{"Email Status", "Seniority", "Departments", "Contact Owner", "Stage", "Lists",
		"Last Contacted", "Account Owner", "Keywords", "Company Linkedin Url", "Facebook Url", "Twitter Url",
		"Company Address", "Company Phone", "Apollo Account Id"}, apollo.Unknown)

	hub := readFixture(t, "hubspot.csv", leadfile.Options{})
	require.Len(t, hub.Rows, 3)
	dee, eli, fay := hub.Rows[0], hub.Rows[1], hub.Rows[2]
	require.Equal(t, "101", dee.ExternalID)
	require.Equal(t, "+64 21 123 4567", dee.Phone)
	require.Equal(t, "NZ", dee.Country)
	require.Equal(t, "northwind.co.nz", dee.CompanyDomain)
	require.Equal(t, 72, dee.Score)
	require.Equal(t, "+1 (303) 555-0104", eli.Phone)
	require.Equal(t, "America/Denver", eli.Timezone)
	require.Equal(t, "CO", eli.Region)
	require.Equal(t, "1 Queen St", dee.AddressLine1)
	require.Equal(t, "2000", fay.Postcode)
	require.Equal(t, []string{"Lifecycle Stage", "Contact owner", "Create Date"}, hub.Unknown)

	sf := readFixture(t, "salesforce.csv", leadfile.Options{})
	require.Len(t, sf.Rows, 2)
	require.Equal(t, "Hart Logistics", sf.Rows[0].Company)
	require.Equal(t, "Ontario", sf.Rows[0].Region)
	require.Equal(t, "CA", sf.Rows[0].Country)
	require.Equal(t, "+1 808 555 0106", sf.Rows[1].Phone)
	require.Equal(t, "US", sf.Rows[1].Country)
	require.Equal(t, []string{"Lead Source"}, sf.Unknown)
}

// A hand mapping beats every alias and reads a column no alias knows.
func TestReadWithAMap(t *testing.T) {
	t.Parallel()
	m, err := leadfile.ParseMap("Seniority=title, Company Phone=phone")
	require.NoError(t, err)
	res := readFixture(t, "apollo.csv", leadfile.Options{Map: m})
	require.Equal(t, "VP", res.Rows[0].Title, "the mapped column beats the Title alias")
	require.Equal(t, "+1 212 555 0199", res.Rows[0].Phone)
	require.NotContains(t, res.Unknown, "Seniority")
}

func TestParseMapErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, part string }{
		{"Lead Score", "Lead Score"},
		{"=score", "=score"},
		{"Lead Score=", "Lead Score="},
		{"Lead Score=rating", "Lead Score=rating"},
	} {
		_, err := leadfile.ParseMap(tc.in)
		require.Error(t, err, tc.in)
		require.Contains(t, err.Error(), tc.part)
	}
	m, err := leadfile.ParseMap("Lead Score=score,,Mobile = PHONE")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"Lead Score": "score", "Mobile": "phone"}, m)
}

// JSON lines take the same names, in any case and spacing.
func TestReadJSONLAliases(t *testing.T) {
	t.Parallel()
	in := `{"First Name":"Ann","EMAIL":"ann@x.com","Country/Region":"Australia","State/Region":"NSW","Mobile Phone":"0412 345 678","Corporate Phone":"","Shoe Size":44}` + "\n"
	rd, err := leadfile.NewReader(stringsReader(in), leadfile.JSONL)
	require.NoError(t, err)
	row, err := rd.Next()
	require.NoError(t, err)
	require.Equal(t, "Ann", row.FirstName)
	require.Equal(t, "ann@x.com", row.Email)
	require.Equal(t, "AU", row.Country)
	require.Equal(t, "NSW", row.Region)
	require.Equal(t, "0412 345 678", row.Phone, "a blank corporate phone gives way to the mobile")
	require.Equal(t, []string{"Shoe Size"}, rd.Unknown())
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
