// Package salesforge is email through Salesforge (salesforge.ai): sending
// from a Salesforge mailbox, its webhooks turned into channel events, its
// do-not-contact list kept in step with the engine's suppressions, and its
// Primebox (threads, labels, replies) through the public API.
//
// It follows Salesforge's public API v2 (https://api.salesforge.ai/public/v2,
// its Swagger at /public/v2/swagger/index.html) and the help centre's
// webhook article (help.salesforge.ai, "Webhooks"), as read in 2025.
//
// # How it sends, and why
//
// The public API has no endpoint that sends one new email: Salesforge sends
// through sequences, and the API's only send is a reply to an email a
// mailbox received. So [Channel] sends over SMTP with the Salesforge
// mailbox's own SMTP settings (the host gives them through
// [Config.Mailboxes], keyed by the message's From.Address), through the
// adapters/smtp channel: the same Message-ID made from the touch ID,
// List-Unsubscribe and one-click headers, threading of follow-ups, error
// classes and at-most-once delivery (a lost answer after the message data
// may have delivered it; see package smtp). Receipts, errors and
// channel.Info name the provider "salesforge" ([Config.Provider]), so the
// engine routes a resource whose provider is "salesforge" to this channel.
// The mailbox's credentials come from the host and are never logged.
//
// Salesforge is used for what follows: replies, bounces, unsubscribes and
// DNC entries arrive by its webhooks; [Client.Threads] and
// [Client.Labels] read the Primebox; [Client.Reply] queues a reply to a
// received email (asynchronously: a nil error means queued).
//
// # Webhooks
//
// Salesforge signs no webhook and takes nothing but a URL and a type per
// webhook. The route is protected by a long random token in the URL's query
// ([WebhookURL] builds it, [NewVerifier] checks it in constant time, with
// several tokens for rotation), and deliveries again are harmless because
// every event's ID is its type, email ID and event time, not webhookInfo.id
// (which names the webhook). Register one webhook per type of
// [EventTypes] with [Client.CreateWebhook], and mount the adapters/webhook
// handler with the verifier and a [Decoder]. The handler never logs the URL.
//
// [Decoder] maps email_replied, positive_reply and negative_reply to a
// reply (metadata "sentiment" and "label" when given), email_bounced to a
// hard bounce (soft when the payload says so), contact_unsubscribed and
// dnc_added to an opt-out. email_sent, email_opened, link_clicked,
// label_changed and linkedin_replied make no event: Salesforge's sends are
// its sequences' (this channel's sends are acknowledged by the SMTP
// server), opens and clicks are not kept (image proxies and link scanners
// make them noise), a label change alone changes nothing, and LinkedIn
// goes through its own channel.
//
// Matching: each event carries the contact's address as From, which the
// engine matches to the lead, and the email ID as ProviderMessageID, with
// angle brackets when it has the form local@domain ([MessageID]). The help
// centre shows email IDs in that form (a Message-ID without brackets); when
// Salesforge's email ID is the Message-ID of the email this channel sent,
// the event finds its touch by it, and otherwise by the contact's address.
//
// # Do not contact
//
// [Client.AddDNC] posts email addresses and whole domains to the
// workspace's DNC list, 1,000 a call. [DNCPusher] does it in the background
// with backoff (Salesforge's Retry-After honoured), never blocking its
// caller, and [DNCHook] is the engine's hook that pushes every suppression
// it records (an opt-out, a hard bounce, a complaint, a host's DNC entry)
// once stored (distribution.ChangeSuppressed).
//
// # Errors and limits
//
// A 429 is rate-limited with its Retry-After; 408 and 5xx, and requests
// with no answer, are retryable; every other 4xx (a bad key, an unknown
// workspace or mailbox, a refused field) is permanent, with the status and
// Salesforge's message in an [APIError]. Sends take the SMTP channel's
// classes. Retries are the engine's (sends) and the pusher's (DNC), with
// github.com/cenkalti/backoff; no adapter loop of its own.
//
// Package salesforgetest is a fake of the API and of the webhooks for the
// tests of this package and of hosts.
//
// # Not verified
//
// Written from the documentation above, not against the live API, and with
// searches of public material that found only the email_sent example:
//
//   - the payloads of every type but email_sent: the decoder reads the same
//     blocks for all, and the reply's text from a "reply" (or "replyEmail")
//     block, the bounce kind from a "bounce" (or "emailBouncedData") block
//     and a label from "label", none of which is documented; without them a
//     reply has no Body and a bounce counts as hard;
//   - whether Salesforge reports, through its webhooks, replies to and
//     bounces of email sent by SMTP outside its sequences; if it does not,
//     replies and bounces of this channel must come from the mailbox itself
//     (adapters/smtp ParseInbound on the mailbox's IMAP);
//   - that an email ID is the sent email's Message-ID;
//   - that no webhook signature or secret exists;
//   - the listings' envelope ({"data", "total"}), the answers of dnc/bulk and
//     of the reply endpoint, the error bodies ({"message"} or {"error"} is
//     read, else the text), and rate limits or idempotency keys (none is
//     documented);
//   - a thread's fields: [Thread] keeps the raw object beside its ID.
package salesforge
