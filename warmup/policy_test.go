package warmup

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPolicyDefaults(t *testing.T) {
	t.Parallel()
	p := Policy{}.WithDefaults()
	require.Equal(t, DefaultCurve(), p.Curve)
	require.Equal(t, 30, p.Max)
	require.Equal(t, 30, DefaultMax)
	require.Equal(t, 50, Ceiling)
	require.NoError(t, Policy{}.Validate())

	// A set field is kept.
	custom := Policy{Curve: Curve{{0, 7}}, Max: 12}.WithDefaults()
	require.Equal(t, Curve{{0, 7}}, custom.Curve)
	require.Equal(t, 12, custom.Max)
}

func TestPolicyValidate(t *testing.T) {
	t.Parallel()
	err := Policy{Max: -1}.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "Max", fe.Field)
	require.Equal(t, -1, fe.Value)

	err = Policy{Curve: Curve{{3, 10}}, Max: -2}.Validate()
	require.ErrorContains(t, err, "Curve[0].FromDay = 3")
	require.ErrorContains(t, err, "Max = -2")

	// Above the ceiling is valid: it is clamped, not rejected.
	require.NoError(t, Policy{Curve: Curve{{0, 80}}, Max: 80}.Validate())
}

func TestDailyLimit(t *testing.T) {
	t.Parallel()
	flat80 := Curve{{0, 80}}
	tests := []struct {
		name   string
		policy Policy
		age    int
		health Health
		want   int
	}{
		{"default, aged", Policy{}, 100, Health{}, 30},
		{"default, warming", Policy{}, 5, Health{}, 0},
		{"curve stage of 80 with default Max stops at Max", Policy{Curve: flat80}, 100, Health{}, 30},
		{"curve stage of 80 and Max 80 stop at the ceiling", Policy{Curve: flat80, Max: 80}, 100, Health{}, 50},
		{"Max 80 over the default curve stays at the curve", Policy{Max: 80}, 100, Health{}, 30},
		{"Max 50 exactly", Policy{Curve: flat80, Max: 50}, 1, Health{}, 50},
		{"Max 49", Policy{Curve: flat80, Max: 49}, 1, Health{}, 49},
		{"Max below the curve caps it", Policy{Max: 12}, 100, Health{}, 12},
		{"Max above the curve leaves it", Policy{Max: 12}, 15, Health{}, 10},
		{"negative Max sends nothing", Policy{Max: -5}, 100, Health{}, 0},
		{"negative age sends nothing", Policy{Curve: flat80, Max: 80}, -1, Health{}, 0},
		{"paused sends nothing", Policy{}, 100, Health{Paused: true}, 0},
		{"paused wins over throttle", Policy{}, 100, Health{Paused: true, Throttle: 10}, 0},
		{"throttle 25% of 30 rounds down to 22", Policy{}, 100, Health{Throttle: 25}, 22},
		{"throttle 50% of 10", Policy{}, 14, Health{Throttle: 50}, 5},
		{"throttle 100% sends nothing", Policy{}, 100, Health{Throttle: 100}, 0},
		{"throttle above 100 clamps to 100", Policy{}, 100, Health{Throttle: 250}, 0},
		{"negative throttle is none", Policy{}, 100, Health{Throttle: -40}, 30},
		{"throttle applies after the ceiling", Policy{Curve: flat80, Max: 80}, 100, Health{Throttle: 10}, 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.policy.DailyLimit(tt.age, tt.health))
		})
	}
}

// TestDailyLimitNeverExceedsCeiling: for random curves (valid or not), Max
// and throttles, the limit stays within [0, Ceiling] and within Max.
func TestDailyLimitNeverExceedsCeiling(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20_000 {
		n := rng.IntN(6)
		c := make(Curve, n)
		for i := range c {
			c[i] = Stage{FromDay: rng.IntN(100) - 10, Limit: rng.IntN(400) - 50}
		}
		p := Policy{Curve: c, Max: rng.IntN(400) - 50}
		h := Health{Throttle: rng.IntN(300) - 100, Paused: rng.IntN(10) == 0}
		age := rng.IntN(20_000) - 100
		got := p.DailyLimit(age, h)
		// Plain comparisons in the loop: require's reflection is slow under -race.
		if got < 0 || got > Ceiling || (p.Max > 0 && got > p.Max) || (h.Paused && got != 0) {
			t.Fatalf("%+v age %d %+v: limit %d outside [0, min(Max, %d)] or not 0 when paused", p, age, h, got, Ceiling)
		}
	}
}

// TestDailyLimitMonotonic: the default curve, and any valid curve whose
// limits never fall, give a limit that never falls as the resource ages.
func TestDailyLimitMonotonic(t *testing.T) {
	t.Parallel()
	prev := 0
	for age := -10; age <= 10_000; age++ {
		got := Policy{}.DailyLimit(age, Health{})
		if got < prev {
			t.Fatalf("age %d: limit %d fell from %d", age, got, prev)
		}
		prev = got
	}
	require.Equal(t, 30, prev)

	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		c := randomValidCurve(rng)
		for i := 1; i < len(c); i++ {
			c[i].Limit = max(c[i].Limit, c[i-1].Limit)
		}
		p := Policy{Curve: c, Max: 1 + rng.IntN(100)}
		prev := 0
		for age := 0; age < 200; age++ {
			got := p.DailyLimit(age, Health{})
			if got < prev {
				t.Fatalf("%+v age %d: limit %d fell from %d", p, age, got, prev)
			}
			prev = got
		}
	}
}

func BenchmarkDailyLimit(b *testing.B) {
	b.Run("default", func(b *testing.B) {
		b.ReportAllocs()
		var p Policy
		sum := 0
		for i := 0; b.Loop(); i++ {
			sum += p.DailyLimit(i&63, Health{Throttle: i & 7})
		}
		_ = sum
	})
	b.Run("custom", func(b *testing.B) {
		b.ReportAllocs()
		p := Policy{Curve: DefaultCurve(), Max: 40}
		sum := 0
		for i := 0; b.Loop(); i++ {
			sum += p.DailyLimit(i&63, Health{})
		}
		_ = sum
	})
}
