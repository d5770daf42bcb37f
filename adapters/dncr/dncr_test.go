package dncr_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/dncr"
	"github.com/outbound-go/outbound/adapters/dncr/dncrtest"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T, cfg dncrtest.Config) (*dncr.Register, *dncrtest.Server, *timingtest.Clock) {
	t.Helper()
	cfg.TelemarketerID, cfg.WashOnlyUserID, cfg.Password = "TM1", "U1", "secret"
	if cfg.Balance == 0 {
		cfg.Balance = 1000
	}
	srv := dncrtest.NewServer(cfg)
	t.Cleanup(srv.Close)
	clock := timingtest.NewClock(start)
	r, err := dncr.New(dncr.Config{TelemarketerID: "TM1", WashOnlyUserID: "U1", Password: "secret", Endpoint: srv.URL(), Clock: clock})
	require.NoError(t, err)
	return r, srv, clock
}

func byPhone(rs []outbound.WashResult) map[string]outbound.DNCRStatus {
	m := map[string]outbound.DNCRStatus{}
	for _, r := range rs {
		m[r.Phone] = r.Status
	}
	return m
}

// Y, N and I become registered, clear and unknown, under the number as
// asked; numbers that are not valid Australian numbers are answered
// locally and never charged.
func TestWash(t *testing.T) {
	t.Parallel()
	r, srv, _ := setup(t, dncrtest.Config{Registered: []string{"0412000001"}})
	got, err := r.Wash(context.Background(), []string{"+61412000001", "+61412000002", "+61 2 9374 4000", "+1 212 555 0100", "not a number", "+61412000002"})
	require.NoError(t, err)
	require.Equal(t, map[string]outbound.DNCRStatus{
		"+61412000001": outbound.DNCRRegistered, "+61412000002": outbound.DNCRClear, "+61 2 9374 4000": outbound.DNCRClear,
		"+1 212 555 0100": outbound.DNCRUnknown, "not a number": outbound.DNCRUnknown,
	}, byPhone(got))
	require.Equal(t, 3, srv.Charged(), "only the valid Australian numbers, each once, are sent and paid for")
	for _, w := range got {
		require.Equal(t, start, w.WashedAt)
	}
}

// A wash the service has not finished is polled with the waits it
// requires: 30 s, 30 s, then 30 min.
func TestWashWaitsForTheResult(t *testing.T) {
	t.Parallel()
	r, srv, clock := setup(t, dncrtest.Config{Polls: 2})
	type washed struct {
		res []outbound.WashResult
		err error
	}
	done := make(chan washed)
	go func() {
		res, err := r.Wash(context.Background(), []string{"+61412000003"})
		done <- washed{res, err}
	}()
	var waited []time.Duration
	for range 3 {
		require.NoError(t, clock.BlockUntil(context.Background(), 1))
		before := clock.Now()
		next, _ := clock.AdvanceNext()
		waited = append(waited, next.Sub(before))
	}
	w := <-done
	require.NoError(t, w.err)
	require.Equal(t, []time.Duration{30 * time.Second, 30 * time.Second, 30 * time.Minute}, waited)
	require.Equal(t, outbound.DNCRClear, w.res[0].Status)
	require.Equal(t, 3, srv.Calls("GetWashResult"))
}

// The system codes: an account or balance problem is permanent and says
// which; nothing is charged when the balance does not cover the wash.
func TestServiceErrors(t *testing.T) {
	t.Parallel()
	r, srv, _ := setup(t, dncrtest.Config{Balance: 1})
	_, err := r.Wash(context.Background(), []string{"+61412000004", "+61412000005"})
	require.ErrorIs(t, err, dncr.ErrInsufficientBalance)
	var se *dncr.ServiceError
	require.ErrorAs(t, err, &se)
	require.True(t, se.Permanent())
	require.Zero(t, srv.Charged())

	srv.Answer(dncr.CodeAccountInactive)
	_, err = r.Wash(context.Background(), []string{"+61412000004"})
	require.ErrorAs(t, err, &se)
	require.Equal(t, dncr.CodeAccountInactive, se.Code)
	require.True(t, se.Permanent())

	bal, err := r.Balance(context.Background())
	require.NoError(t, err)
	require.Equal(t, int64(1), bal)

	bad, err := dncr.New(dncr.Config{TelemarketerID: "TM1", WashOnlyUserID: "U1", Password: "wrong", Endpoint: srv.URL()})
	require.NoError(t, err)
	_, err = bad.Balance(context.Background())
	require.ErrorAs(t, err, &se)
	require.Equal(t, dncr.CodeMissingCredentials, se.Code)
}

// A cancelled context stops a wait, and the numbers stay unwashed.
func TestWashCancelled(t *testing.T) {
	t.Parallel()
	r, _, clock := setup(t, dncrtest.Config{Polls: 5})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := r.Wash(ctx, []string{"+61412000006"})
		errc <- err
	}()
	require.NoError(t, clock.BlockUntil(context.Background(), 1))
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
}

// As the register of Australia in a ByCountry: +61 numbers are washed,
// others are not_applicable.
func TestInByCountry(t *testing.T) {
	t.Parallel()
	r, srv, clock := setup(t, dncrtest.Config{Registered: []string{"+61412000007"}})
	b, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"AU": r}, Clock: clock})
	require.NoError(t, err)
	got, err := b.Wash(context.Background(), []string{"+61412000007", "+447911123456"})
	require.NoError(t, err)
	require.Equal(t, map[string]outbound.DNCRStatus{"+61412000007": outbound.DNCRRegistered, "+447911123456": outbound.DNCRNotApplicable}, byPhone(got))
	require.Equal(t, 1, srv.Charged())
}

func TestConfigRefused(t *testing.T) {
	t.Parallel()
	for field, cfg := range map[string]dncr.Config{
		"TelemarketerID": {WashOnlyUserID: "u", Password: "p"},
		"WashOnlyUserID": {TelemarketerID: "t", Password: "p"},
		"Password":       {TelemarketerID: "t", WashOnlyUserID: "u"},
		"Waits[0]":       {TelemarketerID: "t", WashOnlyUserID: "u", Password: "p", Waits: []time.Duration{time.Second}},
		"Endpoint":       {TelemarketerID: "t", WashOnlyUserID: "u", Password: "p", Endpoint: "ftp://x"},
	} {
		_, err := dncr.New(cfg)
		require.ErrorContains(t, err, "Config."+field, field)
	}
	require.False(t, errors.Is(&dncr.ServiceError{Code: dncr.CodeReferenceNotFound}, dncr.ErrInsufficientBalance))
}
