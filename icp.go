package outbound

import (
	"fmt"
	"strings"

	fields "github.com/outbound-go/outbound/invalid"
)

// Seniority is how senior a title is, from the lowest.
type Seniority string

// The seniorities, from the lowest.
const (
	SeniorityIndividual Seniority = "individual" // an individual contributor
	SeniorityManager    Seniority = "manager"    // a manager or team lead
	SeniorityDirector   Seniority = "director"
	SeniorityVP         Seniority = "vp"      // a vice president or head of a function
	SeniorityExecutive  Seniority = "c_level" // an owner, founder, partner, managing director or chief
)

// Seniorities returns the seniorities from the lowest.
func Seniorities() []Seniority {
	return []Seniority{SeniorityIndividual, SeniorityManager, SeniorityDirector, SeniorityVP, SeniorityExecutive}
}

// Rank is the seniority's place from 1 (individual) to 5 (c-level); 0 for
// an unknown one.
func (s Seniority) Rank() int {
	for i, v := range Seniorities() {
		if s == v {
			return i + 1
		}
	}
	return 0
}

// ICP is a client's ideal customer profile: who a campaign is for. A
// scorer rates each lead by its fit; an empty field accepts anyone.
type ICP struct {
	// Countries are ISO 3166 alpha-2 codes of the headquarters or lead
	// countries that fit.
	Countries []string `json:"countries,omitempty"`
	// Regions are the states or provinces that fit, as "AU-NSW" (country
	// and region code); a lead in a listed country outside them fits less.
	Regions []string `json:"regions,omitempty"`
	// Industries are the industries that fit, compared without regard to
	// case ("software", "legal", "healthcare").
	Industries []string `json:"industries,omitempty"`
	// MinEmployees and MaxEmployees bound the company's headcount; 0 leaves
	// a side open.
	MinEmployees int `json:"min_employees,omitempty"`
	MaxEmployees int `json:"max_employees,omitempty"`
	// Titles are words a fitting title holds ("marketing", "growth").
	Titles []string `json:"titles,omitempty"`
	// Seniority is the lowest seniority that fits; "" accepts any.
	Seniority Seniority `json:"seniority,omitempty"`
}

// IsZero reports whether the profile accepts anyone.
func (p ICP) IsZero() bool {
	return len(p.Countries) == 0 && len(p.Regions) == 0 && len(p.Industries) == 0 && p.MinEmployees == 0 &&
		p.MaxEmployees == 0 && len(p.Titles) == 0 && p.Seniority == ""
}

// Validate reports the first bad field as a *invalid.FieldError naming it
// and its value: a country that is not an upper-case alpha-2 code, a region
// not written "CC-REGION", a negative or inverted headcount, an unknown
// seniority, an empty industry or title.
func (p ICP) Validate() error {
	bad := func(field string, v any, reason string) error {
		return fields.Field("outbound", "ICP", field, v, reason)
	}
	for i, c := range p.Countries {
		if !isAlpha2(c) {
			return bad(fmt.Sprintf("Countries[%d]", i), c, "must be an ISO 3166 alpha-2 code in upper case")
		}
	}
	for i, r := range p.Regions {
		cc, code, ok := strings.Cut(r, "-")
		if !ok || !isAlpha2(cc) || code == "" {
			return bad(fmt.Sprintf("Regions[%d]", i), r, `must be a country code and a region code, as "AU-NSW"`)
		}
	}
	for i, s := range p.Industries {
		if strings.TrimSpace(s) == "" {
			return bad(fmt.Sprintf("Industries[%d]", i), s, "must not be empty")
		}
	}
	for i, s := range p.Titles {
		if strings.TrimSpace(s) == "" {
			return bad(fmt.Sprintf("Titles[%d]", i), s, "must not be empty")
		}
	}
	switch {
	case p.MinEmployees < 0:
		return bad("MinEmployees", p.MinEmployees, "must not be negative")
	case p.MaxEmployees < 0:
		return bad("MaxEmployees", p.MaxEmployees, "must not be negative")
	case p.MaxEmployees != 0 && p.MaxEmployees < p.MinEmployees:
		return bad("MaxEmployees", p.MaxEmployees, fmt.Sprintf("must not be below MinEmployees (%d)", p.MinEmployees))
	case p.Seniority != "" && p.Seniority.Rank() == 0:
		return bad("Seniority", string(p.Seniority), "must be individual, manager, director, vp or c_level")
	}
	return nil
}
