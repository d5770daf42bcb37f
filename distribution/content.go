package distribution

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
)

// MaxConnectionNote is the most characters DefaultContent puts in a LinkedIn
// connection-request note (LinkedIn's limit).
const MaxConnectionNote = 300

// DefaultContent renders a plain message per channel:
//
//   - email: a subject, a short text naming the lead and its company, an
//     unsubscribe line and a List-Unsubscribe header (mailto: the sending
//     mailbox, subject "unsubscribe");
//   - SMS: one short text ending "Reply STOP to opt out";
//   - voice: the call script;
//   - LinkedIn: a connection note of at most 300 characters, or a message
//     after the connection was accepted;
//   - mail: a letter.
//
// A host with real copy passes its own ContentFunc.
func DefaultContent(_ context.Context, in ContentInput, m *channel.Message) error {
	first, company := "there", "your team"
	if in.Lead != nil {
		if f := oneLine(in.Lead.FirstName); f != "" {
			first = f
		}
		if c := oneLine(in.Lead.Company); c != "" {
			company = c
		}
	}
	step := 0
	if in.Touch != nil {
		step = in.Touch.Step
	}
	switch m.Kind {
	case channel.Email:
		if step > 1 {
			m.Subject = "Re: a quick idea for " + company
		} else {
			m.Subject = "A quick idea for " + company
		}
		m.Body = fmt.Sprintf("Hi %s,\n\nI help teams like %s reach the right people without adding headcount. "+
			"Would a 15-minute call next week be useful?\n\nBest regards", first, company)
		unsubscribable(m)
	case channel.SMS:
		m.Body = optOutable(fmt.Sprintf("Hi %s, following up on my note about %s. Worth a quick chat?", first, company))
	case channel.Voice:
		m.Body = fmt.Sprintf("Introduce yourself to %s; ask whether %s would like a 15-minute call next week. "+
			"If they ask not to be called, say so will be done and record the opt-out.", first, company)
	case channel.LinkedIn:
		if m.ResolvedAction() == channel.ActionLinkedInMessage {
			m.Body = fmt.Sprintf("Thanks for connecting, %s! I work with teams like %s on outbound. Would a short call be useful?", first, company)
		} else {
			m.Body = truncate(fmt.Sprintf("Hi %s, I work with teams like %s on outbound and would be glad to connect.", first, company), MaxConnectionNote)
		}
	case channel.Mail:
		if m.ResolvedAction() == channel.ActionPostcard {
			m.Body = fmt.Sprintf("Hi %s, we help teams like %s reach the right people. Worth a short call? "+
				"Write back or call the number on the front. To stop our mail, write \"unsubscribe\" to the return address.", first, company)
			break
		}
		m.Body = fmt.Sprintf("Dear %s,\n\nI help teams like %s reach the right people. If a short call would be useful, "+
			"write back or call the number on this letter.\n\nTo stop receiving letters from us, write \"unsubscribe\" to the address above.\n", first, company)
	default:
		return fmt.Errorf("distribution: no default content for channel %q", m.Kind)
	}
	return nil
}

// unsubscribeLine ends every email the engine writes.
const unsubscribeLine = "If you would rather not hear from us, reply \"unsubscribe\" and we will not write again."

// unsubscribable ends an email's body with the unsubscribe line and sets
// its List-Unsubscribe header (mailto: the sending mailbox), as the law and
// channel.Validate require of commercial email.
func unsubscribable(m *channel.Message) {
	m.Body = strings.TrimRight(m.Body, "\n") + "\n\n" + unsubscribeLine + "\n"
	if m.Headers == nil {
		m.Headers = map[string]string{}
	}
	m.Headers["List-Unsubscribe"] = "<mailto:" + m.From.Address + "?subject=unsubscribe>"
}

// optOutable ends a text with the opt-out instruction, unless it says it.
func optOutable(body string) string {
	if strings.Contains(strings.ToUpper(body), "STOP") {
		return body
	}
	return strings.TrimSpace(body) + " Reply STOP to opt out"
}

// answerContent is an answer's message: its own text, with the
// unsubscribe line and header of an email and the opt-out of a text.
func answerContent(t *outbound.Touch, m *channel.Message) {
	m.Subject, m.Body = t.Subject, t.Body
	switch m.Kind {
	case channel.Email:
		unsubscribable(m)
	case channel.SMS:
		m.Body = optOutable(m.Body)
	}
}

// oneLine trims s and replaces its line breaks with spaces, so a name from
// an import file cannot break a header.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
