package distribution_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// A process that is not the one that paused a domain sees the pause
// before its next send from that domain: the touch moves to another
// mailbox, and no mail leaves the paused domain after the pause.
func TestFollowerSeesAPauseBeforeItsNextSend(t *testing.T) {
	t.Parallel()
	a := newEnv(t)
	c := a.signup("growth", "Australia/Sydney")
	camp := a.campaign(c)
	var rows []distribution.LeadInput
	for i := range 12 {
		rows = append(rows, hot(i))
	}
	a.importLeads(camp, rows...)
	a.plan()
	cfg := a.cfg
	cfg.Test.NewID = seededIDs(99)
	b, err := distribution.New(cfg)
	require.NoError(t, err)

	emails := func() []outbound.Touch {
		ts, err := a.store.ListTouches(a.ctx, storage.TouchFilter{Campaign: camp.ID, Action: channel.ActionEmail})
		require.NoError(t, err)
		return ts
	}
	// B sends the first email, and so loads the client's picture.
	first := emails()[0]
	a.clock.Set(first.ScheduledAt)
	_, err = b.Dispatch(a.ctx, "b")
	require.NoError(t, err)
	require.Equal(t, outbound.TouchSent, a.touch(first.ID).Status)

	// A pauses the domain of the next scheduled email's mailbox.
	var next outbound.Touch
	for _, tt := range emails() {
		if tt.Status == outbound.TouchScheduled {
			next = tt
			break
		}
	}
	require.False(t, next.ID.IsZero())
	mb, err := a.store.GetResource(a.ctx, next.Resource)
	require.NoError(t, err)
	_, err = a.svc.Pool().Pause(a.ctx, mb.Parent, "test: bounces")
	require.NoError(t, err)
	paused := map[outbound.ResourceID]bool{}
	mbs, err := a.store.ListResources(a.ctx, storage.ResourceFilter{Parent: mb.Parent})
	require.NoError(t, err)
	for _, m := range mbs {
		paused[m.ID] = true
	}
	pausedAt := a.clock.Now()

	// B goes on sending, A (the leader) planning: nothing more from the
	// paused domain.
	for range 40 {
		nd, ok, err := b.NextDue(a.ctx)
		require.NoError(t, err)
		if !ok {
			break
		}
		if nd.After(a.clock.Now()) {
			a.clock.Set(nd)
		}
		_, err = b.Dispatch(a.ctx, "b")
		require.NoError(t, err)
		a.plan() // the leader books what B handed back
	}
	moved := a.touch(next.ID)
	require.NotEqual(t, next.Resource, moved.Resource, "the touch moved off the paused mailbox")
	for _, tt := range emails() {
		if !tt.SentAt.IsZero() && tt.SentAt.After(pausedAt) {
			require.False(t, paused[tt.Resource], "touch %s sent from the paused domain after the pause", tt.ID)
		}
	}
}
