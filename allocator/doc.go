// Package allocator picks the sending resource for one touch: which mailbox
// sends an email, which phone number calls or texts, which LinkedIn seat
// connects or messages, so that no resource passes its safe limit.
//
// An [Allocator] holds one campaign's (in practice one client's) resources.
// [Allocator.Pick] takes a [Request] — the action, the instant the touch goes
// out, and the lead's sticky resource of that kind if it has one — and
// returns a [Pick] with the capacity already reserved, or a
// *[NoCapacityError] that says when the earliest capacity opens.
//
// # Rules
//
// Round-robin: among the resources of the kind the action needs (mailbox for
// email; phone for calls and texts; LinkedIn seat for connection requests and
// messages; mail sender for letters), picks go round in the order resources
// were added, skipping any that is
//
//   - paused (a health pause; [Allocator.SetPaused]),
//   - at its daily cap for its local day,
//   - at its rolling 7-day cap: every 7 consecutive local days hold at most
//     the weekly figure, whatever order the days are booked in,
//   - too close to another send from the same resource (spacing).
//
// With N usable resources and N·k picks, each resource takes k.
//
// A day is the resource's own calendar day in its client's timezone
// (Resource.Location): a cap that is full on Monday in Sydney opens at
// Tuesday 00:00 in Sydney, whatever the recipient's zone. Where a DST change
// skips midnight, the day starts at its first instant.
//
// Caps are per resource and per action: a phone number's calls and its texts
// are counted and capped separately, as are a seat's connection requests and
// its messages.
//
// Sticky leads: follow-up emails come from the mailbox that sent the first,
// calls and texts from one number (one sticky phone serves both), LinkedIn
// from one seat. The store is the source of truth, so the allocator keeps no
// lead map: the engine passes the lead's resource of the kind as
// Request.Sticky and stores Pick.Resource. While the sticky resource is
// usable the pick returns it, or, if it is full or too close to its last
// send, a *NoCapacityError for it with Sticky set — it never switches, so a
// thread stays with one sender. If it is paused or no longer in the
// allocator, the pick goes round as usual and sets Pick.Replaced; the new
// resource becomes the lead's.
//
// No capacity: the error carries NextOpen, the earliest instant a pick can
// succeed — the minimum over the candidates of the next local midnight that
// starts a day with room (read from the Counter, so days already booked
// ahead are skipped), the instant spacing allows, and the day a rolling
// 7-day window frees a slot. A pick at NextOpen finds room unless something
// else took it first. When picks come in order of instant nothing opens
// before NextOpen; out of order, a slot between two sends booked ahead may
// open slightly earlier than the answer says (it never says earlier than the
// truth). A campaign with no usable resource of the kind
// (none, or all paused) gets Reason [ReasonNoResource], matched by
// [ErrNoResource]: the case in which a sequence step takes its fallback.
//
// # Defaults
//
// [Config] holds the caps per action; zero fields take docs/architecture.md's figures:
//
//	mailbox email      daily from the warmup curve (Config.Limiter), 30 without
//	                   one, clamped to a hard ceiling of 50; at least 3 minutes
//	                   between two sends plus up to 2 minutes of jitter
//	phone call         60 a day
//	phone SMS          100 a day
//	LinkedIn request   20 a day and 80 in any rolling 7 days
//	LinkedIn message   100 a day
//	mail sender letter unlimited
//
// [Unlimited] switches a count off, [NoSpacing] a duration. The jitter after
// a send is drawn from a hash of the resource's ID and the send's instant:
// the same plan comes out the same on every run.
//
// The mailbox's daily figure comes from a [DailyLimiter] the engine wires to
// the warmup curve; this package does not import warmup.
//
// # The Counter seam
//
// Capacity is counted by a [Counter], the source of truth for every cap:
// Reserve adds one to a (resource, action, day) count unless that would pass
// the daily cap or any rolling 7-day window containing the day, atomically.
// [MemoryCounter] is the in-memory one (one lock, check and increment under
// it); a store backs the same interface with one row per resource-day and a
// single "insert or increment unless it would pass the cap" statement, so
// that caps hold across every worker and process. Allocators that share
// resources must share one Counter.
//
// Spacing is kept in the allocator, from the picks it made and any sends
// given to [Allocator.Record] (say, on start-up from the store's scheduled
// touches); it holds among the picks of one allocator, so give one client's
// resources one allocator. [Allocator.Forget] drops old spacing history;
// [MemoryCounter.Forget] drops old counts. [Allocator.Release] gives back a
// pick whose touch will not go out.
//
// # Concurrency and cost
//
// An Allocator is safe for concurrent use: one mutex guards it (the Counter
// is called under it). A pick is O(1) amortised and does not allocate: each
// action has its own ring of candidates; resources are interned to dense
// indices when added; a resource that reaches its cap leaves the day's
// rotation instead of being rescanned, and comes back lazily when a pick
// falls on another day; the day of an instant is cached per timezone. A
// round that finds nothing is remembered until its NextOpen or until
// something opens capacity (a release, a resume, an added resource), so a
// burst of failing picks costs one scan. Requests may come in any order of
// instant; picks that move through days in order are the cheap case, and
// alternating between days re-admits the full resources each time.
//
// Failing picks allocate their error. When the Counter is not a
// *MemoryCounter, Reserve is an interface call that must not allocate for
// the pick to stay allocation-free.
package allocator
