package world

import (
	"math/rand/v2"
	"sync"

	"github.com/google/uuid"
)

// IDs makes random (version 4) UUIDs from a seeded PCG, so a run that
// asks for IDs in the same order gets the same IDs. It is safe for
// concurrent use.
type IDs struct {
	mu sync.Mutex
	r  *rand.Rand
}

// NewIDs returns an ID source for seed.
func NewIDs(seed uint64) *IDs {
	return &IDs{r: rand.New(rand.NewPCG(seed, streamIDs))}
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
