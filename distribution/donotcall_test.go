package distribution_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/donotcall"
)

// Registers are chosen by the number's country. An Australian number is
// washed by the Australian register; a number of a country with no
// register configured is recorded not_applicable and called, never
// treated as registered; a registered number is never called.
func TestDoNotCallRegistersByCountry(t *testing.T) {
	t.Parallel()
	var au *donotcall.ByCountry
	e := newEnv(t, func(c *distribution.Config) {
		reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Clock: c.Clock, Registers: map[string]donotcall.Register{
			"AU": donotcall.Func(func(_ context.Context, phones []string) ([]outbound.WashResult, error) {
				var out []outbound.WashResult
				for _, p := range phones {
					st := outbound.DNCRClear
					if p == "+61412340001" {
						st = outbound.DNCRRegistered
					}
					out = append(out, outbound.WashResult{Phone: p, Status: st, WashedAt: c.Clock.Now()})
				}
				return out, nil
			}),
		}})
		require.NoError(t, err)
		au = reg
		c.DNCR = reg
	})
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	clear, registered, gb := hot(0), hot(1), hot(2)
	gb.Phone, gb.Country, gb.Region, gb.Email, gb.CompanyDomain = "+44 20 7946 0958", "GB", "", "lead2@acme2.co.uk", "acme2.co.uk"
	res := e.importLeads(camp, clear, registered, gb)
	require.Len(t, res.Enrolled, 3)
	require.Equal(t, []string{"GB"}, au.Unconfigured())

	status := map[outbound.LeadID]outbound.DNCRStatus{}
	for _, id := range res.Enrolled {
		status[id] = e.lead(id).DNCR
	}
	require.Equal(t, outbound.DNCRClear, status[res.Enrolled[0]])
	require.Equal(t, outbound.DNCRRegistered, status[res.Enrolled[1]])
	require.Equal(t, outbound.DNCRNotApplicable, status[res.Enrolled[2]])

	e.plan()
	e.runUntil(start.AddDate(0, 0, 20), 2)
	calls := func(id outbound.LeadID) (n int) {
		for _, tt := range e.schedule(id) {
			if tt.Channel == channel.Voice && tt.Status == outbound.TouchSent {
				n++
			}
		}
		return n
	}
	require.Positive(t, calls(res.Enrolled[0]))
	require.Zero(t, calls(res.Enrolled[1]), "a registered number is never called")
	require.Positive(t, calls(res.Enrolled[2]), "no register for GB: not applicable, so called")
}
