package lobtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/channel"
)

// Outcome is one tracking event Lob reports about a letter.
type Outcome struct {
	// EventID is the event's ID (evt_…), the same on every delivery.
	EventID string
	// LetterID is the letter it concerns.
	LetterID string
	// Type is Lob's event type ("letter.delivered").
	Type string
	// At is when it happens.
	At time.Time
}

// Outcomes returns the tracking events of the letter with this ID, in time
// order, drawn from the model's seed and the letter's touch ID (its
// metadata "touch", else its idempotency key, else its ID): letter.mailed
// a day after it was made, then letter.delivered or
// letter.returned_to_sender. It returns none for an unknown letter.
func (s *Server) Outcomes(id string) []Outcome {
	l, ok := s.Letter(id)
	if !ok {
		return nil
	}
	return s.outcomes(l)
}

func (s *Server) outcomes(l Letter) []Outcome {
	key := l.Metadata[lob.MetadataTouch]
	if key == "" {
		key = l.IdempotencyKey
	}
	if key == "" {
		key = l.ID
	}
	action := channel.ActionLetter
	if l.Object == objectPostcard {
		action = channel.ActionPostcard
	}
	m := channel.NewMessage(key, action)
	m.Metadata = l.Metadata
	rc := channel.Receipt{Provider: s.cfg.Provider, ProviderMessageID: l.ID, Status: channel.StatusAccepted, At: l.Created}
	typ := func(letterEvent string) string { return l.Object + strings.TrimPrefix(letterEvent, objectLetter) }
	out := []Outcome{s.outcome(l.ID, typ("letter.mailed"), l.Created.Add(24*time.Hour))}
	for _, e := range s.cfg.Model.Events(m, rc, l.Created) {
		switch e.Type {
		case channel.EventDelivered:
			out = append(out, s.outcome(l.ID, typ(lob.EventDelivered), e.At))
		case channel.EventBounced:
			out = append(out, s.outcome(l.ID, typ(lob.EventReturnedToSender), e.At))
		}
	}
	return out
}

func (s *Server) outcome(letterID, typ string, at time.Time) Outcome {
	return Outcome{EventID: EventID(letterID, typ), LetterID: letterID, Type: typ, At: at}
}

// EventID returns the stable event ID of a letter's event of a type:
// "evt_" and 16 hex digits.
func EventID(letterID, eventType string) string {
	return hashID("evt_", "event/"+letterID+"/"+eventType)
}

// EventBody returns the body Lob posts for outcome o: the event object
// with the letter, as it is now, as its body. It fails for an unknown
// letter.
func (s *Server) EventBody(o Outcome) ([]byte, error) {
	l, ok := s.Letter(o.LetterID)
	if !ok {
		return nil, fmt.Errorf("lobtest: no letter %q", o.LetterID)
	}
	letter := letterJSON(l)
	letter["tracking_events"] = []any{map[string]any{
		"id": "evnt_" + o.EventID[len("evt_"):], "object": "tracking_event", "type": "normal",
		"name": trackingName(o.Type), "time": o.At.UTC().Format("2006-01-02T15:04:05.000Z"),
	}}
	return json.Marshal(map[string]any{
		"id":           o.EventID,
		"object":       "event",
		"reference_id": l.ID,
		"date_created": o.At.UTC().Format("2006-01-02T15:04:05.000Z"),
		"event_type": map[string]any{
			"id": o.Type, "resource": l.Object + "s", "enabled_for_test": false, "object": "event_type",
		},
		"body": letter,
	})
}

// trackingName is the tracking event name Lob gives an event type.
func trackingName(typ string) string {
	if rest, ok := strings.CutPrefix(typ, objectPostcard+"."); ok {
		typ = objectLetter + "." + rest
	}
	switch typ {
	case lob.EventDelivered:
		return "Delivered"
	case lob.EventReturnedToSender:
		return "Returned to Sender"
	case lob.EventReRouted:
		return "Re-Routed"
	case lob.EventProcessedForDelivery:
		return "Processed for Delivery"
	case "letter.mailed":
		return "Mailed"
	}
	return typ
}
