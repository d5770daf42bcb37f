package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// DefaultProvider is the provider name receipts and events carry when
// Config.Provider is empty.
const DefaultProvider = "smtp"

// ErrInvalid is matched by errors.Is for every bad-input error of this
// package: a Config that cannot work, a message Send refuses, an inbound
// message ParseInbound cannot read. It is the module's one bad-input error.
var ErrInvalid = invalid.ErrInvalid

// ErrUncertain marks a Send whose connection failed after the whole message
// and its terminating dot may have reached the server, before the server's
// answer came back: the server may have queued the message. Such an error
// carries no class on purpose, so that an at-most-once engine does not send
// the message again blindly (see the package documentation).
var ErrUncertain = errors.New("smtp: connection lost after the message was handed over; it may have been delivered")

// TLSPolicy says how a connection to the server is secured.
type TLSPolicy uint8

// The TLS policies.
const (
	// TLSMandatory: STARTTLS on a plain connection, and fail without it.
	// The default, for a submission port (587).
	TLSMandatory TLSPolicy = iota
	// TLSOpportunistic: STARTTLS when the server offers it, plain text
	// otherwise. Credentials are then only sent where the server offers a
	// mechanism that is safe in plain text.
	TLSOpportunistic
	// TLSImplicit: TLS from the first byte (SMTPS, port 465).
	TLSImplicit
	// TLSNone: plain text throughout. Only for a relay on the same host or
	// a test server.
	TLSNone
)

// String returns the policy's name.
func (p TLSPolicy) String() string {
	switch p {
	case TLSMandatory:
		return "mandatory"
	case TLSOpportunistic:
		return "opportunistic"
	case TLSImplicit:
		return "implicit"
	case TLSNone:
		return "none"
	}
	return fmt.Sprintf("TLSPolicy(%d)", uint8(p))
}

// Config configures a Channel. The zero value of each field but Host is
// its default.
type Config struct {
	// Host is the SMTP server's host name or IP address. Required.
	Host string
	// Port is the server's port. Default 587, or 465 with TLSImplicit.
	Port int
	// Username and Password authenticate the session (the server's best
	// mechanism among those go-mail supports, chosen from what it
	// advertises). No authentication when Username is empty. Neither is
	// ever logged.
	Username string
	Password string
	// TLS is the TLS policy. Default TLSMandatory.
	TLS TLSPolicy
	// TLSConfig is the TLS client configuration for STARTTLS and implicit
	// TLS. Default: the system roots, TLS 1.2 at least, ServerName Host.
	TLSConfig *tls.Config
	// HELO is the name the client gives in EHLO/HELO. Default: the host
	// name the operating system reports, or "localhost" when it reports
	// none. Many receiving servers check it; set it to the sending host's
	// name in DNS.
	HELO string
	// Timeout bounds the connection and each step of the SMTP conversation
	// (dial, greeting, each command, the message data). Default 30 seconds.
	// The context given to Send bounds the whole send as well.
	Timeout time.Duration
	// MessageIDDomain is the right-hand side of the Message-IDs the channel
	// makes. Default: the domain of the message's sender address.
	MessageIDDomain string
	// Provider names the provider account in receipts and in Describe:
	// "smtp", or "smtp/<account>" when a deployment has several servers.
	// Default DefaultProvider.
	Provider string
	// Rate and Burst are what Describe declares of the server's rate limit
	// (see channel.Info). Default none.
	Rate  rate.Limit
	Burst int
	// Rules are the message validation rules a message must pass before
	// it is sent (channel.Rules; zero: the defaults). A message that fails
	// them is refused with a permanent error, as a provider refuses a
	// malformed request.
	Rules channel.Rules
	// Clock gives the Date header and the receipt's time. Default
	// timing.RealClock().
	Clock timing.Clock
	// Logger gets one record per send: the touch ID, the Message-ID, the
	// recipient's domain and the outcome. Default: discard.
	Logger *slog.Logger
}

const defaultTimeout = 30 * time.Second

// withDefaults returns a copy of c with every zero field set to its
// default, or the first field that cannot work.
func (c Config) withDefaults() (Config, error) {
	if strings.TrimSpace(c.Host) == "" {
		return c, invalid.Field("smtp", "Config", "Host", c.Host, "is required")
	}
	if c.TLS > TLSNone {
		return c, invalid.Field("smtp", "Config", "TLS", c.TLS, "unknown TLS policy")
	}
	if c.Port < 0 || c.Port > 65535 {
		return c, invalid.Field("smtp", "Config", "Port", c.Port, "must be between 1 and 65535")
	}
	if c.Port == 0 {
		c.Port = 587
		if c.TLS == TLSImplicit {
			c.Port = 465
		}
	}
	if c.Timeout < 0 {
		return c, invalid.Field("smtp", "Config", "Timeout", c.Timeout, "must not be negative")
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.Password != "" && c.Username == "" {
		return c, invalid.Field("smtp", "Config", "Username", "", "is required with a Password")
	}
	if strings.ContainsAny(c.MessageIDDomain, "<>@ \t\r\n") {
		return c, invalid.Field("smtp", "Config", "MessageIDDomain", c.MessageIDDomain, "must be a bare domain")
	}
	if c.HELO == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			c.HELO = h
		} else {
			c.HELO = "localhost"
		}
	}
	if c.Provider == "" {
		c.Provider = DefaultProvider
	}
	if c.Clock == nil {
		c.Clock = timing.RealClock()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.TLSConfig == nil {
		c.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		c.TLSConfig = c.TLSConfig.Clone()
	}
	if c.TLSConfig.ServerName == "" {
		c.TLSConfig.ServerName = c.Host
	}
	return c, nil
}

// Channel sends email over SMTP, one message and one connection per Send.
// It implements channel.Channel for channel.Email and channel.Describer,
// and is safe for concurrent use.
type Channel struct {
	cfg Config
}

var (
	_ channel.Channel   = (*Channel)(nil)
	_ channel.Describer = (*Channel)(nil)
)

// New returns a Channel for cfg, or an error matching ErrInvalid naming the
// first field that cannot work.
func New(cfg Config) (*Channel, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	info := channel.Info{Provider: c.Provider, Delivery: channel.AtMostOnce, Rate: c.Rate, Burst: c.Burst}
	if err := channel.CheckInfo(info); err != nil {
		return nil, fmt.Errorf("smtp: Config: %w", err)
	}
	return &Channel{cfg: c}, nil
}

// Kind returns channel.Email.
func (c *Channel) Kind() channel.Kind { return channel.Email }

// Describe declares the provider account, at-most-once delivery and the
// configured rate. SMTP takes no idempotency key, and a connection lost
// after the message data may have delivered it, so a Send must not be
// repeated blindly; there is no Reconciler either, since a server keeps no
// record a client could look a message up in.
func (c *Channel) Describe() channel.Info {
	return channel.Info{Provider: c.cfg.Provider, Delivery: channel.AtMostOnce, Rate: c.cfg.Rate, Burst: c.cfg.Burst}
}

// Send validates m, builds the email and hands it to the server over a new
// connection. It returns a receipt whose ProviderMessageID is the
// Message-ID (angle brackets included), the same for every Send of the
// same m.IdempotencyKey.
//
// Failures are classified: a 5xx answer is channel.Permanent, a 4xx answer
// and a connection that failed before the message was handed over are
// channel.Retryable, a message Send refuses to build is channel.Permanent
// and matches ErrInvalid. A connection lost after the message was handed
// over returns an unclassified error matching ErrUncertain. When ctx ends
// first, the error matches ctx.Err() with errors.Is (classified retryable
// unless the message may have been handed over).
func (c *Channel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, err
	}
	msg, id, err := c.build(m)
	if err != nil {
		return channel.Receipt{}, c.classified(channel.Permanent(err), "")
	}
	log := c.cfg.Logger.With("provider", c.cfg.Provider, "touch", m.IdempotencyKey, "message_id", id, "rcpt_domain", domainOf(m.To.Email))

	conns := &connGuard{}
	defer conns.release()
	client, err := mail.NewClient(c.cfg.Host, c.clientOptions(ctx, conns)...)
	if err != nil {
		return channel.Receipt{}, c.classified(channel.Permanent(fmt.Errorf("smtp: client: %w", err)), "")
	}
	sendErr := client.DialAndSendWithContext(ctx, msg)
	if msg.IsDelivered() {
		// The server accepted the data; a failing RSET or QUIT afterwards
		// changes nothing.
		if sendErr != nil {
			log.DebugContext(ctx, "smtp: error after the message was accepted", "err", sendErr)
		}
		log.InfoContext(ctx, "smtp: sent")
		return channel.Receipt{Provider: c.cfg.Provider, ProviderMessageID: id, Status: channel.StatusAccepted, At: c.cfg.Clock.Now()}, nil
	}
	if sendErr == nil {
		sendErr = errors.New("smtp: the server did not confirm the message")
	}
	err = c.classify(ctx, sendErr)
	log.WarnContext(ctx, "smtp: send failed", "class", channel.Classify(err).String(), "uncertain", errors.Is(err, ErrUncertain), "err", err)
	return channel.Receipt{}, err
}

// clientOptions are the go-mail options for one Send. The dialer ties the
// connection to ctx: when ctx ends the connection is closed, which ends
// whatever step of the conversation is waiting.
func (c *Channel) clientOptions(ctx context.Context, conns *connGuard) []mail.Option {
	cfg := c.cfg
	implicit := cfg.TLS == TLSImplicit
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		if implicit {
			tc := tls.Client(conn, cfg.TLSConfig)
			if err := tc.HandshakeContext(dctx); err != nil {
				_ = conn.Close()
				return nil, err
			}
			conn = tc
		}
		conns.watch(ctx, conn)
		return conn, nil
	}
	policy := mail.TLSMandatory
	switch cfg.TLS {
	case TLSOpportunistic:
		policy = mail.TLSOpportunistic
	case TLSImplicit:
		// The connection is TLS already; go-mail sees it and does not ask
		// for STARTTLS, which an SMTPS server does not offer.
		policy = mail.TLSOpportunistic
	case TLSNone:
		policy = mail.NoTLS
	}
	opts := []mail.Option{
		mail.WithPort(cfg.Port),
		mail.WithTimeout(cfg.Timeout),
		mail.WithHELO(cfg.HELO),
		mail.WithTLSPolicy(policy),
		mail.WithTLSConfig(cfg.TLSConfig),
		mail.WithDialContextFunc(dial),
	}
	if cfg.Username != "" {
		opts = append(opts,
			mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(cfg.Username),
			mail.WithPassword(cfg.Password))
	}
	return opts
}

// connGuard closes a Send's connections when its context ends, and stops
// watching once the Send returns.
type connGuard struct {
	mu    sync.Mutex
	stops []func() bool
}

func (g *connGuard) watch(ctx context.Context, conn net.Conn) {
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	g.mu.Lock()
	g.stops = append(g.stops, stop)
	g.mu.Unlock()
}

func (g *connGuard) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, stop := range g.stops {
		stop()
	}
	g.stops = nil
}

// classified sets the provider on a *channel.Error built by the channel
// package's constructors, and its code.
func (c *Channel) classified(err error, code string) error {
	var ce *channel.Error
	if errors.As(err, &ce) {
		ce.Provider = c.cfg.Provider
		ce.Code = code
	}
	return err
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}
