package smtp_test

import (
	"slices"
	"testing"
	"time"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/channel"
)

// control drives the test server for the conformance suite. SMTP has no
// rate-limit answer with a delay and no opt-out answer.
type control struct{ srv *smtptest.Server }

func (c control) Fail(f adaptertest.Failure, _ time.Duration) {
	switch f {
	case adaptertest.FailRejected:
		c.srv.Fail(smtptest.StageRcpt, 550, "5.1.1", "no such user")
	case adaptertest.FailUnavailable:
		c.srv.Fail(smtptest.StageMail, 451, "4.3.0", "try again later")
	case adaptertest.FailHang:
		c.srv.Hang(smtptest.StageMail)
	}
}

func (c control) Supports(f adaptertest.Failure) bool {
	return f != adaptertest.FailRateLimited && f != adaptertest.FailOptedOut
}

// Delivered counts the messages the server took for the key's recipient.
func (c control) Delivered(key string) int {
	n := 0
	for _, m := range c.srv.Messages() {
		if slices.Contains(m.To, recipientOf(key)) {
			n++
		}
	}
	return n
}

func recipientOf(key string) string { return key + "@buyer.example.org" }

func TestConformance(t *testing.T) {
	adaptertest.RunChannel(t, adaptertest.ChannelHarness{
		New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
			srv := smtptest.Start(t)
			return newChannel(t, srv, func(c *smtp.Config) { c.Timeout = 2 * time.Second }), control{srv}
		},
		Message: func(key string) *channel.Message {
			m := message(key)
			m.To.Email = recipientOf(key)
			return m
		},
	})
}
