package donotcall_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing/timingtest"
)

func TestNewByCountryErrors(t *testing.T) {
	t.Parallel()
	clock := timingtest.NewClock(start)
	ok := &fake{}
	for _, tc := range []struct {
		name  string
		cfg   donotcall.ByCountryConfig
		field string
	}{
		{"no clock", donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"AU": ok}}, "Clock"},
		{"UK is GB", donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"UK": ok}, Clock: clock}, `Registers["UK"]`},
		{"lower case", donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"au": ok}, Clock: clock}, `Registers["au"]`},
		{"calling code", donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"+61": ok}, Clock: clock}, `Registers["+61"]`},
		{"nil register", donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"AU": nil}, Clock: clock}, `Registers["AU"]`},
	} {
		_, err := donotcall.NewByCountry(tc.cfg)
		require.ErrorIs(t, err, invalid.ErrInvalid, tc.name)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe, tc.name)
		require.Equal(t, tc.field, fe.Field, tc.name)
	}
	reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"US": ok, "001": ok, "AU": ok}, Clock: clock})
	require.NoError(t, err)
	require.Equal(t, []string{"001", "AU", "US"}, reg.Countries())
}

// TestWashByCountry: an Australian number goes to the Australian register,
// a US number to the US files, and a British one, with no register, is
// not_applicable.
func TestWashByCountry(t *testing.T) {
	t.Parallel()
	clock := timingtest.NewClock(start)
	au := &fake{listed: map[string]bool{"+61291234567": true}, washedAt: start.Add(-time.Minute)}
	reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{
		Registers: map[string]donotcall.Register{"AU": au, "US": usFiles(t)},
		Clock:     clock,
	})
	require.NoError(t, err)
	res, err := reg.Wash(context.Background(), []string{"+61291234567", "+61412345678", "+12125550100", "+12125550101", "+442079460958"})
	require.NoError(t, err)
	require.Equal(t, map[string]outbound.DNCRStatus{
		"+61291234567":  outbound.DNCRRegistered,
		"+61412345678":  outbound.DNCRClear,
		"+12125550100":  outbound.DNCRRegistered,
		"+12125550101":  outbound.DNCRClear,
		"+442079460958": outbound.DNCRNotApplicable,
	}, byStatus(t, res))
	require.Equal(t, [][]string{{"+61291234567", "+61412345678"}}, au.calls(), "the AU register is asked only about AU numbers, once")
	for _, r := range res {
		switch r.Phone {
		case "+442079460958":
			require.Equal(t, start, r.WashedAt, "not_applicable is stamped with the clock's now")
		case "+61291234567", "+61412345678":
			require.Equal(t, start.Add(-time.Minute), r.WashedAt, "a register's own time is passed on")
		}
	}
	require.Equal(t, []string{"GB"}, reg.Unconfigured())
}

func TestWashRouting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		phone     string
		countries []string // countries configured, each with a fake
		want      outbound.DNCRStatus
		askedOf   string // the country whose register is asked, "" none
		askedAs   string // the number as that register is asked it
	}{
		{"AU to AU", "+61412345678", []string{"AU", "US"}, outbound.DNCRClear, "AU", "+61412345678"},
		{"US to US", "+12125550101", []string{"AU", "US"}, outbound.DNCRClear, "US", "+12125550101"},
		{"Canada is not the US", "+14165550199", []string{"US"}, outbound.DNCRNotApplicable, "", ""},
		{"Canada to CA", "+14165550199", []string{"US", "CA"}, outbound.DNCRClear, "CA", "+14165550199"},
		{"Puerto Rico is not the US", "+17875550100", []string{"US"}, outbound.DNCRNotApplicable, "", ""},
		{"Puerto Rico to PR", "+17875550100", []string{"US", "PR"}, outbound.DNCRClear, "PR", "+17875550100"},
		{"Jamaica", "+18765550100", []string{"US"}, outbound.DNCRNotApplicable, "", ""},
		{"GB", "+442079460958", []string{"AU", "US"}, outbound.DNCRNotApplicable, "", ""},
		{"GB configured", "+442079460958", []string{"GB"}, outbound.DNCRClear, "GB", "+442079460958"},
		{"no register at all", "+61412345678", nil, outbound.DNCRNotApplicable, "", ""},
		{"spaced E.164 is asked normalised", "+61 412 345 678", []string{"AU"}, outbound.DNCRClear, "AU", "+61412345678"},
	} {
		regs := map[string]donotcall.Register{}
		fakes := map[string]*fake{}
		for _, c := range tc.countries {
			fakes[c] = &fake{}
			regs[c] = fakes[c]
		}
		reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Registers: regs, Clock: timingtest.NewClock(start)})
		require.NoError(t, err)
		res, err := reg.Wash(context.Background(), []string{tc.phone})
		require.NoError(t, err, tc.name)
		require.Equal(t, map[string]outbound.DNCRStatus{tc.phone: tc.want}, byStatus(t, res), tc.name)
		for c, f := range fakes {
			if c == tc.askedOf {
				require.Equal(t, [][]string{{tc.askedAs}}, f.calls(), tc.name)
			} else {
				require.Empty(t, f.calls(), "%s: %s not asked", tc.name, c)
			}
		}
	}
}

func TestWashInvalidNumbers(t *testing.T) {
	t.Parallel()
	au := &fake{}
	reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"AU": au}, Clock: timingtest.NewClock(start)})
	require.NoError(t, err)
	res, err := reg.Wash(context.Background(), []string{"+61412345678", "0412 345 678", "", "+61 2 1234", "+61412345678"})
	require.Equal(t, map[string]outbound.DNCRStatus{"+61412345678": outbound.DNCRClear}, byStatus(t, res), "a repeated number is answered once")
	require.ErrorIs(t, err, invalid.ErrInvalid)
	names := named(err)
	require.Len(t, names, 3)
	for _, p := range []string{"0412 345 678", "", "+61 2 1234"} {
		var fe *invalid.FieldError
		require.ErrorAs(t, names[p], &fe, "%q", p)
		require.Equal(t, "phone", fe.Field)
		require.Contains(t, err.Error(), fmt.Sprintf("%q", p))
	}
	require.Equal(t, [][]string{{"+61412345678"}}, au.calls(), "invalid numbers are not washed")
}

// TestWashRegisterErrors: a failing register fails its own country's
// numbers only; what it did answer is kept.
func TestWashRegisterErrors(t *testing.T) {
	t.Parallel()
	down := errors.New("wash service down")
	for _, tc := range []struct {
		name     string
		au       *fake
		wantAU   map[string]outbound.DNCRStatus // AU results kept
		notWashd []string                       // AU numbers named by the WashError
		is       error
	}{
		{"fails", &fake{err: down, omit: map[string]bool{"+61412345678": true, "+61291234567": true}},
			map[string]outbound.DNCRStatus{}, []string{"+61412345678", "+61291234567"}, down},
		{"fails after one", &fake{err: down, omit: map[string]bool{"+61291234567": true}},
			map[string]outbound.DNCRStatus{"+61412345678": outbound.DNCRClear}, []string{"+61291234567"}, down},
		{"fails yet answers all", &fake{err: down},
			map[string]outbound.DNCRStatus{"+61412345678": outbound.DNCRClear, "+61291234567": outbound.DNCRClear}, nil, down},
		{"omits one", &fake{omit: map[string]bool{"+61291234567": true}},
			map[string]outbound.DNCRStatus{"+61412345678": outbound.DNCRClear}, []string{"+61291234567"}, donotcall.ErrNoAnswer},
		{"answers a number not asked", &fake{omit: map[string]bool{"+61291234567": true}, extra: []outbound.WashResult{{Phone: "+61299999999", Status: outbound.DNCRClear}}},
			map[string]outbound.DNCRStatus{"+61412345678": outbound.DNCRClear}, []string{"+61291234567"}, donotcall.ErrNoAnswer},
		{"answers twice: first kept", &fake{extra: []outbound.WashResult{{Phone: "+61412345678", Status: outbound.DNCRRegistered}}},
			map[string]outbound.DNCRStatus{"+61412345678": outbound.DNCRClear, "+61291234567": outbound.DNCRClear}, nil, nil},
		{"a status it does not know", &fake{status: "maybe"},
			map[string]outbound.DNCRStatus{}, []string{"+61412345678", "+61291234567"}, donotcall.ErrNoAnswer},
		{"unknown is an answer", &fake{status: outbound.DNCRUnknown},
			map[string]outbound.DNCRStatus{"+61412345678": outbound.DNCRUnknown, "+61291234567": outbound.DNCRUnknown}, nil, nil},
	} {
		reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{
			Registers: map[string]donotcall.Register{"AU": tc.au, "US": usFiles(t)},
			Clock:     timingtest.NewClock(start),
		})
		require.NoError(t, err)
		res, err := reg.Wash(context.Background(), []string{"+61412345678", "+12125550100", "+61291234567", "+442079460958"})
		want := map[string]outbound.DNCRStatus{"+12125550100": outbound.DNCRRegistered, "+442079460958": outbound.DNCRNotApplicable}
		for p, s := range tc.wantAU {
			want[p] = s
		}
		require.Equal(t, want, byStatus(t, res), tc.name)
		if tc.is == nil {
			require.NoError(t, err, tc.name)
			continue
		}
		require.ErrorIs(t, err, tc.is, tc.name)
		var we *donotcall.WashError
		require.ErrorAs(t, err, &we, tc.name)
		require.Equal(t, "AU", we.Country, tc.name)
		require.Equal(t, tc.notWashd, we.Phones, tc.name)
		require.Contains(t, err.Error(), "register for AU", tc.name)
	}
}

func TestWashEndedContext(t *testing.T) {
	t.Parallel()
	au := &fake{}
	reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"AU": au}, Clock: timingtest.NewClock(start)})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := reg.Wash(ctx, []string{"+61412345678", "+442079460958"})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, map[string]outbound.DNCRStatus{"+442079460958": outbound.DNCRNotApplicable}, byStatus(t, res))
	require.Contains(t, named(err), "+61412345678")
	require.Empty(t, au.calls(), "no register is asked once the context has ended")
}

func TestUnconfiguredWarnsOncePerCountry(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{
		Registers: map[string]donotcall.Register{"AU": &fake{}},
		Clock:     timingtest.NewClock(start),
		Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
	})
	require.NoError(t, err)
	require.Empty(t, reg.Unconfigured())
	ctx := context.Background()
	for _, batch := range [][]string{
		{"+442079460958", "+61412345678"},
		{"+442079460959", "+33123456789", "+14165550199"},
		{"+442079460958"},
	} {
		_, err := reg.Wash(ctx, batch)
		require.NoError(t, err)
	}
	require.Equal(t, []string{"CA", "FR", "GB"}, reg.Unconfigured())
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 3, logs.String())
	for i, c := range []string{"GB", "FR", "CA"} {
		require.Contains(t, lines[i], "level=WARN")
		require.Contains(t, lines[i], "country="+c)
	}
}

// TestWashEveryNumberAnsweredOrNamed: whatever the registers do, every
// distinct number asked gets exactly one result or is named by the error,
// never both.
func TestWashEveryNumberAnsweredOrNamed(t *testing.T) {
	t.Parallel()
	pool := []string{
		"+61412345678", "+61412345679", "+61291234567", "+61 2 9123 4567", // AU
		"+12125550100", "+12125550101", "+16465550100", "+17875550100", // US, an area code not loaded, PR
		"+14165550199", "+442079460958", "+33123456789", // CA, GB, FR
		"", "0412 345 678", "+61 2 1234", "call me", "+999 1234 5678", // invalid
	}
	down := errors.New("down")
	rng := rand.New(rand.NewPCG(1, 2))
	us := usFiles(t)
	for i := range 500 {
		regs := map[string]donotcall.Register{"US": us}
		for _, c := range []string{"AU", "CA", "GB"} {
			if rng.IntN(4) == 0 {
				continue // no register
			}
			f := &fake{omit: map[string]bool{}}
			if rng.IntN(3) == 0 {
				f.err = down
			}
			for _, p := range pool {
				if rng.IntN(3) == 0 {
					f.omit[strings.ReplaceAll(p, " ", "")] = true
				}
			}
			if rng.IntN(5) == 0 {
				f.extra = []outbound.WashResult{{Phone: "+61400000000", Status: outbound.DNCRClear}}
			}
			regs[c] = f
		}
		reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Registers: regs, Clock: timingtest.NewClock(start)})
		require.NoError(t, err)
		var ask []string
		for range rng.IntN(12) {
			ask = append(ask, pool[rng.IntN(len(pool))])
		}
		res, err := reg.Wash(context.Background(), ask)
		got := byStatus(t, res)
		names := named(err)
		for _, p := range ask {
			_, answered := got[p]
			_, isNamed := names[p]
			require.True(t, answered != isNamed, "run %d: %q answered %v, named %v (%v)", i, p, answered, isNamed, err)
		}
		for p := range got {
			require.Contains(t, ask, p, "run %d: a result only for a number asked", i)
		}
		if err == nil {
			require.Len(t, got, len(distinct(ask)), "run %d", i)
		}
	}
}

func distinct(s []string) map[string]bool {
	out := map[string]bool{}
	for _, x := range s {
		out[x] = true
	}
	return out
}
