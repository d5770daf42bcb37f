package smtp_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
)

// BenchmarkSend: emails per second to an in-process SMTP server on
// loopback, one connection per send.
func BenchmarkSend(b *testing.B) {
	adaptertest.BenchSend(b, newChannel(b, smtptest.Start(b), nil), message)
}
