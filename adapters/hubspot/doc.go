// Package hubspot is the engine's CRM (package crm) on HubSpot: when a
// lead books a meeting, the lead becomes a contact (created, or updated by
// its email) and the meeting a deal in the configured pipeline and stage,
// associated with the contact.
//
//	c, err := hubspot.New(hubspot.Config{Token: os.Getenv("HUBSPOT_TOKEN"), Stage: "appointmentscheduled"})
//	svc, err := distribution.New(distribution.Config{Store: st, CRM: c, ...})
//
// It calls, with a private app's bearer token:
//
//	POST /crm/v3/objects/contacts/batch/upsert  (idProperty email)
//	POST /crm/v3/objects/deals/search           (the deal's key property EQ the meeting's key)
//	POST /crm/v3/objects/deals                  (with an association to the contact, type 3)
//
// HubSpot takes no idempotency key, so a deal carries the meeting's key in
// a custom deal property (Config.KeyProperty, default
// "outbound_booking_key", which the account must define as a single-line
// text property) and is looked for by it before one is made. Refusals are
// *APIError values wrapping crm.ErrRetryable (429 with HubSpot's
// Retry-After, 5xx, no answer) or crm.ErrPermanent (other 4xx: a pipeline,
// stage or property the account lacks, a bad token); the engine retries
// the first through its sweeper and reports the second. Requests are held
// to 9 a second (every plan allows 100 per 10 seconds).
//
// Not verified against live HubSpot: the search index lags fresh writes by
// a few seconds, so a deal created by a call whose answer was lost, pushed
// again at once, may be created twice (the engine pushes again only after
// its sweeper's grace, minutes later); HubSpot now documents date-versioned
// paths (/crm/objects/2026-03/…) and lists /crm/v3 as legacy, still
// served; the default pipeline's stage IDs are the portal's defaults
// ("appointmentscheduled"), which an account may have renamed.
//
// Package hubspottest is a fake HubSpot on 127.0.0.1 for tests.
package hubspot
