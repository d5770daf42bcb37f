// Package pool runs the lifecycle of the sending resources an agency owns
// (email domains and their mailboxes, phone numbers, LinkedIn seats, a
// direct-mail sender): it buys them through a Provisioner, warms domains up,
// assigns a plan's resources to a client on payment, keeps a buffer of
// spare resources, pauses unhealthy domains and takes resources back when a
// client churns. Alerts go to an Alerter. All state lives in a
// storage.Store; the pool reads time only from its timing.Clock.
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
//	available → assigned       Assign       a client's plan wants it (and Backfill)
//	assigned → held            Churn        its client churns; held until now + 30 days
//	held → assigned            Assign       its client is reactivated within the hold
//	held → available           Release      the hold is over
//	held → retired             Release      the hold is over and the resource is paused
//	any → retired              Retire       the host takes it out of service
//
// Stock adds resources already owned: a domain bought 14 or more days ago is
// available at once, a younger one warming; other kinds are available. A
// Provisioner that reports a purchase ready at once (see Provisioner) skips
// provisioning.
//
// Paused is a flag beside the state (Resource.Paused, PauseReason), set by
// EvaluateHealth and cleared by Resume: a paused resource keeps its state and
// owner, sends nothing and is never assigned.
//
// Every domain has outbound.MailboxesPerDomain (2) mailboxes, created with
// it (Config.MailboxNames: outreach@ and hello@ by default). A mailbox
// follows its domain in every transition: state, client, hold, pause and
// purchase instant. The pool's methods take domains; a mailbox's ID is
// refused. Counts a method returns (Promote, Release) count a domain once.
//
// # Assignment
//
// Assign converges a client to its plan (Config.Plans, by Client.Plan;
// outbound.DefaultPlans by default): it assigns the domains, phone numbers,
// LinkedIn seats and mail sender the client lacks, oldest purchase first
// (ties by ID). Because it converges, the same payment handled twice assigns
// once and an upgrade assigns the difference; it never takes resources away.
// When the pool is short it assigns what it can, raises assignment_short and
// reports the shortfall. Backfill completes short clients, oldest signup
// first; Stock, Provisioned, Promote, Release, Resume and CheckBuffer run it
// whenever they make a resource available, and Retire when it takes one from
// a client.
//
// # Buffer
//
// For each kind a plan buys, CheckBuffer computes the buffer
// available ÷ (available + assigned), where purchases in flight
// (provisioning or warming) count as available and the shortfall of clients
// left short counts as already taken from them:
//
//	ratio = (available + in flight − short) ÷ (available + in flight + assigned)
//
// Strictly under Config.BufferThreshold (40 % by default; exactly 40 % is not
// under) it raises buffer_low and asks the Provisioner for the fewest that
// bring the ratio back to the threshold. What it bought is then in flight, so
// a repeated check buys nothing twice. A kind with nothing available, in
// flight, assigned or short has ratio 1. New domains start their warmup on
// purchase (PurchasedAt is the purchase instant).
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
// after the churn: the resources return to the pool (a paused one is
// retired). A client reactivated by its host within the hold gets its own
// held resources back first on Assign.
//
// # Health
//
// EvaluateHealth asks a HealthSource for each assigned or available,
// unpaused domain's sends, bounces and complaints over the health window
// (14 days by default) and applies Config.Health (warmup.HealthPolicy):
// over at least 20 sends, a bounce rate above 3 % or a complaint rate above
// 0.3 % pauses the domain and its mailboxes and raises domain_paused. A
// paused domain stays paused until the host calls Resume, which raises
// domain_resumed.
//
// # Alerts
//
// Alert kinds: buffer_low, assignment_short, purchase_failed,
// domain_paused, domain_resumed. The default Alerter is LogAlerter, which
// logs at Warn to Config.Logger (itself discarding by default). An
// Alerter's error is logged, never returned: the change it reports has been
// made.
//
// # Concurrency
//
// A Pool is safe for concurrent use within a process: every
// read-modify-write of the store runs under one lock, so two goroutines
// never assign one resource to two clients, and CheckBuffer runs one at a
// time, so one shortfall is bought once. Provisioner, HealthSource and
// Alerter calls are made outside that lock (except that Backfill runs inside
// the job that triggers it). The store has no transactions, so across
// processes the caller must run the pool's jobs on one leader at a time
// (the distribution service's leader, under its advisory lock). A store
// write that fails midway leaves a state the next call converges: Assign
// repairs mailboxes out of line with their domain, Churn holds what is
// still assigned.
//
// # Configuration
//
// Config's zero values are the defaults of DESIGN.md: 40 % buffer threshold,
// 30-day hold, the default warmup curve and health rule, the default plans,
// uuid.New for IDs, the real clock, a discarding logger. Validate names each
// bad field in a *FieldError (errors.Is(err, outbound.ErrInvalid)).
package pool
