package warmup

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Defaults of [HealthPolicy].
const (
	DefaultHealthWindow     = 14 * 24 * time.Hour
	DefaultMinSends         = 20
	DefaultMaxBounceRate    = 0.03
	DefaultMaxComplaintRate = 0.003
)

// HealthPolicy is the rule that pauses a sending domain: over the last
// Window and at least MinSends sends, a bounce rate strictly above
// MaxBounceRate or a complaint rate strictly above MaxComplaintRate pauses
// it. The zero value is the default rule of docs/architecture.md.
//
// Rates are compared exactly in integer arithmetic at a resolution of one
// part per million: a threshold is rounded to the nearest millionth, and
// bounces/sends is compared with it without floating-point error (3 bounces
// in 100 sends is exactly 3 % and does not pass a 3 % threshold).
type HealthPolicy struct {
	// Window is the period the caller counts sends, bounces and complaints
	// over; the rule itself only names it in the reason. Default (0): 14 days.
	Window time.Duration `json:"window,omitempty"`
	// MinSends is the fewest sends in the window on which the rule may pause;
	// below it the sample is too small and nothing pauses. Default (0): 20.
	MinSends int `json:"min_sends,omitempty"`
	// MaxBounceRate is the highest bounce rate (bounces ÷ sends, 0–1) that
	// does not pause. Default (0): 0.03, i.e. 3 %.
	MaxBounceRate float64 `json:"max_bounce_rate,omitempty"`
	// MaxComplaintRate is the highest complaint rate (complaints ÷ sends,
	// 0–1) that does not pause. Default (0): 0.003, i.e. 0.3 %.
	MaxComplaintRate float64 `json:"max_complaint_rate,omitempty"`
}

// WithDefaults returns a copy of h with every zero field set to its default.
func (h HealthPolicy) WithDefaults() HealthPolicy {
	if h.Window == 0 {
		h.Window = DefaultHealthWindow
	}
	if h.MinSends == 0 {
		h.MinSends = DefaultMinSends
	}
	if h.MaxBounceRate == 0 {
		h.MaxBounceRate = DefaultMaxBounceRate
	}
	if h.MaxComplaintRate == 0 {
		h.MaxComplaintRate = DefaultMaxComplaintRate
	}
	return h
}

// Validate reports every problem with h, after defaults, joined; each is a
// *[FieldError] (Record "HealthPolicy") matching [ErrInvalid]. Window and MinSends must be
// positive, the rates within (0, 1].
func (h HealthPolicy) Validate() error {
	h = h.WithDefaults()
	var errs []error
	if h.Window < 0 {
		errs = append(errs, fieldErr("HealthPolicy", "Window", h.Window, "must be positive"))
	}
	if h.MinSends < 0 {
		errs = append(errs, fieldErr("HealthPolicy", "MinSends", h.MinSends, "must be positive"))
	}
	for _, r := range []struct {
		field string
		v     float64
	}{{"MaxBounceRate", h.MaxBounceRate}, {"MaxComplaintRate", h.MaxComplaintRate}} {
		if !(r.v > 0 && r.v <= 1) { // also rejects NaN
			errs = append(errs, fieldErr("HealthPolicy", r.field, r.v, "must be a rate in (0, 1]"))
		}
	}
	return errors.Join(errs...)
}

// Stats counts a domain's sends and their bad outcomes over the window.
// Negative counts are treated as zero.
type Stats struct {
	Sends      int `json:"sends"`
	Bounces    int `json:"bounces"`
	Complaints int `json:"complaints"`
}

// Verdict is the outcome of [HealthPolicy.Evaluate].
type Verdict struct {
	// Pause says the domain must stop sending and an alert be raised.
	Pause bool `json:"pause"`
	// Reason explains a pause for the alert, e.g.
	// "bounce rate 3.5% over 14 days > 3%"; both rates are named, joined
	// by "; ", when both pass. Empty when Pause is false.
	Reason string `json:"reason,omitempty"`
	// BounceRate and ComplaintRate are the measured rates (0 when there
	// were no sends), for reports.
	BounceRate    float64 `json:"bounce_rate"`
	ComplaintRate float64 `json:"complaint_rate"`
}

// Health returns the [Health] the verdict implies: paused or not.
func (v Verdict) Health() Health { return Health{Paused: v.Pause} }

// Evaluate applies the rule to a window's counts. Fewer than MinSends sends
// never pause; otherwise a rate strictly greater than its maximum does.
// Evaluate does not validate h (see [HealthPolicy.Validate]).
func (h HealthPolicy) Evaluate(s Stats) Verdict {
	h = h.WithDefaults()
	sends, bounces, complaints := max(s.Sends, 0), max(s.Bounces, 0), max(s.Complaints, 0)
	var v Verdict
	if sends > 0 {
		v.BounceRate = float64(bounces) / float64(sends)
		v.ComplaintRate = float64(complaints) / float64(sends)
	}
	if sends < h.MinSends || sends == 0 {
		return v
	}
	var reasons []string
	if exceeds(bounces, sends, h.MaxBounceRate) {
		reasons = append(reasons, "bounce rate "+percentOver(v.BounceRate, h.MaxBounceRate)+" over "+window(h.Window)+" > "+percent(h.MaxBounceRate, 2))
	}
	if exceeds(complaints, sends, h.MaxComplaintRate) {
		reasons = append(reasons, "complaint rate "+percentOver(v.ComplaintRate, h.MaxComplaintRate)+" over "+window(h.Window)+" > "+percent(h.MaxComplaintRate, 2))
	}
	if len(reasons) > 0 {
		v.Pause = true
		v.Reason = strings.Join(reasons, "; ")
	}
	return v
}

// exceeds reports whether n/sends > rate, with rate rounded to parts per
// million and compared in integers: n·10⁶ > ppm·sends.
func exceeds(n, sends int, rate float64) bool {
	ppm := int64(math.Round(rate * 1e6))
	// Counts beyond 2^63/10^6 (about 9·10^12) would overflow; nobody sends
	// that much from one domain in a window, but stay correct anyway.
	if int64(n) > math.MaxInt64/1_000_000 || int64(sends) > math.MaxInt64/max(ppm, 1) {
		return float64(n)/float64(sends) > rate
	}
	return int64(n)*1_000_000 > ppm*int64(sends)
}

// percent renders a rate as a percentage with at most the given decimals
// and no trailing zeros: 0.035 → "3.5%", 0.03 → "3%", 1/33 → "3.03%".
func percent(rate float64, decimals int) string {
	s := strconv.FormatFloat(rate*100, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + "%"
}

// percentOver renders a rate that passed limit with two decimals, or more
// (up to six) where two would print the same as the limit: 1/333 over 0.3 %
// reads "0.3003%", not "0.3%".
func percentOver(rate, limit float64) string {
	for d := 2; d < 6; d++ {
		if s := percent(rate, d); s != percent(limit, d) {
			return s
		}
	}
	return percent(rate, 6)
}

// window renders "14 days", "1 day", or the duration when it is not whole days.
func window(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d == day:
		return "1 day"
	case d > 0 && d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + " days"
	}
	return d.String()
}
