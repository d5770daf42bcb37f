package smtp

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// InboundDecoder is the [webhook.Decoder] of an inbound-mail route that
// POSTs each received message raw (RFC 5322, Content-Type message/rfc822
// or text/plain): a host's own MTA piping mail to HTTP, or a provider's
// raw-MIME inbound route. Each message decodes as [ParseInbound] reads it;
// a body it cannot read is a [webhook.ErrPayload] (400). Pair it with a
// webhook.TokenVerifier, since such routes sign nothing:
//
//	v, _ := webhook.NewTokenVerifier(webhook.TokenConfig{Header: "X-Inbound-Token", Tokens: []string{secret}})
//	h, _ := webhook.NewHandler(webhook.Config{Name: "inbound-mail", Verifier: v, Decoder: smtp.InboundDecoder{Options: ch.InboundOptions()}, Sink: svc})
type InboundDecoder struct {
	// Options are ParseInbound's: the provider name, the clock, which
	// Message-IDs are ours, the size limit.
	Options InboundOptions
}

var _ webhook.Decoder = InboundDecoder{}

// Decode reads body as one raw message.
func (d InboundDecoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	events, err := ParseInbound(bytes.NewReader(body), d.Options)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%w: %w", webhook.ErrPayload, err)
		}
		return nil, err
	}
	out := make([]outbound.Inbound, len(events))
	for i := range events {
		out[i] = outbound.Inbound{Message: &events[i]}
	}
	return out, nil
}
