// Package memory is the embedded [storage.Store]: everything in the
// process's memory, safe for concurrent use, with the semantics package
// storage documents and the contract suite in
// [github.com/outbound-go/outbound/storage/storagetest] checks for every
// store. It is the default store, the one the simulator and the tests run on.
//
//	st := memory.New()
//
// # Concurrency
//
// Records sit behind one read-write lock: reads share it, writes take it
// alone. Capacity bookings sit behind their own lock, so the planner's
// reservations never wait on the dispatcher's claims, and so do the
// mailboxes' last sends (SpaceSend), asked before every email. Each method
// is atomic: a touch claim, a lead's uniqueness check and insert, an
// event's deduplication, a versioned update's compare and write, a move's
// compare, limit count and the writes of a domain and its mailboxes, an
// allowance's check and addition, a send's spacing check and record, and
// a reservation's cap check and increment each happen under one lock. So
// nothing is ever undone: a call that refuses refuses before it writes.
//
// Resources are indexed by provider reference, by domain (its mailboxes)
// and by client (for a move's limit, which counts the client's resources
// only); clients by billing customer and subscription; events not yet
// applied by ID, so that UnappliedEvents reads only those; suppressions by
// client (the zero client for the platform-wide ones), then by lead,
// address and domain, lifted ones kept and skipped.
//
// # Claims
//
// Unfinished touches (scheduled or sending) are kept in two heaps: those not
// yet claimable ordered by when they will be (the later of the scheduled
// instant and the lease's end; for a sending touch the lease's end), and
// those claimable ordered by scheduled instant, then ID. A claim moves the
// touches that have come due from the first heap to the second and pops up to
// its limit, so it costs O((due + claimed) log n), never a pass over every
// touch. A touch whose status becomes final leaves both heaps. Claims may
// name instants in any order: a touch found early for an earlier instant
// waits for a later claim. The claimable touches sit in a third heap too,
// ordered by when they came due, so that NextDue answers in O(1): the
// earlier of the first waiting touch and the first of that heap.
//
// # Lookups
//
// Besides the claim heaps, touches are indexed by lead, by enrollment, by
// provider and reference, and, once sent, by resource and by action, each of
// the last two ordered by SentAt (in sorted chunks of 256, so that a send
// anywhere in time costs O(log n + 256) and sends in time order append).
// ListTouches reads the enrollment's or the lead's touches when the filter
// names one; with a sent window, only the touches sent in it, from the
// resources named (or of the action named, or of every action); any other
// filter reads every touch. Leads are indexed by client and email, client
// and phone, and company domain (its ASCII letters lower-cased) then
// client, so ListLeadsByCompany reads only the company's leads.
//
// # Copies
//
// Every method copies what it is given and what it returns, maps and
// slices included (an enrollment's Sticky, an event's Metadata and
// Payload, an order's Resources), and stores every instant in UTC.
// Callers never share memory with the store.
//
// # Bookings
//
// Bookings are an [allocator.MemoryCounter], wrapped to remember which
// resource, action and days were ever reserved so that ListBookings can
// enumerate them. Reserve does not allocate once a key has been seen.
//
// # Memory
//
// Nothing is ever deleted: touches, events and bookings grow with the run.
// A touch takes about 460 bytes with its indexes, and one sent with a
// provider reference about 90 more (its reference and its two sent-index
// entries), so half a million touches (a 100,000-lead run of the five-step
// sequence) take about 230 MB, and 275 MB once every one has gone out.
package memory
