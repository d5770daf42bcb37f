package sequence

import (
	"errors"
	"fmt"
	"slices"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
)

// The default tier thresholds: the lowest score (ALS, 0–100) of each tier.
const (
	DefaultHot  = 85
	DefaultWarm = 60
	DefaultCool = 35
	DefaultCold = 20
)

// MaxScore is the highest lead score; scores run 0–MaxScore.
const MaxScore = 100

// Tiers holds the lowest score of each tier; a score below Cold is Dead.
// The zero value is the default of docs/architecture.md; a zero field takes its
// default. Thresholds must fall strictly: 100 ≥ Hot > Warm > Cool > Cold ≥ 1.
type Tiers struct {
	// Hot is the lowest Hot score. Default (0): 85.
	Hot int `json:"hot,omitempty"`
	// Warm is the lowest Warm score. Default (0): 60.
	Warm int `json:"warm,omitempty"`
	// Cool is the lowest Cool score. Default (0): 35.
	Cool int `json:"cool,omitempty"`
	// Cold is the lowest Cold score; below it a lead is Dead. Default (0): 20.
	Cold int `json:"cold,omitempty"`
}

// WithDefaults returns a copy of t with every zero field set to its default.
func (t Tiers) WithDefaults() Tiers {
	if t.Hot == 0 {
		t.Hot = DefaultHot
	}
	if t.Warm == 0 {
		t.Warm = DefaultWarm
	}
	if t.Cool == 0 {
		t.Cool = DefaultCool
	}
	if t.Cold == 0 {
		t.Cold = DefaultCold
	}
	return t
}

// Validate reports every problem with t, after defaults, joined: each
// threshold within 1–100 and strictly below the one above it. The problems
// are *[FieldError] values naming the field (Record "Policy", Field
// "Tiers.Warm").
func (t Tiers) Validate() error {
	t = t.WithDefaults()
	fields := []struct {
		name string
		v    int
	}{{"Tiers.Hot", t.Hot}, {"Tiers.Warm", t.Warm}, {"Tiers.Cool", t.Cool}, {"Tiers.Cold", t.Cold}}
	var errs []error
	for i, f := range fields {
		switch {
		case f.v < 1 || f.v > MaxScore:
			errs = append(errs, fieldErr("Policy", f.name, f.v, "must be within 1–100"))
		case i > 0 && f.v >= fields[i-1].v:
			errs = append(errs, fieldErr("Policy", f.name, f.v, fmt.Sprintf("must be below %s (%d)", fields[i-1].name, fields[i-1].v)))
		}
	}
	return errors.Join(errs...)
}

// TierFor returns the tier of a lead score: Hot at or above Hot, else Warm
// at or above Warm, and so on; Dead below Cold. A score outside 0–100 is a
// *[FieldError] naming the field "score" and the value.
func (t Tiers) TierFor(score int) (outbound.Tier, error) {
	if score < 0 || score > MaxScore {
		return "", fieldErr("", "score", score, "must be within 0–100")
	}
	t = t.WithDefaults()
	switch {
	case score >= t.Hot:
		return outbound.TierHot, nil
	case score >= t.Warm:
		return outbound.TierWarm, nil
	case score >= t.Cool:
		return outbound.TierCool, nil
	case score >= t.Cold:
		return outbound.TierCold, nil
	}
	return outbound.TierDead, nil
}

// Gating says which channels each tier may be reached on. A nil Gating is
// [DefaultGating]; in a non-nil one, a tier without an entry may use no
// channel. A tier with no channel is not enrolled at all.
type Gating map[outbound.Tier]channel.Set

// DefaultGating returns a fresh copy of the default gating of docs/architecture.md:
//
//	hot   email, voice, LinkedIn, SMS, mail (all five)
//	warm  email, voice, LinkedIn, SMS
//	cool  email, LinkedIn
//	cold  email
//	dead  none (not enrolled)
func DefaultGating() Gating {
	return Gating{
		outbound.TierHot:  defaultGate(outbound.TierHot),
		outbound.TierWarm: defaultGate(outbound.TierWarm),
		outbound.TierCool: defaultGate(outbound.TierCool),
		outbound.TierCold: defaultGate(outbound.TierCold),
		outbound.TierDead: defaultGate(outbound.TierDead),
	}
}

func defaultGate(t outbound.Tier) channel.Set {
	switch t {
	case outbound.TierHot:
		return channel.AllKinds
	case outbound.TierWarm:
		return channel.SetOf(channel.Email, channel.Voice, channel.LinkedIn, channel.SMS)
	case outbound.TierCool:
		return channel.SetOf(channel.Email, channel.LinkedIn)
	case outbound.TierCold:
		return channel.SetOf(channel.Email)
	}
	return 0
}

// Channels returns the channels tier may use.
func (g Gating) Channels(tier outbound.Tier) channel.Set {
	if g == nil {
		return defaultGate(tier)
	}
	return g[tier]
}

// Allows reports whether tier may be reached on kind.
func (g Gating) Allows(tier outbound.Tier, kind channel.Kind) bool {
	return g.Channels(tier).Has(kind)
}

// Enrolls reports whether a lead of the tier is enrolled at all: whether
// the tier may use any channel. By default every tier but Dead is.
func (g Gating) Enrolls(tier outbound.Tier) bool { return g.Channels(tier) != 0 }

// Validate reports every problem with g, joined: keys must be known tiers
// and sets hold only the five channels. The problems are *[FieldError]
// values naming the entry (Record "Policy", Field "Gating[hot]").
func (g Gating) Validate() error {
	var errs []error
	for _, tier := range sortedTiers(g) {
		set := g[tier]
		switch {
		case !tier.Valid():
			errs = append(errs, fieldErr("Policy", "Gating", string(tier), "unknown tier (want hot, warm, cool, cold or dead)"))
		case set&^channel.AllKinds != 0:
			errs = append(errs, fieldErr("Policy", fmt.Sprintf("Gating[%s]", tier), uint8(set), "holds bits that are no channel"))
		}
	}
	return errors.Join(errs...)
}

// sortedTiers lists g's keys in a fixed order (known tiers hottest first,
// then unknown ones by name) so errors come out the same every time.
func sortedTiers(g Gating) []outbound.Tier {
	var out []outbound.Tier
	for _, t := range outbound.Tiers() {
		if _, ok := g[t]; ok {
			out = append(out, t)
		}
	}
	var unknown []outbound.Tier
	for t := range g {
		if !t.Valid() {
			unknown = append(unknown, t)
		}
	}
	slices.Sort(unknown)
	return append(out, unknown...)
}
