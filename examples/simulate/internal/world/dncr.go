package world

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"strings"

	"github.com/outbound-go/outbound/phone"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/timing"
)

// DefaultListedShare is the share of numbers the random register lists.
const DefaultListedShare = 0.10

// Register is a fake Do Not Call Register: it answers every wash from a
// list read from a file, or else from a seeded draw per number that lists
// about Share of them. Either way the same number always gets the same
// answer, stamped with the clock's time. It satisfies
// distribution.DNCRChecker and is safe for concurrent use (it is read-only).
type Register struct {
	clock  timing.Clock
	seed   uint64
	share  float64
	listed map[string]bool // nil: draw
}

// NewRegister returns a register listing about share of all numbers, drawn
// from seed and the number.
func NewRegister(seed uint64, share float64, clock timing.Clock) *Register {
	return &Register{clock: clock, seed: seed, share: share}
}

// ReadRegister returns a register that lists exactly the numbers of r: one
// E.164 number per line; blank lines and lines starting with # are
// skipped. A line that is not E.164 is an error naming it.
func ReadRegister(r io.Reader, clock timing.Clock) (*Register, error) {
	listed := map[string]bool{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if line == 1 {
			s = strings.TrimPrefix(s, "\uFEFF")
		}
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if !phone.IsE164(s) {
			return nil, fmt.Errorf("dncr file: line %d: %q is not an E.164 number (+ and 8 to 15 digits)", line, s)
		}
		listed[s] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dncr file: %w", err)
	}
	return &Register{clock: clock, listed: listed}, nil
}

// Listed reports whether the register lists phone (E.164).
func (r *Register) Listed(phone string) bool {
	if r.listed != nil {
		return r.listed[phone]
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(phone))
	x := splitmix(h.Sum64() ^ splitmix(r.seed^streamDNCR))
	return float64(x>>11)/(1<<53) < r.share
}

// Wash answers for every number asked: registered or clear, washed now.
func (r *Register) Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := r.clock.Now()
	out := make([]outbound.WashResult, len(phones))
	for i, p := range phones {
		st := outbound.DNCRClear
		if r.Listed(p) {
			st = outbound.DNCRRegistered
		}
		out[i] = outbound.WashResult{Phone: p, Status: st, WashedAt: now}
	}
	return out, nil
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
