package adapterkit_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"  ", 0}, {"30", 30 * time.Second}, {" 7 ", 7 * time.Second}, {"-5", 0},
		{"Mon, 02 Mar 2026 09:01:30 GMT", 90 * time.Second},
		{"Mon, 02 Mar 2026 08:59:00 GMT", 0}, // already past
		{"soon", 0},
	} {
		require.Equal(t, c.want, adapterkit.RetryAfter(c.in, now), "%q", c.in)
	}
}

func TestParagraphsHTML(t *testing.T) {
	got := adapterkit.ParagraphsHTML("<html>", "Dear Ana,\r\n\r\nLine one\nline <two> & more\n\n\n")
	require.Equal(t, "<html><body><p>Dear Ana,</p><p>Line one<br>line &lt;two&gt; &amp; more</p></body></html>", got)
}

func TestTruncate(t *testing.T) {
	require.Equal(t, "abc", adapterkit.Truncate("abc", 3))
	require.Equal(t, "ab…", adapterkit.Truncate("abc", 2))
}

func TestDecodeObject(t *testing.T) {
	var v struct{ ID string }
	require.NoError(t, adapterkit.DecodeObject([]byte(` {"ID":"evt_1"} `), &v))
	require.Equal(t, "evt_1", v.ID)
	for _, body := range []string{"", "[]", `{"ID":`} {
		err := adapterkit.DecodeObject([]byte(body), &v)
		require.True(t, errors.Is(err, webhook.ErrPayload), "%q: %v", body, err)
	}
}

func TestRate(t *testing.T) {
	for _, c := range []struct {
		r, wantR         rate.Limit
		burst, wantBurst int
	}{
		{-1, 0, 9, 0},   // no limit
		{0, 25, 0, 25},  // the default
		{0, 25, 40, 40}, // the default rate, a bigger burst kept
		{3, 3, 0, 1},    // a rate without a burst
		{3, 3, 5, 5},
	} {
		r, b := adapterkit.Rate(c.r, c.burst, 25, 25)
		require.Equal(t, c.wantR, r)
		require.Equal(t, c.wantBurst, b)
	}
}

// An exchange hands back any answer, whatever its status; a request that
// got no answer is retryable and wraps ErrUnanswered; a cancelled request
// is the context's error, not a provider's.
func TestExchange(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("short and stout"))
	}))
	log := slog.New(slog.DiscardHandler)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/pot", nil)
	require.NoError(t, err)
	res, raw, err := adapterkit.Exchange(t.Context(), srv.Client(), req, "acme", 5, log)
	require.NoError(t, err)
	require.Equal(t, http.StatusTeapot, res.StatusCode)
	require.Equal(t, "short", string(raw), "read up to the limit")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/pot", nil)
	require.NoError(t, err)
	_, _, err = adapterkit.Exchange(ctx, srv.Client(), req, "acme", 5, log)
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, adapterkit.ErrUnanswered)

	srv.Close()
	req, err = http.NewRequest(http.MethodPost, srv.URL+"/pot", nil)
	require.NoError(t, err)
	_, _, err = adapterkit.Exchange(t.Context(), http.DefaultClient, req, "acme", 5, log)
	require.ErrorIs(t, err, adapterkit.ErrUnanswered)
	require.Equal(t, channel.ClassRetryable, channel.Classify(err))
	require.ErrorContains(t, err, "acme: no answer: POST /pot")
}
