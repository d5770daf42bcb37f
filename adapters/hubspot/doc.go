// Package hubspot is the engine's CRM (package crm) on HubSpot: when a
// lead books a meeting, the lead becomes a contact (created, or updated by
// its email) and the meeting a deal in the configured pipeline and stage,
// associated with the contact.
//
//	c, err := hubspot.New(hubspot.Config{Token: os.Getenv("HUBSPOT_TOKEN"), Stage: "appointmentscheduled"})
//	svc, err := distribution.New(distribution.Config{Store: st, CRM: c, ...})
//
// # Calls
//
// [Client] speaks HubSpot's REST API over net/http, as JSON, with a
// private app's access token as a bearer token (scopes
// crm.objects.contacts.write, crm.objects.deals.read and
// crm.objects.deals.write). It calls, under Config.BaseURL
// (https://api.hubapi.com by default):
//
//	POST /crm/v3/objects/contacts/batch/upsert  one input, idProperty "email"
//	POST /crm/v3/objects/deals/search           the key property EQ the meeting's key, limit 1
//	POST /crm/v3/objects/deals                  with an association to the contact (HUBSPOT_DEFINED, type 3)
//
// [Client.UpsertContact] writes only the contact's fields that are set
// (email, firstname, lastname, phone, jobtitle, company, website, country,
// city), so an empty field leaves what HubSpot holds.
//
// [Client.CreateDeal] is idempotent by crm.Deal.Key. HubSpot takes no
// idempotency key, so the deal carries the meeting's key in a custom deal
// property (Config.KeyProperty, "outbound_booking_key" by default) and is
// searched for by it before one is created. The deal is named
// crm.Deal.Name (its key when it has none), closes on the meeting's start
// (ISO 8601, UTC, to the millisecond) when that is set, and has
// crm.Deal.Amount when it is not 0.
//
// # Defaults
//
// Pipeline "default" and stage "appointmentscheduled" (HubSpot's default
// sales pipeline and its "Appointment scheduled" stage; both are internal
// IDs, not labels); key property "outbound_booking_key"; an HTTP client
// with a 30-second timeout; requests held to 9 a second with bursts of 10
// (so no 10-second window passes the 100 requests every plan allows),
// or paced by a Config.Limiter shared by clients of the same account; no
// logging.
//
// # Errors
//
// A refusal is an [*APIError] (reach it with errors.As) carrying HubSpot's
// status, category, message, correlation ID, the limit a 429 hit and its
// Retry-After. It wraps crm.ErrRetryable for 408, 423, 429, 477 and 5xx,
// and crm.ErrPermanent for any other status: a bad token (401), a missing
// scope (403), a pipeline, stage or property the account lacks (400). A
// request that got no answer wraps crm.ErrRetryable; a call whose context
// ended returns an error wrapping the context's error; a contact with no
// email, or a deal with no key or contact, is refused before anything is
// sent with an error wrapping crm.ErrPermanent and invalid.ErrInvalid.
// The token is never in an error or a log.
//
// # Unverified
//
// Built to HubSpot's documentation and tested against the fake HubSpot in
// package hubspottest, not against a live account:
//
//   - The key property must exist in the account, as a single-line text
//     deal property (Settings → Properties → Deal properties) named as
//     Config.KeyProperty; until it does, every CreateDeal is refused
//     (ErrPermanent, VALIDATION_ERROR).
//   - HubSpot's search lags fresh writes by a few seconds. A call whose
//     answer was lost after HubSpot created the deal (a crash, a timeout,
//     before the engine recorded the ID), pushed again within those
//     seconds, creates a second deal. The engine pushes again only after
//     its sweeper's grace, minutes later; the fake indexes at once unless
//     told to lag.
//   - HubSpot now documents date-versioned paths (/crm/objects/2026-03/…)
//     and lists /crm/v3 as legacy, still served and documented; this
//     package calls /crm/v3.
//   - The stage IDs of the default pipeline are the account's defaults;
//     an account may have changed them, and a stage or pipeline it lacks
//     is refused (ErrPermanent).
//   - The shapes of a rate limit's body (category RATE_LIMITS, or
//     errorType RATE_LIMIT, with policyName) and of a batch's 207
//     multi-status answer are read as documented, every field optional.
//
// Package hubspottest is a fake HubSpot on 127.0.0.1 for tests.
package hubspot
