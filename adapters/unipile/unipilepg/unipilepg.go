package unipilepg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/channel"
)

// schema is the store's tables, each created only when missing. Times
// are timestamptz (kept to the microsecond); a seat link's connection time
// is NULL until it is connected.
const schema = `
CREATE TABLE IF NOT EXISTS unipile_chats (
	account_id text NOT NULL,
	recipient  text NOT NULL,
	chat_id    text NOT NULL,
	PRIMARY KEY (account_id, recipient)
);
CREATE TABLE IF NOT EXISTS unipile_intents (
	key                 text PRIMARY KEY,
	account_id          text NOT NULL,
	action              text NOT NULL,
	provider_id         text NOT NULL,
	chat_id             text NOT NULL,
	body                text NOT NULL,
	started             timestamptz NOT NULL,
	provider_message_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS unipile_intents_latest ON unipile_intents (account_id, provider_id, started DESC);
CREATE TABLE IF NOT EXISTS unipile_seat_links (
	name         text PRIMARY KEY,
	url          text NOT NULL,
	expires_at   timestamptz NOT NULL,
	delivered    boolean NOT NULL,
	account_id   text NOT NULL,
	connected_at timestamptz
);
`

// migrateLock is the transaction-scoped advisory lock Migrate holds, so
// that processes starting together do not create the same table at once
// (CREATE TABLE IF NOT EXISTS alone may then fail on the catalog).
const migrateLock = "SELECT pg_advisory_xact_lock(hashtext('outbound/adapters/unipile/unipilepg'))"

// Migrate creates the store's tables and index in the first schema of the
// pool's search_path, those that are missing: it is safe to run at every
// start, and from many processes at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, migrateLock); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, schema)
		return err
	})
	if err != nil {
		return fmt.Errorf("unipilepg: migrate: %w", err)
	}
	return nil
}

// Store is the unipile adapter's state in PostgreSQL. It is safe for
// concurrent use, by any number of processes on one database, and holds
// nothing but the pool; closing the pool is the caller's.
type Store struct {
	pool *pgxpool.Pool
}

var (
	_ unipile.Chats     = (*Store)(nil)
	_ unipile.Journal   = (*Store)(nil)
	_ unipile.SeatLinks = (*Store)(nil)
)

// New returns the store on pool, whose search_path must find the tables
// [Migrate] created.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Chat implements [unipile.Chats].
func (s *Store) Chat(ctx context.Context, accountID, recipient string) (string, bool, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT chat_id FROM unipile_chats WHERE account_id = $1 AND recipient = $2`,
		accountID, recipient).Scan(&id)
	return found(id, err, "chat")
}

// SetChat implements [unipile.Chats]: the chat replaces the one kept for
// the seat and recipient, if any.
func (s *Store) SetChat(ctx context.Context, accountID, recipient, chatID string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO unipile_chats (account_id, recipient, chat_id) VALUES ($1, $2, $3)
		ON CONFLICT (account_id, recipient) DO UPDATE SET chat_id = EXCLUDED.chat_id`, accountID, recipient, chatID)
	return wrap(err, "set chat")
}

// intentColumns are an intent's columns, in scanIntent's order.
const intentColumns = `key, account_id, action, provider_id, chat_id, body, started, provider_message_id`

// scanIntent reads one intent row.
func scanIntent(row pgx.Row) (unipile.Intent, error) {
	var in unipile.Intent
	var action string
	err := row.Scan(&in.Key, &in.AccountID, &action, &in.ProviderID, &in.ChatID, &in.Text, &in.Started, &in.ProviderMessageID)
	in.Action, in.Started = channel.Action(action), in.Started.UTC()
	return in, err
}

// Intent implements [unipile.Journal].
func (s *Store) Intent(ctx context.Context, key string) (unipile.Intent, bool, error) {
	in, err := scanIntent(s.pool.QueryRow(ctx, `SELECT `+intentColumns+` FROM unipile_intents WHERE key = $1`, key))
	return found(in, err, "intent")
}

// Record implements [unipile.Journal]: in replaces what was recorded
// under its key, in one statement, so that two writers of a key leave one
// of their intents.
func (s *Store) Record(ctx context.Context, in unipile.Intent) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO unipile_intents (`+intentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (key) DO UPDATE SET account_id = EXCLUDED.account_id, action = EXCLUDED.action,
			provider_id = EXCLUDED.provider_id, chat_id = EXCLUDED.chat_id, body = EXCLUDED.body,
			started = EXCLUDED.started, provider_message_id = EXCLUDED.provider_message_id`,
		in.Key, in.AccountID, string(in.Action), in.ProviderID, in.ChatID, in.Text, in.Started, in.ProviderMessageID)
	return wrap(err, "record intent")
}

// Forget implements [unipile.Journal].
func (s *Store) Forget(ctx context.Context, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM unipile_intents WHERE key = $1`, key)
	return wrap(err, "forget intent")
}

// Latest implements [unipile.Journal]: of intents started at the same
// instant, the one of the greatest key (in byte order, as
// [unipile.MemoryStore] compares them).
func (s *Store) Latest(ctx context.Context, accountID, providerID string, action channel.Action) (unipile.Intent, bool, error) {
	in, err := scanIntent(s.pool.QueryRow(ctx, `SELECT `+intentColumns+` FROM unipile_intents
		WHERE account_id = $1 AND provider_id = $2 AND ($3 = '' OR action = $3)
		ORDER BY started DESC, key COLLATE "C" DESC LIMIT 1`, accountID, providerID, string(action)))
	return found(in, err, "latest intent")
}

// Link implements [unipile.SeatLinks].
func (s *Store) Link(ctx context.Context, name string) (unipile.SeatLink, bool, error) {
	var l unipile.SeatLink
	var connected *time.Time
	err := s.pool.QueryRow(ctx, `SELECT name, url, expires_at, delivered, account_id, connected_at FROM unipile_seat_links
		WHERE name = $1`, name).Scan(&l.Name, &l.URL, &l.ExpiresAt, &l.Delivered, &l.AccountID, &connected)
	l.ExpiresAt = l.ExpiresAt.UTC()
	if connected != nil {
		l.ConnectedAt = connected.UTC()
	}
	return found(l, err, "seat link")
}

// PutLink implements [unipile.SeatLinks]: l replaces the link of its
// name, if any.
func (s *Store) PutLink(ctx context.Context, l unipile.SeatLink) error {
	var connected *time.Time
	if !l.ConnectedAt.IsZero() {
		connected = &l.ConnectedAt
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO unipile_seat_links (name, url, expires_at, delivered, account_id, connected_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, expires_at = EXCLUDED.expires_at, delivered = EXCLUDED.delivered,
			account_id = EXCLUDED.account_id, connected_at = EXCLUDED.connected_at`,
		l.Name, l.URL, l.ExpiresAt, l.Delivered, l.AccountID, connected)
	return wrap(err, "put seat link")
}

// found turns a single-row read into the store's answer: no row is not
// found, without an error.
func found[T any](v T, err error, what string) (T, bool, error) {
	var zero T
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return zero, false, nil
	case err != nil:
		return zero, false, fmt.Errorf("unipilepg: %s: %w", what, err)
	}
	return v, true, nil
}

// wrap names what failed.
func wrap(err error, what string) error {
	if err != nil {
		return fmt.Errorf("unipilepg: %s: %w", what, err)
	}
	return nil
}
