package world

import (
	"hash/fnv"
	"math/rand/v2"
	"sync"

	"github.com/google/uuid"
)

// IDs makes random (version 4) UUIDs from a seeded PCG, so a run that
// asks for IDs in the same order gets the same IDs. It is safe for
// concurrent use.
type IDs struct {
	mu   sync.Mutex
	seed uint64
	r    *rand.Rand
}

// NewIDs returns an ID source for seed.
func NewIDs(seed uint64) *IDs {
	return &IDs{seed: seed, r: rand.New(rand.NewPCG(seed, streamIDs))}
}

// NewProcessIDs returns the ID source of the process-th copy (from 1) of
// a run across processes: each draws from a stream of its own, so no two
// processes make the same ID. Process 0 is the first process, NewIDs.
func NewProcessIDs(seed uint64, process int) *IDs {
	if process == 0 {
		return NewIDs(seed)
	}
	return &IDs{seed: seed, r: rand.New(rand.NewPCG(seed, streamProcessIDs+uint64(process)))}
}

// Within restarts the source on a stream of its own for key: the IDs made
// for one piece of work (applying one event, one day's daily jobs) are then
// the same whichever process does it and whatever it did before, so a run
// across processes makes the IDs a single process makes. Two sources of
// one seed within one key give the same IDs: use it only for work done
// once.
func (g *IDs) Within(key string) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	g.mu.Lock()
	g.r = rand.New(rand.NewPCG(g.seed, streamScopedIDs^h.Sum64()))
	g.mu.Unlock()
}

// New returns the next ID.
func (g *IDs) New() uuid.UUID {
	g.mu.Lock()
	a, b := g.r.Uint64(), g.r.Uint64()
	g.mu.Unlock()
	var u uuid.UUID
	for i := range 8 {
		u[i] = byte(a >> (8 * i))
		u[8+i] = byte(b >> (8 * i))
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}
