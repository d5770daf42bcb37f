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

// Orders. The orders table is the platform's alone: the client role has no
// privilege on it, so every Orders method through a client's handle is
// ErrForbidden.

const orderCols = `id, idempotency_key, kind, count, provider, state, resources, error, created_at, updated_at`

func scanOrder(rows pgx.Rows, o *outbound.Order) error {
	var rs []pgtype.UUID
	if err := rows.Scan(scanID(&o.ID.UUID), &o.Key, &o.Kind, &o.Count, &o.Provider, &o.State, &rs, &o.Error,
		scanTime(&o.CreatedAt), scanTime(&o.UpdatedAt)); err != nil {
		return err
	}
	o.Resources = nil
	if len(rs) > 0 {
		o.Resources = make([]outbound.ResourceID, len(rs))
		for i, r := range rs {
			o.Resources[i] = outbound.ResourceID{UUID: r.Bytes}
		}
	}
	return nil
}

// orderArgs are $1–$10, in orderCols' order.
func orderArgs(o *outbound.Order) []any {
	var rs []pgtype.UUID // NULL when none
	if len(o.Resources) > 0 {
		rs = make([]pgtype.UUID, len(o.Resources))
		for i, r := range o.Resources {
			rs[i] = id(r.UUID)
		}
	}
	return []any{id(o.ID.UUID), o.Key, string(o.Kind), o.Count, o.Provider, string(o.State), rs, o.Error,
		ts(o.CreatedAt), ts(o.UpdatedAt)}
}

// CreateOrder implements [storage.Orders] in one round trip: INSERT ... ON
// CONFLICT (key) DO NOTHING, then a read of the order stored under the key
// (on a snapshot taken after the insert, so it sees a concurrent copy that
// made the insert do nothing), which overwrites *o when the insert stored
// nothing. An ID stored under another key breaks the primary key:
// ErrConflict.
func (s *Store) CreateOrder(ctx context.Context, o *outbound.Order) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if err := storage.CheckOrder(o); err != nil {
		return false, err
	}
	b := s.queue()
	b.Queue(`INSERT INTO orders (`+orderCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (idempotency_key) DO NOTHING`, orderArgs(o)...)
	b.Queue(`SELECT `+orderCols+` FROM orders WHERE idempotency_key = $1`, o.Key)
	var stored bool
	var found []outbound.Order
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
			var v outbound.Order
			if err := scanOrder(rows, &v); err != nil {
				return err
			}
			found = append(found, v)
		}
		return rows.Err()
	})
	if err != nil {
		return false, wrap(err, "order", o.ID)
	}
	if !stored && len(found) == 1 {
		*o = found[0]
	}
	return stored, nil
}

// GetOrder implements [storage.Orders].
func (s *Store) GetOrder(ctx context.Context, oid outbound.OrderID) (*outbound.Order, error) {
	return getOne(ctx, s, "order", oid, `SELECT `+orderCols+` FROM orders WHERE id = $1`, []any{id(oid.UUID)}, scanOrder)
}

// UpdateOrder implements [storage.Orders] in one statement; it changes
// nothing and is ErrConflict when o.Key is not the stored order's key.
func (s *Store) UpdateOrder(ctx context.Context, o *outbound.Order) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckOrder(o); err != nil {
		return err
	}
	var key pgtype.Text
	var done bool
	err := s.queryRow(ctx, `WITH upd AS (
			UPDATE orders SET kind = $3, count = $4, provider = $5, state = $6, resources = $7, error = $8,
				created_at = $9, updated_at = $10
			WHERE id = $1 AND idempotency_key = $2
			RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM upd), (SELECT idempotency_key FROM orders WHERE id = $1)`,
		orderArgs(o), &done, &key)
	switch {
	case err != nil:
		return wrap(err, "order", o.ID)
	case done:
		return nil
	case !key.Valid:
		return notFound("order", o.ID)
	}
	return fmt.Errorf("postgres: order %s: its key is %q, not %q: %w", o.ID, key.String, o.Key, storage.ErrConflict)
}

// ListOrders implements [storage.Orders]: by CreatedAt (an order without
// one first), then ID; on the (state, created_at, id) index when states
// are given.
func (s *Store) ListOrders(ctx context.Context, states ...outbound.OrderState) ([]outbound.Order, error) {
	var w where
	if len(states) > 0 {
		ss := make([]string, len(states))
		for i, st := range states {
			ss[i] = string(st)
		}
		w.add(`state = ANY(?::text[])`, ss)
	}
	out, err := list(ctx, s, `SELECT `+orderCols+` FROM orders`+w.String()+` ORDER BY created_at NULLS FIRST, id`,
		w.args, scanOrder)
	return out, wrapList(err, "orders")
}

// Allowances. A client's counts are its rows: row-level security keeps
// them to its handle (and the platform's).

// takeAllowanceSQL adds up to $3 to the count of client $1 for period $2,
// never past the limit $4, in one statement: the insert of a new period's
// row, or the update of the row as locked, and the grant comes back in
// granted (0 rows when none was granted). The SET reads the row's old
// count, so granted is the difference.
const takeAllowanceSQL = `INSERT INTO allowances AS a (client_id, period, used, granted)
	SELECT $1, $2, least($3::int, $4::int), least($3::int, $4::int) WHERE least($3::int, $4::int) > 0
	ON CONFLICT (client_id, period) DO UPDATE
		SET used = a.used + least($3::int, $4::int - a.used), granted = least($3::int, $4::int - a.used)
		WHERE a.used < $4::int
	RETURNING granted`

// TakeAllowance implements [storage.Allowances] in one statement.
func (s *Store) TakeAllowance(ctx context.Context, client outbound.ClientID, period time.Time, n, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := storage.CheckTakeAllowance(client, period, n, limit); err != nil {
		return 0, err
	}
	granted := 0
	err := s.query(ctx, takeAllowanceSQL, []any{id(client.UUID), period, n, limit}, func(rows pgx.Rows) error {
		return rows.Scan(&granted)
	})
	if err != nil {
		return 0, wrap(err, "allowance of client", client)
	}
	return granted, nil
}

// ReturnAllowance implements [storage.Allowances] in one statement: the
// count never goes below zero, and a period with no count is left alone.
func (s *Store) ReturnAllowance(ctx context.Context, client outbound.ClientID, period time.Time, n int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckReturnAllowance(client, period, n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	_, err := s.exec(ctx, `UPDATE allowances SET used = greatest(used - $3, 0) WHERE client_id = $1 AND period = $2`,
		id(client.UUID), period, n)
	return wrap(err, "allowance of client", client)
}

// AllowanceUsed implements [storage.Allowances]: 0 for a period with no
// count.
func (s *Store) AllowanceUsed(ctx context.Context, client outbound.ClientID, period time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	used := 0
	err := s.query(ctx, `SELECT used FROM allowances WHERE client_id = $1 AND period = $2`,
		[]any{id(client.UUID), period}, func(rows pgx.Rows) error { return rows.Scan(&used) })
	if err != nil {
		return 0, wrap(err, "allowance of client", client)
	}
	return used, nil
}

// Spacing. A resource's last send is its row; through a client's handle,
// row-level security lets only the resources the client holds through, as
// for bookings.

// spaceSendSQL records a send at $2 from resource $1 if the last one
// recorded is at least $3 microseconds before it (or there is none), in
// one statement: the ON CONFLICT's WHERE runs on the row as locked. It
// returns a row when it recorded the send.
const spaceSendSQL = `INSERT INTO spacing AS s (resource_id, last_at) VALUES ($1, $2)
	ON CONFLICT (resource_id) DO UPDATE SET last_at = excluded.last_at
	WHERE s.last_at <= excluded.last_at - $3::bigint * interval '1 microsecond'
	RETURNING 1`

// SpaceSend implements [storage.Spacing] in one round trip: spaceSendSQL
// decides; when it refuses, it keeps the row locked, and the next
// statement, on a snapshot taken after it, reads the last send it compared
// with.
func (s *Store) SpaceSend(ctx context.Context, resource outbound.ResourceID, at time.Time, gap time.Duration) (bool, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return false, time.Time{}, err
	}
	if err := storage.CheckSpaceSend(resource, at, gap); err != nil {
		return false, time.Time{}, err
	}
	b := s.queue()
	b.Queue(spaceSendSQL, id(resource.UUID), at, gap.Microseconds())
	b.Queue(`SELECT last_at FROM spacing WHERE resource_id = $1`, id(resource.UUID))
	var ok bool
	var last time.Time
	err := s.send(ctx, b, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		ok = tag.RowsAffected() == 1
		err = br.QueryRow().Scan(scanTime(&last))
		if ok && err == pgx.ErrNoRows {
			return nil
		}
		return err
	})
	switch {
	case err == pgx.ErrNoRows:
		// Refused, and the row is not to be read: through a client's
		// handle, another client's resource.
		return false, time.Time{}, fmt.Errorf("postgres: spacing of resource %s: %w", resource, ErrForbidden)
	case err != nil:
		return false, time.Time{}, wrap(err, "spacing of resource", resource)
	case ok:
		return true, time.Time{}, nil
	}
	return false, last.Add(gap), nil
}
