// Package channeltest provides test doubles for package channel: a [Fake]
// channel that records every send and answers from a script or a seeded
// [Model], and Require helpers for tests.
//
// # The fake
//
// [New] returns a [Fake] for one channel kind. It implements
// channel.Channel and channel.Reconciler, is safe for concurrent use, and
// behaves like a provider with idempotency keys: the first accepted Send of
// a key is delivered once; a later Send with the same key returns the same
// receipt, is recorded as a duplicate [Attempt] and is not counted again. A
// failed Send delivers nothing. By default every message is checked with
// channel.Validate and an invalid one fails with a permanent error, as a
// provider rejects a malformed request (Config.SkipValidation turns that
// off).
//
// Accessors: [Fake.Sent] (deliveries in order), [Fake.SentTo] (by
// recipient address), [Fake.SentKey], [Fake.Count], [Fake.Attempts] (every
// call) and [Fake.Reset]. Times come from Config.Now, a function the test
// supplies (a fake clock's Now); without it they are zero.
//
// # Scripted outcomes
//
// [Fake.Script] queues outcomes for the next sends in call order and
// [Fake.ScriptFor] queues them for one recipient address; the recipient's
// queue goes first. An [Outcome] accepts (with a status and message ID of
// your choosing) or fails with an error, usually one of channel's classes:
//
//	f.Script(channeltest.Fail(channel.RateLimited(time.Minute, err)), channeltest.Accept(channel.StatusQueued))
//
// # Seeded outcomes
//
// A [Model] draws outcomes from its Seed and a per-message key (the
// idempotency key, or what Model.DrawKey returns), never from call order or
// the wall clock: the same seed and key give the same result however many
// goroutines send in whatever order. [Model.SendError] decides whether a
// send fails (a retryable or rate-limited draw fails only the key's first
// attempt); [Model.Events] returns the events a provider would report
// afterwards — deliveries, bounces, complaints, replies, out-of-office
// replies with return dates, unsubscribes and STOPs, call outcomes,
// accepted connection requests — timed as offsets from the send time.
//
// # Default rates
//
// [Rates] default to the cold-outreach figures of the design: email reply
// 4 % (a quarter of them out-of-office), hard bounce 2 %, complaint 0.1 %,
// unsubscribe 1 %; call answered 15 %, voicemail 35 %, busy 10 %, no answer
// 40 %; LinkedIn connection accepted 30 % within 1–10 days; SMS reply 3 %,
// STOP 2 %; letter delivered 95 %. Two are this package's own choice: a
// LinkedIn message is replied to 10 % of the time, and send errors default
// to 0 %. A zero rate takes its default and a negative one means never.
package channeltest
