package scoring_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/scoring"
	"github.com/outbound-go/outbound/sequence"
)

// icp is an agency's profile: growth leaders at Australian and New Zealand
// software companies of 11 to 500 people, directors and up, in NSW or VIC
// when Australian.
var icp = outbound.ICP{Countries: []string{"AU", "NZ"}, Regions: []string{"AU-NSW", "AU-VIC"},
	Industries: []string{"software"}, MinEmployees: 11, MaxEmployees: 500, Titles: []string{"growth", "marketing"},
	Seniority: outbound.SeniorityDirector}

// fit is a lead that fits icp on every axis.
func fit() *outbound.Lead {
	return &outbound.Lead{Title: "Head of Growth", Employees: 120, Industry: "Computer Software", Country: "AU", Region: "NSW"}
}

func score(t *testing.T, l *outbound.Lead, p outbound.ICP) scoring.Result {
	t.Helper()
	s, err := scoring.NewWeighted(scoring.Weights{})
	require.NoError(t, err)
	r, err := s.Score(context.Background(), l, p)
	require.NoError(t, err)
	return r
}

func points(r scoring.Result) map[string]int {
	out := map[string]int{}
	for _, s := range r.Signals {
		out[s.Signal] = s.Points
	}
	return out
}

func TestWeightedSignals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(l *outbound.Lead)
		icp    outbound.ICP
		signal string
		want   int
		value  string
	}{
		{"seniority at the ICP's", func(l *outbound.Lead) { l.Title = "Director of Marketing" }, icp, "seniority", 25, "director"},
		{"seniority above it", func(l *outbound.Lead) { l.Title = "CMO" }, icp, "seniority", 25, "c_level"},
		{"seniority one below", func(l *outbound.Lead) { l.Title = "Growth Manager" }, icp, "seniority", 12, "manager"},
		{"seniority two below", func(l *outbound.Lead) { l.Title = "Growth Analyst" }, icp, "seniority", 0, "individual"},
		{"seniority without ICP: in proportion", func(l *outbound.Lead) { l.Title = "Growth Manager" }, outbound.ICP{}, "seniority", 10, "manager"},
		{"no title", func(l *outbound.Lead) { l.Title = "" }, icp, "seniority", 0, "unknown"},
		{"size inside", nil, icp, "company_size", 15, "51-200"},
		{"size outside", func(l *outbound.Lead) { l.Employees = 2000 }, icp, "company_size", 0, "1001-5000"},
		{"size unknown", func(l *outbound.Lead) { l.Employees = 0 }, icp, "company_size", 0, "unknown"},
		{"size by band without bounds", func(l *outbound.Lead) { l.Employees = 8 }, outbound.ICP{}, "company_size", 6, "1-10"},
		{"industry held in the lead's", nil, icp, "industry", 15, "computer software"},
		{"industry elsewhere", func(l *outbound.Lead) { l.Industry = "Mining" }, icp, "industry", 0, "mining"},
		{"industry unknown", func(l *outbound.Lead) { l.Industry = "" }, icp, "industry", 0, "unknown"},
		{"country and region", nil, icp, "country", 10, "AU-NSW"},
		{"country outside the regions", func(l *outbound.Lead) { l.Region = "QLD" }, icp, "country", 5, "AU-QLD"},
		{"country with no regions named", func(l *outbound.Lead) { l.Country, l.Region = "NZ", "AUK" }, icp, "country", 10, "NZ-AUK"},
		{"country elsewhere", func(l *outbound.Lead) { l.Country, l.Region = "US", "CA" }, icp, "country", 0, "US-CA"},
		{"title word", nil, icp, "title", 5, "growth"},
		{"title without the words", func(l *outbound.Lead) { l.Title = "Head of Finance" }, icp, "title", 0, "no match"},
	}
	for _, tt := range tests {
		l := fit()
		if tt.edit != nil {
			tt.edit(l)
		}
		var got *outbound.ScoreSignal
		r := score(t, l, tt.icp)
		for i := range r.Signals {
			if r.Signals[i].Signal == tt.signal {
				got = &r.Signals[i]
			}
		}
		require.NotNil(t, got, tt.name)
		require.Equal(t, tt.want, got.Points, tt.name)
		require.Equal(t, tt.value, got.Value, tt.name)
	}
}

// A perfect fit is warm; engagement makes it hot, and is held within its
// weight.
func TestWeightedEngagementRaisesTheTier(t *testing.T) {
	t.Parallel()
	tiers := sequence.Policy{}.WithDefaults()
	l := fit()
	r := score(t, l, icp)
	require.Equal(t, 70, r.Points)
	tier, err := tiers.TierFor(r.Points)
	require.NoError(t, err)
	require.Equal(t, outbound.TierWarm, tier)
	require.Equal(t, "70 = seniority vp +25, company_size 51-200 +15, industry computer software +15, country AU-NSW +10, title growth +5, engagement none +0",
		r.Explain())

	l.Engage(outbound.EngagedOpened)
	l.Engage(outbound.EngagedReplied)
	r = score(t, l, icp)
	require.Equal(t, 85, r.Points)
	tier, err = tiers.TierFor(r.Points)
	require.NoError(t, err)
	require.Equal(t, outbound.TierHot, tier)
	require.Equal(t, 15, points(r)["engagement"])

	for _, e := range outbound.Engagements() {
		l.Engage(e)
	}
	r = score(t, l, icp)
	require.Equal(t, 30, points(r)["engagement"], "held within its weight")
	require.Equal(t, 100, r.Points)
}

// A score a lead file gave stays, with engagement on top.
func TestWeightedKeepsAProvidedScore(t *testing.T) {
	t.Parallel()
	l := &outbound.Lead{Score: 55, Title: "CEO"}
	r := score(t, l, icp)
	require.Equal(t, 55, r.Points)
	require.Equal(t, "provided", r.Signals[0].Signal)
	l.Score, l.ScoreSignals = r.Points, r.Signals
	l.Engage(outbound.EngagedReplied)
	r = score(t, l, icp)
	require.Equal(t, 67, r.Points)
	require.Equal(t, 55, points(r)["provided"])
}

func TestWeightsValidate(t *testing.T) {
	t.Parallel()
	_, err := scoring.NewWeighted(scoring.Weights{Seniority: -1})
	require.ErrorIs(t, err, outbound.ErrInvalid)
	require.ErrorContains(t, err, "Seniority")
	_, err = scoring.NewWeighted(scoring.Weights{Seniority: 10, Engaged: map[outbound.Engagement]int{"liked": 3}})
	require.ErrorContains(t, err, "Engaged")
	own, err := scoring.NewWeighted(scoring.Weights{Seniority: 100})
	require.NoError(t, err)
	r, err := own.Score(context.Background(), fit(), icp)
	require.NoError(t, err)
	require.Equal(t, 100, r.Points)
}

// randomLead draws a lead from the values the scorer reads.
func randomLead(g *rand.Rand) *outbound.Lead {
	titles := []string{"", "CEO", "VP Sales", "Head of Growth", "Director", "Growth Manager", "Analyst", "Product Owner"}
	inds := []string{"", "software", "Computer Software", "mining", "Legal"}
	countries := []string{"", "AU", "NZ", "US"}
	regions := []string{"", "NSW", "VIC", "QLD"}
	l := &outbound.Lead{Title: titles[g.IntN(len(titles))], Industry: inds[g.IntN(len(inds))],
		Country: countries[g.IntN(len(countries))], Region: regions[g.IntN(len(regions))], Employees: g.IntN(3) * g.IntN(3000)}
	for _, e := range outbound.Engagements() {
		if g.IntN(3) == 0 {
			l.Engage(e)
		}
	}
	return l
}

// Properties over random leads: the score is within 0–100 and is its
// signals' sum held there; an engagement added never lowers it; a lead
// that fits the ICP on every axis scores at least as much as one that
// misses an axis, engagement alike.
func TestWeightedProperties(t *testing.T) {
	t.Parallel()
	g := rand.New(rand.NewPCG(7, 11))
	for range 2000 {
		l := randomLead(g)
		r := score(t, l, icp)
		sum := 0
		for _, s := range r.Signals {
			sum += s.Points
		}
		require.Equal(t, max(0, min(100, sum)), r.Points)
		require.True(t, r.Points >= 0 && r.Points <= 100)

		e := outbound.Engagements()[g.IntN(len(outbound.Engagements()))]
		more := *l
		more.Engaged = append([]outbound.Engagement(nil), l.Engaged...)
		more.Engage(e)
		require.GreaterOrEqual(t, score(t, &more, icp).Points, r.Points, "engaging (%s) lowered the score", e)

		best := fit()
		best.Engaged = l.Engaged
		require.GreaterOrEqual(t, score(t, best, icp).Points, r.Points, "a lead that fits on every axis scored less: %+v", l)
	}
}
