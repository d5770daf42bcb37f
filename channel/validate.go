package channel

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/phone"
)

// ErrInvalid is matched by errors.Is for every [*ValidationError]: the
// module's [invalid.ErrInvalid].
var ErrInvalid = invalid.ErrInvalid

// ValidationError reports a message or event field that breaks a rule: the
// module's invalid.FieldError with Package "channel", Record "Message" or
// "Event", Field the field's path in Go syntax ("To.Email", "Body",
// "Headers[List-Unsubscribe]"), Value the offending value as given ("" when
// the field is missing) and Reason the rule it breaks. It renders
// `channel: Message.To.Email = "bob@": not a bare email address`.
type ValidationError = invalid.FieldError

// fieldErr returns a *ValidationError of package channel.
func fieldErr(record, field string, value any, reason string) error {
	return invalid.Field("channel", record, field, value, reason)
}

// Warning is a message property worth knowing about that breaks no rule, such
// as an SMS that takes more than one billed part.
type Warning struct {
	// Field is the field's path, as in [ValidationError].
	Field string
	// Reason describes the issue.
	Reason string
}

// String renders "Body: takes 2 GSM-7 parts (161 septets)".
func (w Warning) String() string { return w.Field + ": " + w.Reason }

// Warnings is the list [Validate] returns next to a nil error.
type Warnings []Warning

// String joins the warnings with "; ".
func (ws Warnings) String() string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.String()
	}
	return strings.Join(parts, "; ")
}

// Rules are the message validation rules that can be tuned. The zero value
// uses every default.
type Rules struct {
	// MaxConnectionNote is the most characters (Unicode code points, as
	// LinkedIn counts them) a LinkedIn connection-request note may have.
	// Default 300.
	MaxConnectionNote int
	// WarnSMSParts is the number of SMS parts past which [Validate] warns.
	// Default 1: any multipart SMS is warned about.
	WarnSMSParts int
	// UnsubscribePhrases are the texts a commercial email must carry in its
	// text part and in its HTML part (each part that is not empty), matched
	// as case-insensitive substrings. Default ["unsubscribe"], so
	// "Unsubscribe here", "UNSUBSCRIBE" and ".../unsubscribe?u=1" all pass.
	UnsubscribePhrases []string
	// OptOutPhrases are the texts a commercial SMS must carry one of,
	// matched as whole words, ASCII case-insensitively, with any run of
	// characters other than letters and digits counting as one space (so
	// "opt-out" matches "OPT OUT"). Default STOP, STOPALL, UNSUBSCRIBE,
	// OPTOUT and "OPT OUT": "Reply STOP to opt out" and "Opt-out: reply
	// STOP" pass; "nonstop deals" does not. Name a keyword [ParseKeyword]
	// honours in the line, so the reply it asks for works.
	OptOutPhrases []string
}

// WithDefaults returns a copy of r with zero and negative fields and empty
// lists set to their defaults.
func (r Rules) WithDefaults() Rules {
	if r.MaxConnectionNote <= 0 {
		r.MaxConnectionNote = 300
	}
	if r.WarnSMSParts <= 0 {
		r.WarnSMSParts = 1
	}
	if len(r.UnsubscribePhrases) == 0 {
		r.UnsubscribePhrases = []string{"unsubscribe"}
	}
	if len(r.OptOutPhrases) == 0 {
		r.OptOutPhrases = []string{"STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT", "OPT OUT"}
	}
	return r
}

// Validate checks m against the default [Rules]; see [Rules.Validate].
func Validate(m *Message) (Warnings, error) { return Rules{}.Validate(m) }

// Validate checks m and returns the first broken rule as a
// [*ValidationError] (Warnings are then nil), or the warnings of a valid
// message. The rules, in the order they are checked:
//
//   - IdempotencyKey is not blank; Kind is a known channel; Action is empty
//     (meaning DefaultAction(Kind)) or an action on Kind.
//   - From.Address is set: a bare email address for email, an E.164 number
//     for voice and SMS, any non-blank ID for LinkedIn and mail.
//   - The recipient's address for the channel: To.Email a bare address that
//     net/mail parses ("ana@example.com", no display name); To.Phone E.164,
//     "+" then 8 to 15 digits, the first not 0; To.LinkedIn a provider ID
//     without spaces or an http(s) URL on linkedin.com with a path;
//     To.Postal at least one non-blank line and a two-letter country code.
//   - Email: a Subject without line breaks; a Body or HTML; header names and
//     values without line breaks. Commercial email also needs a
//     List-Unsubscribe header holding at least one <mailto:…>, <https:…> or
//     <http:…> URI in angle brackets, and one of the UnsubscribePhrases in
//     every non-empty body part.
//   - SMS: a Body; commercial SMS one of the OptOutPhrases. A body past
//     WarnSMSParts parts (see [Segments]) is a warning, not an error.
//   - LinkedIn: a connection-request note (Body, may be empty) of at most
//     MaxConnectionNote characters; a LinkedIn message with a Body.
//   - Mail: a Body or HTML.
//
// Voice needs no content: Body is the optional call script.
func (r Rules) Validate(m *Message) (Warnings, error) {
	if m == nil {
		return nil, fieldErr("", "Message", nil, "nil message")
	}
	r = r.WithDefaults()
	if strings.TrimSpace(m.IdempotencyKey) == "" {
		return nil, fieldErr("Message", "IdempotencyKey", m.IdempotencyKey, "required (the touch ID)")
	}
	if !m.Kind.Valid() {
		return nil, fieldErr("Message", "Kind", string(m.Kind), "unknown channel")
	}
	if m.Action != "" {
		switch k := m.Action.Kind(); {
		case k == "":
			return nil, fieldErr("Message", "Action", string(m.Action), "unknown action")
		case k != m.Kind:
			return nil, fieldErr("Message", "Action", string(m.Action),
				fmt.Sprintf("is a %s action, not %s", k, m.Kind))
		}
	}
	if err := checkSender(m); err != nil {
		return nil, err
	}
	if err := checkRecipient(m); err != nil {
		return nil, err
	}
	switch m.Kind {
	case Email:
		return nil, r.checkEmail(m)
	case SMS:
		return r.checkSMS(m)
	case LinkedIn:
		return nil, r.checkLinkedIn(m)
	case Mail:
		if blank(m.Body) && blank(m.HTML) {
			return nil, fieldErr("Message", "Body", m.Body, "a letter needs a Body or HTML")
		}
	}
	return nil, nil
}

func checkSender(m *Message) error {
	a := m.From.Address
	switch {
	case blank(a):
		return fieldErr("Message", "From.Address", a, "required (the sending resource's address)")
	case m.Kind == Email && !isEmail(a):
		return fieldErr("Message", "From.Address", a, "not a bare email address")
	case (m.Kind == Voice || m.Kind == SMS) && !phone.IsE164(a):
		return fieldErr("Message", "From.Address", a, "not an E.164 number (+ and 8 to 15 digits)")
	}
	return nil
}

func checkRecipient(m *Message) error {
	to := m.To
	switch m.Kind {
	case Email:
		if blank(to.Email) {
			return fieldErr("Message", "To.Email", to.Email, "required for email")
		}
		if !isEmail(to.Email) {
			return fieldErr("Message", "To.Email", to.Email, "not a bare email address")
		}
	case Voice, SMS:
		if blank(to.Phone) {
			return fieldErr("Message", "To.Phone", to.Phone, "required for "+string(m.Kind))
		}
		if !phone.IsE164(to.Phone) {
			return fieldErr("Message", "To.Phone", to.Phone, "not an E.164 number (+ and 8 to 15 digits)")
		}
	case LinkedIn:
		if blank(to.LinkedIn) {
			return fieldErr("Message", "To.LinkedIn", to.LinkedIn, "required for linkedin")
		}
		if reason := checkLinkedInProfile(to.LinkedIn); reason != "" {
			return fieldErr("Message", "To.LinkedIn", to.LinkedIn, reason)
		}
	case Mail:
		hasLine := false
		for _, l := range to.Postal.Lines {
			hasLine = hasLine || !blank(l)
		}
		if !hasLine {
			return fieldErr("Message", "To.Postal.Lines", strings.Join(to.Postal.Lines, ", "), "at least one address line is required")
		}
		if !isCountryCode(to.Postal.Country) {
			return fieldErr("Message", "To.Postal.Country", to.Postal.Country, "want an ISO 3166-1 alpha-2 code such as AU")
		}
	}
	return nil
}

func (r Rules) checkEmail(m *Message) error {
	if blank(m.Subject) {
		return fieldErr("Message", "Subject", m.Subject, "required for email")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fieldErr("Message", "Subject", m.Subject, "must not contain line breaks")
	}
	if blank(m.Body) && blank(m.HTML) {
		return fieldErr("Message", "Body", m.Body, "an email needs a Body or HTML")
	}
	for k, v := range m.Headers {
		if blank(k) || strings.ContainsAny(k, "\r\n: ") {
			return fieldErr("Message", "Headers", k, "not a valid header name")
		}
		if strings.ContainsAny(v, "\r\n") {
			return fieldErr("Message", "Headers["+k+"]", v, "must not contain line breaks")
		}
	}
	if !m.Commercial {
		return nil
	}
	lu := m.Header("List-Unsubscribe")
	if blank(lu) {
		return fieldErr("Message", "Headers[List-Unsubscribe]", lu, "commercial email needs a List-Unsubscribe header")
	}
	if !hasUnsubscribeURI(lu) {
		return fieldErr("Message", "Headers[List-Unsubscribe]", lu, "want <mailto:…> or <https://…> in angle brackets")
	}
	for _, part := range []struct{ field, text string }{{"Body", m.Body}, {"HTML", m.HTML}} {
		if blank(part.text) {
			continue
		}
		if !containsAnyFold(part.text, r.UnsubscribePhrases) {
			return fieldErr("Message", part.field, part.text,
				"commercial email needs an unsubscribe line (one of "+strings.Join(r.UnsubscribePhrases, ", ")+")")
		}
	}
	return nil
}

func (r Rules) checkSMS(m *Message) (Warnings, error) {
	if blank(m.Body) {
		return nil, fieldErr("Message", "Body", m.Body, "required for sms")
	}
	if m.Commercial && !containsAnyWords(m.Body, r.OptOutPhrases) {
		return nil, fieldErr("Message", "Body", m.Body,
			"commercial sms needs an opt-out line (one of "+strings.Join(r.OptOutPhrases, ", ")+")")
	}
	if seg := Segments(m.Body); seg.Parts > r.WarnSMSParts {
		return Warnings{{Field: "Body", Reason: "takes " + seg.String() + "; each part is billed"}}, nil
	}
	return nil, nil
}

func (r Rules) checkLinkedIn(m *Message) error {
	switch m.ResolvedAction() {
	case ActionConnectionRequest:
		if n := utf8.RuneCountInString(m.Body); n > r.MaxConnectionNote {
			return fieldErr("Message", "Body", m.Body,
				fmt.Sprintf("connection note is %d characters, more than %d", n, r.MaxConnectionNote))
		}
	case ActionLinkedInMessage:
		if blank(m.Body) {
			return fieldErr("Message", "Body", m.Body, "required for a linkedin message")
		}
	}
	return nil
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

func isCountryCode(s string) bool {
	return len(s) == 2 && isASCIILetter(s[0]) && isASCIILetter(s[1])
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// checkLinkedInProfile returns "" for an acceptable profile reference, else
// the reason it is not.
func checkLinkedInProfile(s string) string {
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return "must not contain white space"
	}
	lower := strings.ToLower(s)
	if !strings.Contains(lower, "://") && !strings.Contains(lower, "linkedin.") {
		return "" // a provider ID
	}
	if !strings.Contains(lower, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "not a valid URL"
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "want an http(s) profile URL"
	case host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com"):
		return "not a linkedin.com URL"
	case strings.Trim(u.Path, "/") == "":
		return "the URL names no profile"
	}
	return ""
}

// hasUnsubscribeURI reports whether a List-Unsubscribe value holds at least
// one <mailto:…> or <http(s):…> URI in angle brackets (RFC 2369).
func hasUnsubscribeURI(v string) bool {
	for {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			return false
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			return false
		}
		uri := strings.ToLower(strings.TrimSpace(v[i+1 : i+j]))
		for _, scheme := range []string{"mailto:", "https://", "http://"} {
			if len(uri) > len(scheme) && strings.HasPrefix(uri, scheme) {
				return true
			}
		}
		v = v[i+j+1:]
	}
}

func containsAnyFold(text string, phrases []string) bool {
	lower := strings.ToLower(text)
	for _, p := range phrases {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" && strings.Contains(lower, p) {
			return true
		}
	}
	return false
}

// containsAnyWords reports whether the words of one of phrases appear, in
// order and next to each other, among the words of text (see
// Rules.OptOutPhrases).
func containsAnyWords(text string, phrases []string) bool {
	words := splitWords(text)
	for _, p := range phrases {
		pw := splitWords(p)
		if len(pw) == 0 {
			continue
		}
		for i := 0; i+len(pw) <= len(words); i++ {
			match := true
			for j := range pw {
				if !equalFoldASCII(words[i+j], pw[j]) {
					match = false
					break
				}
			}
			if match {
				return true
			}
		}
	}
	return false
}

func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }
