package leadfile

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/outbound-go/outbound/place"
)

// Writer writes rows in a format Read reads back to the same rows (Line
// aside). Build one with NewWriter and call Flush when done.
type Writer struct {
	format Format
	bw     *bufio.Writer
	cw     *csv.Writer
	enc    *json.Encoder
	header bool
	rec    []string
}

// NewWriter returns a Writer to w in format f. A format other than CSV or
// JSONL wraps ErrUnknownFormat.
func NewWriter(w io.Writer, f Format) (*Writer, error) {
	bw := bufio.NewWriter(w)
	switch f {
	case CSV:
		return &Writer{format: f, bw: bw, cw: csv.NewWriter(bw), rec: make([]string, numColumns)}, nil
	case JSONL:
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &Writer{format: f, bw: bw, enc: enc}, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownFormat, string(f))
}

// jsonRow is a row as a JSONL line: empty text fields are left out, the
// score never is.
type jsonRow struct {
	ID            string `json:"id,omitempty"`
	Client        string `json:"client,omitempty"`
	Email         string `json:"email,omitempty"`
	Phone         string `json:"phone,omitempty"`
	LinkedIn      string `json:"linkedin,omitempty"`
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
	Company       string `json:"company,omitempty"`
	CompanyDomain string `json:"company_domain,omitempty"`
	Title         string `json:"title,omitempty"`
	Country       string `json:"country,omitempty"`
	Region        string `json:"region,omitempty"`
	City          string `json:"city,omitempty"`
	Postcode      string `json:"postcode,omitempty"`
	AddressLine1  string `json:"address_line1,omitempty"`
	Timezone      string `json:"timezone,omitempty"`
	Score         int    `json:"score"`
	Industry      string `json:"industry,omitempty"`
	Employees     int    `json:"employees,omitempty"`
}

// Write writes one row. It refuses, with a *RowError naming the field, a
// row Read would reject: a field that is not valid UTF-8, a country that is
// not two letters, a score outside 0–100.
func (w *Writer) Write(r Row) error {
	if re := r.check(); re != nil {
		return re
	}
	if w.format == JSONL {
		return w.enc.Encode(jsonRow{
			ID: r.ExternalID, Client: r.Client, Email: r.Email, Phone: r.Phone, LinkedIn: r.LinkedIn,
			FirstName: r.FirstName, LastName: r.LastName, Company: r.Company, CompanyDomain: r.CompanyDomain,
			Title: r.Title, Country: r.Country, Region: r.Region, City: r.City, Postcode: r.Postcode,
			AddressLine1: r.AddressLine1, Timezone: r.Timezone, Score: r.Score, Industry: r.Industry, Employees: r.Employees,
		})
	}
	if err := w.writeHeader(); err != nil {
		return err
	}
	for c := range numColumns {
		switch c {
		case colScore:
			w.rec[c] = strconv.Itoa(r.Score)
		case colEmployees:
			w.rec[c] = ""
			if r.Employees != 0 {
				w.rec[c] = strconv.Itoa(r.Employees)
			}
		default:
			w.rec[c] = *r.text(c)
		}
	}
	return w.cw.Write(w.rec)
}

func (w *Writer) writeHeader() error {
	if w.header {
		return nil
	}
	w.header = true
	return w.cw.Write(columnNames[:])
}

// Flush writes what is buffered (for CSV, the header at least, so an empty
// file still reads back) and reports any write error.
func (w *Writer) Flush() error {
	if w.format == CSV {
		if err := w.writeHeader(); err != nil {
			return err
		}
		w.cw.Flush()
		if err := w.cw.Error(); err != nil {
			return err
		}
	}
	return w.bw.Flush()
}

// Write writes rows to w in format f and flushes.
func Write(w io.Writer, rows []Row, f Format) error {
	wr, err := NewWriter(w, f)
	if err != nil {
		return err
	}
	for i := range rows {
		if err := wr.Write(rows[i]); err != nil {
			return err
		}
	}
	return wr.Flush()
}

// check reports what Read would reject in r.
func (r *Row) check() *RowError {
	for c := range numColumns {
		if r.text(c) == nil {
			continue
		}
		if s := *r.text(c); !utf8.ValidString(s) {
			return &RowError{Line: r.Line, Field: columnNames[c], Value: s, Reason: "is not valid UTF-8"}
		}
	}
	if _, known := place.CountryName(r.Country); r.Country != "" && (len(r.Country) != 2 || !known) {
		return &RowError{Line: r.Line, Field: "country", Value: r.Country, Reason: "must be an ISO 3166-1 alpha-2 code"}
	}
	if r.Score < 0 || r.Score > 100 {
		return &RowError{Line: r.Line, Field: "score", Value: strconv.Itoa(r.Score), Reason: "must be from 0 to 100"}
	}
	if r.Employees < 0 {
		return &RowError{Line: r.Line, Field: "employees", Value: strconv.Itoa(r.Employees), Reason: "must not be negative"}
	}
	return nil
}
