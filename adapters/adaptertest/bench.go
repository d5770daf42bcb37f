package adaptertest

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/outbound-go/outbound/channel"
)

// BenchSend measures the sends per second an adapter makes to its fake
// provider: b.N messages one after another ("serial"), then b.N from
// parallel goroutines ("parallel", GOMAXPROCS of them). msg makes the
// message with the given idempotency key; every key is new, so nothing is
// answered from an earlier send. Each run reports sends/s; a failed send
// fails the benchmark.
//
//	func BenchmarkSend(b *testing.B) {
//		ch := … // the adapter, pointed at its fake on 127.0.0.1
//		adaptertest.BenchSend(b, ch, func(key string) *channel.Message { … })
//	}
func BenchSend(b *testing.B, ch channel.Channel, msg func(key string) *channel.Message) {
	var n atomic.Int64
	key := func() string { return "bench-" + strconv.FormatInt(n.Add(1), 10) }
	send := func(b *testing.B) {
		if _, err := ch.Send(context.Background(), msg(key())); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			send(b)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := ch.Send(context.Background(), msg(key())); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
	})
}
