package main

import (
	"bytes"
	"context"
	"net/http"
	"net/mail"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

// TestHTTPProvidersSameTotals: the run through the real adapters and
// their providers' fakes on 127.0.0.1, outcomes back as webhooks, prints
// what the run on the in-memory fakes prints, day by day.
func TestHTTPProvidersSameTotals(t *testing.T) {
	t.Parallel()
	args := []string{"-clients", "2", "-leads", "200", "-days", "10", "-seed", "1"}
	code, memOut, memErr := runCmd(t, args...)
	require.Equal(t, 0, code, memErr)
	code, httpOut, httpErr := runCmd(t, append(args, "-providers", "http")...)
	require.Equal(t, 0, code, httpErr)
	require.Equal(t, summaryLines(memOut), summaryLines(httpOut))
	require.Equal(t, dayLines(memErr), dayLines(httpErr))
	require.Contains(t, httpErr, "providers http: webhooks taken:")
}

// TestTamperedWebhookRefused: a webhook without the route's secret is
// refused with 401 and changes nothing.
func TestTamperedWebhookRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o := small(1, 2)
	o.Providers = providersHTTP
	var progress bytes.Buffer
	sim, err := simulate(ctx, o, &progress)
	require.NoError(t, err, progress.String())
	t.Cleanup(sim.close)
	before, err := sim.summary(ctx)
	require.NoError(t, err)

	// A reply to a message the run sent, from its recipient.
	msgs := sim.http.smtpSrv.Messages()
	require.NotEmpty(t, msgs)
	sent, err := mail.ReadMessage(bytes.NewReader(msgs[len(msgs)-1].Data))
	require.NoError(t, err)
	e := channel.Event{Provider: "smtp", ProviderEventID: "forged", Type: channel.EventReplied, Kind: channel.Email,
		ProviderMessageID: sent.Header.Get("Message-Id"), From: msgs[len(msgs)-1].To[0], To: msgs[len(msgs)-1].From,
		At: sim.clock.Now(), Body: "forged"}
	raw, ok := inboundMail(e)
	require.True(t, ok)
	post := func(token string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, sim.http.url+routeEmail, bytes.NewReader(raw))
		require.NoError(t, err)
		if token != "" {
			req.Header.Set(inboundTokenHeader, token)
		}
		res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusUnauthorized, post(""))
	require.Equal(t, http.StatusUnauthorized, post("not-the-token"))
	after, err := sim.summary(ctx)
	require.NoError(t, err)
	require.Equal(t, before, after, "a refused webhook changes nothing")

	// The same body with the route's token is taken, and counts.
	require.Equal(t, http.StatusOK, post(sim.http.token))
	taken, err := sim.summary(ctx)
	require.NoError(t, err)
	require.Equal(t, before.Events["replied"]+1, taken.Events["replied"])
}
