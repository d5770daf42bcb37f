package distribution

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// claimBatch is what the touches of one claim share while a worker handles
// them: the records each touch's checks read (enrollments, leads,
// campaigns, suppression answers, DNCR results, the touches a follow-up
// email threads on), loaded together in a few store calls, and the sent records, written together in one. Both lag at
// most Config.BatchWindow on the clock (see its doc).
//
// The loaded records are a cache in front of the store: a touch whose
// record is missing (not loaded, or forgotten because handling an earlier
// touch of the same enrollment or lead wrote something) is read from the
// store on its own, as without batching.
type claimBatch struct {
	worker string
	window time.Duration

	// What was loaded, when, and for which touches: ts[from:upto].
	loadedAt   time.Time
	from, upto int
	enr        map[outbound.EnrollmentID]*outbound.Enrollment
	leads      map[outbound.LeadID]*outbound.Lead
	camps      map[outbound.CampaignID]*outbound.Campaign
	supp       map[storage.SuppressionQuery]bool
	washes     map[string]*outbound.WashResult            // nil value: asked, never washed
	threads    map[outbound.EnrollmentID][]outbound.Touch // of the follow-up emails' enrollments

	// Sent touches not yet recorded, and when the first of them was sent.
	pending      []pendingSent
	pendingSince time.Time
}

// pendingSent is a sent touch waiting for its record, with the status it
// was sent from (for the counters).
type pendingSent struct {
	t    outbound.Touch
	from outbound.TouchStatus
}

func (s *dispatcher) newClaimBatch(worker string) *claimBatch {
	return &claimBatch{worker: worker, window: s.cfg.BatchWindow}
}

// prepare makes sure the records of ts[i] are loaded and fresh. The first
// load covers every touch left; a load that went stale before its touches
// were handled is followed by one as large as the number handled in it
// (slow sends: one touch at a time), and one that was used up fresh by one
// twice as large.
func (s *dispatcher) prepare(ctx context.Context, b *claimBatch, ts []outbound.Touch, i int, now time.Time) error {
	fresh := b.enr != nil && now.Sub(b.loadedAt) <= b.window
	if fresh && i < b.upto {
		return nil
	}
	n := len(ts) - i
	switch {
	case b.enr == nil:
	case !fresh:
		n = max(1, i-b.from)
	default:
		n = 2 * (b.upto - b.from)
	}
	return s.load(ctx, b, ts, i, min(len(ts), i+n), now)
}

// load reads the enrollments, leads, campaigns and suppression answers of
// ts[from:upto] in one store call each (a campaign each: a claim holds few).
func (s *dispatcher) load(ctx context.Context, b *claimBatch, ts []outbound.Touch, from, upto int, now time.Time) error {
	chunk := ts[from:upto]
	eids := make([]outbound.EnrollmentID, 0, len(chunk))
	lids := make([]outbound.LeadID, 0, len(chunk))
	b.camps = make(map[outbound.CampaignID]*outbound.Campaign)
	for i := range chunk {
		eids = append(eids, chunk[i].Enrollment)
		lids = append(lids, chunk[i].Lead)
		b.camps[chunk[i].Campaign] = nil
	}
	es, err := s.store.GetEnrollments(ctx, eids)
	if err != nil {
		return fmt.Errorf("distribution: enrollments of a claim: %w", err)
	}
	ls, err := s.store.GetLeads(ctx, lids)
	if err != nil {
		return fmt.Errorf("distribution: leads of a claim: %w", err)
	}
	for cid := range b.camps {
		c, err := s.store.GetCampaign(ctx, cid)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			delete(b.camps, cid) // the touch reads it alone, and reports it
		case err != nil:
			return fmt.Errorf("distribution: campaigns of a claim: %w", err)
		default:
			b.camps[cid] = c
		}
	}
	b.enr = make(map[outbound.EnrollmentID]*outbound.Enrollment, len(es))
	for i := range es {
		b.enr[es[i].ID] = &es[i]
	}
	b.leads = make(map[outbound.LeadID]*outbound.Lead, len(ls))
	for i := range ls {
		b.leads[ls[i].ID] = &ls[i]
	}
	qs := make([]storage.SuppressionQuery, 0, len(chunk))
	for i := range chunk {
		if l := b.leads[chunk[i].Lead]; l != nil {
			qs = append(qs, suppressionQuery(&chunk[i], l))
		}
	}
	answers, err := s.store.SuppressedAmong(ctx, qs)
	if err != nil {
		return fmt.Errorf("distribution: suppressions of a claim: %w", err)
	}
	b.supp = make(map[storage.SuppressionQuery]bool, len(qs))
	for i, q := range qs {
		b.supp[q] = answers[i]
	}
	if err := s.loadWashes(ctx, b, chunk); err != nil {
		return err
	}
	if err := s.loadThreads(ctx, b, chunk); err != nil {
		return err
	}
	b.loadedAt, b.from, b.upto = now, from, upto
	return nil
}

// loadWashes reads the DNCR results of the numbers the chunk's calls and
// texts go to, in one call.
func (s *dispatcher) loadWashes(ctx context.Context, b *claimBatch, chunk []outbound.Touch) error {
	var phones []string
	for i := range chunk {
		if l := b.leads[chunk[i].Lead]; l != nil && l.Phone != "" && s.needsWash(chunk[i].Channel) {
			phones = append(phones, l.Phone)
		}
	}
	b.washes = make(map[string]*outbound.WashResult, len(phones))
	if len(phones) == 0 {
		return nil
	}
	ws, err := s.store.GetWashes(ctx, phones)
	if err != nil {
		return fmt.Errorf("distribution: washes of a claim: %w", err)
	}
	for _, p := range phones {
		b.washes[p] = nil
	}
	for i := range ws {
		b.washes[ws[i].Phone] = &ws[i]
	}
	return nil
}

// loadThreads reads the touches of the enrollments whose follow-up emails
// the chunk holds (a follow-up replies to the enrollment's latest email),
// in one call.
func (s *dispatcher) loadThreads(ctx context.Context, b *claimBatch, chunk []outbound.Touch) error {
	var eids []outbound.EnrollmentID
	for i := range chunk {
		if chunk[i].Channel == channel.Email && (chunk[i].Step > 1 || chunk[i].IsAnswer()) {
			eids = append(eids, chunk[i].Enrollment)
		}
	}
	b.threads = make(map[outbound.EnrollmentID][]outbound.Touch, len(eids))
	if len(eids) == 0 {
		return nil
	}
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Enrollments: eids})
	if err != nil {
		return fmt.Errorf("distribution: threads of a claim: %w", err)
	}
	for _, e := range eids {
		b.threads[e] = nil
	}
	for _, t := range ts {
		b.threads[t.Enrollment] = append(b.threads[t.Enrollment], t)
	}
	return nil
}

// suppressionQuery is the question whether t may reach l.
func suppressionQuery(t *outbound.Touch, l *outbound.Lead) storage.SuppressionQuery {
	return leadQuery(l, t.Channel)
}

// leadQuery asks whether l may be reached on ch: by the lead, its address
// for ch, and for email its address's domain.
func leadQuery(l *outbound.Lead, ch channel.Kind) storage.SuppressionQuery {
	addr := leadAddress(l, ch)
	q := storage.SuppressionQuery{Client: l.Client, Lead: l.ID, Address: addr, Channel: ch}
	if ch == channel.Email {
		q.Domain = emailDomain(addr)
	}
	return q
}

// emailDomain is the lower-case domain of an email address, or "".
func emailDomain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(addr[at+1:])
}

// drop forgets everything loaded (a load that failed part way must not
// leave older answers behind): every touch reads its own until the next
// load.
func (b *claimBatch) drop() {
	b.enr, b.leads, b.camps, b.supp, b.washes, b.threads = nil, nil, nil, nil, nil, nil
}

// forget drops the loaded records an outcome other than a plain send may
// have changed: the touch's enrollment and lead, and the lead's
// suppression answers. The next touch that needs them reads them alone.
func (b *claimBatch) forget(t *outbound.Touch) {
	if b.enr == nil {
		return
	}
	delete(b.enr, t.Enrollment)
	delete(b.leads, t.Lead)
	delete(b.threads, t.Enrollment)
	for q := range b.supp {
		if q.Lead == t.Lead {
			delete(b.supp, q)
		}
	}
}

// loaded returns a copy of the record under k, when the claim loaded one.
func loaded[K comparable, V any](m map[K]*V, k K) (*V, bool) {
	v, ok := m[k]
	if !ok || v == nil {
		return nil, false
	}
	c := *v
	return &c, true
}

// enrollment returns the touch's enrollment, loaded or read alone.
func (s *dispatcher) enrollment(ctx context.Context, b *claimBatch, t *outbound.Touch) (*outbound.Enrollment, error) {
	if e, ok := loaded(b.enr, t.Enrollment); ok {
		return e, nil
	}
	return s.store.GetEnrollment(ctx, t.Enrollment)
}

// lead returns the touch's lead, loaded or read alone.
func (s *dispatcher) lead(ctx context.Context, b *claimBatch, t *outbound.Touch) (*outbound.Lead, error) {
	if l, ok := loaded(b.leads, t.Lead); ok {
		return l, nil
	}
	return s.store.GetLead(ctx, t.Lead)
}

// campaign returns the touch's campaign, loaded or read alone.
func (s *dispatcher) campaign(ctx context.Context, b *claimBatch, t *outbound.Touch) (*outbound.Campaign, error) {
	if c, ok := loaded(b.camps, t.Campaign); ok {
		return c, nil
	}
	return s.store.GetCampaign(ctx, t.Campaign)
}

// suppressed reports whether t may not reach l: the loaded answer, or the
// store's.
func (s *dispatcher) suppressed(ctx context.Context, b *claimBatch, t *outbound.Touch, l *outbound.Lead) (bool, error) {
	q := suppressionQuery(t, l)
	if v, ok := b.supp[q]; ok {
		return v, nil
	}
	return s.store.Suppressed(ctx, q)
}

// wash returns the latest DNCR result of phone, loaded or read alone;
// ErrNotFound when it was never washed.
func (s *dispatcher) wash(ctx context.Context, b *claimBatch, phone string) (outbound.WashResult, error) {
	w, ok := b.washes[phone]
	switch {
	case !ok:
		return s.store.GetWash(ctx, phone)
	case w == nil:
		return outbound.WashResult{}, fmt.Errorf("distribution: wash of %q: %w", phone, storage.ErrNotFound)
	}
	return *w, nil
}

// enrollmentTouches returns an enrollment's touches, loaded or read alone.
func (s *dispatcher) enrollmentTouches(ctx context.Context, b *claimBatch, e outbound.EnrollmentID) ([]outbound.Touch, error) {
	if ts, ok := b.threads[e]; ok {
		return ts, nil
	}
	return s.store.ListTouches(ctx, storage.TouchFilter{Enrollment: e})
}

// addSent queues the record of a sent touch; the first queued starts the
// window within which they are written.
func (b *claimBatch) addSent(t *outbound.Touch, from outbound.TouchStatus, now time.Time) {
	if len(b.pending) == 0 {
		b.pendingSince = now
	}
	b.pending = append(b.pending, pendingSent{t: *t, from: from})
}

// flushDue reports whether the queued records must be written now.
func (b *claimBatch) flushDue(now time.Time) bool {
	return len(b.pending) > 0 && now.Sub(b.pendingSince) >= b.window
}

// flush writes the queued sent records in one store call, each only while
// the worker holds the touch's lease. A touch another worker took over in
// the meantime is logged (it was sent; the other worker sends an email
// again under the same idempotency key, and reconciles a call or text).
// A record not written is not lost: its touch's lease runs out and the
// touch is handled again, as after a crash.
func (s *dispatcher) flush(ctx context.Context, b *claimBatch) error {
	if len(b.pending) == 0 {
		return nil
	}
	ts := make([]outbound.Touch, len(b.pending))
	for i := range b.pending {
		ts[i] = b.pending[i].t
	}
	skipped, err := s.store.UpdateTouches(ctx, ts, b.worker)
	if err != nil {
		b.pending = b.pending[:0]
		return fmt.Errorf("distribution: record %d sent touches: %w", len(ts), err)
	}
	lost := make(map[outbound.TouchID]bool, len(skipped))
	for _, id := range skipped {
		lost[id] = true
		s.log.WarnContext(ctx, "sent, but another worker took the touch over", "touch", id.String())
	}
	for i := range b.pending {
		p := &b.pending[i]
		if !lost[p.t.ID] {
			s.touchMoved(ctx, &p.t, p.from, outbound.TouchSent)
		}
	}
	b.pending = b.pending[:0]
	return nil
}
