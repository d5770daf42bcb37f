// Package infraforge is the pool's [pool.Provisioner] of email domains and
// their mailboxes (RP-004, RP-005) through InfraForge's public API, and the
// reader of their readiness.
//
// # API and sources
//
// InfraForge's public API, https://api.infraforge.ai/public, unversioned,
// as the official Forge MCP server (github.com/SalesforgeAI/forge-mcp,
// src/tools/infraforge/*.ts, read 2026-08) calls it: the key as the
// Authorization header, as is (no "Bearer"); GET
// /check-domain-availability, POST /check-domain-availability-bulk
// {domains}, GET and POST /domains, GET and PUT /domains/{id}/dns
// {records: [{name, type, value, editable}]}, GET /mailboxes?workspaceId=
// &page=&size=&search=, POST /mailboxes. adapters/warmforge shares this
// package's transport ([API], [APIError]).
//
// # Purchase: crash-safe without an idempotency key
//
// InfraForge takes no idempotency key, so [Client.Purchase] derives each
// domain's candidate names from the order's key ([Config.Names]; by
// default "mail-" and 8 hex digits of SHA-256(key, slot, attempt), ".com")
// and every step first reads what the account holds:
//
//  1. the workspace's domains (GET /domains): a candidate of the order's
//     found there was bought by an earlier attempt and is kept;
//  2. availability (POST /check-domain-availability-bulk), then one
//     purchase of the first available candidate of each domain still
//     missing (POST /domains {workspaceId, domains, contact}), then the
//     domains read again for their IDs;
//  3. each domain's DNS (GET /domains/{id}/dns); the records it lacks of
//     those [Client.Records] lists are added (PUT, keeping every record
//     InfraForge set): MX "10 <Config.MX>", SPF "v=spf1
//     include:<Config.SPFInclude> ~all", DMARC "v=DMARC1;
//     p=<Config.DMARCPolicy>" (quarantine by default; rua when
//     Config.DMARCReport is set). DKIM is InfraForge's (it holds the key):
//     none is written, and the domain is not ready until one appears;
//  4. each domain's mailboxes (GET /mailboxes?search=@<domain>); those of
//     [Config.Mailboxes] it lacks ("outreach", "hello") are bought (POST
//     /mailboxes {workspaceId, mailboxes: [{domainId, domain, username,
//     firstName, lastName}]}) and read back for their IDs.
//
// So an order placed again after a crash (after the purchase, after the
// DNS, after the mailboxes, or with any answer lost) resumes at the step
// it stopped at and buys nothing twice. The answer is each domain
// (ProviderRef its InfraForge ID) followed by its mailboxes (ProviderRef
// their ID, Address the full address), State provisioning: the host calls
// pool.Pool.ProvisionedRef, or hands [Client.Ready]'s domain_ready events
// to the engine, once the DNS is complete.
//
// Errors follow the pool's rules. A bad order (not for domains, no key, no
// count), no available candidate at all, and InfraForge's refusals (any
// 4xx but 401, 403, 408, 409 and 429: insufficient credits, a domain
// refused) wrap pool.ErrPurchaseRefused and fail the order for good, with
// the field or InfraForge's message ([APIError]). A 401 or 403 (the key),
// a 429 (with its Retry-After in APIError.RetryAfter), a 5xx, a timeout
// or an answer that does not read leave the order pending: the pool places
// it again at its next CheckBuffer, the only retry there is (no loop in
// here). Requests are paced by a golang.org/x/time/rate limiter,
// [Config.Rate] (adapterkit's rule; 5 a second by default).
//
// Warmup is not this package's: adapters/warmforge wraps this provisioner
// and starts warmup for each new mailbox.
//
// The key and the registrant are never logged; the logger hears of failed
// requests (method, path, status) and of each order's steps (its key, the
// domains bought).
//
// # Not verified against InfraForge
//
// The source gives routes and a few request fields, not bodies:
//
//   - the purchase bodies: POST /domains ({workspaceId, domains, contact}
//     with the contact fields of [Contact]) and POST /mailboxes
//     ({workspaceId, mailboxes: [{domainId, domain, username, firstName,
//     lastName}]}) are the adapter's reading of "workspace, domains and
//     contact details" and of "mailbox purchase payload";
//   - the answers: lists are read bare or under data/items/results/<name>,
//     IDs as strings or numbers, a domain's name as name or domain, a
//     mailbox's address as email or address ([List], [ID]); the
//     availability answer as [{domain, available}];
//   - that a bought domain and mailbox are listed at once (one that is not
//     makes Purchase fail pending, and the next placing finds it); that
//     purchases are synchronous and charged in credits (402 when short is
//     the fake's choice);
//   - the default MX and SPF include (InfraForge normally sets its own,
//     which are kept), and that DKIM appears as a TXT or CNAME record under
//     <selector>._domainkey;
//   - the error body (read as {"message"}, {"error"} or text) and any rate
//     limit (none documented).
//
// Searches (2026-08) of public documentation and code found the routes
// above in the MCP server and in third-party clients, all sending the
// plain key, and no published schema for the purchase bodies.
package infraforge
