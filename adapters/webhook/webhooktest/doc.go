// Package webhooktest is a test provider for package webhook: it signs its
// webhooks, so that a host's tests can post a signed delivery to a
// [webhook.Handler] (through httptest) and check what the engine recorded.
//
//   - [Provider] builds signed requests carrying events of all three kinds
//     ([outbound.Inbound]: message, billing, provisioning) in its own JSON,
//     for a given secret and clock, and gives the [webhook.Verifier] and
//     [webhook.Decoder] that accept them.
//   - [Encode] and [Decoder] are that JSON, both ways.
//   - [Sink] is an in-memory [webhook.Sink] that deduplicates by provider
//     and event ID, as the sink contract asks, and can be made to fail.
//
// The provider signs as Stripe does: [SignatureHeader] holds
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">", and its verifier
// is a [webhook.HMACVerifier] with a tolerance of 5 minutes on the same
// clock. To test a bad signature, sign with another provider's secret; a
// stale one, move the clock on between signing and serving; a missing one,
// delete the header.
package webhooktest
