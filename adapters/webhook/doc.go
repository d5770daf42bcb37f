// Package webhook is the part every provider's webhook endpoint shares: an
// http.Handler that verifies a delivery, decodes it into normalised events
// ([outbound.Inbound]: message, billing or provisioning events), and hands
// them to the engine, answering the provider only once they are recorded.
//
// A provider adapter (Twilio, Stripe, Lob, Unipile, …) brings two things: a
// [Verifier], its signature check, and a [Decoder], its payload. One type
// may be both. The host brings the [Sink], the engine's side that records
// the events. [NewHandler] puts them together:
//
//	h, err := webhook.NewHandler(webhook.Config{
//		Name:     "stripe",
//		Verifier: verifier, // e.g. webhook.NewHMACVerifier(webhook.HMACConfig{Header: "Stripe-Signature", Secrets: …})
//		Decoder:  decoder,
//		Sink:     sink,
//		Logger:   logger,
//	})
//	mux.Handle("POST /webhooks/stripe", h)
//
// # Answers
//
// The handler reads the body, verifies, decodes, validates every event
// ([outbound.Inbound.Validate]), calls the sink, and answers:
//
//   - 405 (with Allow: POST) to any method but POST.
//   - 413 to a body longer than [Config.MaxBody] (1 MiB by default), read
//     no further.
//   - 401 to a missing, malformed, wrong or stale signature: nothing is
//     decoded, nothing recorded.
//   - 400 to a body that does not parse ([ErrPayload]) or that holds an
//     invalid event: nothing is recorded, not even the valid events beside
//     it. The answer names the event's index and field, never its value.
//   - 503 when the sink fails: the provider is asked to deliver again.
//   - 500 when the verifier or decoder fails other than with [ErrSignature]
//     or [ErrPayload] (a bug, or a key it could not fetch): likewise.
//   - 200 with {"accepted":N} once the sink returned nil, N being the number
//     of events handed to it (0, without calling the sink, for a payload the
//     decoder turned into no events). [Config.Reply] can change this answer
//     for a provider that reads it.
//
// Error answers carry {"error": "…"} with a short reason and no detail of
// the signature or the secrets.
//
// # The provider delivers again
//
// Nothing is lost only because providers deliver again whatever did not get
// a 2xx (or got no answer in time), and because the sink records each event
// once by provider and event ID, so a redelivery, or a delivery the sink
// recorded before its answer was lost, is harmless. Stripe retries for up to
// three days, Lob and Calendly retry, Unipile retries five times. Providers
// that retry less must be set up to retry or be reconciled by polling:
// Twilio by default retries once and only when it cannot connect (its
// connection overrides, "#rc=…" on the callback URL, raise that), and
// Cal.com does not retry at all. A sink that is down for longer than the
// provider keeps trying loses events; that is for the host's monitoring
// (the handler logs each sink failure at Error).
//
// The sink gets the request's context: if the provider hangs up first, the
// sink may stop, the provider delivers again, and the sink's deduplication
// sorts it out.
//
// # Logs
//
// [Config.Logger] gets one record per request with the provider's name, the
// status and, for a refusal, the reason (an invalid event's field and rule,
// not its value). No body, header, URL (which may carry a token) or secret
// is ever logged, at any level.
//
// # Verifiers
//
// [HMACVerifier] checks the common scheme: a hex HMAC-SHA256 of
// "<timestamp>.<body>" in a header, within a tolerance of now (Stripe,
// Calendly, Lob, Vapi's HMAC credential; its documentation lists which
// providers it does and does not match). [TokenVerifier] checks a shared
// secret token in a header or the URL, for providers that sign nothing
// (Unipile, Salesforge, Vapi's bearer credential). Both accept several
// secrets at once so that one can be rotated. Package
// [github.com/outbound-go/outbound/adapters/webhook/webhooktest] is a test
// provider that signs its deliveries, for host tests.
package webhook
