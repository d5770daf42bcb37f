package smtp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"net/textproto"
	"strings"

	mail "github.com/wneessen/go-mail"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

// messageIDPrefix starts the local part of every Message-ID the channel
// makes, so that inbound mail can tell its own Message-IDs from others.
const messageIDPrefix = "ob-"

// messageIDHexLen is how many hex digits of the touch ID's hash follow the
// prefix: 160 bits.
const messageIDHexLen = 40

// MessageID returns the Message-ID (angle brackets included) the channel
// gives the touch whose ID is key, on domain: "<ob-" + 40 hex digits of
// SHA-256(key) + "@" + domain + ">". The same key always gives the same
// Message-ID, so a touch sent twice is recognisably the same message and
// every reply, bounce or complaint that quotes it finds the touch.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	return "<" + messageIDPrefix + hex.EncodeToString(sum[:])[:messageIDHexLen] + "@" + domain + ">"
}

// IsOwnMessageID reports whether id (with or without angle brackets) has
// the shape of a Message-ID made by MessageID.
func IsOwnMessageID(id string) bool {
	local, _, ok := strings.Cut(strings.Trim(strings.TrimSpace(id), "<>"), "@")
	if !ok || !strings.HasPrefix(local, messageIDPrefix) {
		return false
	}
	h := local[len(messageIDPrefix):]
	if len(h) != messageIDHexLen {
		return false
	}
	for i := 0; i < len(h); i++ {
		if !(h[i] >= '0' && h[i] <= '9' || h[i] >= 'a' && h[i] <= 'f') {
			return false
		}
	}
	return true
}

// ownHeader reports whether canon (a canonical header name) is one Send
// writes itself, which a message's Headers may not name.
func ownHeader(canon string) bool {
	switch canon {
	case "From", "Sender", "To", "Cc", "Bcc", "Subject", "Date", "Message-Id",
		"In-Reply-To", "References", "Mime-Version", "Content-Type", "Content-Transfer-Encoding":
		return true
	}
	return false
}

// build checks m and turns it into a go-mail message with its Message-ID.
func (c *Channel) build(m *channel.Message) (*mail.Msg, string, error) {
	if m == nil {
		return nil, "", invalid.Field("smtp", "Message", "", nil, "is nil")
	}
	if m.Kind != channel.Email {
		return nil, "", invalid.Field("smtp", "Message", "Kind", m.Kind, "must be email")
	}
	if _, err := c.cfg.Rules.Validate(m); err != nil {
		return nil, "", fmt.Errorf("smtp: %w", err)
	}
	domain := c.cfg.MessageIDDomain
	if domain == "" {
		domain = domainOf(m.From.Address)
	}
	if domain == "" {
		return nil, "", invalid.Field("smtp", "Message", "From.Address", m.From.Address, "has no domain for the Message-ID")
	}
	id := MessageID(m.IdempotencyKey, domain)

	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(&netmail.Address{Address: m.From.Address})
	msg.ToMailAddress(&netmail.Address{Name: m.To.Name, Address: m.To.Email})
	msg.Subject(m.Subject)
	msg.SetDateWithValue(c.cfg.Clock.Now())
	msg.SetMessageIDWithValue(strings.Trim(id, "<>"))
	if ref := strings.Trim(strings.TrimSpace(m.ThreadRef), "<>"); ref != "" {
		if strings.ContainsAny(ref, "<> \t\r\n") || !strings.Contains(ref, "@") {
			return nil, "", invalid.Field("smtp", "Message", "ThreadRef", m.ThreadRef, "is not a Message-ID")
		}
		msg.SetGenHeader(mail.HeaderInReplyTo, "<"+ref+">")
		msg.SetGenHeader(mail.HeaderReferences, "<"+ref+">")
	}
	for name, value := range m.Headers {
		canon := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
		if ownHeader(canon) {
			return nil, "", invalid.Field("smtp", "Message", "Headers", name, "is a header Send writes itself")
		}
		if !validHeaderName(canon) {
			return nil, "", invalid.Field("smtp", "Message", "Headers", name, "is not a header name")
		}
		msg.SetGenHeader(mail.Header(canon), value)
	}
	if lu := m.Header("List-Unsubscribe"); lu != "" && m.Header("List-Unsubscribe-Post") == "" && hasHTTPSURI(lu) {
		msg.SetGenHeader(mail.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
	}
	switch {
	case m.Body != "" && m.HTML != "":
		msg.SetBodyString(mail.TypeTextPlain, m.Body)
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	case m.HTML != "":
		msg.SetBodyString(mail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(mail.TypeTextPlain, m.Body)
	}
	return msg, id, nil
}

// hasHTTPSURI reports whether a List-Unsubscribe value holds an https URI
// in angle brackets, the one-click form RFC 8058 asks for.
func hasHTTPSURI(v string) bool {
	for {
		open := strings.IndexByte(v, '<')
		if open < 0 {
			return false
		}
		end := strings.IndexByte(v[open:], '>')
		if end < 0 {
			return false
		}
		uri := strings.TrimSpace(v[open+1 : open+end])
		if len(uri) > len("https://") && strings.EqualFold(uri[:len("https://")], "https://") {
			return true
		}
		v = v[open+end+1:]
	}
}

// validHeaderName reports whether name is a header field name: printable
// ASCII but the colon (RFC 5322 3.6.8).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 33 || name[i] > 126 || name[i] == ':' {
			return false
		}
	}
	return true
}
