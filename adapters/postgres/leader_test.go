package postgres

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/internal/pgtest"
	"github.com/outbound-go/outbound/storage"
)

// twoProcesses returns two databases on one migrated schema, each with a
// pool of its own: what two processes of one deployment have.
func twoProcesses(t *testing.T) (*DB, *DB) {
	t.Helper()
	schema := pgtest.NewSchema(t)
	p1, p2 := pgtest.SchemaPool(t, schema, 4), pgtest.SchemaPool(t, schema, 4)
	require.NoError(t, Migrate(t.Context(), p1))
	return New(p1), New(p2)
}

// deaths are the ways a leader's session ends: each ends l's.
func deaths() []struct {
	name string
	die  func(t *testing.T, l *Leadership)
} {
	return []struct {
		name string
		die  func(t *testing.T, l *Leadership)
	}{
		{"released", func(t *testing.T, l *Leadership) {
			require.NoError(t, l.Release(t.Context()))
			require.NoError(t, l.Release(t.Context()), "releasing twice is harmless")
		}},
		{"backend killed", func(t *testing.T, l *Leadership) {
			// What a crash of the server process, or a kill of the
			// session, does: waits until the backend has exited.
			admin := pgtest.AdminConn(t)
			defer admin.Close(context.Background())
			var done bool
			require.NoError(t, admin.QueryRow(t.Context(), "SELECT pg_terminate_backend($1, 10000)", l.conn.PgConn().PID()).Scan(&done))
			require.True(t, done)
		}},
	}
}

func TestLeaderHandover(t *testing.T) {
	t.Parallel()
	tests := deaths()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			one, two := twoProcesses(t)

			first, ok, err := one.TryLead(ctx, "planner")
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, "planner", first.Name())
			require.NoError(t, first.Check(ctx))

			second, ok, err := two.TryLead(ctx, "planner")
			require.NoError(t, err)
			require.False(t, ok, "one leader at a time")
			require.Nil(t, second)
			again, ok, err := one.TryLead(ctx, "planner")
			require.NoError(t, err)
			require.False(t, ok, "not even the same process twice: each leadership is its own session")
			require.Nil(t, again)

			other, ok, err := two.TryLead(ctx, "washer")
			require.NoError(t, err)
			require.True(t, ok, "another name is another leadership")
			defer other.Release(context.Background())

			tt.die(t, first)
			require.ErrorIs(t, first.Check(ctx), ErrLeadershipLost)

			second, ok, err = two.TryLead(ctx, "planner")
			require.NoError(t, err)
			require.True(t, ok, "the leadership passes once the first session has ended")
			defer second.Release(context.Background())
			require.NoError(t, second.Check(ctx))
		})
	}
}

// TestLeaderSchemasApart checks that leaderships are per schema: two
// deployments sharing a database elect a leader each.
func TestLeaderSchemasApart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, b := newDB(t), newDB(t)
	la, ok, err := a.TryLead(ctx, "planner")
	require.NoError(t, err)
	require.True(t, ok)
	defer la.Release(context.Background())
	lb, ok, err := b.TryLead(ctx, "planner")
	require.NoError(t, err)
	require.True(t, ok)
	defer lb.Release(context.Background())
}

// TestLeaderOneOfMany has many contenders try at once: exactly one leads.
func TestLeaderOneOfMany(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	const n = 8
	won := make([]*Leadership, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		db := one
		if i%2 == 1 {
			db = two
		}
		wg.Go(func() { won[i], _, errs[i] = db.TryLead(t.Context(), "planner") })
	}
	wg.Wait()
	leaders := 0
	for i := range n {
		require.NoError(t, errs[i])
		if won[i] != nil {
			leaders++
			require.NoError(t, won[i].Release(t.Context()))
		}
	}
	require.Equal(t, 1, leaders)
}

// TestElectorHandover checks DB.Elector, the storage seam over TryLead: one
// process leads, the other does not (and gets no Term at all), and the
// leadership passes once the leader's session ends.
func TestElectorHandover(t *testing.T) {
	t.Parallel()
	for _, tt := range deaths() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			one, two := twoProcesses(t)
			var e1, e2 storage.Elector = one.Elector("planner"), two.Elector("planner")

			first, ok, err := e1.TryLead(ctx)
			require.NoError(t, err)
			require.True(t, ok)
			require.NoError(t, first.Check(ctx))
			held, isLeadership := first.(*Leadership)
			require.True(t, isLeadership)
			require.Equal(t, "planner", held.Name())

			second, ok, err := e2.TryLead(ctx)
			require.NoError(t, err)
			require.False(t, ok, "one leader at a time")
			require.True(t, second == nil, "no Term, not even a nil *Leadership in one")
			other, ok, err := two.Elector("washer").TryLead(ctx)
			require.NoError(t, err)
			require.True(t, ok, "another name is another leadership")
			defer other.Release(context.Background())

			tt.die(t, held)
			err = first.Check(ctx)
			require.ErrorIs(t, err, storage.ErrLeadershipLost)
			require.ErrorIs(t, err, ErrLeadershipLost)

			second, ok, err = e2.TryLead(ctx)
			require.NoError(t, err)
			require.True(t, ok, "the leadership passes once the first session has ended")
			defer second.Release(context.Background())
			require.NoError(t, second.Check(ctx))
			require.NoError(t, first.Release(ctx), "releasing a dead term is harmless")
		})
	}
}

func TestElectorContextEnded(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	term, ok, err := db.Elector("planner").TryLead(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, ok)
	require.True(t, term == nil)
}
