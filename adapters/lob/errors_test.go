package lob_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/channel"
)

func lobError(status int, code, msg string) string {
	return fmt.Sprintf(`{"error":{"message":%q,"status_code":%d,"code":%q}}`, msg, status, code)
}

// TestErrorClassification sends one letter to a server that gives each
// answer and checks the class, the delay and the field the error names.
func TestErrorClassification(t *testing.T) {
	t.Parallel()
	now := start
	cases := []struct {
		name   string
		status int
		header map[string]string
		body   string
		class  channel.ErrorClass
		after  time.Duration
		code   string
		field  string
	}{
		{name: "bad request", status: 400, body: lobError(400, "bad_request", "file is required"), class: channel.ClassPermanent, code: "bad_request"},
		{name: "unauthorized", status: 401, body: lobError(401, "unauthorized", "Your API key is not valid."), class: channel.ClassPermanent, code: "unauthorized"},
		{name: "forbidden", status: 403, body: lobError(403, "billing_address_required", "billing address"), class: channel.ClassPermanent, code: "billing_address_required"},
		{name: "sender not found", status: 404, body: lobError(404, "not_found", "from address not found"), class: channel.ClassPermanent, code: "not_found"},
		{name: "422 missing zip", status: 422, body: lobError(422, "invalid", "to.address_zip is required or to must be a string"),
			class: channel.ClassPermanent, code: "invalid", field: "to.address_zip"},
		{name: "422 missing line1", status: 422, body: lobError(422, "invalid", "to.address_line1 is required or to must be a string"),
			class: channel.ClassPermanent, code: "invalid", field: "to.address_line1"},
		{name: "422 sender zip", status: 422, body: lobError(422, "invalid", "from.address_zip is required or from must be a string"),
			class: channel.ClassPermanent, code: "invalid", field: "from.address_zip"},
		{name: "422 undeliverable", status: 422, body: lobError(422, "failed_deliverability_strictness", "The to address doesn't meet strictness requirements."),
			class: channel.ClassPermanent, code: "failed_deliverability_strictness", field: "to"},
		{name: "422 too long", status: 422, body: lobError(422, "address_length_exceeds_limit", "the sum of to.address_line1 and to.address_line2 cannot surpass 50 characters"),
			class: channel.ClassPermanent, code: "address_length_exceeds_limit", field: "to.address_line1"},
		{name: "422 other", status: 422, body: lobError(422, "invalid_template_html", "the provided HTML is invalid"),
			class: channel.ClassPermanent, code: "invalid_template_html"},
		{name: "422 no body", status: 422, class: channel.ClassPermanent, code: "422"},
		{name: "408", status: 408, body: lobError(408, "request_timeout", "try again"), class: channel.ClassRetryable, code: "request_timeout"},
		{name: "409", status: 409, body: lobError(409, "conflict", "conflict"), class: channel.ClassRetryable, code: "conflict"},
		{name: "429 retry-after seconds", status: 429, header: map[string]string{"Retry-After": "7"},
			body: lobError(429, "rate_limit_exceeded", "Rate limit exceeded."), class: channel.ClassRateLimited, after: 7 * time.Second, code: "rate_limit_exceeded"},
		{name: "429 retry-after date", status: 429, header: map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)},
			class: channel.ClassRateLimited, after: 90 * time.Second, code: "429"},
		{name: "429 rate-limit reset", status: 429, header: map[string]string{"X-Rate-Limit-Reset": strconv.FormatInt(now.Add(4*time.Second).Unix(), 10)},
			class: channel.ClassRateLimited, after: 4 * time.Second, code: "429"},
		{name: "429 no delay", status: 429, class: channel.ClassRateLimited, code: "429"},
		{name: "429 absurd delay", status: 429, header: map[string]string{"Retry-After": "999999"}, class: channel.ClassRateLimited, after: time.Hour, code: "429"},
		{name: "500", status: 500, body: lobError(500, "internal_server_error", "oops"), class: channel.ClassRetryable, code: "internal_server_error"},
		{name: "502 html", status: 502, body: "<html>bad gateway</html>", class: channel.ClassRetryable, code: "502"},
		{name: "503 retry-after", status: 503, header: map[string]string{"Retry-After": "3"}, class: channel.ClassRetryable, after: 3 * time.Second, code: "503"},
		{name: "200 garbled", status: 200, body: "{not json", class: channel.ClassRetryable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			defer srv.Close()
			ch, err := lob.New(lob.Config{APIKey: "test_k", BaseURL: srv.URL, Now: func() time.Time { return now }})
			require.NoError(t, err)
			_, err = ch.Send(context.Background(), letterMessage("touch-err"))
			require.Error(t, err)
			require.Equal(t, c.class, channel.Classify(err), "%v", err)
			var ce *channel.Error
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "lob", ce.Provider)
			require.Equal(t, c.after, ce.RetryAfter)
			if d, ok := channel.RetryAfter(err); c.after > 0 {
				require.True(t, ok)
				require.Equal(t, c.after, d)
			}
			if c.code != "" {
				require.Equal(t, c.code, ce.Code)
			}
			var ae *lob.APIError
			if c.status/100 != 2 {
				require.ErrorAs(t, err, &ae)
				require.Equal(t, c.field, ae.Field)
				require.Equal(t, c.field != "", errors.Is(err, lob.ErrAddress))
				if c.field != "" {
					require.Contains(t, err.Error(), c.field, "the message names the field")
				}
			}
		})
	}
}

// A connection refused is retryable.
func TestTransportFailureIsRetryable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	ch, err := lob.New(lob.Config{APIKey: "test_k", BaseURL: base})
	require.NoError(t, err)
	_, err = ch.Send(context.Background(), letterMessage("touch-down"))
	require.Equal(t, channel.ClassRetryable, channel.Classify(err))
	require.ErrorIs(t, err, channel.ErrRetryable)
}

// The key travels in the Authorization header as Basic with an empty
// password, and nothing else carries it.
func TestBasicAuthShape(t *testing.T) {
	t.Parallel()
	var user, pass, key, version string
	var ok bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok = r.BasicAuth()
		key, version = r.Header.Get("Idempotency-Key"), r.Header.Get("Lob-Version")
		require.Equal(t, "/v1/letters", r.URL.Path)
		require.Equal(t, http.MethodPost, r.Method)
		require.Empty(t, r.URL.RawQuery)
		_, _ = w.Write([]byte(`{"id":"ltr_0123456789abcdef","date_created":"2026-03-02T09:00:00.000Z"}`))
	}))
	defer srv.Close()
	ch, err := lob.New(lob.Config{APIKey: "test_secret", BaseURL: srv.URL + "/v1/", LobVersion: "2024-01-01"})
	require.NoError(t, err)
	rc, err := ch.Send(context.Background(), letterMessage("touch-auth-shape"))
	require.NoError(t, err)
	require.Equal(t, "ltr_0123456789abcdef", rc.ProviderMessageID)
	require.True(t, ok)
	require.Equal(t, "test_secret", user)
	require.Empty(t, pass)
	require.Equal(t, "touch-auth-shape", key)
	require.Equal(t, "2024-01-01", version)
}
