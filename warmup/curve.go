package warmup

import (
	"fmt"
	"time"
)

// Ceiling is the hard ceiling on a mailbox's daily cold sends. No
// configuration passes it: a curve stage or a [Policy.Max] above it is
// accepted and clamped to it.
const Ceiling = 50

// DefaultMax is the configured cap on a mailbox's daily cold sends when
// [Policy.Max] is left zero.
const DefaultMax = 30

// Stage is one step of a warmup curve: from FromDay (the resource's age in
// whole days) onwards, until the next stage starts, the daily limit is Limit.
type Stage struct {
	// FromDay is the first age, in whole days since purchase, the stage
	// applies to. The first stage of a curve starts at 0.
	FromDay int `json:"from_day"`
	// Limit is the daily cold-send limit during the stage; 0 means warming
	// only. Values above [Ceiling] are clamped to it.
	Limit int `json:"limit"`
}

// Curve maps a resource's age to its daily cold-send limit. Its stages are
// sorted by FromDay, strictly increasing, starting at day 0; the last stage
// holds for ever.
type Curve []Stage

// DefaultCurve returns a fresh copy of the default curve of docs/architecture.md:
//
//	age 0–13 days:  0 (warming only)
//	age 14–20 days: 10
//	age 21–27 days: 20
//	age 28+ days:   30
func DefaultCurve() Curve {
	return Curve{{FromDay: 0, Limit: 0}, {FromDay: 14, Limit: 10}, {FromDay: 21, Limit: 20}, {FromDay: 28, Limit: 30}}
}

// defaultCurveLimit is DefaultCurve().Limit without building the slice, so
// the hot path of a zero Policy does not allocate.
func defaultCurveLimit(ageDays int) int {
	switch {
	case ageDays >= 28:
		return 30
	case ageDays >= 21:
		return 20
	case ageDays >= 14:
		return 10
	}
	return 0
}

// Limit returns the daily limit for a resource ageDays whole days old: the
// Limit of the last stage whose FromDay is at most ageDays, clamped to
// [0, Ceiling]. A negative age (a purchase instant after the day asked
// about, e.g. from clock skew) and an age before the first stage give 0:
// a resource that is not yet known to be warm sends nothing. An empty curve
// gives 0.
//
// Limit does not validate the curve; on an unsorted curve it still returns a
// value within [0, Ceiling].
func (c Curve) Limit(ageDays int) int {
	if ageDays < 0 {
		return 0
	}
	limit := 0
	for _, s := range c {
		if s.FromDay > ageDays {
			break
		}
		limit = s.Limit
	}
	return clamp(limit, 0, Ceiling)
}

// Validate reports the first problem with the curve as a *[FieldError]
// (matching [ErrInvalid]) naming the stage and field as a field of a
// [Policy] (Record "Policy", Field "Curve[1].Limit"): the curve must have at
// least one stage, the first must start at day 0, FromDay must strictly
// increase, and no Limit may be negative.
func (c Curve) Validate() error {
	if len(c) == 0 {
		return fieldErr("Policy", "Curve", c, "must have at least one stage")
	}
	for i, s := range c {
		switch {
		case i == 0 && s.FromDay != 0:
			return fieldErr("Policy", "Curve[0].FromDay", s.FromDay, "the first stage must start at day 0")
		case i > 0 && s.FromDay <= c[i-1].FromDay:
			return fieldErr("Policy", fmt.Sprintf("Curve[%d].FromDay", i), s.FromDay,
				fmt.Sprintf("must be greater than Curve[%d].FromDay (%d)", i-1, c[i-1].FromDay))
		case s.Limit < 0:
			return fieldErr("Policy", fmt.Sprintf("Curve[%d].Limit", i), s.Limit, "must not be negative")
		}
	}
	return nil
}

// AgeDays returns a resource's age in whole calendar days on the day of now,
// both instants read as calendar days in loc (docs/architecture.md: a day is the
// resource's own calendar day in its client's timezone). A resource bought
// at 23:59 is 1 day old at 00:00 the next day. A nil loc means UTC. A
// purchase after now gives a negative age, which every limit treats as 0.
//
// Callers that already hold calendar days (timing.Date) need not call it:
// the age is simply int(today - purchasedDay).
func AgeDays(purchased, now time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	return civilDays(now.In(loc)) - civilDays(purchased.In(loc))
}

// civilDays returns the day number of t's calendar date in t's location.
func civilDays(t time.Time) int {
	y, m, d := t.Date()
	// A UTC midnight is an exact multiple of a day, before 1970 too.
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}
