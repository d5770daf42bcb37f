package salesforge_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/adapters/salesforge/salesforgetest"
	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

const (
	from   = salesforgetest.DefaultFrom
	secret = "0123456789abcdef0123456789abcdef"
)

// mailboxServer drives the Salesforge mailbox's SMTP server (a test
// server) for the conformance suite. SMTP answers no rate limit with a
// delay and no opt-out.
type mailboxServer struct{ srv *smtptest.Server }

func (m mailboxServer) Fail(f adaptertest.Failure, _ time.Duration) {
	switch f {
	case adaptertest.FailRejected:
		m.srv.Fail(smtptest.StageRcpt, 550, "5.1.1", "mailbox unavailable")
	case adaptertest.FailUnavailable:
		m.srv.Fail(smtptest.StageMail, 421, "4.7.0", "mailbox over its sending limit")
	case adaptertest.FailHang:
		m.srv.Hang(smtptest.StageMail)
	}
}

func (m mailboxServer) Supports(f adaptertest.Failure) bool {
	return !slices.Contains([]adaptertest.Failure{adaptertest.FailRateLimited, adaptertest.FailOptedOut}, f)
}

func (m mailboxServer) Delivered(key string) int {
	return len(slices.DeleteFunc(m.srv.Messages(), func(msg smtptest.Message) bool {
		return !slices.Contains(msg.To, to(key))
	}))
}

func to(key string) string { return "lead-" + key + "@buyer.example.org" }

func email(key string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionEmail)
	m.From = channel.Sender{ID: "mbox-res", Address: from}
	m.To = channel.Recipient{Name: "Bo Lind", Email: to(key)}
	m.Subject = "A question about your fleet"
	m.Body = "Hi Bo,\n\nOne question.\n\nUnsubscribe: https://u.example.com/u/1"
	m.Headers = map[string]string{"List-Unsubscribe": "<https://u.example.com/u/1>"}
	return m
}

// newChannel is a channel whose one mailbox sends through srv.
func newChannel(t testing.TB, srv *smtptest.Server) *salesforge.Channel {
	t.Helper()
	ch, err := salesforge.New(salesforge.Config{
		Mailboxes: salesforge.MailboxMap(map[string]smtp.Config{
			from: {Host: srv.Host, Port: srv.Port, TLS: smtp.TLSNone, HELO: "test.local", Timeout: 2 * time.Second},
		}),
		Clock: timingtest.NewClock(start),
	})
	require.NoError(t, err)
	return ch
}

func newHandler(t *testing.T, sink webhook.Sink) http.Handler {
	t.Helper()
	v, err := salesforge.NewVerifier("", secret)
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Name: salesforge.Name, Verifier: v, Decoder: salesforge.Decoder{}, Sink: sink})
	require.NoError(t, err)
	return h
}

func TestConformance(t *testing.T) {
	adaptertest.RunChannel(t, adaptertest.ChannelHarness{
		New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
			srv := smtptest.Start(t)
			return newChannel(t, srv), mailboxServer{srv}
		},
		Message: email,
	})

	body, err := salesforgetest.Body(salesforgetest.Outcome{Type: salesforge.TypeEmailReplied, At: start,
		Workspace: salesforgetest.DefaultWorkspace, EmailID: "abc@mail.sender.example.com", From: from, To: to("1"),
		Subject: "Hello", Text: "Yes, let's talk."}, "wh_1")
	require.NoError(t, err)
	endpoint, err := salesforge.WebhookURL("https://hooks.example.com/salesforge", "", secret)
	require.NoError(t, err)
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler:   newHandler,
		Body:      body,
		Malformed: []byte(`{"webhookInfo":{"type":"email_replied"`),
		Sign: func(t *testing.T, body []byte, _ time.Time) *http.Request {
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, endpoint, bytes.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			return req
		},
		Unsign: func(r *http.Request) { r.URL.RawQuery = "" },
		Tamper: func(r *http.Request) { r.URL.RawQuery = url.Values{"token": {secret[:len(secret)-1] + "X"}}.Encode() },
		Now:    start,
		// A token carries no time: nothing goes stale.
		StaleAfter: 0,
	})
}
