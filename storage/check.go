package storage

import (
	"fmt"

	"github.com/outbound-go/outbound"
)

// The checks every store makes of a record before writing it: the contract
// suite holds each store to them, so they live here once. Each returns a
// *outbound.ValidationError naming the record and the field.

// CheckClient checks a client before a store writes it.
func CheckClient(c *outbound.Client) error {
	if c == nil {
		return invalid("client", "", "", "must not be nil")
	}
	if c.ID.IsZero() {
		return invalid("client", "id", "", "must be set")
	}
	return nil
}

// CheckResource checks a resource before a store writes it.
func CheckResource(r *outbound.Resource) error {
	if r == nil {
		return invalid("resource", "", "", "must not be nil")
	}
	if r.ID.IsZero() {
		return invalid("resource", "id", "", "must be set")
	}
	return nil
}

// CheckCampaign checks a campaign before a store writes it.
func CheckCampaign(c *outbound.Campaign) error {
	switch {
	case c == nil:
		return invalid("campaign", "", "", "must not be nil")
	case c.ID.IsZero():
		return invalid("campaign", "id", "", "must be set")
	case c.Client.IsZero():
		return invalid("campaign", "client", "", "must be set")
	}
	return nil
}

// CheckLead checks a lead before a store writes it.
func CheckLead(l *outbound.Lead) error {
	switch {
	case l == nil:
		return invalid("lead", "", "", "must not be nil")
	case l.ID.IsZero():
		return invalid("lead", "id", "", "must be set")
	case l.Client.IsZero():
		return invalid("lead", "client", "", "must be set")
	}
	return nil
}

// CheckEnrollment checks a enrollment before a store writes it.
func CheckEnrollment(e *outbound.Enrollment) error {
	switch {
	case e == nil:
		return invalid("enrollment", "", "", "must not be nil")
	case e.ID.IsZero():
		return invalid("enrollment", "id", "", "must be set")
	case e.Client.IsZero():
		return invalid("enrollment", "client", "", "must be set")
	}
	return nil
}

// CheckTouch checks a touch before a store writes it.
func CheckTouch(t *outbound.Touch) error {
	switch {
	case t.ID.IsZero():
		return invalid("touch", "id", "", "must be set")
	case t.Client.IsZero():
		return invalid("touch", "client", "", "must be set")
	case !t.Status.Valid():
		return invalid("touch", "status", string(t.Status), "must be a known touch status")
	}
	return nil
}

// CheckTouches checks a batch of touch updates (UpdateTouches): each
// touch, and no ID twice.
func CheckTouches(ts []outbound.Touch) error {
	seen := make(map[outbound.TouchID]struct{}, len(ts))
	for i := range ts {
		if err := CheckTouch(&ts[i]); err != nil {
			return fmt.Errorf("touch %d of %d: %w", i+1, len(ts), err)
		}
		if _, dup := seen[ts[i].ID]; dup {
			return invalid("touch", "id", ts[i].ID.String(), "appears twice in the batch")
		}
		seen[ts[i].ID] = struct{}{}
	}
	return nil
}

// CheckSuppression checks a suppression before a store writes it.
func CheckSuppression(sp *outbound.Suppression) error {
	switch {
	case sp == nil:
		return invalid("suppression", "", "", "must not be nil")
	case sp.Client.IsZero():
		return invalid("suppression", "client", "", "must be set")
	case sp.Lead.IsZero() && sp.Address == "":
		return invalid("suppression", "lead", "", "a suppression needs a lead or an address")
	case sp.Channel != "" && !sp.Channel.Valid():
		return invalid("suppression", "channel", string(sp.Channel), "must be empty (every channel) or a channel")
	case sp.Since.IsZero():
		return invalid("suppression", "since", "", "must be set: when the lead or address was suppressed")
	}
	return nil
}

// CheckPlans checks planning writes (SavePlans): each enrollment and each
// of its touches.
func CheckPlans(ws []PlanWrite) error {
	for i := range ws {
		if err := CheckEnrollment(ws[i].Enrollment); err != nil {
			return fmt.Errorf("plan %d of %d: %w", i+1, len(ws), err)
		}
		for j := range ws[i].Touches {
			if err := CheckTouch(&ws[i].Touches[j]); err != nil {
				return fmt.Errorf("plan %d of %d, touch %d: %w", i+1, len(ws), j+1, err)
			}
		}
	}
	return nil
}

// CheckEvent checks a event before a store writes it.
func CheckEvent(e *outbound.Event) error {
	switch {
	case e == nil:
		return invalid("event", "", "", "must not be nil")
	case e.ID.IsZero():
		return invalid("event", "id", "", "must be set")
	case e.Provider == "":
		return invalid("event", "provider", "", "must be set: it is half the deduplication key")
	case e.ProviderEventID == "":
		return invalid("event", "provider_event_id", "", "must be set: it is half the deduplication key")
	}
	return nil
}

func invalid(record, field, value, reason string) error {
	return &outbound.ValidationError{Record: record, Field: field, Value: value, Reason: reason}
}
