package warmup

import (
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHealthPolicyDefaults(t *testing.T) {
	t.Parallel()
	h := HealthPolicy{}.WithDefaults()
	require.Equal(t, HealthPolicy{Window: 14 * 24 * time.Hour, MinSends: 20, MaxBounceRate: 0.03, MaxComplaintRate: 0.003}, h)
	require.NoError(t, HealthPolicy{}.Validate())
}

func TestEvaluateDefaultRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		stats      Stats
		wantPause  bool
		wantReason string
	}{
		{"no sends", Stats{}, false, ""},
		{"19 sends, every one bounced: too few to judge", Stats{Sends: 19, Bounces: 19, Complaints: 19}, false, ""},
		{"20 sends, 1 bounce (5%) pauses", Stats{Sends: 20, Bounces: 1}, true, "bounce rate 5% over 14 days > 3%"},
		{"20 sends, no bounce", Stats{Sends: 20}, false, ""},
		{"3 in 100 is exactly 3%: no pause", Stats{Sends: 100, Bounces: 3}, false, ""},
		{"4 in 100 pauses", Stats{Sends: 100, Bounces: 4}, true, "bounce rate 4% over 14 days > 3%"},
		{"1 in 33 (3.03%) pauses", Stats{Sends: 33, Bounces: 1}, true, "bounce rate 3.03% over 14 days > 3%"},
		{"1 in 34 (2.94%) does not", Stats{Sends: 34, Bounces: 1}, false, ""},
		{"30 in 1000 does not", Stats{Sends: 1000, Bounces: 30}, false, ""},
		{"31 in 1000 (3.1%) pauses", Stats{Sends: 1000, Bounces: 31}, true, "bounce rate 3.1% over 14 days > 3%"},
		{"301 in 10000 (3.01%) pauses", Stats{Sends: 10_000, Bounces: 301}, true, "bounce rate 3.01% over 14 days > 3%"},
		{"7 in 200 (3.5%)", Stats{Sends: 200, Bounces: 7}, true, "bounce rate 3.5% over 14 days > 3%"},
		{"complaints 3 in 1000 is exactly 0.3%: no pause", Stats{Sends: 1000, Complaints: 3}, false, ""},
		{"complaints 4 in 1000 pauses", Stats{Sends: 1000, Complaints: 4}, true, "complaint rate 0.4% over 14 days > 0.3%"},
		{"complaints 1 in 333 (0.3003%) pauses", Stats{Sends: 333, Complaints: 1}, true, "complaint rate 0.3003% over 14 days > 0.3%"},
		{"complaints 1 in 334 (0.2994%) does not", Stats{Sends: 334, Complaints: 1}, false, ""},
		{"complaints 1 in 20 pauses at the minimum", Stats{Sends: 20, Complaints: 1}, true, "complaint rate 5% over 14 days > 0.3%"},
		{"both pass", Stats{Sends: 100, Bounces: 5, Complaints: 1}, true, "bounce rate 5% over 14 days > 3%; complaint rate 1% over 14 days > 0.3%"},
		{"bounces beyond sends still pause", Stats{Sends: 20, Bounces: 40}, true, "bounce rate 200% over 14 days > 3%"},
		{"negative counts are zero", Stats{Sends: 100, Bounces: -5, Complaints: -1}, false, ""},
		{"negative sends are zero", Stats{Sends: -100, Bounces: 50}, false, ""},
	}
	var rule HealthPolicy
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := rule.Evaluate(tt.stats)
			require.Equal(t, tt.wantPause, v.Pause)
			require.Equal(t, tt.wantReason, v.Reason)
			require.Equal(t, tt.wantPause, v.Health().Paused)
		})
	}
}

func TestEvaluateRates(t *testing.T) {
	t.Parallel()
	v := HealthPolicy{}.Evaluate(Stats{Sends: 200, Bounces: 7, Complaints: 1})
	require.InDelta(t, 0.035, v.BounceRate, 1e-12)
	require.InDelta(t, 0.005, v.ComplaintRate, 1e-12)
	v = HealthPolicy{}.Evaluate(Stats{Sends: 5, Bounces: 1})
	require.False(t, v.Pause)
	require.InDelta(t, 0.2, v.BounceRate, 1e-12, "rates are reported below MinSends too")
	require.Zero(t, HealthPolicy{}.Evaluate(Stats{}).BounceRate)
}

func TestEvaluateCustomRule(t *testing.T) {
	t.Parallel()
	rule := HealthPolicy{Window: 7 * 24 * time.Hour, MinSends: 50, MaxBounceRate: 0.05, MaxComplaintRate: 0.001}
	require.False(t, rule.Evaluate(Stats{Sends: 49, Bounces: 49}).Pause)
	require.False(t, rule.Evaluate(Stats{Sends: 100, Bounces: 5}).Pause)
	require.Equal(t, "bounce rate 6% over 7 days > 5%", rule.Evaluate(Stats{Sends: 100, Bounces: 6}).Reason)
	require.Equal(t, "complaint rate 0.2% over 7 days > 0.1%", rule.Evaluate(Stats{Sends: 1000, Complaints: 2}).Reason)
	require.False(t, rule.Evaluate(Stats{Sends: 1000, Complaints: 1}).Pause)

	require.Equal(t, "bounce rate 100% over 1 day > 3%", HealthPolicy{Window: 24 * time.Hour}.Evaluate(Stats{Sends: 20, Bounces: 20}).Reason)
	require.Equal(t, "bounce rate 100% over 36h0m0s > 3%", HealthPolicy{Window: 36 * time.Hour}.Evaluate(Stats{Sends: 20, Bounces: 20}).Reason)
}

func TestHealthPolicyValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		policy HealthPolicy
		field  string
	}{
		{"negative window", HealthPolicy{Window: -time.Hour}, "Window"},
		{"negative min sends", HealthPolicy{MinSends: -1}, "MinSends"},
		{"negative bounce rate", HealthPolicy{MaxBounceRate: -0.1}, "MaxBounceRate"},
		{"bounce rate above 1", HealthPolicy{MaxBounceRate: 3}, "MaxBounceRate"},
		{"complaint rate above 1", HealthPolicy{MaxComplaintRate: 1.5}, "MaxComplaintRate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.policy.Validate()
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
		})
	}
	require.NoError(t, HealthPolicy{MaxBounceRate: 1, MaxComplaintRate: 1}.Validate())
}

// TestExceedsMatchesExactRationals compares the integer rate comparison with
// exact rational arithmetic over random counts and thresholds.
func TestExceedsMatchesExactRationals(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	for range 50_000 {
		sends := 1 + rng.IntN(100_000)
		n := rng.IntN(sends/5 + 2)
		ppm := int64(rng.IntN(100_000))
		if rng.IntN(4) == 0 {
			// Land exactly on the threshold now and then.
			ppm = int64(n) * 1_000_000 / int64(sends)
		}
		rate := float64(ppm) / 1e6
		want := big.NewRat(int64(n), int64(sends)).Cmp(big.NewRat(ppm, 1_000_000)) > 0
		if got := exceeds(n, sends, rate); got != want {
			t.Fatalf("%d/%d > %d ppm: got %v, exact arithmetic says %v", n, sends, ppm, got, want)
		}
	}
	// Beyond the int64 fast path.
	require.True(t, exceeds(1<<53, 1<<54, 0.3))
	require.False(t, exceeds(1<<53, 1<<54, 0.6))
}

func TestPercent(t *testing.T) {
	t.Parallel()
	for rate, want := range map[float64]string{
		0.03: "3%", 0.035: "3.5%", 1.0 / 33: "3.03%", 0.003: "0.3%", 0: "0%", 1: "100%", 0.00001: "0%", 0.1: "10%",
	} {
		require.Equal(t, want, percent(rate, 2))
	}
	require.Equal(t, "0.3003%", percentOver(1.0/333, 0.003))
	require.Equal(t, "3.01%", percentOver(0.0301, 0.03))
	require.Equal(t, "3.0001%", percentOver(0.030001, 0.03))
}

func BenchmarkEvaluate(b *testing.B) {
	b.ReportAllocs()
	var rule HealthPolicy
	n := 0
	for i := 0; b.Loop(); i++ {
		if rule.Evaluate(Stats{Sends: 1000 + i&1023, Bounces: 20}).Pause {
			n++
		}
	}
	_ = n
}
