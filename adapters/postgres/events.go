package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Events

const eventCols = `id, client_id, campaign_id, lead_id, touch_id, provider, provider_event_id, type, kind,
	provider_message_id, idempotency_key, from_address, to_address, at, detail, return_at, body, metadata, recorded_at,
	event_kind, payload, applied_at`

func scanEvent(rows pgx.Rows, e *outbound.Event) error {
	var meta, payload []byte
	if err := rows.Scan(scanID(&e.ID.UUID), scanID(&e.Client.UUID), scanID(&e.Campaign.UUID), scanID(&e.Lead.UUID),
		scanID(&e.Touch.UUID), &e.Provider, &e.ProviderEventID, &e.Type, &e.Event.Kind, &e.ProviderMessageID,
		&e.IdempotencyKey, &e.From, &e.To, scanTime(&e.At), &e.Detail, scanTime(&e.ReturnAt), &e.Body, &meta,
		scanTime(&e.RecordedAt), &e.Topic, &payload, scanTime(&e.AppliedAt)); err != nil {
		return err
	}
	e.Metadata = nil
	if len(meta) > 0 {
		if err := json.Unmarshal(meta, &e.Metadata); err != nil {
			return fmt.Errorf("postgres: event %s metadata: %w", e.ID, err)
		}
	}
	e.Payload = nil
	if len(payload) > 0 {
		e.Payload = payload
	}
	return nil
}

// recordEventSQL stores an event unless its (provider, provider event ID)
// is stored: of concurrent copies exactly one is stored.
const recordEventSQL = `INSERT INTO events (` + eventCols + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19, $20, $21, $22)
	ON CONFLICT (provider, provider_event_id) DO NOTHING`

// storedEventSQL reads the event stored under a deduplication key. Run
// after recordEventSQL in the same transaction, on a snapshot taken after
// it, it sees the copy that made the insert do nothing even when that copy
// committed while the insert waited for it.
const storedEventSQL = `SELECT ` + eventCols + ` FROM events WHERE provider = $1 AND provider_event_id = $2`

// RecordEvent implements [storage.Events] in one round trip: INSERT ... ON
// CONFLICT DO NOTHING on the (provider, provider_event_id) key, then a read
// of the stored event under that key, which overwrites *e when the insert
// stored nothing. An event whose key is new but whose ID is taken yields
// ErrConflict. Through a client's handle, a duplicate of an event the
// client cannot see (another client's, or one not yet matched) is reported
// as not stored and *e is left as given.
func (s *Store) RecordEvent(ctx context.Context, e *outbound.Event) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if err := storage.CheckEvent(e); err != nil {
		return false, err
	}
	var meta []byte
	if len(e.Metadata) > 0 {
		var err error
		if meta, err = json.Marshal(e.Metadata); err != nil {
			return false, fmt.Errorf("postgres: event %s metadata: %w", e.ID, err)
		}
	}
	b := s.queue()
	b.Queue(recordEventSQL,
		id(e.ID.UUID), ref(e.Client.UUID), ref(e.Campaign.UUID), ref(e.Lead.UUID), ref(e.Touch.UUID), e.Provider,
		e.ProviderEventID, string(e.Type), string(e.Event.Kind), e.ProviderMessageID, e.IdempotencyKey, e.From, e.To,
		ts(e.At), e.Detail, ts(e.ReturnAt), e.Body, jsonb(meta), ts(e.RecordedAt), string(e.Topic), payload(e.Payload),
		ts(e.AppliedAt))
	b.Queue(storedEventSQL, e.Provider, e.ProviderEventID)
	var stored bool
	var found []outbound.Event
	err := s.send(ctx, b, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		stored = tag.RowsAffected() == 1
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v outbound.Event
			if err := scanEvent(rows, &v); err != nil {
				return err
			}
			found = append(found, v)
		}
		return rows.Err()
	})
	if err != nil {
		return false, wrap(err, "event", e.ID)
	}
	if !stored && len(found) == 1 {
		*e = found[0]
	}
	return stored, nil
}

// MarkEventApplied implements [storage.Events] in one statement: the first
// instant stays.
func (s *Store) MarkEventApplied(ctx context.Context, eid outbound.EventID, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckEventApplied(eid, at); err != nil {
		return err
	}
	n, err := s.exec(ctx, `UPDATE events SET applied_at = coalesce(applied_at, $2) WHERE id = $1`, id(eid.UUID), ts(at))
	return updated(n, err, "event", eid)
}

// UnappliedEvents implements [storage.Events] on the partial index of the
// unapplied events: oldest recorded first (an event with no recording
// instant first of all), then by ID.
func (s *Store) UnappliedEvents(ctx context.Context, before time.Time, limit int) ([]outbound.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	es, err := list(ctx, s, `SELECT `+eventCols+` FROM events
		WHERE applied_at IS NULL AND (recorded_at IS NULL OR recorded_at < $1)
		ORDER BY recorded_at NULLS FIRST, id LIMIT $2`, []any{ts(before), limit}, scanEvent)
	return es, wrapList(err, "unapplied events")
}

// payload is an event's payload column: NULL when empty.
func payload(p []byte) []byte {
	if len(p) == 0 {
		return nil
	}
	return p
}

// ListEvents implements [storage.Events]: by At, then ID.
func (s *Store) ListEvents(ctx context.Context, client outbound.ClientID) ([]outbound.Event, error) {
	var w where
	if !client.IsZero() {
		w.add(`client_id = ?`, id(client.UUID))
	}
	es, err := list(ctx, s, `SELECT `+eventCols+` FROM events`+w.String()+` ORDER BY at, id`, w.args, scanEvent)
	return es, wrapList(err, "events")
}

// Suppressions

// platformKey is how a suppression's key names the platform-wide ones (a
// NULL client_id): the nil UUID, in the unique index and the lookups.
const platformKey = `'00000000-0000-0000-0000-000000000000'::uuid`

// addSuppressionSQL records a suppression on its key: one in force stays as
// it is, a lifted one is put back in force with the new reason and instant.
const addSuppressionSQL = `INSERT INTO suppressions AS s (client_id, lead_id, address, domain, channel, reason, since)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT ((coalesce(client_id, ` + platformKey + `)), lead_id, address_key, (lower(domain)), channel)
	DO UPDATE SET reason = excluded.reason, since = excluded.since, lifted_at = NULL, lifted_by = '', lift_reason = ''
	WHERE s.lifted_at IS NOT NULL`

// AddSuppression implements [storage.Suppressions] in one statement on the
// unique key (client, lead, address as compared, domain in lower case,
// channel). A zero client adds a platform-wide suppression, which only the
// platform handle may: through a client's handle it is ErrForbidden.
func (s *Store) AddSuppression(ctx context.Context, sp *outbound.Suppression) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckSuppression(sp); err != nil {
		return err
	}
	_, err := s.exec(ctx, addSuppressionSQL, ref(sp.Client.UUID), id(sp.Lead.UUID), sp.Address, sp.Domain,
		string(sp.Channel), string(sp.Reason), ts(sp.Since))
	return wrap(err, "suppression of client", sp.Client)
}

// LiftSuppression implements [storage.Suppressions] in one statement.
// Through a client's handle a platform-wide suppression is never lifted
// (row-level security lets the client read it, not change it): false.
func (s *Store) LiftSuppression(ctx context.Context, k storage.SuppressionKey, by string, reason outbound.Reason, at time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if err := storage.CheckLift(k, at); err != nil {
		return false, err
	}
	client := `coalesce(client_id, ` + platformKey + `) = $1`
	n, err := s.exec(ctx, `UPDATE suppressions SET lifted_at = $6, lifted_by = $7, lift_reason = $8
		WHERE `+client+` AND lead_id = $2 AND address_key = (CASE WHEN strpos($3, '@') > 0 THEN lower($3) ELSE $3 END)
			AND lower(domain) = lower($4) AND channel = $5 AND lifted_at IS NULL`,
		id(k.Client.UUID), id(k.Lead.UUID), k.Address, k.Domain, string(k.Channel), ts(at), by, string(reason))
	if err != nil {
		return false, wrap(err, "suppression of client", k.Client)
	}
	return n == 1, nil
}

// Suppressed implements [storage.Suppressions].
func (s *Store) Suppressed(ctx context.Context, q storage.SuppressionQuery) (bool, error) {
	out, err := s.SuppressedAmong(ctx, []storage.SuppressionQuery{q})
	if err != nil {
		return false, err
	}
	return out[0], nil
}

// suppressedAmongSQL answers one question per row of the arrays, in their
// order: a suppression in force, the client's or platform-wide, on the
// channel or on every channel, of the lead, of the address as suppressions
// compare it, or of the domain in lower case. Each test is one index scan:
// the key's for the lead, the partial indexes of suppressions in force for
// the address and the domain. A NULL lead, an empty address and an empty
// domain match nothing.
const suppressedAmongSQL = `SELECT
		EXISTS (SELECT 1 FROM suppressions s
			WHERE coalesce(s.client_id, ` + platformKey + `) = ANY(ARRAY[q.client, ` + platformKey + `])
			AND s.lead_id = q.lead AND s.lifted_at IS NULL AND (s.channel = '' OR s.channel = q.ch))
		OR EXISTS (SELECT 1 FROM suppressions s
			WHERE q.addr <> '' AND s.address_key <> '' AND s.lifted_at IS NULL
			AND s.address_key = (CASE WHEN strpos(q.addr, '@') > 0 THEN lower(q.addr) ELSE q.addr END)
			AND coalesce(s.client_id, ` + platformKey + `) = ANY(ARRAY[q.client, ` + platformKey + `])
			AND (s.channel = '' OR s.channel = q.ch))
		OR EXISTS (SELECT 1 FROM suppressions s
			WHERE q.dom <> '' AND s.domain <> '' AND s.lifted_at IS NULL AND lower(s.domain) = lower(q.dom)
			AND coalesce(s.client_id, ` + platformKey + `) = ANY(ARRAY[q.client, ` + platformKey + `])
			AND (s.channel = '' OR s.channel = q.ch))
	FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS q(client, lead, addr, dom, ch, n)
	ORDER BY q.n`

// SuppressedAmong implements [storage.Suppressions] in one statement.
func (s *Store) SuppressedAmong(ctx context.Context, qs []storage.SuppressionQuery) ([]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return []bool{}, nil
	}
	clients, leads := make([]pgtype.UUID, len(qs)), make([]pgtype.UUID, len(qs))
	addrs, doms, chs := make([]string, len(qs)), make([]string, len(qs)), make([]string, len(qs))
	for i, q := range qs {
		clients[i], leads[i], addrs[i], doms[i], chs[i] = id(q.Client.UUID), ref(q.Lead.UUID), q.Address, q.Domain, string(q.Channel)
	}
	out := make([]bool, 0, len(qs))
	err := s.query(ctx, suppressedAmongSQL, []any{clients, leads, addrs, doms, chs}, func(rows pgx.Rows) error {
		var b bool
		if err := rows.Scan(&b); err != nil {
			return err
		}
		out = append(out, b)
		return nil
	})
	if err != nil {
		return nil, wrapList(err, "suppressions")
	}
	if len(out) != len(qs) {
		return nil, fmt.Errorf("postgres: suppressions: %d answers to %d questions", len(out), len(qs))
	}
	return out, nil
}

// ListSuppressions implements [storage.Suppressions]: the client's (the
// platform-wide ones for a zero ID), lifted ones included, by Since, lead,
// address, domain and channel, strings byte by byte.
func (s *Store) ListSuppressions(ctx context.Context, client outbound.ClientID) ([]outbound.Suppression, error) {
	cond, args := `client_id IS NULL`, []any(nil)
	if !client.IsZero() {
		cond, args = `client_id = $1`, []any{id(client.UUID)}
	}
	out, err := list(ctx, s, `SELECT client_id, lead_id, address, domain, channel, reason, since, lifted_at, lifted_by,
			lift_reason
		FROM suppressions WHERE `+cond+`
		ORDER BY since, lead_id, address COLLATE "C", domain COLLATE "C", channel COLLATE "C"`, args,
		func(rows pgx.Rows, sp *outbound.Suppression) error {
			return rows.Scan(scanID(&sp.Client.UUID), scanID(&sp.Lead.UUID), &sp.Address, &sp.Domain, &sp.Channel,
				&sp.Reason, scanTime(&sp.Since), scanTime(&sp.LiftedAt), &sp.LiftedBy, &sp.LiftReason)
		})
	return out, wrapList(err, "suppressions")
}

// Washes

// PutWash implements [storage.Washes]: an upsert that replaces the stored
// result only with one as recent or more.
func (s *Store) PutWash(ctx context.Context, w outbound.WashResult) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.Phone == "" {
		return invalid("wash", "phone", "", "must be set")
	}
	_, err := s.exec(ctx, `INSERT INTO washes (phone, status, washed_at) VALUES ($1, $2, $3)
		ON CONFLICT (phone) DO UPDATE SET status = excluded.status, washed_at = excluded.washed_at
		WHERE washes.washed_at <= excluded.washed_at`,
		w.Phone, string(w.Status), w.WashedAt)
	return wrap(err, "wash of", stringer(w.Phone))
}

func scanWash(rows pgx.Rows, w *outbound.WashResult) error {
	return rows.Scan(&w.Phone, &w.Status, scanTime(&w.WashedAt))
}

// GetWash implements [storage.Washes].
func (s *Store) GetWash(ctx context.Context, phone string) (outbound.WashResult, error) {
	w, err := getOne(ctx, s, "wash of", stringer(phone), `SELECT phone, status, washed_at FROM washes WHERE phone = $1`, []any{phone}, scanWash)
	if err != nil {
		return outbound.WashResult{}, err
	}
	return *w, nil
}

// GetWashes implements [storage.Washes] in one statement.
func (s *Store) GetWashes(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(phones) == 0 {
		return nil, nil
	}
	found, err := list(ctx, s, `SELECT phone, status, washed_at FROM washes WHERE phone = ANY($1::text[])`, []any{phones}, scanWash)
	if err != nil {
		return nil, wrapList(err, "washes")
	}
	return inOrder(found, phones, func(w *outbound.WashResult) string { return w.Phone }), nil
}

// WashesBefore implements [storage.Washes]: by phone, byte by byte.
func (s *Store) WashesBefore(ctx context.Context, t time.Time) ([]outbound.WashResult, error) {
	out, err := list(ctx, s, `SELECT phone, status, washed_at FROM washes WHERE washed_at < $1 ORDER BY phone`, []any{t}, scanWash)
	return out, wrapList(err, "washes")
}
