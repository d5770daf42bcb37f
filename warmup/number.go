package warmup

import (
	"errors"
	"strings"
	"time"
)

// Defaults of [NumberPolicy].
const (
	DefaultNumberMinSends     = 50
	DefaultMaxBlockRate       = 0.05
	DefaultMaxOptOutRate      = 0.03
	DefaultMaxSpamLikelyRate  = 0.10
	DefaultNumberHealthWindow = DefaultHealthWindow
)

// NumberStats counts a phone number's sends (texts and calls) and their bad
// outcomes over a window. Negative counts are treated as zero.
type NumberStats struct {
	Sends int `json:"sends"`
	// Blocked are texts the carrier refused or filtered (undelivered as
	// blocked or unreachable).
	Blocked int `json:"blocked"`
	// OptOuts are the recipients who answered STOP, or asked not to be
	// called.
	OptOuts int `json:"opt_outs"`
	// SpamLikely are calls the network labelled spam or scam likely.
	SpamLikely int `json:"spam_likely"`
}

// NumberPolicy is the rule that pauses a phone number, as [HealthPolicy]
// pauses a domain: over the last Window and at least MinSends texts and
// calls, a carrier block rate above MaxBlockRate, an opt-out rate above
// MaxOptOutRate or a spam-likely rate above MaxSpamLikelyRate pauses it.
// The zero value is the default: 14 days, 50 sends, 5 % blocked, 3 %
// opted out, 10 % labelled spam. Rates compare exactly, as HealthPolicy's.
type NumberPolicy struct {
	Window            time.Duration `json:"window,omitempty"`
	MinSends          int           `json:"min_sends,omitempty"`
	MaxBlockRate      float64       `json:"max_block_rate,omitempty"`
	MaxOptOutRate     float64       `json:"max_opt_out_rate,omitempty"`
	MaxSpamLikelyRate float64       `json:"max_spam_likely_rate,omitempty"`
}

// WithDefaults returns a copy of p with every zero field set to its default.
func (p NumberPolicy) WithDefaults() NumberPolicy {
	if p.Window == 0 {
		p.Window = DefaultNumberHealthWindow
	}
	if p.MinSends == 0 {
		p.MinSends = DefaultNumberMinSends
	}
	if p.MaxBlockRate == 0 {
		p.MaxBlockRate = DefaultMaxBlockRate
	}
	if p.MaxOptOutRate == 0 {
		p.MaxOptOutRate = DefaultMaxOptOutRate
	}
	if p.MaxSpamLikelyRate == 0 {
		p.MaxSpamLikelyRate = DefaultMaxSpamLikelyRate
	}
	return p
}

// Validate reports every problem with p, after defaults, joined; each is a
// *[FieldError] (Record "NumberPolicy").
func (p NumberPolicy) Validate() error {
	p = p.WithDefaults()
	var errs []error
	if p.Window < 0 {
		errs = append(errs, fieldErr("NumberPolicy", "Window", p.Window, "must be positive"))
	}
	if p.MinSends < 0 {
		errs = append(errs, fieldErr("NumberPolicy", "MinSends", p.MinSends, "must be positive"))
	}
	for _, r := range []struct {
		field string
		v     float64
	}{{"MaxBlockRate", p.MaxBlockRate}, {"MaxOptOutRate", p.MaxOptOutRate}, {"MaxSpamLikelyRate", p.MaxSpamLikelyRate}} {
		if !(r.v > 0 && r.v <= 1) {
			errs = append(errs, fieldErr("NumberPolicy", r.field, r.v, "must be a rate in (0, 1]"))
		}
	}
	return errors.Join(errs...)
}

// Evaluate applies the rule to a window's counts: fewer than MinSends never
// pause; otherwise any rate strictly above its maximum does, each named in
// the reason ("opt-out rate 4% over 14 days > 3%"). The verdict's
// BounceRate is the block rate and its ComplaintRate the opt-out rate.
func (p NumberPolicy) Evaluate(s NumberStats) Verdict {
	p = p.WithDefaults()
	sends := max(s.Sends, 0)
	var v Verdict
	if sends > 0 {
		v.BounceRate = float64(max(s.Blocked, 0)) / float64(sends)
		v.ComplaintRate = float64(max(s.OptOuts, 0)) / float64(sends)
	}
	if sends < p.MinSends || sends == 0 {
		return v
	}
	var reasons []string
	for _, r := range []struct {
		name string
		n    int
		max  float64
	}{{"carrier block rate", s.Blocked, p.MaxBlockRate}, {"opt-out rate", s.OptOuts, p.MaxOptOutRate}, {"spam-likely rate", s.SpamLikely, p.MaxSpamLikelyRate}} {
		n := max(r.n, 0)
		if exceeds(n, sends, r.max) {
			reasons = append(reasons, r.name+" "+percentOver(float64(n)/float64(sends), r.max)+" over "+window(p.Window)+" > "+percent(r.max, 2))
		}
	}
	if len(reasons) > 0 {
		v.Pause, v.Reason = true, strings.Join(reasons, "; ")
	}
	return v
}
