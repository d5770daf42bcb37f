package warmup

import "github.com/outbound-go/outbound/invalid"

// ErrInvalid is what every configuration error of this package matches
// with errors.Is: the module's [invalid.ErrInvalid].
var ErrInvalid = invalid.ErrInvalid

// FieldError reports a configuration field with a bad value: the module's
// invalid.FieldError with Package "warmup", Record "Policy" or
// "HealthPolicy", and Field the path of the field as a Go expression
// ("Curve[2].FromDay", "Max", "MaxBounceRate"). errors.Is(err,
// [ErrInvalid]) holds for it.
type FieldError = invalid.FieldError

// fieldErr returns a *FieldError of package warmup.
func fieldErr(record, field string, value any, reason string) error {
	return invalid.Field("warmup", record, field, value, reason)
}
