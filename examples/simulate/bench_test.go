package main

import (
	"context"
	"io"
	"testing"
	"time"
)

// BenchmarkSimulate runs the default simulation (3 clients, 2,000 leads,
// 30 days) and a small one; it reports the touches sent per run.
func BenchmarkSimulate(b *testing.B) {
	for _, bc := range []struct {
		name  string
		leads int
		days  int
	}{{"leads=200/days=10", 200, 10}, {"leads=2000/days=30", 2000, 30}} {
		b.Run(bc.name, func(b *testing.B) {
			o := options{Clients: 3, Leads: bc.leads, Days: bc.days, Seed: 1, Workers: 4, Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
			b.ReportAllocs()
			sent := 0
			for b.Loop() {
				ctx := context.Background()
				sim, err := simulate(ctx, o, io.Discard)
				if err != nil {
					b.Fatal(err)
				}
				sum, err := sim.summary(ctx)
				if err != nil {
					b.Fatal(err)
				}
				sent = 0
				for _, d := range sum.Daily {
					sent += d.TotalSent()
				}
			}
			b.ReportMetric(float64(sent), "sent/run")
		})
	}
}
