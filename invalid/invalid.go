package invalid

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrInvalid is what every *FieldError matches with errors.Is.
var ErrInvalid = errors.New("outbound: invalid input")

// FieldError says which field of which record held which bad value, and why.
type FieldError struct {
	// Package is who refused the value: "distribution", "pool", "leadfile".
	Package string
	// Record is the record or argument the field belongs to: "lead",
	// "client", "Config"; empty when the field stands alone.
	Record string
	// Field is the field's name as the caller wrote it: "email", "Workers",
	// "Curve[1].Limit".
	Field string
	// Value is the offending value, as given.
	Value any
	// Reason is what is wrong with it: "must not be negative".
	Reason string
}

// Field returns a *FieldError.
func Field(pkg, record, field string, value any, reason string) error {
	return &FieldError{Package: pkg, Record: record, Field: field, Value: value, Reason: reason}
}

// Error renders `pool: Config.HoldFor = -1h0m0s: must be positive` or
// `outbound: lead email "ann@": not an email address`.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Package != "" {
		b.WriteString(e.Package)
		b.WriteString(": ")
	}
	switch {
	case e.Record != "" && e.Field != "":
		b.WriteString(e.Record + "." + e.Field)
	default:
		b.WriteString(e.Record + e.Field)
	}
	b.WriteString(" = ")
	b.WriteString(Show(e.Value))
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) hold.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Show renders a value for an error message: strings quoted (cut to 64
// characters, "…" marking the cut), Stringers by their String, nil as
// <nil>, anything else with %v.
func Show(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case string:
		return fmt.Sprintf("%q", shorten(x))
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprintf("%v", v)
}

// maxShown is how many characters of a string value an error shows: a
// message body or a pasted file line is cut, with "…" where it was.
const maxShown = 64

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	r := []rune(s)
	return string(r[:maxShown-1]) + "…"
}
