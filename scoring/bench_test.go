package scoring_test

import (
	"context"
	"testing"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/scoring"
)

// BenchmarkWeighted scores a lead that fits on every axis and has engaged
// twice: the work the importer does per row and the applier per new
// engagement.
func BenchmarkWeighted(b *testing.B) {
	s, err := scoring.NewWeighted(scoring.Weights{})
	if err != nil {
		b.Fatal(err)
	}
	l := fit()
	l.Engage(outbound.EngagedOpened)
	l.Engage(outbound.EngagedReplied)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Score(ctx, l, icp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSeniority reads a title's seniority.
func BenchmarkParseSeniority(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		scoring.ParseSeniority("Senior Director of Growth Marketing")
	}
}
