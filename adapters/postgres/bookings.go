package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/timing"
)

// lockKeySQL takes the transaction-level advisory lock of one booking key
// (resource, action) in this schema, so that the 7-day sums a reservation
// reads cannot change before it commits.
const lockKeySQL = `SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/booking/' || $1::text || '/' || $2::text, 0))`

// reserveSQL is the one statement that books: it inserts the day's row at
// 1, or adds one to it, unless that passes the daily cap ($4; negative is
// none, checked by the ON CONFLICT's WHERE on the row as locked) or the cap
// ($5) of any of the 7 windows of 7 days that contain the day. It affects
// one row when it booked, none when a cap refused it.
const reserveSQL = `INSERT INTO bookings AS b (resource_id, action, day, count)
	SELECT $1::uuid, $2::text, $3::date, 1
	WHERE $4::int <> 0
		AND ($5::int < 0 OR (
			SELECT max((SELECT coalesce(sum(x.count), 0) FROM bookings x
				WHERE x.resource_id = $1 AND x.action = $2 AND x.day BETWEEN $3::date - g AND $3::date - g + 6))
			FROM generate_series(0, 6) g
		) < $5)
	ON CONFLICT (resource_id, action, day) DO UPDATE SET count = b.count + 1
	WHERE $4 < 0 OR b.count < $4`

// Reserve implements [allocator.Counter] with one INSERT ... ON CONFLICT DO
// UPDATE ... WHERE per booking. With no weekly cap that statement alone is
// atomic: the daily check runs on the row it locks. With one, the same
// transaction first takes the key's advisory lock, so that reservations of
// one key check their 7-day sums one at a time, each on a snapshot taken
// after the last one committed. Both statements go in one round trip.
func (s *Store) Reserve(ctx context.Context, key allocator.Key, d timing.Date, lim allocator.Limit) (bool, error) {
	b := s.queue()
	res, act := id(key.Resource.UUID), string(key.Action)
	if lim.Weekly >= 0 {
		b.Queue(lockKeySQL, key.Resource.String(), act)
	}
	b.Queue(reserveSQL, res, act, day(d), lim.Daily, lim.Weekly)
	var booked bool
	err := s.send(ctx, b, func(br pgx.BatchResults) error {
		if lim.Weekly >= 0 {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		tag, err := br.Exec()
		booked = tag.RowsAffected() == 1
		return err
	})
	if err != nil {
		return false, wrap(err, "booking of resource", key.Resource)
	}
	return booked, nil
}

// Release implements [allocator.Counter]: one less, never below zero.
func (s *Store) Release(ctx context.Context, key allocator.Key, d timing.Date) error {
	_, err := s.exec(ctx, `UPDATE bookings SET count = count - 1
		WHERE resource_id = $1 AND action = $2 AND day = $3 AND count > 0`,
		id(key.Resource.UUID), string(key.Action), day(d))
	return wrap(err, "booking of resource", key.Resource)
}

// Used implements [allocator.Counter].
func (s *Store) Used(ctx context.Context, key allocator.Key, from timing.Date, counts []int) error {
	clear(counts)
	if len(counts) == 0 {
		return ctx.Err()
	}
	err := s.query(ctx, `SELECT day, count FROM bookings
		WHERE resource_id = $1 AND action = $2 AND day BETWEEN $3 AND $4`,
		[]any{id(key.Resource.UUID), string(key.Action), day(from), day(from + timing.Date(len(counts)-1))},
		func(rows pgx.Rows) error {
			var d timing.Date
			var n int
			if err := rows.Scan(scanDate(&d), &n); err != nil {
				return err
			}
			if i := int(d - from); i >= 0 && i < len(counts) {
				counts[i] = n
			}
			return nil
		})
	return wrap(err, "bookings of resource", key.Resource)
}

// ListBookings implements [storage.Bookings]: each booking under the client
// that holds its resource now, by resource, action and day.
func (s *Store) ListBookings(ctx context.Context, client outbound.ClientID) ([]outbound.Booking, error) {
	var w where
	w.add(`b.count > 0`)
	if !client.IsZero() {
		w.add(`r.client_id = ?`, id(client.UUID))
	}
	out, err := list(ctx, s, `SELECT r.client_id, b.resource_id, b.action, b.day, b.count
		FROM bookings b LEFT JOIN resources r ON r.id = b.resource_id`+w.String()+`
		ORDER BY b.resource_id, b.action, b.day`, w.args,
		func(rows pgx.Rows, bk *outbound.Booking) error {
			return rows.Scan(scanID(&bk.Client.UUID), scanID(&bk.Resource.UUID), &bk.Action, scanDate(&bk.Day), &bk.Count)
		})
	return out, wrapList(err, "bookings")
}
