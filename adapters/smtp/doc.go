// Package smtp is the email channel over plain SMTP: a channel.Channel that
// sends one message per Send through any SMTP server (a mailbox provider's
// submission port, a relay), and ParseInbound, which turns the raw mail
// that comes back to a sending mailbox into channel events.
//
// # Sending
//
// New takes a Config: the server (Host, Port 587 by default, 465 with
// implicit TLS), credentials (never logged), the TLS policy (STARTTLS
// required by default), the HELO name, a timeout for each step of the
// conversation (30 seconds), the Message-ID domain (the sender address's
// by default), the provider name ("smtp"), a timing.Clock and a
// *slog.Logger. Messages go out with github.com/wneessen/go-mail, one
// connection per Send, so Sends run in parallel without sharing state.
//
// A message is checked with channel.Rules first; one that fails, names a
// header Send writes itself, or is not an email is refused with a
// permanent error matching ErrInvalid, before any connection is opened.
// The email carries:
//
//   - From (the sending resource's address), To (with the recipient's
//     name), Subject and Date (from the clock);
//   - the text part, the HTML part, or both as multipart/alternative;
//   - every header of Message.Headers, List-Unsubscribe as given, and
//     List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058) when
//     List-Unsubscribe holds an https URI and the message sets no
//     List-Unsubscribe-Post of its own;
//   - a Message-ID derived from the touch ID (MessageID): the same touch
//     always has the same Message-ID, which is the receipt's
//     ProviderMessageID, angle brackets included;
//   - In-Reply-To and References naming Message.ThreadRef on a follow-up,
//     so the steps of a sequence thread in the recipient's client.
//
// # Errors
//
// A 5xx reply (550, 551 and 553 for an unknown or refused recipient, 554
// for a refused message) is channel.Permanent; a 4xx reply (greylisting,
// a full mailbox, too many connections) and a connection that fails or
// times out before the message data was sent are channel.Retryable. Each
// carries the reply code and the provider name. When the context ends,
// Send closes the connection at once and returns an error matching the
// context's error.
//
// # Delivery semantics
//
// SMTP has no idempotency key, and a server keeps no record a client could
// look a message up in, so the channel declares channel.AtMostOnce and
// implements no channel.Reconciler. The reason is the one moment SMTP
// cannot settle: once the message data and its final dot are written, the
// server may queue the message and then lose the connection, or time out,
// before its "250 OK" reaches the client. Sending again could deliver the
// message twice. Send therefore returns such a failure unclassified and
// matching ErrUncertain, and an at-most-once engine marks the touch
// uncertain instead of sending it again. Every failure before that moment
// provably delivered nothing and is classified. A failing RSET or QUIT
// after the server accepted the message is not a failure.
//
// # Inbound mail
//
// ParseInbound reads one raw RFC 5322 message, as a host's IMAP poller or
// its provider's inbound route hands it over, and returns its events:
//
//   - RFC 3464 delivery-status notifications (Postfix, Exchange and
//     Office 365, Gmail's multipart reports) and plain-text bounces that
//     name X-Failed-Recipients or come from a mailer daemon (Gmail's own):
//     EventBounced for a 5.x.x status ("hard" in Detail), EventSoftBounced
//     for 4.x.x or a delayed action ("soft"), EventDelivered for a
//     delivered action;
//   - RFC 5965 feedback-loop reports (Yahoo, AOL and others):
//     EventComplained;
//   - automatic replies (RFC 3834 Auto-Submitted, X-Autoreply,
//     X-Autorespond, Precedence: auto_reply, and out-of-office subjects as
//     Outlook, Gmail and others write them in six languages):
//     EventOutOfOffice, with ReturnAt when the text names the return date
//     ("back on 14 March 2026", "returning on 2026-03-14", "until Monday 16
//     March", "bis 16.03.");
//   - replies that refer to one of our Message-IDs: EventReplied; other
//     mail: EventMessageReceived.
//
// Reports are matched to the original message through the Message-ID in
// their returned headers, replies through In-Reply-To and References; a
// Message-ID is ours when it has the shape MessageID makes
// (InboundOptions.IsOwn changes that). Events carry ProviderEventIDs
// derived from the inbound message's own Message-ID, so a message polled
// twice gives the same events and the engine records them once. Input that
// is not a message, or a report that cannot be read, returns a *ParseError
// matching ErrInvalid. Only the standard library reads inbound mail.
//
// An inbound route that POSTs raw messages (a host's MTA piping to HTTP, a
// provider's raw-MIME route) mounts [InboundDecoder] in an
// adapters/webhook handler with a token verifier: a message that does not
// read is answered 400, one posted again is recorded once.
//
// Package smtptest is an in-process SMTP server for tests.
//
// # Not verified
//
// The tests run against an in-process server (github.com/emersion/go-smtp)
// without TLS or authentication; STARTTLS, implicit TLS and the
// authentication mechanisms are go-mail's and were not exercised here
// against a real provider. Whether a given provider answers a lost
// connection after DATA by delivering is not knowable; the channel
// assumes it may. The inbound samples in testdata were written for these
// tests in the shapes Postfix, Office 365, Gmail, Yahoo and Outlook
// produce; they are not captured mail, and real reports vary (localised
// Exchange reports, redacted ARF reports, bounces without returned
// headers, which then match by recipient only). Return dates are read from
// the forms listed in the documentation of ParseInbound's helpers; other
// phrasings give no ReturnAt. Message text in charsets other than UTF-8,
// US-ASCII, Latin-1 and Windows-1252 is kept as bytes with invalid
// sequences replaced.
package smtp
