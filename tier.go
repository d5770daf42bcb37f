package outbound

import (
	"fmt"
	"strings"
)

// Tier is a lead's temperature, derived from its 0–100 score (the sequence
// package holds the thresholds and the channels each tier may use).
type Tier string

// The tiers, hottest first.
const (
	TierHot  Tier = "hot"
	TierWarm Tier = "warm"
	TierCool Tier = "cool"
	TierCold Tier = "cold"
	TierDead Tier = "dead"
)

// Tiers lists every tier, hottest first.
func Tiers() []Tier { return []Tier{TierHot, TierWarm, TierCool, TierCold, TierDead} }

// Valid reports whether t is a known tier.
func (t Tier) Valid() bool {
	switch t {
	case TierHot, TierWarm, TierCool, TierCold, TierDead:
		return true
	}
	return false
}

// ParseTier parses a tier name, ignoring case.
func ParseTier(s string) (Tier, error) {
	t := Tier(strings.ToLower(strings.TrimSpace(s)))
	if !t.Valid() {
		return "", fmt.Errorf("outbound: unknown tier %q (want hot, warm, cool, cold or dead)", s)
	}
	return t, nil
}
