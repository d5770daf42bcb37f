package allocator

import (
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// ring is the rotation of one meter: the resources of its kind that may
// take a touch, as a circular doubly linked list over slot indices. A
// resource that reaches its cap for the day is parked (unlinked) rather
// than rescanned on every pick; the parked come back when a pick falls
// outside the day they were full on (a lazy reset), or on a release.
type ring struct {
	meter  int
	action channel.Action
	kind   outbound.ResourceKind

	daily, weekly   int
	spacing, jitter int64 // nanoseconds; 0 is off
	spaced          bool

	members []int32 // slot indices of the kind, in the order they joined
	nodes   []node  // by slot index
	cursor  int32   // next to try; -1 when nothing is linked
	last    int32   // last picked by rotation; -1 for none
	live    int     // linked
	parked  int     // unlinked because full; not paused
	// Every parked resource is full on its local day containing any
	// instant in [parkLo, parkHi).
	parkLo, parkHi int64

	fail failCache
}

// node is one resource's state in one ring.
type node struct {
	next, prev     int32
	linked, parked bool

	// Cached for day: the daily figure, and whether a cap refused a
	// reservation (or the figure is zero).
	valid, full bool
	day         timing.Date
	limit       int

	hist   []int64    // sorted send instants (Unix ns), when the ring is spaced
	counts *dayCounts // the MemoryCounter's cell, when the counter is one
}

// failCache remembers the last round that found nothing: until the
// allocator's version changes (a release, pause, resume, add, remove or
// forget) or a pick or
// record on the ring succeeds (which can move NextOpen later), a pick in
// [from, until) finds nothing too.
type failCache struct {
	valid       bool
	version     uint64
	from, until int64
	next        time.Time
	res         outbound.ResourceID
	reason      Reason
}

// linkBefore links i just before the cursor: last in the current round.
func (rg *ring) linkBefore(i int32) {
	nd := &rg.nodes[i]
	if nd.linked {
		return
	}
	if nd.parked {
		nd.parked = false
		rg.parked--
	}
	if rg.cursor < 0 {
		nd.next, nd.prev = i, i
		rg.cursor = i
	} else {
		c := rg.cursor
		p := rg.nodes[c].prev
		nd.next, nd.prev = c, p
		rg.nodes[p].next = i
		rg.nodes[c].prev = i
	}
	nd.linked = true
	rg.live++
}

func (rg *ring) unlink(i int32) {
	nd := &rg.nodes[i]
	if !nd.linked {
		return
	}
	if nd.next == i {
		rg.cursor = -1
	} else {
		rg.nodes[nd.prev].next = nd.next
		rg.nodes[nd.next].prev = nd.prev
		if rg.cursor == i {
			rg.cursor = nd.next
		}
	}
	nd.linked = false
	rg.live--
}

// park takes a full resource out of the day's rotation; [lo, hi) is its
// local day.
func (rg *ring) park(i int32, lo, hi int64) {
	rg.unlink(i)
	rg.nodes[i].parked = true
	if rg.parked == 0 {
		rg.parkLo, rg.parkHi = lo, hi
	} else {
		rg.parkLo, rg.parkHi = max(rg.parkLo, lo), min(rg.parkHi, hi)
	}
	rg.parked++
}

// unpark puts a parked resource back into rotation.
func (rg *ring) unpark(i int32) { rg.linkBefore(i) }

// drop takes i out of rotation, linked or parked (pause, remove).
func (rg *ring) drop(i int32) {
	if int(i) >= len(rg.nodes) {
		return
	}
	rg.unlink(i)
	if nd := &rg.nodes[i]; nd.parked {
		nd.parked = false
		rg.parked--
	}
}

// gap is the least time after a send at s before the same resource may
// send again: the spacing plus a jitter drawn from the resource's seed and s.
func (rg *ring) gap(seed uint64, s int64) int64 {
	g := rg.spacing
	if rg.jitter > 0 {
		// Drawn in whole microseconds from the instant's microsecond: a
		// database keeps instants to the microsecond, and a pick must come
		// out the same whether the history was read back from one or not.
		us := s / 1000
		if s < 0 && s%1000 != 0 {
			us--
		}
		g += int64(mix64(seed^uint64(us))%uint64(rg.jitter/1000+1)) * 1000
	}
	return g
}

// upper returns the index of the first send after t.
func upper(h []int64, t int64) int {
	lo, hi := 0, len(h)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if h[m] <= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// spaceOK reports whether a send at t keeps its distance from the sends
// before and after it.
func (rg *ring) spaceOK(nd *node, seed uint64, t int64) bool {
	h := nd.hist
	n := len(h)
	if n == 0 {
		return true
	}
	if last := h[n-1]; t > last {
		return t-last >= rg.gap(seed, last)
	}
	j := upper(h, t)
	if j > 0 {
		if p := h[j-1]; t-p < rg.gap(seed, p) {
			return false
		}
	}
	return j == n || h[j]-t >= rg.gap(seed, t)
}

// nextSpaced returns the first instant at or after t where a send keeps
// its distance from its neighbours.
func (rg *ring) nextSpaced(nd *node, seed uint64, t int64) int64 {
	h := nd.hist
	for {
		j := upper(h, t)
		if j > 0 {
			if p := h[j-1]; t-p < rg.gap(seed, p) {
				t = p + rg.gap(seed, p)
				continue
			}
		}
		if j < len(h) && h[j]-t < rg.gap(seed, t) {
			t = h[j] + rg.gap(seed, h[j])
			continue
		}
		return t
	}
}

// insert adds a send at t to the history, keeping it sorted.
func (nd *node) insert(t int64) {
	n := len(nd.hist)
	if n == 0 || t > nd.hist[n-1] {
		nd.hist = append(nd.hist, t)
		return
	}
	j := upper(nd.hist, t)
	nd.hist = append(nd.hist, 0)
	copy(nd.hist[j+1:], nd.hist[j:])
	nd.hist[j] = t
}

// remove deletes one send at t from the history, if present.
func (nd *node) remove(t int64) {
	j := upper(nd.hist, t) - 1
	if j >= 0 && nd.hist[j] == t {
		nd.hist = append(nd.hist[:j], nd.hist[j+1:]...)
	}
}
