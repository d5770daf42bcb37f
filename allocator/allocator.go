package allocator

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// Resource is one sending identity the allocator may pick.
type Resource struct {
	// ID identifies the resource; Pick returns it and Request.Sticky names it.
	ID outbound.ResourceID
	// Kind is mailbox, phone, linkedin_seat or mail_sender. A domain sends
	// nothing itself and is refused.
	Kind outbound.ResourceKind
	// Location is the resource's client's timezone. Its caps count on the
	// calendar days of this zone. Required.
	Location *time.Location
	// PurchasedAt is when the resource was bought, where its warmup age
	// counts from. The allocator only hands it to the DailyLimiter.
	PurchasedAt time.Time
	// Paused keeps the resource out of every pick (a health pause).
	Paused bool
	// Throttle is the share of its daily limit, in percent, its measured
	// health withholds (outbound.Resource.Throttle). The allocator only
	// hands it to the DailyLimiter.
	Throttle int
	// Channels are the channels the resource may send on: those its
	// provider has an adapter for (a number whose provider places calls
	// but sends no texts takes no SMS). Zero: every channel of its kind.
	Channels channel.Set
}

// sends reports whether the resource takes part in meter m's rotation.
func (r Resource) sends(m int) bool {
	return r.Channels == 0 || r.Channels.Has(meterAction(m).Kind())
}

func (r Resource) validate() error {
	if r.ID.IsZero() {
		return fieldErr("Resource", "ID", r.ID, "want a non-zero ID")
	}
	if _, n := metersOf(r.Kind); n == 0 {
		return fieldErr("Resource", "Kind", string(r.Kind), "want mailbox, phone, linkedin_seat or mail_sender")
	}
	if r.Location == nil {
		return fieldErr("Resource", "Location", nil, "want the client's timezone")
	}
	return nil
}

// Request asks for a resource for one touch.
type Request struct {
	// Action is what the touch does; it decides the kind of resource (a
	// mailbox for email, a phone for calls and texts, a seat for connection
	// requests and LinkedIn messages, the mail sender for letters) and which
	// cap counts.
	Action channel.Action
	// At is the instant the touch will go out. Caps count on its calendar
	// day in each resource's zone; spacing is measured from it. Requests
	// may come in any order of At.
	At time.Time
	// Sticky is the lead's resource of this kind from an earlier pick (the
	// store keeps it), zero for none. While it is usable the pick answers
	// with it or with a NoCapacityError for it, never another resource; if
	// it is paused or no longer in the allocator, another is chosen and
	// Pick.Replaced is set.
	Sticky outbound.ResourceID
}

// Pick is a resource chosen for a touch, with its capacity reserved.
type Pick struct {
	// Resource is the chosen resource; the engine stores it as the lead's
	// sticky resource of its kind.
	Resource outbound.ResourceID
	// Action is the action reserved.
	Action channel.Action
	// Day is the resource's local day the capacity was counted on.
	Day timing.Date
	// At is the instant the touch goes out, as requested.
	At time.Time
	// Replaced reports that the request named a sticky resource that is
	// paused or gone, and Resource replaces it.
	Replaced bool
}

// Allocator picks resources for touches. Build it with [New]; it is safe
// for concurrent use (one mutex guards every method).
type Allocator struct {
	mu      sync.Mutex
	counter Counter
	mem     *MemoryCounter // counter, when it is a *MemoryCounter: the hot path skips its map
	private bool           // mem is the allocator's own: a.mu guards it, so the hot path skips its lock
	limiter DailyLimiter
	ceiling int

	index  map[outbound.ResourceID]int32
	slots  []slot
	zones  []zoneCache
	zoneOf map[*time.Location]int32
	rings  [numMeters]ring

	floor    int64 // picks before this instant are refused (Forget)
	hasFloor bool
	version  uint64 // bumped by anything that changes what a failed round would say
	buf      []int  // counts scratch for the slow path
}

type slot struct {
	res     Resource
	zone    int32
	seed    uint64
	removed bool
}

// zoneCache remembers the local day around the last instant seen in a zone,
// so the hot path finds a resource's day with two comparisons.
type zoneCache struct {
	loc    *time.Location
	lo, hi int64 // [lo, hi) in Unix nanoseconds is day
	day    timing.Date
}

func (z *zoneCache) refresh(t time.Time) {
	d := timing.DateIn(t, z.loc)
	z.day = d
	z.lo = d.Midnight(z.loc).UnixNano()
	z.hi = (d + 1).Midnight(z.loc).UnixNano()
}

// New builds an allocator over resources with the caps of cfg (zero fields
// take the defaults of docs/architecture.md).
func New(cfg Config, resources []Resource) (*Allocator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	a := &Allocator{
		counter: cfg.Counter,
		limiter: cfg.Limiter,
		ceiling: cfg.MailboxCeiling,
		index:   make(map[outbound.ResourceID]int32, len(resources)),
		slots:   make([]slot, 0, len(resources)),
		zoneOf:  make(map[*time.Location]int32),
	}
	if a.counter == nil {
		a.mem = NewMemoryCounter()
		a.counter, a.private = a.mem, true
	} else if m, ok := a.counter.(*MemoryCounter); ok {
		a.mem = m
	}
	for m := range numMeters {
		act := meterAction(m)
		c := cfg.cap(act)
		rg := &a.rings[m]
		rg.meter, rg.action = m, act
		rg.kind = outbound.SenderKind(act.Kind())
		rg.daily, rg.weekly = c.Daily, c.Weekly
		if c.Spacing > 0 {
			rg.spacing = int64(c.Spacing)
		}
		if c.Jitter > 0 {
			rg.jitter = int64(c.Jitter)
		}
		rg.spaced = rg.spacing > 0 || rg.jitter > 0
		rg.cursor, rg.last = -1, -1
	}
	for i, r := range resources {
		if err := a.add(r); err != nil {
			return nil, fmt.Errorf("allocator: resource %d: %w", i, err)
		}
	}
	return a, nil
}

func (a *Allocator) add(r Resource) error {
	if err := r.validate(); err != nil {
		return err
	}
	if _, dup := a.index[r.ID]; dup {
		return fieldErr("Resource", "ID", r.ID, "already in the allocator")
	}
	z, ok := a.zoneOf[r.Location]
	if !ok {
		z = int32(len(a.zones))
		a.zones = append(a.zones, zoneCache{loc: r.Location, lo: math.MaxInt64, hi: math.MinInt64})
		a.zoneOf[r.Location] = z
	}
	i := int32(len(a.slots))
	a.slots = append(a.slots, slot{res: r, zone: z, seed: seedOf(r.ID)})
	a.index[r.ID] = i
	first, n := metersOf(r.Kind)
	for m := first; m < first+n; m++ {
		if !r.sends(m) {
			continue
		}
		rg := &a.rings[m]
		if grow := int(i) + 1 - len(rg.nodes); grow > 0 {
			rg.nodes = append(rg.nodes, make([]node, grow)...)
		}
		rg.members = append(rg.members, i)
		if !r.Paused {
			rg.linkBefore(i)
		}
	}
	a.version++
	return nil
}

// Pick chooses the resource for one touch and reserves its capacity.
//
// With a usable Request.Sticky it answers with that resource or, if it is
// full or too close to its last send, a *[NoCapacityError] for it. Otherwise
// it goes round the campaign's resources of the kind, skipping the paused,
// the full (daily or rolling 7-day cap) and those too close to another send,
// and returns the first that can take the touch. When none can, the error
// is a *NoCapacityError saying when the earliest capacity opens. Errors from
// the Counter come back wrapped.
func (a *Allocator) Pick(ctx context.Context, req Request) (Pick, error) {
	m := meterOf(req.Action)
	if m < 0 {
		return Pick{}, fieldErr("Request", "Action", string(req.Action), "unknown action")
	}
	if sec := req.At.Unix(); sec < minUnix || sec > maxUnix {
		return Pick{}, fieldErr("Request", "At", req.At.Format(time.RFC3339), "want the instant of the touch, between 1678 and 2262")
	}
	tn := req.At.UnixNano()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.hasFloor && tn < a.floor {
		return Pick{}, fmt.Errorf("allocator: pick at %s, before %s: %w",
			req.At.Format(time.RFC3339Nano), time.Unix(0, a.floor).UTC().Format(time.RFC3339Nano), ErrForgotten)
	}
	rg := &a.rings[m]
	replaced := false
	if !req.Sticky.IsZero() {
		if i, ok := a.index[req.Sticky]; ok {
			s := &a.slots[i]
			if s.res.Kind != rg.kind {
				return Pick{}, fieldErr("Request", "Sticky", req.Sticky,
					fmt.Sprintf("is a %s; %s needs a %s", s.res.Kind, req.Action, rg.kind))
			}
			if !s.res.Paused && s.res.sends(m) {
				res, day, err := a.try(ctx, rg, i, req.At, tn)
				if err != nil {
					return Pick{}, err
				}
				if res == tryOK {
					rg.fail.valid = false // its NextOpen may now be later
					return Pick{Resource: s.res.ID, Action: req.Action, Day: day, At: req.At}, nil
				}
				return Pick{}, a.noCapacity(ctx, rg, req, i)
			}
		}
		replaced = true
	}
	if f := &rg.fail; f.valid && f.version == a.version && tn >= f.from && tn < f.until {
		return Pick{}, &NoCapacityError{Action: rg.action, Kind: rg.kind, At: req.At,
			NextOpen: f.next.In(req.At.Location()), Resource: f.res, Reason: f.reason}
	}
	i, day, err := a.roundRobin(ctx, rg, req.At, tn)
	if err != nil {
		return Pick{}, err
	}
	if i < 0 {
		return Pick{}, a.noCapacity(ctx, rg, req, -1)
	}
	rg.fail.valid = false // its NextOpen may now be later
	return Pick{Resource: a.slots[i].res.ID, Action: req.Action, Day: day, At: req.At, Replaced: replaced}, nil
}

// The instants the allocator works with fit Unix nanoseconds in an int64.
const (
	minUnix = math.MinInt64/int64(time.Second) + 1
	maxUnix = math.MaxInt64/int64(time.Second) - 1
)

type tryResult uint8

const (
	tryOK   tryResult = iota
	tryFull           // at a cap for the day: leaves the day's rotation
	tryBusy           // too close to another send: stays in rotation
)

// try reserves resource i for one touch at t if it can take it.
func (a *Allocator) try(ctx context.Context, rg *ring, i int32, t time.Time, tn int64) (tryResult, timing.Date, error) {
	s := &a.slots[i]
	z := &a.zones[s.zone]
	if tn < z.lo || tn >= z.hi {
		z.refresh(t)
	}
	day := z.day
	nd := &rg.nodes[i]
	if !nd.valid || nd.day != day {
		nd.valid, nd.day = true, day
		nd.limit = a.limit(rg, s, day)
		nd.full = nd.limit == 0
	}
	if nd.full {
		return tryFull, day, nil
	}
	if rg.spaced && !rg.spaceOK(nd, s.seed, tn) {
		return tryBusy, day, nil
	}
	lim := Limit{Daily: nd.limit, Weekly: rg.weekly}
	var ok bool
	if a.mem != nil {
		if nd.counts == nil {
			nd.counts = a.mem.handle(Key{Resource: s.res.ID, Action: rg.action})
		}
		if a.private {
			ok = nd.counts.reserve(day, lim)
		} else {
			ok = a.mem.reserveHandle(nd.counts, day, lim)
		}
	} else {
		var err error
		ok, err = a.counter.Reserve(ctx, Key{Resource: s.res.ID, Action: rg.action}, day, lim)
		if err != nil {
			return 0, day, fmt.Errorf("allocator: reserve %s for %s on %s: %w", s.res.ID, rg.action, day, err)
		}
	}
	if !ok {
		nd.full = true
		return tryFull, day, nil
	}
	if rg.spaced {
		nd.insert(tn)
	}
	return tryOK, day, nil
}

// limit is resource s's daily figure for the meter on day.
func (a *Allocator) limit(rg *ring, s *slot, day timing.Date) int {
	l := rg.daily
	if rg.meter != meterEmail {
		return l
	}
	if a.limiter != nil {
		if l = a.limiter.DailyLimit(s.res, day); l < 0 {
			l = Unlimited
		}
	}
	if a.ceiling >= 0 && (l < 0 || l > a.ceiling) {
		l = a.ceiling
	}
	return l
}

// roundRobin walks the ring from its cursor and reserves the first resource
// that can take the touch; -1 when none can.
func (a *Allocator) roundRobin(ctx context.Context, rg *ring, t time.Time, tn int64) (int32, timing.Date, error) {
	if rg.parked > 0 && (tn < rg.parkLo || tn >= rg.parkHi) {
		// The day has changed for some parked resource: back into rotation.
		a.resetRing(rg)
	}
	i := rg.cursor
	for steps := rg.live; steps > 0 && i >= 0; steps-- {
		res, day, err := a.try(ctx, rg, i, t, tn)
		if err != nil {
			return -1, 0, err
		}
		next := rg.nodes[i].next
		switch res {
		case tryOK:
			rg.cursor, rg.last = next, i
			return i, day, nil
		case tryFull:
			z := &a.zones[a.slots[i].zone]
			rg.park(i, z.lo, z.hi)
			if rg.live == 0 {
				return -1, 0, nil
			}
		}
		i = next
	}
	return -1, 0, nil
}

// resetRing puts every member that is not paused back into rotation, in
// member order, starting after the last one picked.
func (a *Allocator) resetRing(rg *ring) {
	n := len(rg.members)
	p := -1
	for k, i := range rg.members {
		nd := &rg.nodes[i]
		nd.linked, nd.parked = false, false
		if i == rg.last {
			p = k
		}
	}
	rg.cursor, rg.live, rg.parked = -1, 0, 0
	for k := 1; k <= n; k++ {
		i := rg.members[(p+k)%n]
		if !a.slots[i].res.Paused {
			rg.linkBefore(i)
		}
	}
}

// noCapacity builds the error for a pick that found nothing: for the sticky
// resource alone (sticky >= 0), or the earliest opening over the ring.
func (a *Allocator) noCapacity(ctx context.Context, rg *ring, req Request, sticky int32) error {
	e := &NoCapacityError{Action: rg.action, Kind: rg.kind, At: req.At}
	loc := req.At.Location()
	if sticky >= 0 {
		open, reason, err := a.openAt(ctx, rg, sticky, req.At)
		if err != nil {
			return err
		}
		e.Sticky, e.Resource, e.Reason = true, a.slots[sticky].res.ID, reason
		if !open.IsZero() {
			e.NextOpen = open.In(loc)
		}
		return e
	}
	tn := req.At.UnixNano()
	best := int64(math.MaxInt64)
	seen := false
	for _, i := range rg.members {
		if a.slots[i].res.Paused {
			continue
		}
		open, reason, err := a.openAt(ctx, rg, i, req.At)
		if err != nil {
			return err
		}
		if !seen {
			seen = true
			e.Resource, e.Reason = a.slots[i].res.ID, reason
		}
		if open.IsZero() {
			continue
		}
		on := open.UnixNano()
		if on <= tn {
			// The counter says it has room after all (another allocator
			// released some): put it back into rotation.
			nd := &rg.nodes[i]
			nd.full = false
			if nd.parked {
				rg.unpark(i)
			}
		}
		if on < best {
			best = on
			e.NextOpen, e.Resource, e.Reason = open.In(loc), a.slots[i].res.ID, reason
		}
	}
	if !seen {
		e.Reason = ReasonNoResource
	}
	rg.fail = failCache{valid: true, version: a.version, from: tn, until: best,
		next: e.NextOpen, res: e.Resource, reason: e.Reason}
	return e
}

// openAt returns the earliest instant at or after t at which resource i can
// take a touch of the ring's action (zero if none within the horizon), and
// why it cannot at t.
func (a *Allocator) openAt(ctx context.Context, rg *ring, i int32, t time.Time) (time.Time, Reason, error) {
	s := &a.slots[i]
	loc := s.res.Location
	nd := &rg.nodes[i]
	cur := t
	var reason Reason
	for range 64 {
		// The counter, not the node's cache, says whether the day has room:
		// a node learns it is full only when a reservation is refused.
		day := timing.DateIn(cur, loc)
		open, why, ok, err := a.firstOpenDay(ctx, rg, s, day)
		if err != nil {
			return time.Time{}, "", err
		}
		if reason == "" {
			reason = why
		}
		if !ok {
			return time.Time{}, reason, nil
		}
		if open != day {
			cur = open.Midnight(loc)
		} else if nd.valid && nd.day == day {
			nd.full = false // the counter has room after all (a release elsewhere)
		}
		if rg.spaced {
			cn := cur.UnixNano()
			if nx := rg.nextSpaced(nd, s.seed, cn); nx != cn {
				if reason == "" {
					reason = ReasonSpacing
				}
				nt := time.Unix(0, nx).In(loc)
				moved := timing.DateIn(nt, loc) != timing.DateIn(cur, loc)
				cur = nt
				if moved {
					continue // a new day: check its caps again
				}
			}
		}
		return cur, reason, nil
	}
	return time.Time{}, reason, nil
}

const (
	scanChunk   = 32  // days read from the counter at a time
	scanHorizon = 400 // days searched for an opening before giving up
)

// firstOpenDay returns the first day from day on whose caps let one more
// touch through, and why day itself is closed ("" when it is open).
func (a *Allocator) firstOpenDay(ctx context.Context, rg *ring, s *slot, day timing.Date) (timing.Date, Reason, bool, error) {
	key := Key{Resource: s.res.ID, Action: rg.action}
	need := scanChunk + 12
	if cap(a.buf) < need {
		a.buf = make([]int, need)
	}
	buf := a.buf[:need]
	var why Reason
	for start := day; int(start-day) < scanHorizon; start += scanChunk {
		from := start - 6
		if err := a.counter.Used(ctx, key, from, buf); err != nil {
			return 0, "", false, fmt.Errorf("allocator: read usage of %s for %s: %w", s.res.ID, rg.action, err)
		}
		for d := start; d < start+scanChunk; d++ {
			j := int(d - from)
			if lim := a.limit(rg, s, d); lim >= 0 && buf[j] >= lim {
				if d == day {
					why = ReasonDailyCap
				}
				continue
			}
			if rg.weekly >= 0 && !weekFits(buf, j, rg.weekly) {
				if d == day {
					why = ReasonWeeklyCap
				}
				continue
			}
			return d, why, true, nil
		}
	}
	return 0, why, false, nil
}

// weekFits reports whether one more on counts[j] keeps every 7-day window
// containing j within w. counts must cover j-6 .. j+6.
func weekFits(counts []int, j, w int) bool {
	sum := 0
	for k := j - 6; k <= j; k++ {
		sum += counts[k]
	}
	if sum >= w {
		return false
	}
	for s := j - 5; s <= j; s++ {
		sum += counts[s+6] - counts[s-1]
		if sum >= w {
			return false
		}
	}
	return true
}

// Release gives back the capacity of a pick whose touch will not go out
// (cancelled, or failed before sending): the counter is decremented and the
// send leaves the spacing history.
func (a *Allocator) Release(ctx context.Context, p Pick) error {
	m := meterOf(p.Action)
	if m < 0 {
		return fieldErr("Pick", "Action", string(p.Action), "unknown action")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	// The key is the meter's: a postcard's booking is the mail sender's,
	// counted under the letter it shares its cap with.
	if err := a.counter.Release(ctx, Key{Resource: p.Resource, Action: BookingAction(p.Action)}, p.Day); err != nil {
		return fmt.Errorf("allocator: release %s for %s on %s: %w", p.Resource, p.Action, p.Day, err)
	}
	a.version++
	rg := &a.rings[m]
	i, ok := a.index[p.Resource]
	if !ok || a.slots[i].res.Kind != rg.kind || !a.slots[i].res.sends(m) {
		return nil
	}
	nd := &rg.nodes[i]
	if rg.spaced {
		nd.remove(p.At.UnixNano())
	}
	// Under a rolling 7-day cap a release opens the days around p.Day too:
	// let the counter decide again whatever day the node remembers.
	nd.full = false
	if nd.parked {
		rg.unpark(i)
	}
	return nil
}

// Record notes a send that was booked elsewhere, say loaded from the store
// when a process starts, so that spacing counts it. It does not touch the
// Counter, which already holds it.
func (a *Allocator) Record(p Pick) error {
	m := meterOf(p.Action)
	if m < 0 {
		return fieldErr("Pick", "Action", string(p.Action), "unknown action")
	}
	if p.At.IsZero() {
		return fieldErr("Pick", "At", p.At.Format(time.RFC3339), "want the instant of the send")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	rg := &a.rings[m]
	i, ok := a.index[p.Resource]
	if !ok {
		return fmt.Errorf("allocator: record %s: %w", p.Resource, ErrUnknownResource)
	}
	if k := a.slots[i].res.Kind; k != rg.kind {
		return fieldErr("Pick", "Resource", p.Resource,
			fmt.Sprintf("is a %s; %s needs a %s", k, p.Action, rg.kind))
	}
	if rg.spaced && a.slots[i].res.sends(m) {
		rg.nodes[i].insert(p.At.UnixNano())
		rg.fail.valid = false
	}
	return nil
}

// SetPaused takes a resource out of rotation (paused) or puts it back. A
// paused sticky resource is replaced on the lead's next pick.
func (a *Allocator) SetPaused(id outbound.ResourceID, paused bool) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i, ok := a.index[id]
	if !ok {
		return fmt.Errorf("allocator: pause %s: %w", id, ErrUnknownResource)
	}
	s := &a.slots[i]
	if s.res.Paused == paused {
		return nil
	}
	s.res.Paused = paused
	first, n := metersOf(s.res.Kind)
	for m := first; m < first+n; m++ {
		if !s.res.sends(m) {
			continue
		}
		rg := &a.rings[m]
		if paused {
			rg.drop(i)
		} else {
			rg.linkBefore(i)
		}
	}
	a.version++ // either way, a remembered NextOpen is stale
	return nil
}

// SetThrottle records the share of a resource's daily limit its measured
// health withholds, for the DailyLimiter's next reading.
func (a *Allocator) SetThrottle(id outbound.ResourceID, throttle int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i, ok := a.index[id]
	if !ok {
		return fmt.Errorf("allocator: throttle %s: %w", id, ErrUnknownResource)
	}
	if a.slots[i].res.Throttle != throttle {
		a.slots[i].res.Throttle = throttle
		a.version++ // a remembered NextOpen is stale
	}
	return nil
}

// Add puts a new resource into rotation (say, the client bought another
// mailbox). It joins the end of the current round.
func (a *Allocator) Add(r Resource) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.add(r)
}

// Remove takes a resource out of the allocator for good (released, retired).
// A lead sticky to it gets another resource on its next pick.
func (a *Allocator) Remove(id outbound.ResourceID) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i, ok := a.index[id]
	if !ok {
		return fmt.Errorf("allocator: remove %s: %w", id, ErrUnknownResource)
	}
	s := &a.slots[i]
	first, n := metersOf(s.res.Kind)
	for m := first; m < first+n; m++ {
		if !s.res.sends(m) {
			continue
		}
		rg := &a.rings[m]
		rg.drop(i)
		for k, j := range rg.members {
			if j == i {
				rg.members = append(rg.members[:k], rg.members[k+1:]...)
				break
			}
		}
		if rg.last == i {
			rg.last = -1
		}
		rg.nodes[i] = node{}
	}
	s.removed = true
	delete(a.index, id)
	a.version++
	return nil
}

// Resource returns the resource with the given ID as the allocator holds it.
func (a *Allocator) Resource(id outbound.ResourceID) (Resource, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	i, ok := a.index[id]
	if !ok {
		return Resource{}, false
	}
	return a.slots[i].res, true
}

// Forget drops the spacing history of sends long before the given instant,
// to bound memory; the engine calls it as time passes (say, daily with the
// current instant). Afterwards a pick for an instant before it fails with
// [ErrForgotten], since its neighbours may be gone. Forgetting never moves
// the horizon back.
func (a *Allocator) Forget(before time.Time) {
	bn := before.UnixNano()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.hasFloor && bn <= a.floor {
		return
	}
	a.floor, a.hasFloor = bn, true
	for m := range a.rings {
		rg := &a.rings[m]
		if !rg.spaced {
			continue
		}
		cut := bn - rg.spacing - rg.jitter // a send this early cannot block a pick at or after bn
		for _, i := range rg.members {
			nd := &rg.nodes[i]
			k := 0
			for k < len(nd.hist) && nd.hist[k] < cut {
				k++
			}
			if k > 0 {
				nd.hist = nd.hist[:copy(nd.hist, nd.hist[k:])]
			}
		}
	}
	a.version++
}

func seedOf(id outbound.ResourceID) uint64 {
	return mix64(binary.LittleEndian.Uint64(id.UUID[:8]) ^ mix64(binary.LittleEndian.Uint64(id.UUID[8:])))
}

// mix64 is the SplitMix64 finaliser: a cheap, well-spread hash of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
