package scoring_test

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/scoring"
)

// A lead scored against a campaign's profile, then again once it has
// replied: the explanation says what each signal gave.
func Example() {
	s, _ := scoring.NewWeighted(scoring.Weights{})
	profile := outbound.ICP{Countries: []string{"AU"}, Industries: []string{"software"}, MinEmployees: 11, MaxEmployees: 500,
		Seniority: outbound.SeniorityDirector}
	lead := &outbound.Lead{Title: "VP Marketing", Employees: 80, Industry: "Software", Country: "AU", Region: "VIC"}
	r, _ := s.Score(context.Background(), lead, profile)
	fmt.Println(r.Explain())
	lead.Engage(outbound.EngagedReplied)
	r, _ = s.Score(context.Background(), lead, profile)
	fmt.Println(r.Points)
	// Output:
	// 70 = seniority vp +25, company_size 51-200 +15, industry software +15, country AU-VIC +10, title any +5, engagement none +0
	// 82
}
