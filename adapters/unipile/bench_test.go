package unipile_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/adaptertest"
)

// BenchmarkSend: connection requests per second to the fake Unipile on
// loopback (a profile lookup and an invitation each), and messages
// starting a chat.
func BenchmarkSend(b *testing.B) {
	b.Run("connection_request", func(b *testing.B) { adaptertest.BenchSend(b, newEnv(b).ch, request) })
	b.Run("message", func(b *testing.B) { adaptertest.BenchSend(b, newEnv(b).ch, message) })
}
