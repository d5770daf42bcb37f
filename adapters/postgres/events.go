package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// Events

const eventCols = `id, client_id, campaign_id, lead_id, touch_id, provider, provider_event_id, type, kind,
	provider_message_id, idempotency_key, from_address, to_address, at, detail, return_at, body, metadata, recorded_at`

func scanEvent(rows pgx.Rows, e *outbound.Event) error {
	var raw []byte
	if err := rows.Scan(scanID(&e.ID.UUID), scanID(&e.Client.UUID), scanID(&e.Campaign.UUID), scanID(&e.Lead.UUID),
		scanID(&e.Touch.UUID), &e.Provider, &e.ProviderEventID, &e.Type, &e.Kind, &e.ProviderMessageID,
		&e.IdempotencyKey, &e.From, &e.To, scanTime(&e.At), &e.Detail, scanTime(&e.ReturnAt), &e.Body, &raw,
		scanTime(&e.RecordedAt)); err != nil {
		return err
	}
	e.Metadata = nil
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &e.Metadata); err != nil {
			return fmt.Errorf("postgres: event %s metadata: %w", e.ID, err)
		}
	}
	return nil
}

// RecordEvent implements [storage.Events] with INSERT ... ON CONFLICT DO
// NOTHING on the (provider, provider_event_id) key: of concurrent copies
// exactly one is stored. An event whose key is new but whose ID is taken
// yields ErrConflict.
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
	n, err := s.exec(ctx, `INSERT INTO events (`+eventCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19)
		ON CONFLICT (provider, provider_event_id) DO NOTHING`,
		id(e.ID.UUID), ref(e.Client.UUID), ref(e.Campaign.UUID), ref(e.Lead.UUID), ref(e.Touch.UUID), e.Provider,
		e.ProviderEventID, string(e.Type), string(e.Kind), e.ProviderMessageID, e.IdempotencyKey, e.From, e.To,
		ts(e.At), e.Detail, ts(e.ReturnAt), e.Body, jsonb(meta), ts(e.RecordedAt))
	if err != nil {
		return false, wrap(err, "event", e.ID)
	}
	return n == 1, nil
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

// AddSuppression implements [storage.Suppressions]: the unique key on
// (client, lead, address as compared, channel) keeps the first.
func (s *Store) AddSuppression(ctx context.Context, sp *outbound.Suppression) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckSuppression(sp); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO suppressions (client_id, lead_id, address, channel, reason, since)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		id(sp.Client.UUID), id(sp.Lead.UUID), sp.Address, string(sp.Channel), sp.Reason, ts(sp.Since))
	return wrap(err, "suppression of client", sp.Client)
}

// Suppressed implements [storage.Suppressions]. A zero lead and an empty
// address match nothing.
func (s *Store) Suppressed(ctx context.Context, client outbound.ClientID, lead outbound.LeadID, address string, ch channel.Kind) (bool, error) {
	out, err := s.SuppressedAmong(ctx, []storage.SuppressionQuery{{Client: client, Lead: lead, Address: address, Channel: ch}})
	if err != nil {
		return false, err
	}
	return out[0], nil
}

// suppressedAmongSQL answers one question per row of the arrays, in their
// order: a suppression of the client on the channel (or on every channel)
// for the lead, or for the address as suppressions compare it. A NULL lead
// or an empty address matches nothing.
const suppressedAmongSQL = `SELECT
		EXISTS (SELECT 1 FROM suppressions s WHERE s.client_id = q.client AND s.lead_id = q.lead
			AND (s.channel = '' OR s.channel = q.ch))
		OR EXISTS (SELECT 1 FROM suppressions s WHERE s.client_id = q.client AND q.addr <> ''
			AND s.address_key = (CASE WHEN strpos(q.addr, '@') > 0 THEN lower(q.addr) ELSE q.addr END)
			AND (s.channel = '' OR s.channel = q.ch))
	FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY AS q(client, lead, addr, ch, n)
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
	addrs, chs := make([]string, len(qs)), make([]string, len(qs))
	for i, q := range qs {
		clients[i], leads[i], addrs[i], chs[i] = id(q.Client.UUID), ref(q.Lead.UUID), q.Address, string(q.Channel)
	}
	out := make([]bool, 0, len(qs))
	err := s.query(ctx, suppressedAmongSQL, []any{clients, leads, addrs, chs}, func(rows pgx.Rows) error {
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

// ListSuppressions implements [storage.Suppressions]: by client, Since,
// lead, address and channel, strings byte by byte.
func (s *Store) ListSuppressions(ctx context.Context, client outbound.ClientID) ([]outbound.Suppression, error) {
	var w where
	if !client.IsZero() {
		w.add(`client_id = ?`, id(client.UUID))
	}
	out, err := list(ctx, s, `SELECT client_id, lead_id, address, channel, reason, since FROM suppressions`+w.String()+`
		ORDER BY client_id, since, lead_id, address COLLATE "C", channel COLLATE "C"`, w.args,
		func(rows pgx.Rows, sp *outbound.Suppression) error {
			return rows.Scan(scanID(&sp.Client.UUID), scanID(&sp.Lead.UUID), &sp.Address, &sp.Channel, &sp.Reason, scanTime(&sp.Since))
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
