package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// inboundMail is the raw mail (RFC 5322) that reaches a sending mailbox
// when the model's email event e happens, as the SMTP adapter's inbound
// route receives it:
//
//   - delivered: an RFC 3464 delivery-status notification with Action
//     delivered (a success DSN, as an MTA sends for NOTIFY=SUCCESS);
//   - bounced: the same with Action failed and the model's 5.1.1;
//   - complained: an RFC 5965 feedback-loop report;
//   - out-of-office: an RFC 3834 automatic reply naming the return date;
//   - replied: a reply whose In-Reply-To is the message's Message-ID.
//
// Reports carry the original's headers, so the adapter finds the
// Message-ID the engine knows the touch by. ok is false for an event no
// mail reports: an unsubscribe reaches the host's List-Unsubscribe
// endpoint, not the mailbox.
func inboundMail(e channel.Event) (raw []byte, ok bool) {
	sum := sha256.Sum256([]byte(e.Provider + "\x00" + e.ProviderEventID))
	id := "<" + hex.EncodeToString(sum[:12]) + "@inbound.sim.example>"
	date := e.At.UTC().Format(time.RFC1123Z)
	orig := e.ProviderMessageID
	// The original's headers, as reports return them.
	returned := fmt.Sprintf("Message-ID: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: (the touch)\r\n", orig, e.From, e.To)
	var b strings.Builder
	header := func(from, to, subject string, extra ...string) {
		fmt.Fprintf(&b, "From: %s\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n", from, to, subject, date, id)
		for _, x := range extra {
			b.WriteString(x + "\r\n")
		}
	}
	const boundary = "sim-report-boundary"
	report := func(kind, text, fields string) {
		fmt.Fprintf(&b, "Content-Type: multipart/report; report-type=%s; boundary=%q\r\n\r\n", kind, boundary)
		fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", boundary, text)
		fmt.Fprintf(&b, "--%s\r\nContent-Type: message/%s\r\n\r\n%s\r\n", boundary, kind, fields)
		fmt.Fprintf(&b, "--%s\r\nContent-Type: text/rfc822-headers\r\n\r\n%s\r\n--%s--\r\n", boundary, returned, boundary)
	}
	switch e.Type {
	case channel.EventDelivered, channel.EventBounced:
		action, status, diag := "delivered", "2.0.0", "smtp; 250 2.0.0 OK"
		subject := "Successful Mail Delivery Report"
		if e.Type == channel.EventBounced {
			action, status, diag = "failed", "5.1.1", "smtp; "+e.Detail
			subject = "Undelivered Mail Returned to Sender"
		}
		// An outbound event: From is our mailbox, To the lead.
		header("Mail Delivery System <MAILER-DAEMON@mx.sim.example>", e.From, subject)
		report("delivery-status", "This is the mail system at host mx.sim.example.",
			fmt.Sprintf("Reporting-MTA: dns; mx.sim.example\r\n\r\nFinal-Recipient: rfc822; %s\r\nAction: %s\r\nStatus: %s\r\nDiagnostic-Code: %s\r\n", e.To, action, status, diag))
	case channel.EventComplained:
		header("<fbl@feedback.sim.example>", e.From, "Complaint about message from "+e.From)
		report("feedback-report", "This is an email abuse report.",
			fmt.Sprintf("Feedback-Type: abuse\r\nUser-Agent: sim-fbl/1.0\r\nVersion: 1\r\nOriginal-Rcpt-To: %s\r\nArrival-Date: %s\r\n", e.To, date))
	case channel.EventOutOfOffice, channel.EventReplied:
		// An inbound event: From is the lead, To our mailbox.
		subject, extra := "Re: (the touch)", []string{}
		if e.Type == channel.EventOutOfOffice {
			subject, extra = "Automatic reply: (the touch)", []string{"Auto-Submitted: auto-replied"}
		}
		header("<"+e.From+">", e.To, subject, append(extra, "In-Reply-To: "+orig, "References: "+orig,
			"Content-Type: text/plain; charset=utf-8")...)
		b.WriteString("\r\n" + e.Body + "\r\n")
	default:
		return nil, false
	}
	return []byte(b.String()), true
}
