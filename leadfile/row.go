package leadfile

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
)

// Row is one lead as a file holds it, after the checks this package makes
// (see the package documentation) and before the engine's own validation.
// Its fields are the file's columns; every text field is trimmed of
// surrounding white space, and a line break inside one ("\r\n" or "\r")
// reads as "\n".
type Row struct {
	// Contact is the lead's fields (outbound.Contact): Line is the 1-based
	// line of the file the row starts on (0 for a row not read from a
	// file; writers ignore it); Country is an ISO 3166-1 alpha-2 code, read
	// from a code or a name; CompanyDomain the host of a website; Score
	// 0–100, an empty or absent score reading as 0; Employees the
	// company's headcount, a range ("51-200", "10,001+") read as its lower
	// bound, empty as 0.
	outbound.Contact
	// Client is the "client" column: which client the lead belongs to, in
	// whatever form the importing program understands (a name, a number).
	Client string
}

// column identifies one of the file's columns.
type column uint8

const (
	colID column = iota
	colClient
	colEmail
	colPhone
	colLinkedIn
	colFirstName
	colLastName
	colCompany
	colCompanyDomain
	colTitle
	colCountry
	colRegion
	colCity
	colPostcode
	colAddressLine1
	colTimezone
	colScore
	colIndustry
	colEmployees
	numColumns
)

var columnNames = [numColumns]string{
	"id", "client", "email", "phone", "linkedin", "first_name", "last_name", "company", "company_domain",
	"title", "country", "region", "city", "postcode", "address_line1", "timezone", "score", "industry", "employees",
}

// Columns returns the column names this package reads and writes, in the
// order a CSV writer puts them.
func Columns() []string { return append([]string(nil), columnNames[:]...) }

func columnByName(name string) (column, bool) {
	for c, n := range columnNames {
		if n == name {
			return column(c), true
		}
	}
	return 0, false
}

// text returns a pointer to the row's text field for c; nil for the
// numeric columns (score, employees).
func (r *Row) text(c column) *string {
	switch c {
	case colID:
		return &r.ExternalID
	case colClient:
		return &r.Client
	case colEmail:
		return &r.Email
	case colPhone:
		return &r.Phone
	case colLinkedIn:
		return &r.LinkedIn
	case colFirstName:
		return &r.FirstName
	case colLastName:
		return &r.LastName
	case colCompany:
		return &r.Company
	case colCompanyDomain:
		return &r.CompanyDomain
	case colTitle:
		return &r.Title
	case colCountry:
		return &r.Country
	case colRegion:
		return &r.Region
	case colCity:
		return &r.City
	case colPostcode:
		return &r.Postcode
	case colAddressLine1:
		return &r.AddressLine1
	case colTimezone:
		return &r.Timezone
	case colIndustry:
		return &r.Industry
	}
	return nil
}

// Errors this package wraps; test for them with errors.Is.
var (
	// ErrInvalidRow is matched by every *RowError: one row was rejected and
	// reading went on.
	ErrInvalidRow = errors.New("leadfile: invalid row")
	// ErrHeader is matched by every *HeaderError: a CSV file whose header
	// is missing or unusable, so nothing could be read.
	ErrHeader = errors.New("leadfile: bad header")
)

// RowError is one rejected row: its line, the field at fault (a column
// name, or "" when the row as a whole is wrong), the value as given and the
// reason. errors.Is(err, ErrInvalidRow) holds for it.
type RowError struct {
	Line   int
	Field  string
	Value  string
	Reason string
}

// maxShown is how many bytes of a bad value an error message quotes.
const maxShown = 80

func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("leadfile: line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("leadfile: line %d: %s %q: %s", e.Line, e.Field, shorten(e.Value), e.Reason)
}

// Is makes errors.Is(err, ErrInvalidRow) and errors.Is(err,
// outbound.ErrInvalid) hold.
func (e *RowError) Is(target error) bool {
	return target == ErrInvalidRow || target == invalid.ErrInvalid
}

// HeaderError says why a CSV file's header cannot be used. errors.Is(err,
// ErrHeader) holds for it.
type HeaderError struct {
	Line   int    // the header's line; 0 when the file is empty
	Column string // the column at fault, or ""
	Reason string
}

func (e *HeaderError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("leadfile: header (line %d): %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("leadfile: header (line %d): column %q: %s", e.Line, shorten(e.Column), e.Reason)
}

// Is makes errors.Is(err, ErrHeader) and errors.Is(err,
// outbound.ErrInvalid) hold.
func (e *HeaderError) Is(target error) bool {
	return target == ErrHeader || target == invalid.ErrInvalid
}

// shorten cuts s to at most maxShown bytes on a rune boundary, marking the
// cut with "…".
func shorten(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
