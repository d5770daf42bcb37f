// Package lob sends direct-mail letters and postcards through Lob
// (https://lob.com) and reads Lob's tracking webhooks back as channel
// events.
//
//	ch, err := lob.New(lob.Config{APIKey: os.Getenv("LOB_API_KEY"), Logger: logger})
//	verifier, err := lob.NewVerifier(lob.VerifierConfig{Secrets: []string{os.Getenv("LOB_WEBHOOK_SECRET")}})
//	h, err := webhook.NewHandler(webhook.Config{Name: "lob", Verifier: verifier, Decoder: lob.Decoder{}, Sink: sink})
//	mux.Handle("POST /webhooks/lob", h)
//
// # Sending
//
// [Channel] is a channel.Channel for channel.Mail. Send takes a message
// whose action is channel.ActionLetter and creates one letter with POST
// {BaseURL}/letters, as JSON, authenticated with HTTP Basic (the API key
// as user name, an empty password):
//
//   - to: the inline address from m.To.Postal and m.To.Name ([ToAddress]:
//     the first line is address_line1, the others address_line2; City,
//     Region, Postcode and Country are address_city, address_state,
//     address_zip and address_country);
//   - from: m.From.Address, the sender's Lob address ID (adr_…), which the
//     pool keeps as the mail resource's address;
//   - file: m.HTML, or m.Body escaped into HTML ([TextHTML]); Lob takes an
//     HTML string under 10,000 characters, and a longer one fails
//     permanently before anything is sent;
//   - color (Config.Color), use_type (Config.UseType, "marketing" by
//     default), and a description naming the touch;
//   - metadata: the touch ID under "touch" ([MetadataTouch]) and the
//     message's own pairs (client, campaign, lead…) that Lob's limits allow
//     (20 pairs, keys under 40 characters, values under 500, no '"' or
//     '\'); a pair Lob would refuse is left out and logged by key.
//
// A message whose action is channel.ActionPostcard becomes one postcard,
// POST {BaseURL}/postcards, with the same to, from, use_type, description
// and metadata, and: back, m.HTML or m.Body as HTML; front,
// m.Metadata[channel.MetaPostcardFront] or else Config.PostcardFront (HTML,
// a template ID or an image URL; a postcard with neither fails permanently
// before anything is sent); size, Config.PostcardSize ("4x6" by default;
// Lob prints only 4x6 for addresses abroad). Its receipt carries the
// postcard ID (psc_…). Letters and postcards share the mail sender's daily
// cap in the engine.
//
// The message is checked with channel.Validate first; a message of
// another kind or action, or an invalid one, fails permanently. The
// receipt carries Provider (Config.Provider, "lob" by default), Lob's
// letter ID (ltr_…) as ProviderMessageID, StatusAccepted, and the letter's
// date_created.
//
// # Delivery semantics
//
// Every create carries the touch ID as its Idempotency-Key header. Lob
// answers a create repeated with a key it has seen with the letter that
// key made, so the channel declares channel.AtLeastOnce: the engine may
// send again after a lost answer or a crash and the recipient still gets
// one letter. Lob keeps keys for 24 hours, per mode (test or live) and per
// resource; a retry later than that would make a second letter, and the
// engine's backoff (at most 5 attempts over well under a day) stays
// inside it. The channel is also a channel.Reconciler: Lookup finds a
// letter by the touch ID in its metadata (GET /letters?metadata[touch]=…,
// following next_url), which lasts as long as the letter.
//
// Describe declares a rate of 25 requests a second with a burst of 25,
// which keeps one process under Lob's documented 150 requests in 5 seconds
// per endpoint and key; a deployment of N processes sets Config.Rate to
// its share.
//
// # Errors
//
// Lob's answers are classified as the engine needs them:
//
//   - 2xx: a receipt; a 2xx whose body does not parse is retryable (asking
//     again with the key returns the letter).
//   - 429: channel.RateLimited, with the delay of the Retry-After header
//     (seconds or an HTTP date) or, without one, of Lob's
//     X-Rate-Limit-Reset (Unix seconds) from now; at most an hour.
//   - 408 (Lob's request_timeout), 409 (a conflict, as when two requests
//     with one key cross: repeating with the key is safe) and 5xx:
//     retryable.
//   - Any other 4xx: permanent. A 422 (or 400) that names an address field
//     ("to.address_zip is required or to must be a string"), or whose code
//     is failed_deliverability_strictness (the address fails the
//     account's deliverability setting) or address_length_exceeds_limit,
//     is an *[APIError] whose Field names the field ("to.address_zip",
//     "to.address_line1", "to" for an undeliverable address) and which
//     matches [ErrAddress].
//   - A transport failure or Config.Timeout running out: retryable. The
//     caller's context ending returns the context's error
//     (errors.Is(err, context.Canceled)).
//
// Classified errors are *channel.Error with Provider set and Code Lob's
// error code; errors.As finds the *APIError inside.
//
// # Webhooks
//
// [NewVerifier] checks Lob's signature: Lob-Signature holds the hex
// HMAC-SHA256, under the webhook's secret, of Lob-Signature-Timestamp's
// value, ".", and the raw body; a timestamp further than the tolerance (5
// minutes by default) from now is refused as stale. It is the shared
// webhook.HMACVerifier with Lob's headers, so a timestamp from 10^11 on is
// read as Unix milliseconds, a smaller one as seconds.
//
// [Decoder] turns one event object per delivery into channel events:
// letter.delivered and letter.processed_for_delivery are delivered,
// letter.returned_to_sender is bounced, and letter.re-routed, which is not
// final, decodes to none, as every other event does (the handler answers
// 200 and the sink is not called). A postcard's events (postcard.delivered,
// postcard.processed_for_delivery, postcard.returned_to_sender, …) are read
// as their letter twins. Each event's ProviderEventID is Lob's
// event ID (evt_…), so a redelivery is recognised by the sink, and its
// ProviderMessageID the letter ID, as in the receipt. Lob retries a
// delivery not answered 2xx in time.
//
// # What is not verified
//
// The request and answer shapes, the idempotency rules, the metadata
// filter, the rate limit and the event types come from Lob's published
// OpenAPI description. The rest was not checked against Lob itself:
//
//   - The signature: Lob's page on securing a webhook endpoint was not
//     read; the header names and the signed string
//     (timestamp + "." + body) are those that many independent
//     integrations verify, and the timestamp's unit (milliseconds, it
//     appears) is taken from one of them. Both units are accepted.
//   - Retry-After: Lob documents X-Rate-Limit-Reset on a 429, not
//     Retry-After; both are read.
//   - The wording of Lob's 422 messages, from which the refused field is
//     read (Lob documents the codes, not the messages), and that a 409 is
//     what two crossing requests with one key get.
//   - The postcard event names: Lob's reference lists letter events and
//     says postcard events are analogous; postcard.delivered,
//     postcard.processed_for_delivery, postcard.returned_to_sender and
//     postcard.re-routed are taken to exist by that analogy. That an
//     Idempotency-Key is scoped by resource type (a letter's key names no
//     postcard) is documented; lobtest keeps them apart the same way.
//   - Lob's webhook retry schedule. Live-only events (mailed, in transit,
//     processed for delivery, delivered, re-routed, returned to sender)
//     never reach a test-key integration: test with signed events, as
//     package lobtest makes them.
//   - letter.failed and letter.rejected (a letter Lob will not print or
//     mail after accepting it) decode to none: the channel package has no
//     event for a send that failed after its receipt, and a bounce would
//     wrongly mark the address unreachable. Watch them in Lob's dashboard.
//
// Package github.com/outbound-go/outbound/adapters/lob/lobtest is a fake
// of Lob for tests: the letters API as documented and signed webhooks with
// seeded outcomes.
package lob
