package outbound

import (
	"errors"
	"fmt"

	inv "github.com/outbound-go/outbound/invalid"
)

// Sentinel errors shared by every package. Stores and the engine wrap them, so
// callers test with errors.Is.
var (
	// ErrNotFound: the record does not exist, or is not visible to the caller's client.
	ErrNotFound = errors.New("outbound: not found")
	// ErrConflict: the record exists already (a duplicate ID or unique key).
	ErrConflict = errors.New("outbound: conflict")
	// ErrInvalid: input failed validation. Every *ValidationError and
	// every *invalid.FieldError, whichever package made it, matches it.
	ErrInvalid = inv.ErrInvalid
)

// ValidationError says which field of which record holds which bad value.
// errors.Is(err, ErrInvalid) holds for it.
type ValidationError struct {
	Record string // "lead", "client", "campaign", ...
	Field  string // the field's name as it is imported: "email", "score", "timezone"
	Value  string // the offending value, as given
	Reason string // what is wrong with it
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("outbound: %s %s %q: %s", e.Record, e.Field, e.Value, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) hold.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func invalid(record, field, value, reason string) error {
	return &ValidationError{Record: record, Field: field, Value: value, Reason: reason}
}
