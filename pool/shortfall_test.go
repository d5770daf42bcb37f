package pool

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// atLeast reports whether have ÷ (have + assigned) ≥ thr ÷ ppm, in exact
// rational arithmetic: the independent check of shortfall. A pool with
// nothing in it (have = assigned = 0) needs nothing.
func atLeast(have, assigned int, thr int64) bool {
	total := int64(have) + int64(assigned)
	if total == 0 {
		return have >= 0
	}
	ratio := big.NewRat(int64(have), total)
	return ratio.Cmp(big.NewRat(thr, ppm)) >= 0
}

// checkShortfall verifies shortfall's answer independently: not low means
// the ratio is already at least thr; low with n means n more pass and n−1
// more do not, so n is the fewest.
func checkShortfall(t testing.TB, have, assigned int, thr int64) {
	t.Helper()
	low, n := shortfall(have, assigned, thr)
	if !low {
		if n != 0 || !atLeast(have, assigned, thr) {
			t.Fatalf("shortfall(%d, %d, %d) = not low, %d; but the ratio is under", have, assigned, thr, n)
		}
		return
	}
	if n < 1 || atLeast(have, assigned, thr) || !atLeast(have+n, assigned, thr) || atLeast(have+n-1, assigned, thr) {
		t.Fatalf("shortfall(%d, %d, %d) = low, %d: not the fewest that restore the ratio", have, assigned, thr, n)
	}
}

func TestShortfallMatchesExactArithmetic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50_000 {
		have := rng.IntN(200) - 40 // negative: more shortfall than stock
		assigned := rng.IntN(200)
		if have < 0 && assigned < -have {
			assigned = -have + rng.IntN(50) // shortfall is part of the demand
		}
		thr := 1 + rng.Int64N(ppm-1)
		if rng.IntN(4) == 0 {
			thr = thresholdPPM(0.40)
		}
		checkShortfall(t, have, assigned, thr)
	}
}

func TestShortfallAtFortyPercent(t *testing.T) {
	t.Parallel()
	thr := thresholdPPM(DefaultBufferThreshold)
	require.Equal(t, int64(400_000), thr)
	tests := []struct {
		have, assigned int
		low            bool
		n              int
	}{
		{0, 0, false, 0},
		{2, 3, false, 0},   // exactly 40 %
		{4, 6, false, 0},   // exactly 40 %
		{40, 60, false, 0}, // exactly 40 %
		{39, 61, true, 2},  // 39 % → 41 of 102 (40.2 %); 40 of 101 is 39.6 %
		{1, 2, true, 1},
		{0, 1, true, 1},  // 1 of 2
		{-2, 3, true, 4}, // 2 short of 3 demanded: 2 of 5 after backfill
	}
	for _, tt := range tests {
		low, n := shortfall(tt.have, tt.assigned, thr)
		require.Equal(t, tt.low, low, "%+v", tt)
		require.Equal(t, tt.n, n, "%+v", tt)
	}
}

func FuzzShortfall(f *testing.F) {
	f.Add(2, 3, int64(400_000))
	f.Add(0, 0, int64(400_000))
	f.Add(-5, 7, int64(1))
	f.Add(1, 1000, int64(999_999))
	f.Add(0, 1_000_000, int64(400_000))
	f.Fuzz(func(t *testing.T, have, assigned int, thr int64) {
		// The documented domain: counts a pool can hold, have + assigned
		// not negative (a shortfall is part of the demand), thr in (0, ppm).
		if have < -1e9 || have > 1e9 || assigned < 0 || assigned > 1e9 || have+assigned < 0 || thr < 1 || thr > ppm-1 {
			t.Skip()
		}
		checkShortfall(t, have, assigned, thr)
	})
}
