package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/outbound-go/outbound"
	fielderr "github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// The roles the store's transactions take. The migrations create them
// (NOLOGIN) and make the migrating role a member of both; a deployment that
// connects as another role must grant it both (GRANT outbound_client,
// outbound_platform TO app_login), and that role must be neither a superuser
// nor the tables' owner for row-level security to bind it outside the
// store's handles.
const (
	// ClientRole is the role a client-scoped handle takes: it sees and
	// writes only the rows of the client named by the transaction's
	// outbound.client_id setting.
	ClientRole = "outbound_client"
	// PlatformRole is the role the platform handle takes: it sees and
	// writes every client's rows.
	PlatformRole = "outbound_platform"
)

// ErrForbidden is the error for a write row-level security or the roles'
// privileges refuse: a client-scoped handle writing a row of another client
// (or of none), or a table only the platform may write (wash results).
var ErrForbidden = errors.New("postgres: forbidden to this handle")

// DB is a PostgreSQL database holding the store's tables, reached through a
// pgx pool. It hands out the two kinds of handle, [DB.Platform] and
// [DB.ForClient], and leadership ([DB.TryLead]). It is safe for concurrent
// use and holds nothing but the pool; closing the pool is the caller's.
type DB struct {
	pool *pgxpool.Pool
}

// New returns the database behind pool. The pool's search_path must find
// the tables [Migrate] created (the first schema of the search_path when it
// ran).
func New(pool *pgxpool.Pool) *DB { return &DB{pool: pool} }

// Pool returns the pool the database uses.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Platform returns the unscoped handle: every client's rows, for the
// platform's own work (the pool, the planner, the dispatcher, inbound
// events before they are matched to a client). Each of its statements runs
// in a transaction as [PlatformRole].
func (db *DB) Platform() *Store {
	return &Store{pool: db.pool, role: PlatformRole}
}

// ForClient returns a handle scoped to one client: each of its statements
// runs in a transaction as [ClientRole] with outbound.client_id set to the
// client, so row-level security lets it read and change that client's rows
// only, whatever IDs it is handed: another client's record is not found,
// and a write naming another client is [ErrForbidden]. A listing through it
// for every client (a zero client ID) lists this client's rows; one for
// another client's ID lists none. A zero client sees no row at all.
func (db *DB) ForClient(client outbound.ClientID) *Store {
	s := &Store{pool: db.pool, role: ClientRole, client: client}
	if !client.IsZero() {
		s.setting = client.String()
	}
	return s
}

// Store is a handle on the database implementing [storage.Store] with the
// semantics package storage documents. Get one from [DB.Platform] or
// [DB.ForClient]. It is safe for concurrent use by any number of
// goroutines and processes.
type Store struct {
	pool    *pgxpool.Pool
	role    string            // ClientRole or PlatformRole
	client  outbound.ClientID // zero on the platform handle
	setting string            // outbound.client_id: the client's ID, or ""
}

var _ storage.Store = (*Store)(nil)

// Client returns the client a client-scoped handle is scoped to, and false
// on the platform handle.
func (s *Store) Client() (outbound.ClientID, bool) {
	return s.client, s.role == ClientRole
}

// setupSQL starts each of the handle's transactions: the role first, then
// the client, both local to the transaction.
const setupSQL = `SELECT set_config('role', $1, true), set_config('outbound.client_id', $2, true)`

// queue returns a batch whose first statement sets the handle up. A batch
// runs in one implicit transaction, so the settings hold for the statements
// queued after it and end with it: one round trip for the lot.
func (s *Store) queue() *pgx.Batch {
	b := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, 2)}
	b.Queue(setupSQL, s.role, s.setting)
	return b
}

// send sends b (set up by queue) and hands the results of the statements
// after the setup to read, which must consume exactly those it reads.
func (s *Store) send(ctx context.Context, b *pgx.Batch, read func(br pgx.BatchResults) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	br := s.pool.SendBatch(ctx, b)
	_, err := br.Exec()
	if err == nil {
		err = read(br)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// exec runs one statement in a transaction set up for the handle and
// returns the number of rows it affected.
func (s *Store) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	b := s.queue()
	b.Queue(sql, args...)
	var n int64
	err := s.send(ctx, b, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// queryRow runs one statement that returns at most one row and scans it
// into dest; pgx.ErrNoRows when it returns none.
func (s *Store) queryRow(ctx context.Context, sql string, args []any, dest ...any) error {
	b := s.queue()
	b.Queue(sql, args...)
	return s.send(ctx, b, func(br pgx.BatchResults) error {
		return br.QueryRow().Scan(dest...)
	})
}

// query runs one statement and calls each for every row it returns.
func (s *Store) query(ctx context.Context, sql string, args []any, each func(pgx.Rows) error) error {
	b := s.queue()
	b.Queue(sql, args...)
	return s.send(ctx, b, func(br pgx.BatchResults) error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// list runs a query and collects one record per row.
func list[T any](ctx context.Context, s *Store, sql string, args []any, scan func(pgx.Rows, *T) error) ([]T, error) {
	var out []T
	err := s.query(ctx, sql, args, func(rows pgx.Rows) error {
		var v T
		if err := scan(rows, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// getMany runs a query of one uuid[] parameter, the IDs, and returns the
// records it finds in the order of the IDs' first appearance.
func getMany[K interface{ ~struct{ uuid.UUID } }, T any](ctx context.Context, s *Store, sql string, ids []K,
	scan func(pgx.Rows, *T) error, key func(*T) K) ([]T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	arg := make([]pgtype.UUID, len(ids))
	for i, k := range ids {
		arg[i] = id(struct{ uuid.UUID }(k).UUID)
	}
	found, err := list(ctx, s, sql, []any{arg}, scan)
	if err != nil {
		return nil, err
	}
	return inOrder(found, ids, key), nil
}

// inOrder returns the records of found in the order of their keys' first
// appearance in keys, leaving out those no key names.
func inOrder[K comparable, T any](found []T, keys []K, key func(*T) K) []T {
	at := make(map[K]int, len(found))
	for i := range found {
		at[key(&found[i])] = i
	}
	out := make([]T, 0, len(found))
	for _, k := range keys {
		if i, ok := at[k]; ok {
			out = append(out, found[i])
			delete(at, k)
		}
	}
	return out
}

// SQLSTATE codes the store maps.
const (
	codeUniqueViolation       = "23505"
	codeInsufficientPrivilege = "42501"
)

// pgError returns err as a *pgconn.PgError with the code, or nil.
func pgError(err error, code string) *pgconn.PgError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == code {
		return pe
	}
	return nil
}

// wrap maps a database error for the record named: a unique violation to
// ErrConflict, a policy or privilege refusal to ErrForbidden; anything else
// is wrapped as it is.
func wrap(err error, record string, id fmt.Stringer) error {
	switch {
	case err == nil:
		return nil
	case pgError(err, codeUniqueViolation) != nil:
		return fmt.Errorf("postgres: %s %s: %w: %w", record, id, storage.ErrConflict, err)
	case pgError(err, codeInsufficientPrivilege) != nil:
		return fmt.Errorf("postgres: %s %s: %w: %w", record, id, ErrForbidden, err)
	}
	return fmt.Errorf("postgres: %s %s: %w", record, id, err)
}

func notFound(record string, id fmt.Stringer) error {
	return fmt.Errorf("postgres: %s %s: %w", record, id, storage.ErrNotFound)
}

// invalid is the error for a record or an argument the store refuses.
func invalid(record, field, value, reason string) error {
	return fielderr.Field("postgres", record, field, value, reason)
}

// Conversions between Go's zero values and the columns. An optional
// reference is NULL when zero; an optional instant is NULL when zero.

// ref is an optional uuid column's value: NULL for the nil UUID.
func ref(u uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: u, Valid: u != uuid.Nil} }

// id is a required uuid column's value (the nil UUID stays the nil UUID).
func id(u uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: u, Valid: true} }

// uuidScan scans a uuid column into *p, NULL as the nil UUID.
type uuidScan struct{ p *uuid.UUID }

func (s uuidScan) ScanUUID(v pgtype.UUID) error {
	*s.p = uuid.Nil
	if v.Valid {
		*s.p = v.Bytes
	}
	return nil
}

func scanID(p *uuid.UUID) uuidScan { return uuidScan{p} }

// ts is an instant column's value: NULL for the zero time.
func ts(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// tsScan scans a timestamptz column into *p in UTC, NULL as the zero time.
type tsScan struct{ p *time.Time }

func (s tsScan) ScanTimestamptz(v pgtype.Timestamptz) error {
	*s.p = time.Time{}
	if v.Valid && v.InfinityModifier == pgtype.Finite {
		*s.p = v.Time.UTC()
	}
	return nil
}

func scanTime(p *time.Time) tsScan { return tsScan{p} }

// day is a date column's value.
func day(d timing.Date) pgtype.Date {
	return pgtype.Date{Time: time.Unix(int64(d)*86400, 0).UTC(), Valid: true}
}

// dateScan scans a date column into *p, NULL as day 0 (1970-01-01).
type dateScan struct{ p *timing.Date }

func (s dateScan) ScanDate(v pgtype.Date) error {
	*s.p = 0
	if v.Valid && v.InfinityModifier == pgtype.Finite {
		*s.p = timing.DateOf(v.Time)
	}
	return nil
}

func scanDate(p *timing.Date) dateScan { return dateScan{p} }
