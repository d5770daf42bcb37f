package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
)

// ErrLeadershipLost is the error of [Leadership.Check] once the leadership
// is no longer held: its connection died (and the lock with it) or it was
// released.
var ErrLeadershipLost = errors.New("postgres: leadership lost")

// leaderKeySQL is the advisory lock key of a leadership name in this schema:
// two deployments in two schemas of one database elect apart.
const leaderKeySQL = `hashtextextended(current_schema() || '/leader/' || $1::text, 0)`

// TryLead tries, without waiting, to become the leader called name (the
// planner, a periodic job): it takes a session-level advisory lock on a
// connection of its own, taken out of the pool, and holds it until
// [Leadership.Release] or until that connection dies. Then the lock goes
// with the session, so a process that crashes, is killed or loses its
// connection hands the leadership over: the next TryLead anywhere gets it.
// ok is false, with a nil Leadership, while another session holds it.
//
// A leader should call [Leadership.Check] before each round of leader-only
// work and stop when it fails: a connection cut by the network ends the
// session (and the lock) on the server before the client may notice.
func (db *DB) TryLead(ctx context.Context, name string) (l *Leadership, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("postgres: lead %q: %w", name, err)
	}
	if err := pc.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+leaderKeySQL+`)`, name).Scan(&ok); err != nil {
		pc.Release()
		return nil, false, fmt.Errorf("postgres: lead %q: %w", name, err)
	}
	if !ok {
		pc.Release()
		return nil, false, nil
	}
	return &Leadership{name: name, conn: pc.Hijack()}, true, nil
}

// Leadership is a leadership held: the advisory lock and the connection
// holding it. Its methods are safe for concurrent use.
type Leadership struct {
	name string
	mu   sync.Mutex
	conn *pgx.Conn // nil once released
}

// Name returns the leadership's name.
func (l *Leadership) Name() string { return l.name }

// Check returns nil while the leadership is held, and an error wrapping
// [ErrLeadershipLost] once it is not: the connection is gone, or the lock
// is no longer among the session's.
func (l *Leadership) Check(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return fmt.Errorf("postgres: leadership %q: released: %w", l.name, ErrLeadershipLost)
	}
	var held bool
	err := l.conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
		AND pid = pg_backend_pid() AND granted
		AND ((classid::bigint << 32) | objid::bigint) = `+leaderKeySQL+`)`, l.name).Scan(&held)
	switch {
	case err != nil && ctx.Err() != nil:
		return err // the caller gave up: that says nothing of the lock
	case err != nil:
		return fmt.Errorf("postgres: leadership %q: %w: %w", l.name, ErrLeadershipLost, err)
	case !held:
		return fmt.Errorf("postgres: leadership %q: lock not held: %w", l.name, ErrLeadershipLost)
	}
	return nil
}

// Release gives the leadership up: it closes the connection, which ends
// the session and its lock. Releasing twice is harmless.
func (l *Leadership) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	err := l.conn.Close(ctx)
	l.conn = nil
	if err != nil {
		return fmt.Errorf("postgres: release leadership %q: %w", l.name, err)
	}
	return nil
}
