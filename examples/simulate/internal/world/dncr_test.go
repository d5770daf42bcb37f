package world_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/examples/simulate/internal/world"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// TestReadRegisterEveryCountry: a register file lists numbers of any
// country, and every number it does not list, of whatever country, is
// clear, as the simulator has always read it.
func TestReadRegisterEveryCountry(t *testing.T) {
	t.Parallel()
	clk := timingtest.NewClock(start)
	reg, err := world.ReadRegister(strings.NewReader("+61291234567\r\n+12125550100\n# comment\n+442079460958\n"), clk)
	require.NoError(t, err)
	res, err := reg.Wash(context.Background(), []string{"+61291234567", "+12125550100", "+442079460958", "+61412345678", "+16465550100", "+14165550199", "+33123456789"})
	require.NoError(t, err)
	got := map[string]outbound.DNCRStatus{}
	for _, r := range res {
		require.Equal(t, start, r.WashedAt)
		got[r.Phone] = r.Status
	}
	require.Equal(t, map[string]outbound.DNCRStatus{
		"+61291234567": outbound.DNCRRegistered, "+12125550100": outbound.DNCRRegistered, "+442079460958": outbound.DNCRRegistered,
		"+61412345678": outbound.DNCRClear, "+16465550100": outbound.DNCRClear, "+14165550199": outbound.DNCRClear, "+33123456789": outbound.DNCRClear,
	}, got)

	// A number that is not valid is named by the error; the rest are washed.
	res, err = reg.Wash(context.Background(), []string{"+61291234567", "+61 2 1234"})
	require.ErrorIs(t, err, invalid.ErrInvalid)
	require.ErrorContains(t, err, `"+61 2 1234"`)
	require.Len(t, res, 1)
	require.Equal(t, outbound.DNCRRegistered, res[0].Status)
}

func TestReadRegisterLineErrors(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"+61291234567\n02 9123 4567\n", // national form: no country to read it in
		"+61291234567\n+61 2 1234\n",   // E.164 in form, but no number in use
		"+61291234567\nhello\n",
	} {
		_, err := world.ReadRegister(strings.NewReader(text), timingtest.NewClock(start))
		var le *donotcall.LineError
		require.ErrorAs(t, err, &le, "%q", text)
		require.Equal(t, 2, le.Line)
		require.ErrorContains(t, err, "dncr file line 2")
	}
}
