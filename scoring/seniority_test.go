package scoring_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/scoring"
)

func TestParseSeniority(t *testing.T) {
	t.Parallel()
	const (
		ex  = outbound.SeniorityExecutive
		vp  = outbound.SeniorityVP
		dir = outbound.SeniorityDirector
		mgr = outbound.SeniorityManager
		ind = outbound.SeniorityIndividual
	)
	tests := map[string]outbound.Seniority{
		"":                                  "",
		"   ":                               "",
		"CEO":                               ex,
		"Chief Executive Officer":           ex,
		"CTO":                               ex,
		"Co-Founder & CEO":                  ex,
		"Founder":                           ex,
		"Cofounder":                         ex,
		"Owner":                             ex,
		"Business Owner":                    ex,
		"President":                         ex,
		"Managing Director":                 ex,
		"Managing Partner":                  ex,
		"Partner":                           ex,
		"Chief Revenue Officer":             ex,
		"CFO / COO":                         ex,
		"Vice President, Sales":             vp,
		"Vice-President of Marketing":       vp,
		"VP Sales":                          vp,
		"SVP Operations":                    vp,
		"EVP, Growth":                       vp,
		"Head of Growth":                    vp,
		"Head of People & Culture":          vp,
		"Director of Sales":                 dir,
		"Sales Director":                    dir,
		"Executive Director":                dir,
		"Associate Director, Partnerships":  dir,
		"Marketing Manager":                 mgr,
		"Senior Account Manager":            mgr,
		"Partner Manager":                   mgr,
		"Team Lead":                         mgr,
		"Sales Lead":                        mgr,
		"Warehouse Supervisor":              mgr,
		"Product Owner":                     ind,
		"Executive Assistant to the CEO":    ind,
		"Directory Assistant":               ind,
		"Coordinator":                       ind,
		"Account Executive":                 ind,
		"Software Engineer":                 ind,
		"Marketing Coordinator":             ind,
		"Leading Hand":                      ind,
		"Presidential Scholar":              ind,
		"Analyst":                           ind,
		"Chief of Staff":                    ex,
		"Head Chef":                         mgr,
		"Directrice Générale (directeur)":   dir,
		"Personal Assistant to the Founder": ind,
	}
	for title, want := range tests {
		require.Equal(t, want, scoring.ParseSeniority(title), "%q", title)
	}
}
