package sequence

import "github.com/outbound-go/outbound/invalid"

// ErrInvalid is what every input error of this package matches with
// errors.Is: the module's [invalid.ErrInvalid].
var ErrInvalid = invalid.ErrInvalid

// FieldError reports a field or argument with a bad value: the module's
// invalid.FieldError with Package "sequence". Record is "Sequence" or
// "Policy" for a field of one ("Steps[1].Day", "Tiers.Warm",
// "Gating[hot]"), empty for an argument ("score", "number").
// errors.Is(err, [ErrInvalid]) holds for it.
type FieldError = invalid.FieldError

// fieldErr returns a *FieldError of package sequence.
func fieldErr(record, field string, value any, reason string) error {
	return invalid.Field("sequence", record, field, value, reason)
}
