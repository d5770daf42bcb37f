package channeltest_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

func BenchmarkFakeSend(b *testing.B) {
	f, err := channeltest.New(channel.Email, &channeltest.Config{Model: &channeltest.Model{Seed: 1}})
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([]*channel.Message, 4096)
	for i := range msgs {
		msgs[i] = emailTo("t"+strconv.Itoa(i), "ana@example.com")
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%len(msgs) == 0 {
			f.Reset()
		}
		if _, err := f.Send(ctx, msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkModelEvents(b *testing.B) {
	model := &channeltest.Model{Seed: 1}
	m := emailTo("t1", "ana@example.com")
	rc := channel.Receipt{Provider: "fake", ProviderMessageID: "fake-t1"}
	b.ReportAllocs()
	for b.Loop() {
		_ = model.Events(m, rc, t0)
	}
}
