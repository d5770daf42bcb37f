package postgres

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// The tests of this file run the store's shared-work operations from two
// pools on one schema (two processes' worth of connections) at once.

// TestMoveResourceLimitAcrossProcesses has workers on two pools assign
// random pool domains to random clients under a limit, and release some of
// what they got, while a watcher counts each client's usable domains in
// one snapshot after another. No snapshot shows a client past the limit,
// no domain is assigned twice, mailboxes follow their domain, and every
// move raised the versions it must.
func TestMoveResourceLimitAcrossProcesses(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	stores := []*Store{one.Platform(), two.Platform()}
	ctx := t.Context()
	const clients, domains, limit, workers, tries = 4, 24, 3, 12, 30
	cs := make([]outbound.ClientID, clients)
	for i := range cs {
		cs[i] = outbound.ClientID{UUID: uuid.UUID{0xc0, byte(i), 15: 1}}
		require.NoError(t, stores[0].CreateClient(ctx, &outbound.Client{ID: cs[i]}))
	}
	// A paused domain of client 0 does not count against its limit.
	paused := outbound.Resource{ID: outbound.ResourceID{UUID: uuid.UUID{0xd1, 15: 1}}, Kind: outbound.KindDomain,
		State: outbound.StateAssigned, Client: cs[0], Paused: true}
	require.NoError(t, stores[0].CreateResource(ctx, &paused))
	ds := make([]outbound.ResourceID, domains)
	boxes := map[outbound.ResourceID]outbound.ResourceID{} // mailbox -> domain
	for i := range ds {
		ds[i] = outbound.ResourceID{UUID: uuid.UUID{0xd0, byte(i), 15: 1}}
		require.NoError(t, stores[0].CreateResource(ctx, &outbound.Resource{ID: ds[i], Kind: outbound.KindDomain, State: outbound.StateAvailable}))
		for j := range 2 {
			m := outbound.ResourceID{UUID: uuid.UUID{0xb0, byte(i), byte(j), 15: 1}}
			boxes[m] = ds[i]
			require.NoError(t, stores[0].CreateResource(ctx, &outbound.Resource{ID: m, Kind: outbound.KindMailbox,
				Parent: ds[i], State: outbound.StateAvailable}))
		}
	}

	type move struct {
		domain  outbound.ResourceID
		client  int
		release bool
	}
	done := make([][]move, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		st := stores[w%2]
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			var held []move
			for range tries {
				if len(held) > 0 && rng.IntN(4) == 0 {
					i := rng.IntN(len(held))
					m := held[i]
					ok, err := st.MoveResource(ctx, storage.Move{Resource: m.domain, From: outbound.StateAssigned,
						FromClient: cs[m.client], To: outbound.StateAvailable})
					if err != nil {
						errs[w] = err
						return
					}
					if !ok {
						errs[w] = fmt.Errorf("domain %s of client %d could not be released", m.domain, m.client)
						return
					}
					held = append(held[:i], held[i+1:]...)
					done[w] = append(done[w], move{m.domain, m.client, true})
					continue
				}
				m := move{domain: ds[rng.IntN(domains)], client: rng.IntN(clients)}
				ok, err := st.MoveResource(ctx, storage.Move{Resource: m.domain, From: outbound.StateAvailable,
					To: outbound.StateAssigned, ToClient: cs[m.client], Limit: limit})
				if err != nil {
					errs[w] = err
					return
				}
				if ok {
					held = append(held, m)
					done[w] = append(done[w], m)
				}
			}
		})
	}
	// The watcher: each client's usable domains, in one snapshot at a time.
	stop := make(chan struct{})
	most, snapshots := 0, 0
	var watchErr error
	var watch sync.WaitGroup
	watch.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			err := stores[1].query(ctx, `SELECT count(*) FROM resources
				WHERE kind = 'domain' AND state = 'assigned' AND NOT paused GROUP BY client_id`, nil,
				func(rows pgx.Rows) error {
					var n int
					if err := rows.Scan(&n); err != nil {
						return err
					}
					most = max(most, n)
					return nil
				})
			if err != nil {
				watchErr = err
				return
			}
			snapshots++
		}
	})
	wg.Wait()
	close(stop)
	watch.Wait()
	require.NoError(t, watchErr)
	require.LessOrEqual(t, most, limit, "a snapshot of %d showed a client past the limit", snapshots)

	type holding struct {
		domain outbound.ResourceID
		client outbound.ClientID
	}
	net := map[outbound.ResourceID]int{} // assignments less releases, per domain
	held := map[holding]int{}            // the same, per domain and client
	moves := map[outbound.ResourceID]int64{}
	touched := map[outbound.ClientID]int64{}
	assigned := 0
	for w := range workers {
		require.NoError(t, errs[w])
		for _, m := range done[w] {
			moves[m.domain]++
			touched[cs[m.client]]++
			if m.release {
				net[m.domain]--
				held[holding{m.domain, cs[m.client]}]--
				continue
			}
			assigned++
			net[m.domain]++
			held[holding{m.domain, cs[m.client]}]++
		}
	}
	require.Greater(t, assigned, clients*limit, "the workers filled the clients and more")
	rs, err := stores[0].ListResources(ctx, storage.ResourceFilter{})
	require.NoError(t, err)
	byID := map[outbound.ResourceID]outbound.Resource{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	perClient := map[outbound.ClientID]int{}
	for _, d := range ds {
		r := byID[d]
		require.Contains(t, []int{0, 1}, net[d], "domain %s assigned twice without a release", d)
		require.Equal(t, int64(1)+moves[d], r.Version, "every move of %s raised its version once", d)
		if net[d] == 1 {
			require.Equal(t, outbound.StateAssigned, r.State)
			require.Equal(t, 1, held[holding{d, r.Client}], "domain %s is held by the client that got it last", d)
			perClient[r.Client]++
		} else {
			require.Equal(t, outbound.StateAvailable, r.State)
			require.True(t, r.Client.IsZero())
		}
	}
	for c, n := range perClient {
		require.LessOrEqual(t, n, limit, "client %s", c)
	}
	for m, d := range boxes {
		require.Equal(t, byID[d].State, byID[m].State, "mailbox %s follows its domain", m)
		require.Equal(t, byID[d].Client, byID[m].Client, "mailbox %s follows its domain", m)
		require.Equal(t, byID[d].Version, byID[m].Version, "mailbox %s moved each time its domain did", m)
	}
	vs, err := stores[1].ClientVersions(ctx, cs)
	require.NoError(t, err)
	for i, c := range cs {
		want := 1 + touched[c]
		if i == 0 {
			want++ // the paused domain it was created with
		}
		require.Equal(t, want, vs[c], "client %d: one raise per move into or out of it", i)
	}
}

// TestTakeAllowanceAcrossProcesses has importers on two pools take places
// from one client's allowance until none is left: together they get
// exactly the limit, never more.
func TestTakeAllowanceAcrossProcesses(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	stores := []*Store{one.Platform(), two.Platform()}
	ctx := t.Context()
	client := outbound.ClientID{UUID: uuid.UUID{0xc0, 15: 1}}
	period := rlsEpoch
	const workers, limit = 12, 250
	got := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		st := stores[w%2]
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for {
				n := 1 + rng.IntN(9)
				g, err := st.TakeAllowance(ctx, client, period, n, limit)
				if err != nil {
					errs[w] = err
					return
				}
				if g < 0 || g > n {
					errs[w] = fmt.Errorf("granted %d of %d", g, n)
					return
				}
				if g == 0 {
					return
				}
				got[w] += g
			}
		})
	}
	wg.Wait()
	total := 0
	for w := range workers {
		require.NoError(t, errs[w])
		total += got[w]
	}
	require.Equal(t, limit, total)
	used, err := stores[1].AllowanceUsed(ctx, client, period)
	require.NoError(t, err)
	require.Equal(t, limit, used)
	require.NoError(t, stores[0].ReturnAllowance(ctx, client, period, limit+5))
	used, err = stores[1].AllowanceUsed(ctx, client, period)
	require.NoError(t, err)
	require.Zero(t, used, "a return never takes the count below zero")
}

// TestSpaceSendAcrossProcesses has senders on two pools try one mailbox at
// the same instants, round after round: exactly one send goes per round,
// and every other is told the instant the next may go.
func TestSpaceSendAcrossProcesses(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	stores := []*Store{one.Platform(), two.Platform()}
	ctx := t.Context()
	box := outbound.ResourceID{UUID: uuid.UUID{0xb0, 15: 1}}
	const senders, rounds, gap = 10, 8, 90 * time.Second
	for r := range rounds {
		at := rlsEpoch.Add(time.Duration(r) * gap)
		oks := make([]bool, senders)
		nexts := make([]time.Time, senders)
		errs := make([]error, senders)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for s := range senders {
			wg.Go(func() {
				<-start
				oks[s], nexts[s], errs[s] = stores[s%2].SpaceSend(ctx, box, at, gap)
			})
		}
		close(start)
		wg.Wait()
		sent := 0
		for s := range senders {
			require.NoError(t, errs[s])
			if oks[s] {
				sent++
				continue
			}
			require.Equal(t, at.Add(gap), nexts[s], "round %d: the next send may go a gap after this one", r)
		}
		require.Equal(t, 1, sent, "round %d", r)
	}
	ok, next, err := stores[0].SpaceSend(ctx, box, rlsEpoch.Add(rounds*gap-time.Second), gap)
	require.NoError(t, err)
	require.False(t, ok, "a second short of the gap")
	require.Equal(t, rlsEpoch.Add(rounds*gap), next)
}

// TestRecordEventAcrossProcesses delivers one webhook to handlers on two
// pools at once, each with an ID of its own: one copy is stored, and
// every other handler is handed the stored event, applied or not.
func TestRecordEventAcrossProcesses(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	stores := []*Store{one.Platform(), two.Platform()}
	ctx := t.Context()
	const handlers = 12
	deliver := func(round byte) ([]bool, []outbound.Event) {
		stored := make([]bool, handlers)
		evs := make([]outbound.Event, handlers)
		errs := make([]error, handlers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for h := range handlers {
			evs[h] = outbound.Event{ID: outbound.EventID{UUID: uuid.UUID{0xe0, round, byte(h), 15: 1}},
				Topic: outbound.TopicBilling, Payload: []byte(`{"type": "invoice.paid",  "id": "in_1"}`),
				RecordedAt: rlsEpoch.Add(time.Duration(h) * time.Second),
				Event:      channel.Event{Provider: "stripe", ProviderEventID: "evt_1", At: rlsEpoch}}
			wg.Go(func() {
				<-start
				stored[h], errs[h] = stores[h%2].RecordEvent(ctx, &evs[h])
			})
		}
		close(start)
		wg.Wait()
		for h := range handlers {
			require.NoError(t, errs[h])
		}
		return stored, evs
	}
	stored, evs := deliver(1)
	var winner outbound.Event
	n := 0
	for h := range handlers {
		if stored[h] {
			n++
			winner = evs[h]
		}
	}
	require.Equal(t, 1, n, "exactly one copy is stored")
	for h := range handlers {
		require.Equal(t, winner, evs[h], "handler %d holds the stored event", h)
	}
	require.True(t, winner.AppliedAt.IsZero())
	require.Equal(t, []byte(`{"type": "invoice.paid",  "id": "in_1"}`), winner.Payload, "the payload byte for byte")

	require.NoError(t, stores[0].MarkEventApplied(ctx, winner.ID, rlsEpoch.Add(time.Minute)))
	require.NoError(t, stores[1].MarkEventApplied(ctx, winner.ID, rlsEpoch.Add(time.Hour)))
	stored, evs = deliver(2)
	for h := range handlers {
		require.False(t, stored[h])
		require.Equal(t, winner.ID, evs[h].ID)
		require.Equal(t, rlsEpoch.Add(time.Minute), evs[h].AppliedAt, "the first instant applied stays")
	}
}

// TestCreateOrderAcrossProcesses retries one purchase from two pools at
// once: one order is stored, and every caller gets it.
func TestCreateOrderAcrossProcesses(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	stores := []*Store{one.Platform(), two.Platform()}
	ctx := t.Context()
	const callers = 12
	stored := make([]bool, callers)
	orders := make([]outbound.Order, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for c := range callers {
		orders[c] = outbound.Order{ID: outbound.OrderID{UUID: uuid.UUID{0x0d, byte(c), 15: 1}}, Key: "buy-domains-7",
			Kind: outbound.KindDomain, Count: 3, State: outbound.OrderPending, CreatedAt: rlsEpoch}
		wg.Go(func() {
			<-start
			stored[c], errs[c] = stores[c%2].CreateOrder(ctx, &orders[c])
		})
	}
	close(start)
	wg.Wait()
	n := 0
	var first outbound.OrderID
	for c := range callers {
		require.NoError(t, errs[c])
		if stored[c] {
			n++
			first = orders[c].ID
		}
	}
	require.Equal(t, 1, n)
	for c := range callers {
		require.Equal(t, first, orders[c].ID, "caller %d holds the stored order", c)
	}
	all, err := stores[0].ListOrders(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
}

// TestUpdateClientAcrossProcesses has writers on two pools each raise a
// counter kept in a client, reading it again whenever another write came
// first: no raise is lost, and the version counts every write.
func TestUpdateClientAcrossProcesses(t *testing.T) {
	t.Parallel()
	one, two := twoProcesses(t)
	stores := []*Store{one.Platform(), two.Platform()}
	ctx := t.Context()
	client := outbound.Client{ID: outbound.ClientID{UUID: uuid.UUID{0xc0, 15: 1}}, Name: "0"}
	require.NoError(t, stores[0].CreateClient(ctx, &client))
	const writers, raises = 8, 10
	conflicts := make([]int, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		st := stores[w%2]
		wg.Go(func() {
			for range raises {
				for {
					c, err := st.GetClient(ctx, client.ID)
					if err != nil {
						errs[w] = err
						return
					}
					n, _ := strconv.Atoi(c.Name)
					c.Name = strconv.Itoa(n + 1)
					err = st.UpdateClient(ctx, c)
					if errors.Is(err, storage.ErrConflict) {
						conflicts[w]++
						continue
					}
					if err != nil {
						errs[w] = err
						return
					}
					break
				}
			}
		})
	}
	wg.Wait()
	lost := 0
	for w := range writers {
		require.NoError(t, errs[w])
		lost += conflicts[w]
	}
	got, err := stores[1].GetClient(ctx, client.ID)
	require.NoError(t, err)
	require.Equal(t, strconv.Itoa(writers*raises), got.Name, "no raise is lost (%d stale writes refused)", lost)
	require.Equal(t, int64(1+writers*raises), got.Version)
}

// plan returns the plan of sql with args through st, sequential scans
// disabled so that a small table still shows the index a large one uses.
func plan(t *testing.T, st *Store, sql string, args ...any) string {
	t.Helper()
	b := st.queue()
	b.Queue(`SELECT set_config('enable_seqscan', 'off', true)`)
	b.Queue(`EXPLAIN `+sql, args...)
	var lines []string
	require.NoError(t, st.send(t.Context(), b, func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return err
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		lines, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	}))
	return strings.Join(lines, "\n")
}

// TestNewLookupsUseIndexes checks that each lookup the store added reads
// its index rather than the table.
func TestNewLookupsUseIndexes(t *testing.T) {
	t.Parallel()
	st := newDB(t).Platform()
	nilID := id(uuid.Nil)
	tests := []struct {
		name, sql string
		args      []any
		indexes   []string
	}{
		{"touch by provider reference", `SELECT ` + touchCols + ` FROM touches
			WHERE provider = $1 AND provider_ref = $2 AND provider_ref <> '' ORDER BY id LIMIT 1`,
			[]any{"postmark", "msg-1"}, []string{"touches_provider_ref"}},
		{"resource by provider reference", `SELECT ` + resourceCols + ` FROM resources
			WHERE provider = $1 AND provider_ref = $2 AND provider <> '' AND provider_ref <> ''`,
			[]any{"infraforge", "d-1"}, []string{"resources_provider_ref"}},
		{"client by billing keys", findClientByBillingSQL, []any{"cus_1", "sub_1"},
			[]string{"clients_billing_subscription", "clients_billing_customer"}},
		{"unapplied events", `SELECT ` + eventCols + ` FROM events
			WHERE applied_at IS NULL AND (recorded_at IS NULL OR recorded_at < $1)
			ORDER BY recorded_at NULLS FIRST, id LIMIT $2`, []any{rlsEpoch, 10}, []string{"events_unapplied"}},
		{"suppressions by lead, address and domain", suppressedAmongSQL,
			[]any{[]any{nilID}, []any{nilID}, []string{"a@example.com"}, []string{"example.com"}, []string{"email"}},
			[]string{"suppressions_key", "suppressions_address", "suppressions_domain"}},
		{"open orders", `SELECT ` + orderCols + ` FROM orders WHERE state = ANY($1::text[]) ORDER BY created_at NULLS FIRST, id`,
			[]any{[]string{"pending", "placed"}}, []string{"orders_state"}},
		{"a client's usable resources", moveSQL,
			[]any{nilID, "available", nilID, "assigned", nilID, nil, 3}, []string{"resources_usable"}},
	}
	for _, tt := range tests {
		p := plan(t, st, tt.sql, tt.args...)
		for _, ix := range tt.indexes {
			require.Contains(t, p, ix, "%s:\n%s", tt.name, p)
		}
	}
}
