package storage

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

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
	if r.Throttle < 0 || r.Throttle > 100 {
		return invalid("resource", "throttle", fmt.Sprint(r.Throttle), "must be a percentage, 0 to 100")
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

// CheckSuppression checks a suppression before a store writes it. A zero
// client is allowed: the suppression is platform-wide. Exactly one of lead,
// address and domain names who is suppressed; when more than one is set,
// the error names the second. A suppression is added in force: lifting is
// LiftSuppression's.
func CheckSuppression(sp *outbound.Suppression) error {
	switch {
	case sp == nil:
		return invalid("suppression", "", "", "must not be nil")
	case sp.Lead.IsZero() && sp.Address == "" && sp.Domain == "":
		return invalid("suppression", "lead", "", "a suppression needs a lead, an address or a domain")
	case !sp.Lead.IsZero() && sp.Address != "":
		return invalid("suppression", "address", sp.Address, "must be empty: the suppression is by lead, and names one of lead, address and domain")
	case (!sp.Lead.IsZero() || sp.Address != "") && sp.Domain != "":
		return invalid("suppression", "domain", sp.Domain, "must be empty: the suppression is by lead or address, and names one of lead, address and domain")
	case strings.Contains(sp.Domain, "@"):
		return invalid("suppression", "domain", sp.Domain, `must be a domain, without "@"`)
	case sp.Channel != "" && !sp.Channel.Valid():
		return invalid("suppression", "channel", string(sp.Channel), "must be empty (every channel) or a channel")
	case sp.Since.IsZero():
		return invalid("suppression", "since", "", "must be set: when the lead, address or domain was suppressed")
	case !sp.LiftedAt.IsZero():
		return invalid("suppression", "lifted_at", sp.LiftedAt.String(), "must be zero: a suppression is added in force, and lifted with LiftSuppression")
	}
	return nil
}

// CheckLift checks a LiftSuppression call: the instant it is lifted at must
// be set, since a zero LiftedAt means in force.
func CheckLift(_ SuppressionKey, at time.Time) error {
	if at.IsZero() {
		return invalid("suppression", "at", "", "must be set: when the suppression was lifted")
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
	case e.Topic != "" && !e.Topic.Valid():
		return invalid("event", "topic", string(e.Topic), "must be empty (a message) or a known event topic")
	}
	return nil
}

// CheckEventApplied checks a MarkEventApplied call.
func CheckEventApplied(id outbound.EventID, at time.Time) error {
	switch {
	case id.IsZero():
		return invalid("event", "id", "", "must be set")
	case at.IsZero():
		return invalid("event", "applied_at", "", "must be set: a zero AppliedAt means not applied")
	}
	return nil
}

// resourceStates are the states a resource can be in.
func resourceStates() []outbound.ResourceState {
	return []outbound.ResourceState{
		outbound.StateProvisioning, outbound.StateWarming, outbound.StateAvailable,
		outbound.StateAssigned, outbound.StateHeld, outbound.StateRetired,
	}
}

// CheckMove checks a move before a store looks at the resource: the
// resource is named; From and To are states; an assigned or held resource
// goes to a client and an available one to none; HeldUntil is set exactly
// when To is held; a Limit is not negative and needs a client to count.
func CheckMove(m Move) error {
	switch {
	case m.Resource.IsZero():
		return invalid("move", "resource", "", "must be set")
	case !slices.Contains(resourceStates(), m.From):
		return invalid("move", "from", string(m.From), "must be a resource state")
	case !slices.Contains(resourceStates(), m.To):
		return invalid("move", "to", string(m.To), "must be a resource state")
	case (m.To == outbound.StateAssigned || m.To == outbound.StateHeld) && m.ToClient.IsZero():
		return invalid("move", "to_client", "", "must be set: an "+string(m.To)+" resource belongs to a client")
	case m.To == outbound.StateAvailable && !m.ToClient.IsZero():
		return invalid("move", "to_client", m.ToClient.String(), "must be zero: an available resource belongs to no client")
	case m.To == outbound.StateHeld && m.HeldUntil.IsZero():
		return invalid("move", "held_until", "", "must be set: until when the resource is held")
	case m.To != outbound.StateHeld && !m.HeldUntil.IsZero():
		return invalid("move", "held_until", m.HeldUntil.String(), "must be zero unless the resource is held")
	case m.Limit < 0:
		return invalid("move", "limit", strconv.Itoa(m.Limit), "must not be negative")
	case m.Limit > 0 && m.ToClient.IsZero():
		return invalid("move", "limit", strconv.Itoa(m.Limit), "needs a to_client whose resources it counts")
	}
	return nil
}

// CheckMoved checks the stored resource a move names: a mailbox never
// moves alone, only with its domain.
func CheckMoved(r *outbound.Resource) error {
	if r.Kind == outbound.KindMailbox {
		return invalid("move", "resource", r.ID.String(), "is a mailbox: it moves with its domain")
	}
	return nil
}

// CheckOrder checks an order before a store writes it.
func CheckOrder(o *outbound.Order) error {
	switch {
	case o == nil:
		return invalid("order", "", "", "must not be nil")
	case o.ID.IsZero():
		return invalid("order", "id", "", "must be set")
	case o.Key == "":
		return invalid("order", "key", "", "must be set: it keeps a retried order from buying twice")
	case !o.Kind.Valid() || o.Kind == outbound.KindMailbox:
		return invalid("order", "kind", string(o.Kind), "must be domain, phone, linkedin_seat or mail_sender (mailboxes come with their domain)")
	case o.Count < 1:
		return invalid("order", "count", strconv.Itoa(o.Count), "must be at least 1")
	case !o.State.Valid():
		return invalid("order", "state", string(o.State), "must be a known order state")
	}
	return nil
}

// CheckTakeAllowance checks a TakeAllowance call.
func CheckTakeAllowance(client outbound.ClientID, period time.Time, n, limit int) error {
	switch {
	case client.IsZero():
		return invalid("allowance", "client", "", "must be set")
	case period.IsZero():
		return invalid("allowance", "period", "", "must be set: when the billing period starts")
	case n < 1:
		return invalid("allowance", "n", strconv.Itoa(n), "must be at least 1")
	case limit < 0:
		return invalid("allowance", "limit", strconv.Itoa(limit), "must not be negative")
	}
	return nil
}

// CheckReturnAllowance checks a ReturnAllowance call; returning nothing
// (n = 0) is allowed.
func CheckReturnAllowance(client outbound.ClientID, period time.Time, n int) error {
	switch {
	case client.IsZero():
		return invalid("allowance", "client", "", "must be set")
	case period.IsZero():
		return invalid("allowance", "period", "", "must be set: when the billing period starts")
	case n < 0:
		return invalid("allowance", "n", strconv.Itoa(n), "must not be negative")
	}
	return nil
}

// CheckSpaceSend checks a SpaceSend call.
func CheckSpaceSend(resource outbound.ResourceID, at time.Time, gap time.Duration) error {
	switch {
	case resource.IsZero():
		return invalid("spacing", "resource", "", "must be set")
	case at.IsZero():
		return invalid("spacing", "at", "", "must be set: when the send goes")
	case gap < 0:
		return invalid("spacing", "gap", gap.String(), "must not be negative")
	}
	return nil
}

func invalid(record, field, value, reason string) error {
	return &outbound.ValidationError{Package: "storage", Record: record, Field: field, Value: value, Reason: reason}
}

// CheckMeeting checks a meeting before a store writes it: its own
// Validate, which names the field.
func CheckMeeting(m *outbound.Meeting) error {
	if m == nil {
		return invalid("meeting", "", "", "must not be nil")
	}
	return m.Validate()
}
