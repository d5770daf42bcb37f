// Package outbound holds the domain every other package of the library
// shares: clients and the plans they buy, the pool's resources, campaigns,
// leads, enrollments, touches, capacity bookings and suppressions, with their
// IDs, validation and shared errors. It has no behaviour beyond that, so any
// package can import it without a cycle.
//
// # The packages
//
//   - [github.com/outbound-go/outbound/channel]: the Channel interface every provider
//     implements, messages, receipts, inbound events, the error taxonomy and
//     message validation.
//   - [github.com/outbound-go/outbound/timing]: clocks, send windows, holidays, legal
//     calling hours, recipient timezone resolution and slot finding.
//   - [github.com/outbound-go/outbound/warmup]: daily send limits by resource age and domain health.
//   - [github.com/outbound-go/outbound/sequence]: the default five-step sequence, tiers from the
//     lead score, channel gating, fallbacks and step spacing.
//   - [github.com/outbound-go/outbound/allocator]: picking the resource for a touch under
//     every cap, with spacing and per-lead stickiness.
//   - [github.com/outbound-go/outbound/phone], [github.com/outbound-go/outbound/place]:
//     phone numbers, and countries and regions by code or name.
//   - [github.com/outbound-go/outbound/donotcall]: do-not-call registers by country.
//   - [github.com/outbound-go/outbound/distribution]: the engine.
//
// docs/architecture.md in the repository is the map of all of them.
//
// # Reasons
//
// Every record that says why the engine did something (a touch skipped,
// cancelled, failed, fallen back or deferred; an enrollment stopped; a
// client's sending or a resource paused; an address suppressed or lifted)
// holds a [Reason]. reason.go lists the vocabulary, one constant a line with
// what it means and the records it appears on; [FallbackReason],
// [SkipReason], [CampaignReason] and [Reason.WithDetail] build the composed
// ones, and [Reasons] lists them all.
//
// # Errors
//
// Input that fails validation yields a *[ValidationError] or a
// *invalid.FieldError naming the record, field and value; errors.Is(err,
// [ErrInvalid]) holds for both (ErrInvalid is invalid.ErrInvalid). Stores
// wrap [ErrNotFound] and [ErrConflict].
package outbound
