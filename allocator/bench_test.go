package allocator

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

const benchN = 10_000

var benchStart = time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)

// unlimited caps keep every resource in the ring all run long.
func unlimitedConfig() Config {
	return Config{
		Email:          Cap{Daily: Unlimited},
		MailboxCeiling: Unlimited,
		Call:           Cap{Daily: Unlimited},
		SMS:            Cap{Daily: Unlimited},
	}
}

// benchPicks runs b.N picks, the instant moving on by step each time, and
// drops old spacing history now and then as an engine would.
func benchPicks(b *testing.B, a *Allocator, step time.Duration, actions []channel.Action, sticky func(i int) outbound.ResourceID) {
	ctx := context.Background()
	at := benchStart
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := Request{Action: actions[i%len(actions)], At: at}
		if sticky != nil {
			req.Sticky = sticky(i)
		}
		if _, err := a.Pick(ctx, req); err != nil {
			b.Fatal(err)
		}
		at = at.Add(step)
		if i&(1<<20-1) == 0 {
			a.Forget(at.Add(-time.Hour))
		}
	}
}

func BenchmarkPick(b *testing.B) {
	loc := time.UTC
	email := []channel.Action{channel.ActionEmail}
	b.Run("mailboxes=10000", func(b *testing.B) {
		// 31 ms per pick: a mailbox's turn comes every 310 s, past its
		// spacing (at most 5 minutes).
		a := mustNew(b, unlimitedConfig(), fleet(outbound.KindMailbox, benchN, 1, loc))
		benchPicks(b, a, 31*time.Millisecond, email, nil)
	})
	b.Run("phones=10000", func(b *testing.B) {
		a := mustNew(b, unlimitedConfig(), fleet(outbound.KindPhone, benchN, 1, loc))
		benchPicks(b, a, time.Millisecond, []channel.Action{channel.ActionCall, channel.ActionSMS}, nil)
	})
	b.Run("mailboxes=10000/sticky", func(b *testing.B) {
		a := mustNew(b, unlimitedConfig(), fleet(outbound.KindMailbox, benchN, 1, loc))
		ids := make([]outbound.ResourceID, benchN)
		for i := range ids {
			ids[i] = rid(1 + i)
		}
		benchPicks(b, a, 31*time.Millisecond, email, func(i int) outbound.ResourceID { return ids[i%benchN] })
	})
	b.Run("mailboxes=10000/generic-counter", func(b *testing.B) {
		cfg := unlimitedConfig()
		cfg.Counter = plainCounter{NewMemoryCounter()}
		a := mustNew(b, cfg, fleet(outbound.KindMailbox, benchN, 1, loc))
		benchPicks(b, a, 31*time.Millisecond, email, nil)
	})
	b.Run("mailboxes=10000/99%-full", func(b *testing.B) {
		// Every mailbox but one in a hundred takes one email a day, and has
		// taken it; the rest are unlimited. No spacing, one day.
		cfg := unlimitedConfig()
		cfg.Email.Spacing, cfg.Email.Jitter = NoSpacing, NoSpacing
		rs := fleet(outbound.KindMailbox, benchN, 1, loc)
		free := map[outbound.ResourceID]bool{}
		for i := 0; i < benchN; i += 100 {
			free[rs[i].ID] = true
		}
		cfg.Limiter = DailyLimitFunc(func(r Resource, _ timing.Date) int {
			if free[r.ID] {
				return Unlimited
			}
			return 1
		})
		a := mustNew(b, cfg, rs)
		ctx := context.Background()
		at := benchStart.Add(9 * time.Hour)
		for range benchN {
			if _, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at}); err != nil {
				b.Fatal(err)
			}
		}
		benchPicks(b, a, time.Nanosecond, email, nil)
	})
	b.Run("mailboxes=10000/default-caps", func(b *testing.B) {
		// docs/architecture.md's caps (30 a day, spacing): days fill up, every mailbox
		// leaves the rotation, and a failed pick jumps to NextOpen, where
		// the rotation is rebuilt. Failures allocate their error.
		a := mustNew(b, Config{}, fleet(outbound.KindMailbox, benchN, 1, loc))
		ctx := context.Background()
		at := benchStart
		var full *NoCapacityError
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at})
			switch {
			case err == nil:
				at = at.Add(31 * time.Millisecond)
			case errors.As(err, &full):
				at = full.NextOpen
			default:
				b.Fatal(err)
			}
			if i&(1<<20-1) == 0 {
				a.Forget(at.Add(-time.Hour))
			}
		}
	})
	b.Run("mailboxes=10000/parallel", func(b *testing.B) {
		a := mustNew(b, unlimitedConfig(), fleet(outbound.KindMailbox, benchN, 1, loc))
		var n atomic.Int64
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			var full *NoCapacityError
			for pb.Next() {
				i := n.Add(1)
				at := benchStart.Add(time.Duration(i) * 31 * time.Millisecond)
				_, err := a.Pick(ctx, Request{Action: channel.ActionEmail, At: at})
				if err != nil && !errors.As(err, &full) {
					b.Fatal(err)
				}
				if i&(1<<20-1) == 0 {
					a.Forget(at.Add(-time.Hour))
				}
			}
		})
	})
}

func BenchmarkMemoryCounterReserve(b *testing.B) {
	ctx := context.Background()
	c := NewMemoryCounter()
	keys := make([]Key, 1024)
	for i := range keys {
		keys[i] = Key{Resource: rid(i), Action: channel.ActionConnectionRequest}
	}
	day := timing.DateFromYMD(2025, 6, 2)
	b.Run("daily", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if _, err := c.Reserve(ctx, keys[i&1023], day, Limit{Daily: Unlimited, Weekly: Unlimited}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("weekly", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if _, err := c.Reserve(ctx, keys[i&1023], day+1, Limit{Daily: Unlimited, Weekly: 1 << 40}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
