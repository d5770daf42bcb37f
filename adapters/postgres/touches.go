package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

const touchCols = `id, client_id, campaign_id, enrollment_id, lead_id, step, step_channel, channel, action, resource_id,
	day, scheduled_at, sent_at, lease_until, leased_by, attempts, status, reason, provider_ref, provider, warning, subject, body`

func scanTouch(rows pgx.Rows, t *outbound.Touch) error {
	return rows.Scan(scanID(&t.ID.UUID), scanID(&t.Client.UUID), scanID(&t.Campaign.UUID), scanID(&t.Enrollment.UUID),
		scanID(&t.Lead.UUID), &t.Step, &t.StepChannel, &t.Channel, &t.Action, scanID(&t.Resource.UUID),
		scanDate(&t.Day), scanTime(&t.ScheduledAt), scanTime(&t.SentAt), scanTime(&t.LeaseUntil), &t.LeasedBy,
		&t.Attempts, &t.Status, &t.Reason, &t.ProviderRef, &t.Provider, &t.Warning, &t.Subject, &t.Body)
}

// insertTouchesSQL inserts a batch from one array per column: one
// statement, so all or nothing, and one round trip whatever the batch's
// size. (COPY is not an option: Postgres refuses COPY FROM into a table with
// row-level security.)
const insertTouchesSQL = `INSERT INTO touches (` + touchCols + `)
	SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int4[], $7::text[],
		$8::text[], $9::text[], $10::uuid[], $11::date[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[],
		$15::text[], $16::int4[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])`

// touchColumns is a batch of touches by column, for insertTouchesSQL.
type touchColumns struct {
	id, client, campaign, enrollment, lead, resource []pgtype.UUID
	step, attempts                                   []int32
	stepChannel, channel, action, leasedBy           []string
	status, reason, providerRef, provider, warning   []string
	subject, body                                    []string
	day                                              []pgtype.Date
	scheduledAt, sentAt, leaseUntil                  []pgtype.Timestamptz
}

func columnsOf(batch []outbound.Touch) *touchColumns {
	n := len(batch)
	c := &touchColumns{
		id: make([]pgtype.UUID, n), client: make([]pgtype.UUID, n), campaign: make([]pgtype.UUID, n),
		enrollment: make([]pgtype.UUID, n), lead: make([]pgtype.UUID, n), resource: make([]pgtype.UUID, n),
		step: make([]int32, n), attempts: make([]int32, n),
		stepChannel: make([]string, n), channel: make([]string, n), action: make([]string, n), leasedBy: make([]string, n),
		status: make([]string, n), reason: make([]string, n), providerRef: make([]string, n), provider: make([]string, n),
		warning: make([]string, n), subject: make([]string, n), body: make([]string, n),
		day: make([]pgtype.Date, n), scheduledAt: make([]pgtype.Timestamptz, n), sentAt: make([]pgtype.Timestamptz, n),
		leaseUntil: make([]pgtype.Timestamptz, n),
	}
	for i := range batch {
		t := &batch[i]
		c.id[i], c.client[i], c.campaign[i] = id(t.ID.UUID), id(t.Client.UUID), id(t.Campaign.UUID)
		c.enrollment[i], c.lead[i], c.resource[i] = id(t.Enrollment.UUID), id(t.Lead.UUID), ref(t.Resource.UUID)
		c.step[i], c.attempts[i] = int32(t.Step), int32(t.Attempts)
		c.stepChannel[i], c.channel[i], c.action[i] = string(t.StepChannel), string(t.Channel), string(t.Action)
		c.leasedBy[i], c.status[i], c.reason[i], c.providerRef[i] = t.LeasedBy, string(t.Status), string(t.Reason), t.ProviderRef
		c.provider[i], c.warning[i] = t.Provider, t.Warning
		c.subject[i], c.body[i] = t.Subject, t.Body
		c.day[i] = day(t.Day)
		c.scheduledAt[i] = pgtype.Timestamptz{Time: t.ScheduledAt, Valid: true}
		c.sentAt[i], c.leaseUntil[i] = ts(t.SentAt), ts(t.LeaseUntil)
	}
	return c
}

func (c *touchColumns) args() []any {
	return []any{c.id, c.client, c.campaign, c.enrollment, c.lead, c.step, c.stepChannel, c.channel, c.action,
		c.resource, c.day, c.scheduledAt, c.sentAt, c.leaseUntil, c.leasedBy, c.attempts, c.status, c.reason,
		c.providerRef, c.provider, c.warning, c.subject, c.body}
}

// InsertTouches implements [storage.Touches] with one multi-row INSERT:
// an ID already stored, or twice in the batch, breaks the primary key and
// stores none of it.
func (s *Store) InsertTouches(ctx context.Context, ts []outbound.Touch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range ts {
		if err := storage.CheckTouch(&ts[i]); err != nil {
			return fmt.Errorf("postgres: touch %d of %d: %w", i+1, len(ts), err)
		}
	}
	if len(ts) == 0 {
		return nil
	}
	_, err := s.exec(ctx, insertTouchesSQL, columnsOf(ts).args()...)
	return wrap(err, "touch batch of", stringer(fmt.Sprint(len(ts))))
}

// savePlansSQL stores planning writes in one statement, so all or nothing:
// $1–$23 are the touches by column (insertTouchesSQL's), $24–$29 the
// enrollments' IDs and planning state. It writes nothing when an
// enrollment is not to be found, and says how many were missing; a touch ID
// stored already or twice breaks the primary key and fails the lot.
const savePlansSQL = `WITH e AS (
		SELECT * FROM unnest($24::uuid[], $25::int4[], $26::text[], $27::timestamptz[], $28::text[], $29::text[]::jsonb[])
			AS e(id, next_step, state, paused_until, stop_reason, sticky)
	), missing AS (
		SELECT count(*) AS n FROM e WHERE NOT EXISTS (SELECT 1 FROM enrollments x WHERE x.id = e.id)
	), upd AS (
		UPDATE enrollments x SET next_step = e.next_step, state = e.state, paused_until = e.paused_until,
			stop_reason = e.stop_reason, sticky = e.sticky
		FROM e WHERE x.id = e.id AND (SELECT n FROM missing) = 0
		RETURNING 1
	), ins AS (
		INSERT INTO touches (` + touchCols + `)
		SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int4[], $7::text[],
			$8::text[], $9::text[], $10::uuid[], $11::date[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[],
			$15::text[], $16::int4[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
		WHERE (SELECT n FROM missing) = 0
		RETURNING 1
	)
	SELECT (SELECT n FROM missing), (SELECT count(*) FROM upd), (SELECT count(*) FROM ins)`

// SavePlans implements [storage.Plans] in one statement.
func (s *Store) SavePlans(ctx context.Context, ws []storage.PlanWrite) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckPlans(ws); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	n := 0
	for i := range ws {
		n += len(ws[i].Touches)
	}
	all := make([]outbound.Touch, 0, n)
	ids, steps := make([]pgtype.UUID, len(ws)), make([]int32, len(ws))
	states, reasons := make([]string, len(ws)), make([]string, len(ws))
	paused, stickies := make([]pgtype.Timestamptz, len(ws)), make([]pgtype.Text, len(ws))
	for i := range ws {
		e := ws[i].Enrollment
		raw, err := sticky(e.Sticky).value()
		if err != nil {
			return fmt.Errorf("postgres: enrollment %s sticky: %w", e.ID, err)
		}
		ids[i], steps[i], states[i], reasons[i] = id(e.ID.UUID), int32(e.NextStep), string(e.State), string(e.StopReason)
		paused[i], stickies[i] = ts(e.PausedUntil), pgtype.Text{String: string(raw), Valid: raw != nil}
		all = append(all, ws[i].Touches...)
	}
	if len(ws) == 0 {
		return nil
	}
	var missing, updated, inserted int64
	err := s.queryRow(ctx, savePlansSQL, append(columnsOf(all).args(), ids, steps, states, paused, reasons, stickies),
		&missing, &updated, &inserted)
	switch {
	case err != nil:
		return wrap(err, "plans of", stringer(fmt.Sprintf("%d enrollments", len(ws))))
	case missing > 0:
		return fmt.Errorf("postgres: plans: %d of %d enrollments not found: %w", missing, len(ws), storage.ErrNotFound)
	case updated != int64(len(ws)) || inserted != int64(len(all)):
		return fmt.Errorf("postgres: plans: %d enrollments and %d touches written of %d and %d", updated, inserted, len(ws), len(all))
	}
	return nil
}

// GetTouch implements [storage.Touches].
func (s *Store) GetTouch(ctx context.Context, tid outbound.TouchID) (*outbound.Touch, error) {
	return getOne(ctx, s, "touch", tid, `SELECT `+touchCols+` FROM touches WHERE id = $1`, []any{id(tid.UUID)}, scanTouch)
}

// ListTouches implements [storage.Touches]: every filter field is a
// condition, the order is scheduled instant then ID.
func (s *Store) ListTouches(ctx context.Context, f storage.TouchFilter) ([]outbound.Touch, error) {
	var w where
	if !f.Client.IsZero() {
		w.add(`client_id = ?`, id(f.Client.UUID))
	}
	if !f.Campaign.IsZero() {
		w.add(`campaign_id = ?`, id(f.Campaign.UUID))
	}
	if !f.Lead.IsZero() {
		w.add(`lead_id = ?`, id(f.Lead.UUID))
	}
	if !f.Enrollment.IsZero() {
		w.add(`enrollment_id = ?`, id(f.Enrollment.UUID))
	}
	if len(f.Enrollments) > 0 {
		es := make([]pgtype.UUID, len(f.Enrollments))
		for i, e := range f.Enrollments {
			es[i] = id(e.UUID)
		}
		w.add(`enrollment_id = ANY(?::uuid[])`, es)
	}
	switch {
	case f.Status == outbound.TouchPending:
		// A literal, so that every plan of the query, generic ones
		// included, reads the small touches_pending index.
		w.add(`status = 'pending'`)
	case f.Status != "":
		w.add(`status = ?`, string(f.Status))
	}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ss[i] = string(st)
		}
		w.add(`status = ANY(?::text[])`, ss)
	}
	if f.Action != "" {
		w.add(`action = ?`, string(f.Action))
	}
	if len(f.Resources) > 0 {
		rs := make([]pgtype.UUID, len(f.Resources))
		for i, r := range f.Resources {
			rs[i] = id(r.UUID)
		}
		w.add(`resource_id = ANY(?::uuid[])`, rs)
	}
	if !f.SentFrom.IsZero() || !f.SentUntil.IsZero() {
		w.add(`sent_at IS NOT NULL`)
	}
	if !f.SentFrom.IsZero() {
		w.add(`sent_at >= ?`, ts(f.SentFrom))
	}
	if !f.SentUntil.IsZero() {
		w.add(`sent_at < ?`, ts(f.SentUntil))
	}
	out, err := list(ctx, s, `SELECT `+touchCols+` FROM touches`+w.String()+` ORDER BY scheduled_at, id`, w.args, scanTouch)
	return out, wrapList(err, "touches")
}

// claimSQL leases the due touches, oldest first, skipping those another
// claim has locked: no touch goes to two workers. A touch is due when it is
// scheduled by now or sending, and not leased past now.
const claimSQL = `WITH due AS (
		SELECT id FROM touches
		WHERE status IN ('scheduled', 'sending')
			AND (status = 'sending' OR scheduled_at <= $1)
			AND (leased_by = '' OR lease_until IS NULL OR lease_until <= $1)
		ORDER BY scheduled_at, id
		LIMIT $4
		FOR UPDATE SKIP LOCKED
	), claimed AS (
		UPDATE touches t SET leased_by = $2, lease_until = $3
		FROM due WHERE t.id = due.id
		RETURNING ` + `t.id, t.client_id, t.campaign_id, t.enrollment_id, t.lead_id, t.step, t.step_channel, t.channel,
			t.action, t.resource_id, t.day, t.scheduled_at, t.sent_at, t.lease_until, t.leased_by, t.attempts, t.status,
			t.reason, t.provider_ref, t.provider, t.warning, t.subject, t.body
	)
	SELECT ` + touchCols + ` FROM claimed ORDER BY scheduled_at, id`

// ClaimTouches implements [storage.Touches] in one statement: SELECT ...
// FOR UPDATE SKIP LOCKED picks the due touches in claim order, the UPDATE
// leases them. It leaves Attempts alone.
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
	out, err := list(ctx, s, claimSQL, []any{ts(c.Now), c.Worker, ts(c.LeaseUntil), c.Limit}, scanTouch)
	if err != nil {
		return nil, wrap(err, "claim by", stringer(c.Worker))
	}
	return out, nil
}

// UpdateTouch implements [storage.Touches] in one statement: the update
// applies only while worker (when set) holds the lease, checked on the row
// as it is when the update locks it; the same statement tells a missing
// touch from a lost lease.
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
	var done, exists bool
	err := s.queryRow(ctx, `WITH upd AS (
			UPDATE touches SET client_id = $2, campaign_id = $3, enrollment_id = $4, lead_id = $5, step = $6,
				step_channel = $7, channel = $8, action = $9, resource_id = $10, day = $11, scheduled_at = $12,
				sent_at = $13, lease_until = $14, leased_by = $15, attempts = $16, status = $17, reason = $18,
				provider_ref = $19, provider = $20, warning = $21, subject = $22, body = $23
			WHERE id = $1 AND ($24 = '' OR leased_by = $24)
			RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM upd), EXISTS (SELECT 1 FROM touches WHERE id = $1)`,
		[]any{id(t.ID.UUID), id(t.Client.UUID), id(t.Campaign.UUID), id(t.Enrollment.UUID), id(t.Lead.UUID), t.Step,
			string(t.StepChannel), string(t.Channel), string(t.Action), ref(t.Resource.UUID), day(t.Day),
			pgtype.Timestamptz{Time: t.ScheduledAt, Valid: true}, ts(t.SentAt), ts(t.LeaseUntil), t.LeasedBy,
			t.Attempts, string(t.Status), string(t.Reason), t.ProviderRef, t.Provider, t.Warning, t.Subject, t.Body, worker},
		&done, &exists)
	switch {
	case err != nil:
		return wrap(err, "touch", t.ID)
	case done:
		return nil
	case !exists:
		return notFound("touch", t.ID)
	}
	return fmt.Errorf("postgres: touch %s: not held by %q: %w", t.ID, worker, storage.ErrLeaseLost)
}

// updateTouchesSQL replaces a batch of touches from one array per column
// (insertTouchesSQL's), each only while $24 (when set) holds its lease as
// the row stands when the update locks it, and returns the IDs replaced.
const updateTouchesSQL = `UPDATE touches t SET client_id = u.client_id, campaign_id = u.campaign_id,
		enrollment_id = u.enrollment_id, lead_id = u.lead_id, step = u.step, step_channel = u.step_channel,
		channel = u.channel, action = u.action, resource_id = u.resource_id, day = u.day,
		scheduled_at = u.scheduled_at, sent_at = u.sent_at, lease_until = u.lease_until, leased_by = u.leased_by,
		attempts = u.attempts, status = u.status, reason = u.reason, provider_ref = u.provider_ref,
		provider = u.provider, warning = u.warning, subject = u.subject, body = u.body
	FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int4[], $7::text[],
		$8::text[], $9::text[], $10::uuid[], $11::date[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[],
		$15::text[], $16::int4[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
		AS u(` + touchCols + `)
	WHERE t.id = u.id AND ($24 = '' OR t.leased_by = $24)
	RETURNING t.id`

// UpdateTouches implements [storage.Touches] in one statement.
func (s *Store) UpdateTouches(ctx context.Context, batch []outbound.Touch, worker string) ([]outbound.TouchID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := storage.CheckTouches(batch); err != nil {
		return nil, err
	}
	if len(batch) == 0 {
		return nil, nil
	}
	done := make(map[outbound.TouchID]struct{}, len(batch))
	err := s.query(ctx, updateTouchesSQL, append(columnsOf(batch).args(), worker), func(rows pgx.Rows) error {
		var tid outbound.TouchID
		if err := rows.Scan(scanID(&tid.UUID)); err != nil {
			return err
		}
		done[tid] = struct{}{}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "touch batch of", stringer(fmt.Sprint(len(batch))))
	}
	var skipped []outbound.TouchID
	for i := range batch {
		if _, ok := done[batch[i].ID]; !ok {
			skipped = append(skipped, batch[i].ID)
		}
	}
	return skipped, nil
}

// nextDueSQL is the least instant at which a claim hands out a touch, from
// three index scans that each stop at their first row: the scheduled
// touches due at their instant; the touches leased past it (the lease's
// end); and any unleased sending touch (due at any instant: the zero time).
const nextDueSQL = `SELECT min(at) FROM (
	(SELECT scheduled_at AS at FROM touches
		WHERE status = 'scheduled' AND (leased_by = '' OR lease_until IS NULL OR lease_until <= scheduled_at)
		ORDER BY scheduled_at LIMIT 1)
	UNION ALL
	(SELECT lease_until FROM touches
		WHERE status IN ('scheduled', 'sending') AND leased_by <> '' AND lease_until IS NOT NULL
			AND (status = 'sending' OR lease_until > scheduled_at)
		ORDER BY lease_until LIMIT 1)
	UNION ALL
	(SELECT '-infinity'::timestamptz FROM touches
		WHERE status = 'sending' AND (leased_by = '' OR lease_until IS NULL) LIMIT 1)
) due`

// NextDue implements [storage.Touches].
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var at pgtype.Timestamptz
	if err := s.queryRow(ctx, nextDueSQL, nil, &at); err != nil {
		return time.Time{}, false, wrap(err, "next due", stringer("touch"))
	}
	switch {
	case !at.Valid:
		return time.Time{}, false, nil
	case at.InfinityModifier != pgtype.Finite:
		return time.Time{}, true, nil
	}
	return at.Time.UTC(), true, nil
}

// FindTouchByProviderRef implements [storage.Touches] on the (provider,
// provider reference) index.
func (s *Store) FindTouchByProviderRef(ctx context.Context, provider, pref string) (*outbound.Touch, error) {
	key := stringer(fmt.Sprintf("of provider %q with reference %q", provider, pref))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if provider == "" || pref == "" {
		return nil, notFound("touch", key)
	}
	return getOne(ctx, s, "touch", key, `SELECT `+touchCols+` FROM touches
		WHERE provider = $1 AND provider_ref = $2 AND provider_ref <> '' ORDER BY id LIMIT 1`,
		[]any{provider, pref}, scanTouch)
}
