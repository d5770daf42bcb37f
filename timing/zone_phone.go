package timing

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers/v2"
	"github.com/nyaruka/phonenumbers/v2/timezone"
)

// PhoneType is the kind of line a number belongs to, as the numbering plan
// says. Its string form is stable and may be stored.
type PhoneType string

// The types of [phonenumbers.PhoneNumberType], named for storage.
const (
	PhoneFixedLine         PhoneType = "fixed_line"
	PhoneMobile            PhoneType = "mobile"
	PhoneFixedLineOrMobile PhoneType = "fixed_line_or_mobile" // every NANP (+1) number
	PhoneTollFree          PhoneType = "toll_free"
	PhonePremiumRate       PhoneType = "premium_rate"
	PhoneSharedCost        PhoneType = "shared_cost"
	PhoneVoIP              PhoneType = "voip"
	PhonePersonalNumber    PhoneType = "personal_number"
	PhonePager             PhoneType = "pager"
	PhoneUAN               PhoneType = "uan"
	PhoneVoicemail         PhoneType = "voicemail"
	PhoneUnknown           PhoneType = "unknown"
)

func phoneTypeOf(t phonenumbers.PhoneNumberType) PhoneType {
	switch t {
	case phonenumbers.FIXED_LINE:
		return PhoneFixedLine
	case phonenumbers.MOBILE:
		return PhoneMobile
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return PhoneFixedLineOrMobile
	case phonenumbers.TOLL_FREE:
		return PhoneTollFree
	case phonenumbers.PREMIUM_RATE:
		return PhonePremiumRate
	case phonenumbers.SHARED_COST:
		return PhoneSharedCost
	case phonenumbers.VOIP:
		return PhoneVoIP
	case phonenumbers.PERSONAL_NUMBER:
		return PhonePersonalNumber
	case phonenumbers.PAGER:
		return PhonePager
	case phonenumbers.UAN:
		return PhoneUAN
	case phonenumbers.VOICEMAIL:
		return PhoneVoicemail
	}
	return PhoneUnknown
}

// MaybeMobile reports whether a text message can reach the number: a mobile
// number, or one the numbering plan cannot tell from a landline (the US and
// Canada).
func (t PhoneType) MaybeMobile() bool { return t == PhoneMobile || t == PhoneFixedLineOrMobile }

// Phone is a valid phone number in normal form.
type Phone struct {
	// E164 is the number as "+" and digits, e.g. "+61293744000"; an
	// extension, if any was written, is dropped.
	E164 string
	// Country is the ISO 3166-1 alpha-2 code of the number's region ("AU"),
	// or "001" for a non-geographic global number.
	Country string
	// Type is the kind of line.
	Type PhoneType
}

// ErrInvalidPhone: the number cannot be parsed or is not a valid number of its
// region. [NormalizePhone] wraps it in a [*PhoneError].
var ErrInvalidPhone = errors.New("invalid phone number")

// PhoneError reports a phone number that [NormalizePhone] refused.
type PhoneError struct {
	// Value is the number as given.
	Value string
	// Country is the default country it was read with, as given.
	Country string
	// Err wraps [ErrInvalidPhone].
	Err error
}

func (e *PhoneError) Error() string {
	if e.Country == "" {
		return fmt.Sprintf("timing: phone %q: %v", e.Value, e.Err)
	}
	return fmt.Sprintf("timing: phone %q (country %q): %v", e.Value, e.Country, e.Err)
}

func (e *PhoneError) Unwrap() error { return e.Err }

// NormalizePhone parses a phone number written in national format (read as a
// number of defaultCountry, an ISO 3166-1 alpha-2 code in any case) or in
// international format ("+" and the country code; defaultCountry may then be
// empty), checks it is a valid number, and returns it in E.164 with its
// region and line type. Anything else is a [*PhoneError] wrapping
// [ErrInvalidPhone].
func NormalizePhone(raw, defaultCountry string) (Phone, error) {
	num, err := parsePhone(raw, normalizeCountry(defaultCountry))
	if err != nil {
		return Phone{}, &PhoneError{Value: raw, Country: defaultCountry, Err: err}
	}
	return Phone{
		E164:    phonenumbers.Format(num, phonenumbers.E164),
		Country: phonenumbers.GetRegionCodeForNumber(num),
		Type:    phoneTypeOf(phonenumbers.GetNumberType(num)),
	}, nil
}

func parsePhone(raw, country string) (*phonenumbers.PhoneNumber, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidPhone)
	}
	num, err := phonenumbers.Parse(raw, country)
	if err != nil {
		if errors.Is(err, phonenumbers.ErrInvalidCountryCode) && !strings.HasPrefix(raw, "+") {
			return nil, fmt.Errorf("%w: no +country code and no known default country", ErrInvalidPhone)
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalidPhone, err)
	}
	if !phonenumbers.IsValidNumber(num) {
		return nil, fmt.Errorf("%w: not a number in use in its region", ErrInvalidPhone)
	}
	return num, nil
}

// phoneZone applies rule 2 of Resolve: a valid fixed-line number whose prefix
// maps to exactly one known zone.
func (r *ZoneResolver) phoneZone(raw, country string) (string, bool) {
	num, err := parsePhone(raw, country)
	if err != nil || phonenumbers.GetNumberType(num) != phonenumbers.FIXED_LINE {
		return "", false
	}
	zones, err := timezone.GetTimeZonesForGeographicalNumber(num)
	if err != nil || len(zones) != 1 || zones[0] == timezone.Unknown || zones[0] == "" {
		return "", false
	}
	name := zones[0]
	if cur, ok := r.renames[name]; ok {
		name = cur
	}
	return name, true
}
