package timing

import "github.com/outbound-go/outbound/invalid"

// ErrInvalid is what every bad-input error of this package matches with
// errors.Is: the module's [invalid.ErrInvalid]. A *[FieldError] and a
// *[ZoneError] match it.
var ErrInvalid = invalid.ErrInvalid

// FieldError reports a value that does not parse or a configuration field
// with a bad value: the module's invalid.FieldError with Package "timing".
// A parse names what was parsed ("date", "time of day", "weekdays") as its
// Field; a window names the window as its Record ("Window", "Windows[sms]")
// and the field ("Start", "End", "Days"); a ceiling its place in
// SchedulerConfig ("Ceilings[0]") and the field ("Country", "Channels",
// "Hours").
type FieldError = invalid.FieldError

// fieldErr returns a *FieldError of package timing.
func fieldErr(record, field string, value any, reason string) error {
	return invalid.Field("timing", record, field, value, reason)
}
