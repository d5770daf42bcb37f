package channel

import (
	"maps"
	"slices"
	"strings"
)

// Message is one outbound touch as a provider adapter sees it. The engine
// builds it from a touch, its lead and the resource that sends it; [Validate]
// checks it before it reaches a [Channel].
//
// Build one with [NewMessage], which marks it commercial, or set Commercial
// yourself: the zero value of a struct literal is non-commercial.
type Message struct {
	// IdempotencyKey is the touch ID. Adapters whose provider takes an
	// idempotency key pass it on; fakes deduplicate on it. Required.
	IdempotencyKey string
	// Kind is the channel the message goes out on. Required.
	Kind Kind
	// Action is what the message does on its channel. Empty means
	// DefaultAction(Kind); otherwise Action.Kind() must equal Kind.
	Action Action
	// From is the sending resource.
	From Sender
	// To is the recipient.
	To Recipient
	// Subject is the email subject line. Required for email, ignored elsewhere.
	Subject string
	// Body is the plain-text content: the email text part, the SMS text, the
	// LinkedIn note or message, the call script or voicemail text, the
	// letter's text.
	Body string
	// HTML is an optional HTML alternative for email and letters.
	HTML string
	// Headers are extra email headers; List-Unsubscribe lives here. Names are
	// matched case-insensitively by [Message.Header].
	Headers map[string]string
	// Commercial marks a commercial message (all outreach is): commercial
	// email must carry a List-Unsubscribe header and an unsubscribe line,
	// commercial SMS an opt-out line. [NewMessage] sets it; a struct literal
	// must set it explicitly, and false declares a non-commercial message
	// (a transactional notice) that skips those checks.
	Commercial bool
	// ThreadRef is the provider message ID (for email, the Message-ID) of the
	// earlier message a follow-up replies to, so it threads; empty starts a
	// new thread.
	ThreadRef string
	// Metadata carries the IDs a provider callback needs to find its way back
	// (client, campaign, lead, touch). Adapters that support custom data pass
	// it through.
	Metadata map[string]string
}

// NewMessage returns a commercial message with the given idempotency key
// (the touch ID) and action; Kind is the action's channel.
func NewMessage(idempotencyKey string, a Action) *Message {
	return &Message{IdempotencyKey: idempotencyKey, Kind: a.Kind(), Action: a, Commercial: true}
}

// ResolvedAction returns m.Action, or DefaultAction(m.Kind) when it is empty.
func (m *Message) ResolvedAction() Action {
	if m.Action == "" {
		return DefaultAction(m.Kind)
	}
	return m.Action
}

// Header returns the value of the header named name, matched
// case-insensitively, or "" when there is none.
func (m *Message) Header(name string) string {
	if v, ok := m.Headers[name]; ok {
		return v
	}
	for k, v := range m.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Clone returns a deep copy of m: its maps and address lines are copied, so
// changing the copy never changes m. Clone(nil) is nil.
func (m *Message) Clone() *Message {
	if m == nil {
		return nil
	}
	c := *m
	c.Headers = maps.Clone(m.Headers)
	c.Metadata = maps.Clone(m.Metadata)
	c.To.Postal.Lines = slices.Clone(m.To.Postal.Lines)
	return &c
}

// Sender is the resource a message goes out from.
type Sender struct {
	// ID is the resource's ID in the pool (a ResourceID's string form).
	ID string
	// Address is what the provider needs to send from it: the mailbox's email
	// address, the phone number in E.164, the LinkedIn seat's provider account
	// ID, or the direct-mail sender's provider ID.
	Address string
}

// Recipient is the person a message goes to. Only the address for the
// message's channel is required (see [Recipient.Address]).
type Recipient struct {
	// Name is the person's display name, used in greetings and the To header.
	Name string
	// Email is a bare address ("ana@example.com"), no display name.
	Email string
	// Phone is the number in E.164 ("+61412345678").
	Phone string
	// LinkedIn is the profile URL (https://www.linkedin.com/in/...) or the
	// provider's ID for the member.
	LinkedIn string
	// Postal is the mailing address for letters.
	Postal PostalAddress
}

// Address returns the recipient's address for channel k: the email address,
// the phone number (voice and SMS), the LinkedIn profile, or the postal
// address on one line; "" for an unknown kind.
func (r Recipient) Address(k Kind) string {
	switch k {
	case Email:
		return r.Email
	case Voice, SMS:
		return r.Phone
	case LinkedIn:
		return r.LinkedIn
	case Mail:
		return r.Postal.String()
	}
	return ""
}

// PostalAddress is a mailing address.
type PostalAddress struct {
	// Lines are the street lines, first to last. At least one is required.
	Lines []string
	// City is the city, suburb or locality.
	City string
	// Region is the state, province or county.
	Region string
	// Postcode is the postal or ZIP code.
	Postcode string
	// Country is the ISO 3166-1 alpha-2 code ("AU", "US"). Required.
	Country string
}

// IsZero reports whether the address has no field set.
func (a PostalAddress) IsZero() bool {
	return len(a.Lines) == 0 && a.City == "" && a.Region == "" && a.Postcode == "" && a.Country == ""
}

// String renders the address on one line: its non-empty lines, then
// "City Region Postcode", then the country, separated by ", ".
func (a PostalAddress) String() string {
	var parts []string
	for _, l := range a.Lines {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	var locality []string
	for _, s := range []string{a.City, a.Region, a.Postcode} {
		if s = strings.TrimSpace(s); s != "" {
			locality = append(locality, s)
		}
	}
	if len(locality) > 0 {
		parts = append(parts, strings.Join(locality, " "))
	}
	if c := strings.TrimSpace(a.Country); c != "" {
		parts = append(parts, c)
	}
	return strings.Join(parts, ", ")
}
