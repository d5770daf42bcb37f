package distribution_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/internal/pgtest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// twoProcesses builds two Services on one store, as two processes of a
// deployment would be: the memory store, or PostgreSQL through two pools.
func twoProcesses(t *testing.T, onPostgres bool, plans []outbound.Plan) (storage.Store, [2]*distribution.Service) {
	t.Helper()
	ctx := context.Background()
	clock := timingtest.NewClock(start)
	var stores [2]storage.Store
	if onPostgres {
		schema := mpSchema(t)
		for i := range stores {
			pool, err := mpPool(ctx, pgtest.URL(), schema, 8)
			require.NoError(t, err)
			t.Cleanup(pool.Close)
			if i == 0 {
				require.NoError(t, postgres.Migrate(ctx, pool))
			}
			stores[i] = postgres.New(pool).Platform()
		}
	} else {
		m := memory.New()
		stores = [2]storage.Store{m, m}
	}
	var svcs [2]*distribution.Service
	for i := range svcs {
		var chans []channel.Channel
		for _, k := range channel.Kinds() {
			f, err := channeltest.New(k, &channeltest.Config{Now: clock.Now})
			require.NoError(t, err)
			chans = append(chans, f)
		}
		svc, err := distribution.New(distribution.Config{Store: stores[i], Channels: chans, Clock: clock, Plans: plans,
			DNCR: &fakeDNCR{now: clock.Now, registered: map[string]bool{}}, Test: distribution.TestConfig{NewID: seededIDs(uint64(10 + i))}})
		require.NoError(t, err)
		svcs[i] = svc
	}
	aged := clock.Now().AddDate(0, 0, -40)
	for _, k := range []outbound.ResourceKind{outbound.KindDomain, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender} {
		_, err := svcs[0].Pool().Stock(ctx, k, 12, aged)
		require.NoError(t, err)
	}
	return stores[0], svcs
}

// Two processes take one payment, an upgrade and two imports at once: one
// client, never more resources than its plan, no resource held twice, and
// never more leads enrolled in a month than the plan allows.
func TestConcurrentSignupsUpgradesAndImports(t *testing.T) {
	t.Parallel()
	plans := []outbound.Plan{
		{Name: "small", Domains: 2, PhoneNumbers: 1, LinkedInSeats: 1, LeadsPerMonth: 10},
		{Name: "big", Domains: 5, PhoneNumbers: 3, LinkedInSeats: 2, MailSender: true, LeadsPerMonth: 10},
	}
	for _, onPostgres := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "postgres"}[onPostgres], func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, svcs := twoProcesses(t, onPostgres, plans)
			both := func(f func(i int, svc *distribution.Service)) {
				var wg sync.WaitGroup
				for i, svc := range svcs {
					wg.Go(func() { f(i, svc) })
				}
				wg.Wait()
			}
			requirePlan := func(c outbound.ClientID, p outbound.Plan) {
				t.Helper()
				rs, err := st.ListResources(ctx, storage.ResourceFilter{})
				require.NoError(t, err)
				have := map[outbound.ResourceKind]int{outbound.KindDomain: 0, outbound.KindPhone: 0, outbound.KindLinkedInSeat: 0, outbound.KindMailSender: 0}
				for _, r := range rs {
					if r.Client == c && r.State == outbound.StateAssigned && r.Kind != outbound.KindMailbox {
						have[r.Kind]++
					}
				}
				mail := 0
				if p.MailSender {
					mail = 1
				}
				require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: p.Domains, outbound.KindPhone: p.PhoneNumbers,
					outbound.KindLinkedInSeat: p.LinkedInSeats, outbound.KindMailSender: mail}, have)
			}

			var ids [2]outbound.ClientID
			both(func(i int, svc *distribution.Service) {
				c, err := svc.Signup(ctx, distribution.SignupInput{Name: "Acme", Plan: "small", DefaultZone: "Australia/Sydney", PaymentID: "pi_1"})
				require.NoError(t, err)
				ids[i] = c.ID
			})
			require.Equal(t, ids[0], ids[1], "one payment, one client")
			clients, err := st.ListClients(ctx)
			require.NoError(t, err)
			require.Len(t, clients, 1)
			requirePlan(ids[0], plans[0])

			both(func(_ int, svc *distribution.Service) {
				_, err := svc.Signup(ctx, distribution.SignupInput{Name: "Acme", Plan: "big", DefaultZone: "Australia/Sydney", PaymentID: "pi_1"})
				require.NoError(t, err)
			})
			requirePlan(ids[0], plans[1])

			camp, err := svcs[0].CreateCampaign(ctx, ids[0], "Q1")
			require.NoError(t, err)
			var results [2]distribution.ImportResult
			both(func(i int, svc *distribution.Service) {
				var rows []distribution.LeadInput
				for n := range 8 {
					rows = append(rows, hot(100*i+n))
				}
				res, err := svc.ImportLeads(ctx, camp.ID, rows)
				require.NoError(t, err)
				results[i] = res
			})
			enrolled, rejected := 0, 0
			for _, r := range results {
				enrolled += len(r.Enrolled)
				for _, re := range r.Rejected {
					require.True(t, errors.Is(re.Err, distribution.ErrAllowance), "%v", re.Err)
					rejected++
				}
			}
			require.Equal(t, 10, enrolled, "the plan allows 10 a month")
			require.Equal(t, 6, rejected)
			es, err := st.ListEnrollments(ctx, storage.EnrollmentFilter{Client: ids[0]})
			require.NoError(t, err)
			require.Len(t, es, 10)
			used, err := st.AllowanceUsed(ctx, ids[0], mustPeriod(t, svcs[0], ids[0]))
			require.NoError(t, err)
			require.Equal(t, 10, used)
		})
	}
}

// mustPeriod is the start of the client's billing period holding start.
func mustPeriod(t *testing.T, svc *distribution.Service, c outbound.ClientID) time.Time {
	t.Helper()
	s, _, err := svc.BillingPeriod(context.Background(), c, start)
	require.NoError(t, err)
	return s
}
