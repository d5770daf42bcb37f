// Package storage defines what the engine keeps and the rules every store
// follows: the [Store] interface, made of one small interface per record
// kind ([Clients], [Resources], [Campaigns], [Leads], [Enrollments],
// [Touches], [Plans], [Events], [Suppressions], [Washes], [Bookings]), and the errors
// they share. Package [github.com/outbound-go/outbound/storage/memory] is the
// embedded default; a database store (adapters/postgres) is the one that
// lets a deployment span processes. Both pass one contract suite,
// [github.com/outbound-go/outbound/storage/storagetest], so the rules below
// hold whichever a host picks.
//
// # Errors
//
// A Create or Insert of an ID that exists yields [ErrConflict]; a Get or
// Update of an ID that does not yields [ErrNotFound]. Both are the domain's
// own ([outbound.ErrConflict], [outbound.ErrNotFound]), wrapped, so test
// with errors.Is. A lead whose email or phone another lead of its client has
// yields a *[DuplicateError] naming the field, the new lead's value and the
// existing lead; errors.Is(err, ErrConflict) holds for it. A worker's update
// of a touch it no longer holds yields [ErrLeaseLost]. A record a store
// cannot keep (no ID; no client on a client's record; a touch with an
// unknown status; an event without its provider or provider event ID; a
// suppression with neither lead nor address) yields a
// *[outbound.ValidationError] naming the field. A call whose context is done
// fails with the context's error and changes nothing.
//
// # Tenancy
//
// Every row that belongs to a client carries its client ID: campaigns,
// leads, enrollments, touches, events (when matched), suppressions, and the
// resources a client holds. Listings that take a client ID return that
// client's rows, or every client's when the ID is zero. Uniqueness rules
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
//   - events: by when they happened (Event.At), then ID;
//   - suppressions: by client ID, Since, lead ID, address, then channel;
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
// provider's message ID: ProviderRef compared exactly, across clients, the
// first by ID if several touches share one; an empty reference matches
// nothing. [TouchFilter] fields combine with AND; Statuses and Resources
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
// it stored it, so concurrent deliveries of one webhook apply once.
//
// # Suppressions
//
// AddSuppression is idempotent on (client, lead, address, channel); the
// first keeps its reason and instant. Suppressed reports whether any
// suppression of the client matches the lead (when it names one) or the
// address (emails compared without regard to case, anything else exactly)
// on the channel, or on every channel (an empty Channel).
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
