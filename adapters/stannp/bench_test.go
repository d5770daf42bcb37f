package stannp_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/adaptertest"
)

// BenchmarkSend: letters per second to the fake Stannp on loopback.
func BenchmarkSend(b *testing.B) {
	ch, _ := setup(b)
	adaptertest.BenchSend(b, ch, letterMessage)
}
