package leadfile_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/place"
)

func TestWriteCSVExact(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	rows := []leadfile.Row{
		{Contact: outbound.Contact{Line: 9, ExternalID: "L1", Email: "ann@x.com", Company: "Lee, Sons & \"Co\"", Country: "AU", Score: 91,
			Industry: "Logistics", Employees: 120}},
		{Contact: outbound.Contact{Email: "bo@x.com", AddressLine1: "Level 2\n1 George St"}},
	}
	require.NoError(t, leadfile.Write(&b, rows, leadfile.CSV))
	// Written by hand from RFC 4180: quote a field holding a comma, quote or
	// newline, double the quotes inside.
	want := "id,client,email,phone,linkedin,first_name,last_name,company,company_domain,title,country,region,city,postcode,address_line1,timezone,score,industry,employees\n" +
		"L1,,ann@x.com,,,,,\"Lee, Sons & \"\"Co\"\"\",,,AU,,,,,,91,Logistics,120\n" +
		",,bo@x.com,,,,,,,,,,,,\"Level 2\n1 George St\",,0,,\n"
	require.Equal(t, want, b.String())
	require.Equal(t, strings.Split(strings.SplitN(want, "\n", 2)[0], ","), leadfile.Columns())
}

func TestWriteJSONLExact(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	rows := []leadfile.Row{{Contact: outbound.Contact{ExternalID: "L1", Email: "ann@x.com", Company: "A<B> & \"C\"", Score: 0}}}
	require.NoError(t, leadfile.Write(&b, rows, leadfile.JSONL))
	require.Equal(t, `{"id":"L1","email":"ann@x.com","company":"A<B> & \"C\"","score":0}`+"\n", b.String())
}

func TestWriteEmpty(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, leadfile.Write(&b, nil, leadfile.CSV))
	rows, bads, err := leadfile.Read(&b, leadfile.CSV)
	require.NoError(t, err, "an empty CSV still has its header")
	require.Empty(t, rows)
	require.Empty(t, bads)
	b.Reset()
	require.NoError(t, leadfile.Write(&b, nil, leadfile.JSONL))
	require.Empty(t, b.String())
}

func TestWriteRefusesWhatReadRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		row   leadfile.Row
		field string
	}{
		{leadfile.Row{Contact: outbound.Contact{Line: 4, Email: "a@x.com", Score: 101}}, "score"},
		{leadfile.Row{Contact: outbound.Contact{Email: "a@x.com", Score: -1}}, "score"},
		{leadfile.Row{Contact: outbound.Contact{Email: "a@x.com", Country: "AUS"}}, "country"},
		{leadfile.Row{Contact: outbound.Contact{Email: "a@x.com", Country: "9Z"}}, "country"},
		{leadfile.Row{Contact: outbound.Contact{Email: "a@x.com", City: "Syd\xffney"}}, "city"},
		{leadfile.Row{Contact: outbound.Contact{Email: "a@x.com"}, Client: "\xc3"}, "client"},
	}
	for _, f := range []leadfile.Format{leadfile.CSV, leadfile.JSONL} {
		for _, tt := range tests {
			var b bytes.Buffer
			err := leadfile.Write(&b, []leadfile.Row{tt.row}, f)
			var re *leadfile.RowError
			require.ErrorAs(t, err, &re, "%s %+v", f, tt.row)
			require.Equal(t, tt.field, re.Field)
			require.Equal(t, tt.row.Line, re.Line)
		}
	}
}

// randomText draws a trimmed string from an alphabet rich in what CSV and
// JSON must escape.
func randomText(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return ""
	}
	alphabet := []rune("abcXYZ019 \r,;\"'\n\t\\{}[]:<>&é€漢😀\u00a0\u2028\x00\x7f=+-@")
	n := 1 + r.IntN(12)
	var sb strings.Builder
	for range n {
		sb.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return strings.TrimSpace(sb.String())
}

func randomRow(r *rand.Rand) leadfile.Row {
	row := leadfile.Row{Contact: outbound.Contact{ExternalID: randomText(r), Email: randomText(r), Phone: randomText(r),
		LinkedIn: randomText(r), FirstName: randomText(r), LastName: randomText(r), Company: randomText(r),
		CompanyDomain: []string{"", "acme.com", "example.com.au", "b-2.example.co.uk"}[r.IntN(4)], Title: randomText(r), Region: randomText(r), City: randomText(r),
		Postcode: randomText(r), AddressLine1: randomText(r), Timezone: randomText(r), Score: r.IntN(101)}, Client: randomText(r),
	}
	if r.IntN(2) == 0 {
		all := place.Countries()
		row.Country = all[r.IntN(len(all))].Code
	}
	for _, p := range []*string{&row.ExternalID, &row.Client, &row.Email, &row.Phone, &row.LinkedIn, &row.FirstName, &row.LastName,
		&row.Company, &row.CompanyDomain, &row.Title, &row.Region, &row.City, &row.Postcode, &row.AddressLine1, &row.Timezone} {
		// Line breaks inside a value read as "\n" (the documented rule).
		*p = strings.ReplaceAll(strings.ReplaceAll(*p, "\r\n", "\n"), "\r", "\n")
	}
	// A leading apostrophe marks a spreadsheet's number kept as text: the
	// reader drops it, so a written phone never starts with one.
	row.Phone = strings.TrimLeftFunc(row.Phone, func(c rune) bool { return c == '\'' || unicode.IsSpace(c) })
	if row.Email == "" { // a CSV row needs something in it to be a row at all
		row.Email = "x@y.z"
	}
	return row
}

// TestRoundTripProperty writes thousands of random rows in both formats
// and reads them back unchanged, on the lines the writer put them.
func TestRoundTripProperty(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, f := range []leadfile.Format{leadfile.CSV, leadfile.JSONL} {
		rows := make([]leadfile.Row, 3000)
		for i := range rows {
			rows[i] = randomRow(r)
		}
		var b bytes.Buffer
		require.NoError(t, leadfile.Write(&b, rows, f))
		got, bads, err := leadfile.Read(&b, f)
		require.NoError(t, err)
		require.Empty(t, bads)
		require.Len(t, got, len(rows))
		for i := range rows {
			require.Positive(t, got[i].Line)
			if i > 0 {
				require.Greater(t, got[i].Line, got[i-1].Line)
			}
			got[i].Line = 0
			require.Equal(t, rows[i], got[i], "%s row %d", f, i)
		}
	}
}

// A headcount reads as exports write it: a number, with thousands
// separators, or a range (its lower bound); anything else names the row
// and the column.
func TestReadEmployees(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   int
		reason string
	}{
		{"", 0, ""},
		{"120", 120, ""},
		{"1,200", 1200, ""},
		{"51-200", 51, ""},
		{"51 - 200", 51, ""},
		{"10,001+", 10001, ""},
		{"10001+", 10001, ""},
		{"lots", 0, "headcount"},
		{"-5", 0, "headcount"},
	}
	for _, tt := range tests {
		csv := "email,employees\nann@x.com,\"" + tt.in + "\"\n"
		rows, bad, err := leadfile.Read(strings.NewReader(csv), leadfile.CSV)
		require.NoError(t, err)
		if tt.reason != "" {
			require.Len(t, bad, 1, tt.in)
			require.Equal(t, "employees", bad[0].Field)
			require.Equal(t, 2, bad[0].Line)
			require.Contains(t, bad[0].Reason, tt.reason)
			continue
		}
		require.Empty(t, bad, tt.in)
		require.Equal(t, tt.want, rows[0].Employees, tt.in)
	}
	rows, bad, err := leadfile.Read(strings.NewReader(`{"email":"ann@x.com","employees":250,"industry":"Legal"}`+"\n"), leadfile.JSONL)
	require.NoError(t, err)
	require.Empty(t, bad)
	require.Equal(t, 250, rows[0].Employees)
	require.Equal(t, "Legal", rows[0].Industry)
}
