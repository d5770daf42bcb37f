// Package stannp is a channel.Mail adapter that sends letters and
// postcards through
// Stannp (api-eu1.stannp.com for EU/UK accounts, api-us1.stannp.com for
// US/CA; prefix /v1/), and decodes Stannp's webhooks.
//
// # Sending
//
// [Channel.Send] posts POST /v1/letters/create as multipart/form-data with
// HTTP Basic authentication (the API key as user name, an empty password;
// the key is never put in the URL). The recipient goes inline as
// recipient[firstname], [lastname], [address1..3], [city], [state],
// [postcode] and [country] from m.To.Name and m.To.Postal; the content is
// m.HTML, or m.Body rendered as escaped HTML, uploaded as the file
// letter.html. The touch ID travels as the tag "touch:<touch ID>" (tags
// are what Stannp offers for a client reference, and webhooks carry them
// back) and as idempotency_key.
//
// A message whose action is channel.ActionPostcard posts POST
// /v1/postcards/create instead, with the same recipient, tag and key, and:
// size (Config.PostcardSize, "A6" by default); front, from
// m.Metadata[channel.MetaPostcardFront] or else Config.PostcardFront — a
// URL is sent as the front field, anything else uploaded as the file
// front.html — a postcard with neither fails permanently before anything
// is sent; back, m.HTML uploaded as the file back.html, or else m.Body as
// the message field, which Stannp prints on the back.
//
// # Delivery guarantee
//
// The channel declares channel.AtMostOnce. Send passes idempotency_key and
// takes a 409 carrying the original letter as that letter, but the key's
// retention and exact behaviour are not established, so the engine is not
// told to send again on its strength. The channel is not a
// channel.Reconciler: Stannp documents no way to find a letter by a tag or
// reference, so a send whose outcome is unknown (a timeout, an unreadable
// answer) is marked uncertain by the engine and not sent again.
//
// # Errors
//
//   - 4xx other than 408 and 429: permanent, as an [APIError]; when
//     Stannp's message names a recipient field, APIError.Field names it
//     ("recipient[postcode]", or "recipient" for an address Stannp could
//     not verify) and errors.Is(err, [ErrAddress]) holds. A 2xx with
//     "success":false is taken as a 400.
//   - 429: rate-limited, with the delay Retry-After asks (seconds or a
//     date, at most an hour).
//   - 408, 5xx, transport failures and Config.Timeout running out:
//     retryable.
//   - the caller's context ending: its error.
//
// # Webhooks
//
// [Verifier] checks X-Stannp-Signature, the hex HMAC-SHA256 of the raw
// body under the webhook secret; Stannp signs no timestamp, so nothing is
// refused as stale and replays are made harmless by the sink's
// deduplication. [Decoder] turns mailpiece_status deliveries into events:
// delivered → channel.EventDelivered, returned → channel.EventBounced,
// every other status and event ignored. Both plug into
// adapters/webhook.NewHandler.
//
// # Unverified
//
// Checked against Stannp's published API description, not live traffic:
//
//   - the signature's encoding: hex is presumed (upper or lower case and
//     a "sha256=" prefix are accepted); base64 would fail verification;
//   - the mailpiece fields of a webhook (id, status, tags, updated,
//     created) and the time format (RFC 3339 or "2006-01-02 15:04:05",
//     taken as UTC);
//   - whether a file upload of HTML is rendered (PDF and DOC are the
//     documented formats);
//   - the recipient[state] field name for the region;
//   - the shape of the create answer's data (id, created) and of error
//     answers, and which status codes Stannp uses for which refusals;
//   - idempotency_key and its 409 answer;
//   - whether Stannp sends Retry-After;
//   - the postcard fields: /postcards/create with size, front, back and
//     message comes from Stannp's description and a client library's use
//     of it; which sizes each region's host takes, and whether an HTML
//     front or back is rendered, are not established.
//
// Package stannptest is a fake of the API and webhooks for tests.
package stannp
