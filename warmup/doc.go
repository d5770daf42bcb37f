// Package warmup decides how many cold emails a sending resource may send in
// a day, from the age of its domain and its health.
//
// The package is pure arithmetic on plain values: it imports no other
// package of the module, reads no clock and holds no state. Callers (the
// pool and the allocator) supply ages in whole days and counts over a
// window; this package says what they imply.
//
// # Warmup curve
//
// A new domain must warm up before it sends cold email. A [Curve] maps the
// domain's age in whole calendar days since purchase to the daily limit of
// each of its mailboxes. The default ([DefaultCurve]):
//
//	age 0–13 days   0 (warming only)
//	age 14–20 days  10
//	age 21–27 days  20
//	age 28+ days    30
//
// Ages are calendar days in the resource's own (client's) timezone: compute
// them with [AgeDays] or, from calendar days the caller already holds, as
// today minus the purchase day. A negative age (a purchase "after" today,
// from clock skew) gives 0, as does any age before the curve's first stage.
//
// # Caps
//
// [Policy.DailyLimit] takes the curve's limit and caps it twice: by the
// configured [Policy.Max] (default 30) and by the hard [Ceiling] of 50 that
// no configuration passes: a curve stage or a Max of 80 still yields 50.
//
// # Health
//
// A domain is paused, and an alert raised, when over the last 14 days and
// at least 20 sends its bounce rate passes 3 % or its complaint rate passes
// 0.3 % ([HealthPolicy]; "passes" means strictly greater, so exactly 3 % does
// not pause and fewer than 20 sends never do). [HealthPolicy.Evaluate] turns
// the window's counts into a [Verdict] with a reason for the alert; its
// [Verdict.Health] feeds [Policy.DailyLimit], where a paused resource sends
// nothing. A [Health.Throttle] short of a pause scales the limit down by a
// percentage.
//
// # Configuration
//
// The zero [Policy] and zero [HealthPolicy] are the defaults above; every
// field documents its default, WithDefaults fills them in and Validate
// returns *[FieldError] values (the module's invalid.FieldError, matching
// [ErrInvalid]) that name the field and the value.
package warmup
