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
	heap  *touchHeap // the heap holding it (waiting or ready); nil when it is final
	idx   int        // its index in that heap
	aidx  int        // its index in the ready-by-avail heap while it is in the ready heap
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
// waiting heap when unfinished, nowhere when final (nor when pending, which
// only the planner reads, from the pending set). Claims move waiting
// touches that have come due to the ready heap.
func (s *Store) place(r *touchRec) {
	if r.t.Status == outbound.TouchPending {
		s.pending[r.t.ID] = r
	} else {
		delete(s.pending, r.t.ID)
	}
	s.unplace(r)
	if avail, ok := availableAt(&r.t); ok {
		r.avail = avail
		s.waiting.push(r)
	}
}

// unplace takes r out of the claim index.
func (s *Store) unplace(r *touchRec) {
	switch r.heap {
	case nil:
		return
	case &s.ready:
		s.readyAvail.remove(r.aidx)
	}
	r.heap.remove(r.idx)
}

// toReady moves a touch that came due into the ready heaps.
func (s *Store) toReady(r *touchRec) {
	s.ready.push(r)
	s.readyAvail.push(r)
}

// popReady takes the first touch in claim order out of the ready heaps.
func (s *Store) popReady() *touchRec {
	r := s.ready.pop()
	s.readyAvail.remove(r.aidx)
	return r
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
		if err := storage.CheckTouch(&ts[i]); err != nil {
			return fmt.Errorf("memory: touch %d of %d: %w", i+1, len(ts), err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkNewTouches(ts); err != nil {
		return err
	}
	s.addTouches(ts)
	return nil
}

// checkNewTouches returns ErrConflict if an ID of the batches is stored or
// repeats. The caller holds the lock.
func (s *Store) checkNewTouches(batches ...[]outbound.Touch) error {
	n := 0
	for _, ts := range batches {
		n += len(ts)
	}
	seen := make(map[outbound.TouchID]struct{}, n)
	for _, ts := range batches {
		for i := range ts {
			_, stored := s.touches[ts[i].ID]
			_, again := seen[ts[i].ID]
			if stored || again {
				return conflict("touch", ts[i].ID)
			}
			seen[ts[i].ID] = struct{}{}
		}
	}
	return nil
}

// addTouches stores new touches, checked by checkNewTouches, with every
// index. The caller holds the write lock.
func (s *Store) addTouches(ts []outbound.Touch) {
	recs := make([]touchRec, len(ts))
	for i := range ts {
		r := &recs[i]
		r.t = normTouch(ts[i])
		s.touches[r.t.ID] = r
		s.touchByLead[r.t.Lead] = append(s.touchByLead[r.t.Lead], r)
		s.touchByEnrollment[r.t.Enrollment] = append(s.touchByEnrollment[r.t.Enrollment], r)
		s.indexRef(r)
		s.indexSent(r)
		s.place(r)
	}
}

// SavePlans implements [storage.Plans] under one lock: everything is
// checked before anything is stored.
func (s *Store) SavePlans(ctx context.Context, ws []storage.PlanWrite) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckPlans(ws); err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	batches := make([][]outbound.Touch, len(ws))
	for i := range ws {
		batches[i] = ws[i].Touches
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range ws {
		if _, ok := s.enrollments[ws[i].Enrollment.ID]; !ok {
			return notFound("enrollment", ws[i].Enrollment.ID)
		}
	}
	if err := s.checkNewTouches(batches...); err != nil {
		return err
	}
	for i := range ws {
		s.addTouches(ws[i].Touches)
		e := ws[i].Enrollment
		stored := s.enrollments[e.ID]
		stored.NextStep, stored.State, stored.PausedUntil, stored.StopReason = e.NextStep, e.State, utc(e.PausedUntil), e.StopReason
		stored.Sticky = e.Sticky
		s.enrollments[e.ID] = copyEnrollment(stored)
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
// reads only that one's touches; one with a sent window reads only the
// touches sent in it, from each resource named (or of the action named, or
// of every action). Any other filter reads every touch.
func (s *Store) ListTouches(ctx context.Context, f storage.TouchFilter) ([]outbound.Touch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	from, until := utc(f.SentFrom), utc(f.SentUntil)
	sentWindow := !from.IsZero() || !until.IsZero()
	var enrollments map[outbound.EnrollmentID]struct{}
	if len(f.Enrollments) > 0 {
		enrollments = make(map[outbound.EnrollmentID]struct{}, len(f.Enrollments))
		for _, id := range f.Enrollments {
			enrollments[id] = struct{}{}
		}
	}
	var resources map[outbound.ResourceID]struct{}
	if len(f.Resources) > 0 {
		resources = make(map[outbound.ResourceID]struct{}, len(f.Resources))
		for _, id := range f.Resources {
			resources[id] = struct{}{}
		}
	}
	match := func(t *outbound.Touch) bool {
		if !(f.Client.IsZero() || t.Client == f.Client) ||
			!(f.Campaign.IsZero() || t.Campaign == f.Campaign) ||
			!(f.Lead.IsZero() || t.Lead == f.Lead) ||
			!(f.Enrollment.IsZero() || t.Enrollment == f.Enrollment) ||
			!(f.Status == "" || t.Status == f.Status) ||
			!(len(f.Statuses) == 0 || slices.Contains(f.Statuses, t.Status)) ||
			!(f.Action == "" || t.Action == f.Action) {
			return false
		}
		if resources != nil {
			if _, ok := resources[t.Resource]; !ok {
				return false
			}
		}
		if enrollments != nil {
			if _, ok := enrollments[t.Enrollment]; !ok {
				return false
			}
		}
		if sentWindow {
			if t.SentAt.IsZero() || t.SentAt.Before(from) || (!until.IsZero() && !t.SentAt.Before(until)) {
				return false
			}
		}
		return true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
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
	case enrollments != nil:
		for id := range enrollments {
			for _, r := range s.touchByEnrollment[id] {
				add(r)
			}
		}
	case f.Status == outbound.TouchPending || len(f.Statuses) == 1 && f.Statuses[0] == outbound.TouchPending:
		for _, r := range s.pending {
			add(r)
		}
	case sentWindow && resources != nil:
		for id := range resources {
			s.sentByResource[id].scan(from, until, add)
		}
	case sentWindow && f.Action != "":
		s.sentByAction[f.Action].scan(from, until, add)
	case sentWindow:
		for _, set := range s.sentByAction {
			set.scan(from, until, add)
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

// NextDue implements [storage.Touches] from the claim index in O(1): the
// earlier of the first waiting touch and the earliest-due ready one.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var at time.Time
	found := false
	for _, h := range []*touchHeap{&s.waiting, &s.readyAvail} {
		if h.len() > 0 && (!found || h.recs[0].avail.Before(at)) {
			at, found = h.recs[0].avail, true
		}
	}
	return at, found, nil
}

// FindTouchByProviderRef implements [storage.Touches] from an index of
// touches by Provider and ProviderRef.
func (s *Store) FindTouchByProviderRef(ctx context.Context, provider, ref string) (*outbound.Touch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var first *touchRec
	if provider != "" && ref != "" {
		e := s.touchByRef[providerRef{provider, ref}]
		first = e.one
		for _, r := range e.more {
			if cmpID(r.t.ID.UUID, first.t.ID.UUID) < 0 {
				first = r
			}
		}
	}
	if first == nil {
		return nil, fmt.Errorf("memory: touch with %s reference %q: %w", provider, ref, storage.ErrNotFound)
	}
	t := first.t
	return &t, nil
}

// refRecs is the touches with one provider and reference: in practice one,
// held without a slice of its own.
type refRecs struct {
	one  *touchRec
	more []*touchRec // the others, when several share the reference
}

// indexRef adds r to the provider-reference index.
func (s *Store) indexRef(r *touchRec) {
	ref := providerRef{r.t.Provider, r.t.ProviderRef}
	if ref.provider == "" || ref.ref == "" {
		return
	}
	e := s.touchByRef[ref]
	if e.one == nil {
		e.one = r
	} else {
		e.more = append(e.more, r)
	}
	s.touchByRef[ref] = e
}

// unindexRef takes r out of the provider-reference index.
func (s *Store) unindexRef(r *touchRec) {
	ref := providerRef{r.t.Provider, r.t.ProviderRef}
	if ref.provider == "" || ref.ref == "" {
		return
	}
	e := s.touchByRef[ref]
	switch {
	case e.one != r:
		e.more = unlink(e.more, r)
	case len(e.more) > 0:
		e.one = e.more[len(e.more)-1]
		e.more[len(e.more)-1] = nil
		e.more = e.more[:len(e.more)-1]
	default:
		delete(s.touchByRef, ref)
		return
	}
	s.touchByRef[ref] = e
}

// indexSent adds a sent touch to the sent indexes of its resource and its
// action. A touch never sent (zero SentAt) is in neither.
func (s *Store) indexSent(r *touchRec) {
	if r.t.SentAt.IsZero() {
		return
	}
	rs := s.sentByResource[r.t.Resource]
	if rs == nil {
		rs = &sentSet{}
		s.sentByResource[r.t.Resource] = rs
	}
	rs.insert(r)
	as := s.sentByAction[r.t.Action]
	if as == nil {
		as = &sentSet{}
		s.sentByAction[r.t.Action] = as
	}
	as.insert(r)
}

// unindexSent takes r out of the sent indexes; r.t must still hold the
// SentAt, resource and action it was indexed under.
func (s *Store) unindexSent(r *touchRec) {
	if r.t.SentAt.IsZero() {
		return
	}
	if rs := s.sentByResource[r.t.Resource]; rs != nil && rs.remove(r) && rs.len() == 0 {
		delete(s.sentByResource, r.t.Resource)
	}
	if as := s.sentByAction[r.t.Action]; as != nil && as.remove(r) && as.len() == 0 {
		delete(s.sentByAction, r.t.Action)
	}
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
		s.toReady(s.waiting.pop())
	}
	out := make([]outbound.Touch, 0, min(c.Limit, s.ready.len()))
	for len(out) < c.Limit && s.ready.len() > 0 {
		r := s.popReady()
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
	if err := storage.CheckTouch(t); err != nil {
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
	s.replaceTouch(r, t)
	return nil
}

// UpdateTouches implements [storage.Touches] under one lock: the batch is
// applied as one step.
func (s *Store) UpdateTouches(ctx context.Context, ts []outbound.Touch, worker string) ([]outbound.TouchID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := storage.CheckTouches(ts); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var skipped []outbound.TouchID
	for i := range ts {
		t := &ts[i]
		r, ok := s.touches[t.ID]
		if !ok || (worker != "" && r.t.LeasedBy != worker) {
			skipped = append(skipped, t.ID)
			continue
		}
		s.replaceTouch(r, t)
	}
	return skipped, nil
}

// replaceTouch stores t in r, moving r in every index t changes. The
// caller holds the write lock.
func (s *Store) replaceTouch(r *touchRec, t *outbound.Touch) {
	if r.t.Lead != t.Lead {
		s.touchByLead[r.t.Lead] = unlink(s.touchByLead[r.t.Lead], r)
		s.touchByLead[t.Lead] = append(s.touchByLead[t.Lead], r)
	}
	if r.t.Enrollment != t.Enrollment {
		s.touchByEnrollment[r.t.Enrollment] = unlink(s.touchByEnrollment[r.t.Enrollment], r)
		s.touchByEnrollment[t.Enrollment] = append(s.touchByEnrollment[t.Enrollment], r)
	}
	nt := normTouch(*t)
	refMoved := nt.ProviderRef != r.t.ProviderRef || nt.Provider != r.t.Provider
	sentMoved := !nt.SentAt.Equal(r.t.SentAt) || nt.Resource != r.t.Resource || nt.Action != r.t.Action
	if refMoved {
		s.unindexRef(r)
	}
	if sentMoved {
		s.unindexSent(r)
	}
	r.t = nt
	if refMoved {
		s.indexRef(r)
	}
	if sentMoved {
		s.indexSent(r)
	}
	s.place(r)
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
// scheduled instant, then ID. The ready-by-avail heap holds the ready heap's
// touches again, ordered by when each came due, so that NextDue sees the
// earliest of them; it keeps its indexes in aidx (alt) and leaves heap alone.
type touchHeap struct {
	recs    []*touchRec
	byAvail bool
	alt     bool
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

// setIdx records in h.recs[i] that it sits at i.
func (h *touchHeap) setIdx(i int) {
	if h.alt {
		h.recs[i].aidx = i
	} else {
		h.recs[i].idx = i
	}
}

func (h *touchHeap) swap(i, j int) {
	h.recs[i], h.recs[j] = h.recs[j], h.recs[i]
	h.setIdx(i)
	h.setIdx(j)
}

func (h *touchHeap) push(r *touchRec) {
	if !h.alt {
		r.heap = h
	}
	h.recs = append(h.recs, r)
	h.setIdx(len(h.recs) - 1)
	h.up(len(h.recs) - 1)
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
	if h.alt {
		r.aidx = -1
	} else {
		r.heap, r.idx = nil, -1
	}
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
