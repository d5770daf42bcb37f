package outbound

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"
	fields "github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/phone"
)

// ProvisioningEventType names what a provider reported about a resource of
// the pool: a purchase completed or failed, an account connected or lost.
// Its string form is what storage and JSON use.
type ProvisioningEventType string

// The provisioning event types. Each concerns the resource kinds
// [ProvisioningEventType.Kinds] lists.
const (
	// ProvisioningDomainReady: a bought domain's DNS and mail authentication
	// are in place; it can hold mailboxes and start warming up.
	ProvisioningDomainReady ProvisioningEventType = "domain_ready"
	// ProvisioningMailboxCreated: a mailbox exists on a domain (Parent) and
	// can send.
	ProvisioningMailboxCreated ProvisioningEventType = "mailbox_created"
	// ProvisioningMailboxDisconnected: a mailbox can no longer send (its
	// credentials were revoked, the provider suspended it); it must be taken
	// out of rotation until it is connected again.
	ProvisioningMailboxDisconnected ProvisioningEventType = "mailbox_disconnected"
	// ProvisioningNumberReleased: a phone number left the account (released,
	// ported out, reclaimed by the carrier); it sends nothing any more.
	ProvisioningNumberReleased ProvisioningEventType = "number_released"
	// ProvisioningLinkedInConnected: a LinkedIn account was connected (or
	// reconnected) to the seat's provider and can act.
	ProvisioningLinkedInConnected ProvisioningEventType = "linkedin_connected"
	// ProvisioningLinkedInRestricted: LinkedIn restricted the account (too
	// many invitations, a checkpoint); it must pause.
	ProvisioningLinkedInRestricted ProvisioningEventType = "linkedin_restricted"
	// ProvisioningLinkedInDisconnected: the account's session ended (expired,
	// logged out, credentials changed); it acts no more until reconnected.
	ProvisioningLinkedInDisconnected ProvisioningEventType = "linkedin_disconnected"
	// ProvisioningFailed: a purchase could not be completed (domain not
	// available, number not granted); Reason says why. The pool counts the
	// purchase as in flight until it hears this or the resource's ready event.
	ProvisioningFailed ProvisioningEventType = "provisioning_failed"
)

// ProvisioningEventTypes returns every provisioning event type, in a fixed
// order.
func ProvisioningEventTypes() []ProvisioningEventType {
	return []ProvisioningEventType{
		ProvisioningDomainReady, ProvisioningMailboxCreated, ProvisioningMailboxDisconnected,
		ProvisioningNumberReleased, ProvisioningLinkedInConnected, ProvisioningLinkedInRestricted,
		ProvisioningLinkedInDisconnected, ProvisioningFailed,
	}
}

// Kinds returns the resource kinds an event of type t can concern; nil for
// an unknown type.
func (t ProvisioningEventType) Kinds() []ResourceKind {
	switch t {
	case ProvisioningDomainReady:
		return []ResourceKind{KindDomain}
	case ProvisioningMailboxCreated, ProvisioningMailboxDisconnected:
		return []ResourceKind{KindMailbox}
	case ProvisioningNumberReleased:
		return []ResourceKind{KindPhone}
	case ProvisioningLinkedInConnected, ProvisioningLinkedInRestricted, ProvisioningLinkedInDisconnected:
		return []ResourceKind{KindLinkedInSeat}
	case ProvisioningFailed:
		return ResourceKinds()
	}
	return nil
}

// Valid reports whether t is one of the provisioning event types.
func (t ProvisioningEventType) Valid() bool { return len(t.Kinds()) > 0 }

// ParseProvisioningEventType parses a provisioning event type, ignoring case
// and surrounding space. A bad one is a *invalid.FieldError.
func ParseProvisioningEventType(s string) (ProvisioningEventType, error) {
	t := ProvisioningEventType(strings.ToLower(strings.TrimSpace(s)))
	if !t.Valid() {
		return "", fields.Field("outbound", "ProvisioningEvent", "Type", s, "unknown provisioning event type")
	}
	return t, nil
}

// UnmarshalText implements encoding.TextUnmarshaler and rejects unknown types.
func (t *ProvisioningEventType) UnmarshalText(b []byte) error {
	v, err := ParseProvisioningEventType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ProvisioningEvent is something a provider reported about a resource of the
// pool, normalised from its webhook (or from polling a provider that sends
// none). Provider and ProviderEventID together are the deduplication key.
// The resource is found by Provider and ProviderRef, as [Resource] holds them.
type ProvisioningEvent struct {
	// Provider names the provider that reported it ("infraforge",
	// "unipile"). Required.
	Provider string
	// ProviderEventID is the provider's ID for this event (or a stable hash
	// of its payload when the provider gives none). Required.
	ProviderEventID string
	// Type is what happened. Required.
	Type ProvisioningEventType
	// Kind is the kind of resource concerned. Required; Type.Kinds() must
	// have it.
	Kind ResourceKind
	// ProviderRef is the provider's ID of the resource (of the order, for a
	// provisioning_failed purchase). Required.
	ProviderRef string
	// Parent is the provider's ID of the resource's parent: a mailbox's
	// domain. Required for mailbox_created; only a mailbox has one.
	Parent string
	// Address is the resource's address: the domain name, the mailbox's
	// email address, the E.164 number, the LinkedIn account's name or
	// profile URL. Required for domain_ready and mailbox_created, and
	// checked against the kind whenever it is set.
	Address string
	// At is when it happened, as the provider reported it. Required.
	At time.Time
	// Reason is the provider's explanation (a restriction's cause, why a
	// purchase failed), or "".
	Reason string
}

// Validate reports the first missing or inconsistent field as a
// *invalid.FieldError naming it (errors.Is(err, ErrInvalid) holds): a
// Provider, a ProviderEventID, a known Type, a Kind the type can concern, a
// ProviderRef, a Parent for mailbox_created and on no kind but a mailbox, an
// Address where the type needs one and of the kind's form when set (a
// domain name, a bare email, an E.164 number), and a non-zero At.
func (e *ProvisioningEvent) Validate() error {
	bad := func(field string, v any, reason string) error {
		return fields.Field("outbound", "ProvisioningEvent", field, v, reason)
	}
	if err := checkEventKey("ProvisioningEvent", e.Provider, e.ProviderEventID, string(e.Type), e.Type.Valid()); err != nil {
		return err
	}
	switch {
	case !e.Kind.Valid():
		return bad("Kind", string(e.Kind), "unknown resource kind")
	case !slices.Contains(e.Type.Kinds(), e.Kind):
		return bad("Kind", string(e.Kind), fmt.Sprintf("a %s event concerns only %v", e.Type, e.Type.Kinds()))
	case strings.TrimSpace(e.ProviderRef) == "":
		return bad("ProviderRef", e.ProviderRef, "required: the provider's ID of the resource")
	case e.Type == ProvisioningMailboxCreated && strings.TrimSpace(e.Parent) == "":
		return bad("Parent", e.Parent, "required: the provider's ID of the mailbox's domain")
	case e.Parent != "" && e.Kind != KindMailbox:
		return bad("Parent", e.Parent, "only a mailbox has a parent")
	case (e.Type == ProvisioningDomainReady || e.Type == ProvisioningMailboxCreated) && strings.TrimSpace(e.Address) == "":
		return bad("Address", e.Address, "required for "+string(e.Type))
	case e.At.IsZero():
		return bad("At", e.At, "required")
	}
	if e.Address != "" {
		if reason := checkAddress(e.Kind, e.Address); reason != "" {
			return bad("Address", e.Address, reason)
		}
	}
	return nil
}

// checkAddress returns what is wrong with address as the address of a
// resource of kind k, or "".
func checkAddress(k ResourceKind, address string) string {
	switch k {
	case KindDomain:
		if !isDomainName(address) {
			return "must be a domain name like example.com"
		}
	case KindMailbox:
		if err := ValidateEmail(address); err != nil {
			return err.Error()
		}
	case KindPhone:
		if !phone.IsE164(address) {
			return "must be E.164: + and 8 to 15 digits"
		}
	}
	return ""
}

// isDomainName reports whether s looks like a registrable host name: labels
// of letters, digits and hyphens (not at either end), at least two of them.
func isDomainName(s string) bool {
	if len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// Inbound is one thing a provider told us: a message event, a billing
// event, a provisioning event or a meeting event. Exactly one of its fields
// is set. A webhook
// decoder turns one delivery into a list of them; the engine records each
// once, by [Inbound.Key].
type Inbound struct {
	// Message is an event about a message or a recipient (delivered,
	// replied, opted out, a call's outcome).
	Message *channel.Event
	// Billing is an event about a client's subscription.
	Billing *BillingEvent
	// Provisioning is an event about a resource of the pool.
	Provisioning *ProvisioningEvent
	// Meeting is a booking a scheduling provider reports.
	Meeting *MeetingEvent
}

// Key returns the deduplication key of the event that is set: its provider
// and the provider's event ID. It returns two empty strings when none is
// set; when more than one is (which Validate refuses), Message wins over
// Billing, Billing over Provisioning, and Provisioning over Meeting.
func (in Inbound) Key() (provider, eventID string) {
	switch {
	case in.Message != nil:
		return in.Message.Provider, in.Message.ProviderEventID
	case in.Billing != nil:
		return in.Billing.Provider, in.Billing.ProviderEventID
	case in.Provisioning != nil:
		return in.Provisioning.Provider, in.Provisioning.ProviderEventID
	case in.Meeting != nil:
		return in.Meeting.Provider, in.Meeting.ProviderEventID
	}
	return "", ""
}

// Validate reports a *invalid.FieldError (errors.Is(err, ErrInvalid) holds)
// when not exactly one event is set, or when the one set is not valid. A
// message event's own error is given with its field under "Message."
// ("Message.Type"); a billing or provisioning event's error is its own.
func (in Inbound) Validate() error {
	n := 0
	for _, set := range []bool{in.Message != nil, in.Billing != nil, in.Provisioning != nil, in.Meeting != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fields.Field("outbound", "", "Inbound", fmt.Sprintf("%d events set", n),
			"exactly one of Message, Billing, Provisioning or Meeting must be set")
	}
	switch {
	case in.Message != nil:
		if err := in.Message.Validate(); err != nil {
			if ve, ok := err.(*channel.ValidationError); ok {
				return fields.Field("outbound", "Inbound", "Message."+ve.Field, ve.Value, ve.Reason)
			}
			return fields.Field("outbound", "Inbound", "Message", "", err.Error())
		}
	case in.Billing != nil:
		return in.Billing.Validate()
	case in.Provisioning != nil:
		return in.Provisioning.Validate()
	default:
		return in.Meeting.Validate()
	}
	return nil
}
