package twilio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// Defaults of [Config].
const (
	DefaultBaseURL  = "https://api.twilio.com"
	DefaultProvider = "twilio"
	DefaultTimeout  = 30 * time.Second
	// DefaultRateLimitWait is how long a request refused with 20429 waits
	// when Twilio names no delay: Twilio says such a request was never
	// processed and is safe to send again.
	DefaultRateLimitWait = 5 * time.Second
	// DefaultRate and DefaultBurst are what each channel declares: Twilio
	// publishes a concurrency, not a rate; a long code sends about one
	// message a second.
	DefaultRate  rate.Limit = 1
	DefaultBurst            = 1
	// DefaultMachineDetection is the answering-machine detection calls are
	// placed with: wait for the greeting's end, so that a voicemail message
	// lands after the beep.
	DefaultMachineDetection = "DetectMessageEnd"
)

// Twilio's error codes the adapter acts on.
const (
	CodeRateLimited        = 20429 // too many requests: never processed, safe to retry
	CodeOptedOut           = 21610 // the recipient texted STOP to this sender
	CodeInvalidTo          = 21211 // not a valid phone number
	CodeNotMobile          = 21614 // not a mobile number
	CodeUnreachable        = 30003 // the handset is off or out of coverage
	CodeBlocked            = 30004 // the recipient blocks this sender
	CodeUnknownDestination = 30005 // the number does not exist
	CodeLandline           = 30006 // a landline, or a carrier that takes no texts
	CodeCarrierFiltered    = 30007 // the carrier filtered it (spam-like)
)

// Config configures a [Client].
type Config struct {
	// AccountSID is the account (AC…), the user of HTTP Basic
	// authentication unless APIKeySID is set. Required.
	AccountSID string
	// AuthToken is the account's auth token, the password of HTTP Basic
	// authentication unless an API key is set. It also signs the callbacks
	// (see VerifierConfig). Required unless APIKeySID and APIKeySecret
	// are; never logged.
	AuthToken string
	// APIKeySID and APIKeySecret, when set, authenticate the requests
	// instead of the auth token (SK…).
	APIKeySID, APIKeySecret string

	// MessagingServiceSID, when set, sends texts through the Messaging
	// Service (its sender pool, its opt-out handling) rather than from
	// the pool's number alone; From is still sent.
	MessagingServiceSID string
	// SMSStatusURL is the public URL of the text status callbacks (the
	// host's "/webhooks/twilio/sms-status"). Empty: none is asked for,
	// and delivery and failures of texts are never known.
	SMSStatusURL string
	// VoiceURL is the public URL Twilio fetches a call's instructions
	// from once it connects: the host mounts [TwiML] there. Required to
	// place calls.
	VoiceURL string
	// VoiceStatusURL is the public URL of the call status callbacks
	// ("/webhooks/twilio/voice-status"). Empty: a call's outcome is never
	// known.
	VoiceStatusURL string
	// RecordingURL is the public URL of the recording status callbacks
	// ("/webhooks/twilio/recording"). With it, calls are recorded.
	RecordingURL string
	// MachineDetection is the answering-machine detection of calls:
	// "DetectMessageEnd" (default), "Enable", or "off".
	MachineDetection string
	// InboundSMSURL is what a number bought by [Client.Purchase] sends
	// received texts to ("/webhooks/twilio/sms"); its calls' status
	// callbacks go to VoiceStatusURL.
	InboundSMSURL string
	// Numbers says which numbers Purchase buys.
	Numbers NumberSearch

	// BaseURL is Twilio's API root. Default DefaultBaseURL (or the host
	// twilio-go builds from TWILIO_EDGE and TWILIO_REGION).
	BaseURL string
	// HTTPClient sends the requests. Default a new client; Timeout bounds
	// each request.
	HTTPClient *http.Client
	Timeout    time.Duration
	// Provider names the account. Default DefaultProvider.
	Provider string
	// Rate and Burst are what each channel declares. Default DefaultRate
	// and DefaultBurst; a negative Rate declares no limit.
	Rate  rate.Limit
	Burst int
	// Now tells the time. Default the real clock.
	Now func() time.Time
	// Logger hears of refused and unanswered requests (method, path,
	// status, Twilio's code); never a credential, a number or a body.
	// Default: discards.
	Logger *slog.Logger
}

// NumberSearch says which numbers [Client.Purchase] looks for
// (AvailablePhoneNumbers/{Country}/{Type}).
type NumberSearch struct {
	// Country is the ISO country (default "AU"), Type the kind of number:
	// "Mobile", "Local" or "TollFree". Default "Local" in the United States
	// and Canada, where texts go from local numbers, "Mobile" elsewhere
	// (an Australian local number takes no texts).
	Country, Type string
	// AreaCode narrows the search (US and Canada), Contains to a pattern
	// ("61255*").
	AreaCode, Contains string
	// BundleSID and AddressSID are the regulatory bundle and the address
	// the country requires of a buyer (Australia does), handed to each
	// purchase.
	BundleSID, AddressSID string
}

func (c Config) withDefaults() (Config, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("twilio", "Config", field, v, reason)
	}
	alnum := func(s string) bool {
		for _, r := range s {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
				return false
			}
		}
		return true
	}
	switch {
	case !strings.HasPrefix(c.AccountSID, "AC") || !alnum(c.AccountSID):
		return c, bad("AccountSID", c.AccountSID, "an account SID (AC…) is required")
	case (c.APIKeySID == "") != (c.APIKeySecret == ""):
		return c, bad("APIKeySID", c.APIKeySID, "an API key needs both its SID and its secret")
	case c.APIKeySID == "" && strings.TrimSpace(c.AuthToken) == "":
		return c, bad("AuthToken", "", "required (or an API key)")
	case !alnum(c.AuthToken) || !alnum(c.APIKeySID) || !alnum(c.APIKeySecret):
		return c, bad("AuthToken", "(hidden)", "credentials are letters and digits only")
	case c.Timeout < 0:
		return c, bad("Timeout", c.Timeout, "negative")
	}
	switch c.MachineDetection {
	case "":
		c.MachineDetection = DefaultMachineDetection
	case "DetectMessageEnd", "Enable", "off":
	default:
		return c, bad("MachineDetection", c.MachineDetection, `"DetectMessageEnd", "Enable" or "off"`)
	}
	for _, u := range []struct{ field, v string }{
		{"SMSStatusURL", c.SMSStatusURL}, {"VoiceURL", c.VoiceURL}, {"VoiceStatusURL", c.VoiceStatusURL},
		{"RecordingURL", c.RecordingURL}, {"InboundSMSURL", c.InboundSMSURL},
	} {
		if u.v == "" {
			continue
		}
		if p, err := url.Parse(u.v); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return c, bad(u.field, u.v, "not an absolute http(s) URL")
		}
	}
	if c.Numbers.Country == "" {
		c.Numbers.Country = "AU"
	}
	if len(c.Numbers.Country) != 2 {
		return c, bad("Numbers.Country", c.Numbers.Country, "an ISO 3166 country code of two letters")
	}
	c.Numbers.Country = strings.ToUpper(c.Numbers.Country)
	switch c.Numbers.Type {
	case "":
		// Texts go from mobile numbers in most countries; from local
		// ones in the United States and Canada.
		c.Numbers.Type = "Mobile"
		if c.Numbers.Country == "US" || c.Numbers.Country == "CA" {
			c.Numbers.Type = "Local"
		}
	case "Local", "Mobile", "TollFree":
	default:
		return c, bad("Numbers.Type", c.Numbers.Type, `"Mobile", "Local" or "TollFree"`)
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, bad("BaseURL", c.BaseURL, "not an http(s) URL")
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if c.Provider == "" {
		c.Provider = DefaultProvider
	}
	c.Rate, c.Burst = adapterkit.Rate(c.Rate, c.Burst, DefaultRate, DefaultBurst)
	if c.Now == nil {
		c.Now = timing.RealClock().Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Client is one Twilio account: its texts ([Client.SMS]), its calls
// ([Client.Voice]), its recordings ([Client.Recording]) and its numbers
// ([Client.Purchase], [Client.Release]). It is safe for concurrent use.
type Client struct{ cfg Config }

// New checks cfg and returns the client, or a *invalid.FieldError.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg}, nil
}

// api is twilio-go's v2010 API whose requests go through this client's
// transport, bound to ctx (twilio-go takes no context).
func (c *Client) api(ctx context.Context) *openapi.ApiService {
	return openapi.NewApiServiceWithClient(&transport{ctx: ctx, c: c})
}

// transport is twilio-go's client.BaseClient: it sends twilio-go's
// requests with the request's context, to BaseURL when one is set, and
// turns Twilio's refusals into *channel.Error wrapping
// *client.TwilioRestError.
type transport struct {
	ctx context.Context
	c   *Client
}

var _ client.BaseClient = (*transport)(nil)

func (t *transport) AccountSid() string         { return t.c.cfg.AccountSID }
func (t *transport) SetTimeout(time.Duration)   {}
func (t *transport) SetOauth(client.OAuth)      {}
func (t *transport) OAuth() client.OAuth        { return nil }
func (t *transport) provider() string           { return t.c.cfg.Provider }
func (t *transport) logger() *slog.Logger       { return t.c.cfg.Logger }
func (t *transport) credentials() (u, p string) { return t.c.credentials() }

// SendRequest implements client.BaseClient.
func (t *transport) SendRequest(method, rawURL string, data url.Values, headers map[string]any, body ...byte) (*http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &channel.Error{Class: channel.ClassPermanent, Provider: t.provider(), Err: err}
	}
	t.c.rebase(u)
	var rd io.Reader
	switch method {
	case http.MethodGet, http.MethodDelete:
		if len(data) > 0 {
			u.RawQuery = data.Encode()
		}
	default:
		rd = strings.NewReader(data.Encode())
	}
	ctx, cancel := context.WithTimeout(t.ctx, t.c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, &channel.Error{Class: channel.ClassPermanent, Provider: t.provider(), Err: err}
	}
	req.SetBasicAuth(t.credentials())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "outbound-twilio twilio-go/"+client.LibraryVersion)
	if rd != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range headers {
		if k != "Content-Type" {
			req.Header.Set(k, fmt.Sprint(v))
		}
	}
	res, raw, err := adapterkit.Exchange(t.ctx, t.c.cfg.HTTPClient, req, t.provider(), 8<<20, t.logger())
	if err != nil {
		return nil, err
	}
	if res.StatusCode < 200 || res.StatusCode >= 400 {
		ce := t.c.classify(res, raw)
		t.logger().WarnContext(t.ctx, "twilio: request refused", "method", method, "path", u.Path, "status", res.StatusCode, "code", ce.Code)
		return nil, ce
	}
	res.Body = io.NopCloser(strings.NewReader(string(raw)))
	return res, nil
}

// rebase points u, a URL at Twilio, at Config.BaseURL when one is set (a
// fake, in tests): its scheme and host, its path before u's.
func (c *Client) rebase(u *url.URL) {
	if c.cfg.BaseURL == "" {
		return
	}
	b, _ := url.Parse(c.cfg.BaseURL)
	u.Scheme, u.Host = b.Scheme, b.Host
	u.Path = strings.TrimRight(b.Path, "/") + u.Path
}

func (c *Client) credentials() (user, pass string) {
	if c.cfg.APIKeySID != "" {
		return c.cfg.APIKeySID, c.cfg.APIKeySecret
	}
	return c.cfg.AccountSID, c.cfg.AuthToken
}

// classify turns a refusal into the engine's error class: 20429 or a 429
// rate-limited (with Retry-After, else DefaultRateLimitWait); 21610 opted
// out; a 5xx retryable; another 4xx permanent. The *channel.Error wraps
// the *client.TwilioRestError Twilio answered (errors.As finds it).
func (c *Client) classify(res *http.Response, raw []byte) *channel.Error {
	te := &client.TwilioRestError{Status: res.StatusCode}
	if json.Unmarshal(raw, te) != nil || te.Message == "" {
		te.Message = adapterkit.Truncate(strings.TrimSpace(string(raw)), 200)
	}
	te.Status = res.StatusCode
	ce := &channel.Error{Provider: c.cfg.Provider, Err: te}
	if te.Code != 0 {
		ce.Code = strconv.Itoa(te.Code)
	}
	wait := adapterkit.RetryAfter(res.Header.Get("Retry-After"), c.cfg.Now())
	switch {
	case te.Code == CodeRateLimited || res.StatusCode == http.StatusTooManyRequests:
		ce.Class, ce.RetryAfter = channel.ClassRateLimited, wait
		if ce.RetryAfter == 0 {
			ce.RetryAfter = DefaultRateLimitWait
		}
	case te.Code == CodeOptedOut:
		ce.Class = channel.ClassOptedOut
	case res.StatusCode >= 500:
		ce.Class, ce.RetryAfter = channel.ClassRetryable, wait
	default:
		ce.Class = channel.ClassPermanent
	}
	return ce
}

// wrap names the operation on an error that came through twilio-go: one
// the transport made is already classified; anything else (an answer that
// does not decode) is retryable.
func (c *Client) wrap(op string, err error) error {
	var ce *channel.Error
	if errors.As(err, &ce) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("twilio: %s: %w", op, err)
	}
	return &channel.Error{Class: channel.ClassRetryable, Provider: c.cfg.Provider,
		Err: fmt.Errorf("twilio: %s: %w: the answer does not parse: %w", op, adapterkit.ErrUnanswered, err)}
}

// info is what the text and call channels declare: at most once, the
// configured rate.
func (c *Client) info() channel.Info {
	return channel.Info{Provider: c.cfg.Provider, Delivery: channel.AtMostOnce, Rate: c.cfg.Rate, Burst: c.cfg.Burst}
}

// send makes one text or call: params checks m (a refusal is permanent,
// nothing sent), create asks Twilio, receipt reads the answer.
func send[P, R any](ctx context.Context, c *Client, m *channel.Message, params func(*channel.Message) (P, error),
	create func(*openapi.ApiService, P) (R, error), receipt func(R) channel.Receipt) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, fmt.Errorf("twilio: send: %w", err)
	}
	p, err := params(m)
	if err != nil {
		return channel.Receipt{}, &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: err}
	}
	r, err := create(c.api(ctx), p)
	if err != nil {
		return channel.Receipt{}, c.wrap("send "+m.IdempotencyKey, err)
	}
	return receipt(r), nil
}

// find is a channel.Finder's search: list gives the newest texts or calls
// from one number to another, fields a record's direction and creation,
// and the first outbound one created at or after q.Since is the send.
func find[R any](ctx context.Context, c *Client, q channel.Sent, list func(api *openapi.ApiService, from, to string) ([]R, error),
	fields func(*R) (direction, created *string), receipt func(*R) channel.Receipt) (channel.Receipt, bool, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, false, fmt.Errorf("twilio: find: %w", err)
	}
	if q.From == "" || q.To == "" {
		return channel.Receipt{}, false, nil
	}
	records, err := list(c.api(ctx), strings.TrimSpace(q.From), strings.TrimSpace(q.To))
	if err != nil {
		return channel.Receipt{}, false, c.wrap("find "+q.IdempotencyKey, err)
	}
	for i := range records {
		dir, created := fields(&records[i])
		if str(dir) != "" && !strings.HasPrefix(str(dir), "outbound") {
			continue
		}
		if at := twilioTime(created); !at.IsZero() && !at.Before(q.Since) {
			return receipt(&records[i]), true, nil
		}
	}
	return channel.Receipt{}, false, nil
}

// withQuery returns raw with its query's key set to value (the fragment,
// Twilio's connection overrides, kept).
func withQuery(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// twilioTime reads Twilio's dates (RFC 1123 with a numeric zone), or zero.
func twilioTime(p *string) time.Time {
	if p == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC1123Z, *p)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
