package distribution_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/timing"
)

// nopChannel accepts every message and does nothing.
type nopChannel struct{ kind channel.Kind }

func (n nopChannel) Kind() channel.Kind { return n.kind }
func (n nopChannel) Send(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	return channel.Receipt{Provider: "nop", ProviderMessageID: m.IdempotencyKey, Status: channel.StatusAccepted}, nil
}

// benchEnv is a Service with no-op channels and clients clients of the
// scale plan (5 domains, 3 numbers, 3 seats, a mail sender each), with
// leads leads spread over them and imported (not yet planned).
func benchEnv(b *testing.B, clients, leads int) *env {
	b.Helper()
	return benchEnvWith(b, clients, leads, nil)
}

func benchEnvWith(b *testing.B, clients, leads int, opt option) *env {
	b.Helper()
	e := newEnv(b, func(c *distribution.Config) {
		for _, k := range channel.Kinds() {
			setChannel(c, nopChannel{k})
		}
		if opt != nil {
			opt(c)
		}
	})
	e.stock(clients*5, clients*3, clients*3, clients)
	per := leads / clients
	for c := range clients {
		cl, err := e.svc.Signup(e.ctx, distribution.SignupInput{Name: fmt.Sprint("C", c), Plan: "scale", DefaultZone: "Australia/Sydney", PaymentID: fmt.Sprint("p", c)})
		require.NoError(b, err)
		camp := e.campaign(cl)
		rows := make([]distribution.LeadInput, per)
		for i := range per {
			n := c*per + i
			in := hot(n)
			in.Email = fmt.Sprintf("l%d@co%d.example.com", n, n)
			in.Phone = fmt.Sprintf("+6141%07d", n)
			in.Score = 20 + n%81 // every tier but dead
			rows[i] = in
		}
		res, err := e.svc.ImportLeads(e.ctx, camp.ID, rows)
		require.NoError(b, err)
		require.Empty(b, res.Rejected)
	}
	return e
}

// BenchmarkPlan plans 100,000 freshly imported leads (100 clients of 1,000)
// of every tier over the default sequence: each touch resolved, slotted in
// its window and booked on a resource-day through the store.
func BenchmarkPlan(b *testing.B) {
	b.ReportAllocs()
	touches := 0
	for range b.N {
		b.StopTimer()
		e := benchEnv(b, 100, 100_000)
		b.StartTimer()
		n, err := e.svc.Plan(context.Background())
		require.NoError(b, err)
		touches += n
	}
	b.ReportMetric(float64(touches)/b.Elapsed().Seconds(), "touches/s")
	b.ReportMetric(float64(touches)/float64(b.N), "touches/op")
}

// BenchmarkDispatch sends planned touches on the memory store through no-op
// channels: claim, compliance checks (enrollment, suppression, DNCR,
// window, resource), render, validate, send, record. Windows are open all
// day and mailboxes unspaced, so that the touches due by Monday 19:30 in
// Sydney (about 4,400 of 20,000 leads' first touches, as far as the
// mailboxes' daily caps allow) are all sent by a
// worker claiming batches of 100 at that instant.
func BenchmarkDispatch(b *testing.B) {
	b.ReportAllocs()
	sent := 0
	for range b.N {
		b.StopTimer()
		e := benchEnvWith(b, 20, 20_000, func(c *distribution.Config) {
			all := timing.Window{Start: 0, End: timing.HM(24, 0), Days: timing.EveryDay, OpenOnHolidays: true}
			c.Windows = timing.Windows{}
			for _, k := range channel.Kinds() {
				c.Windows[k] = all
			}
			c.Caps.Email.Spacing, c.Caps.Email.Jitter = allocator.NoSpacing, allocator.NoSpacing
		})
		_, err := e.svc.Plan(e.ctx)
		require.NoError(b, err)
		e.clock.Set(time.Date(2026, 3, 2, 19, 30, 0, 0, mustLoc(b, "Australia/Sydney")))
		b.StartTimer()
		for {
			n, err := e.svc.Dispatch(e.ctx, "w")
			require.NoError(b, err)
			if n == 0 {
				break
			}
			sent += n
		}
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "touches/s")
	b.ReportMetric(float64(sent)/float64(b.N), "touches/op")
}
