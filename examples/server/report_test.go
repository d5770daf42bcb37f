package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/pool"
)

// requests records what a fake endpoint was sent.
type requests struct {
	mu     sync.Mutex
	bodies []string
	paths  []string
}

func (rq *requests) server(t *testing.T, status int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rq.mu.Lock()
		rq.bodies, rq.paths = append(rq.bodies, string(b)), append(rq.paths, r.URL.Path)
		rq.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (rq *requests) all() ([]string, []string) {
	rq.mu.Lock()
	defer rq.mu.Unlock()
	return append([]string(nil), rq.paths...), append([]string(nil), rq.bodies...)
}

// Every error logged reaches Sentry (a local fake of its ingest endpoint)
// with its attributes as tags; nothing below Error does.
func TestErrorsReachSentry(t *testing.T) {
	t.Parallel()
	var rq requests
	srv := rq.server(t, http.StatusOK)
	dsn := strings.Replace(srv.URL, "http://", "http://publickey@", 1) + "/42"
	rep, err := newSentryReporter(dsn, "test")
	require.NoError(t, err)
	log := slog.New(&reportingHandler{Handler: slog.NewJSONHandler(io.Discard, nil), r: rep}).With("route", "/webhooks/stripe")
	log.Info("webhook accepted")
	log.Warn("webhook refused", "status", 401)
	log.Error("webhook not recorded", "err", "store down")
	rep.Flush(5 * time.Second)
	paths, bodies := rq.all()
	require.Len(t, paths, 1, "one error, one report")
	require.Equal(t, "/api/42/envelope/", paths[0])
	require.Contains(t, bodies[0], "webhook not recorded")
	require.Contains(t, bodies[0], `"route":"/webhooks/stripe"`)
	require.Contains(t, bodies[0], `"err":"store down"`)

	_, err = newSentryReporter("not a dsn", "")
	require.ErrorIs(t, err, errUsage)
	require.Equal(t, 2, run(context.Background(), nil, env(map[string]string{"SENTRY_DSN": "not a dsn"}), io.Discard, io.Discard, nil))
}

// Every pool alert is posted to the Slack-style webhook; one it refuses is
// logged and the alert still goes to the log.
func TestAlertsPostedToAWebhook(t *testing.T) {
	t.Parallel()
	var rq requests
	ok := rq.server(t, http.StatusOK)
	var logged []pool.Alert
	next := alertFunc(func(_ context.Context, a pool.Alert) error { logged = append(logged, a); return nil })
	w := &webhookAlerter{next: next, url: ok.URL, client: http.DefaultClient, log: slog.New(slog.DiscardHandler)}
	a := pool.Alert{Kind: pool.AlertDomainPaused, Message: "stock0001.example.com paused: bounce rate 3.5% over 14 days", At: time.Now()}
	require.NoError(t, w.Alert(context.Background(), a))
	_, bodies := rq.all()
	require.Len(t, bodies, 1)
	var msg map[string]string
	require.NoError(t, json.Unmarshal([]byte(bodies[0]), &msg))
	require.Equal(t, "outbound: domain_paused: stock0001.example.com paused: bounce rate 3.5% over 14 days", msg["text"])

	var down requests
	bad := down.server(t, http.StatusInternalServerError)
	w.url = bad.URL
	require.NoError(t, w.Alert(context.Background(), a), "a webhook that fails does not fail the alert")
	require.Len(t, logged, 2)

	_, err := loadConfig(nil, env(map[string]string{"OUTBOUND_ALERT_WEBHOOK_URL": "hooks.slack.com/x"}), io.Discard)
	require.ErrorContains(t, err, "OUTBOUND_ALERT_WEBHOOK_URL")
}

// alertFunc adapts a function to pool.Alerter.
type alertFunc func(context.Context, pool.Alert) error

func (f alertFunc) Alert(ctx context.Context, a pool.Alert) error { return f(ctx, a) }
