package adapterkit

import (
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// ParseInstant reads a webhook's ISO 8601 instant (RFC 3339, with or
// without fractions) in UTC; an empty or unreadable one is an error naming
// what was given.
func ParseInstant(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("missing")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an ISO 8601 instant: %q", Truncate(s, 40))
	}
	return t.UTC(), nil
}

// PayloadError is a webhook body's field that is missing or wrong: an
// error wrapping webhook.ErrPayload (400) that names it.
func PayloadError(field string, why error) error {
	return fmt.Errorf("%w: %s: %w", webhook.ErrPayload, field, why)
}

// Meeting checks a meeting event a scheduling provider's decoder built and
// returns it as the delivery's one event; one that fails
// outbound.MeetingEvent.Validate is a payload error naming the field.
func Meeting(e *outbound.MeetingEvent) ([]outbound.Inbound, error) {
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", webhook.ErrPayload, err)
	}
	return []outbound.Inbound{{Meeting: e}}, nil
}
