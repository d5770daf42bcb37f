package channel

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Channel sends one message over one channel. Every provider adapter (Twilio
// SMS and voice, Vapi voice, Unipile LinkedIn, SMTP or Salesforge email, Lob
// direct mail) implements it, and so does the test double
// [github.com/outbound-go/outbound/channel/channeltest.Fake].
//
// Send hands m to the provider and returns what the provider said about it.
// m.IdempotencyKey is the touch ID: an adapter whose provider accepts an
// idempotency key passes it on, so a retried Send reaches the recipient once.
// Send must not keep m or change it. A failed Send returns an error the engine
// can classify with [Classify]; adapters wrap provider failures with
// [Retryable], [Permanent], [RateLimited] or [OptedOut].
//
// Implementations must be safe for concurrent use.
type Channel interface {
	// Kind is the channel this implementation sends on.
	Kind() Kind
	// Send delivers m to the provider.
	Send(ctx context.Context, m *Message) (Receipt, error)
}

// Reconciler is an optional capability of a [Channel]: it finds what the
// provider knows about an earlier Send by its idempotency key (the touch ID).
//
// The engine uses it for at-most-once channels (voice, SMS): a touch found
// marked "sending" after a worker died is looked up here, and only a touch the
// provider has never seen may be sent again; one that cannot be looked up is
// marked uncertain, never re-sent blindly. found is false when the provider
// has no record of the key; err is for failures of the lookup itself.
type Reconciler interface {
	Lookup(ctx context.Context, idempotencyKey string) (r Receipt, found bool, err error)
}

// Finder is an optional capability of a [Channel] whose provider keeps no
// idempotency key (Twilio's messages and calls): it finds an earlier Send by
// what the send carried, the sending address, the recipient's address and
// when it went. The engine asks a Finder, when the channel is one, instead
// of a [Reconciler], with the same rule: only a send the provider has never
// seen may go again. found is false when the provider holds none; err is
// for failures of the search itself.
type Finder interface {
	Find(ctx context.Context, s Sent) (r Receipt, found bool, err error)
}

// Sent describes a send whose outcome the engine lost (its worker died
// between the request and the record).
type Sent struct {
	// IdempotencyKey is the touch ID the message was sent with.
	IdempotencyKey string
	// Kind is the channel.
	Kind Kind
	// From is the sending resource's address (the message's From.Address):
	// the number a text or a call went out from.
	From string
	// To is the recipient's address on Kind: a phone number for a text or
	// a call (E.164), an email address, a LinkedIn profile.
	To string
	// Since is the earliest the send can have happened: a message the
	// provider created before it is another one.
	Since time.Time
}

// Withdrawer is an optional capability of a [Channel]: it takes back, at
// the provider, a request the recipient never answered. The engine's daily
// job withdraws a LinkedIn connection request still not accepted after
// distribution.Config.ConnectionWithdrawAfter through it, so that the
// seat's pending invitations stay few.
//
// from is the sending resource's address (the request's From.Address) and
// providerMessageID its receipt's ProviderMessageID. A request the
// provider no longer holds as pending (accepted, withdrawn or expired) is
// a permanent error (ClassPermanent): the engine records the request
// withdrawn all the same; a retryable error leaves it to the next day's
// job.
type Withdrawer interface {
	Withdraw(ctx context.Context, from, providerMessageID string) error
}

// Receipt is what a provider answered to an accepted Send.
type Receipt struct {
	// Provider names the provider that took the message ("twilio", "lob").
	Provider string
	// ProviderMessageID is the provider's ID for the message (Twilio's
	// MessageSid, Vapi's call ID); inbound events refer to it.
	ProviderMessageID string
	// Status is how far the message got by the time Send returned.
	Status Status
	// At is the instant the provider reported for the status, or zero when it
	// reported none.
	At time.Time
}

// Status is how far an accepted message had got when the provider answered.
// Later progress (delivered, bounced, answered) arrives as an [Event].
type Status string

// The statuses a [Receipt] can carry, from least to most progressed.
const (
	// StatusAccepted: the provider took the request and will process it.
	StatusAccepted Status = "accepted"
	// StatusQueued: the message waits in the provider's queue.
	StatusQueued Status = "queued"
	// StatusSent: the provider handed the message to the network or carrier.
	StatusSent Status = "sent"
	// StatusDelivered: the provider already knows the message arrived.
	StatusDelivered Status = "delivered"
)

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusAccepted, StatusQueued, StatusSent, StatusDelivered:
		return true
	}
	return false
}

// ParseStatus parses a receipt status, ignoring case and surrounding space.
func ParseStatus(s string) (Status, error) {
	v := Status(strings.ToLower(strings.TrimSpace(s)))
	if !v.Valid() {
		return "", fmt.Errorf("channel: unknown receipt status %q (want accepted, queued, sent or delivered)", s)
	}
	return v, nil
}
