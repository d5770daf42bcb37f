package distribution_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/scoring"
)

// growthICP is a profile: growth and marketing leaders, directors and up,
// at Australian software companies of 11 to 500 people.
var growthICP = outbound.ICP{Countries: []string{"AU"}, Industries: []string{"software"}, MinEmployees: 11, MaxEmployees: 500,
	Titles: []string{"growth", "marketing"}, Seniority: outbound.SeniorityDirector}

// prospect is an unscored lead of a source: fit says whether it fits
// growthICP on every axis.
func prospect(n int, fit bool) distribution.LeadInput {
	in := hot(n)
	in.Score, in.Title, in.Industry, in.Employees = 0, "Head of Growth", "Software", 120
	if !fit {
		in.Title, in.Industry, in.Employees = "Analyst", "Mining", 8000
	}
	return in
}

// sourceOf finds the given leads, and records the limit it was asked for.
func sourceOf(leads []distribution.LeadInput, asked *int) distribution.Source {
	return distribution.SourceFunc(func(_ context.Context, icp outbound.ICP, limit int) ([]distribution.LeadInput, error) {
		*asked = limit
		return leads, nil
	})
}

// Onboarding in one call: the campaign for the profile, its leads from the
// source, scored by their fit (the signals kept), the ones that fit
// enrolled and planned, the others stored and left out.
func TestOnboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("starter", "Australia/Sydney")
	var asked int
	res, err := e.svc.Onboard(e.ctx, distribution.OnboardInput{Client: c.ID, Campaign: "Growth leaders", ICP: growthICP,
		Source: sourceOf([]distribution.LeadInput{prospect(1, true), prospect(2, false), prospect(3, true)}, &asked)})
	require.NoError(t, err)
	require.Equal(t, 1000, asked, "the month's allowance left on the starter plan")
	require.Equal(t, 3, res.Found)
	require.Equal(t, growthICP, res.Campaign.ICP)
	stored, err := e.store.GetCampaign(e.ctx, res.Campaign.ID)
	require.NoError(t, err)
	require.Equal(t, growthICP, stored.ICP)
	require.Len(t, res.Import.Enrolled, 2)
	require.Len(t, res.Import.Dead, 1)

	fit := e.lead(res.Import.Enrolled[0])
	require.Equal(t, 70, fit.Score)
	require.Equal(t, outbound.TierWarm, fit.Tier)
	require.Equal(t, "70 = seniority vp +25, company_size 51-200 +15, industry software +15, country AU-NSW +10, title growth +5, engagement none +0",
		scoring.Result{Points: fit.Score, Signals: fit.ScoreSignals}.Explain())
	miss := e.lead(res.Import.Dead[0])
	require.Less(t, miss.Score, 20)
	require.Equal(t, outbound.TierDead, miss.Tier)
	require.NotEmpty(t, miss.ScoreSignals, "a dead lead's score is explained too")
	require.Positive(t, e.plan())
	require.NotEmpty(t, e.schedule(fit.ID))
}

// A score the file gave stands; a lead's company is filled in from what
// the row says of it before the lead is placed and scored.
func TestOnboardRowsKeepScoresAndAreEnriched(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("starter", "Australia/Sydney")
	given := hot(1)
	given.Score = 66
	bare := prospect(2, true)
	bare.Country, bare.Region, bare.City, bare.Postcode, bare.Phone, bare.Timezone = "", "", "", "", "", ""
	bare.CompanyDomain = "stackly.com.au"
	res, err := e.svc.Onboard(e.ctx, distribution.OnboardInput{Client: c.ID, Campaign: "Q2", ICP: growthICP,
		Rows: []distribution.LeadInput{given, bare}})
	require.NoError(t, err)
	require.Len(t, res.Import.Enrolled, 2)
	l := e.lead(res.Import.Enrolled[0])
	require.Equal(t, 66, l.Score)
	require.Equal(t, []outbound.ScoreSignal{{Signal: "provided", Value: "file", Points: 66}, {Signal: "engagement", Value: "none"}},
		l.ScoreSignals)
	b := e.lead(res.Import.Enrolled[1])
	require.Equal(t, "AU", b.Country, "from the domain's TLD")
	require.Equal(t, "Australia/Sydney", b.Zone)
	require.Equal(t, 70, b.Score, "fits on every axis once its country is known")
}

// Engagement scores a lead again: opens and clicks take a warm lead hot.
func TestEngagementRaisesTheTier(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	in := hot(1)
	in.Score = 80
	res := e.importLeads(camp, in)
	require.Equal(t, outbound.TierWarm, e.lead(res.Enrolled[0]).Tier)
	e.plan()
	sent := e.sendStep(primary(e.schedule(res.Enrolled[0]))[1])
	require.True(t, e.handle(ev(sent, channel.EventOpened, e.clock.Now().Add(time.Minute))))
	require.Equal(t, 83, e.lead(res.Enrolled[0]).Score)
	require.Equal(t, outbound.TierWarm, e.lead(res.Enrolled[0]).Tier)
	require.True(t, e.handle(ev(sent, channel.EventClicked, e.clock.Now().Add(2*time.Minute))))
	l := e.lead(res.Enrolled[0])
	require.Equal(t, 88, l.Score)
	require.Equal(t, outbound.TierHot, l.Tier)
	require.Equal(t, "opened+clicked", l.ScoreSignals[len(l.ScoreSignals)-1].Value)
	require.False(t, e.handle(ev(sent, channel.EventClicked, e.clock.Now().Add(2*time.Minute))), "a redelivery changes nothing")
	require.Equal(t, 88, e.lead(res.Enrolled[0]).Score)
}

func TestOnboardRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("starter", "Australia/Sydney")
	rows := []distribution.LeadInput{prospect(1, true)}
	var asked int
	for _, tt := range []struct {
		name, field string
		in          distribution.OnboardInput
	}{
		{"no leads", "Source", distribution.OnboardInput{Client: c.ID, Campaign: "x"}},
		{"both", "Rows", distribution.OnboardInput{Client: c.ID, Campaign: "x", Rows: rows, Source: sourceOf(rows, &asked)}},
		{"negative limit", "Limit", distribution.OnboardInput{Client: c.ID, Campaign: "x", Rows: rows, Limit: -1}},
		{"bad ICP", "Countries[0]", distribution.OnboardInput{Client: c.ID, Campaign: "x", Rows: rows, ICP: outbound.ICP{Countries: []string{"Oz"}}}},
		{"no name", "name", distribution.OnboardInput{Client: c.ID, Rows: rows}},
	} {
		_, err := e.svc.Onboard(e.ctx, tt.in)
		require.ErrorIs(t, err, outbound.ErrInvalid, tt.name)
		require.ErrorContains(t, err, tt.field, tt.name)
	}
	down := errors.New("source down")
	_, err := e.svc.Onboard(e.ctx, distribution.OnboardInput{Client: c.ID, Campaign: "x", Source: distribution.SourceFunc(
		func(context.Context, outbound.ICP, int) ([]distribution.LeadInput, error) { return nil, down })})
	require.ErrorIs(t, err, down)
	camps, err := e.store.ListCampaigns(e.ctx, c.ID)
	require.NoError(t, err)
	require.Empty(t, camps, "nothing created when the source fails")

	// A source that finds more than asked is cut to the limit.
	var many []distribution.LeadInput
	for i := range 5 {
		many = append(many, prospect(10+i, true))
	}
	res, err := e.svc.Onboard(e.ctx, distribution.OnboardInput{Client: c.ID, Campaign: "Few", Limit: 2, Source: sourceOf(many, &asked)})
	require.NoError(t, err)
	require.Equal(t, 2, asked)
	require.Equal(t, 2, res.Found)
	require.Len(t, res.Import.Enrolled, 2)
}
