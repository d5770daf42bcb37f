package pool_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

// newHealthFor returns a health source on which domain fails badly.
func newHealthFor(domain outbound.ResourceID) *pooltest.HealthSource {
	hs := &pooltest.HealthSource{}
	hs.Set(domain, warmup.Stats{Sends: 100, Bounces: 50})
	return hs
}

// TestEvaluateHealthThresholds: over the last 14 days and at least 20
// sends, a bounce rate above 3 % or a complaint rate above 0.3 % pauses.
func TestEvaluateHealthThresholds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stats warmup.Stats
		pause bool
	}{
		{"no sends", warmup.Stats{}, false},
		{"19 sends, all bounced: too few to judge", warmup.Stats{Sends: 19, Bounces: 19}, false},
		{"20 sends, 1 bounce (5 %)", warmup.Stats{Sends: 20, Bounces: 1}, true},
		{"20 sends, clean", warmup.Stats{Sends: 20}, false},
		{"bounce exactly 3 %", warmup.Stats{Sends: 100, Bounces: 3}, false},
		{"bounce 3.1 %", warmup.Stats{Sends: 1000, Bounces: 31}, true},
		{"bounce 4 %", warmup.Stats{Sends: 100, Bounces: 4}, true},
		{"complaints exactly 0.3 %", warmup.Stats{Sends: 1000, Complaints: 3}, false},
		{"complaints 0.4 %", warmup.Stats{Sends: 1000, Complaints: 4}, true},
		{"complaints 1 of 300 (0.33 %)", warmup.Stats{Sends: 300, Complaints: 1}, true},
		{"both at their limits", warmup.Stats{Sends: 1000, Bounces: 30, Complaints: 3}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.stockAll(t, 2)
			id := b.client(t, "starter")
			a, err := b.pool.Assign(b.ctx, id)
			require.NoError(t, err)
			d := a.Assigned[0]
			require.Equal(t, outbound.KindDomain, d.Kind)
			b.clock.Advance(20 * day)

			hs := &pooltest.HealthSource{}
			hs.Set(d.ID, tt.stats)
			changes, err := b.pool.EvaluateHealth(b.ctx, hs)
			require.NoError(t, err)

			// Every assigned domain was asked about the 14 days up to now.
			qs := hs.Queries()
			require.Len(t, qs, 2)
			for _, q := range qs {
				require.Equal(t, b.clock.Now().Add(-14*day), q.Since)
				require.Equal(t, b.clock.Now(), q.Until)
			}

			got := b.get(t, d.ID)
			require.Equal(t, tt.pause, got.Paused)
			if !tt.pause {
				require.Empty(t, changes)
				require.Empty(t, b.alerts.Alerts())
				return
			}
			require.Len(t, changes, 1)
			require.Equal(t, d.ID, changes[0].Domain)
			require.Equal(t, id, changes[0].Client)
			require.True(t, changes[0].Verdict.Pause)
			require.NotEmpty(t, got.PauseReason)
			require.Equal(t, outbound.Reason(changes[0].Verdict.Reason), got.PauseReason)
			require.Equal(t, outbound.StateAssigned, got.State, "a paused domain keeps its state and client")
			require.Equal(t, id, got.Client)
			require.False(t, got.Usable())
			for _, mb := range b.list(t, storage.ResourceFilter{Parent: d.ID}) {
				require.True(t, mb.Paused)
				require.False(t, mb.Usable())
			}
			alerts := b.alerts.Of(pool.AlertDomainPaused)
			require.Len(t, alerts, 1)
			require.Equal(t, d.ID, alerts[0].Resource)
			require.Equal(t, id, alerts[0].Client)
			require.Contains(t, alerts[0].Message, got.PauseReason)

			// A second evaluation neither asks about nor re-pauses it, and a
			// clean window does not resume it.
			hs.Set(d.ID, warmup.Stats{Sends: 1000})
			changes, err = b.pool.EvaluateHealth(b.ctx, hs)
			require.NoError(t, err)
			require.Empty(t, changes)
			require.Len(t, hs.Queries(), 3)
			require.True(t, b.get(t, d.ID).Paused)
			require.Len(t, b.alerts.Of(pool.AlertDomainPaused), 1)
			require.Len(t, b.alerts.Of(pool.AlertNoReplacement), 1, "the pool had no domain to replace it with")
			require.Len(t, b.alerts.Alerts(), 2)
			requireInLine(t, b)
		})
	}
}

func TestEvaluateHealthCustomPolicy(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *pool.Config) {
		c.Health = warmup.HealthPolicy{Window: 7 * day, MinSends: 5, MaxBounceRate: 0.10}
	})
	d := b.stock(t, outbound.KindDomain, 1, 60)[0]
	hs := &pooltest.HealthSource{}
	hs.Set(d.ID, warmup.Stats{Sends: 10, Bounces: 1}) // 10 %: not above
	changes, err := b.pool.EvaluateHealth(b.ctx, hs)
	require.NoError(t, err)
	require.Empty(t, changes)
	require.Equal(t, t0.Add(-7*day), hs.Queries()[0].Since)
	hs.Set(d.ID, warmup.Stats{Sends: 9, Bounces: 1}) // 11 %
	changes, err = b.pool.EvaluateHealth(b.ctx, hs)
	require.NoError(t, err)
	require.Len(t, changes, 1)
	require.True(t, changes[0].Client.IsZero(), "an available domain has no client")
}

func TestEvaluateHealthSkipsDomainsThatDoNotSend(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stock(t, outbound.KindDomain, 1, 2) // warming
	held := b.stock(t, outbound.KindDomain, 2, 60)
	id := b.client(t, "starter")
	_, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.NoError(t, b.pool.Churn(b.ctx, id))
	require.Equal(t, outbound.StateHeld, b.get(t, held[0].ID).State)
	retired := b.stock(t, outbound.KindDomain, 1, 60)[0]
	require.NoError(t, b.pool.Retire(b.ctx, retired.ID))
	b.stock(t, outbound.KindPhone, 1, 60) // not a domain

	hs := &pooltest.HealthSource{}
	changes, err := b.pool.EvaluateHealth(b.ctx, hs)
	require.NoError(t, err)
	require.Empty(t, changes)
	require.Empty(t, hs.Queries())
}

func TestEvaluateHealthSourceErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ds := b.list(t, storage.ResourceFilter{})
	require.Empty(t, ds)
	doms := b.stock(t, outbound.KindDomain, 2, 60)
	bad, good := doms[0], doms[3]
	hs := &pooltest.HealthSource{}
	boom := errors.New("events store down")
	hs.Fail(bad.ID, boom)
	hs.Set(good.ID, warmup.Stats{Sends: 100, Bounces: 10})
	changes, err := b.pool.EvaluateHealth(b.ctx, hs)
	require.ErrorIs(t, err, boom)
	require.Len(t, changes, 1, "the failing domain does not stop the others")
	require.Equal(t, good.ID, changes[0].Domain)

	_, err = b.pool.EvaluateHealth(b.ctx, nil)
	require.ErrorIs(t, err, invalid.ErrInvalid)

	ctx, cancel := context.WithCancel(b.ctx)
	cancel()
	_, err = b.pool.EvaluateHealth(ctx, hs)
	require.ErrorIs(t, err, context.Canceled)
}

func TestResume(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.stock(t, outbound.KindDomain, 1, 60)[0]
	_, err := b.pool.EvaluateHealth(b.ctx, newHealthFor(d.ID))
	require.NoError(t, err)
	require.True(t, b.get(t, d.ID).Paused)

	// A client waiting for a domain gets it as soon as it is resumed.
	id := b.client(t, "starter")
	a, err := b.pool.Assign(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, 2, a.Short[outbound.KindDomain])

	require.NoError(t, b.pool.Resume(b.ctx, d.ID))
	got := b.get(t, d.ID)
	require.False(t, got.Paused)
	require.Empty(t, got.PauseReason)
	require.Equal(t, id, got.Client)
	require.True(t, got.Usable())
	resumed := b.alerts.Of(pool.AlertDomainResumed)
	require.Len(t, resumed, 1)
	require.Equal(t, d.ID, resumed[0].Resource)
	requireInLine(t, b)

	// Resuming an unpaused domain does nothing.
	require.NoError(t, b.pool.Resume(b.ctx, d.ID))
	require.Len(t, b.alerts.Of(pool.AlertDomainResumed), 1)

	mailbox := b.list(t, storage.ResourceFilter{Kind: outbound.KindMailbox, Parent: d.ID})[0]
	var fe *pool.FieldError
	require.ErrorAs(t, b.pool.Resume(b.ctx, mailbox.ID), &fe)
	require.Equal(t, "id", fe.Field)
	require.ErrorIs(t, b.pool.Resume(b.ctx, outbound.ResourceID{UUID: b.clients()}), storage.ErrNotFound)
}
