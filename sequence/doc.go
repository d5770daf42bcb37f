// Package sequence decides what a campaign does to a lead and when: the
// steps of its sequence, the lead's tier from its score, which channels
// that tier may use, which channel each step falls back to when its own
// cannot be used (and why), and how far apart the steps must stay when one
// slips.
//
// Everything here is a pure function of plain values: no clock is read, no
// state is kept. Callers pass the facts (the lead's tier, addresses and
// opt-outs, the client's resources, the instant of the decision) and store
// the results, reasons included.
//
// # The default sequence
//
// The default is system-controlled: [Default] returns a fresh copy, and a
// host that wants another passes its own [Sequence], checked by
// [Sequence.Validate].
//
//	step 1  day 0   email
//	step 2  day 3   voice (call)                    fallback email
//	step 3  day 5   LinkedIn (connection request)   no fallback: skip
//	step 4  day 8   email
//	step 5  day 12  SMS                             fallback email
//
// # Tiers
//
// A lead's score (ALS, 0–100) gives its tier ([Tiers.TierFor]); a score
// outside 0–100 is an error naming the field "score":
//
//	hot   ≥ 85
//	warm  ≥ 60
//	cool  ≥ 35
//	cold  ≥ 20
//	dead  < 20
//
// # Channel gating
//
// Each tier may use some channels ([Gating], [DefaultGating]); a tier that
// may use none is not enrolled ([Gating.Enrolls]):
//
//	hot   email, voice, LinkedIn, SMS, mail
//	warm  email, voice, LinkedIn, SMS
//	cool  email, LinkedIn
//	cold  email
//	dead  none (not enrolled)
//
// # Fallback
//
// [Policy.Resolve] takes one step and the [Conditions] of one lead. A
// channel is unusable, for the first of these reasons that applies:
//
//	unknown_channel  the step names no valid channel (an unvalidated step)
//	gated            the tier may not use it
//	no_address       the lead has no address for it
//	no_resource      the client has no usable resource that sends on it
//	dncr_registered  voice, and SMS by default: the number is on the Do Not Call Register
//	dncr_unwashed    voice, and SMS by default: never washed, or the wash is 30 days old or more
//	opted_out        the lead opted out of it
//
// A wash at instant W is valid while Now < W + 30 days ([Policy.DNCRValidity]),
// so at exactly W + 30 days the number counts as unwashed (docs/architecture.md: it
// counts as registered until washed again); a wash stamped after Now counts
// as no wash. If the step's channel is unusable, its fallback is checked by
// the same rules and, if usable, takes its place with its own default
// action (an email in place of a call, say). If the fallback is unusable too,
// or there is none, the step is skipped. The [Resolution] records both
// reasons; [Reason] values are stable strings for storage and reports.
//
// # Step spacing
//
// Day N counts calendar days in the recipient's timezone from the
// enrollment day. When a step slips (weekend, holiday, no capacity), the
// next one keeps at least its planned gap from the previous touch's actual
// time: [Sequence.Earliest] returns the later of the planned day's start
// and the start of the day the planned gap after the previous touch's
// local day. A slipped step thereby pushes all later ones. The gap is kept
// in calendar days, the plan's own unit, not at the previous touch's
// wall-clock time, which would push a step after a 14:10 touch past the
// 09:00–11:00 email window and slip every step after it by a day.
// The send window and the business-day calendar are applied afterwards by
// the timing package.
//
// # Configuration
//
// [Policy] gathers the configurable rules: tier thresholds, gating, the
// DNCR wash validity and whether SMS is checked against the register. Its
// zero value is the default of docs/architecture.md; every field documents its default,
// WithDefaults fills them in and Validate returns *[FieldError] values (the
// module's invalid.FieldError, matching [ErrInvalid]) that name the field
// and the value.
package sequence
