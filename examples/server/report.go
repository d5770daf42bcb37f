package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/outbound-go/outbound/pool"
)

// reporter receives the server's errors: every record logged at Error
// (a webhook the engine could not record, an API request that failed, a
// planner or dispatcher error, a leadership lost) is reported too.
type reporter interface {
	Report(ctx context.Context, msg string, attrs map[string]string)
	Flush(timeout time.Duration)
}

// sentryReporter reports to Sentry through sentry-go.
type sentryReporter struct{ hub *sentry.Hub }

// newSentryReporter reports to the project of dsn (SENTRY_DSN).
func newSentryReporter(dsn, environment string) (*sentryReporter, error) {
	c, err := sentry.NewClient(sentry.ClientOptions{Dsn: dsn, Environment: environment, Transport: sentry.NewHTTPSyncTransport()})
	if err != nil {
		return nil, &configError{Setting: "SENTRY_DSN", Value: "(set)", Reason: err.Error()}
	}
	return &sentryReporter{hub: sentry.NewHub(c, sentry.NewScope())}, nil
}

// Report implements reporter.
func (r *sentryReporter) Report(_ context.Context, msg string, attrs map[string]string) {
	r.hub.WithScope(func(s *sentry.Scope) {
		s.SetTags(attrs)
		s.SetLevel(sentry.LevelError)
		r.hub.CaptureMessage(msg)
	})
}

// Flush implements reporter.
func (r *sentryReporter) Flush(timeout time.Duration) { r.hub.Flush(timeout) }

// reportingHandler is a slog.Handler that hands the records at Error and
// above to a reporter as well as to the handler it wraps.
type reportingHandler struct {
	slog.Handler
	r     reporter
	attrs []slog.Attr
}

// Handle implements slog.Handler.
func (h *reportingHandler) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level >= slog.LevelError {
		tags := map[string]string{}
		for _, a := range h.attrs {
			tags[a.Key] = a.Value.String()
		}
		rec.Attrs(func(a slog.Attr) bool {
			tags[a.Key] = a.Value.String()
			return true
		})
		h.r.Report(ctx, rec.Message, tags)
	}
	return h.Handler.Handle(ctx, rec)
}

// WithAttrs implements slog.Handler.
func (h *reportingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &reportingHandler{Handler: h.Handler.WithAttrs(attrs), r: h.r, attrs: append(append([]slog.Attr{}, h.attrs...), attrs...)}
}

// WithGroup implements slog.Handler.
func (h *reportingHandler) WithGroup(name string) slog.Handler {
	return &reportingHandler{Handler: h.Handler.WithGroup(name), r: h.r, attrs: h.attrs}
}

// webhookAlerter posts each pool alert to a Slack-style incoming webhook
// ({"text": …}), after handing it to the next alerter. A webhook that
// fails is logged; the alert is not retried.
type webhookAlerter struct {
	next   pool.Alerter
	url    string
	client *http.Client
	log    *slog.Logger
}

// Alert implements pool.Alerter.
func (w *webhookAlerter) Alert(ctx context.Context, a pool.Alert) error {
	err := w.next.Alert(ctx, a)
	text := fmt.Sprintf("outbound: %s: %s", a.Kind, a.Message)
	body, _ := json.Marshal(map[string]string{"text": text})
	req, rerr := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if rerr != nil {
		w.log.WarnContext(ctx, "alert not posted", "err", rerr)
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, rerr := w.client.Do(req)
	if rerr != nil {
		w.log.WarnContext(ctx, "alert not posted", "err", rerr)
		return err
	}
	_ = res.Body.Close()
	if res.StatusCode/100 != 2 {
		w.log.WarnContext(ctx, "alert not posted", "status", res.StatusCode)
	}
	return err
}
