package smtp_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

func Example() {
	srv, err := smtptest.Listen() // an SMTP server on 127.0.0.1 that records what it gets
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	ch, err := smtp.New(smtp.Config{
		Host:  srv.Host,
		Port:  srv.Port,
		TLS:   smtp.TLSNone, // a local test server; use the default in production
		Clock: timingtest.NewClock(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)),
	})
	if err != nil {
		panic(err)
	}
	m := channel.NewMessage("touch-42", channel.ActionEmail)
	m.From = channel.Sender{ID: "mailbox-1", Address: "ana@sender.example.com"}
	m.To = channel.Recipient{Name: "Bo Lind", Email: "bo@buyer.example.org"}
	m.Subject = "Quick question"
	m.Body = "Hi Bo, ... Unsubscribe: https://u.example.com/u/42"
	m.Headers = map[string]string{"List-Unsubscribe": "<https://u.example.com/u/42>"}

	rc, err := ch.Send(context.Background(), m)
	if err != nil {
		panic(err)
	}
	fmt.Println(rc.Provider, rc.Status, rc.ProviderMessageID)
	fmt.Println(channel.Describe(ch).Delivery)

	// The recipient replies; the host's IMAP poller hands the raw message over.
	reply := "From: Bo Lind <bo@buyer.example.org>\r\n" +
		"To: ana@sender.example.com\r\n" +
		"Date: Tue, 3 Mar 2026 10:00:00 +0100\r\n" +
		"Message-ID: <reply-1@buyer.example.org>\r\n" +
		"In-Reply-To: " + rc.ProviderMessageID + "\r\n" +
		"Subject: Re: Quick question\r\n\r\n" +
		"Happy to talk on Thursday.\r\n"
	events, err := smtp.ParseInbound(strings.NewReader(reply), ch.InboundOptions())
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println(ev.Type, ev.From, ev.ProviderMessageID == rc.ProviderMessageID)
	}
	// Output:
	// smtp accepted <ob-a2fc7d30d02a6b8b0d57d7587843ee0bc763b9c1@sender.example.com>
	// at_most_once
	// replied bo@buyer.example.org true
}
