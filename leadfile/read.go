package leadfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxLineBytes is the longest JSONL line Read accepts; a longer line is
// rejected as a bad row (and skipped without being held in memory).
const MaxLineBytes = 1 << 20

// bom is the UTF-8 byte order mark some spreadsheets write first.
const bom = "\xEF\xBB\xBF"

// Reader reads a lead file row by row, holding one row in memory at a
// time. Build one with NewReader.
type Reader struct {
	csv   *csvSource
	jsonl *jsonlSource
}

// NewReader returns a Reader of r in format f. For CSV it reads the header
// at once and returns a *HeaderError (errors.Is(err, ErrHeader)) when the
// file is empty or its first line names no lead column or no contact
// column. A format other than CSV or JSONL wraps ErrUnknownFormat.
func NewReader(r io.Reader, f Format) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		_, _ = br.Discard(len(bom))
	}
	switch f {
	case CSV:
		s, err := newCSVSource(br)
		if err != nil {
			return nil, err
		}
		return &Reader{csv: s}, nil
	case JSONL:
		return &Reader{jsonl: &jsonlSource{br: br}}, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownFormat, string(f))
}

// Next returns the next row. A row that breaks a rule is returned as a
// *RowError with a zero Row, and the next call goes on with the row after
// it. At the end of the file Next returns io.EOF; any other error (a
// failing reader) ends the file too.
func (r *Reader) Next() (Row, error) {
	if r.csv != nil {
		return r.csv.next()
	}
	return r.jsonl.next()
}

// Read reads every row of r in format f: the good rows, and the rejected
// ones as *RowError values, both in file order. A bad row does not stop
// reading. The error is non-nil only when the file as a whole cannot be
// read: a *HeaderError for a CSV file without a usable header, an unknown
// format, or the reader's own failure (then the rows before it are
// returned too).
func Read(r io.Reader, f Format) ([]Row, []*RowError, error) {
	rd, err := NewReader(r, f)
	if err != nil {
		return nil, nil, err
	}
	var rows []Row
	var bad []*RowError
	for {
		row, err := rd.Next()
		var re *RowError
		switch {
		case err == nil:
			rows = append(rows, row)
		case errors.As(err, &re):
			bad = append(bad, re)
		case err == io.EOF:
			return rows, bad, nil
		default:
			return rows, bad, err
		}
	}
}

// value is one raw value of a row as the file gave it.
type value struct {
	text   string
	set    bool
	number bool   // a JSON number literal
	bad    string // non-empty: the JSON value has a type the column cannot take
}

// build turns the raw values of the row on line into a Row, or the first
// problem in column order.
func build(line int, vals *[numColumns]value) (Row, *RowError) {
	row := Row{Line: line}
	for c := range numColumns {
		v := vals[c]
		if !v.set {
			continue
		}
		name := columnNames[c]
		if v.bad != "" {
			return Row{}, &RowError{Line: line, Field: name, Value: v.text, Reason: v.bad}
		}
		s := strings.TrimSpace(v.text)
		if strings.IndexByte(s, '\r') >= 0 {
			s = lineBreaks.Replace(s)
		}
		if !utf8.ValidString(s) {
			return Row{}, &RowError{Line: line, Field: name, Value: v.text, Reason: "is not valid UTF-8"}
		}
		switch c {
		case colScore:
			n, reason := parseScore(s, v.number)
			if reason != "" {
				return Row{}, &RowError{Line: line, Field: name, Value: v.text, Reason: reason}
			}
			row.Score = n
		case colCountry:
			if s != "" && !isLetters2(s) {
				return Row{}, &RowError{Line: line, Field: name, Value: v.text, Reason: "must be an ISO 3166-1 alpha-2 code: two letters"}
			}
			row.Country = strings.ToUpper(s)
		default:
			*row.text(c) = s
		}
	}
	return row, nil
}

// lineBreaks turns the line breaks inside a value into "\n", as
// encoding/csv does with "\r\n" inside quotes, so both formats agree.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// parseScore reads a score: empty is 0; otherwise a decimal integer from 0
// to 100 (a JSON number may also be written with a fraction or exponent if
// its value is whole, like 85.0).
func parseScore(s string, number bool) (int, string) {
	if s == "" {
		return 0, ""
	}
	n, err := strconv.Atoi(s)
	if err != nil && number {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == math.Trunc(f) && math.Abs(f) <= 1e6 {
			n, err = int(f), nil
		}
	}
	if err != nil {
		return 0, "must be a whole number from 0 to 100"
	}
	if n < 0 || n > 100 {
		return 0, "must be from 0 to 100"
	}
	return n, ""
}

func isLetters2(s string) bool {
	if len(s) != 2 {
		return false
	}
	for i := range 2 {
		c := s[i] | 0x20 // ASCII lower case
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// contactColumns are the columns a lead can be reached through; a CSV
// header must name one of them.
var contactColumns = [...]column{colEmail, colPhone, colLinkedIn, colAddressLine1}

type csvSource struct {
	cr    *csv.Reader
	index []int // file column → lead column, or -1 for an unknown one
}

func newCSVSource(r io.Reader) (*csvSource, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // counted here, to say how many
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &HeaderError{Reason: "the file is empty; a CSV lead file starts with a header line naming its columns"}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, &HeaderError{Line: pe.StartLine, Reason: "malformed CSV: " + pe.Err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("leadfile: reading the header: %w", err)
	}
	line, _ := cr.FieldPos(0)
	s := &csvSource{cr: cr, index: make([]int, len(head))}
	var seen [numColumns]bool
	known := 0
	for i, name := range head {
		n := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\uFEFF")))
		c, ok := columnByName(n)
		if !ok {
			s.index[i] = -1
			continue
		}
		if seen[c] {
			return nil, &HeaderError{Line: line, Column: n, Reason: "appears more than once"}
		}
		seen[c] = true
		s.index[i] = int(c)
		known++
	}
	if known == 0 {
		return nil, &HeaderError{Line: line, Reason: "names none of the lead columns (" + strings.Join(columnNames[:], ", ") +
			"): the first line must be a header"}
	}
	hasContact := false
	for _, c := range contactColumns {
		hasContact = hasContact || seen[c]
	}
	if !hasContact {
		return nil, &HeaderError{Line: line, Reason: "has no contact column: name at least one of email, phone, linkedin, address_line1"}
	}
	return s, nil
}

func (s *csvSource) next() (Row, error) {
	rec, err := s.cr.Read()
	if err == io.EOF {
		return Row{}, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Row{}, &RowError{Line: pe.StartLine, Reason: "malformed CSV: " + pe.Err.Error()}
	}
	if err != nil {
		return Row{}, fmt.Errorf("leadfile: %w", err)
	}
	line, _ := s.cr.FieldPos(0)
	if len(rec) != len(s.index) {
		return Row{}, &RowError{Line: line, Reason: fmt.Sprintf("has %d fields; the header has %d", len(rec), len(s.index))}
	}
	var vals [numColumns]value
	for i, c := range s.index {
		if c >= 0 {
			vals[c] = value{text: rec[i], set: true}
		}
	}
	row, re := build(line, &vals)
	if re != nil {
		return Row{}, re
	}
	return row, nil
}

type jsonlSource struct {
	br   *bufio.Reader
	line int
	buf  []byte
	done bool
}

// readLine returns the next line without its newline, whether it was
// longer than MaxLineBytes (then its content is dropped), and io.EOF once
// there is no line left.
func (s *jsonlSource) readLine() ([]byte, bool, error) {
	if s.done {
		return nil, false, io.EOF
	}
	s.buf = s.buf[:0]
	tooLong, read := false, false
	for {
		chunk, err := s.br.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong && len(s.buf)+len(chunk) <= MaxLineBytes+1 { // +1: the newline
			s.buf = append(s.buf, chunk...)
		} else {
			tooLong, s.buf = true, s.buf[:0]
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
			return bytes.TrimSuffix(s.buf, []byte{'\n'}), tooLong, nil
		case io.EOF:
			s.done = true
			if !read {
				return nil, false, io.EOF
			}
			return s.buf, tooLong, nil
		default:
			s.done = true
			return nil, false, fmt.Errorf("leadfile: line %d: %w", s.line+1, err)
		}
	}
}

func (s *jsonlSource) next() (Row, error) {
	for {
		b, tooLong, err := s.readLine()
		if err != nil {
			return Row{}, err
		}
		s.line++
		if tooLong {
			return Row{}, &RowError{Line: s.line, Reason: fmt.Sprintf("is longer than %d bytes", MaxLineBytes)}
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue // blank lines are skipped
		}
		var vals [numColumns]value
		if re := decodeObject(s.line, b, &vals); re != nil {
			return Row{}, re
		}
		row, re := build(s.line, &vals)
		if re != nil {
			return Row{}, re
		}
		return row, nil
	}
}

// rawRow receives a JSONL object: encoding/json matches keys to the tags
// in any case, ignores unknown keys whatever their value, and lets the last
// of repeated keys win.
type rawRow struct {
	ID            json.RawMessage `json:"id"`
	Client        json.RawMessage `json:"client"`
	Email         json.RawMessage `json:"email"`
	Phone         json.RawMessage `json:"phone"`
	LinkedIn      json.RawMessage `json:"linkedin"`
	FirstName     json.RawMessage `json:"first_name"`
	LastName      json.RawMessage `json:"last_name"`
	Company       json.RawMessage `json:"company"`
	CompanyDomain json.RawMessage `json:"company_domain"`
	Title         json.RawMessage `json:"title"`
	Country       json.RawMessage `json:"country"`
	Region        json.RawMessage `json:"region"`
	City          json.RawMessage `json:"city"`
	Postcode      json.RawMessage `json:"postcode"`
	AddressLine1  json.RawMessage `json:"address_line1"`
	Timezone      json.RawMessage `json:"timezone"`
	Score         json.RawMessage `json:"score"`
}

// decodeObject reads one JSON object's lead keys into vals.
func decodeObject(line int, b []byte, vals *[numColumns]value) *RowError {
	if b[0] != '{' {
		if !json.Valid(b) {
			return &RowError{Line: line, Reason: "is not valid JSON"}
		}
		return &RowError{Line: line, Reason: "is not a JSON object"}
	}
	var r rawRow
	if err := json.Unmarshal(b, &r); err != nil {
		reason := "is not valid JSON"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			reason += fmt.Sprintf(" (at byte %d: %s)", se.Offset, se.Error())
		}
		return &RowError{Line: line, Reason: reason}
	}
	for c, raw := range [numColumns]json.RawMessage{
		r.ID, r.Client, r.Email, r.Phone, r.LinkedIn, r.FirstName, r.LastName, r.Company, r.CompanyDomain,
		r.Title, r.Country, r.Region, r.City, r.Postcode, r.AddressLine1, r.Timezone, r.Score,
	} {
		if raw != nil {
			vals[c] = jsonValue(column(c), raw)
		}
	}
	return nil
}

func jsonValue(c column, raw []byte) value {
	if len(raw) == 0 {
		return value{set: true}
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return value{text: string(raw), set: true, bad: "is not a valid JSON string"}
		}
		return value{text: s, set: true}
	case 'n': // null
		return value{set: true}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return value{text: string(raw), set: true, number: true}
	}
	if c == colScore {
		return value{text: string(raw), set: true, bad: "must be a number or a numeric string"}
	}
	return value{text: string(raw), set: true, bad: "must be a string"}
}
