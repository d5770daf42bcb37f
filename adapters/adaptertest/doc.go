// Package adaptertest is the conformance suite of provider adapters, as
// storage/storagetest is of stores: each adapter runs it from its own tests
// against its fake provider, and a host's own adapter can too.
//
//	func TestConformance(t *testing.T) {
//		adaptertest.RunChannel(t, adaptertest.ChannelHarness{
//			New:     func(t *testing.T) (channel.Channel, adaptertest.Control) { … },
//			Message: func(key string) *channel.Message { … },
//		})
//		adaptertest.RunWebhook(t, adaptertest.WebhookHarness{ … })
//	}
//
// [RunChannel] checks what the engine relies on when it sends: a receipt
// with the provider's ID; the idempotency key honoured by an adapter that
// declares at-least-once delivery, or sends found again by one that
// declares at-most-once and can look them up; every failure classified
// (a rejection permanent, a rate limit with its Retry-After, an outage or
// a hang retryable, an opt-out as such) and nothing delivered by it; a
// cancelled context; a message of another kind refused; concurrent sends.
//
// [RunWebhook] checks a provider's webhook endpoint: a valid delivery
// answered 2xx once its events are handed on, a delivery again harmless,
// a missing, wrong or stale signature answered 401 and a body that does
// not parse 400 with nothing handed on, and a failing sink answered so
// that the provider delivers again.
//
// The suite drives the fake through [Control]: each adapter's fake package
// (adapters/xxx/xxxtest) provides one.
package adaptertest

import "errors"

// errSinkDown is the failure of the suite's sink when it is told to fail.
var errSinkDown = errors.New("adaptertest: sink down")
