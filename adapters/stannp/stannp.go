package stannp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// Stannp's regional API hosts, each with the /v1 prefix.
const (
	// EU is the host for EU and UK accounts.
	EU = "https://api-eu1.stannp.com/v1"
	// US is the host for US and Canadian accounts.
	US = "https://api-us1.stannp.com/v1"
)

// Defaults of [Config].
const (
	// DefaultBaseURL is the EU/UK host.
	DefaultBaseURL = EU
	// DefaultProvider is the provider name receipts and events carry.
	DefaultProvider = "stannp"
	// DefaultPostcardSize is the size postcards are printed at.
	DefaultPostcardSize = "A6"
	// DefaultTimeout bounds one request to Stannp.
	DefaultTimeout = 30 * time.Second
	// DefaultRate and DefaultBurst keep one process under Stannp's
	// documented 300 requests a minute: 5 a second with a burst of 5.
	DefaultRate  rate.Limit = 5
	DefaultBurst            = 5
)

// TagPrefix starts the tag a letter carries its touch ID in: the letter
// is tagged "touch:<touch ID>", and the Decoder reads the touch ID back
// from the mailpiece's tags.
const TagPrefix = "touch:"

// Config configures a [Channel]. APIKey is required; every other field has
// the default its comment names.
type Config struct {
	// APIKey is the account's API key, sent as the user name of HTTP Basic
	// authentication with an empty password (never in the URL). Required;
	// never logged.
	APIKey string
	// BaseURL is the API's root including /v1: EU (default) or US; tests
	// point it at stannptest.Server.URL.
	BaseURL string
	// HTTPClient sends the requests. Default: a new http.Client; each
	// request is bounded by Timeout whatever the client's own timeout.
	HTTPClient *http.Client
	// Timeout bounds each request. Default DefaultTimeout. A request that
	// runs out of it fails retryable; the caller's context ending first
	// returns the context's error.
	Timeout time.Duration
	// Logger receives a record per send (Debug on success, Warn on a
	// failure) with the touch ID, the letter ID and the status; never the
	// key, the address or the content. Default: discards.
	Logger *slog.Logger
	// Provider names the Stannp account ("stannp", "stannp/acme").
	// Default DefaultProvider.
	Provider string
	// Test creates letters in Stannp's test mode: a sample PDF, no charge,
	// nothing posted. Default false.
	Test bool
	// Size is the letter size, "A4" or "US-LETTER". Default: none sent,
	// the account's default.
	Size string
	// Duplex prints on both sides. Default false.
	Duplex bool
	// PostcardSize is a postcard's size: "A6" or "A5" (UK, EU), "4x6",
	// "6x9" or "6x11" (US, CA). Default DefaultPostcardSize.
	PostcardSize string
	// PostcardFront is the front of every postcard whose message names
	// none (channel.MetaPostcardFront): an image or PDF URL, or HTML
	// uploaded as the front's file. Default none: a postcard without a
	// front fails permanently.
	PostcardFront string
	// PostUnverified posts letters whose address Stannp could not verify.
	// Default false: Stannp holds them.
	PostUnverified bool
	// Addons are Stannp's add-on codes (FIRST_CLASS, C4_ENVELOPE…), sent
	// comma-separated. Default none.
	Addons []string
	// Rate and Burst are what Describe declares to the engine for one
	// process. Default DefaultRate and DefaultBurst; a negative Rate
	// declares no limit.
	Rate  rate.Limit
	Burst int
	// Now tells the time, to read a Retry-After date. Default the real
	// clock.
	Now func() time.Time
}

// withDefaults returns cfg with its defaults filled in, or the first field
// that is wrong.
func (cfg Config) withDefaults() (Config, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return cfg, invalid.Field("stannp", "Config", "APIKey", "", "required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return cfg, invalid.Field("stannp", "Config", "BaseURL", cfg.BaseURL, "not an http(s) URL")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Timeout < 0 {
		return cfg, invalid.Field("stannp", "Config", "Timeout", cfg.Timeout, "negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Provider == "" {
		cfg.Provider = DefaultProvider
	}
	switch cfg.Size {
	case "", "A4", "US-LETTER":
	default:
		return cfg, invalid.Field("stannp", "Config", "Size", cfg.Size, `not "A4" or "US-LETTER"`)
	}
	switch cfg.PostcardSize {
	case "":
		cfg.PostcardSize = DefaultPostcardSize
	case "A6", "A5", "4x6", "6x9", "6x11":
	default:
		return cfg, invalid.Field("stannp", "Config", "PostcardSize", cfg.PostcardSize, `not "A6", "A5", "4x6", "6x9" or "6x11"`)
	}
	cfg.Rate, cfg.Burst = adapterkit.Rate(cfg.Rate, cfg.Burst, DefaultRate, DefaultBurst)
	if cfg.Now == nil {
		cfg.Now = timing.RealClock().Now
	}
	return cfg, nil
}

// Channel sends letters through Stannp's POST /letters/create. It is a
// channel.Channel for channel.Mail and a channel.Describer declaring
// at-most-once delivery. It is not a channel.Reconciler: Stannp documents
// no way to find a letter by a client reference, so the engine marks a
// send whose outcome it cannot confirm uncertain and does not send it
// again. It is safe for concurrent use.
type Channel struct {
	cfg Config
}

var (
	_ channel.Channel   = (*Channel)(nil)
	_ channel.Describer = (*Channel)(nil)
)

// New returns the channel cfg describes, or a *invalid.FieldError naming
// the first missing or bad field of cfg.
func New(cfg Config) (*Channel, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Channel{cfg: cfg}, nil
}

// Kind returns channel.Mail.
func (c *Channel) Kind() channel.Kind { return channel.Mail }

// Describe tells the engine the account, at-most-once delivery and the
// rate. Send passes the touch ID as Stannp's idempotency_key, but what
// Stannp does with it is not established well enough to let the engine
// send again on its strength.
func (c *Channel) Describe() channel.Info {
	return channel.Info{Provider: c.cfg.Provider, Delivery: channel.AtMostOnce, Rate: c.cfg.Rate, Burst: c.cfg.Burst}
}

// envelope is Stannp's answer: {"success":true,"data":{…}} or
// {"success":false,"error":"…"}.
type envelope struct {
	Success bool            `json:"success"`
	Data    json.RawMessage `json:"data"`
	Error   json.RawMessage `json:"error"`
}

// letter is the part of a created letter the adapter reads.
type letter struct {
	ID      flexString `json:"id"`
	Created string     `json:"created"`
}

// flexString reads a JSON string or number as a string.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("neither a string nor a number")
	}
	*f = flexString(n.String())
	return nil
}

// Send creates a letter to m.To (name and postal address) with m.HTML (or
// m.Body rendered as HTML) as its file, tagged with the touch ID and
// carrying it as idempotency_key. A message that is not a valid letter
// fails permanently before anything is sent. Stannp's answers are
// classified as the package documentation says; a context that ends
// returns its error.
func (c *Channel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, fmt.Errorf("stannp: send: %w", err)
	}
	path, body, ctype, err := c.createBody(m)
	if err != nil {
		return channel.Receipt{}, &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: err}
	}
	log := c.cfg.Logger.With(slog.String("provider", c.cfg.Provider), slog.String("touch", m.IdempotencyKey),
		slog.String("piece", string(m.ResolvedAction())))
	l, err := c.create(ctx, path, body, ctype)
	if err != nil {
		log.LogAttrs(ctx, slog.LevelWarn, "stannp: mail piece not created", errAttrs(err)...)
		return channel.Receipt{}, fmt.Errorf("stannp: send %s: %w", m.IdempotencyKey, err)
	}
	log.LogAttrs(ctx, slog.LevelDebug, "stannp: mail piece created", slog.String("id", string(l.ID)))
	rc := channel.Receipt{Provider: c.cfg.Provider, ProviderMessageID: string(l.ID), Status: channel.StatusAccepted}
	if t, ok := parseTime(l.Created); ok {
		rc.At = t
	}
	return rc, nil
}

// errAttrs are the log attributes of a failure: class and status.
func errAttrs(err error) []slog.Attr {
	attrs := []slog.Attr{slog.String("class", channel.Classify(err).String())}
	var ae *APIError
	if errors.As(err, &ae) {
		attrs = append(attrs, slog.Int("status", ae.StatusCode))
		if ae.Field != "" {
			attrs = append(attrs, slog.String("field", ae.Field))
		}
	}
	return attrs
}

// create posts one piece to path (/letters/create, /postcards/create) and
// reads the piece Stannp made.
func (c *Channel) create(ctx context.Context, path string, body []byte, ctype string) (letter, error) {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return letter{}, &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: fmt.Errorf("stannp: request: %w", err)}
	}
	req.SetBasicAuth(c.cfg.APIKey, "")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", ctype)
	res, raw, err := adapterkit.Exchange(ctx, c.cfg.HTTPClient, req, c.cfg.Provider, 1<<20, nil) // each send is logged once it is done
	if err != nil {
		return letter{}, err
	}
	var env envelope
	perr := json.Unmarshal(raw, &env)
	// A 409 is Stannp's answer to an idempotency_key it has seen: the body
	// is the original letter's.
	if (res.StatusCode/100 == 2 || res.StatusCode == http.StatusConflict) && perr == nil && env.Success {
		var l letter
		if err := json.Unmarshal(env.Data, &l); err == nil && l.ID != "" {
			return l, nil
		}
		perr = fmt.Errorf("no letter id in data")
	}
	if res.StatusCode/100 == 2 {
		if perr == nil {
			// 200 with success false: a refusal in a 2xx.
			return letter{}, classify(c.cfg.Provider, http.StatusBadRequest, res.Header, raw, c.cfg.Now())
		}
		// Stannp took the request but its answer is unreadable: the letter
		// may exist, so this is not permanent.
		return letter{}, &channel.Error{Class: channel.ClassRetryable, Provider: c.cfg.Provider,
			Err: fmt.Errorf("stannp: %d answer does not parse: %w", res.StatusCode, perr)}
	}
	return letter{}, classify(c.cfg.Provider, res.StatusCode, res.Header, raw, c.cfg.Now())
}

// parseTime reads Stannp's timestamps: RFC 3339, or "2006-01-02 15:04:05"
// taken as UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.DateTime, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}
