package outbound_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
)

func TestICPValidate(t *testing.T) {
	t.Parallel()
	good := outbound.ICP{Countries: []string{"AU", "NZ"}, Regions: []string{"AU-NSW"}, Industries: []string{"software"},
		MinEmployees: 11, MaxEmployees: 200, Titles: []string{"growth"}, Seniority: outbound.SeniorityDirector}
	require.NoError(t, good.Validate())
	require.NoError(t, outbound.ICP{}.Validate())
	require.True(t, outbound.ICP{}.IsZero())
	require.False(t, good.IsZero())
	tests := []struct {
		field string
		edit  func(p *outbound.ICP)
	}{
		{"Countries[1]", func(p *outbound.ICP) { p.Countries[1] = "nz" }},
		{"Countries[0]", func(p *outbound.ICP) { p.Countries[0] = "Australia" }},
		{"Regions[0]", func(p *outbound.ICP) { p.Regions[0] = "NSW" }},
		{"Industries[0]", func(p *outbound.ICP) { p.Industries[0] = " " }},
		{"Titles[0]", func(p *outbound.ICP) { p.Titles[0] = "" }},
		{"MinEmployees", func(p *outbound.ICP) { p.MinEmployees = -1 }},
		{"MaxEmployees", func(p *outbound.ICP) { p.MinEmployees, p.MaxEmployees = 500, 200 }},
		{"Seniority", func(p *outbound.ICP) { p.Seniority = "boss" }},
	}
	for _, tt := range tests {
		p := good
		p.Countries, p.Regions = []string{"AU", "NZ"}, []string{"AU-NSW"}
		p.Industries, p.Titles = []string{"software"}, []string{"growth"}
		tt.edit(&p)
		err := p.Validate()
		require.ErrorIs(t, err, outbound.ErrInvalid, tt.field)
		var fe *outbound.ValidationError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, tt.field, fe.Field)
	}
	require.Equal(t, 5, outbound.SeniorityExecutive.Rank())
	require.Equal(t, 1, outbound.SeniorityIndividual.Rank())
	require.Zero(t, outbound.Seniority("boss").Rank())
}
