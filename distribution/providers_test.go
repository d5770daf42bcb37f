package distribution_test

import (
	"fmt"
	"testing"
	"time"

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

	// Events come back by (provider, the provider's reference): a bounce
	// from one provider never lands on the other's touch, even with the
	// same reference.
	var smtpSent, forgeSent outbound.Touch
	for _, tt := range ts {
		if tt.Status != outbound.TouchSent {
			continue
		}
		switch tt.Provider {
		case "smtp":
			smtpSent = tt
		case "forge":
			forgeSent = tt
		}
	}
	require.False(t, smtpSent.ID.IsZero())
	require.False(t, forgeSent.ID.IsZero())
	_, err = e.store.FindTouchByProviderRef(e.ctx, "forge", smtpSent.ProviderRef)
	if forgeSent.ProviderRef != smtpSent.ProviderRef {
		require.ErrorIs(t, err, storage.ErrNotFound)
	}
	e.handle(channel.Event{Provider: "smtp", ProviderEventID: "b1", Type: channel.EventBounced, Kind: channel.Email,
		ProviderMessageID: smtpSent.ProviderRef, At: e.clock.Now()})
	require.Equal(t, outbound.TouchFailed, e.touch(smtpSent.ID).Status)
	require.Equal(t, outbound.TouchSent, e.touch(forgeSent.ID).Status)
}

// US calls and texts keep the legal hours in the lead's zone and in the
// number's: New York leads on Los Angeles numbers are called and texted no
// earlier than 08:00 in Los Angeles (11:00 in New York), though their
// window opens at 09:00 New York time; leads on New York numbers are not
// held back.
func TestUSCallsHoldInTheNumbersZoneToo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	camp := e.campaign(e.signup("growth", "America/New_York"))
	var la, ny []distribution.LeadInput
	for i := range 10 {
		r := hot(i)
		r.Country, r.Region, r.City, r.Postcode = "US", "NY", "New York", "10001"
		r.Timezone = "America/New_York"
		r.Email, r.CompanyDomain = fmt.Sprintf("lead%d@corp%d.com", i, i), fmt.Sprintf("corp%d.com", i)
		r.Phone = fmt.Sprintf("+1 213 555 %04d", 100+i)
		la = append(la, r)
		r2 := r
		r2.Email, r2.CompanyDomain, r2.ExternalID = fmt.Sprintf("ny%d@nyc%d.com", i, i), fmt.Sprintf("nyc%d.com", i), fmt.Sprint("N", i)
		r2.Phone = fmt.Sprintf("+1 212 555 %04d", 100+i)
		ny = append(ny, r2)
	}
	resLA := e.importLeads(camp, la...)
	resNY := e.importLeads(camp, ny...)
	require.Len(t, resLA.Enrolled, 10)
	require.Len(t, resNY.Enrolled, 10)
	e.plan()
	nyc := mustLoc(t, "America/New_York")
	earliest := func(ids []outbound.LeadID) time.Duration {
		first := 24 * time.Hour
		for _, id := range ids {
			for _, tt := range e.schedule(id) {
				if tt.Status != outbound.TouchScheduled || (tt.Channel != channel.Voice && tt.Channel != channel.SMS) {
					continue
				}
				l := tt.ScheduledAt.In(nyc)
				first = min(first, time.Duration(l.Hour())*time.Hour+time.Duration(l.Minute())*time.Minute)
			}
		}
		return first
	}
	require.GreaterOrEqual(t, earliest(resLA.Enrolled), 11*time.Hour, "08:00 in Los Angeles")
	require.Less(t, earliest(resNY.Enrolled), 11*time.Hour, "New York numbers are called from 09:00")
}
