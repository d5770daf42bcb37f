package donotcall_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fake is a register that answers from a map (numbers not in it are
// clear) and records what it was asked.
type fake struct {
	mu       sync.Mutex
	asked    [][]string
	listed   map[string]bool
	err      error           // returned with the results
	omit     map[string]bool // numbers it gives no result for
	extra    []outbound.WashResult
	status   outbound.DNCRStatus // if set, the status of every result
	washedAt time.Time
}

func (f *fake) Wash(_ context.Context, phones []string) ([]outbound.WashResult, error) {
	f.mu.Lock()
	f.asked = append(f.asked, append([]string(nil), phones...))
	f.mu.Unlock()
	var out []outbound.WashResult
	for _, p := range phones {
		if f.omit[p] {
			continue
		}
		st := outbound.DNCRClear
		if f.listed[p] {
			st = outbound.DNCRRegistered
		}
		if f.status != "" {
			st = f.status
		}
		out = append(out, outbound.WashResult{Phone: p, Status: st, WashedAt: f.washedAt})
	}
	return append(out, f.extra...), f.err
}

func (f *fake) calls() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked
}

// usFiles is a register of the FTC files of area codes 212 and 787 (Puerto
// Rico), listing +12125550100 and +17875550100.
func usFiles(t testing.TB) *donotcall.FileRegister {
	t.Helper()
	var l donotcall.FileLoader
	require.NoError(t, l.ReadUSFile(context.Background(), "212.txt", strings.NewReader("2125550100\n")))
	require.NoError(t, l.ReadUSFile(context.Background(), "787.txt", strings.NewReader("787,5550100\n")))
	r, err := l.Register(donotcall.FileOptions{Clock: timingtest.NewClock(start)})
	require.NoError(t, err)
	return r
}

// byStatus maps each result's phone to its status, failing on a number
// answered twice.
func byStatus(t *testing.T, res []outbound.WashResult) map[string]outbound.DNCRStatus {
	t.Helper()
	out := map[string]outbound.DNCRStatus{}
	for _, r := range res {
		_, dup := out[r.Phone]
		require.False(t, dup, "%s answered twice", r.Phone)
		out[r.Phone] = r.Status
	}
	return out
}

// named returns the numbers an error of a wash names, by the error that
// names them: a *WashError's Phones, a *invalid.FieldError's Value.
func named(err error) map[string]error {
	out := map[string]error{}
	var walk func(error)
	walk = func(err error) {
		var we *donotcall.WashError
		var fe *invalid.FieldError
		switch {
		case err == nil:
		case errors.As(err, &we) && err == error(we):
			for _, p := range we.Phones {
				out[p] = we
			}
		case errors.As(err, &fe) && err == error(fe):
			if s, ok := fe.Value.(string); ok {
				out[s] = fe
			}
		default:
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range j.Unwrap() {
					walk(e)
				}
			}
		}
	}
	walk(err)
	return out
}
