// Package unipile is the LinkedIn channel through Unipile's v1 API, and the
// decoder of its webhooks.
//
// # What it does
//
// [Channel] sends from a seat (the message's From.Address is the seat's
// Unipile account ID, its DSN and key are [Config]'s):
//
//   - connection requests: GET users/{public-id}?account_id=… turns a
//     profile URL into the member's provider ID (a profile visit, which
//     LinkedIn counts; pass the provider ID as To.LinkedIn to skip it),
//     then POST users/invite with account_id, provider_id and the note
//     (at most [Config.MaxNote] characters, 300 by default: a longer one is
//     a permanent error naming Body, and is never sent);
//   - messages: POST chats (multipart: account_id, attendees_ids, text)
//     starts a chat, and a follow-up goes to POST chats/{chat_id}/messages;
//     which chat a recipient has is kept in [Chats], in memory by default;
//   - withdrawals: [Channel.Withdraw] cancels an invitation not yet
//     accepted (DELETE users/invite/sent/{id}); the engine's daily job
//     calls it (the channel is a channel.Withdrawer) for every request
//     unanswered after distribution.Config.ConnectionWithdrawAfter;
//   - webhooks: [Channel.CreateWebhook] registers one with its secret
//     header, [NewVerifier] checks that header in constant time (v1
//     webhooks are not signed), [Decoder] turns new_relation into a
//     connection accepted, message_received into a reply (the seat's own
//     messages are dropped) and account statuses into the seat's
//     provisioning events (CREDENTIALS and DELETED disconnected, ERROR and
//     STOPPED restricted, OK and RECONNECTED connected); with the channel's [Journal] in
//     [DecoderConfig.Journal] it ties each connection and reply to the
//     touch it answers (the seat's last invitation, or last send, to the
//     member), since Unipile's notices carry no ID of ours.
//
// The X-API-KEY header is never logged; the logger hears of failed
// requests only (method, path, status, Unipile's error type).
//
// # Errors
//
// 429 and 500 (Unipile's answers to a seat past LinkedIn's or its own
// limits) are rate-limited, with the Retry-After when one is given; other
// 5xx and requests with no answer (a timeout, a dropped connection) are
// retryable; every other 4xx (an invalid field, a profile already invited
// or not connectable, a disconnected seat) is permanent, with Unipile's
// error type as the Code and its title and detail in the message
// ([APIError]). A cancelled context returns its own error.
//
// # Delivery
//
// Unipile takes no idempotency key, so the channel declares at-most-once
// delivery and implements [channel.Reconciler]. Every send is written to
// a [Journal] before it leaves and completed with Unipile's ID when
// answered; a refusal clears it. [Channel.Lookup] answers from the journal,
// and for a send whose answer was lost asks the API: a connection request
// is looked for among the seat's sent invitations by the member's provider
// ID, a message to a known chat among that chat's messages by the seat,
// text and time. A message that was to start a chat and got no answer
// cannot be looked for: Lookup fails with [ErrUnconfirmed] and the engine
// marks the touch uncertain. A retryable failure leaves the journal entry,
// so the engine's send again first checks whether the earlier attempt
// arrived, and sends only if it did not. The journal is as durable as its
// store: the default [MemoryStore] serves one process; a host that
// reconciles after a restart, or across processes, backs [Journal] (and
// [Chats]) with its database: package unipilepg keeps them in PostgreSQL.
//
// # Seats
//
// [Provisioner] is the pool's Provisioner for LinkedIn seats (RP-008): a
// LinkedIn account is a person's, so a seat is bought by having its owner
// log in through Unipile's hosted authentication. Purchase asks Unipile for
// one link per seat (POST hosted/accounts/link: type create, providers
// LINKEDIN, the account's api_url, expiresOn, a notify_url carrying
// [ProvisionerConfig.Secret], and the name "<order key>#<n>", which Unipile
// hands back on connection), hands each link to the host's
// [ProvisionerConfig.Deliver] once, and answers "taken, delivered later"
// until every seat of the order is connected; [Provisioner.NotifyHandler]
// records each connection (a wrong token is 401, nothing recorded). Then
// the order's next Purchase returns the seats, their ProviderRef and
// Address the Unipile account ID. A retried order makes no new link while
// the last is valid; an expired one is made again and handed over again.
// The links live in [SeatLinks] (a [MemoryStore] by default; unipilepg's
// store when the notify route and the pool run in different processes).
//
// # Not verified against Unipile
//
// Written from Unipile's documentation, not against its live API:
//
//   - the hosted-auth link's answer ({"object": "HostedAuthURL", "url"})
//     and the notify body ({"status": "CREATION_SUCCESS", "account_id",
//     "name"}): the documentation names the request's parameters and says
//     the name comes back to notify_url, and the request and answer's exact
//     shape here follow its examples;
//
//   - the answer of POST chats carrying message_id beside chat_id (without
//     it the receipt carries the chat's ID);
//
//   - whether an invitation's ID in GET users/invite/sent is the one POST
//     users/invite answered, and invited_user_id being the provider ID;
//
//   - the is_sender field of chat messages (read as 0/1 or a boolean) and
//     the account_info.user_id and is_sender fields of message webhooks (a
//     host can name each seat's provider ID in [DecoderConfig.Seats]);
//
//   - the error types Unipile gives an invitation already pending or a
//     profile that cannot be invited (they are classified by status, and
//     kept as the Code);
//
//   - whether LinkedIn's restrictions surface as a status of their own:
//     none is documented, so they arrive as CREDENTIALS (disconnected).
//
// new_relation notices are polled by Unipile and may come hours after the
// acceptance; account status notices carry neither an ID nor a time, so
// their event ID hashes the account, the status and the
// [DecoderConfig.StatusWindow] they arrived in.
//
// Package unipiletest is a fake Unipile for the tests of this package and
// of hosts.
package unipile
