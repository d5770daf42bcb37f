package leadfile_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/outbound-go/outbound/leadfile"
)

// readAll reads data with Next, returning the lines of good and bad rows
// interleaved in file order, and the good rows.
func readAll(t *testing.T, data []byte, f leadfile.Format) (lines []int, rows []leadfile.Row, err error) {
	t.Helper()
	rd, err := leadfile.NewReader(bytes.NewReader(data), f)
	if err != nil {
		return nil, nil, err
	}
	for range len(data) + 2 { // a row takes at least a byte: more calls than that is a loop
		row, err := rd.Next()
		var re *leadfile.RowError
		switch {
		case err == nil:
			lines = append(lines, row.Line)
			rows = append(rows, row)
		case errors.As(err, &re):
			if re.Line <= 0 || re.Reason == "" {
				t.Fatalf("bad row without a line or reason: %#v", re)
			}
			lines = append(lines, re.Line)
		case err == io.EOF:
			return lines, rows, nil
		default:
			t.Fatalf("Next on an in-memory reader failed with %v", err)
		}
	}
	t.Fatalf("Next did not reach io.EOF after %d calls", len(data)+2)
	return nil, nil, nil
}

// checkRows checks what every good row promises and that the rows survive
// a round trip through both writers.
func checkRows(t *testing.T, rows []leadfile.Row) {
	t.Helper()
	for _, r := range rows {
		for _, s := range []string{r.ExternalID, r.Client, r.Email, r.Phone, r.LinkedIn, r.FirstName, r.LastName, r.Company,
			r.CompanyDomain, r.Title, r.Country, r.Region, r.City, r.Postcode, r.AddressLine1, r.Timezone} {
			if !utf8.ValidString(s) || strings.TrimSpace(s) != s || strings.Contains(s, "\r") {
				t.Fatalf("row on line %d has a field that is not clean UTF-8 text: %q", r.Line, s)
			}
		}
		if r.Country != "" && (len(r.Country) != 2 || strings.ToUpper(r.Country) != r.Country ||
			strings.Trim(r.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
			t.Fatalf("row on line %d has country %q", r.Line, r.Country)
		}
		if r.Score < 0 || r.Score > 100 {
			t.Fatalf("row on line %d has score %d", r.Line, r.Score)
		}
	}
	for _, f := range []leadfile.Format{leadfile.CSV, leadfile.JSONL} {
		var b bytes.Buffer
		if err := leadfile.Write(&b, rows, f); err != nil {
			t.Fatalf("writing rows read back as %s: %v", f, err)
		}
		back, bad, err := leadfile.Read(&b, f)
		if err != nil || len(bad) > 0 {
			t.Fatalf("reading written %s: err %v, bad %v\n%q", f, err, bad, b.String())
		}
		if len(back) != len(rows) {
			t.Fatalf("%s round trip: %d rows, want %d", f, len(back), len(rows))
		}
		for i := range rows {
			want := rows[i]
			got := back[i]
			want.Line, got.Line = 0, 0
			if want != got {
				t.Fatalf("%s round trip of row %d:\n got %#v\nwant %#v", f, i, got, want)
			}
		}
	}
}

// nonBlankLines returns the 1-based numbers of the lines of data that hold
// more than white space, after a leading byte order mark.
func nonBlankLines(data []byte, blank func([]byte) bool) []int {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var out []int
	for i, l := range bytes.Split(data, []byte("\n")) {
		if !blank(l) {
			out = append(out, i+1)
		}
	}
	return out
}

func FuzzReadCSV(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzReadCSV.
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, rows, err := readAll(t, data, leadfile.CSV)
		if err != nil {
			if !errors.Is(err, leadfile.ErrHeader) {
				t.Fatalf("Read failed with %v, not a header error", err)
			}
			return
		}
		total := bytes.Count(data, []byte("\n")) + 1
		for i, l := range lines {
			if l < 2 || l > total || (i > 0 && l <= lines[i-1]) {
				t.Fatalf("row lines %v: out of order or outside 2..%d", lines, total)
			}
		}
		// Without quotes or carriage returns every non-empty line after
		// the header is one record: each is accounted for, good or bad.
		if !bytes.ContainsAny(data, "\"\r") {
			want := nonBlankLines(data, func(l []byte) bool { return len(l) == 0 })
			if len(want) == 0 || !slices.Equal(lines, want[1:]) {
				t.Fatalf("row lines %v, want the non-empty lines after the header %v", lines, want)
			}
		}
		checkRows(t, rows)
	})
}

func FuzzReadJSONL(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzReadJSONL.
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, rows, err := readAll(t, data, leadfile.JSONL)
		if err != nil {
			t.Fatalf("Read failed with %v: JSONL has no file-level error", err)
		}
		want := nonBlankLines(data, func(l []byte) bool { return len(bytes.TrimSpace(l)) == 0 })
		if !slices.Equal(lines, want) {
			t.Fatalf("row lines %v, want every non-blank line %v", lines, want)
		}
		checkRows(t, rows)
	})
}
