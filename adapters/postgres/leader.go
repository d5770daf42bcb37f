package postgres

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/outbound-go/outbound/storage"
)

// ErrLeadershipLost is the error of [Leadership.Check] once the leadership
// is no longer held: its connection died (and the lock with it) or it was
// released. It is [storage.ErrLeadershipLost], so a caller that knows only
// the [storage.Term] tests for it the same way.
var ErrLeadershipLost = storage.ErrLeadershipLost

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

// Elector returns the [storage.Elector] of the leadership called name, for
// a host that elects through the storage seam (distribution.Config.Elector):
// its TryLead is [DB.TryLead] with that name, and its Terms are
// [*Leadership]. Every process of a deployment passes the same name; the
// leadership belongs to the schema, like the tables.
func (db *DB) Elector(name string) storage.Elector {
	return elector{db: db, name: name}
}

// elector is DB.Elector's.
type elector struct {
	db   *DB
	name string
}

func (e elector) TryLead(ctx context.Context) (storage.Term, bool, error) {
	l, ok, err := e.db.TryLead(ctx, e.name)
	if err != nil || !ok {
		// Not l: a nil *Leadership would make a Term that is not nil.
		return nil, false, err
	}
	return l, true, nil
}

// Leadership is a leadership held: the advisory lock and the connection
// holding it. It is a [storage.Term]. Its methods are safe for concurrent
// use.
type Leadership struct {
	name string
	mu   sync.Mutex
	conn *pgx.Conn // nil once released
}

var _ storage.Term = (*Leadership)(nil)

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

// Release gives the leadership up: it unlocks the lock, so the next
// TryLead anywhere succeeds as soon as Release has returned, and closes the
// connection, which ends the session. (Closing alone frees the lock only
// once the server has ended the session, a moment after the client has
// hung up.) Releasing twice is harmless, and so is releasing a leadership
// whose connection died: its lock went with its session.
func (l *Leadership) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	// An unlock that fails (the connection is gone) leaves the lock to the
	// session's end, which the close brings about.
	_, _ = l.conn.Exec(ctx, `SELECT pg_advisory_unlock(`+leaderKeySQL+`)`, l.name)
	err := l.conn.Close(ctx)
	l.conn = nil
	if err != nil {
		return fmt.Errorf("postgres: release leadership %q: %w", l.name, err)
	}
	return nil
}
