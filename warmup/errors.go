package warmup

import "github.com/outbound-go/outbound/invalid"

// ErrInvalid is the module's one bad-input error (outbound.ErrInvalid):
// every configuration error of this package matches it with errors.Is.
var ErrInvalid = invalid.ErrInvalid

// FieldError reports a configuration field with a bad value: the module's
// one field error (outbound.FieldError), with Package "warmup" and Field the
// path of the field as a Go expression ("Curve[2].FromDay", "Max",
// "MaxBounceRate"). It renders as "warmup: Curve[1].Limit = -5: must not be
// negative".
type FieldError = invalid.FieldError
