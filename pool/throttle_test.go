package pool_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

// A mailbox's measured health withholds a share of its daily limit, alone:
// its domain and the other mailbox are untouched; a worse reading alerts,
// a healthy one clears it, and none resumes or pauses anything.
func TestSetHealthThrottlesAMailbox(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doms := b.stock(t, outbound.KindDomain, 1, 60)
	boxes := b.list(t, storage.ResourceFilter{Kind: outbound.KindMailbox, Parent: doms[0].ID})
	require.Len(t, boxes, 2)
	box := boxes[0]

	r, err := b.pool.SetHealth(b.ctx, box.ID, warmup.Health{Throttle: 20}, "warmforge: placement 80% in inbox")
	require.NoError(t, err)
	require.Equal(t, 20, r.Throttle)
	require.Equal(t, 20, b.get(t, box.ID).Throttle)
	require.Equal(t, b.clock.Now(), b.get(t, box.ID).HealthAt)
	require.Equal(t, outbound.Reason("warmforge: placement 80% in inbox"), b.get(t, box.ID).ThrottleReason)
	require.Zero(t, b.get(t, boxes[1].ID).Throttle)
	require.False(t, b.get(t, doms[0].ID).Paused)
	require.Equal(t, 1, b.alerts.Count(pool.AlertResourceThrottled))
	require.Equal(t, 20, b.alerts.Of(pool.AlertResourceThrottled)[0].Count)

	// The same reading again, or a better one, raises no alert.
	_, err = b.pool.SetHealth(b.ctx, box.ID, warmup.Health{Throttle: 10}, "warmforge: placement 90% in inbox")
	require.NoError(t, err)
	require.Equal(t, 1, b.alerts.Count(pool.AlertResourceThrottled))

	// Paused health withholds everything, and pauses nothing.
	_, err = b.pool.SetHealth(b.ctx, box.ID, warmup.Health{Paused: true}, "warmforge: placement 40% in inbox")
	require.NoError(t, err)
	require.Equal(t, 100, b.get(t, box.ID).Throttle)
	require.False(t, b.get(t, box.ID).Paused)
	require.Equal(t, 2, b.alerts.Count(pool.AlertResourceThrottled))

	// Healthy clears it, reason and all.
	_, err = b.pool.SetHealth(b.ctx, box.ID, warmup.Health{}, "warmforge: fine")
	require.NoError(t, err)
	got := b.get(t, box.ID)
	require.Zero(t, got.Throttle)
	require.Empty(t, got.ThrottleReason)

	// By address, in any case.
	_, err = b.pool.SetHealthByAddress(b.ctx, outbound.KindMailbox, strings.ToUpper(box.Address), warmup.Health{Throttle: 30}, "placement")
	require.NoError(t, err)
	require.Equal(t, 30, b.get(t, box.ID).Throttle)
	_, err = b.pool.SetHealthByAddress(b.ctx, outbound.KindMailbox, "nobody@nowhere.example", warmup.Health{Throttle: 30}, "placement")
	require.ErrorIs(t, err, outbound.ErrNotFound)
}

func TestSetHealthRefusesBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doms := b.stock(t, outbound.KindDomain, 1, 60)
	for _, c := range []struct {
		h      warmup.Health
		reason string
		field  string
	}{
		{warmup.Health{Throttle: 101}, "x", "Throttle"},
		{warmup.Health{Throttle: -1}, "x", "Throttle"},
		{warmup.Health{Throttle: 10}, " ", "reason"},
		{warmup.Health{Paused: true}, "", "reason"},
	} {
		_, err := b.pool.SetHealth(b.ctx, doms[0].ID, c.h, c.reason)
		var fe *invalid.FieldError
		require.True(t, errors.As(err, &fe), "%+v: %v", c.h, err)
		require.Equal(t, c.field, fe.Field)
	}
	_, err := b.pool.SetHealth(b.ctx, outbound.ResourceID{UUID: b.clients()}, warmup.Health{Throttle: 10}, "x")
	require.ErrorIs(t, err, outbound.ErrNotFound)
	require.Zero(t, b.alerts.Count(pool.AlertResourceThrottled))
}

// numberSource is a NumberHealthSource with set counts.
type numberSource map[outbound.ResourceID]warmup.NumberStats

func (n numberSource) NumberStats(_ context.Context, id outbound.ResourceID, _, _ time.Time) (warmup.NumberStats, error) {
	return n[id], nil
}

// A number over the rule is paused and, being its client's, replaced; one
// under it, and every domain, are left alone.
func TestEvaluateNumberHealth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stockAll(t, 3)
	client := b.client(t, "growth")
	_, err := b.pool.Assign(b.ctx, client)
	require.NoError(t, err)
	held := b.list(t, storage.ResourceFilter{Client: client, Kind: outbound.KindPhone})
	require.Len(t, held, 2)
	src := numberSource{
		held[0].ID: {Sends: 100, OptOuts: 4},
		held[1].ID: {Sends: 100, OptOuts: 3, Blocked: 5, SpamLikely: 10},
	}
	changes, err := b.pool.EvaluateNumberHealth(b.ctx, src)
	require.NoError(t, err)
	require.Len(t, changes, 1)
	require.Equal(t, held[0].ID, changes[0].Domain)
	require.False(t, changes[0].Replacement.IsZero())
	require.Contains(t, changes[0].Verdict.Reason, "opt-out rate 4%")
	require.True(t, b.get(t, held[0].ID).Paused)
	require.False(t, b.get(t, held[1].ID).Paused)
	require.Equal(t, 1, b.alerts.Count(pool.AlertResourcePaused))
	for _, d := range b.list(t, storage.ResourceFilter{Kind: outbound.KindDomain}) {
		require.False(t, d.Paused)
	}
	_, err = b.pool.EvaluateNumberHealth(b.ctx, nil)
	require.Error(t, err)
}
