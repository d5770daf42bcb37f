// Package calcom reads Cal.com's booking webhooks into the engine's
// meeting events: a lead who books (BOOKING_CREATED), moves
// (BOOKING_RESCHEDULED) or cancels (BOOKING_CANCELLED) a meeting through a
// client's Cal.com link. The engine stops the lead's sequence, keeps the
// meeting, and hands it to the client's CRM (distribution.Service.HandleMeeting).
//
// Wire it as a webhook endpoint:
//
//	v, _ := calcom.NewVerifier(os.Getenv("CALCOM_WEBHOOK_SECRET"))
//	h, _ := webhook.NewHandler(webhook.Config{Name: "calcom", Verifier: v, Decoder: calcom.Decoder{}, Sink: svc})
//	mux.Handle("POST /webhooks/calcom", h)
//
// and subscribe it in Cal.com (Settings → Developer → Webhooks, or
// POST /v2/webhooks) to the three booking triggers, with a secret. Give the
// client a booking link that names the lead
// ("https://cal.com/acme/intro?metadata[lead]={lead}", outbound.Client.BookingURL):
// Cal.com keeps the metadata with the booking, and the decoder reads the
// lead from it; without it the lead is found by the attendee's address.
//
// Signature: X-Cal-Signature-256 is the hex HMAC-SHA256 of the raw body
// under the webhook's secret, with no timestamp, so no delivery can be
// refused as a replay; events are deduplicated by trigger, booking uid and
// createdAt. A webhook with no secret sends "no-secret-provided", which is
// refused.
//
// Not verified against Cal.com's own documentation (read from its sender's
// source and third-party fixtures): that rescheduleUid names the booking a
// rescheduled one replaces (and uid the new one); that query parameters
// metadata[key]=value of a booking link arrive in payload.metadata; whether
// Cal.com retries a failed delivery (the direct sender posts once: run the
// engine's sweeper and reconcile through Cal.com's bookings API if a
// delivery may have been lost); custom payload templates, which this
// decoder does not read.
//
// Package calcomtest writes, signs and delivers deliveries as Cal.com does.
package calcom
