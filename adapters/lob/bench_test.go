package lob_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/lob"
)

// BenchmarkSend: letters per second to the fake Lob on loopback, each
// with its own Idempotency-Key.
func BenchmarkSend(b *testing.B) {
	adaptertest.BenchSend(b, setup(b, nil).ch, letterMessage)
}

// BenchmarkSendPostcard: postcards per second to the fake Lob on loopback.
func BenchmarkSendPostcard(b *testing.B) {
	adaptertest.BenchSend(b, setup(b, func(c *lob.Config) { c.PostcardFront = "tmpl_front0001" }).ch, postcardMessage)
}
