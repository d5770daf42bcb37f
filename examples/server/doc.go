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
//	POST /webhooks/twilio/voice            a call's instructions: the script, or the voicemail message
//	POST /webhooks/twilio/recording        with TWILIO_ACCOUNT_SID and OUTBOUND_RECORDINGS_DIR: recordings kept
//	POST /webhooks/vapi                    VAPI_WEBHOOK_SECRET (the HMAC credential)
//	POST /webhooks/unipile                 UNIPILE_WEBHOOK_SECRET (its secret header)
//	POST /webhooks/unipile/notify?token=…  UNIPILE_NOTIFY_SECRET, with OUTBOUND_BUY_SEATS: a seat's LinkedIn account connected
//	POST /webhooks/lob                     LOB_WEBHOOK_SECRET
//	POST /webhooks/stannp                  STANNP_WEBHOOK_SECRET
//	POST /webhooks/calcom                  CALCOM_WEBHOOK_SECRET
//	POST /webhooks/calendly                CALENDLY_SIGNING_KEY
//	POST /webhooks/salesforge?token=…      SALESFORGE_WEBHOOK_TOKEN
//	POST /webhooks/smtp-inbound            INBOUND_MAIL_TOKEN (X-Inbound-Token): raw mail from the host's gateway
//
// InfraForge and Warmforge post no webhooks (their public APIs have none):
// the leading instance reads them at each pool check (OUTBOUND_POOL_CHECK)
// instead, taking InfraForge's domains whose mail DNS is complete into the
// pool and Warmforge's mailbox health into each mailbox's limit (a
// disconnected mailbox pauses its domain).
//
//	GET  /healthz                          alive
//	GET  /readyz                           the store answers
//	GET  /metrics                          Prometheus: outbound_touches_total{channel,provider,outcome},
//	                                       outbound_dispatch_lateness_seconds{channel}, outbound_deferrals_total{reason},
//	                                       outbound_fallbacks_total{reason}, outbound_capacity_used|free{kind},
//	                                       outbound_pool_resources{kind,state}, outbound_pool_buffer_ratio{kind},
//	                                       outbound_webhook_requests_total{provider,result}, outbound_leader,
//	                                       and the Go runtime's and process's
//
// and the JSON API under /api/v1, described at /api/v1/openapi.json:
//
//	GET  /api/v1/clients                   the clients the token sees
//	GET  /api/v1/clients/{client}
//	GET  /api/v1/clients/{client}/campaigns
//	POST /api/v1/clients/{client}/campaigns          {name, icp}
//	POST /api/v1/campaigns/{campaign}/leads          a lead file: text/csv or application/x-ndjson;
//	                                                 the rows refused come back with line, field, value, reason
//	GET  /api/v1/leads/{lead}              the lead, its score's signals, its schedule
//	GET  /api/v1/suppressions[?client=]    a client's, or (admin, no client) the platform-wide ones
//	POST /api/v1/suppressions              {client, lead | address | domain, channel, reason}
//	POST /api/v1/suppressions/lift         the same key, and why
//	GET  /api/v1/leads/{lead}/events       what its providers reported, replies with their class
//	GET  /api/v1/pool                      admin: the pool by kind and state, buffers, purchases in flight
//	POST /api/v1/resources                 admin: register the agency's own resources
//	POST /api/v1/resources/{id}/pause      admin: {reason}; …/resume
//	GET  /api/v1/alerts                    admin: the pool's latest alerts (this process's)
//
// The API takes "Authorization: Bearer <token>": OUTBOUND_ADMIN_TOKEN sees
// every client; each of OUTBOUND_CLIENT_TOKENS ("clientID:token,…") only its
// own client, and a record of another client answers 404, never its data.
// Errors are application/problem+json (RFC 9457) naming the field and
// value; lists take limit (1–500, default 100) and the cursor the page
// before gave (next_cursor).
//
// The dashboards are server-rendered pages (html/template, embedded; the
// pool's chart is inline SVG; no script, no external asset): /login takes
// the admin's or a client's token and sets an HTTP-only, SameSite=Strict
// session cookie (Secure behind an https public URL) signed with a key
// derived from the admin token, so every instance reads it; every form
// carries the session's CSRF token. /admin shows the pool by kind and
// state against the 40 % buffer line, purchases in flight, every domain
// with its age, warmup limit, sends, bounces and complaints over 14 days
// and a pause or resume button, numbers and seats with their health,
// clients with their billing month and usage, and the latest alerts.
// /client shows a client its campaigns' funnel (enrolled, contacted,
// replied, meetings), its next touches, and the answers waiting for its
// approval, to edit and send or discard, with a form that imports a lead
// file and lists the refused rows by line and field.
//
// Every error logged (a webhook the engine could not record, an API
// request that failed, a planner or dispatcher error) is also reported to
// Sentry when SENTRY_DSN is set (OUTBOUND_ENVIRONMENT names the
// environment). Every pool alert is posted to a Slack-style incoming
// webhook when OUTBOUND_ALERT_WEBHOOK_URL is set, and emailed, a short
// plain-text message whose subject names the alert's kind and resource,
// when OUTBOUND_ALERT_EMAIL_TO is set: to each of its addresses (separated
// by commas), from OUTBOUND_ALERT_EMAIL_FROM (a bare address, required
// with it), through the SMTP relay below (OUTBOUND_SMTP_HOST required with
// it). Neither is set by default. A post or an email that fails is logged
// and not retried; the alert still reaches the log and GET /api/v1/alerts.
//
// It sends through the adapters the environment configures: email over
// SMTP (OUTBOUND_SMTP_HOST, OUTBOUND_SMTP_PORT, OUTBOUND_SMTP_USERNAME,
// OUTBOUND_SMTP_PASSWORD, OUTBOUND_SMTP_TLS), texts and calls through
// Twilio (TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN; their callbacks come
// back to the routes above; OUTBOUND_VOICEMAIL_MESSAGE,
// OUTBOUND_RECORDINGS_DIR), calls through a Vapi assistant (VAPI_API_KEY,
// VAPI_ASSISTANT_ID, VAPI_PHONE_NUMBERS as "+61280000000=<Vapi phone
// number ID>,…"; the assistant's server URL is the Vapi route above),
// LinkedIn through Unipile (UNIPILE_DSN, UNIPILE_API_KEY; its "users" and
// "messaging" webhooks registered to the Unipile route with the
// X-Unipile-Secret header), letters and postcards through Lob
// (LOB_API_KEY, LOB_USE_TYPE) and through Stannp (STANNP_API_KEY,
// STANNP_REGION eu or us, STANNP_TEST). A provider's API key needs its
// webhook secret above, or the server refuses to start: what it sent
// would never be heard of again. Each pool resource sends through the
// adapter of its kind that names its provider. With none configured it
// plans and sends nothing, and says so. On PostgreSQL the Unipile
// adapter's chats and journal of sends are kept in the database
// (adapters/unipile/unipilepg, its tables migrated at start), so that a
// Unipile notice or a reconciliation any instance handles, before or after
// a restart, finds the touch; on the memory store they are the process's. Salesforge's mailboxes send over
// SMTP with each mailbox's own settings, which no single setting gives:
// the server hears Salesforge's webhooks but does not send through it.
//
// Every lead's number is washed, as it is imported and again before its
// wash expires, against the do-not-call register of its country:
// Australia's Do Not Call Register through its wash service
// (DNCR_TELEMARKETER_ID, DNCR_WASH_ONLY_USER_ID and DNCR_PASSWORD, all
// three or none; DNCR_ENDPOINT), the US National Do Not Call Registry's
// downloaded files (OUTBOUND_US_DNC_DIR, read at start), and lists the
// agency keeps by country (OUTBOUND_DNC_LISTS as "GB=/srv/dnc/gb,…", read
// at start). The start's log names the countries with a register; a
// number of another country is washed not_applicable. With no register no
// number is washed, so none is called, nor texted under the default
// policy.
//
// The pool buys through the providers the environment configures when
// its buffer of a kind runs under 40 %: domains and their mailboxes
// through InfraForge (INFRAFORGE_API_KEY, INFRAFORGE_WORKSPACE_ID,
// INFRAFORGE_CONTACT, the registrant as a JSON object,
// INFRAFORGE_SENDER_NAME, the mailboxes' sender name), their warmup
// started through Warmforge (WARMFORGE_API_KEY, WARMFORGE_WORKSPACE_ID),
// phone numbers through Twilio's account above (TWILIO_NUMBERS_COUNTRY,
// TWILIO_NUMBERS_TYPE, TWILIO_BUNDLE_SID, TWILIO_ADDRESS_SID), and LinkedIn
// seats through Unipile's account above with OUTBOUND_BUY_SEATS=true: a
// LinkedIn account is a person's, so each seat ordered is a hosted-auth
// link Unipile makes, handed to the agency as a seat_link alert (the log,
// the dashboard's alerts and GET /api/v1/alerts, the alert webhook and the
// alert emails) for its owner to log in through before it expires (24h;
// an expired link is made and raised again); Unipile posts the account
// connected to -public-url/webhooks/unipile/notify?token=UNIPILE_NOTIFY_SECRET
// (required, 16 characters or more; -public-url and UNIPILE_API_KEY are
// required too), and the next check takes the seat into the pool, sending
// from that account. On PostgreSQL the links are kept in the database, so
// the instance notified need not be the one that buys. The buffer is
// checked at start, each midnight and every OUTBOUND_POOL_CHECK (default
// 1h), when InfraForge's domains whose mail DNS is complete are also taken
// into the pool. A kind nothing buys (letters' senders, and seats without
// OUTBOUND_BUY_SEATS) is not bought: its order fails and the pool alerts.
// With no provider the pool alerts and buys nothing.
//
// Each meeting a lead books goes to HubSpot as a contact and a deal
// (HUBSPOT_TOKEN, a private app's token; HUBSPOT_PIPELINE, HUBSPOT_STAGE
// and HUBSPOT_KEY_PROPERTY, defaults HubSpot's default sales pipeline,
// "Appointment scheduled" and the adapter's key property). Without a token
// meetings are kept and go to no CRM.
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
// -demo runs on the memory store (its admin token, unless one is set,
// is "demo-admin-token") with every provider's fake on 127.0.0.1, each
// behind its real adapter and with a secret of its own that the server's
// route verifies: email goes through the SMTP adapter to an SMTP server,
// calls through Vapi's adapter, texts through Twilio's, LinkedIn through
// Unipile's and letters through Lob's, each to its fake. The demo client
// buys the growth plan at the fake Stripe, whose signed events reach the
// server's own Stripe route; its replies are answered automatically with a
// Cal.com link, and a campaign of demo leads is onboarded against an ICP.
// What the providers report comes back, signed by the fakes, to the
// server's routes: texts' status and received texts from Twilio's fake,
// accepted invitations and members' messages from Unipile's, and, every
// few seconds, calls' end-of-call reports from Vapi's (each call ending as
// its drawn outcome says) and letters' tracking events from Lob's. The
// demo leads' numbers are washed through the Australian register's
// adapter at its fake, which lists two of them (Cara's and Fay's): they
// are registered, and never called nor texted. The demo client's plan
// drains the pool's buffers of domains, numbers and seats: within
// OUTBOUND_POOL_CHECK (20s in a demo unless set) the pool buys a domain
// and its mailboxes at InfraForge's fake, a number at Twilio's and a seat
// at Unipile's, whose link the demo connects as its owner would within a
// few seconds, the seat joining the pool at the next check.
//
// SIGINT or SIGTERM stops it gracefully: the engine's in-flight sends
// finish (within -shutdown-grace, default 30s; a send cut off is
// reconciled by the next process through its lease), then the requests
// being served are answered.
package main
