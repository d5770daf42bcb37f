package lob

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// Defaults of [Config].
const (
	// DefaultBaseURL is Lob's API, version 1.
	DefaultBaseURL = "https://api.lob.com/v1"
	// DefaultProvider is the provider name receipts and events carry.
	DefaultProvider = "lob"
	// DefaultTimeout bounds one request to Lob.
	DefaultTimeout = 30 * time.Second
	// DefaultUseType is the use_type letters are created with: outreach is
	// marketing mail.
	DefaultUseType = "marketing"
	// DefaultPostcardSize is the size postcards are printed at.
	DefaultPostcardSize = "4x6"
	// DefaultRate and DefaultBurst keep one process under Lob's documented
	// limit of 150 requests in 5 seconds per endpoint and API key: a bucket
	// of 25 refilled at 25 a second lets at most 150 through in any 5
	// seconds.
	DefaultRate  rate.Limit = 25
	DefaultBurst            = 25
)

// MetadataTouch is the metadata key a letter carries the touch ID (the
// message's idempotency key) under. Lookup finds letters by it and the
// Decoder reads it back into channel.Event.IdempotencyKey.
const MetadataTouch = "touch"

// maxFile is the longest HTML string Lob takes as a letter's file.
const maxFile = 10000

// Config configures a [Channel]. APIKey is required; every other field has
// the default its comment names.
type Config struct {
	// APIKey is the secret key (test_… or live_…), sent as the user name of
	// HTTP Basic authentication with an empty password. Required; never
	// logged.
	APIKey string
	// BaseURL is the API's root, up to and including the version. Default
	// DefaultBaseURL; tests point it at lobtest.Server.URL.
	BaseURL string
	// HTTPClient sends the requests. Default: a new http.Client; each
	// request is bounded by Timeout whatever the client's own timeout.
	HTTPClient *http.Client
	// Timeout bounds each request. Default DefaultTimeout (30 s). A request
	// that runs out of it fails retryable; the caller's context ending
	// first returns the context's error.
	Timeout time.Duration
	// Logger receives a record per send (Debug on success, Warn on a
	// failure) with the touch ID, the letter ID, the status and Lob's error
	// code; never the key, the address or the content. Default: discards.
	Logger *slog.Logger
	// Provider names the Lob account, as the pool's resources name theirs
	// ("lob", or "lob/acme" for one of several). Default DefaultProvider.
	Provider string
	// UseType is the letter's use_type, "marketing" or "operational".
	// Default DefaultUseType.
	UseType string
	// Color prints the letter in colour. Default false (black and white).
	Color bool
	// PostcardSize is a postcard's size: "4x6", "6x9" or "6x11" (Lob
	// sends only 4x6 abroad). Default DefaultPostcardSize.
	PostcardSize string
	// PostcardFront is the front of every postcard whose message names
	// none (channel.MetaPostcardFront): HTML under 10,000 characters, a
	// template ID (tmpl_…) or an image URL. Default none: a postcard
	// without a front fails permanently.
	PostcardFront string
	// LobVersion, when set, is sent as the Lob-Version header. Default
	// none: the account's version.
	LobVersion string
	// Rate and Burst are what Describe declares to the engine for one
	// process. Default DefaultRate and DefaultBurst; a negative Rate
	// declares no limit.
	Rate  rate.Limit
	Burst int
	// Now tells the time, to read a rate limit's reset instant. Default the
	// real clock (timing.RealClock).
	Now func() time.Time
}

// withDefaults returns cfg with its defaults filled in, or the first field
// that is wrong.
func (cfg Config) withDefaults() (Config, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return cfg, invalid.Field("lob", "Config", "APIKey", "", "required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return cfg, invalid.Field("lob", "Config", "BaseURL", cfg.BaseURL, "not an http(s) URL")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Timeout < 0 {
		return cfg, invalid.Field("lob", "Config", "Timeout", cfg.Timeout, "negative")
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
	switch cfg.UseType {
	case "":
		cfg.UseType = DefaultUseType
	case "marketing", "operational":
	default:
		return cfg, invalid.Field("lob", "Config", "UseType", cfg.UseType, `not "marketing" or "operational"`)
	}
	switch cfg.PostcardSize {
	case "":
		cfg.PostcardSize = DefaultPostcardSize
	case "4x6", "6x9", "6x11":
	default:
		return cfg, invalid.Field("lob", "Config", "PostcardSize", cfg.PostcardSize, `not "4x6", "6x9" or "6x11"`)
	}
	cfg.Rate, cfg.Burst = adapterkit.Rate(cfg.Rate, cfg.Burst, DefaultRate, DefaultBurst)
	if cfg.Now == nil {
		cfg.Now = timing.RealClock().Now
	}
	return cfg, nil
}

// Channel sends letters and postcards through Lob's letters and postcards
// endpoints. It is a
// channel.Channel for channel.Mail, a channel.Describer declaring
// at-least-once delivery (Lob honours Idempotency-Key) and a
// channel.Reconciler (it finds a letter by the touch ID in its metadata).
// It is safe for concurrent use.
type Channel struct {
	cfg Config
}

var (
	_ channel.Channel    = (*Channel)(nil)
	_ channel.Describer  = (*Channel)(nil)
	_ channel.Reconciler = (*Channel)(nil)
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

// Describe tells the engine the account, at-least-once delivery (Lob keeps
// an idempotency key 24 hours and answers a repeat with the letter it
// made) and the rate.
func (c *Channel) Describe() channel.Info {
	return channel.Info{Provider: c.cfg.Provider, Delivery: channel.AtLeastOnce, Rate: c.cfg.Rate, Burst: c.cfg.Burst}
}

// letter is the part of Lob's letter object the adapter reads.
type letter struct {
	ID          string            `json:"id"`
	DateCreated string            `json:"date_created"`
	Metadata    map[string]string `json:"metadata"`
	Deleted     bool              `json:"deleted"`
}

// receipt turns a letter into a receipt.
func (c *Channel) receipt(l letter) channel.Receipt {
	rc := channel.Receipt{Provider: c.cfg.Provider, ProviderMessageID: l.ID, Status: channel.StatusAccepted}
	if t, err := time.Parse(time.RFC3339Nano, l.DateCreated); err == nil {
		rc.At = t.UTC()
	}
	return rc
}

// Send creates a letter (POST /letters) or, for channel.ActionPostcard, a
// postcard (POST /postcards) to m.To.Postal from the Lob address ID in
// m.From.Address, with m.HTML (or m.Body as escaped HTML) as the letter's
// file or the postcard's back (its front from
// m.Metadata[channel.MetaPostcardFront], else Config.PostcardFront), and
// m.Metadata plus the touch ID as its metadata, under Idempotency-Key
// m.IdempotencyKey. A message that is not a valid piece fails permanently
// before anything is sent. Lob's answers are classified as the package
// documentation says; a context that ends returns its error.
func (c *Channel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, fmt.Errorf("lob: send: %w", err)
	}
	path, body, err := c.createBody(m)
	if err != nil {
		return channel.Receipt{}, &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: err}
	}
	var l letter
	err = c.do(ctx, http.MethodPost, path, nil, body, m.IdempotencyKey, &l)
	log := c.cfg.Logger.With(slog.String("provider", c.cfg.Provider), slog.String("touch", m.IdempotencyKey),
		slog.String("piece", string(m.ResolvedAction())))
	if err != nil {
		log.LogAttrs(ctx, slog.LevelWarn, "lob: mail piece not created", errAttrs(err)...)
		return channel.Receipt{}, fmt.Errorf("lob: send %s: %w", m.IdempotencyKey, err)
	}
	log.LogAttrs(ctx, slog.LevelDebug, "lob: mail piece created", slog.String("id", l.ID))
	return c.receipt(l), nil
}

// errAttrs are the log attributes of a failure: its class, status and
// code, never a body or a header.
func errAttrs(err error) []slog.Attr {
	attrs := []slog.Attr{slog.String("class", channel.Classify(err).String())}
	var ae *APIError
	if errors.As(err, &ae) {
		attrs = append(attrs, slog.Int("status", ae.StatusCode), slog.String("code", ae.Code))
		if ae.Field != "" {
			attrs = append(attrs, slog.String("field", ae.Field))
		}
	}
	return attrs
}

// do sends one request to Lob and decodes a 2xx answer into out, or
// returns the answer classified: an *APIError wrapped in a *channel.Error,
// a transport failure wrapped retryable, or the context's error.
func (c *Channel) do(ctx context.Context, method, path string, query url.Values, body []byte, key string, out any) error {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := c.cfg.BaseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(rctx, method, u, rd)
	if err != nil {
		return &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: fmt.Errorf("lob: request: %w", err)}
	}
	req.SetBasicAuth(c.cfg.APIKey, "")
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if c.cfg.LobVersion != "" {
		req.Header.Set("Lob-Version", c.cfg.LobVersion)
	}
	res, raw, err := adapterkit.Exchange(ctx, c.cfg.HTTPClient, req, c.cfg.Provider, 1<<20, nil) // each send is logged once it is done
	if err != nil {
		// The request may have reached Lob; a retry with the same key is
		// safe.
		return err
	}
	if res.StatusCode/100 != 2 {
		return classify(c.cfg.Provider, res, raw, c.cfg.Now())
	}
	if err := json.Unmarshal(raw, out); err != nil {
		// Lob took the request but its answer is unreadable: asking again
		// with the same key returns the same letter.
		return &channel.Error{Class: channel.ClassRetryable, Provider: c.cfg.Provider,
			Err: fmt.Errorf("lob: %s %s: %d answer does not parse: %w", method, path, res.StatusCode, err)}
	}
	return nil
}
