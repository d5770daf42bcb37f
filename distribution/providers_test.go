package distribution_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// One deployment sends email through two providers: each mailbox's touches
// go through the adapter of its own provider, never the other, and a
// mailbox whose provider has no adapter sends nothing.
func TestTwoEmailProvidersEachMailboxThroughItsOwn(t *testing.T) {
	t.Parallel()
	fakes := map[string]*channeltest.Fake{}
	e := newEnv(t, func(c *distribution.Config) {
		dropChannel(c, channel.Email)
		for _, p := range []string{"smtp", "forge"} {
			f, err := channeltest.New(channel.Email, &channeltest.Config{Provider: p, Now: c.Clock.Now, Info: channel.Info{Provider: p}})
			require.NoError(t, err)
			fakes[p] = f
			c.Channels = append(c.Channels, f)
		}
	})
	// The growth plan takes the first three domains (same age: by ID).
	domains, err := e.store.ListResources(e.ctx, storage.ResourceFilter{Kind: outbound.KindDomain})
	require.NoError(t, err)
	providerOf := map[outbound.ResourceID]string{}
	for i, d := range domains {
		p := []string{"smtp", "forge", "ghost"}[min(i, 2)]
		mbs, err := e.store.ListResources(e.ctx, storage.ResourceFilter{Parent: d.ID})
		require.NoError(t, err)
		for _, mb := range mbs {
			mb.Provider = p
			require.NoError(t, e.store.UpdateResource(e.ctx, &mb))
			providerOf[mb.ID] = p
		}
	}
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	var rows []distribution.LeadInput
	for i := range 24 {
		rows = append(rows, hot(i))
	}
	e.importLeads(camp, rows...)
	e.plan()
	e.runUntil(start.AddDate(0, 0, 20), 4)

	ts, err := e.store.ListTouches(e.ctx, storage.TouchFilter{Campaign: camp.ID, Action: channel.ActionEmail})
	require.NoError(t, err)
	used := map[string]int{}
	for _, tt := range ts {
		if tt.Resource.IsZero() {
			continue
		}
		p := providerOf[tt.Resource]
		require.NotEqual(t, "ghost", p, "touch %s booked on a mailbox no adapter sends for", tt.ID)
		if tt.Status != outbound.TouchSent && tt.Status != outbound.TouchDelivered {
			continue
		}
		used[p]++
		channeltest.RequireSent(t, fakes[p], tt.ID.String())
		for other, f := range fakes {
			if other != p {
				channeltest.RequireNotSent(t, f, tt.ID.String())
			}
		}
	}
	require.Positive(t, used["smtp"])
	require.Positive(t, used["forge"])
}
