// Package crm is the seam through which the engine hands a booked meeting
// to the client's CRM: the lead as a contact (created, or updated by its
// email) and the meeting as a deal associated with it.
//
// The engine calls [CRM.UpsertContact] and then [CRM.CreateDeal] when it
// applies a booking, and keeps the IDs they return on the meeting, so a
// booking applied again does not push again. A CRM that is down answers an
// error wrapping [ErrRetryable]: the booking stays unapplied and is tried
// again (the webhook is answered 5xx, the sweeper retries), and nothing is
// lost.
//
// adapters/hubspot implements it for HubSpot, with a fake HubSpot in
// adapters/hubspot/hubspottest.
package crm
