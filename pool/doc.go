// Package pool runs the lifecycle of the sending resources an agency owns
// (email domains and their mailboxes, phone numbers, LinkedIn seats, a
// direct-mail sender): it buys them through a Provisioner, adds the ones
// the host already owns (Register), warms domains up, assigns a plan's
// resources to a client on payment, keeps a buffer of spare resources,
// pauses unhealthy resources and replaces them, and takes resources back
// when a client downgrades or churns. Alerts go to an Alerter. All state
// lives in a Store (any storage.Store); the pool reads time only from its
// timing.Clock.
//
// # Lifecycle
//
// A resource's state (outbound.ResourceState) moves along
//
//	provisioning ──► warming ──► available ──► assigned ──► held ──► available
//	      └─────────────────────────►┘                         └───► retired
//
// through these transitions, each made by one method:
//
//	provisioning → warming     Provisioned  a domain younger than the warmup age
//	provisioning → available   Provisioned  any other kind, or a domain already that old
//	warming → available        Promote      the domain's age reaches the warmup age (14 days)
//	available → assigned       Assign       a client's plan wants it (and Backfill, Pause's replacement)
//	warming → assigned         Pause        the replacement of a paused domain, when none is available
//	assigned → held            Churn        its client churns; held until now + 30 days
//	assigned → held            Assign       its client holds more than its plan (downgrade)
//	held → assigned            Assign       its client is reactivated or upgraded within the hold
//	held → available           Release      the hold is over
//	held → retired             Release      the hold is over and the resource is paused
//	any → retired              Retire       the host or the provider takes it out of service
//
// Purchases (CheckBuffer) and registrations (Register) enter the pool
// provisioning, warming or available; Stock is the simulated path, adding
// fictional resources. A domain bought 14 or more days ago is available at
// once, a younger one warming; other kinds are available.
//
// Paused is a flag beside the state (Resource.Paused, PauseReason,
// PausedAt, ResumedAt, ReplacedBy), set by EvaluateHealth and Pause and
// cleared by Resume: a paused resource keeps its state and owner, sends
// nothing, is never assigned and counts for nothing toward its client's
// plan.
//
// A domain has mailboxes: the provider's, as Purchase returned them or as
// the host registered them, or for Stock one per Config.MailboxNames. A
// mailbox follows its domain in every transition: state, client, hold,
// pause and purchase instant. The pool's methods take domains; a mailbox's
// ID is refused. Counts a method returns (Promote, Release) count a domain
// once.
//
// # Assignment
//
// Assign converges a client to its plan (Config.Plans, by Client.Plan;
// outbound.DefaultPlans by default), counting its assigned, unpaused
// resources: it assigns the domains, phone numbers, LinkedIn seats and
// mail sender the client lacks (its own held ones first, then the pool's,
// oldest purchase first, ties by ID), and holds for it what passes the
// plan, newest purchase first (the downgrade rule), for 30 days. Because it
// converges, the same payment handled twice assigns once, an upgrade
// assigns the difference and a downgrade releases the surplus. When the
// pool is short it assigns what it can, raises assignment_short and
// reports the shortfall. Backfill completes short clients, oldest signup
// first; Stock, Register, Provisioned, Promote, Release, Resume and
// CheckBuffer run it whenever they make a resource available, and Retire
// when it takes one from a client.
//
// # Pause and replacement
//
// EvaluateHealth asks a HealthSource for each assigned or available,
// unpaused domain's sends, bounces and complaints over the health window
// (14 days by default) and applies Config.Health (warmup.HealthPolicy):
// over at least 20 sends, a bounce rate above 3 % or a complaint rate above
// 0.3 % pauses the domain and its mailboxes and raises domain_paused. Pause
// does the same for any resource, for a reason the host or a provider
// gives (a LinkedIn account restricted).
//
// A paused resource of an active client is replaced at once from the
// pool, so the client keeps its plan's capacity: an available resource of
// the kind first (aged past warmup, for a domain), else the warming domain
// bought first; ReplacedBy records it and resource_replaced names both.
// With nothing to give it raises no_replacement: the client is short, the
// next CheckBuffer buys for it and Backfill completes it. A paused resource
// stays paused until the host calls Resume (domain_resumed or
// resource_resumed). The resumed resource counts again, so a client that
// was given a replacement holds one more than its plan: Resume converges
// the client at once, which holds the newer of the two for it by the
// downgrade rule, and the hold ends 30 days later.
//
// # Buffer and orders
//
// For each kind a plan buys, CheckBuffer computes the buffer
// available ÷ (available + assigned), where what is in flight (the counts
// of open orders, and resources provisioning or warming) counts as
// available and the shortfall of clients left short counts as already
// taken from them:
//
//	ratio = (available + in flight − short) ÷ (available + in flight + assigned)
//
// Strictly under Config.BufferThreshold (40 % by default; exactly 40 % is not
// under) it raises buffer_low and orders the fewest that bring the ratio
// back to the threshold. A kind with nothing available, in flight,
// assigned or short has ratio 1. New domains start their warmup on the
// order (PurchasedAt is the order's CreatedAt unless the provider says).
//
// Every purchase is an outbound.Order stored before the Provisioner is
// called, with the idempotency key "pool-<kind>-<n>", n counting the
// kind's orders: a check that crashed is followed by one that places its
// open order again under the same key, two checks at once make the same
// key, and a new shortfall gets a new one, so a shortfall is bought once
// (see CheckBuffer). The resources an order brings are stored once each,
// found again by (provider, provider reference).
//
// # The host's own resources and provider events
//
// Register adds what the host already owns: domains with their mailboxes,
// numbers, LinkedIn accounts and mail senders, with provider, provider ID,
// real address and purchase date, into the pool or straight to a client.
// It is idempotent by (provider, provider ID) and checks every
// registration first, naming each bad field in a *FieldError.
//
// Provider events name resources by reference: ProvisionedRef (a domain
// ready, an account connected), PauseRef (an account restricted or
// disconnected), ResumeRef (connected again) and RetireRef (a number
// released) find the resource by (provider, ref) and do what Provisioned,
// Pause, Resume and Retire do. A mailbox created by the provider is
// registered with Register.
//
// # Warmup
//
// A domain's age is whole 24-hour days since PurchasedAt. It leaves warming
// on the first age at which Config.Warmup's curve allows a send: 14 days by
// default (Pool.WarmupDays). Only domains warm; the daily limit itself is
// the allocator's business (warmup.Policy.DailyLimit).
//
// # Churn
//
// Churn marks a client churned and holds its resources for it for
// Config.HoldFor (30 days by default). Release, run periodically, ends the
// holds whose HeldUntil is not after now, so a hold ends exactly 30 days
// after the churn or the downgrade: the resources return to the pool (a
// paused one is retired). A client reactivated by its host within the hold
// gets its own held resources back first on Assign.
//
// # Alerts
//
// Alert kinds: buffer_low, assignment_short, purchase_failed,
// domain_paused, domain_resumed, resource_paused, resource_resumed,
// resource_replaced, no_replacement, resource_throttled, and seat_link,
// which a seat provisioner raises to hand a person the link that connects
// a LinkedIn account. The default Alerter is LogAlerter, which logs at
// Warn to Config.Logger (itself discarding by default). An Alerter's error
// is logged, never returned: the change it reports has been made.
//
// # Concurrency
//
// A Pool is safe for concurrent use, and so are several Pools in several
// processes on one store: every job may run anywhere, at any time, as often
// as wanted. Every change of a resource's owner or state (assign, take
// back, hold, release, retire, promote) is one storage.Move, which the
// store applies only if the resource is still in the state and with the
// owner the pool saw, and, for an assignment, only while the client holds
// fewer than its plan of the kind: so one resource never goes to two
// clients and a client never passes its plan, however many processes
// converge it at once. A move lost to another process is read again and
// the convergence run again. Every other change (a pause, a resume, a
// replacement recorded, a client churned) is a version-checked update,
// read again and retried on storage's ErrConflict. A client churned while
// another process assigned to it has what it got held (Assign then returns
// ErrChurned). Purchases are made once by their order's idempotency key.
//
// A store write that fails midway leaves a state the next call converges:
// Assign repairs mailboxes out of line with their domain, Churn holds what
// is still assigned, CheckBuffer places open orders again, Register and a
// purchase complete a resource stored without all its mailboxes (a domain
// stays provisioning, so unassignable, until they are all stored).
//
// # Configuration
//
// Config's zero values are the defaults: 40 % buffer threshold, 30-day
// hold, the default warmup curve and health rule, the default plans,
// uuid.New for IDs, the real clock, a discarding logger. Validate names each
// bad field in a *FieldError (errors.Is(err, invalid.ErrInvalid)).
package pool
