package warmup

import "errors"

// Policy turns a resource's age and health into its daily cold-send limit.
// The zero value is the default policy of docs/architecture.md. A Policy is a plain
// value, safe to copy and to use from many goroutines.
type Policy struct {
	// Curve maps age to the daily limit. Default (nil or empty):
	// [DefaultCurve], 0–13 days: 0, 14–20: 10, 21–27: 20, 28+: 30.
	Curve Curve `json:"curve,omitempty"`
	// Max is the configured cap on the daily limit, whatever the curve
	// says. Default (0): [DefaultMax], 30. A value above [Ceiling] (50) is
	// accepted and acts as 50.
	Max int `json:"max,omitempty"`
}

// WithDefaults returns a copy of p with every zero field set to its default.
// It shares a non-empty Curve with p.
func (p Policy) WithDefaults() Policy {
	if len(p.Curve) == 0 {
		p.Curve = DefaultCurve()
	}
	if p.Max == 0 {
		p.Max = DefaultMax
	}
	return p
}

// Validate reports every problem with p, after defaults, joined; each is a
// *[FieldError] (Record "Policy") matching [ErrInvalid].
func (p Policy) Validate() error {
	p = p.WithDefaults()
	var errs []error
	if err := p.Curve.Validate(); err != nil {
		errs = append(errs, err)
	}
	if p.Max < 0 {
		errs = append(errs, fieldErr("Policy", "Max", p.Max, "must not be negative"))
	}
	return errors.Join(errs...)
}

// Health is what the health rule says about a resource (or the domain it
// sends from) today. The zero value is healthy: full limit.
type Health struct {
	// Paused stops every cold send: the daily limit is 0. Default false.
	Paused bool `json:"paused,omitempty"`
	// Throttle is the percentage of the limit withheld, 0–100: 25 turns a
	// limit of 30 into 22 (rounded down). Values outside 0–100 are clamped.
	// Default 0, no throttle.
	Throttle int `json:"throttle,omitempty"`
}

// DailyLimit returns how many cold sends a resource of the given age (whole
// days since its domain's purchase; see [AgeDays]) may make today:
//
//	min(Curve.Limit(ageDays), Max, Ceiling) × (100 − Throttle) / 100
//
// rounded down, and 0 when h.Paused or ageDays < 0. It never exceeds
// [Ceiling] and never returns a negative number, whatever the policy holds
// (an invalid policy is not rejected here; call [Policy.Validate] when the
// policy is loaded). It does not allocate.
func (p Policy) DailyLimit(ageDays int, h Health) int {
	if h.Paused || ageDays < 0 {
		return 0
	}
	var limit int
	if len(p.Curve) == 0 {
		limit = defaultCurveLimit(ageDays)
	} else {
		limit = p.Curve.Limit(ageDays)
	}
	maxLimit := p.Max
	if maxLimit == 0 {
		maxLimit = DefaultMax
	}
	limit = clamp(min(limit, maxLimit), 0, Ceiling)
	if t := clamp(h.Throttle, 0, 100); t > 0 {
		limit = limit * (100 - t) / 100
	}
	return limit
}
