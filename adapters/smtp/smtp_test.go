package smtp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var sendTime = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func newChannel(t testing.TB, srv *smtptest.Server, mod func(*smtp.Config)) *smtp.Channel {
	t.Helper()
	cfg := smtp.Config{
		Host:    srv.Host,
		Port:    srv.Port,
		TLS:     smtp.TLSNone,
		HELO:    "sender.example.com",
		Timeout: 5 * time.Second,
		Clock:   timingtest.NewClock(sendTime),
	}
	if mod != nil {
		mod(&cfg)
	}
	ch, err := smtp.New(cfg)
	require.NoError(t, err)
	return ch
}

func message(key string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionEmail)
	m.From = channel.Sender{ID: "res-1", Address: "ana@sender.example.com"}
	m.To = channel.Recipient{Name: "Bo Lind", Email: "bo@buyer.example.org"}
	m.Subject = "Quick question about your fleet"
	m.Body = "Hi Bo,\n\nShort question.\n\nUnsubscribe: https://u.example.com/u/1"
	m.HTML = "<p>Hi Bo,</p><p>Short question.</p><p><a href=\"https://u.example.com/u/1\">Unsubscribe</a></p>"
	m.Headers = map[string]string{
		"List-Unsubscribe": "<https://u.example.com/u/1>, <mailto:unsub@sender.example.com?subject=unsubscribe>",
		"X-Campaign":       "spring",
	}
	return m
}

// parsed reads a recorded message.
func parsed(t *testing.T, rec smtptest.Message) *netmail.Message {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(rec.Data))
	require.NoError(t, err)
	return msg
}

// partsOf reads a multipart body into content type → decoded text.
func partsOf(t *testing.T, msg *netmail.Message) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mt)
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p) // quoted-printable is decoded by NextPart
		require.NoError(t, err)
		ct, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		require.NoError(t, err)
		out[ct] = string(b)
	}
	return out
}

func TestSendWritesHeadersAndParts(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, nil)
	m := message("touch-1")

	rc, err := ch.Send(context.Background(), m)
	require.NoError(t, err)
	require.Equal(t, "smtp", rc.Provider)
	require.Equal(t, channel.StatusAccepted, rc.Status)
	require.Equal(t, sendTime, rc.At)
	require.Equal(t, smtp.MessageID("touch-1", "sender.example.com"), rc.ProviderMessageID)
	require.True(t, smtp.IsOwnMessageID(rc.ProviderMessageID))

	msgs := srv.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "ana@sender.example.com", msgs[0].From)
	require.Equal(t, []string{"bo@buyer.example.org"}, msgs[0].To)
	got := parsed(t, msgs[0])
	h := got.Header
	require.Equal(t, rc.ProviderMessageID, h.Get("Message-Id"))
	require.Equal(t, "<ana@sender.example.com>", h.Get("From"))
	to, err := netmail.ParseAddress(h.Get("To"))
	require.NoError(t, err)
	require.Equal(t, &netmail.Address{Name: "Bo Lind", Address: "bo@buyer.example.org"}, to)
	require.Equal(t, m.Subject, h.Get("Subject"))
	date, err := h.Date()
	require.NoError(t, err)
	require.True(t, date.Equal(sendTime))
	require.Equal(t, "spring", h.Get("X-Campaign"))
	require.Equal(t, m.Headers["List-Unsubscribe"], h.Get("List-Unsubscribe"))
	require.Equal(t, "List-Unsubscribe=One-Click", h.Get("List-Unsubscribe-Post"))
	require.Empty(t, h.Get("In-Reply-To"))
	require.Empty(t, h.Get("References"))
	require.Empty(t, h.Get("User-Agent"))
	require.Empty(t, h.Get("X-Mailer"))

	parts := partsOf(t, got)
	require.Equal(t, map[string]string{"text/plain": m.Body, "text/html": m.HTML}, normaliseNewlines(parts))
}

func normaliseNewlines(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = strings.ReplaceAll(v, "\r\n", "\n")
	}
	return out
}

func TestSendSinglePart(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, nil)
	for _, tc := range []struct {
		name, body, html, ctype string
	}{
		{"text only", "Hello. Unsubscribe: reply stop", "", "text/plain"},
		{"html only", "", "<p>Hello. <a href=\"https://u.example.com\">Unsubscribe</a></p>", "text/html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := message("single-" + tc.ctype)
			m.Body, m.HTML = tc.body, tc.html
			_, err := ch.Send(context.Background(), m)
			require.NoError(t, err)
			msgs := srv.Messages()
			got := parsed(t, msgs[len(msgs)-1])
			mt, _, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
			require.NoError(t, err)
			require.Equal(t, tc.ctype, mt)
		})
	}
}

func TestMessageIDIsStablePerTouch(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, nil)
	a1, err := ch.Send(context.Background(), message("touch-a"))
	require.NoError(t, err)
	a2, err := ch.Send(context.Background(), message("touch-a"))
	require.NoError(t, err)
	b, err := ch.Send(context.Background(), message("touch-b"))
	require.NoError(t, err)
	require.Equal(t, a1.ProviderMessageID, a2.ProviderMessageID)
	require.NotEqual(t, a1.ProviderMessageID, b.ProviderMessageID)
	msgs := srv.Messages()
	require.Equal(t, parsed(t, msgs[0]).Header.Get("Message-Id"), parsed(t, msgs[1]).Header.Get("Message-Id"))

	custom := newChannel(t, srv, func(c *smtp.Config) { c.MessageIDDomain = "mid.example.net"; c.Provider = "smtp/eu" })
	rc, err := custom.Send(context.Background(), message("touch-a"))
	require.NoError(t, err)
	require.Equal(t, "smtp/eu", rc.Provider)
	require.True(t, strings.HasSuffix(rc.ProviderMessageID, "@mid.example.net>"), rc.ProviderMessageID)
}

func TestFollowUpThreads(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, nil)
	first, err := ch.Send(context.Background(), message("step-1"))
	require.NoError(t, err)
	for _, ref := range []string{first.ProviderMessageID, strings.Trim(first.ProviderMessageID, "<>")} {
		m := message("step-4")
		m.ThreadRef = ref
		_, err = ch.Send(context.Background(), m)
		require.NoError(t, err)
		msgs := srv.Messages()
		h := parsed(t, msgs[len(msgs)-1]).Header
		require.Equal(t, first.ProviderMessageID, h.Get("In-Reply-To"))
		require.Equal(t, first.ProviderMessageID, h.Get("References"))
	}
}

func TestOneClickOnlyForHTTPS(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, nil)
	for _, tc := range []struct {
		lu, post string
	}{
		{"<mailto:unsub@sender.example.com>", ""},
		{"<http://u.example.com/u/1>", ""},
		{"<mailto:unsub@sender.example.com>, <HTTPS://u.example.com/u/2>", "List-Unsubscribe=One-Click"},
	} {
		m := message("lu-" + tc.lu)
		m.Headers = map[string]string{"List-Unsubscribe": tc.lu}
		_, err := ch.Send(context.Background(), m)
		require.NoError(t, err)
		msgs := srv.Messages()
		h := parsed(t, msgs[len(msgs)-1]).Header
		require.Equal(t, tc.lu, h.Get("List-Unsubscribe"))
		require.Equal(t, tc.post, h.Get("List-Unsubscribe-Post"), tc.lu)
	}
}

func TestSendRefusesBadMessages(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, nil)
	for name, mod := range map[string]func(*channel.Message){
		"no unsubscribe":   func(m *channel.Message) { delete(m.Headers, "List-Unsubscribe") },
		"own header":       func(m *channel.Message) { m.Headers["message-id"] = "<x@y>" },
		"bad header name":  func(m *channel.Message) { m.Headers["X Bad"] = "v" },
		"bad thread ref":   func(m *channel.Message) { m.ThreadRef = "not a message id" },
		"wrong kind":       func(m *channel.Message) { m.Kind, m.Action = channel.SMS, channel.ActionSMS },
		"no recipient":     func(m *channel.Message) { m.To.Email = "" },
		"no idempotency":   func(m *channel.Message) { m.IdempotencyKey = "" },
		"subject newlines": func(m *channel.Message) { m.Subject = "a\r\nBcc: x@y.z" },
	} {
		t.Run(name, func(t *testing.T) {
			m := message("bad")
			mod(m)
			_, err := ch.Send(context.Background(), m)
			require.Error(t, err)
			require.Equal(t, channel.ClassPermanent, channel.Classify(err))
			require.ErrorIs(t, err, smtp.ErrInvalid)
		})
	}
	require.Empty(t, srv.Messages())
	require.Zero(t, srv.Sessions(), "a refused message opens no connection")
}

func TestErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*smtptest.Server)
		class channel.ErrorClass
		code  string
	}{
		{"550 unknown recipient", func(s *smtptest.Server) {
			s.RejectRecipient("bo@buyer.example.org", 550, "5.1.1", "user unknown")
		}, channel.ClassPermanent, "550"},
		{"551 not local", func(s *smtptest.Server) { s.Fail(smtptest.StageRcpt, 551, "5.1.6", "user not local") }, channel.ClassPermanent, "551"},
		{"553 mailbox name", func(s *smtptest.Server) { s.Fail(smtptest.StageRcpt, 553, "5.1.3", "bad address syntax") }, channel.ClassPermanent, "553"},
		{"554 at data", func(s *smtptest.Server) { s.Fail(smtptest.StageData, 554, "5.7.1", "message rejected as spam") }, channel.ClassPermanent, "554"},
		{"550 at mail", func(s *smtptest.Server) { s.Fail(smtptest.StageMail, 550, "5.7.1", "sender blocked") }, channel.ClassPermanent, "550"},
		{"451 greylisted", func(s *smtptest.Server) { s.Fail(smtptest.StageRcpt, 451, "4.7.1", "greylisted, try later") }, channel.ClassRetryable, "451"},
		{"452 at data", func(s *smtptest.Server) { s.Fail(smtptest.StageData, 452, "4.3.1", "insufficient storage") }, channel.ClassRetryable, "452"},
		{"421 at mail", func(s *smtptest.Server) { s.Fail(smtptest.StageMail, 421, "4.7.0", "too many connections") }, channel.ClassRetryable, "421"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			tc.setup(srv)
			ch := newChannel(t, srv, nil)
			_, err := ch.Send(context.Background(), message("err"))
			require.Error(t, err)
			require.Equal(t, tc.class, channel.Classify(err), err.Error())
			var ce *channel.Error
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tc.code, ce.Code)
			require.Equal(t, "smtp", ce.Provider)
			require.NotErrorIs(t, err, smtp.ErrUncertain)
			require.Empty(t, srv.Messages())
		})
	}
}

func TestConnectionRefusedIsRetryable(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, func(c *smtp.Config) { c.Port = 1 })
	_, err := ch.Send(context.Background(), message("refused"))
	require.Error(t, err)
	require.Equal(t, channel.ClassRetryable, channel.Classify(err))
	require.ErrorIs(t, err, channel.ErrRetryable)
}

func TestMandatoryTLSAgainstPlainServerFails(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, func(c *smtp.Config) { c.TLS = smtp.TLSMandatory })
	_, err := ch.Send(context.Background(), message("tls"))
	require.Error(t, err)
	require.Empty(t, srv.Messages(), "nothing is sent in plain text under a mandatory policy")
}

func TestTimeoutBeforeDataIsRetryable(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Hang(smtptest.StageRcpt)
	ch := newChannel(t, srv, func(c *smtp.Config) { c.Timeout = 300 * time.Millisecond })
	_, err := ch.Send(context.Background(), message("slow"))
	require.Error(t, err)
	require.Equal(t, channel.ClassRetryable, channel.Classify(err))
	require.NotErrorIs(t, err, smtp.ErrUncertain)
}

func TestTimeoutAfterDataIsUncertain(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Hang(smtptest.StageData)
	ch := newChannel(t, srv, func(c *smtp.Config) { c.Timeout = 300 * time.Millisecond })
	_, err := ch.Send(context.Background(), message("slow-data"))
	require.ErrorIs(t, err, smtp.ErrUncertain)
	var ce *channel.Error
	require.False(t, errors.As(err, &ce), "an uncertain failure carries no class: %v", err)
}

func TestContextCancellation(t *testing.T) {
	for _, tc := range []struct {
		stage     smtptest.Stage
		uncertain bool
	}{
		{smtptest.StageMail, false},
		{smtptest.StageRcpt, false},
		{smtptest.StageData, true},
	} {
		t.Run(fmt.Sprint(tc.stage), func(t *testing.T) {
			srv := smtptest.Start(t)
			srv.Hang(tc.stage)
			ch := newChannel(t, srv, func(c *smtp.Config) { c.Timeout = time.Minute })
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := ch.Send(ctx, message("hang"))
			require.Less(t, time.Since(start), 10*time.Second, "Send returns soon after ctx ends")
			require.ErrorIs(t, err, context.DeadlineExceeded)
			require.Equal(t, tc.uncertain, errors.Is(err, smtp.ErrUncertain))
		})
	}

	t.Run("already cancelled", func(t *testing.T) {
		srv := smtptest.Start(t)
		ch := newChannel(t, srv, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := ch.Send(ctx, message("cancelled"))
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, srv.Sessions())
	})
}

func TestConcurrentSends(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RejectRecipient("gone@buyer.example.org", 550, "5.1.1", "no such user")
	ch := newChannel(t, srv, nil)
	const n = 24
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			m := message(fmt.Sprintf("touch-%02d", i))
			if i%6 == 0 {
				m.To.Email = "gone@buyer.example.org"
			}
			rc, err := ch.Send(context.Background(), m)
			ids[i], errs[i] = rc.ProviderMessageID, err
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if i%6 == 0 {
			require.Equal(t, channel.ClassPermanent, channel.Classify(errs[i]))
			continue
		}
		require.NoError(t, errs[i])
		require.Equal(t, smtp.MessageID(fmt.Sprintf("touch-%02d", i), "sender.example.com"), ids[i])
		seen[ids[i]] = true
	}
	msgs := srv.Messages()
	require.Len(t, msgs, n-n/6)
	for _, rec := range msgs {
		require.True(t, seen[parsed(t, rec).Header.Get("Message-Id")])
	}
}

func TestDescribe(t *testing.T) {
	srv := smtptest.Start(t)
	ch := newChannel(t, srv, func(c *smtp.Config) { c.Rate = 2; c.Provider = "smtp/mailbox-1" })
	info := channel.Describe(ch)
	require.Equal(t, channel.AtMostOnce, info.Delivery)
	require.Equal(t, "smtp/mailbox-1", info.Provider)
	require.Equal(t, 1, info.Burst)
	require.Equal(t, channel.Email, ch.Kind())
	_, isReconciler := any(ch).(channel.Reconciler)
	require.False(t, isReconciler)
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]smtp.Config{
		"no host":          {},
		"bad port":         {Host: "h", Port: 70000},
		"negative timeout": {Host: "h", Timeout: -time.Second},
		"password alone":   {Host: "h", Password: "secret"},
		"bad tls":          {Host: "h", TLS: 9},
		"bad domain":       {Host: "h", MessageIDDomain: "a@b"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := smtp.New(cfg)
			require.ErrorIs(t, err, smtp.ErrInvalid)
			require.NotContains(t, err.Error(), "secret")
		})
	}
}
