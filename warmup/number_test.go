package warmup_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/warmup"
)

func TestNumberPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		s      warmup.NumberStats
		pause  bool
		reason string
	}{
		{"no sends", warmup.NumberStats{}, false, ""},
		{"49 sends, all opted out: too few", warmup.NumberStats{Sends: 49, OptOuts: 49}, false, ""},
		{"clean", warmup.NumberStats{Sends: 200, Blocked: 2, OptOuts: 3, SpamLikely: 5}, false, ""},
		{"opt-outs exactly 3 %", warmup.NumberStats{Sends: 100, OptOuts: 3}, false, ""},
		{"opt-outs 4 %", warmup.NumberStats{Sends: 100, OptOuts: 4}, true, "opt-out rate 4% over 14 days > 3%"},
		{"blocks 6 %", warmup.NumberStats{Sends: 50, Blocked: 3}, true, "carrier block rate 6% over 14 days > 5%"},
		{"spam 11 %", warmup.NumberStats{Sends: 100, SpamLikely: 11}, true, "spam-likely rate 11% over 14 days > 10%"},
		{"two at once", warmup.NumberStats{Sends: 100, Blocked: 6, OptOuts: 4}, true,
			"carrier block rate 6% over 14 days > 5%; opt-out rate 4% over 14 days > 3%"},
		{"negative counts are zero", warmup.NumberStats{Sends: 100, OptOuts: -5}, false, ""},
	} {
		v := warmup.NumberPolicy{}.Evaluate(c.s)
		require.Equal(t, c.pause, v.Pause, c.name)
		require.Equal(t, c.reason, v.Reason, c.name)
	}
	require.NoError(t, warmup.NumberPolicy{}.Validate())
	err := warmup.NumberPolicy{MaxOptOutRate: 1.5, MinSends: -1}.Validate()
	require.True(t, errors.Is(err, warmup.ErrInvalid), "%v", err)
	require.ErrorContains(t, err, "MaxOptOutRate")
	require.ErrorContains(t, err, "MinSends")
}
