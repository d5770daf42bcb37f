package channel

import (
	"github.com/outbound-go/outbound/invalid"

	"golang.org/x/time/rate"
)

// Delivery is what an adapter promises about a Send that is tried again
// with the same idempotency key.
type Delivery string

// The delivery semantics an adapter declares.
const (
	// AtLeastOnce: the provider honours idempotency keys (the key is the
	// touch ID), so a Send tried again after a crash or a timeout reaches
	// the recipient once. The engine retries freely.
	AtLeastOnce Delivery = "at_least_once"
	// AtMostOnce: the provider keeps no idempotency keys, so a second Send
	// may reach the recipient twice. The engine marks the touch sending
	// before Send and never sends it again blindly: a touch found sending
	// after its worker died is looked up through [Reconciler], or marked
	// uncertain.
	AtMostOnce Delivery = "at_most_once"
)

// Valid reports whether d is a known delivery semantics.
func (d Delivery) Valid() bool { return d == AtLeastOnce || d == AtMostOnce }

// DefaultDelivery is what the engine assumes of an adapter that does not
// declare its delivery: at most once for voice and SMS (a call or a text
// sent twice cannot be taken back, and telephony providers keep no
// idempotency keys), at least once for email, LinkedIn and mail.
func DefaultDelivery(k Kind) Delivery {
	if k == Voice || k == SMS {
		return AtMostOnce
	}
	return AtLeastOnce
}

// Info describes a provider adapter to the engine: which provider account
// it sends through, its delivery semantics and the request rate that
// account allows.
type Info struct {
	// Provider names the provider account, as the pool's resources name
	// theirs (outbound.Resource.Provider): "twilio", "smtp", or an account
	// of one ("twilio/AC123") when a deployment has several. A resource is
	// sent from through the adapter whose Kind and Provider match its own.
	// Empty: the adapter sends for every resource of its kind that no
	// adapter names (a catch-all, such as a test fake).
	Provider string
	// Delivery is the adapter's delivery semantics. Empty:
	// DefaultDelivery of its kind.
	Delivery Delivery
	// Rate is how many Sends a second the account allows, shared by every
	// worker of a process. Zero: no limit. A deployment of N processes on
	// one account gives each Rate/N (or sizes Burst and Rate for its
	// share): the limiter is per process.
	Rate rate.Limit
	// Burst is how many Sends may go at once within Rate. Zero: 1 when
	// Rate is set.
	Burst int
}

// Describer is an optional capability of a [Channel]: the adapter names
// its provider account, delivery semantics and rate limit. An adapter that
// does not implement it is a catch-all for its kind with the kind's
// default delivery and no rate limit.
type Describer interface {
	Describe() Info
}

// Describe returns what c declares of itself, with the defaults filled in:
// the kind's default delivery, a burst of 1 under a rate.
func Describe(c Channel) Info {
	var in Info
	if d, ok := c.(Describer); ok {
		in = d.Describe()
	}
	if in.Delivery == "" {
		in.Delivery = DefaultDelivery(c.Kind())
	}
	if in.Rate > 0 && in.Burst <= 0 {
		in.Burst = 1
	}
	return in
}

// CheckInfo reports what is wrong with an adapter's Info, or nil.
func CheckInfo(in Info) error {
	switch {
	case !in.Delivery.Valid():
		return invalid.Field("channel", "Info", "Delivery", string(in.Delivery), "must be "+string(AtLeastOnce)+" or "+string(AtMostOnce))
	case in.Rate < 0:
		return invalid.Field("channel", "Info", "Rate", float64(in.Rate), "must not be negative")
	case in.Burst < 0:
		return invalid.Field("channel", "Info", "Burst", in.Burst, "must not be negative")
	}
	return nil
}
