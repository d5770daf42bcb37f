package outbound

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/outbound-go/outbound/phone"
)

// DNCRStatus is what the Do Not Call Register said of a lead's number.
type DNCRStatus string

// The DNCR statuses. A number never washed, or washed too long ago, is
// treated as registered whatever its last status. Only clear and registered
// are answers of a register about the number; not_applicable says no
// register was asked, and unknown that the one asked could not say.
const (
	// DNCRUnknown: a register was asked and could not say (its data does
	// not cover the number, e.g. a US area code whose file is not loaded),
	// or nobody asked yet. It is not a wash: the number stays unwashed and
	// is never called or texted on its strength.
	DNCRUnknown DNCRStatus = "unknown"
	// DNCRClear: the number's register says it is not on the register.
	DNCRClear DNCRStatus = "clear"
	// DNCRRegistered: the number's register lists it: never called (nor
	// texted under the default policy).
	DNCRRegistered DNCRStatus = "registered"
	// DNCRNotApplicable: no register is configured for the number's
	// country, so none was asked. Unlike unknown it is a deliberate, final
	// answer of the deployment's configuration: it is recorded with its
	// washed-at time like a wash (so it expires and is asked again, and a
	// register configured later takes over), it is never treated as
	// registered, and the number is not blocked for want of a register;
	// the deployment is warned once per country instead.
	DNCRNotApplicable DNCRStatus = "not_applicable"
)

// Lead is one person to reach, with where and how to reach them.
type Lead struct {
	ID            LeadID
	Client        ClientID
	ExternalID    string // the host's or import file's ID
	Email         string
	Phone         string // E.164
	LinkedIn      string // profile URL or provider ID
	FirstName     string
	LastName      string
	Company       string
	CompanyDomain string
	Title         string
	Industry      string // the company's industry, as the lead file or an enricher named it
	Employees     int    // the company's headcount; 0 when not known
	Country       string // ISO 3166 alpha-2, upper case
	Region        string // state or province code
	City          string
	Postcode      string
	AddressLine1  string
	Zone          string // resolved IANA zone
	ZoneSource    string // how Zone was found (timing.ZoneSource)
	Score         int    // 0–100
	// ScoreSignals explain Score: what each signal gave (set by a
	// scorer; nil for a score the import file gave).
	ScoreSignals []ScoreSignal
	// Engaged is how the lead has responded so far, each once, in the
	// order of Engagements: a scorer reads it when it scores again.
	Engaged      []Engagement
	Tier         Tier
	DNCR         DNCRStatus
	DNCRWashedAt time.Time // zero: never washed
	CreatedAt    time.Time
}

// Validate checks the fields a lead is imported with, returning a
// *ValidationError naming the first bad field. A lead needs at least one way
// to reach it.
func (l *Lead) Validate() error {
	if l.Email != "" {
		if err := ValidateEmail(l.Email); err != nil {
			return invalid("lead", "email", l.Email, err.Error())
		}
	}
	if l.Phone != "" && !phone.IsE164(l.Phone) {
		return invalid("lead", "phone", l.Phone, "must be E.164: + and 8 to 15 digits")
	}
	if l.Email == "" && l.Phone == "" && l.LinkedIn == "" && l.AddressLine1 == "" {
		return invalid("lead", "email", "", "a lead needs an email, phone, linkedin or postal address")
	}
	if l.Country != "" && !isAlpha2(l.Country) {
		return invalid("lead", "country", l.Country, "must be an ISO 3166 alpha-2 code")
	}
	if l.Score < 0 || l.Score > 100 {
		return invalid("lead", "score", fmt.Sprint(l.Score), "must be between 0 and 100")
	}
	if l.Employees < 0 {
		return invalid("lead", "employees", fmt.Sprint(l.Employees), "must not be negative")
	}
	for _, e := range l.Engaged {
		if !e.Valid() {
			return invalid("lead", "engaged", string(e), "unknown engagement")
		}
	}
	if l.Zone != "" {
		if _, err := time.LoadLocation(l.Zone); err != nil {
			return invalid("lead", "timezone", l.Zone, "must be an IANA time zone name")
		}
	}
	return nil
}

// ValidateEmail checks that s is a bare address (no display name) with a
// domain that has a dot.
func ValidateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return fmt.Errorf("not an email address")
	}
	if a.Address != s || a.Name != "" {
		return fmt.Errorf("must be a bare address like name@example.com")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") {
		return fmt.Errorf("domain must contain a dot")
	}
	return nil
}

func isAlpha2(s string) bool {
	if len(s) != 2 {
		return false
	}
	for _, c := range s {
		if c > unicode.MaxASCII || !unicode.IsUpper(c) {
			return false
		}
	}
	return true
}
