package sequence

import (
	"errors"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
)

// DefaultDNCRValidity is how long a Do Not Call Register wash result holds.
const DefaultDNCRValidity = 30 * 24 * time.Hour

// Reason says why a channel could not be used for a step. Reasons are
// stored with touches and counted in reports; their string values are
// stable.
type Reason string

// The reasons, in the order [Policy.Resolve] checks them: when several
// apply, the first is recorded.
const (
	// ReasonUnknownChannel: the step names no valid channel.
	ReasonUnknownChannel Reason = "unknown_channel"
	// ReasonGated: the lead's tier may not be reached on the channel.
	ReasonGated Reason = "gated"
	// ReasonNoAddress: the lead has no address for the channel.
	ReasonNoAddress Reason = "no_address"
	// ReasonNoResource: the client has no usable resource of the kind that
	// sends on the channel.
	ReasonNoResource Reason = "no_resource"
	// ReasonDNCRRegistered: the number is on the Do Not Call Register.
	ReasonDNCRRegistered Reason = "dncr_registered"
	// ReasonDNCRUnwashed: the number was never washed against the register,
	// or not within the wash validity (30 days by default).
	ReasonDNCRUnwashed Reason = "dncr_unwashed"
	// ReasonOptedOut: the lead opted out of the channel.
	ReasonOptedOut Reason = "opted_out"
	// ReasonNoFallback: the step's channel was unusable and it has no
	// fallback. Only ever a [Resolution.FallbackReason].
	ReasonNoFallback Reason = "no_fallback"
)

// Reasons lists every reason, in check order, then ReasonNoFallback.
func Reasons() []Reason {
	return []Reason{ReasonUnknownChannel, ReasonGated, ReasonNoAddress, ReasonNoResource,
		ReasonDNCRRegistered, ReasonDNCRUnwashed, ReasonOptedOut, ReasonNoFallback}
}

// Policy holds the rules that decide which channel a step uses for a lead,
// and which tier a lead is in. The zero value is the default of docs/architecture.md.
// A Policy is a plain value, safe to use from many goroutines as long as
// nobody writes to its Gating map meanwhile.
type Policy struct {
	// Tiers maps a lead's score to its tier. Default (zero): Hot ≥ 85,
	// Warm ≥ 60, Cool ≥ 35, Cold ≥ 20, Dead below.
	Tiers Tiers `json:"tiers"`
	// Gating says which channels each tier may use. Default (nil):
	// [DefaultGating].
	Gating Gating `json:"gating,omitempty"`
	// DNCRValidity is how long a wash against the Do Not Call Register
	// holds: a wash at instant W is valid while Now < W + DNCRValidity, so
	// at exactly W + DNCRValidity the number counts as unwashed. Default
	// (0): 30 days, as 30 × 24 hours.
	DNCRValidity time.Duration `json:"dncr_validity,omitempty"`
	// SkipDNCRForSMS turns off this library's policy of checking the
	// register before an SMS, as it is checked before a call (the law
	// requires it for calls only). Default false: SMS is checked.
	SkipDNCRForSMS bool `json:"skip_dncr_for_sms,omitempty"`
}

// WithDefaults returns a copy of p with every zero field set to its
// default; a nil Gating becomes a fresh [DefaultGating].
func (p Policy) WithDefaults() Policy {
	p.Tiers = p.Tiers.WithDefaults()
	if p.Gating == nil {
		p.Gating = DefaultGating()
	}
	if p.DNCRValidity == 0 {
		p.DNCRValidity = DefaultDNCRValidity
	}
	return p
}

// Validate reports every problem with p, after defaults, joined; each is a
// *[FieldError] (Record "Policy") matching [ErrInvalid].
func (p Policy) Validate() error {
	var errs []error
	if err := p.Tiers.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := p.Gating.Validate(); err != nil {
		errs = append(errs, err)
	}
	if p.DNCRValidity < 0 {
		errs = append(errs, fieldErr("Policy", "DNCRValidity", p.DNCRValidity, "must not be negative"))
	}
	return errors.Join(errs...)
}

// TierFor returns the tier of a lead score under p.Tiers; see [Tiers.TierFor].
func (p Policy) TierFor(score int) (outbound.Tier, error) { return p.Tiers.TierFor(score) }

// DNCRState is what the last wash against the Do Not Call Register said
// about the lead's phone number.
type DNCRState struct {
	// Registered says the number was on the register at the last wash.
	Registered bool `json:"registered"`
	// WashedAt is the instant of the last wash; zero means never washed.
	WashedAt time.Time `json:"washed_at"`
}

// Conditions are the facts about one lead, its client and the moment that
// decide which channel a step can use.
type Conditions struct {
	// Tier is the lead's tier; the policy's gating says what it may use.
	Tier outbound.Tier
	// Addresses holds the channels the lead has an address for (an email
	// address, a phone number for voice and SMS, a LinkedIn profile, a
	// postal address).
	Addresses channel.Set
	// Resources holds the channels the client has a usable (assigned, not
	// paused) sending resource for.
	Resources channel.Set
	// OptedOut holds the channels the lead opted out of.
	OptedOut channel.Set
	// DNCR is the state of the lead's phone number on the register.
	DNCR DNCRState
	// Now is the instant of the decision, for the wash's validity.
	Now time.Time
}

// Resolution is the outcome of [Policy.Resolve] for one step of one lead.
type Resolution struct {
	// Channel is the channel the touch goes out on: the step's own, or
	// its fallback; "" when the step is skipped.
	Channel channel.Kind `json:"channel,omitempty"`
	// Action is what the touch does: the step's action on its own channel,
	// the fallback channel's default action on the fallback; "" when
	// skipped.
	Action channel.Action `json:"action,omitempty"`
	// Fallback says the step's fallback channel replaced its own.
	Fallback bool `json:"fallback,omitempty"`
	// Skipped says no channel could be used: no touch for this step.
	Skipped bool `json:"skipped,omitempty"`
	// Planned and PlannedFallback are the step's own channel and its
	// fallback ("" for none), as the step named them.
	Planned         channel.Kind `json:"planned"`
	PlannedFallback channel.Kind `json:"planned_fallback,omitempty"`
	// PrimaryReason is why the step's own channel could not be used; ""
	// when it was used.
	PrimaryReason Reason `json:"primary_reason,omitempty"`
	// FallbackReason is why the step was skipped rather than falling back:
	// the fallback channel's own reason, or [ReasonNoFallback] when the step
	// has none; "" unless Skipped.
	FallbackReason Reason `json:"fallback_reason,omitempty"`
}

// String renders the decision for logs and alerts, naming each channel
// tried with its reason:
//
//	email                                   (as planned)
//	voice gated → email                     (fallback)
//	linkedin gated, no fallback: skip
//	voice dncr_registered, email opted_out: skip
func (r Resolution) String() string {
	switch {
	case r.PrimaryReason == "":
		return string(r.Channel)
	case r.Fallback:
		return string(r.Planned) + " " + string(r.PrimaryReason) + " → " + string(r.Channel)
	case r.FallbackReason == ReasonNoFallback:
		return string(r.Planned) + " " + string(r.PrimaryReason) + ", no fallback: skip"
	}
	return string(r.Planned) + " " + string(r.PrimaryReason) + ", " +
		string(r.PlannedFallback) + " " + string(r.FallbackReason) + ": skip"
}

// Resolve decides the channel step uses for the lead described by c.
//
// A channel is unusable when, checked in this order (the first that applies
// is the reason): it is not a valid kind (unknown_channel); the tier's
// gating does not allow it (gated); the lead has no address for it
// (no_address); the client has no usable resource for it (no_resource);
// for voice always, and for SMS unless SkipDNCRForSMS, the number is on the
// Do Not Call Register (dncr_registered) or its last wash is missing or
// not valid at c.Now (dncr_unwashed); the lead opted out of it (opted_out).
//
// If the step's channel is usable the touch goes out on it with the step's
// action. Otherwise its fallback, if any, is checked by the same rules and,
// if usable, replaces it with its channel's default action. Otherwise the
// step is skipped, both reasons recorded.
//
// Resolve does not validate p or step; it does not allocate.
func (p Policy) Resolve(step Step, c Conditions) Resolution {
	r := Resolution{Planned: step.Channel, PlannedFallback: step.Fallback}
	primary := p.unusable(step.Channel, c)
	if primary == "" {
		r.Channel, r.Action = step.Channel, step.EffectiveAction()
		return r
	}
	r.PrimaryReason = primary
	switch {
	case step.Fallback == "":
		r.FallbackReason = ReasonNoFallback
	case step.Fallback == step.Channel:
		r.FallbackReason = primary
	default:
		r.FallbackReason = p.unusable(step.Fallback, c)
	}
	if r.FallbackReason != "" {
		r.Skipped = true
		return r
	}
	r.Channel, r.Action, r.Fallback = step.Fallback, channel.DefaultAction(step.Fallback), true
	return r
}

// unusable returns why k cannot be used under c, or "" when it can.
func (p Policy) unusable(k channel.Kind, c Conditions) Reason {
	switch {
	case !k.Valid():
		return ReasonUnknownChannel
	case !p.Gating.Allows(c.Tier, k):
		return ReasonGated
	case !c.Addresses.Has(k):
		return ReasonNoAddress
	case !c.Resources.Has(k):
		return ReasonNoResource
	}
	if k == channel.Voice || (k == channel.SMS && !p.SkipDNCRForSMS) {
		if c.DNCR.Registered {
			return ReasonDNCRRegistered
		}
		if !p.washValid(c.DNCR.WashedAt, c.Now) {
			return ReasonDNCRUnwashed
		}
	}
	if c.OptedOut.Has(k) {
		return ReasonOptedOut
	}
	return ""
}

// washValid reports whether a wash at w still holds at now: w is set, not
// after now, and now < w + validity.
func (p Policy) washValid(w, now time.Time) bool {
	if w.IsZero() || now.Before(w) {
		return false
	}
	validity := p.DNCRValidity
	if validity == 0 {
		validity = DefaultDNCRValidity
	}
	return now.Before(w.Add(validity))
}
