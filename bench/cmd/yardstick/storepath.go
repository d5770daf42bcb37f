package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// The store path: the store calls the engine makes for an email touch
// (claim, record sent), without the engine's reads and checks. A secondary
// figure beside the engine's: the floor the store alone sets.

// nopChannel accepts every message at once, counting the sends in sends
// (when not nil).
type nopChannel struct {
	kind  channel.Kind
	sends *atomic.Int64
}

func (n nopChannel) Kind() channel.Kind { return n.kind }

func (n nopChannel) Send(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	if n.sends != nil {
		n.sends.Add(1)
	}
	return channel.Receipt{Provider: "nop", ProviderMessageID: m.IdempotencyKey, Status: channel.StatusAccepted}, nil
}

var epoch = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// dueTouches are n email touches all due at epoch + 1 hour, spread over
// 50 mailboxes and one client (none of them stored: the store path reads
// nothing but the touches).
func dueTouches(n, offset int) []outbound.Touch {
	client := outbound.ClientID{UUID: uuid.UUID{0xc1}}
	ts := make([]outbound.Touch, n)
	for i := range ts {
		k := offset + i
		ts[i] = outbound.Touch{
			ID: outbound.TouchID{UUID: uuid.New()}, Client: client,
			Campaign:    outbound.CampaignID{UUID: uuid.UUID{0xca}},
			Enrollment:  outbound.EnrollmentID{UUID: uuid.New()},
			Lead:        outbound.LeadID{UUID: uuid.New()},
			Step:        1,
			StepChannel: channel.Email, Channel: channel.Email, Action: channel.ActionEmail,
			Resource:    outbound.ResourceID{UUID: uuid.UUID{0x4e, byte(k % 50)}},
			Day:         timing.DateOf(epoch),
			ScheduledAt: epoch.Add(time.Duration(k%3600) * time.Second),
			Status:      outbound.TouchScheduled,
		}
	}
	return ts
}

// latencies sums the wall time of a worker's store calls.
type latencies struct {
	claims, claimNs, updates, updateNs atomic.Int64
}

func (l *latencies) mean() (claim, update time.Duration) {
	if n := l.claims.Load(); n > 0 {
		claim = time.Duration(l.claimNs.Load() / n)
	}
	if n := l.updates.Load(); n > 0 {
		update = time.Duration(l.updateNs.Load() / n)
	}
	return claim, update
}

// dispatchWorkers runs n workers that claim (ClaimTouches, batch), send
// each touch through a no-op channel and record it sent (UpdateTouch under
// the worker's lease: one statement per touch, as the engine records an
// email), until a claim comes back empty.
func dispatchWorkers(ctx context.Context, st storage.Store, n int, prefix string, batch int, count *atomic.Int64, lat *latencies) error {
	ch := nopChannel{kind: channel.Email, sends: count}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for w := range n {
		wg.Go(func() {
			worker := fmt.Sprintf("%s-%d", prefix, w)
			for {
				now := time.Now()
				ts, err := st.ClaimTouches(ctx, storage.Claim{Now: now, Worker: worker, LeaseUntil: now.Add(distribution.DefaultLease), Limit: batch})
				lat.claims.Add(1)
				lat.claimNs.Add(int64(time.Since(now)))
				if err != nil {
					errs[w] = err
					return
				}
				if len(ts) == 0 {
					return
				}
				for i := range ts {
					t := &ts[i]
					r, err := ch.Send(ctx, &channel.Message{IdempotencyKey: t.ID.String(), Kind: t.Channel, Action: t.Action})
					if err != nil {
						errs[w] = err
						return
					}
					t.Status, t.SentAt, t.ProviderRef = outbound.TouchSent, time.Now(), r.ProviderMessageID
					t.Attempts++
					t.LeasedBy, t.LeaseUntil = "", time.Time{}
					u := time.Now()
					err = st.UpdateTouch(ctx, t, worker)
					lat.updates.Add(1)
					lat.updateNs.Add(int64(time.Since(u)))
					if err != nil {
						errs[w] = err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// storePathChild is the child process of a store-path run.
func storePathChild(ctx context.Context, o options, pool *pgxpool.Pool) error {
	st := postgres.New(pool).Platform()
	var count atomic.Int64
	work := func(ctx context.Context) error {
		return dispatchWorkers(ctx, st, o.nworker, "child", o.claimBatch, &count, new(latencies))
	}
	return childGo(ctx, true, work, nil, &count)
}

// storePathRun inserts n due touches into a fresh schema and times
// dispatchWorkers (total over two processes) until none is unfinished.
func storePathRun(ctx context.Context, o options, total int) (res result, err error) {
	schema, drop, err := createSchema(ctx, o.url, "yard_store")
	if err != nil {
		return res, err
	}
	defer dropping(drop, &err)
	pw, cw := split(total)
	var rt roundTrips
	pool, err := tracedPool(ctx, o.url, schema, poolConns(pw), &rt)
	if err != nil {
		return res, err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		return res, err
	}
	st := postgres.New(pool).Platform()
	for i := 0; i < o.n; i += 5_000 {
		if err := st.InsertTouches(ctx, dueTouches(min(5_000, o.n-i), i)); err != nil {
			return res, err
		}
	}
	if _, err := pool.Exec(ctx, "ANALYZE touches"); err != nil {
		return res, err
	}
	poll, c, err := pollAndChild(ctx, o.url, schema, "store", cw, "-claim-batch", strconv.Itoa(o.claimBatch))
	if err != nil {
		return res, err
	}
	defer poll.Close()
	var count atomic.Int64
	var lat latencies
	var trips, parentDone int64
	rt0 := rt.total()
	work := func(ctx context.Context) error {
		return dispatchWorkers(ctx, st, pw, "parent", o.claimBatch, &count, &lat)
	}
	elapsed, err := race(ctx, c, poll, "SELECT count(*) FROM (SELECT 1 FROM touches WHERE status IN ('scheduled', 'sending') LIMIT 1) x", nil,
		work, func() { trips, parentDone = rt.total()-rt0, count.Load() })
	if c != nil {
		count.Add(c.count)
	}
	if err != nil {
		return res, err
	}
	var sent int64
	if err := poll.QueryRow(ctx, "SELECT count(*) FROM touches WHERE status = 'sent'").Scan(&sent); err != nil {
		return res, err
	}
	if sent != int64(o.n) || count.Load() != int64(o.n) {
		return res, fmt.Errorf("%d touches: %d rows sent, %d sends", o.n, sent, count.Load())
	}
	res = result{workers: total, n: o.n, elapsed: elapsed, done: count.Load(), trips: trips, parentDone: parentDone}
	res.claimLat, res.updateLat = lat.mean()
	return res, nil
}
