package outbound

import (
	"fmt"

	"github.com/outbound-go/outbound/channel"
)

// ResourceKind is the kind of a sending identity in the pool.
type ResourceKind string

// The resource kinds.
const (
	KindDomain       ResourceKind = "domain"
	KindMailbox      ResourceKind = "mailbox"
	KindPhone        ResourceKind = "phone"
	KindLinkedInSeat ResourceKind = "linkedin_seat"
	KindMailSender   ResourceKind = "mail_sender"
)

// ResourceKinds lists every resource kind.
func ResourceKinds() []ResourceKind {
	return []ResourceKind{KindDomain, KindMailbox, KindPhone, KindLinkedInSeat, KindMailSender}
}

// Valid reports whether k is a known resource kind.
func (k ResourceKind) Valid() bool {
	switch k {
	case KindDomain, KindMailbox, KindPhone, KindLinkedInSeat, KindMailSender:
		return true
	}
	return false
}

// ParseResourceKind parses a resource kind name.
func ParseResourceKind(s string) (ResourceKind, error) {
	k := ResourceKind(s)
	if !k.Valid() {
		return "", fmt.Errorf("outbound: unknown resource kind %q", s)
	}
	return k, nil
}

// SenderKind returns the kind of resource that sends on channel c: a mailbox
// for email, a phone number for voice and SMS, a LinkedIn seat, the mail
// sender for letters. Domains send nothing themselves.
func SenderKind(c channel.Kind) ResourceKind {
	switch c {
	case channel.Email:
		return KindMailbox
	case channel.Voice, channel.SMS:
		return KindPhone
	case channel.LinkedIn:
		return KindLinkedInSeat
	case channel.Mail:
		return KindMailSender
	}
	return ""
}
