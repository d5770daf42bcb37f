// Package warmforge starts warmup for the pool's new mailboxes (RP-006)
// and reads their warmup and placement back into health (RP-009) through
// Warmforge's public API, version 1.
//
// # API and sources
//
// https://api.warmforge.ai/public/v1, as the official Forge MCP server
// (github.com/SalesforgeAI/forge-mcp, src/tools/warmforge/*.ts, read
// 2026-08) calls it, with the bodies of a third-party summary of
// Warmforge's Swagger (api.warmforge.ai/public/swagger/doc.json): mailbox
// routes, optionally under /workspaces/{id} ([Config.WorkspaceID]), GET
// /mailboxes?page=&page_size=(1–100)&status=(warm, pending, disconnected,
// suspended, all) answering {mailboxes, page, pageSize, totalPages}; GET
// and PATCH /mailboxes/{address} (the address path-escaped; PATCH takes
// warmupEnabled among others); GET /mailboxes/{address}/warmup/stats?from=
// &to= (YYYY-MM-DD) answering {stats: [{date, sentCount, replyCount,
// spamCount}]}; POST /mailboxes/placement-results/latest {mailboxIds}
// (1–100) answering {results: [{mailboxId, address, placementTest:
// {result, emailSent, pendingCount, …}}]}. The transport, its errors
// ([infraforge.APIError]: any 4xx but 408, 409 and 429 is a refusal; 429
// and 5xx carry their Retry-After) and the answers' readers
// ([infraforge.List]) are adapters/infraforge's, shared. Requests are
// paced by a rate limiter ([Config.Rate], 5 a second by default); there is
// no retry loop: the pool places a pending order again, a host polls
// Check again.
//
// # Warmup started
//
// [Provisioner] wraps the provisioner that buys the mailboxes
// (adapters/infraforge's Client) and, after each purchase, calls
// [Client.StartWarmup] for every mailbox of the answer: GET
// /mailboxes/{address}, then PATCH {warmupEnabled: true} only when warmup
// is off, so an order placed again starts nothing twice. A mailbox not in
// Warmforge yet ([ErrNotConnected]: InfraForge's mailboxes reach Warmforge
// by the account's sync, not by a call of this package) or a Warmforge
// failure fails the purchase without pool.ErrPurchaseRefused: the order
// stays pending, and the pool's next placing (which buys nothing more)
// tries the warmups still off.
//
// # Health and pauses
//
// [Client.Check] reads every mailbox, their latest placement tests and
// [Config.StatsDays] (7) days of warmup, and gives each mailbox a
// warmup.Health by [HealthRule]:
//
//   - status access_lost (the list filter's "disconnected") or suspended:
//     Paused, with the reason;
//   - else the inbox rate is the lower of the latest finished placement
//     test's result and, over the days read with at least MinSent (20)
//     warmup emails, 100 − 100 × spam ÷ sent; below PauseBelow (50 %) the
//     mailbox is Paused; below ThrottleBelow (90 %) it is throttled by the
//     share that missed the inbox (Throttle = 100 − inbox rate: 80 % in
//     inbox withholds 20 % of its daily limit); else, or with nothing
//     measured (a new mailbox, a test still running), it is healthy.
//
// [Client.Apply] writes each mailbox's health into the pool
// (pool.Pool.SetHealthByAddress, by the mailbox's address): a throttle
// withholds that share of the mailbox's daily limit, which the engine's
// planner and daily capacity read (Resource.Throttle); a pause for a low
// inbox rate withholds all of it, the domain and its other mailbox going on;
// a healthy reading clears it. A host runs Check then Apply once a day, say,
// and hands the report's events to the engine.
//
// For each mailbox disconnected or suspended Check also makes a
// mailbox_disconnected provisioning event, for the host to hand to
// distribution.Service.Accept, which pauses it through pool.Pool.PauseRef
// with the reason ("mailbox_disconnected: warmforge: <address>
// disconnected: …"). The pool pauses domains with their mailboxes, never
// one mailbox (PauseRef refuses a mailbox's reference), so the event's
// ProviderRef is the mailbox's domain as the pool knows it
// ([Config.DomainRef]: adapters/infraforge's Client.DomainRef), its
// Address the mailbox's; its ProviderEventID holds the day, so a mailbox
// still lost is reported once a day.
//
// The key is never logged; the logger hears of failed requests (method,
// path, status) and of warmups started (the address).
//
// # Not verified against Warmforge
//
//   - the Authorization scheme: the project's reference says "Bearer
//     <key>" (the default), the Swagger summary and Forge's shared
//     authentication page the plain key ([Config.PlainKey]); a probe
//     without a valid key cannot tell;
//   - every body: the Swagger summary is a third party's, not Warmforge's;
//     the mailbox's status values (active, access_lost, pending,
//     suspended) against the filter's (warm, pending, disconnected,
//     suspended), both read;
//   - that InfraForge's mailboxes appear in Warmforge by themselves, and
//     how soon; what a disconnected mailbox's placement results hold;
//   - rate limits (none documented) and the error body (read as
//     {"message"}).
package warmforge
