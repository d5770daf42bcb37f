package warmup

import (
	"errors"
	"fmt"
)

// ErrInvalid is what every configuration error of this package wraps, so a
// caller can test any of them with errors.Is.
var ErrInvalid = errors.New("warmup: invalid configuration")

// FieldError reports a configuration field with a bad value. Field is the
// path of the field as a Go expression ("Curve[2].FromDay", "Max",
// "MaxBounceRate").
type FieldError struct {
	Field  string // the field, e.g. "Curve[1].Limit"
	Value  any    // the offending value
	Reason string // what is wrong with it, e.g. "must not be negative"
}

// Error implements error: "warmup: Curve[1].Limit = -5: must not be negative".
func (e *FieldError) Error() string {
	return fmt.Sprintf("warmup: %s = %v: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns [ErrInvalid].
func (e *FieldError) Unwrap() error { return ErrInvalid }
