// Customchannel is how to write a channel adapter of your own: a channel
// that posts each message to a URL of yours, signed, which passes the same
// conformance suite as the project's adapters.
//
//	go run ./examples/customchannel
//	go test ./examples/customchannel
//
// # What an adapter is
//
// An adapter is a [channel.Channel]: Kind says which channel it sends for
// (email, voice, linkedin, sms, mail) and Send hands one message to the
// provider and returns its [channel.Receipt], whose ProviderMessageID the
// provider's events will refer to. Send must be safe for concurrent use,
// must not keep or change the message, and must honour its context.
//
// It should also be a [channel.Describer]. Its [channel.Info] names the
// provider account (the pool's resources whose Provider is that name send
// through this adapter; with several adapters for one channel, each
// resource goes through its own provider's), says how it delivers, and may
// give the account's rate:
//
//   - at least once, when the provider takes the touch ID as an
//     idempotency key: the engine sends again after a lost answer and the
//     recipient still gets one message (this example: the receiver takes a
//     key once);
//   - at most once, when it does not: then implement [channel.Reconciler]
//     (find a send by its key) if the provider can, and the engine sends
//     again only what the provider never saw; without it, a send whose
//     answer was lost is marked uncertain and never sent again.
//
// # Errors
//
// The engine acts on the class of a failed send ([channel.Classify]):
// permanent (a 4xx: the touch fails or its step falls back), rate-limited
// (a 429: wait the Retry-After, the whole provider account holds), opted
// out (the recipient said stop: suppressed on the channel), retryable
// (a 5xx, a timeout, a lost connection: sent again later). Wrap the
// provider's failures with [channel.Permanent], [channel.RateLimited],
// [channel.OptedOut], [channel.Retryable] or a [*channel.Error]; an
// unclassified error counts as retryable. A cancelled context returns its
// own error.
//
// # Proving it
//
// Run adapters/adaptertest.RunChannel from the adapter's tests against a
// fake of the provider on 127.0.0.1 ([Receiver] here), with a Control that
// makes the fake fail each way; see main_test.go. A provider that calls
// you back runs adaptertest.RunWebhook on its endpoint too, built with
// adapters/webhook.NewHandler.
//
// # Using it
//
// Pass it among the engine's channels:
//
//	hook, err := NewHookChannel(HookConfig{URL: …, Secret: os.Getenv("HOOK_SECRET"), Now: clock.Now})
//	svc, err := distribution.New(distribution.Config{Channels: []channel.Channel{hook, …}, …})
//
// and register the resources that send through it with Provider "hook"
// (pool.Register), so that the allocator puts them in that channel's
// rotation.
package main
