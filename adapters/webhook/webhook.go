package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/outbound-go/outbound"
)

// The errors a [Verifier] and a [Decoder] wrap, so that the [Handler] knows
// which answer to give.
var (
	// ErrSignature: the request's signature is missing, malformed, does not
	// match, or is too old. The handler answers 401 and records nothing.
	ErrSignature = errors.New("webhook: bad signature")
	// ErrStale: the signature matches but its timestamp is outside the
	// tolerance (a replay, or a clock far off). It wraps ErrSignature.
	ErrStale = fmt.Errorf("%w: stale timestamp", ErrSignature)
	// ErrPayload: the body does not parse as the provider's payload. The
	// handler answers 400 and records nothing.
	ErrPayload = errors.New("webhook: bad payload")
)

// Verifier checks that a request comes from the provider: its signature
// against the raw body (and, where the provider signs them, the URL and
// headers). It returns nil, or an error wrapping [ErrSignature] for a
// missing, bad or stale signature; any other error is taken for a failure
// of the verifier itself (the handler answers 500 so that the provider
// delivers again). It must not put secrets or signatures in its errors.
// Verify runs before anything is decoded.
type Verifier interface {
	Verify(r *http.Request, body []byte) error
}

// Decoder turns a verified body into the events it reports, normalised. It
// returns an error wrapping [ErrPayload] for a body that does not parse; any
// other error is taken for a failure of the decoder itself (500). A payload
// of a kind the engine has no use for (a provider's informational event)
// decodes to no events, and the handler then answers 2xx without calling the
// sink, so the provider stops sending it. The handler validates every event
// the decoder returns; the decoder need not.
type Decoder interface {
	Decode(header http.Header, body []byte) ([]outbound.Inbound, error)
}

// Sink is the engine's side of a webhook: it records the events.
//
// Its contract: Accept returns nil only once every event is durably recorded
// (so that the 2xx the handler then answers is true), and accepting events
// it has recorded before is harmless: it deduplicates by provider and event
// ID ([outbound.Inbound.Key]). The handler calls it only with events that
// passed [outbound.Inbound.Validate], and with the request's context.
type Sink interface {
	Accept(ctx context.Context, events []outbound.Inbound) error
}

// SinkFunc is a function that is a [Sink].
type SinkFunc func(ctx context.Context, events []outbound.Inbound) error

// Accept calls f.
func (f SinkFunc) Accept(ctx context.Context, events []outbound.Inbound) error { return f(ctx, events) }
