package distribution_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// failingStore fails AddSuppression while fail is set: a store error in
// the middle of applying an event.
type failingStore struct {
	storage.Store
	fail atomic.Bool
}

func (f *failingStore) AddSuppression(ctx context.Context, s *outbound.Suppression) error {
	if f.fail.Load() {
		return errors.New("store down")
	}
	return f.Store.AddSuppression(ctx, s)
}

func stopFrom(e *env, l *outbound.Lead, id string) channel.Event {
	return channel.Event{Provider: "twilio", ProviderEventID: id, Type: channel.EventReplied, Kind: channel.SMS,
		From: l.Phone, Body: "STOP", At: e.clock.Now()}
}

func smsSuppressed(t *testing.T, e *env, l *outbound.Lead) bool {
	t.Helper()
	ok, err := e.store.Suppressed(e.ctx, storage.SuppressionQuery{Client: l.Client, Lead: l.ID, Address: l.Phone, Channel: channel.SMS})
	require.NoError(t, err)
	return ok
}

// An opt-out whose applying fails after it was recorded is not lost: the
// provider's redelivery applies it, and so does the sweeper when no
// redelivery comes.
func TestEventAppliedOnRedeliveryAfterAFailedApply(t *testing.T) {
	t.Parallel()
	fs := &failingStore{}
	e := newEnv(t, func(c *distribution.Config) {
		fs.Store = c.Store
		c.Store = fs
	})
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	a := e.lead(e.importLeads(camp, hot(1)).Enrolled[0])
	b := e.lead(e.importLeads(camp, hot(2)).Enrolled[0])
	e.plan()

	// Redelivery.
	fs.fail.Store(true)
	_, err := e.svc.HandleEvent(e.ctx, stopFrom(e, a, "SM1"))
	require.Error(t, err)
	require.False(t, smsSuppressed(t, e, a))
	fs.fail.Store(false)
	applied, err := e.svc.HandleEvent(e.ctx, stopFrom(e, a, "SM1"))
	require.NoError(t, err)
	require.True(t, applied, "the redelivery applies what the first delivery recorded")
	require.True(t, smsSuppressed(t, e, a))
	applied, err = e.svc.HandleEvent(e.ctx, stopFrom(e, a, "SM1"))
	require.NoError(t, err)
	require.False(t, applied, "once applied, a redelivery changes nothing")

	// The sweeper, for an event nobody delivers again.
	fs.fail.Store(true)
	_, err = e.svc.HandleEvent(e.ctx, stopFrom(e, b, "SM2"))
	require.Error(t, err)
	fs.fail.Store(false)
	n, err := e.svc.Sweep(e.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "too fresh: it may still be in hand elsewhere")
	require.False(t, smsSuppressed(t, e, b))
	e.clock.Advance(distribution.DefaultLease + 1)
	n, err = e.svc.Sweep(e.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.True(t, smsSuppressed(t, e, b))
	n, err = e.svc.Sweep(e.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, 2, e.svc.Counters().Events[channel.EventOptedOut]+e.svc.Counters().Events[channel.EventReplied], "each event counted once")
}

// Do-not-contact entries hold for a whole email domain and platform-wide:
// no email goes to the domain's leads, of any client; a bad entry names
// its field.
func TestDoNotContactByDomainAndPlatformWide(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.campaign(e.signup("growth", "Australia/Sydney"))
	b := e.campaign(e.signup("starter", "Australia/Sydney"))
	e.importLeads(a, hot(1), hot(2))
	e.importLeads(b, hot(1))
	require.NoError(t, e.svc.DoNotContact(e.ctx, outbound.Suppression{Domain: "@ACME1.com.au", Channel: channel.Email}))
	e.plan()
	e.runUntil(start.AddDate(0, 0, 20), 2)
	for _, s := range e.fakes[channel.Email].Sent() {
		require.NotContains(t, s.Message.To.Email, "@acme1.com.au", "no email to a do-not-contact domain, for any client")
	}
	require.NotEmpty(t, e.fakes[channel.Email].Sent(), "the other lead is emailed")
	err := e.svc.DoNotContact(e.ctx, outbound.Suppression{Channel: channel.Email})
	require.ErrorIs(t, err, outbound.ErrInvalid)
}
