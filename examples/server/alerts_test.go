package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/timing"
)

// relayEnv are the settings of a server whose SMTP relay is srv and whose
// alerts are emailed to two addresses.
func relayEnv(srv *smtptest.Server) map[string]string {
	return map[string]string{
		"OUTBOUND_SMTP_HOST": srv.Host, "OUTBOUND_SMTP_PORT": strconv.Itoa(srv.Port), "OUTBOUND_SMTP_TLS": "none",
		"OUTBOUND_ALERT_EMAIL_TO":   "ops@agency.example, On call <oncall@agency.example>",
		"OUTBOUND_ALERT_EMAIL_FROM": "alerts@agency.example",
	}
}

// readMail parses a message the relay accepted, its body decoded.
func readMail(t *testing.T, m smtptest.Message) (*mail.Message, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	require.NoError(t, err)
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	b, err := io.ReadAll(body)
	require.NoError(t, err)
	return msg, string(b)
}

// A domain paused through the API raises an alert, which reaches each
// address of OUTBOUND_ALERT_EMAIL_TO through the SMTP relay, from
// OUTBOUND_ALERT_EMAIL_FROM, its subject naming the kind and the domain;
// it is still kept for GET /api/v1/alerts.
func TestAlertsEmailed(t *testing.T) {
	t.Parallel()
	relay := smtptest.Start(t)
	e := relayEnv(relay)
	e["OUTBOUND_ADMIN_TOKEN"] = adminTok
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, env(e), io.Discard)
	require.NoError(t, err)
	s := start(t, cfg)
	admin := client{t, s.url, adminTok}

	code, body := admin.postJSON("/api/v1/resources", []map[string]any{
		{"kind": "domain", "provider": "own", "provider_ref": "dom-1", "address": "agency-mail.example", "purchased_at": time.Now().AddDate(0, -3, 0)},
	})
	require.Equal(t, http.StatusCreated, code, body)
	dom := items(body)[0].(map[string]any)["id"].(string)
	require.Empty(t, relay.Messages(), "registering raises no alert")
	code, body = admin.postJSON("/api/v1/resources/"+dom+"/pause", map[string]any{"reason": "spam trap hit"})
	require.Equal(t, http.StatusOK, code, body)

	got := relay.Messages()
	require.Len(t, got, 2, "one email to each address")
	for i, want := range []string{"ops@agency.example", "oncall@agency.example"} {
		require.Equal(t, "alerts@agency.example", got[i].From)
		require.Equal(t, []string{want}, got[i].To)
		msg, text := readMail(t, got[i])
		from, err := msg.Header.AddressList("From")
		require.NoError(t, err)
		require.Equal(t, "alerts@agency.example", from[0].Address)
		to, err := msg.Header.AddressList("To")
		require.NoError(t, err)
		require.Equal(t, want, to[0].Address)
		require.Equal(t, "outbound alert: domain_paused (domain "+dom+")", msg.Header.Get("Subject"))
		require.True(t, strings.HasPrefix(msg.Header.Get("Content-Type"), "text/plain"), msg.Header.Get("Content-Type"))
		require.Contains(t, text, "agency-mail.example")
		require.Contains(t, text, "paused: spam trap hit")
		require.Contains(t, text, "Raised at ")
	}
	to, err := mail.ParseAddress(readHeader(t, got[1], "To"))
	require.NoError(t, err)
	require.Equal(t, "On call", to.Name, "the display name is kept")

	code, body = admin.get("/api/v1/alerts")
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, items(body), 1, "the alert is kept as well as emailed")
}

func readHeader(t *testing.T, m smtptest.Message, name string) string {
	t.Helper()
	msg, _ := readMail(t, m)
	return msg.Header.Get(name)
}

// An email the relay refuses, or a relay that does not answer, is logged;
// the next alerter has the alert all the same, and the alerter answers
// within its bound. An alert whose context has ended is emailed still.
func TestAlertEmailFailures(t *testing.T) {
	t.Parallel()
	relay := smtptest.Start(t)
	cfg, err := loadConfig(nil, env(relayEnv(relay)), io.Discard)
	require.NoError(t, err)
	var logged bytes.Buffer
	var passed []pool.Alert
	next := alertFunc(func(_ context.Context, a pool.Alert) error { passed = append(passed, a); return nil })
	e, err := newEmailAlerter(next, cfg.AlertEmail, cfg.Sending, timing.RealClock(), slog.New(slog.NewTextHandler(&logged, nil)))
	require.NoError(t, err)
	a := pool.Alert{Kind: pool.AlertNoReplacement, ResourceKind: outbound.KindDomain, Message: "no domain to replace dom-1 with", At: time.Now()}

	relay.Fail(smtptest.StageMail, 451, "4.3.0", "try later")
	require.NoError(t, e.Alert(context.Background(), a), "an email that fails does not fail the alert")
	require.Len(t, passed, 1)
	require.Equal(t, 2, strings.Count(logged.String(), `msg="alert not emailed"`), logged.String())
	require.Contains(t, logged.String(), "to=oncall@agency.example")

	relay.Clear()
	relay.Hang(smtptest.StageMail)
	e.timeout = 300 * time.Millisecond
	begun := time.Now()
	require.NoError(t, e.Alert(context.Background(), a))
	require.Less(t, time.Since(begun), 5*time.Second, "a relay that hangs holds the pool no longer than the bound")
	require.Len(t, passed, 2)
	require.Equal(t, 4, strings.Count(logged.String(), `msg="alert not emailed"`), logged.String())

	relay.Clear()
	e.timeout = alertEmailTimeout
	require.Empty(t, relay.Messages())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, e.Alert(ctx, a))
	got := relay.Messages()
	require.Len(t, got, 2, "the request that raised it hanging up does not lose the email")
	require.Equal(t, "outbound alert: no_replacement (domain)", readHeader(t, got[0], "Subject"))
	require.Len(t, passed, 3)
}

// Alert email settings that cannot work are refused at start, naming the
// setting and its value.
func TestAlertEmailSettings(t *testing.T) {
	t.Parallel()
	relay := map[string]string{"OUTBOUND_SMTP_HOST": "smtp.example.com"}
	with := func(kv ...string) map[string]string {
		m := maps.Clone(relay)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tt := range []struct {
		name           string
		env            map[string]string
		setting, value string
	}{
		{"no relay", map[string]string{"OUTBOUND_ALERT_EMAIL_TO": "ops@agency.example", "OUTBOUND_ALERT_EMAIL_FROM": "alerts@agency.example"},
			"OUTBOUND_SMTP_HOST", ""},
		{"no sender", with("OUTBOUND_ALERT_EMAIL_TO", "ops@agency.example"), "OUTBOUND_ALERT_EMAIL_FROM", ""},
		{"no recipient", with("OUTBOUND_ALERT_EMAIL_FROM", "alerts@agency.example"), "OUTBOUND_ALERT_EMAIL_TO", ""},
		{"a recipient that is not an address", with("OUTBOUND_ALERT_EMAIL_TO", "ops@agency.example, oncall", "OUTBOUND_ALERT_EMAIL_FROM", "alerts@agency.example"),
			"OUTBOUND_ALERT_EMAIL_TO", "oncall"},
		{"recipients separated by semicolons", with("OUTBOUND_ALERT_EMAIL_TO", "ops@agency.example; oncall@agency.example", "OUTBOUND_ALERT_EMAIL_FROM", "alerts@agency.example"),
			"OUTBOUND_ALERT_EMAIL_TO", "ops@agency.example; oncall@agency.example"},
		{"an empty recipient", with("OUTBOUND_ALERT_EMAIL_TO", "ops@agency.example,", "OUTBOUND_ALERT_EMAIL_FROM", "alerts@agency.example"),
			"OUTBOUND_ALERT_EMAIL_TO", ""},
		{"a sender that is not an address", with("OUTBOUND_ALERT_EMAIL_TO", "ops@agency.example", "OUTBOUND_ALERT_EMAIL_FROM", "alerts at agency.example"),
			"OUTBOUND_ALERT_EMAIL_FROM", "alerts at agency.example"},
		{"a sender with a display name", with("OUTBOUND_ALERT_EMAIL_TO", "ops@agency.example", "OUTBOUND_ALERT_EMAIL_FROM", "Alerts <alerts@agency.example>"),
			"OUTBOUND_ALERT_EMAIL_FROM", "Alerts <alerts@agency.example>"},
	} {
		_, err := loadConfig(nil, env(tt.env), io.Discard)
		require.ErrorIs(t, err, errUsage, tt.name)
		var ce *configError
		require.ErrorAs(t, err, &ce, tt.name)
		require.Equal(t, tt.setting, ce.Setting, tt.name)
		require.Equal(t, tt.value, ce.Value, tt.name)
		require.ErrorContains(t, err, fmt.Sprintf("%s %q", tt.setting, tt.value), tt.name)
		require.Equal(t, 2, run(context.Background(), nil, env(tt.env), io.Discard, io.Discard, nil), tt.name)
	}

	c, err := loadConfig(nil, env(with("OUTBOUND_ALERT_EMAIL_TO", " ops@agency.example ,<oncall@agency.example>", "OUTBOUND_ALERT_EMAIL_FROM", "<alerts@agency.example>")), io.Discard)
	require.NoError(t, err)
	require.Equal(t, "alerts@agency.example", c.AlertEmail.From)
	require.Len(t, c.AlertEmail.To, 2)
	require.Equal(t, "ops@agency.example", c.AlertEmail.To[0].Email)
	require.Equal(t, "oncall@agency.example", c.AlertEmail.To[1].Email)
	c, err = loadConfig(nil, env(relay), io.Discard)
	require.NoError(t, err)
	require.False(t, c.AlertEmail.enabled(), "no alert email by default")
}
