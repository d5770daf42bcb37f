package phone

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers/v2"
	"github.com/nyaruka/phonenumbers/v2/timezone"

	"github.com/outbound-go/outbound/invalid"
)

// Type is the kind of line a number belongs to, as the numbering plan says.
// Its string form is stable and may be stored.
type Type string

// The types of [phonenumbers.PhoneNumberType], named for storage.
const (
	FixedLine         Type = "fixed_line"
	Mobile            Type = "mobile"
	FixedLineOrMobile Type = "fixed_line_or_mobile" // every NANP (+1) number
	TollFree          Type = "toll_free"
	PremiumRate       Type = "premium_rate"
	SharedCost        Type = "shared_cost"
	VoIP              Type = "voip"
	PersonalNumber    Type = "personal_number"
	Pager             Type = "pager"
	UAN               Type = "uan"
	Voicemail         Type = "voicemail"
	Unknown           Type = "unknown"
)

func typeOf(t phonenumbers.PhoneNumberType) Type {
	switch t {
	case phonenumbers.FIXED_LINE:
		return FixedLine
	case phonenumbers.MOBILE:
		return Mobile
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return FixedLineOrMobile
	case phonenumbers.TOLL_FREE:
		return TollFree
	case phonenumbers.PREMIUM_RATE:
		return PremiumRate
	case phonenumbers.SHARED_COST:
		return SharedCost
	case phonenumbers.VOIP:
		return VoIP
	case phonenumbers.PERSONAL_NUMBER:
		return PersonalNumber
	case phonenumbers.PAGER:
		return Pager
	case phonenumbers.UAN:
		return UAN
	case phonenumbers.VOICEMAIL:
		return Voicemail
	}
	return Unknown
}

// MaybeMobile reports whether a text message can reach the number: a mobile
// number, or one the numbering plan cannot tell from a landline (the US and
// Canada).
func (t Type) MaybeMobile() bool { return t == Mobile || t == FixedLineOrMobile }

// Number is a valid phone number in normal form.
type Number struct {
	// E164 is the number as "+" and digits, e.g. "+61293744000"; an
	// extension, if any was written, is dropped.
	E164 string
	// Country is the ISO 3166-1 alpha-2 code of the number's region ("AU"),
	// or "001" for a non-geographic global number.
	Country string
	// Type is the kind of line.
	Type Type
}

// ErrInvalid: the number cannot be parsed or is not a valid number of its
// region. Every *[FieldError] of [Parse] matches it; it is the module's
// [invalid.ErrInvalid].
var ErrInvalid = invalid.ErrInvalid

// FieldError reports a phone number that [Parse] refused: the module's
// invalid.FieldError with Package "phone", Field "number", Value the
// number as given and Reason why, naming the default country it was read
// with when one was given.
type FieldError = invalid.FieldError

// Parse reads a phone number written in national format (read as a number
// of defaultCountry, an ISO 3166-1 alpha-2 code in any case; "UK" is read as
// GB) or in international format ("+" and the country code; defaultCountry
// may then be empty), checks it is a valid number, and returns it in E.164
// with its region and line type. Anything else is a *[FieldError]
// matching [ErrInvalid].
func Parse(raw, defaultCountry string) (Number, error) {
	num, reason := parse(raw, normalizeCountry(defaultCountry))
	if reason != "" {
		if defaultCountry != "" {
			reason += fmt.Sprintf(" (default country %q)", defaultCountry)
		}
		return Number{}, invalid.Field("phone", "", "number", raw, reason)
	}
	return Number{
		E164:    phonenumbers.Format(num, phonenumbers.E164),
		Country: phonenumbers.GetRegionCodeForNumber(num),
		Type:    typeOf(phonenumbers.GetNumberType(num)),
	}, nil
}

// parse returns the number, or the reason it is not one.
func parse(raw, country string) (*phonenumbers.PhoneNumber, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, "empty"
	}
	num, err := phonenumbers.Parse(raw, country)
	if err != nil {
		if errors.Is(err, phonenumbers.ErrInvalidCountryCode) && !strings.HasPrefix(raw, "+") {
			return nil, "no +country code and no known default country"
		}
		return nil, err.Error()
	}
	if !phonenumbers.IsValidNumber(num) {
		return nil, "not a number in use in its region"
	}
	return num, ""
}

// Zones returns the IANA zones the numbering plan ties the number's prefix
// to, as the libphonenumber data names them (some are old names: a caller
// maps them to current ones). It is empty for a number that is not valid or
// whose prefix has no known zone.
func Zones(n Number) []string {
	num, reason := parse(n.E164, "")
	if reason != "" {
		return nil
	}
	zones, err := timezone.GetTimeZonesForGeographicalNumber(num)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(zones))
	for _, z := range zones {
		if z != "" && z != timezone.Unknown {
			out = append(out, z)
		}
	}
	return out
}

// IsE164 reports whether s is a phone number in E.164 form: "+", then 8 to
// 15 ASCII digits, the first of them not 0. It checks the form only, not
// whether the number exists.
func IsE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalizeCountry trims and upper-cases an ISO 3166-1 alpha-2 code and reads
// the common "UK" as "GB".
func normalizeCountry(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if c == "UK" {
		return "GB"
	}
	return c
}
