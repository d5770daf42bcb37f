package memory

import (
	"slices"
	"sort"
	"time"
)

// sentChunk is the most touches one chunk of a sentSet holds.
const sentChunk = 256

// sentSet is a set of sent touches ordered by SentAt, then ID: the index
// that answers a sent window without reading the touches outside it. It
// keeps them in sorted chunks of at most sentChunk, so that an insert or a
// removal anywhere costs O(log n + sentChunk) and sends that arrive in time
// order append to the last chunk.
type sentSet struct {
	chunks [][]*touchRec // each non-empty and sorted; every chunk's touches sort before the next chunk's
	n      int
}

func cmpSent(a, b *touchRec) int {
	if c := a.t.SentAt.Compare(b.t.SentAt); c != 0 {
		return c
	}
	return cmpID(a.t.ID.UUID, b.t.ID.UUID)
}

func (s *sentSet) len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// chunkFor returns the chunk r sorts into: the last whose first touch sorts
// at or before r, or the first.
func (s *sentSet) chunkFor(r *touchRec) int {
	i := sort.Search(len(s.chunks), func(i int) bool { return cmpSent(s.chunks[i][0], r) > 0 })
	return max(i-1, 0)
}

// insert adds r, which must not be in the set.
func (s *sentSet) insert(r *touchRec) {
	s.n++
	if len(s.chunks) == 0 {
		s.chunks = append(s.chunks, []*touchRec{r})
		return
	}
	ci := s.chunkFor(r)
	c := s.chunks[ci]
	j, _ := slices.BinarySearchFunc(c, r, cmpSent)
	if j == len(c) && len(c) >= sentChunk && ci == len(s.chunks)-1 {
		// Past the end of a full last chunk: the usual case of sends in
		// time order. A new chunk keeps the full one full.
		s.chunks = append(s.chunks, []*touchRec{r})
		return
	}
	c = slices.Insert(c, j, r)
	if len(c) > sentChunk {
		half := len(c) / 2
		right := slices.Clone(c[half:])
		clear(c[half:])
		c = c[:half]
		s.chunks = slices.Insert(s.chunks, ci+1, right)
	}
	s.chunks[ci] = c
}

// remove takes r out and reports whether it was there. r must sort where it
// sorted when it was inserted.
func (s *sentSet) remove(r *touchRec) bool {
	if len(s.chunks) == 0 {
		return false
	}
	ci := s.chunkFor(r)
	c := s.chunks[ci]
	j, found := slices.BinarySearchFunc(c, r, cmpSent)
	if !found || c[j] != r {
		return false
	}
	s.n--
	if c = slices.Delete(c, j, j+1); len(c) == 0 {
		s.chunks = slices.Delete(s.chunks, ci, ci+1)
	} else {
		s.chunks[ci] = c
	}
	return true
}

// scan calls f for every touch sent in [from, until), in order; a zero
// bound is unbounded. A nil set holds nothing.
func (s *sentSet) scan(from, until time.Time, f func(*touchRec)) {
	if s == nil {
		return
	}
	ci := sort.Search(len(s.chunks), func(i int) bool {
		c := s.chunks[i]
		return !c[len(c)-1].t.SentAt.Before(from)
	})
	for ; ci < len(s.chunks); ci++ {
		c := s.chunks[ci]
		j := sort.Search(len(c), func(j int) bool { return !c[j].t.SentAt.Before(from) })
		for ; j < len(c); j++ {
			if !until.IsZero() && !c[j].t.SentAt.Before(until) {
				return
			}
			f(c[j])
		}
	}
}
