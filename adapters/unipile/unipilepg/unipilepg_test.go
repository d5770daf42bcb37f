package unipilepg_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/storetest"
	"github.com/outbound-go/outbound/adapters/unipile/unipilepg"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/internal/pgtest"
)

// The PostgreSQL store behaves as the memory store does, each case in a
// migrated schema of its own.
func TestContract(t *testing.T) {
	t.Parallel()
	pgtest.AdminConn(t).Close(t.Context()) // skip at once when there is no database
	storetest.Run(t, func(t *testing.T) storetest.Store {
		pool := pgtest.SchemaPool(t, pgtest.NewSchema(t), 8)
		require.NoError(t, unipilepg.Migrate(t.Context(), pool))
		return unipilepg.New(pool)
	})
}

// Processes starting together all migrate: none fails, and running it
// again changes nothing.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		pool := pgtest.SchemaPool(t, schema, 2)
		wg.Go(func() { errs <- unipilepg.Migrate(t.Context(), pool) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	pool := pgtest.SchemaPool(t, schema, 2)
	st := unipilepg.New(pool)
	require.NoError(t, st.SetChat(t.Context(), "acc_1", "ana-lee", "chat_1"))
	require.NoError(t, unipilepg.Migrate(t.Context(), pool))
	id, ok, err := st.Chat(t.Context(), "acc_1", "ana-lee")
	require.NoError(t, err)
	require.True(t, ok, "a second migration keeps what is stored")
	require.Equal(t, "chat_1", id)
}

// What one process records, another finds: the webhook a second instance
// hears, or the reconciliation after a restart, ties it to its touch. Two
// processes recording one key at once leave one row.
func TestSharedAcrossProcesses(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	a, b := pgtest.SchemaPool(t, schema, 4), pgtest.SchemaPool(t, schema, 4)
	require.NoError(t, unipilepg.Migrate(t.Context(), a))
	sender, other := unipilepg.New(a), unipilepg.New(b)
	ctx := t.Context()
	started := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := unipile.Intent{Key: "touch-1", AccountID: "acc_1", Action: channel.ActionConnectionRequest, ProviderID: "ACoAANA",
		Text: "Hi Ana", Started: started}
	require.NoError(t, sender.Record(ctx, in))
	got, ok, err := other.Latest(ctx, "acc_1", "ACoAANA", channel.ActionConnectionRequest)
	require.NoError(t, err)
	require.True(t, ok, "the other process finds the intent")
	require.Equal(t, in, got)

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		for _, st := range []*unipilepg.Store{sender, other} {
			wg.Go(func() {
				in := in
				in.ProviderMessageID = fmt.Sprintf("inv_%d", i)
				errs <- st.Record(ctx, in)
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var rows int
	require.NoError(t, a.QueryRow(ctx, "SELECT count(*) FROM unipile_intents WHERE key = 'touch-1'").Scan(&rows))
	require.Equal(t, 1, rows)
	got, ok, err = sender.Intent(ctx, "touch-1")
	require.NoError(t, err)
	require.True(t, ok)
	require.Regexp(t, `^inv_\d+$`, got.ProviderMessageID, "one of the writes")
}
