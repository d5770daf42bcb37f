// Package distribution is the engine: a [Service] signs clients up and
// assigns them resources from the pool, imports and enrolls their leads,
// plans every touch of every lead ahead, dispatches due touches through the
// channels, applies the providers' events and runs the periodic jobs. It
// wires together the other packages: timing (clock, windows, zones, slots),
// sequence (steps, tiers, gating, fallbacks, spacing), allocator (caps,
// spacing, stickiness, over the store's bookings), warmup (mailbox limits,
// domain health), pool (resource lifecycle) and storage.
//
// # The flow of a lead
//
//	Signup        client stored, the plan's resources assigned (idempotent on the payment)
//	ImportLeads   rows normalised, enriched and validated, zone resolved, scored
//	              against the campaign's ICP, tier from score, duplicates merged,
//	              enrolled (day 0 = the lead's local day), phones washed
//	Onboard       a campaign for an ICP, its leads from a Source or a file, imported
//	Plan          every step planned ahead: channel resolved, slot in the window,
//	              capacity booked on a resource-day; Schedule answers "when"
//	Dispatch      due touches claimed with a lease, checked again, sent with the
//	              touch ID as idempotency key, retried, failed over to the fallback
//	HandleEvent   replies (read, acted on, answered or drafted), out-of-office,
//	              bounces, complaints, opt-outs, call outcomes, accepted
//	              connections, deliveries, opens and clicks; each once
//	HandleMeeting bookings: sequences stopped, the meeting kept, the CRM told
//	Daily         DNCR re-wash, pool jobs (promote, buffer, health, release),
//	              LinkedIn withdrawals, capacity counters, a Plan pass
//	Run           all of the above on a clock until the context ends
//
// # Jobs
//
// Service is the facade. Behind it each job is a type of its own that
// takes only the part of the store it uses (a narrow interface built from
// the storage package's small ones; the store implements their union):
//
//	accounts     signup, plan changes, churn, campaigns          (signup.go)
//	importer     rows in, enrichment, zones, scores, tiers, merges,
//	             allowance, washes; onboarding                  (import.go, onboard.go)
//	planner      every touch decided, and decided again           (plan.go, replan.go)
//	dispatcher   due touches claimed, checked and sent            (dispatch.go, batch.go)
//	applier      inbound events matched, recorded and applied;
//	             replies, answers, meetings, engagement         (events.go, replies.go,
//	                                                             answers.go, meetings.go,
//	                                                             engagement.go)
//	dailyJobs    re-washes, pool jobs, withdrawals, capacity      (daily.go, health.go)
//
// They share the configuration, the clock, the timing engines, each
// client's picture (its resources and allocator: clients.go) and the
// counters (shared.go, counters.go). Run (run.go) drives them.
//
// # Planning
//
// Plan is the leader's pass and is deterministic: enrollments in the store's
// order (lead, then campaign), steps in order, IDs from Config.Test.NewID. For
// each step not yet planned it computes the earliest instant
// (sequence.Sequence.Earliest: the planned day, and at least the planned gap
// after the previous touch's day, so a slipped step pushes the later ones)
// and never before now, resolves the channel (gating by tier, the lead's
// addresses, the client's usable resources and configured channels, the DNCR
// for voice and by default SMS, opt-outs), finds a slot spread over the
// recipient's window on a business day, and books it with the client's
// allocator, whose counter is the store's bookings, so caps hold across
// processes. A full resource-day or spacing moves the touch to the next
// opening; a step that finds none within Config.PlanHorizon (60 days) is
// skipped with reason no_capacity. Skipped steps are stored as skipped
// touches with their reason, and fallbacks carry "fallback:<reason>"
// (outbound.FallbackReason). Every reason the engine records is an
// outbound.Reason, listed in the root package.
//
// # Delivery
//
// A touch is claimed with a lease (Config.Lease, 2 minutes). At send time
// the engine checks again: the enrollment still runs (a reply, stop or
// out-of-office cancels), the lead is not suppressed on the channel, the
// number's DNCR wash still holds, the resource is still usable, the instant
// is still inside the window on the day the capacity was booked, and the
// mailbox sent no less than its spacing ago. A touch that can still go the
// same day in its window waits in place; one that cannot (its window or day
// passed, its resource was paused) gives its capacity back and is handed to
// the planner as pending (outbound.TouchPending), and so are fallbacks and
// the follow-ups events ask for (a call retry, the message after an
// accepted connection). Only the planner books: Plan (and Book, its first
// part) books the pending touches in the store's order before it plans
// anything new, so the allocators' rotation and spacing history are the
// same whichever process or worker handed what back. A touch booked on a
// later day than before re-plans the later steps so they keep their gaps.
//
// A worker reads what those checks need for its whole claim at once (the
// enrollments, leads, campaigns, suppression answers, DNCR results and the
// touches follow-up emails thread on: one store call each) and records the touches it sent together (one lease-guarded
// UpdateTouches), each at most Config.BatchWindow (200 ms) behind: a stop
// recorded while a worker holds a claim is seen within that window, and
// sends slower than it are read and recorded one by one.
//
// A touch goes through the adapter of its resource's provider
// (Config.Channels: the adapter whose channel.Info names that provider,
// else the kind's catch-all), so one deployment may send email through
// SMTP and Salesforge, or calls through Twilio and Vapi; a resource no
// adapter sends for is left out of its client's picture. Each adapter's
// rate (channel.Info.Rate) is shared by the process's workers: a Send
// waits up to a second for it, a longer wait moves the touch (reason
// rate_limited), and a rate-limited answer with a Retry-After holds every
// Send to that account until then. The limit is per process: a deployment
// of N processes gives each its share.
//
// Delivery semantics are the adapter's (channel.Info.Delivery; by
// default at most once for voice and SMS, at least once for the rest).
// Email, LinkedIn and mail are sent at least once with the touch ID as
// idempotency key: a worker that dies leaves the touch leased; after the
// lease another worker sends it again with the same key and the provider
// keeps one copy. Voice and SMS are sent at most once: the touch is marked
// sending before Send; one found sending after its lease is looked up
// through channel.Reconciler (found: sent; not found: it never reached the
// provider and is sent) or, without one, marked uncertain and never sent
// again. A voice or SMS failure the adapter did not classify is uncertain
// too. Retryable failures back off exponentially (1 minute doubling to 30,
// 5 attempts; github.com/cenkalti/backoff/v4), honouring the provider's
// retry-after; permanent ones fail the touch and plan the step's fallback.
//
// # Events
//
// Every event is recorded once under its provider and event ID before it is
// applied, so a repeated webhook changes nothing. A reply stops the
// enrollment and, unless Config.ReplyKeepsCompany, every enrollment of the
// same company domain in the campaign; an out-of-office pauses until the
// named return (else 7 days) and re-plans from it; a hard bounce suppresses
// the channel for the lead; a complaint suppresses email; an opt-out
// suppresses its channel at once (an SMS STOP from a number: every client's
// lead with it); busy, unanswered or failed calls are tried again from the
// same number 4 hours later, twice per step; an accepted connection gets a
// LinkedIn message 2 days later from the same seat. Scheduled touches that
// a suppression stops fall back where the step has a fallback.
//
// # Billing month
//
// A client's billing month rolls from its signup day in its default zone
// (BillingMonth, BillingPeriod): a signup on the 29th to 31st starts periods
// on the last day of shorter months and goes back to its day after, as
// Stripe anchors. Periods are whole local days. Enrollments count against
// the plan's leads per month in the period holding their day 0; rows past
// the allowance are rejected with an *AllowanceError.
//
// # Defaults
//
// Every Config field documents its default; WithDefaults fills them in and
// Validate reports each bad field as a *FieldError. The engine's own:
//
//	Workers 4, ClaimBatch 100, BatchWindow 200 ms, Lease 2 min, PollInterval 1 s,
//	SendTimeout 30 s
//	Retry: 5 attempts, 1 min doubling to at most 30 min, no jitter
//	CallRetries 2, CallCooling 4 h, RetryVoicemail false, OOOPause 7 days
//	ConnectionMessageDelay 2 days, ConnectionWithdrawAfter 21 days
//	DNCRRewashWithin 3 days (wash validity 30 days), DNCRBatch 500
//	PlanHorizon 60 days, PlanWorkers 4 (clients planned at once; the same
//	plan for any number); reply stops the company (ReplyKeepsCompany false)
//
// # Running several processes
//
// Dispatch may run in any number of processes on one store: claims, leases
// and capacity bookings are the store's. Plan, Daily and the event handlers
// that re-plan are meant for one leader; the allocator's spacing history is
// kept per process. Run elects the leader through Config.Elector, the same
// election in every process (adapters/postgres: DB.Elector, an advisory
// lock): every process runs the dispatch workers, and only the one that
// leads runs the planner and the daily jobs. When the leader dies or its
// leadership check fails it stops them, and another process takes over at
// its next try, every PollInterval. Without an elector Run always leads
// (one process); Services sharing a store in one process elect with a
// storage.LocalElector. Everything else an event or a job looks up is the
// store's: the next due instant (Touches.NextDue), the touch an event
// without a touch ID concerns (FindTouchByProviderRef), a company's leads
// on a reply (ListLeadsByCompany), a domain's sends in the health window and
// the connection requests to withdraw (the sent-window filter of
// ListTouches).
package distribution
