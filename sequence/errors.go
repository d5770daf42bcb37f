package sequence

import (
	"fmt"

	"github.com/outbound-go/outbound/invalid"
)

// ErrInvalid is the module's one bad-input error (outbound.ErrInvalid):
// every input error of this package matches it with errors.Is.
var ErrInvalid = invalid.ErrInvalid

// FieldError reports a field or argument with a bad value that does not
// belong to a step ("score", "Tiers.Warm", "Gating[hot]", "Name"): the
// module's one field error (outbound.FieldError), with Package "sequence".
// It renders as "sequence: score = 101: must be within 0–100".
type FieldError = invalid.FieldError

// StepError reports a bad field of one step of a [Sequence].
type StepError struct {
	Step   int    // 1-based position of the step in Sequence.Steps
	Field  string // the step's field: "Number", "Day", "Channel", "Action", "Fallback"
	Value  any    // the offending value
	Reason string // what is wrong with it
}

// Error implements error: "sequence: step 2: Day = 1: must not be before step 1's day (3)".
func (e *StepError) Error() string {
	return fmt.Sprintf("sequence: step %d: %s = %v: %s", e.Step, e.Field, e.Value, e.Reason)
}

// Unwrap returns [ErrInvalid].
func (e *StepError) Unwrap() error { return ErrInvalid }
