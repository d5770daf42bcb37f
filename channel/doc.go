// Package channel defines how outbound touches leave the library and how
// their outcomes come back: the [Channel] interface every provider adapter
// implements, the [Message] it sends, the [Receipt] it returns, the inbound
// [Event] a webhook is normalised to, the error classes the engine acts on,
// message validation, SMS segment counting and SMS keyword parsing.
//
// The package imports no other package of the project; everything else
// imports it. Test doubles live in channel/channeltest.
//
// # The interface
//
// A [Channel] has two methods, Kind and Send(ctx, *Message) (Receipt, error).
// Adapters for Twilio (SMS, voice), Vapi (voice), Unipile (LinkedIn), SMTP or
// Salesforge (email) and Lob (letters) implement it; a host plugs in its own
// by implementing the same two methods. Optional capabilities are separate
// small interfaces an adapter may also implement: [Reconciler] looks up an
// earlier send by idempotency key.
//
// A [Message] carries the touch ID as IdempotencyKey, the channel and action,
// the sending resource (From: an ID and its address), the recipient (To:
// name, email, E.164 phone, LinkedIn profile, postal address), the content
// (Subject, Body, optional HTML), extra Headers (List-Unsubscribe lives
// there), whether it is Commercial (all outreach is; [NewMessage] sets it), a
// ThreadRef for follow-up emails and Metadata that providers echo back in
// callbacks.
//
// # Delivery semantics
//
// The idempotency key is the touch ID. Email, direct mail and any provider
// that takes an idempotency key are sent at least once: a touch whose worker
// died is sent again with the same key and the provider keeps one copy.
// Voice and SMS are at most once: the engine marks the touch "sending" before
// Send, and a touch found "sending" after its lease expired is looked up
// through [Reconciler] when the adapter has it, or marked uncertain; it is
// never sent again blindly.
//
// # Errors
//
// Adapters return failures wrapped in an [*Error] whose [ErrorClass] tells
// the engine what to do:
//
//   - [Retryable]: transient (5xx, timeout); back off and retry.
//   - [RateLimited]: the provider asked to slow down; retry after
//     [RetryAfter] when it named a delay, else back off. Counts as retryable.
//   - [Permanent]: retrying cannot help; the touch fails and the step's
//     fallback applies.
//   - [OptedOut]: the recipient opted out at the provider (Twilio 21610);
//     permanent, and the engine records a suppression.
//
// errors.As finds the [*Error] through any fmt.Errorf("%w") wrapping, and
// errors.Is matches it against [ErrRetryable], [ErrPermanent],
// [ErrRateLimited] and [ErrOptedOut]. [Classify] counts an error with no
// [*Error] in its chain (a plain error, context.DeadlineExceeded, a net.Error)
// as retryable: right for email and letters; for voice and SMS the engine
// re-sends only failures the adapter classified itself, since an
// unclassified one may have reached the provider.
//
// # Validation
//
// [Validate] (or [Rules.Validate] with tuned rules) checks a message before
// it is sent and returns a [*ValidationError] (the module's
// invalid.FieldError) naming the field, the value and the rule;
// errors.Is(err, [ErrInvalid]) matches any of them. It checks that
// the action belongs to the channel, that the sender and recipient addresses
// for the channel are present and well formed (email syntax by net/mail,
// phone numbers in E.164 — "+" and 8 to 15 digits — LinkedIn profile, postal
// lines and country), and the content rules:
//
//   - commercial email carries a List-Unsubscribe header with a mailto or
//     http(s) URI and the word "unsubscribe" (any case, as a substring) in
//     its text and HTML parts;
//   - commercial SMS carries an opt-out line: the whole word STOP, STOPALL,
//     UNSUBSCRIBE or OPTOUT, or the words "opt out" (any case, "opt-out"
//     too);
//   - a LinkedIn connection-request note is at most 300 characters, counted
//     as Unicode code points; a LinkedIn message is not empty;
//   - an SMS longer than one segment is a [Warning], not an error.
//
// # SMS segments
//
// [Segments] counts an SMS body's parts. Text entirely in the GSM-7 alphabet
// (github.com/warthog618/sms tables) costs one septet a character, two for
// the extension characters ^ { } \ [ ] ~ | € ; anything else makes the whole
// body UCS-2, counted in UTF-16 code units (an emoji is two). One part holds
// 160 septets or 70 units; longer text goes in parts of 153 septets or 67
// units, never splitting an escape pair or a surrogate pair.
//
// # SMS keywords
//
// [ParseKeyword] reads an inbound SMS: STOP, STOPALL, UNSUBSCRIBE, CANCEL,
// END, QUIT, REVOKE or OPTOUT opt out; START, YES or UNSTOP opt back in. Only
// a message that is that single word counts, in any ASCII case, ignoring
// surrounding white space and trailing '.', '!' and '?': "Stop." opts out,
// "stop please" does not, and neither do full-width or other look-alike
// letters. [Keywords] replaces the lists.
package channel
