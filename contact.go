package outbound

// Contact is one lead as a host or a lead file gives it, before the engine
// validates and normalises it: the one type of a lead's contact fields,
// which the lead file reader fills and the engine imports
// (distribution.LeadInput is this type). Line is where it came from.
type Contact struct {
	// Line is the 1-based line of the file the lead starts on; 0 when it
	// did not come from a file. Errors name it.
	Line int
	// ExternalID is the host's or the file's own ID for the lead.
	ExternalID string
	Email      string
	// Phone is the number as written: E.164, or national form of the
	// lead's country.
	Phone         string
	LinkedIn      string // profile URL or provider ID
	FirstName     string
	LastName      string
	Company       string
	CompanyDomain string // the company's domain ("acme.com"), without scheme or www.
	Title         string
	// Industry is the company's industry as the source names it
	// ("Software", "Legal Services"); Employees its headcount (a range
	// like "51-200" is read as its lower bound by the lead file reader); 0
	// when not known.
	Industry  string
	Employees int
	// Country is an ISO 3166-1 alpha-2 code or a country's name; Region a
	// state or province, by code or name.
	Country      string
	Region       string
	City         string
	Postcode     string
	AddressLine1 string
	// Timezone is the lead's IANA zone when known; "" to resolve it.
	Timezone string
	// Score is the lead's 0–100 score (ALS); 0 when the source gave none,
	// and the engine's scorer scores it on import.
	Score int
}
