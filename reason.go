package outbound

import "strings"

// Reason says why the engine did what it did to a record. It is the type of
// every reason field:
//
//   - Touch.Reason: why a touch was skipped, cancelled, failed, fell back,
//     was deferred or was planned as a follow-up;
//   - Enrollment.StopReason: why an enrollment stopped;
//   - Client.SendingPauseReason: why a client's sending is paused;
//   - Resource.PauseReason: why a resource is paused;
//   - Suppression.Reason and Suppression.LiftReason: why an address is
//     suppressed, and why the suppression was lifted.
//
// Stores keep a reason as its string, and reports count by it: the values
// below are stable. A reason is one of the constants, or is built from them:
//
//   - with a detail after ": " ([Reason.WithDetail]), as a failed touch
//     carries the provider's error ("send_failed: 550 no such user"); read
//     back with [Reason.Code] and [Reason.Detail];
//   - [FallbackReason]: "fallback:<why>" on a touch planned on its step's
//     fallback channel; read back with [Reason.Fallback];
//   - [SkipReason]: "<step's reason>;<fallback's reason>" on a skipped touch
//     whose step could use neither channel; read back with [Reason.Split];
//   - [CampaignReason]: "campaign_<state>" on a touch cancelled because its
//     campaign is not active.
//
// Reasons that come from people or from a measure are free text: an
// operator's pause or lift, a host's own do-not-contact reason, and a
// domain health verdict ("bounce rate 3.5% over 14 days > 3%").
type Reason string

// The reasons the engine records. Each says what it means, then the
// records it appears on.
const (
	// Why a step's channel cannot be used (sequence.Reason values, by the
	// same strings): a skipped touch, a fallback's why, a fallback count.

	ReasonUnknownChannel Reason = "unknown_channel" // the step names no valid channel. Touch (skipped).
	ReasonGated          Reason = "gated"           // the lead's tier may not be reached on the channel. Touch (skipped), fallback.
	ReasonNoAddress      Reason = "no_address"      // the lead has no address for the channel. Touch (skipped, at planning or send), fallback.
	ReasonNoResource     Reason = "no_resource"     // the client has no usable resource for the channel. Touch (skipped), fallback.
	ReasonDNCRRegistered Reason = "dncr_registered" // the number is on a do-not-call register. Touch (skipped, at planning or send), fallback.
	ReasonDNCRUnwashed   Reason = "dncr_unwashed"   // the number has no wash in force against its register. Touch (skipped, at planning or send), fallback.
	ReasonOptedOut       Reason = "opted_out"       // the lead opted out of the channel. Suppression; Touch (skipped, cancelled, or failed with the provider's detail), fallback.

	// Planning.

	ReasonNoCapacity         Reason = "no_capacity"         // no resource had room within the planning horizon. Touch (skipped, at planning or rebooking).
	ReasonNoSlot             Reason = "no_slot"             // no send window within a year. Touch (skipped).
	ReasonReplanned          Reason = "replanned"           // planned again after an earlier step slipped. Touch (cancelled).
	ReasonCallRetry          Reason = "call_retry"          // a call tried again after busy or no answer. Touch (scheduled follow-up).
	ReasonConnectionAccepted Reason = "connection_accepted" // the LinkedIn message after an accepted request. Touch (scheduled follow-up).
	ReasonAnswer             Reason = "answer"              // the answer to a lead's reply, or its draft. Touch (scheduled follow-up, draft).

	// Deferrals: a touch moved to a later slot, counted in
	// distribution.Counters.Deferrals.

	ReasonDailyCap         Reason = "daily_cap"         // its resource is at its cap for the day (allocator.ReasonDailyCap). Touch (deferred).
	ReasonWeeklyCap        Reason = "weekly_cap"        // its resource is at its rolling 7-day cap (allocator.ReasonWeeklyCap). Touch (deferred).
	ReasonSpacing          Reason = "spacing"           // too close to another send from its resource (allocator.ReasonSpacing). Touch (deferred).
	ReasonWindowPassed     Reason = "window_passed"     // claimed after its send window closed. Touch (deferred).
	ReasonRetry            Reason = "retry"             // a retryable send failure. Touch (deferred).
	ReasonRateLimited      Reason = "rate_limited"      // the provider account asked to wait, or its rate is used up. Touch (deferred).
	ReasonResourceUnusable Reason = "resource_unusable" // its resource was paused or released. Touch (deferred).

	// Stops: an enrollment ended, or a touch was cancelled before it went.

	ReasonReplied         Reason = "replied"          // the lead replied. Touch (cancelled).
	ReasonCompanyReplied  Reason = "company_replied"  // a lead of the same company replied. Enrollment (stopped), Touch (cancelled).
	ReasonOutOfOffice     Reason = "out_of_office"    // the lead is away: planned again after the return date. Touch (cancelled).
	ReasonNotNow          Reason = "not_now"          // the lead asked to be contacted later: planned again from the date it named. Touch (cancelled).
	ReasonWrongPerson     Reason = "wrong_person"     // the lead is not the one to contact (and may have named who is). Enrollment (stopped), Touch (cancelled).
	ReasonMeetingBooked   Reason = "meeting_booked"   // the lead booked a meeting. Enrollment (stopped), Touch (cancelled).
	ReasonClientChurned   Reason = "client_churned"   // the client left. Enrollment (stopped), Touch (cancelled).
	ReasonCampaignPaused  Reason = "campaign_paused"  // its campaign is paused (CampaignReason). Touch (cancelled at send).
	ReasonCampaignStopped Reason = "campaign_stopped" // its campaign is stopped (CampaignReason). Touch (cancelled at send).
	ReasonCompleted       Reason = "completed"        // its enrollment completed (the EnrollmentState). Touch (cancelled at send).
	ReasonStopped         Reason = "stopped"          // its enrollment stopped with no reason of its own (the EnrollmentState). Touch (cancelled at send).
	ReasonSuppressed      Reason = "suppressed"       // opted out or suppressed since it was planned. Touch (cancelled at send).
	ReasonDiscarded       Reason = "discarded"        // a draft answer the client discarded. Touch (cancelled).

	// Failures.

	ReasonHardBounce          Reason = "hard_bounce"          // the address bounced. Suppression; Touch (failed, or cancelled), fallback.
	ReasonSendFailed          Reason = "send_failed"          // the provider refused the send for good. Touch (failed, with the error as detail), fallback.
	ReasonInvalidMessage      Reason = "invalid_message"      // the message could not be built or failed validation. Touch (failed, with detail), fallback.
	ReasonRetriesExhausted    Reason = "retries_exhausted"    // every attempt failed. Touch (failed, with the last error as detail), fallback.
	ReasonUnreconciled        Reason = "unreconciled"         // a voice or SMS send that may have reached the provider. Touch (uncertain, with detail).
	ReasonConnectionWithdrawn Reason = "connection_withdrawn" // a connection request not accepted in time. Touch (sent).

	// Suppressions and their lifts.

	ReasonComplaint    Reason = "complaint"      // the recipient marked an email as spam. Suppression, Touch (cancelled).
	ReasonDoNotContact Reason = "do_not_contact" // a do-not-contact entry (Service.DoNotContact's default). Suppression.
	ReasonOptedIn      Reason = "opted_in"       // the lead opted back in (SMS START). Suppression (LiftReason).

	// Pauses.

	ReasonPaymentFailed        Reason = "payment_failed"        // a payment failed: sending held until paid. Client (SendingPauseReason), Touch (deferred).
	ReasonLinkedInRestricted   Reason = "linkedin_restricted"   // the provider restricted the seat. Resource (PauseReason, with the provider's detail).
	ReasonLinkedInDisconnected Reason = "linkedin_disconnected" // the seat's account disconnected. Resource (PauseReason, with detail).
	ReasonMailboxDisconnected  Reason = "mailbox_disconnected"  // the mailbox disconnected. Resource (PauseReason, with detail).
)

// Reasons lists the constants above, in their order.
func Reasons() []Reason {
	return []Reason{
		ReasonUnknownChannel, ReasonGated, ReasonNoAddress, ReasonNoResource, ReasonDNCRRegistered, ReasonDNCRUnwashed, ReasonOptedOut,
		ReasonNoCapacity, ReasonNoSlot, ReasonReplanned, ReasonCallRetry, ReasonConnectionAccepted, ReasonAnswer,
		ReasonDailyCap, ReasonWeeklyCap, ReasonSpacing, ReasonWindowPassed, ReasonRetry, ReasonRateLimited, ReasonResourceUnusable,
		ReasonReplied, ReasonCompanyReplied, ReasonOutOfOffice, ReasonNotNow, ReasonWrongPerson, ReasonMeetingBooked, ReasonClientChurned, ReasonCampaignPaused, ReasonCampaignStopped,
		ReasonCompleted, ReasonStopped, ReasonSuppressed, ReasonDiscarded,
		ReasonHardBounce, ReasonSendFailed, ReasonInvalidMessage, ReasonRetriesExhausted, ReasonUnreconciled, ReasonConnectionWithdrawn,
		ReasonComplaint, ReasonDoNotContact, ReasonOptedIn,
		ReasonPaymentFailed, ReasonLinkedInRestricted, ReasonLinkedInDisconnected, ReasonMailboxDisconnected,
	}
}

const (
	detailSep      = ": "
	fallbackPrefix = "fallback:"
	skipSep        = ";"
)

// WithDetail returns r followed by ": " and detail, or r when detail is
// empty.
func (r Reason) WithDetail(detail string) Reason {
	if detail == "" {
		return r
	}
	return r + detailSep + Reason(detail)
}

// Code returns r without its detail: "send_failed: 550 no such user" is
// send_failed.
func (r Reason) Code() Reason {
	code, _, _ := strings.Cut(string(r), detailSep)
	return Reason(code)
}

// Detail returns r's detail, "" when it has none.
func (r Reason) Detail() string {
	_, detail, _ := strings.Cut(string(r), detailSep)
	return detail
}

// FallbackReason is the reason of a touch planned on its step's fallback
// channel because the step's own channel could not be used, for why.
func FallbackReason(why Reason) Reason { return fallbackPrefix + why }

// Fallback reports whether r is a [FallbackReason], and for what.
func (r Reason) Fallback() (why Reason, ok bool) {
	s, ok := strings.CutPrefix(string(r), fallbackPrefix)
	return Reason(s), ok
}

// SkipReason is the reason of a touch skipped at planning: why its step's
// channel could not be used, then why its fallback's could not be either
// (after ";"), or the step's reason alone when fallback is "".
func SkipReason(step, fallback Reason) Reason {
	if fallback == "" {
		return step
	}
	return step + skipSep + fallback
}

// Split returns the parts of a [SkipReason]: the step's reason, and the
// fallback's ("" when there is none).
func (r Reason) Split() (step, fallback Reason) {
	s, f, _ := strings.Cut(string(r), skipSep)
	return Reason(s), Reason(f)
}

// CampaignReason is the reason of a touch cancelled at send time because its
// campaign is in state s: ReasonCampaignPaused or ReasonCampaignStopped.
func CampaignReason(s CampaignState) Reason { return Reason("campaign_" + string(s)) }
