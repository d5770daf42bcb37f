package salesforge_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
)

// BenchmarkSend: emails per second through a Salesforge mailbox's SMTP, an
// in-process server on loopback.
func BenchmarkSend(b *testing.B) {
	adaptertest.BenchSend(b, newChannel(b, smtptest.Start(b)), email)
}
