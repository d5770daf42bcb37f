package outbound

import (
	"errors"

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

// ValidationError says which field of which record holds which bad value:
// the module's one field error, invalid.FieldError (Record "lead",
// "client", ...; Field as it is imported: "email", "score", "timezone").
// errors.Is(err, ErrInvalid) holds for it.
type ValidationError = inv.FieldError

// FieldError is ValidationError by the name every package uses.
type FieldError = inv.FieldError

func invalid(record, field, value, reason string) error {
	return &ValidationError{Package: "outbound", Record: record, Field: field, Value: value, Reason: reason}
}
