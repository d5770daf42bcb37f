package smtp_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var parseNow = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

func opts() smtp.InboundOptions {
	return smtp.InboundOptions{Clock: timingtest.NewClock(parseNow)}
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func parse(t *testing.T, raw []byte) []channel.Event {
	t.Helper()
	evs, err := smtp.ParseInbound(bytes.NewReader(raw), opts())
	require.NoError(t, err)
	return evs
}

func TestParseInboundSamples(t *testing.T) {
	for _, tc := range []struct {
		file     string
		typ      channel.EventType
		key      string // the touch whose Message-ID the event must carry
		from     string
		to       string
		at       time.Time
		detail   string // prefix
		returnAt time.Time
		body     string // substring
	}{
		{
			file: "postfix-dsn.eml", typ: channel.EventBounced, key: "touch-postfix",
			from: "bo@buyer.example.org", to: "ana@sender.example.com",
			at:     time.Date(2026, 3, 2, 9, 31, 7, 0, time.UTC),
			detail: "hard 5.1.1: smtp; 550 5.1.1 <bo@buyer.example.org>: Recipient address rejected: User unknown",
		},
		{
			file: "office365-ndr.eml", typ: channel.EventBounced, key: "touch-o365",
			from: "carla.ruiz@buyer.example.org", to: "ana@sender.example.com",
			at:     time.Date(2026, 3, 3, 8, 14, 51, 0, time.UTC),
			detail: "hard 5.1.10: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound",
		},
		{
			file: "gmail-bounce.eml", typ: channel.EventBounced, key: "touch-gmail",
			from: "dev.null@gmail.example", to: "ana@sender.example.com",
			at:     time.Date(2026, 3, 4, 14, 2, 17, 0, time.UTC),
			detail: "hard 5.1.1: 550 5.1.1 The email account that you tried to reach does not exist.",
		},
		{
			file: "yahoo-arf.eml", typ: channel.EventComplained, key: "touch-yahoo",
			from: "dee@yahoo.example", to: "fbl@sender.example.com",
			at:     time.Date(2026, 3, 5, 17, 44, 59, 0, time.UTC),
			detail: "feedback-type abuse from Yahoo!-Mail-Feedback/2.0",
		},
		{
			file: "outlook-automatic-reply.eml", typ: channel.EventOutOfOffice, key: "touch-outlook",
			from: "erik.nyberg@buyer.example.org", to: "ana@sender.example.com",
			at:       time.Date(2026, 3, 9, 8, 2, 31, 0, time.UTC),
			returnAt: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
			body:     "Med vänliga hälsningar",
		},
		{
			file: "gmail-vacation.eml", typ: channel.EventOutOfOffice, key: "touch-vacation",
			from: "franziska.weber@gmail.example", to: "ana@sender.example.com",
			at:       time.Date(2026, 3, 10, 8, 12, 44, 0, time.UTC),
			returnAt: time.Date(2026, 3, 16, 0, 0, 0, 0, time.FixedZone("", 3600)),
			body:     "nicht im Büro",
		},
		{
			file: "plain-reply.eml", typ: channel.EventReplied, key: "touch-reply-2",
			from: "bo@buyer.example.org", to: "ana@sender.example.com",
			at:   time.Date(2026, 3, 11, 15, 20, 5, 0, time.UTC),
			body: "Could you call me on Thursday?",
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw := sample(t, tc.file)
			evs := parse(t, raw)
			require.Len(t, evs, 1)
			ev := evs[0]
			require.NoError(t, ev.Validate())
			require.Equal(t, tc.typ, ev.Type)
			require.Equal(t, channel.Email, ev.Kind)
			require.Equal(t, "smtp", ev.Provider)
			require.Equal(t, smtp.MessageID(tc.key, "sender.example.com"), ev.ProviderMessageID)
			require.Equal(t, tc.from, ev.From)
			require.Equal(t, tc.to, ev.To)
			require.True(t, tc.at.Equal(ev.At), "At %v, want %v", ev.At, tc.at)
			require.True(t, strings.HasPrefix(ev.Detail, tc.detail), "Detail %q", ev.Detail)
			if tc.returnAt.IsZero() {
				require.True(t, ev.ReturnAt.IsZero(), "ReturnAt %v", ev.ReturnAt)
			} else {
				require.True(t, tc.returnAt.Equal(ev.ReturnAt), "ReturnAt %v, want %v", ev.ReturnAt, tc.returnAt)
			}
			require.Contains(t, ev.Body, tc.body)

			// The same message gives the same events, whatever its line endings.
			again := parse(t, bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n")))
			require.Len(t, again, 1)
			require.Equal(t, ev.ProviderEventID, again[0].ProviderEventID)
			require.Equal(t, ev.ProviderMessageID, again[0].ProviderMessageID)
			require.Equal(t, ev.Type, again[0].Type)
			require.True(t, ev.ReturnAt.Equal(again[0].ReturnAt))
		})
	}
}

func TestProviderEventIDs(t *testing.T) {
	seen := map[string]string{}
	for _, f := range []string{"postfix-dsn.eml", "office365-ndr.eml", "gmail-bounce.eml", "yahoo-arf.eml", "outlook-automatic-reply.eml", "gmail-vacation.eml", "plain-reply.eml"} {
		ev := parse(t, sample(t, f))[0]
		require.NotContains(t, seen, ev.ProviderEventID, "%s and %s", f, seen[ev.ProviderEventID])
		seen[ev.ProviderEventID] = f
		require.True(t, strings.HasSuffix(ev.ProviderEventID, "/"+string(ev.Type)), ev.ProviderEventID)
	}

	// Without a Message-ID the raw message's hash stands in, so two
	// different messages still differ and one message is stable.
	raw := "From: bo@buyer.example.org\nTo: ana@sender.example.com\nSubject: hello\n\nhi\n"
	a := parse(t, []byte(raw))
	b := parse(t, []byte(raw))
	c := parse(t, []byte(raw+"again\n"))
	require.Equal(t, a[0].ProviderEventID, b[0].ProviderEventID)
	require.NotEqual(t, a[0].ProviderEventID, c[0].ProviderEventID)
	require.Equal(t, channel.EventMessageReceived, a[0].Type)
	require.Equal(t, parseNow, a[0].At, "no Date: the clock's time")
	require.Empty(t, a[0].ProviderMessageID)
}

const dsnTemplate = `From: MAILER-DAEMON@mx1.sender.example.com
To: ana@sender.example.com
Date: Mon, 2 Mar 2026 10:00:00 +0000
Message-ID: <dsn-1@mx1.sender.example.com>
Subject: Delayed Mail (still being retried)
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Delayed.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.sender.example.com

%RCPTS%
--B
Content-Type: text/rfc822-headers

Message-ID: <ob-32f0c9e520b8f0a392848379f4c53f40e964490b@sender.example.com>
From: ana@sender.example.com

--B--
`

func TestDSNActions(t *testing.T) {
	rcpts := `Final-Recipient: rfc822; a@buyer.example.org
Action: delayed
Status: 4.4.7
Diagnostic-Code: smtp; 451 4.4.7 try again later

Final-Recipient: rfc822; b@buyer.example.org
Action: failed
Status: 4.2.2 (mailbox full)

Final-Recipient: rfc822; c@buyer.example.org
Action: failed
Status: 5.2.1

Final-Recipient: rfc822; d@buyer.example.org
Action: delivered
Status: 2.0.0

Final-Recipient: rfc822; e@buyer.example.org
Action: relayed
Status: 2.0.0
`
	evs := parse(t, []byte(strings.Replace(dsnTemplate, "%RCPTS%", rcpts, 1)))
	require.Len(t, evs, 4)
	want := []struct {
		typ    channel.EventType
		from   string
		detail string
	}{
		{channel.EventSoftBounced, "a@buyer.example.org", "soft 4.4.7: smtp; 451 4.4.7 try again later"},
		{channel.EventSoftBounced, "b@buyer.example.org", "soft 4.2.2"},
		{channel.EventBounced, "c@buyer.example.org", "hard 5.2.1"},
		{channel.EventDelivered, "d@buyer.example.org", ""},
	}
	ids := map[string]bool{}
	for i, w := range want {
		require.Equal(t, w.typ, evs[i].Type)
		require.Equal(t, w.from, evs[i].From)
		require.Equal(t, w.detail, evs[i].Detail)
		require.Equal(t, smtp.MessageID("touch-postfix", "sender.example.com"), evs[i].ProviderMessageID)
		ids[evs[i].ProviderEventID] = true
	}
	require.Len(t, ids, 4, "each recipient's event has its own ID")
}

func TestFeedbackTypes(t *testing.T) {
	raw := string(sample(t, "yahoo-arf.eml"))
	notSpam := strings.Replace(raw, "Feedback-Type: abuse", "Feedback-Type: not-spam", 1)
	require.Empty(t, parse(t, []byte(notSpam)))
	fraud := strings.Replace(raw, "Feedback-Type: abuse", "Feedback-Type: fraud", 1)
	evs := parse(t, []byte(fraud))
	require.Len(t, evs, 1)
	require.Equal(t, channel.EventComplained, evs[0].Type)
	require.True(t, strings.HasPrefix(evs[0].Detail, "feedback-type fraud"))
}

func TestRepliesAndOtherMail(t *testing.T) {
	own := smtp.MessageID("touch-reply", "sender.example.com")
	for _, tc := range []struct {
		name    string
		headers string
		typ     channel.EventType
		pmid    string
	}{
		{"in-reply-to ours", "In-Reply-To: " + own + "\n", channel.EventReplied, own},
		{"only references ours", "In-Reply-To: <x@elsewhere.example>\nReferences: " + own + " <x@elsewhere.example>\n", channel.EventReplied, own},
		{"not ours", "In-Reply-To: <x@elsewhere.example>\n", channel.EventMessageReceived, ""},
		{"nothing", "", channel.EventMessageReceived, ""},
		{"auto-submitted", "Auto-Submitted: auto-replied (vacation)\nIn-Reply-To: " + own + "\n", channel.EventOutOfOffice, own},
		{"auto-submitted no", "Auto-Submitted: no\nIn-Reply-To: " + own + "\n", channel.EventReplied, own},
		{"x-autorespond", "X-Autorespond: yes\n", channel.EventOutOfOffice, ""},
		{"precedence", "Precedence: auto_reply\n", channel.EventOutOfOffice, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := "From: Bo <bo@buyer.example.org>\nTo: ana@sender.example.com\nDate: Wed, 11 Mar 2026 16:20:05 +0100\nMessage-ID: <r1@buyer.example.org>\nSubject: Re: hello\n" + tc.headers + "\nThanks.\n"
			evs := parse(t, []byte(raw))
			require.Len(t, evs, 1)
			require.Equal(t, tc.typ, evs[0].Type)
			require.Equal(t, tc.pmid, evs[0].ProviderMessageID)
			require.Equal(t, "bo@buyer.example.org", evs[0].From)
		})
	}

	for _, subj := range []string{"Out of Office: hello", "Automatic reply: hello", "Abwesenheitsnotiz: hello", "=?utf-8?q?R=C3=A9ponse_automatique_:_hello?=", "AutoReply: hello"} {
		raw := "From: bo@buyer.example.org\nTo: ana@sender.example.com\nDate: Wed, 11 Mar 2026 16:20:05 +0100\nSubject: " + subj + "\n\nI am away.\n"
		evs := parse(t, []byte(raw))
		require.Equal(t, channel.EventOutOfOffice, evs[0].Type, subj)
	}
}

func TestReadReceiptGivesNothing(t *testing.T) {
	raw := `From: bo@buyer.example.org
To: ana@sender.example.com
Subject: Read: hello
Content-Type: multipart/report; report-type=disposition-notification; boundary="X"

--X
Content-Type: text/plain

Your message was read.
--X--
`
	require.Empty(t, parse(t, []byte(raw)))
}

func TestParseInboundBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, raw, part string
	}{
		{"empty", "", "message"},
		{"blank", "\r\n\r\n", "message"},
		{"not a header", "this is not a message\nat all", "header"},
		{"multipart without boundary", "From: a@b.example\nContent-Type: multipart/mixed\n\nx\n", "multipart/mixed"},
		{"report without status", "From: a@b.example\nContent-Type: multipart/report; report-type=delivery-status; boundary=Z\n\n--Z\nContent-Type: text/plain\n\nhi\n--Z--\n", "multipart/report"},
		{"report without recipients", strings.Replace(dsnTemplate, "%RCPTS%", "", 1), "message/delivery-status"},
		{"no sender and no reference", "To: ana@sender.example.com\nSubject: hi\n\nhello\n", "event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := smtp.ParseInbound(strings.NewReader(tc.raw), opts())
			require.Error(t, err)
			require.ErrorIs(t, err, smtp.ErrInvalid)
			var pe *smtp.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tc.part, pe.Part, err.Error())
		})
	}

	t.Run("too large", func(t *testing.T) {
		o := opts()
		o.MaxBytes = 100
		_, err := smtp.ParseInbound(bytes.NewReader(sample(t, "plain-reply.eml")), o)
		require.ErrorIs(t, err, smtp.ErrInvalid)
		require.ErrorContains(t, err, "larger than 100 bytes")
	})
}

func TestChannelInboundOptions(t *testing.T) {
	ch, err := smtp.New(smtp.Config{Host: "smtp.example.com", Provider: "smtp/eu", Clock: timingtest.NewClock(parseNow)})
	require.NoError(t, err)
	evs, err := smtp.ParseInbound(bytes.NewReader(sample(t, "plain-reply.eml")), ch.InboundOptions())
	require.NoError(t, err)
	require.Equal(t, "smtp/eu", evs[0].Provider)
}
