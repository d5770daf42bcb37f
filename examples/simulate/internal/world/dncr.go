package world

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/phone"
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
	clock timing.Clock
	seed  uint64
	share float64
	file  *donotcall.FileRegister // nil: draw
}

// NewRegister returns a register listing about share of all numbers, drawn
// from seed and the number.
func NewRegister(seed uint64, share float64, clock timing.Clock) *Register {
	return &Register{clock: clock, seed: seed, share: share}
}

// ReadRegister returns a register that lists exactly the numbers of r: one
// E.164 number per line; blank lines and lines starting with # are
// skipped. A line that is not a valid E.164 number is an error naming it.
// Every number of any country not listed is clear. The file is read as a
// list of every country by [donotcall.FileLoader.ReadList].
func ReadRegister(r io.Reader, clock timing.Clock) (*Register, error) {
	var l donotcall.FileLoader
	if err := l.ReadList(context.Background(), "dncr file", r, ""); err != nil {
		return nil, err
	}
	file, err := l.Register(donotcall.FileOptions{Clock: clock})
	if err != nil {
		return nil, fmt.Errorf("dncr file: %w", err)
	}
	return &Register{clock: clock, file: file}, nil
}

// Listed reports whether the register lists p (E.164).
func (r *Register) Listed(p string) bool {
	if r.file != nil {
		n, err := phone.Parse(p, "")
		return err == nil && r.file.Status(n) == outbound.DNCRRegistered
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(p))
	x := splitmix(h.Sum64() ^ splitmix(r.seed^streamDNCR))
	return float64(x>>11)/(1<<53) < r.share
}

// Wash answers for every number asked: registered or clear, washed now. A
// register read from a file refuses a number that is not a valid phone
// number, naming it, and answers the others (the donotcall.Register
// contract).
func (r *Register) Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.file != nil {
		return r.file.Wash(ctx, phones)
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
