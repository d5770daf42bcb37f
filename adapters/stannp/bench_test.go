package stannp_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/stannp"
)

// BenchmarkSend: letters per second to the fake Stannp on loopback.
func BenchmarkSend(b *testing.B) {
	ch, _ := setup(b)
	adaptertest.BenchSend(b, ch, letterMessage)
}

// BenchmarkSendPostcard: postcards per second to the fake Stannp on
// loopback, the front named by URL and the back written as the message.
func BenchmarkSendPostcard(b *testing.B) {
	ch, _ := setupWith(b, func(c *stannp.Config) { c.PostcardFront = "https://cdn.example/front.png" })
	adaptertest.BenchSend(b, ch, postcardMessage)
}
