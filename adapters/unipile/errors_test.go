package unipile_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/channel"
)

// Each answer of Unipile's is the class the engine acts on.
func TestErrorMapping(t *testing.T) {
	for _, c := range []struct {
		name  string
		a     unipiletest.Answer
		class channel.ErrorClass
		after time.Duration
		code  string
	}{
		{"429 with Retry-After", unipiletest.Answer{Status: 429, RetryAfter: 30 * time.Second}, channel.ClassRateLimited, 30 * time.Second, "429"},
		{"429 without", unipiletest.Answer{Status: 429}, channel.ClassRateLimited, 0, "429"},
		{"500 is LinkedIn's limit", unipiletest.Answer{Status: 500, Type: "errors/unexpected_error"}, channel.ClassRateLimited, 0, "unexpected_error"},
		{"502", unipiletest.Answer{Status: 502}, channel.ClassRetryable, 0, "502"},
		{"503 with Retry-After", unipiletest.Answer{Status: 503, RetryAfter: 5 * time.Second}, channel.ClassRetryable, 5 * time.Second, "503"},
		{"400 too long", unipiletest.Answer{Status: 400, Type: "errors/too_many_characters"}, channel.ClassPermanent, 0, "too_many_characters"},
		{"401 disconnected", unipiletest.Answer{Status: 401, Type: "errors/disconnected_account"}, channel.ClassPermanent, 0, "disconnected_account"},
		{"422 already invited", unipiletest.Answer{Status: 422, Type: "errors/already_invited_recently", Title: "An invitation is pending"}, channel.ClassPermanent, 0, "already_invited_recently"},
		{"404 not connectable", unipiletest.Answer{Status: 404, Type: "errors/invalid_recipient"}, channel.ClassPermanent, 0, "invalid_recipient"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.FailNext(c.a)
			_, err := e.ch.Send(context.Background(), request("e"))
			require.Error(t, err)
			require.Equal(t, c.class, channel.Classify(err), "%v", err)
			var ce *channel.Error
			require.ErrorAs(t, err, &ce)
			require.Equal(t, c.after, ce.RetryAfter)
			require.Equal(t, c.code, ce.Code)
			if c.a.Title != "" {
				require.ErrorContains(t, err, c.a.Title, "the reason is kept")
			}
			require.Empty(t, e.fake.Invitations())
			_, found, err := e.ch.Lookup(context.Background(), "e")
			require.NoError(t, err)
			require.False(t, found)
		})
	}
}

// A wrong key, an unknown profile and the client's own failures.
func TestErrorMappingElsewhere(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bad, err := unipile.New(unipile.Config{DSN: e.fake.DSN(), APIKey: "wrong", Now: e.clock.Now, Client: e.fake.Client()})
	require.NoError(t, err)
	_, err = bad.Send(ctx, request("x"))
	require.Equal(t, channel.ClassPermanent, channel.Classify(err))

	m := request("y")
	m.To.LinkedIn = "https://www.linkedin.com/company/acme"
	_, err = e.ch.Send(ctx, m)
	require.ErrorIs(t, err, channel.ErrInvalid)
	require.ErrorIs(t, err, channel.ErrPermanent)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = e.ch.Send(cancelled, request("z"))
	require.ErrorIs(t, err, context.Canceled)

	e.fake.FailNext(unipiletest.Answer{Hang: true})
	short, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel2()
	_, err = e.ch.Send(short, request("h"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.True(t, errors.Is(err, channel.ErrRetryable))

	gone, err := unipile.New(unipile.Config{DSN: "http://127.0.0.1:1", APIKey: apiKey, Now: e.clock.Now,
		Client: &http.Client{Timeout: time.Second}})
	require.NoError(t, err)
	_, err = gone.Send(ctx, request("g"))
	require.True(t, errors.Is(err, channel.ErrRetryable), "%v", err)
}
