// Package storage defines what the engine keeps and the rules every store
// follows: the [Store] interface, made of one small interface per record
// kind ([Clients], [Resources], [Campaigns], [Leads], [Enrollments],
// [Touches], [Plans], [Events], [Suppressions], [Washes], [Bookings],
// [Orders], [Allowances], [Spacing]), the checks every store makes of a
// record before writing it (CheckClient, CheckMove, CheckOrder, ...), and
// the errors they share. Package [github.com/outbound-go/outbound/storage/memory] is the
// embedded default; a database store (adapters/postgres) is the one that
// lets a deployment span processes. Both pass one contract suite,
// [github.com/outbound-go/outbound/storage/storagetest], so the rules below
// hold whichever a host picks.
//
// # Errors
//
// A Create or Insert of an ID that exists yields [ErrConflict], and so
// does a write that would break a unique key (a client's billing keys, a
// resource's provider reference) or an update from a stale read (below); a
// Get or Update of an ID that does not exist yields [ErrNotFound]. Both are the domain's
// own ([outbound.ErrConflict], [outbound.ErrNotFound]), wrapped, so test
// with errors.Is. A lead whose email or phone another lead of its client has
// yields a *[DuplicateError] naming the field, the new lead's value and the
// existing lead; errors.Is(err, ErrConflict) holds for it. A worker's update
// of a touch it no longer holds yields [ErrLeaseLost]. A record a store
// cannot keep (no ID; no client on a client's record; a touch with an
// unknown status; an event without its provider or provider event ID; a
// suppression that names not exactly one of lead, address and domain; a
// move of a mailbox) yields a *[outbound.ValidationError] naming the
// field. A call whose context is done
// fails with the context's error and changes nothing.
//
// # Work across processes: targeted atomic operations
//
// Every rule that must hold however many processes share a store is one
// store call, which a database makes in one statement or one short
// transaction of its own:
//
//   - optimistic versions: a client and a resource carry a Version that
//     every write raises; UpdateClient and UpdateResource write only over
//     the version they read, and refuse a stale one with [ErrConflict],
//     changing nothing (the caller reads again and retries). Every write
//     of a resource raises the Version of the client that holds it and of
//     the one that held it, so ClientVersions tells a process, in one
//     call, which of its cached pictures of clients and their resources
//     are stale;
//   - MoveResource: a compare on the state and owner the caller saw, an
//     optional limit on the target client's usable resources of the kind,
//     and the change of the resource and, for a domain, of its mailboxes,
//     all at once, so that a resource never goes to two clients and a
//     client never passes its plan;
//   - TakeAllowance: the check of a client's monthly allowance and the
//     addition to it, at once;
//   - SpaceSend: the check of a mailbox's last send and the record of the
//     new one, at once;
//   - events recorded, then applied, then marked applied (RecordEvent,
//     MarkEventApplied, UnappliedEvents), and orders recorded before the
//     provider is called (CreateOrder, unique per idempotency key): a
//     crash between the steps leaves a record that a retry or a sweeper
//     finishes, and applying twice changes nothing.
//
// There is no transaction seam (no Begin/Commit a caller could hold across
// several calls) on purpose. Each invariant that must hold across
// processes fits in one call, so the engine never holds a database
// transaction, or its locks, across a provider's API call, which may take
// seconds or time out; a store needs no nested or long-lived transactions;
// and the memory store, which makes each call under one lock, needs no
// rollback. What spans several calls (buy, then store the resources;
// record an event, then apply it) is made safe by idempotency and by the
// records left behind, not by holding locks.
//
// # Versions
//
// CreateClient and CreateResource store Version 1 and UpdateClient and
// UpdateResource the stored Version plus one; each sets the new Version in
// the record given. A move raises the Version of the resource and of each
// of its mailboxes, so an update from a read made before the move is
// refused rather than undoing it. A client's Version is raised, by at
// least one, by every write of a resource it holds or held: an
// UpdateClient from a read made before such a write is refused too.
//
// # Moves
//
// A [Move] happens only if the resource is still in state From and held by
// FromClient (zero: by no client); otherwise MoveResource returns false and
// changes nothing. With a Limit, it happens only while ToClient holds
// fewer than Limit resources of the moved one's kind that are assigned and
// not paused (held, paused and the moved resource itself do not count; nor
// do mailboxes, which are not domains). A domain's mailboxes take the
// domain's new state, owner and HeldUntil; every other field of each is
// left as stored. An assigned or held resource goes to a client, an
// available one to none, and HeldUntil is set exactly when the resource is
// held; a mailbox never moves alone.
//
// # Tenancy
//
// Every row that belongs to a client carries its client ID: campaigns,
// leads, enrollments, touches, events (when matched), suppressions, and the
// resources a client holds. Listings that take a client ID return that
// client's rows, or every client's when the ID is zero; suppressions alone
// differ: the zero ID lists the platform-wide ones, which hold for every
// client. Uniqueness rules
// hold within a client: two clients may each have a lead with the same
// email. Wash results alone belong to no client: the Do Not Call Register
// answers the same for everyone.
//
// # Order
//
// Every listing has a fixed order, so runs are reproducible on any store:
// IDs compare as their 16 bytes (Postgres' uuid order), strings byte by byte
// (the "C" collation), instants as instants.
//
//   - clients, resources, campaigns, leads (by company too): by ID;
//   - enrollments: by lead ID, then campaign ID, the order the planner works in;
//   - touches: by scheduled instant, then ID (claims too);
//   - events: by when they happened (Event.At), then ID; unapplied events
//     by when they were recorded, then ID;
//   - suppressions: by Since, lead ID, address, domain, then channel;
//   - orders: by CreatedAt, then ID;
//   - wash results: by phone;
//   - bookings: by resource ID, action, then day.
//
// # Leads
//
// Within one client no two leads share an email address (compared without
// regard to case) or a phone number (compared exactly: store E.164). Empty
// values never collide. CreateLead and UpdateLead check email before phone.
// FindLead returns the lead with the email if there is one, else the lead
// with the phone. ListLeadsByCompany lists a client's leads (every
// client's for a zero ID) of one company domain, compared without regard to ASCII case only (A–Z match a–z, any
// other byte compares exactly, as lower() does under Postgres' "C"
// collation); an empty domain matches no lead. An enrollment is unique per
// (campaign, lead).
//
// # Touches, claims and leases
//
// InsertTouches is all or nothing: an ID already stored, or twice in the
// batch, stores none of it. A touch is leased while LeasedBy is set and
// LeaseUntil is after the instant asked about. At instant Now a touch is due
// when it is
//
//   - scheduled, with ScheduledAt at or before Now, and not leased; or
//   - sending and not leased (its lease ended at or before Now): a worker
//     died after handing it to the provider, and the next worker must
//     reconcile it, never re-send it blindly.
//
// ClaimTouches hands out up to Limit due touches, oldest ScheduledAt first
// then by ID, setting LeasedBy to the worker and LeaseUntil to the claim's;
// it changes nothing else (the dispatcher counts Attempts). No interleaving
// of claims leases a touch to two workers at once. A claim needs a worker
// and a LeaseUntil after Now; a Limit of zero or less claims nothing.
// Stores read no clock: every instant comes from the caller.
//
// UpdateTouch replaces the whole touch, lease fields included. With a worker
// it succeeds only while the stored touch's LeasedBy is that worker, so a
// worker whose lease ran out may still finish its touch until another worker
// claims it; after that it gets ErrLeaseLost. With an empty worker (the
// planner, event handlers) it always succeeds, and whatever LeasedBy it
// writes is what a worker's later update is checked against. A touch whose
// status is final (sent, delivered, failed, skipped, cancelled, uncertain)
// is never due again unless an update makes it scheduled or sending.
// UpdateTouches is UpdateTouch for a batch in one step: it replaces the
// touches the worker holds and reports the others.
//
// SavePlans stores the planner's decisions, all or nothing: the new touches
// of each enrollment with the enrollment's planning state, so that no crash
// leaves touches planned for an enrollment that would be planned again.
// The batch reads (GetLeads, GetEnrollments, SuppressedAmong) answer as
// their single calls would, in one call.
//
// NextDue answers when the next claim can hand something out: the least,
// over the scheduled and sending touches, of the instant each becomes due
// (a scheduled touch: its ScheduledAt, or its lease's end if later while a
// worker holds it; a sending touch: its lease's end, or the zero time when
// no worker holds it). A claim with Now at that instant hands out at least
// one touch, one with Now before it hands out none.
//
// # Touch lookups
//
// FindTouchByProviderRef matches an inbound event that carries only the
// provider's message ID: Provider and ProviderRef compared exactly, across
// clients, the first by ID if several of one provider's touches share a
// reference; an empty provider or reference matches nothing. Two providers
// may use one reference. FindResource does the same for resources, whose
// (Provider, ProviderRef) pair is unique when both are set, and
// FindClientByBilling for clients, whose billing customer and subscription
// are each unique when set. [TouchFilter] fields combine with AND; Statuses and Resources
// match any of their members, and SentFrom / SentUntil select SentAt in the
// half-open window [from, until), excluding touches never sent once either
// bound is set: what domain health (a domain's mailboxes' sends in a
// window) and the connection-request withdrawal (sent requests older than
// a cutoff) ask.
//
// # Events
//
// Provider and ProviderEventID are an event's deduplication key: RecordEvent
// stores an event only if no event with that key exists, and reports whether
// it stored it, so concurrent deliveries of one webhook are stored once;
// when it did not store it, it fills the caller's event in with the stored
// one, whose AppliedAt says whether it still needs applying.
// MarkEventApplied keeps the first instant it is given. UnappliedEvents
// lists the events recorded strictly before an instant and not applied, up
// to a limit (none for a limit of zero or less).
//
// # Orders
//
// CreateOrder stores an order once per idempotency key: a second order
// with the key is not stored and is filled in with the first, so a retried
// purchase finds the order it made. UpdateOrder may not change the key
// (ErrConflict).
//
// # Allowances and spacing
//
// TakeAllowance grants min(n, limit − used) (never below zero) and adds it
// to the client's count for the period, an instant; ReturnAllowance takes
// back, never below zero. SpaceSend records a send from a resource at an
// instant if the last recorded one is at least the gap before it (a send
// earlier than the last is refused too), and otherwise says when the gap
// ends.
//
// # Suppressions
//
// A suppression names exactly one of a lead, an address or an email domain,
// for one client or, with a zero client, for every client (a platform-wide
// do-not-contact entry). Its key ([SuppressionKey]) is (client, lead,
// address, domain, channel), with emails compared without regard to case,
// domains without regard to ASCII case, anything else exactly.
// AddSuppression of a key in force keeps the first, with its reason and
// instant; of a key that was lifted, it puts it back in force with the new
// reason and instant. LiftSuppression lifts a key in force and records
// who, why and when; a lifted suppression stays listed and suppresses
// nothing. Suppressed reports whether a suppression in force, of the
// query's client or platform-wide, matches the query's lead, address or
// domain (each when the query names it) on the channel, or on every
// channel (an empty Channel). A domain suppression matches a query that
// names the domain: the caller names the domain of the address it asks
// about; a store does not derive it.
//
// # Washes
//
// PutWash keeps one result per number: the latest by WashedAt (one as
// recent replaces it, an older one is ignored). WashesBefore lists the
// results washed strictly before an instant: the numbers to wash again.
//
// # Bookings
//
// [Bookings] is the allocator's [allocator.Counter]: Reserve adds one to a
// (resource, action, day) count unless that would pass the daily cap or the
// cap of any 7 consecutive days containing the day, atomically; Release
// takes one back, never below zero; Used reads counts. The store is the
// source of truth for every cap, so caps hold across every worker and
// process that shares it. ListBookings lists the counts above zero, each
// under the client that holds its resource when listed.
//
// # Instants
//
// Stores keep instants in UTC and return them in UTC; a database store may
// keep them to the microsecond only.
package storage
