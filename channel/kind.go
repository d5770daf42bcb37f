package channel

import (
	"fmt"
	"strings"
)

// Kind names one of the five channels a touch can go out on. Its string form
// is what storage, JSON and configuration use.
type Kind string

// The channels, in the order [Kinds] lists them.
const (
	Email    Kind = "email"
	Voice    Kind = "voice"
	LinkedIn Kind = "linkedin"
	SMS      Kind = "sms"
	Mail     Kind = "mail"
)

// Kinds returns every channel, in a fixed order.
func Kinds() []Kind { return []Kind{Email, Voice, LinkedIn, SMS, Mail} }

// NumKinds is how many channels there are: the length of [Kinds].
const NumKinds = 5

// Valid reports whether k is one of the five channels.
func (k Kind) Valid() bool { return k.Index() >= 0 }

// Index is k's position in [Kinds], 0 to NumKinds-1, or -1 for an unknown
// kind: a dense index for arrays keyed by channel.
func (k Kind) Index() int {
	switch k {
	case Email:
		return 0
	case Voice:
		return 1
	case LinkedIn:
		return 2
	case SMS:
		return 3
	case Mail:
		return 4
	}
	return -1
}

// ParseKind parses a channel name, ignoring case and surrounding space.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if !k.Valid() {
		return "", fmt.Errorf("channel: unknown kind %q (want email, voice, linkedin, sms or mail)", s)
	}
	return k, nil
}

// UnmarshalText implements encoding.TextUnmarshaler and rejects unknown kinds.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Set is a set of channels, cheap to copy and compare. The zero value is empty.
type Set uint8

// SetOf returns the set holding the given kinds. Unknown kinds are ignored.
func SetOf(kinds ...Kind) Set {
	var s Set
	for _, k := range kinds {
		s = s.With(k)
	}
	return s
}

// AllKinds is the set of every channel.
const AllKinds Set = 1<<NumKinds - 1

// Has reports whether k is in the set.
func (s Set) Has(k Kind) bool {
	i := k.Index()
	return i >= 0 && s&(1<<i) != 0
}

// With returns the set with k added.
func (s Set) With(k Kind) Set {
	if i := k.Index(); i >= 0 {
		return s | 1<<i
	}
	return s
}

// Without returns the set with k removed.
func (s Set) Without(k Kind) Set {
	if i := k.Index(); i >= 0 {
		return s &^ (1 << i)
	}
	return s
}

// Kinds lists the set's members in the order of [Kinds].
func (s Set) Kinds() []Kind {
	var out []Kind
	for _, k := range Kinds() {
		if s.Has(k) {
			out = append(out, k)
		}
	}
	return out
}

// String renders the set as "email,voice".
func (s Set) String() string {
	ks := s.Kinds()
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}

// Action is what a touch does on its channel. A channel can carry more than
// one action: LinkedIn sends connection requests and messages.
type Action string

// The actions.
const (
	ActionEmail             Action = "email"
	ActionCall              Action = "call"
	ActionSMS               Action = "sms"
	ActionConnectionRequest Action = "connection_request"
	ActionLinkedInMessage   Action = "linkedin_message"
	ActionLetter            Action = "letter"
	// ActionPostcard is a postcard: its back is the message's Body (or
	// HTML), its front the design named by Metadata[MetaPostcardFront] or
	// the adapter's default. Postcards and letters share a mail sender's
	// daily cap.
	ActionPostcard Action = "postcard"
)

// MetaPostcardFront is the message metadata key of a postcard's front:
// HTML, a provider's template ID or an image URL, as the adapter takes it.
const MetaPostcardFront = "postcard_front"

// Kind returns the channel the action goes out on, or "" for an unknown action.
func (a Action) Kind() Kind {
	switch a {
	case ActionEmail:
		return Email
	case ActionCall:
		return Voice
	case ActionSMS:
		return SMS
	case ActionConnectionRequest, ActionLinkedInMessage:
		return LinkedIn
	case ActionLetter, ActionPostcard:
		return Mail
	}
	return ""
}

// DefaultAction is the action a step on channel k takes when it names none:
// email, call, sms, connection request, letter.
func DefaultAction(k Kind) Action {
	switch k {
	case Email:
		return ActionEmail
	case Voice:
		return ActionCall
	case SMS:
		return ActionSMS
	case LinkedIn:
		return ActionConnectionRequest
	case Mail:
		return ActionLetter
	}
	return ""
}
