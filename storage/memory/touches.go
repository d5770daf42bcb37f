package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// touchRec is a stored touch and its place in the claim index.
type touchRec struct {
	t     outbound.Touch
	avail time.Time  // the first instant a claim may take it; valid while in a heap
	heap  *touchHeap // the heap holding it; nil when it is final
	idx   int        // its index in that heap
}

// availableAt returns when a touch may first be claimed, and false when it
// never may (its status is final). A touch is leased while LeasedBy is set
// and LeaseUntil has not passed; a scheduled touch is due from ScheduledAt
// once unleased, a sending one as soon as it is unleased.
func availableAt(t *outbound.Touch) (time.Time, bool) {
	var lease time.Time
	if t.LeasedBy != "" {
		lease = t.LeaseUntil
	}
	switch t.Status {
	case outbound.TouchScheduled:
		if lease.After(t.ScheduledAt) {
			return lease, true
		}
		return t.ScheduledAt, true
	case outbound.TouchSending:
		return lease, true
	}
	return time.Time{}, false
}

// place puts r where its current state belongs in the claim index: in the
// waiting heap when unfinished, nowhere when final. Claims move waiting
// touches that have come due to the ready heap.
func (s *Store) place(r *touchRec) {
	if r.heap != nil {
		r.heap.remove(r.idx)
	}
	if avail, ok := availableAt(&r.t); ok {
		r.avail = avail
		s.waiting.push(r)
	}
}

func validStatus(st outbound.TouchStatus) bool {
	switch st {
	case outbound.TouchScheduled, outbound.TouchSending, outbound.TouchSent, outbound.TouchDelivered,
		outbound.TouchFailed, outbound.TouchSkipped, outbound.TouchCancelled, outbound.TouchUncertain:
		return true
	}
	return false
}

func checkTouch(t *outbound.Touch) error {
	if t.ID.IsZero() {
		return invalid("touch", "id", "", "must be set")
	}
	if t.Client.IsZero() {
		return invalid("touch", "client", "", "must be set")
	}
	if !validStatus(t.Status) {
		return invalid("touch", "status", string(t.Status), "must be a known touch status")
	}
	return nil
}

func normTouch(t outbound.Touch) outbound.Touch {
	t.ScheduledAt, t.SentAt, t.LeaseUntil = utc(t.ScheduledAt), utc(t.SentAt), utc(t.LeaseUntil)
	return t
}

// InsertTouches implements [storage.Touches]: all or nothing.
func (s *Store) InsertTouches(ctx context.Context, ts []outbound.Touch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range ts {
		if err := checkTouch(&ts[i]); err != nil {
			return fmt.Errorf("memory: touch %d of %d: %w", i+1, len(ts), err)
		}
	}
	recs := make([]touchRec, len(ts))
	s.mu.Lock()
	defer s.mu.Unlock()
	// Add to the map as we go, so that a duplicate inside the batch is found
	// like one already stored; roll back on the first.
	for i := range ts {
		if _, ok := s.touches[ts[i].ID]; ok {
			for _, t := range ts[:i] {
				delete(s.touches, t.ID)
			}
			return conflict("touch", ts[i].ID)
		}
		recs[i].t = normTouch(ts[i])
		s.touches[ts[i].ID] = &recs[i]
	}
	for i := range recs {
		r := &recs[i]
		s.touchByLead[r.t.Lead] = append(s.touchByLead[r.t.Lead], r)
		s.touchByEnrollment[r.t.Enrollment] = append(s.touchByEnrollment[r.t.Enrollment], r)
		s.place(r)
	}
	return nil
}

// GetTouch implements [storage.Touches].
func (s *Store) GetTouch(ctx context.Context, id outbound.TouchID) (*outbound.Touch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.touches[id]
	if !ok {
		return nil, notFound("touch", id)
	}
	t := r.t
	return &t, nil
}

func cmpTouch(a, b *outbound.Touch) int {
	if c := a.ScheduledAt.Compare(b.ScheduledAt); c != 0 {
		return c
	}
	return cmpID(a.ID.UUID, b.ID.UUID)
}

// ListTouches implements [storage.Touches]. A filter on enrollment or lead
// reads only that one's touches.
func (s *Store) ListTouches(ctx context.Context, f storage.TouchFilter) ([]outbound.Touch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	match := func(t *outbound.Touch) bool {
		return (f.Client.IsZero() || t.Client == f.Client) &&
			(f.Campaign.IsZero() || t.Campaign == f.Campaign) &&
			(f.Lead.IsZero() || t.Lead == f.Lead) &&
			(f.Enrollment.IsZero() || t.Enrollment == f.Enrollment) &&
			(f.Status == "" || t.Status == f.Status)
	}
	var recs []*touchRec
	add := func(r *touchRec) {
		if match(&r.t) {
			recs = append(recs, r)
		}
	}
	switch {
	case !f.Enrollment.IsZero():
		for _, r := range s.touchByEnrollment[f.Enrollment] {
			add(r)
		}
	case !f.Lead.IsZero():
		for _, r := range s.touchByLead[f.Lead] {
			add(r)
		}
	default:
		recs = make([]*touchRec, 0, len(s.touches))
		for _, r := range s.touches {
			add(r)
		}
	}
	// Sort pointers, not 300-byte touches.
	slices.SortFunc(recs, func(a, b *touchRec) int { return cmpTouch(&a.t, &b.t) })
	out := make([]outbound.Touch, len(recs))
	for i, r := range recs {
		out[i] = r.t
	}
	return out, nil
}

// ClaimTouches implements [storage.Touches]. It reads only the touches it
// hands out and those that came due since the last claim, never the whole
// table. It leaves Attempts alone: the dispatcher counts attempts.
func (s *Store) ClaimTouches(ctx context.Context, c storage.Claim) ([]outbound.Touch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.Worker == "" {
		return nil, invalid("claim", "worker", "", "must not be empty")
	}
	if !c.LeaseUntil.After(c.Now) {
		return nil, invalid("claim", "lease_until", c.LeaseUntil.UTC().Format(time.RFC3339Nano), "must be after now")
	}
	if c.Limit <= 0 {
		return nil, nil
	}
	lease := utc(c.LeaseUntil)
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.waiting.len() > 0 && !s.waiting.recs[0].avail.After(c.Now) {
		s.ready.push(s.waiting.pop())
	}
	out := make([]outbound.Touch, 0, min(c.Limit, s.ready.len()))
	for len(out) < c.Limit && s.ready.len() > 0 {
		r := s.ready.pop()
		if r.avail.After(c.Now) {
			// Due for a later claim, not this earlier one.
			s.waiting.push(r)
			continue
		}
		r.t.LeasedBy, r.t.LeaseUntil = c.Worker, lease
		s.place(r)
		out = append(out, r.t)
	}
	return out, nil
}

// UpdateTouch implements [storage.Touches]. The store reads no clock, so a
// worker whose lease has expired may still update the touch until another
// worker claims it.
func (s *Store) UpdateTouch(ctx context.Context, t *outbound.Touch, worker string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t == nil {
		return invalid("touch", "", "", "must not be nil")
	}
	if err := checkTouch(t); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.touches[t.ID]
	if !ok {
		return notFound("touch", t.ID)
	}
	if worker != "" && r.t.LeasedBy != worker {
		return fmt.Errorf("memory: touch %s: %q holds it, not %q: %w", t.ID, r.t.LeasedBy, worker, storage.ErrLeaseLost)
	}
	if r.t.Lead != t.Lead {
		s.touchByLead[r.t.Lead] = unlink(s.touchByLead[r.t.Lead], r)
		s.touchByLead[t.Lead] = append(s.touchByLead[t.Lead], r)
	}
	if r.t.Enrollment != t.Enrollment {
		s.touchByEnrollment[r.t.Enrollment] = unlink(s.touchByEnrollment[r.t.Enrollment], r)
		s.touchByEnrollment[t.Enrollment] = append(s.touchByEnrollment[t.Enrollment], r)
	}
	r.t = normTouch(*t)
	s.place(r)
	return nil
}

func unlink(rs []*touchRec, r *touchRec) []*touchRec {
	if i := slices.Index(rs, r); i >= 0 {
		return slices.Delete(rs, i, i+1)
	}
	return rs
}

// touchHeap is a binary min-heap of touches that knows each one's index, so
// that a touch can leave it from anywhere when it is updated. The waiting
// heap orders by when a touch comes due, the ready heap by the claim order:
// scheduled instant, then ID.
type touchHeap struct {
	recs    []*touchRec
	byAvail bool
}

func (h *touchHeap) len() int { return len(h.recs) }

func (h *touchHeap) less(i, j int) bool {
	a, b := h.recs[i], h.recs[j]
	if h.byAvail {
		if c := a.avail.Compare(b.avail); c != 0 {
			return c < 0
		}
	}
	return cmpTouch(&a.t, &b.t) < 0
}

func (h *touchHeap) swap(i, j int) {
	h.recs[i], h.recs[j] = h.recs[j], h.recs[i]
	h.recs[i].idx = i
	h.recs[j].idx = j
}

func (h *touchHeap) push(r *touchRec) {
	r.heap, r.idx = h, len(h.recs)
	h.recs = append(h.recs, r)
	h.up(r.idx)
}

func (h *touchHeap) pop() *touchRec { return h.remove(0) }

func (h *touchHeap) remove(i int) *touchRec {
	n := len(h.recs) - 1
	r := h.recs[i]
	if i != n {
		h.swap(i, n)
	}
	h.recs[n] = nil
	h.recs = h.recs[:n]
	if i != n {
		if !h.down(i) {
			h.up(i)
		}
	}
	r.heap, r.idx = nil, -1
	return r
}

func (h *touchHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

// down sifts i down and reports whether it moved.
func (h *touchHeap) down(i int) bool {
	start, n := i, len(h.recs)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && h.less(r, l) {
			c = r
		}
		if !h.less(c, i) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}
