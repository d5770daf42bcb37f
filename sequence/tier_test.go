package sequence

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/stretchr/testify/require"
)

func TestTierForDefaults(t *testing.T) {
	t.Parallel()
	// docs/architecture.md: Hot ≥ 85, Warm ≥ 60, Cool ≥ 35, Cold ≥ 20, Dead < 20.
	tests := []struct {
		score int
		want  outbound.Tier
	}{
		{100, outbound.TierHot}, {85, outbound.TierHot},
		{84, outbound.TierWarm}, {60, outbound.TierWarm},
		{59, outbound.TierCool}, {35, outbound.TierCool},
		{34, outbound.TierCold}, {20, outbound.TierCold},
		{19, outbound.TierDead}, {0, outbound.TierDead},
	}
	for _, tt := range tests {
		got, err := Tiers{}.TierFor(tt.score)
		require.NoError(t, err)
		require.Equal(t, tt.want, got, "score %d", tt.score)
		got, err = Policy{}.TierFor(tt.score)
		require.NoError(t, err)
		require.Equal(t, tt.want, got, "policy, score %d", tt.score)
	}
	require.Equal(t, Tiers{Hot: 85, Warm: 60, Cool: 35, Cold: 20}, Tiers{}.WithDefaults())
}

func TestTierForOutOfRange(t *testing.T) {
	t.Parallel()
	for _, score := range []int{-1, 101, -1000, 1 << 40} {
		_, err := Tiers{}.TierFor(score)
		require.ErrorIs(t, err, invalid.ErrInvalid)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "sequence", fe.Package)
		require.Equal(t, "score", fe.Field)
		require.Equal(t, score, fe.Value)
	}
}

func TestTierForCustom(t *testing.T) {
	t.Parallel()
	tiers := Tiers{Hot: 90, Warm: 70, Cool: 50, Cold: 1}
	require.NoError(t, tiers.Validate())
	for score, want := range map[int]outbound.Tier{
		90: outbound.TierHot, 89: outbound.TierWarm, 70: outbound.TierWarm, 69: outbound.TierCool,
		50: outbound.TierCool, 49: outbound.TierCold, 1: outbound.TierCold, 0: outbound.TierDead,
	} {
		got, err := tiers.TierFor(score)
		require.NoError(t, err)
		require.Equal(t, want, got, "score %d", score)
	}
	// A partly set Tiers takes the defaults for the rest.
	got, err := Tiers{Hot: 95}.TierFor(90)
	require.NoError(t, err)
	require.Equal(t, outbound.TierWarm, got)
}

func TestTiersValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tiers Tiers
		field string
		value int
	}{
		{"hot above 100", Tiers{Hot: 101}, "Tiers.Hot", 101},
		{"negative cold", Tiers{Cold: -5}, "Tiers.Cold", -5},
		{"warm not below hot", Tiers{Hot: 60, Warm: 60}, "Tiers.Warm", 60},
		{"cool above warm", Tiers{Cool: 70}, "Tiers.Cool", 70},
		{"cold equal to cool", Tiers{Cold: 35}, "Tiers.Cold", 35},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.tiers.Validate()
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
			require.Equal(t, tt.value, fe.Value)
		})
	}
	require.NoError(t, Tiers{}.Validate())
	require.NoError(t, Tiers{Hot: 100, Warm: 3, Cool: 2, Cold: 1}.Validate())
}

// TestTierForProperty checks TierFor on random valid thresholds against
// counting the thresholds a score reaches.
func TestTierForProperty(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	hottestFirst := outbound.Tiers() // hot, warm, cool, cold, dead
	for range 5000 {
		// Four distinct thresholds in 1..100, descending.
		perm := rng.Perm(100)[:4]
		th := make([]int, 4)
		for i, p := range perm {
			th[i] = p + 1
		}
		slices.Sort(th)
		slices.Reverse(th)
		tiers := Tiers{Hot: th[0], Warm: th[1], Cool: th[2], Cold: th[3]}
		require.NoError(t, tiers.Validate())
		score := rng.IntN(101)
		reached := 0
		for _, v := range th {
			if score >= v {
				reached++
			}
		}
		got, err := tiers.TierFor(score)
		require.NoError(t, err)
		require.Equal(t, hottestFirst[4-reached], got, "%+v score %d", tiers, score)
	}
}

func TestDefaultGating(t *testing.T) {
	t.Parallel()
	// docs/architecture.md: Hot all five; Warm email, voice, LinkedIn, SMS; Cool email,
	// LinkedIn; Cold email only; Dead none.
	const (
		E = channel.Email
		V = channel.Voice
		L = channel.LinkedIn
		S = channel.SMS
		M = channel.Mail
	)
	allowed := map[outbound.Tier][]channel.Kind{
		outbound.TierHot:  {E, V, L, S, M},
		outbound.TierWarm: {E, V, L, S},
		outbound.TierCool: {E, L},
		outbound.TierCold: {E},
		outbound.TierDead: {},
	}
	for _, g := range []Gating{nil, DefaultGating()} {
		for tier, kinds := range allowed {
			for _, k := range channel.Kinds() {
				want := false
				for _, a := range kinds {
					want = want || a == k
				}
				require.Equal(t, want, g.Allows(tier, k), "nil=%v %s %s", g == nil, tier, k)
			}
			require.Equal(t, tier != outbound.TierDead, g.Enrolls(tier), "%s", tier)
		}
		require.False(t, g.Allows("lukewarm", channel.Email))
		require.False(t, g.Enrolls("lukewarm"))
	}
	require.NoError(t, DefaultGating().Validate())
	require.NoError(t, Gating(nil).Validate())
}

func TestGatingCustom(t *testing.T) {
	t.Parallel()
	g := DefaultGating()
	g[outbound.TierDead] = channel.SetOf(channel.Email)
	require.True(t, g.Enrolls(outbound.TierDead))
	require.False(t, DefaultGating().Enrolls(outbound.TierDead), "DefaultGating returns a fresh map")

	// A tier missing from a non-nil map may use nothing.
	only := Gating{outbound.TierHot: channel.SetOf(channel.Voice)}
	require.True(t, only.Allows(outbound.TierHot, channel.Voice))
	require.False(t, only.Allows(outbound.TierHot, channel.Email))
	require.False(t, only.Allows(outbound.TierWarm, channel.Email))
}

func TestGatingValidate(t *testing.T) {
	t.Parallel()
	err := Gating{"lukewarm": channel.AllKinds, outbound.TierHot: channel.Set(0xff)}.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	require.EqualError(t, err, `sequence: Policy.Gating[hot] = 255: holds bits that are no channel
sequence: Policy.Gating = "lukewarm": unknown tier (want hot, warm, cool, cold or dead)`)
}

func BenchmarkTierFor(b *testing.B) {
	b.ReportAllocs()
	var tiers Tiers
	n := 0
	for i := 0; b.Loop(); i++ {
		if tier, _ := tiers.TierFor(i % 101); tier == outbound.TierHot {
			n++
		}
	}
	_ = n
}
