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
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/outbound-go/outbound/place"
)

// MaxLineBytes is the longest JSONL line Read accepts; a longer line is
// rejected as a bad row (and skipped without being held in memory).
const MaxLineBytes = 1 << 20

// bom is the UTF-8 byte order mark some spreadsheets write first.
const bom = "\xEF\xBB\xBF"

// Reader reads a lead file row by row, holding one row in memory at a
// time. Build one with NewReader.
type Reader struct {
	csv     *csvSource
	jsonl   *jsonlSource
	unknown *unknownSet
}

// NewReader returns a Reader of r in format f with no hand mapping
// (NewReaderOptions).
func NewReader(r io.Reader, f Format) (*Reader, error) {
	return NewReaderOptions(r, f, Options{})
}

// NewReaderOptions returns a Reader of r in format f. Columns (CSV header
// names, JSONL keys) match the lead columns and their aliases in any case
// and spacing (Aliases), or as o.Map maps them. For CSV it reads the header
// at once and returns a *HeaderError (errors.Is(err, ErrHeader)) when the
// file is empty, its first line names no lead column or no contact column,
// or two of its columns fill one field the same way. A format other than
// CSV or JSONL wraps ErrUnknownFormat; a bad o.Map is a
// *invalid.FieldError.
func NewReaderOptions(r io.Reader, f Format, o Options) (*Reader, error) {
	res, err := newResolver(o)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		_, _ = br.Discard(len(bom))
	}
	unknown := &unknownSet{}
	switch f {
	case CSV:
		s, err := newCSVSource(br, res, unknown)
		if err != nil {
			return nil, err
		}
		return &Reader{csv: s, unknown: unknown}, nil
	case JSONL:
		return &Reader{jsonl: &jsonlSource{br: br, res: res, unknown: unknown}, unknown: unknown}, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownFormat, string(f))
}

// Unknown returns the names of the file's columns (CSV header names, JSONL
// keys seen so far) that no lead column takes, once each, in the order
// first seen: they are not read, and a program says so rather than drop
// them silently.
func (r *Reader) Unknown() []string { return append([]string(nil), r.unknown.names...) }

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
	res, err := ReadOptions(r, f, Options{})
	return res.Rows, res.Bad, err
}

// Result is what ReadOptions read.
type Result struct {
	Rows    []Row       // the good rows, in file order
	Bad     []*RowError // the rejected rows, in file order
	Unknown []string    // the columns no lead column takes (Reader.Unknown)
}

// ReadOptions is Read with options: a hand mapping of columns, and the
// unknown columns reported.
func ReadOptions(r io.Reader, f Format, o Options) (Result, error) {
	var res Result
	rd, err := NewReaderOptions(r, f, o)
	if err != nil {
		return res, err
	}
	for {
		row, err := rd.Next()
		var re *RowError
		switch {
		case err == nil:
			res.Rows = append(res.Rows, row)
		case errors.As(err, &re):
			res.Bad = append(res.Bad, re)
		default:
			res.Unknown = rd.Unknown()
			if err == io.EOF {
				err = nil
			}
			return res, err
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
	var row Row
	row.Line = line
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
		case colEmployees:
			n, reason := parseEmployees(s)
			if reason != "" {
				return Row{}, &RowError{Line: line, Field: name, Value: v.text, Reason: reason}
			}
			row.Employees = n
		case colCountry:
			if s == "" {
				continue
			}
			cc, ok := place.Country(s)
			if !ok {
				return Row{}, &RowError{Line: line, Field: name, Value: v.text, Reason: "is not a country: want an ISO 3166-1 code or a country's name"}
			}
			row.Country = cc
		case colCompanyDomain:
			row.CompanyDomain = hostOf(s)
		case colPhone:
			// Spreadsheets export a number kept as text with a leading
			// apostrophe ('+1 212 555 0100).
			row.Phone = strings.TrimSpace(strings.TrimPrefix(s, "'"))
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

// parseEmployees reads a headcount as exports write it: "120", "1,200",
// "51-200" or "51 - 200" (the lower bound), "10001+" or "10,001+"; empty
// is 0 (not known).
func parseEmployees(s string) (int, string) {
	if s == "" {
		return 0, ""
	}
	lo, _, _ := strings.Cut(s, "-")
	lo = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(lo), "+"))
	lo = strings.ReplaceAll(lo, ",", "")
	n, err := strconv.Atoi(lo)
	if err != nil && strings.ContainsAny(lo, ".eE") {
		if f, ferr := strconv.ParseFloat(lo, 64); ferr == nil && f == math.Trunc(f) && f >= 0 && f <= 1e9 {
			n, err = int(f), nil
		}
	}
	if err != nil || n < 0 || n > 1e9 {
		return 0, `must be a headcount: a whole number, or a range like "51-200"`
	}
	return n, ""
}

// hostOf reads a company's domain from a website as exports give it
// ("https://www.acme.com/about", "www.acme.com", "acme.com"): the host,
// lower case, without "www." or a port.
func hostOf(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[i:], "]") {
		s = s[:i]
	}
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	return strings.TrimPrefix(s, "www.")
}

// take puts v in vals at src's column unless a column of a better rank
// already gave it a value that is not blank: a blank value of a better
// rank gives way to a later, filled one (a row with no corporate phone
// takes its mobile).
func take(vals *[numColumns]value, ranks *[numColumns]int, src source, v value) {
	cur := vals[src.col]
	switch {
	case !cur.set:
	case blank(cur) && !blank(v):
	case !blank(cur) && blank(v):
		return
	case src.rank >= ranks[src.col]:
		return
	}
	vals[src.col], ranks[src.col] = v, src.rank
}

func blank(v value) bool { return strings.TrimSpace(v.text) == "" && v.bad == "" }

// contactColumns are the columns a lead can be reached through; a CSV
// header must name one of them.
var contactColumns = [...]column{colEmail, colPhone, colLinkedIn, colAddressLine1}

type csvSource struct {
	cr    *csv.Reader
	index []source // file column → where it goes; noColumn for an unknown one
}

func newCSVSource(r io.Reader, res *resolver, unknown *unknownSet) (*csvSource, error) {
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
	s := &csvSource{cr: cr, index: make([]source, len(head))}
	var seen [numColumns]bool
	taken := map[source]string{}
	known := 0
	for i, name := range head {
		n := strings.TrimSpace(strings.TrimPrefix(name, "\uFEFF"))
		src, ok := res.lookup(n)
		if !ok {
			s.index[i] = source{col: noColumn}
			unknown.add(n)
			continue
		}
		if other, dup := taken[src]; dup {
			reason := "appears more than once"
			if headerKey(other) != headerKey(n) {
				reason = fmt.Sprintf("fills %s as %q does", columnNames[src.col], other)
			}
			return nil, &HeaderError{Line: line, Column: n, Reason: reason}
		}
		taken[src] = n
		seen[src.col] = true
		s.index[i] = src
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
	var ranks [numColumns]int
	for i, src := range s.index {
		if src.col != noColumn {
			take(&vals, &ranks, src, value{text: rec[i], set: true})
		}
	}
	row, re := build(line, &vals)
	if re != nil {
		return Row{}, re
	}
	return row, nil
}

type jsonlSource struct {
	br      *bufio.Reader
	res     *resolver
	unknown *unknownSet
	line    int
	buf     []byte
	done    bool
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
		if re := s.decodeObject(s.line, b, &vals); re != nil {
			return Row{}, re
		}
		row, re := build(s.line, &vals)
		if re != nil {
			return Row{}, re
		}
		return row, nil
	}
}

// decodeObject reads one JSON object's lead keys into vals: keys match
// the lead columns and their aliases in any case and spacing; a key that
// matches none is listed as unknown; of repeated keys the last wins.
func (s *jsonlSource) decodeObject(line int, b []byte, vals *[numColumns]value) *RowError {
	if b[0] != '{' {
		if !json.Valid(b) {
			return &RowError{Line: line, Reason: "is not valid JSON"}
		}
		return &RowError{Line: line, Reason: "is not a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		reason := "is not valid JSON"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			reason += fmt.Sprintf(" (at byte %d: %s)", se.Offset, se.Error())
		}
		return &RowError{Line: line, Reason: reason}
	}
	if dec.More() {
		return &RowError{Line: line, Reason: "is not valid JSON: more than one value"}
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same choice whatever the map's order
	var ranks [numColumns]int
	for _, k := range keys {
		src, ok := s.res.lookup(k)
		if !ok {
			s.unknown.add(k)
			continue
		}
		take(vals, &ranks, src, jsonValue(src.col, raw[k]))
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
	if c == colScore || c == colEmployees {
		return value{text: string(raw), set: true, bad: "must be a number or a numeric string"}
	}
	return value{text: string(raw), set: true, bad: "must be a string"}
}
