package memory_test

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing"
)

var benchStart = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// counterID is a fixed UUID from a counter.
func counterID(kind byte, n int) uuid.UUID {
	var u uuid.UUID
	u[0] = kind
	binary.BigEndian.PutUint64(u[8:], uint64(n))
	return u
}

// benchTouches returns n scheduled touches, one a second from benchStart,
// in a shuffled-looking order of IDs.
func benchTouches(n int) []outbound.Touch {
	ts := make([]outbound.Touch, n)
	for i := range ts {
		ts[i] = outbound.Touch{
			ID:          outbound.TouchID{UUID: counterID('t', i*7919%n)},
			Client:      outbound.ClientID{UUID: counterID('c', i%3)},
			Campaign:    outbound.CampaignID{UUID: counterID('p', i%3)},
			Enrollment:  outbound.EnrollmentID{UUID: counterID('e', i/5)},
			Lead:        outbound.LeadID{UUID: counterID('l', i/5)},
			Step:        i%5 + 1,
			StepChannel: channel.Email,
			Channel:     channel.Email,
			Action:      channel.ActionEmail,
			Resource:    outbound.ResourceID{UUID: counterID('r', i%40)},
			Provider:    "salesforge",
			Day:         timing.DateOf(benchStart),
			ScheduledAt: benchStart.Add(time.Duration(i%86_400) * time.Second),
			Status:      outbound.TouchScheduled,
		}
	}
	return ts
}

// BenchmarkInsertTouches stores 100,000 touches in batches of 1,000 per
// iteration, into a fresh store.
func BenchmarkInsertTouches(b *testing.B) {
	ctx := b.Context()
	ts := benchTouches(100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		st := memory.New()
		b.StartTimer()
		for i := 0; i < len(ts); i += 1000 {
			if err := st.InsertTouches(ctx, ts[i:i+1000]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(ts))/b.Elapsed().Seconds(), "touches/s")
}

// BenchmarkClaimTouches claims 100 of 100,000 due touches per iteration. The
// leases end before the next claim, so every claim also takes back the
// touches the one before it leased: the steady state of a dispatcher whose
// backlog never shrinks.
func BenchmarkClaimTouches(b *testing.B) {
	ctx := b.Context()
	st := memory.New()
	ts := benchTouches(100_000)
	for i := 0; i < len(ts); i += 1000 {
		if err := st.InsertTouches(ctx, ts[i:i+1000]); err != nil {
			b.Fatal(err)
		}
	}
	now := benchStart.Add(48 * time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		got, err := st.ClaimTouches(ctx, storage.Claim{Now: now, Worker: "w", LeaseUntil: now.Add(time.Microsecond), Limit: 100})
		if err != nil || len(got) != 100 {
			b.Fatal(len(got), err)
		}
		now = now.Add(time.Microsecond)
	}
}

// BenchmarkReserve books capacity over 200 keys and 30 days.
func BenchmarkReserve(b *testing.B) {
	ctx := b.Context()
	st := memory.New()
	keys := make([]allocator.Key, 200)
	for i := range keys {
		keys[i] = allocator.Key{Resource: outbound.ResourceID{UUID: counterID('r', i)}, Action: channel.ActionEmail}
	}
	day := timing.DateOf(benchStart)
	lim := allocator.Limit{Daily: 1 << 30, Weekly: 1 << 30}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for range b.N {
		if _, err := st.Reserve(ctx, keys[i%len(keys)], day+timing.Date(i%30), lim); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkReserveParallel is BenchmarkReserve from every processor at once.
func BenchmarkReserveParallel(b *testing.B) {
	ctx := b.Context()
	st := memory.New()
	keys := make([]allocator.Key, 200)
	for i := range keys {
		keys[i] = allocator.Key{Resource: outbound.ResourceID{UUID: counterID('r', i)}, Action: channel.ActionEmail}
	}
	day := timing.DateOf(benchStart)
	lim := allocator.Limit{Daily: 1 << 30, Weekly: 1 << 30}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := st.Reserve(ctx, keys[i%len(keys)], day+timing.Date(i%30), lim); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// sentBenchStore returns a store of 100,000 touches sent over 30 days (one
// every 26 seconds) from 40 resources, each with a provider reference.
func sentBenchStore(b *testing.B) (*memory.Store, []outbound.Touch) {
	b.Helper()
	st := memory.New()
	ts := benchTouches(100_000)
	for i := range ts {
		ts[i].Status = outbound.TouchSent
		ts[i].SentAt = benchStart.Add(time.Duration(i) * 26 * time.Second)
		ts[i].ProviderRef = fmt.Sprintf("<msg-%d@mail.example>", i)
	}
	for i := 0; i < len(ts); i += 1000 {
		if err := st.InsertTouches(b.Context(), ts[i:i+1000]); err != nil {
			b.Fatal(err)
		}
	}
	return st, ts
}

// BenchmarkNextDue asks for the next due instant of 100,000 scheduled
// touches with a backlog of due ones left by a claim.
func BenchmarkNextDue(b *testing.B) {
	ctx := b.Context()
	st := memory.New()
	ts := benchTouches(100_000)
	for i := 0; i < len(ts); i += 1000 {
		if err := st.InsertTouches(ctx, ts[i:i+1000]); err != nil {
			b.Fatal(err)
		}
	}
	now := benchStart.Add(time.Hour)
	if _, err := st.ClaimTouches(ctx, storage.Claim{Now: now, Worker: "w", LeaseUntil: now.Add(time.Minute), Limit: 10}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, ok, err := st.NextDue(ctx); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkListTouchesSentWindow lists one day's sends from half of the 40
// resources out of 100,000 touches sent over 30 days: the health query.
// BenchmarkListTouchesStatus lists the same store by status, which reads
// every touch, for comparison.
func BenchmarkListTouchesSentWindow(b *testing.B) {
	st, _ := sentBenchStore(b)
	var res []outbound.ResourceID
	for i := 0; i < 40; i += 2 {
		res = append(res, outbound.ResourceID{UUID: counterID('r', i)})
	}
	f := storage.TouchFilter{Resources: res, SentFrom: benchStart.AddDate(0, 0, 14), SentUntil: benchStart.AddDate(0, 0, 15)}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for range b.N {
		got, err := st.ListTouches(b.Context(), f)
		if err != nil {
			b.Fatal(err)
		}
		n = len(got)
	}
	b.ReportMetric(float64(n), "touches/op")
}

func BenchmarkListTouchesStatus(b *testing.B) {
	st, _ := sentBenchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for range b.N {
		got, err := st.ListTouches(b.Context(), storage.TouchFilter{Status: outbound.TouchSent})
		if err != nil {
			b.Fatal(err)
		}
		n = len(got)
	}
	b.ReportMetric(float64(n), "touches/op")
}

// BenchmarkFindTouchByProviderRef looks touches up by provider reference
// among 100,000.
func BenchmarkFindTouchByProviderRef(b *testing.B) {
	st, ts := sentBenchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for range b.N {
		if _, err := st.FindTouchByProviderRef(b.Context(), ts[i%len(ts)].Provider, ts[i%len(ts)].ProviderRef); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}

// BenchmarkListLeadsByCompany lists a company's 3 leads among 100,000 leads
// of 3 clients, with the domain in upper case.
func BenchmarkListLeadsByCompany(b *testing.B) {
	ctx := b.Context()
	st := memory.New()
	const n = 100_000
	for i := range n {
		l := outbound.Lead{
			ID:            outbound.LeadID{UUID: counterID('l', i)},
			Client:        outbound.ClientID{UUID: counterID('c', i%3)},
			Email:         fmt.Sprintf("lead%d@example.com", i),
			CompanyDomain: fmt.Sprintf("company%d.example", i/9),
		}
		if err := st.CreateLead(ctx, &l); err != nil {
			b.Fatal(err)
		}
	}
	client := outbound.ClientID{UUID: counterID('c', 1)}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for range b.N {
		got, err := st.ListLeadsByCompany(ctx, client, fmt.Sprintf("COMPANY%d.example", i%(n/9)))
		if err != nil || len(got) != 3 {
			b.Fatal(len(got), err)
		}
		i += 7919
	}
}
