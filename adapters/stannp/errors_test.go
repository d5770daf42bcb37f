package stannp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/stannp"
	"github.com/outbound-go/outbound/adapters/stannp/stannptest"
	"github.com/outbound-go/outbound/channel"
)

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		answer    stannptest.Answer
		class     channel.ErrorClass
		retry     time.Duration
		field     string
		isAddress bool
	}{
		{"postcode", stannptest.Answer{Status: 400, Message: "Invalid postcode"}, channel.ClassPermanent, 0, "recipient[postcode]", true},
		{"address1", stannptest.Answer{Status: 422, Message: "recipient address1 is required"}, channel.ClassPermanent, 0, "recipient[address1]", true},
		{"unverified", stannptest.Answer{Status: 400, Message: "The address could not be verified"}, channel.ClassPermanent, 0, "recipient", true},
		{"other 400", stannptest.Answer{Status: 400, Message: "Insufficient balance"}, channel.ClassPermanent, 0, "", false},
		{"unauthorised", stannptest.Answer{Status: 401, Message: "bad address key"}, channel.ClassPermanent, 0, "", false},
		{"rate limited", stannptest.Answer{Status: 429, RetryAfter: 12 * time.Second}, channel.ClassRateLimited, 12 * time.Second, "", false},
		{"rate limited, no delay", stannptest.Answer{Status: 429}, channel.ClassRateLimited, 0, "", false},
		{"request timeout", stannptest.Answer{Status: 408}, channel.ClassRetryable, 0, "", false},
		{"500", stannptest.Answer{Status: 500}, channel.ClassRetryable, 0, "", false},
		{"503 with delay", stannptest.Answer{Status: 503, RetryAfter: 3 * time.Second}, channel.ClassRetryable, 3 * time.Second, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ch, srv := setup(t)
			srv.Fail(c.answer)
			_, err := ch.Send(context.Background(), letterMessage("touch-err"))
			require.Error(t, err)
			require.Equal(t, c.class, channel.Classify(err), "%v", err)
			var ce *channel.Error
			require.ErrorAs(t, err, &ce)
			require.Equal(t, c.retry, ce.RetryAfter)
			var ae *stannp.APIError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, c.answer.Status, ae.StatusCode)
			require.Equal(t, c.field, ae.Field)
			require.Equal(t, c.isAddress, errors.Is(err, stannp.ErrAddress))
			require.Equal(t, 0, srv.Delivered("touch-err"))
		})
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	srv := stannptest.NewServer(stannptest.Config{})
	t.Cleanup(srv.Close)
	ch, err := stannp.New(stannp.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Timeout: 100 * time.Millisecond})
	require.NoError(t, err)
	srv.Fail(stannptest.Answer{Hang: true})
	_, err = ch.Send(context.Background(), letterMessage("touch-hang"))
	require.Equal(t, channel.ClassRetryable, channel.Classify(err), "%v", err)

	srv.Fail(stannptest.Answer{Hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err = ch.Send(ctx, letterMessage("touch-cancel"))
	require.ErrorIs(t, err, context.Canceled)

	_, err = ch.Send(context.Background(), letterMessage("touch-ok"))
	require.NoError(t, err)
	_, err = stannp.New(stannp.Config{})
	require.Error(t, err)
}
