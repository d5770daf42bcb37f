package leadfile_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/leadfile"
)

func TestParseAndDetectFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, override string
		want           leadfile.Format // "" means an error
	}{
		{"leads.csv", "", leadfile.CSV},
		{"LEADS.CSV", "", leadfile.CSV},
		{"dir.v2/leads.jsonl", "", leadfile.JSONL},
		{"leads.ndjson", "", leadfile.JSONL},
		{"leads.NDJSON", "", leadfile.JSONL},
		{"leads.txt", "", ""},
		{"leads", "", ""},
		{"leads.json", "", ""}, // a JSON array file is not JSON lines
		{"leads.csv.gz", "", ""},
		{"leads.txt", "csv", leadfile.CSV},
		{"leads.csv", "jsonl", leadfile.JSONL}, // the override wins
		{"leads.csv", " NDJSON ", leadfile.JSONL},
		{"leads.csv", ".jsonl", leadfile.JSONL},
		{"leads.csv", "json-lines", leadfile.JSONL},
		{"leads.csv", "xml", ""},
		{"leads.csv", "   ", leadfile.CSV}, // a blank override is no override
	}
	for _, tt := range tests {
		got, err := leadfile.DetectFormat(tt.path, tt.override)
		if tt.want == "" {
			require.ErrorIs(t, err, leadfile.ErrUnknownFormat, "%s %q", tt.path, tt.override)
			continue
		}
		require.NoError(t, err, "%s %q", tt.path, tt.override)
		require.Equal(t, tt.want, got, "%s %q", tt.path, tt.override)
		require.True(t, got.Valid())
	}
	require.False(t, leadfile.Format("xml").Valid())
	_, _, err := leadfile.Read(strings.NewReader(""), "xml")
	require.ErrorIs(t, err, leadfile.ErrUnknownFormat)
	_, err = leadfile.NewWriter(io.Discard, "")
	require.ErrorIs(t, err, leadfile.ErrUnknownFormat)
}

// bad is a rejected row as a test expects it: its line, field and the start
// of its reason.
type bad struct {
	line   int
	field  string
	value  string
	reason string
}

func requireBad(t *testing.T, want []bad, got []*leadfile.RowError) {
	t.Helper()
	require.Len(t, got, len(want), "bad rows: %v", got)
	for i, w := range want {
		g := got[i]
		require.Equal(t, w.line, g.Line, "bad row %d: %v", i, g)
		require.Equal(t, w.field, g.Field, "bad row %d: %v", i, g)
		require.Equal(t, w.value, g.Value, "bad row %d: %v", i, g)
		require.Contains(t, g.Reason, w.reason, "bad row %d: %v", i, g)
		require.ErrorIs(t, g, leadfile.ErrInvalidRow)
		require.Contains(t, g.Error(), "line ")
	}
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		rows []leadfile.Row
		bad  []bad
	}{
		{
			name: "every column in canonical order",
			in: "id,client,email,phone,linkedin,first_name,last_name,company,company_domain,title,country,region,city,postcode,address_line1,timezone,score\n" +
				"L1,2,ann@acme.com.au,+61291234567,https://www.linkedin.com/in/ann,Ann,Lee,Acme,acme.com.au,CEO,AU,NSW,Sydney,2000,1 George St,Australia/Sydney,91\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, ExternalID: "L1", Email: "ann@acme.com.au", Phone: "+61291234567",
				LinkedIn: "https://www.linkedin.com/in/ann", FirstName: "Ann", LastName: "Lee", Company: "Acme",
				CompanyDomain: "acme.com.au", Title: "CEO", Country: "AU", Region: "NSW", City: "Sydney", Postcode: "2000",
				AddressLine1: "1 George St", Timezone: "Australia/Sydney", Score: 91}, Client: "2",
			}},
		},
		{
			name: "column order free, names in any case, unknown columns ignored",
			in:   "Score,NOTES,Email, Phone ,Country\n70,likes golf,bo@x.com,+15551234567,us\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "bo@x.com", Phone: "+15551234567", Country: "US", Score: 70}}},
		},
		{
			name: "byte order mark before the header",
			in:   "\uFEFFemail,score\nann@x.com,5\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "ann@x.com", Score: 5}}},
		},
		{
			name: "values trimmed, CRLF line ends, blank lines skipped",
			in:   "email,first_name,score\r\n  ann@x.com , Ann ,  42 \r\n\r\n\r\nbo@x.com,Bo,1\r\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "ann@x.com", FirstName: "Ann", Score: 42}}, {Contact: outbound.Contact{Line: 5, Email: "bo@x.com", FirstName: "Bo", Score: 1}}},
		},
		{
			name: "empty and absent score read as 0",
			in:   "email,score\nann@x.com,\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "ann@x.com"}}},
		},
		{
			name: "score edges and signs",
			in:   "email,score\na@x.com,0\nb@x.com,100\nc@x.com,+7\nd@x.com,007\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "a@x.com"}}, {Contact: outbound.Contact{Line: 3, Email: "b@x.com", Score: 100}}, {Contact: outbound.Contact{Line: 4, Email: "c@x.com", Score: 7}}, {Contact: outbound.Contact{Line: 5, Email: "d@x.com", Score: 7}}},
		},
		{
			name: "quoted field over two lines: the next row's line counts them",
			in:   "email,address_line1\nann@x.com,\"Level 2\n1 George St\"\nbo@x.com,\"a, b\"\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "ann@x.com", AddressLine1: "Level 2\n1 George St"}}, {Contact: outbound.Contact{Line: 4, Email: "bo@x.com", AddressLine1: "a, b"}}},
		},
		{
			name: "bad score, country and column count are reported; the rest imported",
			in: "email,country,score\n" +
				"a@x.com,AU,101\n" +
				"b@x.com,AU,-1\n" +
				"c@x.com,AU,abc\n" +
				"d@x.com,AU,85.5\n" +
				"e@x.com,Atlantis,50\n" +
				"f@x.com,A1,50\n" +
				"g@x.com,AU\n" +
				"h@x.com,AU,50,extra\n" +
				"i@x.com,au,50\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 10, Email: "i@x.com", Country: "AU", Score: 50}}},
			bad: []bad{
				{2, "score", "101", "from 0 to 100"},
				{3, "score", "-1", "from 0 to 100"},
				{4, "score", "abc", "whole number"},
				{5, "score", "85.5", "whole number"},
				{6, "country", "Atlantis", "not a country"},
				{7, "country", "A1", "not a country"},
				{8, "", "", "has 2 fields; the header has 3"},
				{9, "", "", "has 4 fields; the header has 3"},
			},
		},
		{
			name: "a non-ASCII country that is no country's name or code",
			in:   "email,country\na@x.com,Ωmega\n",
			bad:  []bad{{2, "country", "Ωmega", "not a country"}},
		},
		{
			name: "invalid UTF-8 is a bad row; an unknown column's bytes are not looked at",
			in:   "email,first_name,notes\na@x.com,Ann\xff,ok\nb@x.com,Bo,\xff\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 3, Email: "b@x.com", FirstName: "Bo"}}},
			bad:  []bad{{2, "first_name", "Ann\xff", "UTF-8"}},
		},
		{
			name: "the first problem in column order is the one reported",
			in:   "score,country,email\n500,XYZ,a@x.com\n",
			bad:  []bad{{2, "country", "XYZ", "not a country"}},
		},
		{
			name: "malformed quoting is a bad row and reading goes on",
			in:   "email,score\na@x.com,1\nb\"x@x.com,2\n\"c@x.com\"z,3\nd@x.com,4\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "a@x.com", Score: 1}}, {Contact: outbound.Contact{Line: 5, Email: "d@x.com", Score: 4}}},
			bad:  []bad{{3, "", "", "malformed CSV"}, {4, "", "", "malformed CSV"}},
		},
		{
			name: "a header with no rows",
			in:   "email,score\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, bads, err := leadfile.Read(strings.NewReader(tt.in), leadfile.CSV)
			require.NoError(t, err)
			require.Equal(t, tt.rows, rows)
			requireBad(t, tt.bad, bads)
		})
	}
}

func TestReadCSVHeaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		line   int
		column string
		reason string
	}{
		{"empty file", "", 0, "", "empty"},
		{"only blank lines", "\n\n\r\n", 0, "", "empty"},
		{"only a byte order mark", "\uFEFF", 0, "", "empty"},
		{"data where the header should be", "ann@x.com,+61291234567,80\n", 1, "", "none of the lead columns"},
		{"no contact column", "id,first_name,score\n1,Ann,80\n", 1, "", "no contact column"},
		{"a column twice", "email,Email\n", 1, "Email", "more than once"},
		{"header after blank lines", "\n\nemail,email\n", 3, "email", "more than once"},
		{"malformed header", "\"email,score\n", 1, "", "malformed CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, bads, err := leadfile.Read(strings.NewReader(tt.in), leadfile.CSV)
			require.ErrorIs(t, err, leadfile.ErrHeader)
			var he *leadfile.HeaderError
			require.ErrorAs(t, err, &he)
			require.Equal(t, tt.line, he.Line)
			require.Equal(t, tt.column, he.Column)
			require.Contains(t, he.Reason, tt.reason)
			require.Contains(t, err.Error(), "header")
			require.Nil(t, rows)
			require.Nil(t, bads)
		})
	}
}

func TestReadJSONL(t *testing.T) {
	t.Parallel()
	long := `{"email":"a@x.com","notes":"` + strings.Repeat("x", leadfile.MaxLineBytes) + `"}`
	tests := []struct {
		name string
		in   string
		rows []leadfile.Row
		bad  []bad
	}{
		{
			name: "every key",
			in: `{"id":"L1","client":"acme","email":"ann@acme.com.au","phone":"+61291234567","linkedin":"https://www.linkedin.com/in/ann",` +
				`"first_name":"Ann","last_name":"Lee","company":"Acme","company_domain":"acme.com.au","title":"CEO","country":"AU",` +
				`"region":"NSW","city":"Sydney","postcode":"2000","address_line1":"1 George St","timezone":"Australia/Sydney","score":91}`,
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 1, ExternalID: "L1", Email: "ann@acme.com.au", Phone: "+61291234567",
				LinkedIn: "https://www.linkedin.com/in/ann", FirstName: "Ann", LastName: "Lee", Company: "Acme",
				CompanyDomain: "acme.com.au", Title: "CEO", Country: "AU", Region: "NSW", City: "Sydney", Postcode: "2000",
				AddressLine1: "1 George St", Timezone: "Australia/Sydney", Score: 91}, Client: "acme",
			}},
		},
		{
			name: "keys in any case, unknown keys ignored whatever their value, blank lines skipped",
			in:   "\n{\"EMAIL\":\"a@x.com\",\"Score\":\"60\",\"tags\":[1,{\"a\":null}],\"meta\":{\"email\":\"no@x.com\"}}\n   \n\t\n{\"email\":\"b@x.com\"}\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "a@x.com", Score: 60}}, {Contact: outbound.Contact{Line: 5, Email: "b@x.com"}}},
		},
		{
			name: "score as number, numeric string, whole float or exponent; null and absent are 0",
			in: `{"email":"a@x.com","score":7}` + "\n" + `{"email":"b@x.com","score":" 8 "}` + "\n" +
				`{"email":"c@x.com","score":85.0}` + "\n" + `{"email":"d@x.com","score":1e2}` + "\n" +
				`{"email":"e@x.com","score":null}` + "\n" + `{"email":"f@x.com"}`,
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 1, Email: "a@x.com", Score: 7}}, {Contact: outbound.Contact{Line: 2, Email: "b@x.com", Score: 8}}, {Contact: outbound.Contact{Line: 3, Email: "c@x.com", Score: 85}},
				{Contact: outbound.Contact{Line: 4, Email: "d@x.com", Score: 100}}, {Contact: outbound.Contact{Line: 5, Email: "e@x.com"}}, {Contact: outbound.Contact{Line: 6, Email: "f@x.com"}}},
		},
		{
			name: "numbers in text fields keep their literal; null is empty",
			in:   `{"id":12345,"phone":61291234567,"email":null,"linkedin":"ann"}`,
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 1, ExternalID: "12345", Phone: "61291234567", LinkedIn: "ann"}}},
		},
		{
			name: "the last of repeated keys wins, in any case",
			in:   `{"email":"a@x.com","Email":"b@x.com"}`,
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 1, Email: "b@x.com"}}},
		},
		{
			name: "CRLF, a byte order mark and no final newline",
			in:   "\uFEFF{\"email\":\"a@x.com\"}\r\n{\"email\":\"b@x.com\",\"country\":\"nz\"}",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 1, Email: "a@x.com"}}, {Contact: outbound.Contact{Line: 2, Email: "b@x.com", Country: "NZ"}}},
		},
		{
			name: "bad lines are reported; the rest imported",
			in: `{"email":"a@x.com","score":101}` + "\n" +
				`{"email":"b@x.com","score":85.5}` + "\n" +
				`{"email":"c@x.com","score":"high"}` + "\n" +
				`{"email":"d@x.com","score":true}` + "\n" +
				`{"email":"e@x.com","country":"Atlantis"}` + "\n" +
				`{"email":["f@x.com"]}` + "\n" +
				`{"email":"g@x.com",` + "\n" +
				`["h@x.com"]` + "\n" +
				`"i@x.com"` + "\n" +
				`{"email":"j@x.com"}{"email":"k@x.com"}` + "\n" +
				`{"email":"l@x.com","score":"-3"}` + "\n" +
				`{"email":"m@x.com","first_name":"M\u00e9l"}` + "\n",
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 12, Email: "m@x.com", FirstName: "Mél"}}},
			bad: []bad{
				{1, "score", "101", "from 0 to 100"},
				{2, "score", "85.5", "whole number"},
				{3, "score", "high", "whole number"},
				{4, "score", "true", "number or a numeric string"},
				{5, "country", "Atlantis", "not a country"},
				{6, "email", `["f@x.com"]`, "must be a string"},
				{7, "", "", "not valid JSON"},
				{8, "", "", "not a JSON object"},
				{9, "", "", "not a JSON object"},
				{10, "", "", "not valid JSON"},
				{11, "score", "-3", "from 0 to 100"},
			},
		},
		{
			name: "a line too long is a bad row, skipped without stopping",
			in:   long + "\n" + `{"email":"b@x.com"}`,
			rows: []leadfile.Row{{Contact: outbound.Contact{Line: 2, Email: "b@x.com"}}},
			bad:  []bad{{1, "", "", "longer than"}},
		},
		{
			name: "empty input",
			in:   "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, bads, err := leadfile.Read(strings.NewReader(tt.in), leadfile.JSONL)
			require.NoError(t, err)
			require.Equal(t, tt.rows, rows)
			requireBad(t, tt.bad, bads)
		})
	}
}

func TestReadStreams(t *testing.T) {
	t.Parallel()
	// One byte at a time: nothing depends on reading the file whole.
	in := "email,score\n" + strings.Repeat("a@x.com,1\n", 1000)
	rows, bads, err := leadfile.Read(iotest.OneByteReader(strings.NewReader(in)), leadfile.CSV)
	require.NoError(t, err)
	require.Empty(t, bads)
	require.Len(t, rows, 1000)
	require.Equal(t, 1001, rows[999].Line)

	in = strings.Repeat("{\"email\":\"a@x.com\"}\n", 1000)
	rows, _, err = leadfile.Read(iotest.OneByteReader(strings.NewReader(in)), leadfile.JSONL)
	require.NoError(t, err)
	require.Len(t, rows, 1000)

	// Next yields rows one at a time, bad rows as *RowError, then io.EOF.
	rd, err := leadfile.NewReader(strings.NewReader("{\"email\":\"a@x.com\"}\nnope\n"), leadfile.JSONL)
	require.NoError(t, err)
	row, err := rd.Next()
	require.NoError(t, err)
	require.Equal(t, "a@x.com", row.Email)
	_, err = rd.Next()
	var re *leadfile.RowError
	require.ErrorAs(t, err, &re)
	require.Equal(t, 2, re.Line)
	_, err = rd.Next()
	require.ErrorIs(t, err, io.EOF)
	_, err = rd.Next()
	require.ErrorIs(t, err, io.EOF)
}

func TestReadFailingReader(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	for _, f := range []leadfile.Format{leadfile.CSV, leadfile.JSONL} {
		var head string
		if f == leadfile.CSV {
			head = "email\n"
			head += "a@x.com\n"
		} else {
			head = "{\"email\":\"a@x.com\"}\n"
		}
		r := io.MultiReader(strings.NewReader(head), iotest.ErrReader(boom))
		rows, _, err := leadfile.Read(r, f)
		require.ErrorIs(t, err, boom, f)
		require.Len(t, rows, 1, f)
		require.NotErrorIs(t, err, leadfile.ErrInvalidRow)
	}
	_, _, err := leadfile.Read(iotest.ErrReader(boom), leadfile.CSV)
	require.ErrorIs(t, err, boom)
	require.NotErrorIs(t, err, leadfile.ErrHeader)
}

func TestErrorMessages(t *testing.T) {
	t.Parallel()
	e := &leadfile.RowError{Line: 7, Field: "score", Value: "abc", Reason: "must be a whole number from 0 to 100"}
	require.Equal(t, `leadfile: line 7: score "abc": must be a whole number from 0 to 100`, e.Error())
	e = &leadfile.RowError{Line: 3, Reason: "has 2 fields; the header has 3"}
	require.Equal(t, "leadfile: line 3: has 2 fields; the header has 3", e.Error())
	e = &leadfile.RowError{Line: 1, Field: "email", Value: strings.Repeat("é", 100), Reason: "x"}
	require.Less(t, len(e.Error()), 120, "a long value is shortened in the message")
	require.Contains(t, e.Error(), "…")
	h := &leadfile.HeaderError{Line: 1, Column: "email", Reason: "appears more than once"}
	require.Equal(t, `leadfile: header (line 1): column "email": appears more than once`, h.Error())
}
