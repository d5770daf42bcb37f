// Command server is the service an agency deploys: the engine running on
// the real clock, every configured provider's webhook route in front of
// it, and health checks, on one store (memory, or PostgreSQL with its
// migrations run at start).
//
//	go run ./examples/server -demo                     # every route on the providers' fakes, a demo client with leads
//	go run ./examples/server -database-url postgres://… -public-url https://hooks.example.com
//
// It serves:
//
//	POST /webhooks/stripe                  STRIPE_WEBHOOK_SECRET, STRIPE_API_KEY, OUTBOUND_PRICES (price=plan,…)
//	POST /webhooks/twilio/{sms,sms-status,voice-status}
//	                                       TWILIO_AUTH_TOKEN; signed over -public-url plus the path
//	POST /webhooks/vapi                    VAPI_WEBHOOK_SECRET (the HMAC credential)
//	POST /webhooks/unipile                 UNIPILE_WEBHOOK_SECRET (its secret header)
//	POST /webhooks/lob                     LOB_WEBHOOK_SECRET
//	POST /webhooks/stannp                  STANNP_WEBHOOK_SECRET
//	POST /webhooks/calcom                  CALCOM_WEBHOOK_SECRET
//	POST /webhooks/calendly                CALENDLY_SIGNING_KEY
//	POST /webhooks/salesforge?token=…      SALESFORGE_WEBHOOK_TOKEN
//	POST /webhooks/smtp-inbound            INBOUND_MAIL_TOKEN (X-Inbound-Token): raw mail from the host's gateway
//	GET  /healthz                          alive
//	GET  /readyz                           the store answers
//
// A provider whose secret is not set has no route (404). Every delivery is
// verified by its provider's own mechanism before anything is recorded: a
// bad signature is 401 and changes nothing, a redelivery is harmless, and
// an opt-out from an address or number that is nobody's lead is kept as a
// platform-wide suppression of it. Secrets come from the environment only
// and are never logged; the other settings come from flags, then the
// environment (OUTBOUND_ADDR, DATABASE_URL, OUTBOUND_PUBLIC_URL,
// OUTBOUND_BILLING_ZONE), then an optional JSON file (-config). Logs are
// JSON (log/slog) on standard output.
//
// -demo runs on the memory store with Stripe's and Twilio's fakes: the
// demo client buys the growth plan at the fake Stripe, whose signed events
// reach the server's own Stripe route, its replies are answered
// automatically with a Cal.com link, and a campaign of demo leads is
// onboarded against an ICP; texts go through the Twilio adapter to the
// fake, whose signed callbacks come back to the Twilio routes. Other
// channels run on in-memory fakes.
//
// SIGINT or SIGTERM stops it gracefully: the engine's in-flight sends
// finish (within -shutdown-grace, default 30s; a send cut off is
// reconciled by the next process through its lease), then the requests
// being served are answered.
package main
