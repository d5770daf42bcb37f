package warmup

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzPolicyJSON feeds policies as a host would load them from a
// configuration file: whatever the file says, DailyLimit stays within
// [0, Ceiling] and within a positive Max, and a policy that validates gives
// a limit that never falls with age when its stage limits never fall.
func FuzzPolicyJSON(f *testing.F) {
	f.Add([]byte(`{}`), 30, 0, false)
	f.Add([]byte(`{"curve":[{"from_day":0,"limit":0},{"from_day":14,"limit":10},{"from_day":21,"limit":20},{"from_day":28,"limit":30}],"max":30}`), 14, 0, false)
	f.Add([]byte(`{"curve":[{"from_day":0,"limit":80}],"max":80}`), 100, 10, false)
	f.Add([]byte(`{"curve":[{"from_day":5,"limit":-3},{"from_day":1,"limit":9}],"max":-1}`), -4, 300, true)
	f.Fuzz(func(t *testing.T, data []byte, age, throttle int, paused bool) {
		var p Policy
		if json.Unmarshal(data, &p) != nil {
			return
		}
		got := p.DailyLimit(age, Health{Paused: paused, Throttle: throttle})
		require.GreaterOrEqual(t, got, 0)
		require.LessOrEqual(t, got, Ceiling)
		if p.Max > 0 {
			require.LessOrEqual(t, got, p.Max)
		}
		if p.Validate() != nil {
			return
		}
		rising := true
		for i := 1; i < len(p.Curve); i++ {
			rising = rising && p.Curve[i].Limit >= p.Curve[i-1].Limit
		}
		if rising && age < math.MaxInt {
			require.GreaterOrEqual(t, p.DailyLimit(age+1, Health{}), p.DailyLimit(age, Health{}))
		}
	})
}

// FuzzEvaluate checks the pause decision against exact rational arithmetic.
func FuzzEvaluate(f *testing.F) {
	f.Add(100, 3, 0, 0.03, 0.003, 20)
	f.Add(33, 1, 0, 0.03, 0.003, 20)
	f.Add(1000, 0, 3, 0.03, 0.003, 20)
	f.Add(19, 19, 19, 0.03, 0.003, 20)
	f.Add(20, 1, 0, 0.0, 0.0, 0)
	f.Fuzz(func(t *testing.T, sends, bounces, complaints int, maxBounce, maxComplaint float64, minSends int) {
		h := HealthPolicy{MinSends: minSends, MaxBounceRate: maxBounce, MaxComplaintRate: maxComplaint}
		if h.Validate() != nil {
			return
		}
		v := h.Evaluate(Stats{Sends: sends, Bounces: bounces, Complaints: complaints})
		h = h.WithDefaults()
		s, b, c := max(sends, 0), max(bounces, 0), max(complaints, 0)
		want := false
		if s > 0 && s >= h.MinSends {
			over := func(n int, rate float64) bool {
				ppm := int64(math.Round(rate * 1e6))
				return new(big.Rat).SetFrac64(int64(n), int64(s)).Cmp(big.NewRat(ppm, 1_000_000)) > 0
			}
			want = over(b, h.MaxBounceRate) || over(c, h.MaxComplaintRate)
		}
		require.Equal(t, want, v.Pause, "%+v %+v", h, v)
		require.Equal(t, v.Pause, v.Reason != "")
	})
}
