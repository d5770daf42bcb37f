// Package calendly reads Calendly's webhooks (API v2) into the engine's
// meeting events: a lead who books (invitee.created), moves (invitee.created
// naming an old_invitee) or cancels (invitee.canceled) a meeting through a
// client's Calendly link. The engine stops the lead's sequence, keeps the
// meeting and hands it to the client's CRM (distribution.Service.HandleMeeting).
//
// Wire it as a webhook endpoint:
//
//	v, _ := calendly.NewVerifier(calendly.VerifierConfig{SigningKeys: []string{os.Getenv("CALENDLY_SIGNING_KEY")}})
//	h, _ := webhook.NewHandler(webhook.Config{Name: "calendly", Verifier: v, Decoder: calendly.Decoder{}, Sink: svc})
//	mux.Handle("POST /webhooks/calendly", h)
//
// and subscribe it (POST https://api.calendly.com/webhook_subscriptions,
// events invitee.created and invitee.canceled, with a signing_key; a paid
// Calendly plan is needed). Give the client a booking link that names the
// lead ("https://calendly.com/acme/intro?utm_content={lead}",
// outbound.Client.BookingURL): Calendly returns it in tracking.utm_content;
// without it the lead is found by the invitee's address.
//
// Signature: Calendly-Webhook-Signature is "t=<unix>,v1=<hex>", the hex
// HMAC-SHA256 of t, ".", and the raw body under the signing key; a
// delivery signed more than 3 minutes from now is refused as stale.
// Calendly retries a failed delivery with back-off for up to a day and
// then disables the subscription; events are deduplicated by event,
// invitee URI and created_at.
//
// Not verified against Calendly's own text (read from its documentation's
// summaries and third-party verifiers): the 3-minute tolerance (Calendly's
// sample); that a booking link's utm_content arrives in tracking.utm_content
// unchanged; the full invitee payload (every field is read as optional but
// the ones named above).
//
// Package calendlytest writes, signs and delivers deliveries as Calendly
// does.
package calendly
