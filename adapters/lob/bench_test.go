package lob_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/adaptertest"
)

// BenchmarkSend: letters per second to the fake Lob on loopback, each
// with its own Idempotency-Key.
func BenchmarkSend(b *testing.B) {
	adaptertest.BenchSend(b, setup(b, nil).ch, letterMessage)
}
