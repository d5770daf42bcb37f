package sequence

import (
	"errors"
	"fmt"
)

// ErrInvalid is what every input error of this package wraps, so a caller
// can test any of them with errors.Is.
var ErrInvalid = errors.New("sequence: invalid input")

// FieldError reports a field or argument with a bad value that does not
// belong to a step: "score", "Tiers.Warm", "Gating[hot]", "Name".
type FieldError struct {
	Field  string // the field or argument, e.g. "score"
	Value  any    // the offending value
	Reason string // what is wrong with it
}

// Error implements error: "sequence: score = 101: must be within 0–100".
func (e *FieldError) Error() string {
	return fmt.Sprintf("sequence: %s = %v: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns [ErrInvalid].
func (e *FieldError) Unwrap() error { return ErrInvalid }

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
