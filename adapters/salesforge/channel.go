package salesforge

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// Mailboxes finds the SMTP settings of the Salesforge mailbox that sends
// as from (the message's From.Address): its server, port, TLS policy and
// credentials, as the mailbox was connected to Salesforge. ok is false for
// an address that is no mailbox of the host's.
type Mailboxes func(from string) (cfg smtp.Config, ok bool)

// MailboxMap is a [Mailboxes] over a fixed map from sending address to
// SMTP settings; addresses are matched without regard to case.
func MailboxMap(m map[string]smtp.Config) Mailboxes {
	byAddr := make(map[string]smtp.Config, len(m))
	for k, v := range m {
		byAddr[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return func(from string) (smtp.Config, bool) {
		c, ok := byAddr[strings.ToLower(strings.TrimSpace(from))]
		return c, ok
	}
}

// Config configures a [Channel].
type Config struct {
	// Mailboxes gives each sending mailbox's SMTP settings. Required. Their
	// Provider, and their Clock and Logger when unset, are the channel's.
	Mailboxes Mailboxes
	// Provider names the provider account in receipts, errors and
	// channel.Info, as the pool's Salesforge mailboxes name theirs.
	// Default [Name].
	Provider string
	// Rate and Burst are what Describe declares (channel.Info). Default
	// none: the mailboxes' own sending limits are the pool's business.
	Rate  rate.Limit
	Burst int
	// Clock dates the emails and receipts. Default timing.RealClock().
	Clock timing.Clock
	// Logger gets the SMTP channel's record per send. Default: discards.
	Logger *slog.Logger
}

// Channel is email through a Salesforge mailbox. Salesforge's public API
// sends only through sequences, so the channel sends over SMTP with the
// mailbox's own credentials (an [smtp.Channel] per send), and Salesforge
// reports what follows (replies, bounces, unsubscribes) through its
// webhooks ([Decoder]). It implements channel.Channel and
// channel.Describer and is safe for concurrent use.
type Channel struct {
	cfg Config
}

var (
	_ channel.Channel   = (*Channel)(nil)
	_ channel.Describer = (*Channel)(nil)
)

// New checks cfg and returns the channel, or a *invalid.FieldError.
func New(cfg Config) (*Channel, error) {
	if cfg.Mailboxes == nil {
		return nil, invalid.Field("salesforge", "Config", "Mailboxes", nil, "required")
	}
	if cfg.Provider == "" {
		cfg.Provider = Name
	}
	if cfg.Clock == nil {
		cfg.Clock = timing.RealClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := channel.CheckInfo(channel.Info{Provider: cfg.Provider, Delivery: channel.AtMostOnce, Rate: cfg.Rate, Burst: cfg.Burst}); err != nil {
		return nil, fmt.Errorf("salesforge: Config: %w", err)
	}
	return &Channel{cfg: cfg}, nil
}

// Kind returns channel.Email.
func (c *Channel) Kind() channel.Kind { return channel.Email }

// Describe names the provider account and declares at-most-once delivery,
// as SMTP allows (see package smtp).
func (c *Channel) Describe() channel.Info {
	return channel.Info{Provider: c.cfg.Provider, Delivery: channel.AtMostOnce, Rate: c.cfg.Rate, Burst: c.cfg.Burst}
}

// Send sends m over SMTP through the Salesforge mailbox m.From.Address
// names. The receipt and the errors are the SMTP channel's (the
// ProviderMessageID is the Message-ID made from the touch ID), with the
// channel's provider name. A message that is not an email, or from an
// address that is no mailbox, is refused with a permanent error before any
// connection.
func (c *Channel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, err
	}
	if m == nil || m.Kind != channel.Email {
		kind := "nil"
		if m != nil {
			kind = string(m.Kind)
		}
		return channel.Receipt{}, c.permanent(fmt.Errorf("salesforge: an email channel got a %s message", kind))
	}
	sc, ok := c.cfg.Mailboxes(m.From.Address)
	if !ok {
		return channel.Receipt{}, c.permanent(&channel.ValidationError{Field: "From.Address", Value: m.From.Address,
			Reason: "not a Salesforge mailbox of this channel"})
	}
	sc.Provider = c.cfg.Provider
	if sc.Clock == nil {
		sc.Clock = c.cfg.Clock
	}
	if sc.Logger == nil {
		sc.Logger = c.cfg.Logger
	}
	ch, err := smtp.New(sc)
	if err != nil {
		return channel.Receipt{}, c.permanent(fmt.Errorf("salesforge: mailbox %s: %w", m.From.Address, err))
	}
	return ch.Send(ctx, m)
}

func (c *Channel) permanent(err error) error {
	return &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: err}
}
