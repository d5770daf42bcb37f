package vapi

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
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing"
)

// Defaults of [Config].
const (
	DefaultBaseURL  = "https://api.vapi.ai"
	DefaultProvider = "vapi"
	DefaultTimeout  = 30 * time.Second
	// DefaultConcurrencyWait is how long a call refused for the account's
	// concurrent-call limit waits, when Vapi names no delay.
	DefaultConcurrencyWait = 30 * time.Second
	// DefaultRate and DefaultBurst: Vapi publishes no request rate; calls
	// are bounded by the account's concurrent slots (10 by default).
	DefaultRate  rate.Limit = 5
	DefaultBurst            = 5
)

// namePrefix marks the call's name with the touch ID: Vapi takes no
// idempotency key, and Lookup finds a call by its name. A call's name is
// at most 40 characters, so a touch ID of up to 38 fits (the engine's are
// 36).
const (
	namePrefix = "t:"
	maxName    = 40
)

// Config configures a [Channel].
type Config struct {
	// APIKey is the private API key, sent as a bearer token. Required;
	// never logged.
	APIKey string
	// AssistantID is the assistant that makes the calls; or Assistant, an
	// inline (transient) assistant as Vapi's JSON takes it. One of them is
	// required.
	AssistantID string
	Assistant   json.RawMessage
	// PhoneNumbers maps each number calls go out from (E.164, as the
	// pool's phone resources hold them) to its Vapi phone number ID; or
	// PhoneNumberID answers it, for a pool whose numbers change. One of
	// them is required: a call from a number neither knows fails
	// permanently.
	PhoneNumbers  map[string]string
	PhoneNumberID func(number string) (id string, ok bool)
	// VoicemailMessage is what the assistant says to a voicemail box
	// (Vapi's assistantOverrides.voicemailMessage, at most 1,000
	// characters). Empty: the call hangs up on voicemail.
	VoicemailMessage string
	// VoicemailDetection is the assistant's voicemail detection, as Vapi's
	// JSON takes it ("off", or {"provider": "vapi"|"google"|"openai"|
	// "twilio", …}), sent as assistantOverrides.voicemailDetection. Empty:
	// the assistant's own setting.
	VoicemailDetection json.RawMessage
	// BaseURL is Vapi's API root. Default DefaultBaseURL.
	BaseURL string
	// HTTPClient sends the requests. Default a new client; Timeout bounds
	// each request.
	HTTPClient *http.Client
	Timeout    time.Duration
	// Provider names the account. Default DefaultProvider.
	Provider string
	// Rate and Burst are what Describe declares. Default DefaultRate and
	// DefaultBurst; a negative Rate declares no limit.
	Rate  rate.Limit
	Burst int
	// Now tells the time. Default the real clock.
	Now func() time.Time
	// Logger hears of failed requests (method, path, status); never the
	// key, a number or a transcript. Default: discards.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("vapi", "Config", field, v, reason)
	}
	switch {
	case strings.TrimSpace(c.APIKey) == "":
		return c, bad("APIKey", "", "required")
	case c.AssistantID == "" && len(c.Assistant) == 0:
		return c, bad("AssistantID", "", "an assistant ID, or an inline Assistant, is required")
	case c.AssistantID != "" && len(c.Assistant) > 0:
		return c, bad("Assistant", "(set)", "give AssistantID or Assistant, not both")
	case len(c.Assistant) > 0 && !json.Valid(c.Assistant):
		return c, bad("Assistant", "(not JSON)", "must be a JSON object")
	case len(c.VoicemailDetection) > 0 && !json.Valid(c.VoicemailDetection):
		return c, bad("VoicemailDetection", "(not JSON)", `must be "off" or a JSON object`)
	case len(c.PhoneNumbers) == 0 && c.PhoneNumberID == nil:
		return c, bad("PhoneNumbers", "{}", "map each calling number (E.164) to its Vapi phone number ID, or set PhoneNumberID")
	case len([]rune(c.VoicemailMessage)) > 1000:
		return c, bad("VoicemailMessage", len([]rune(c.VoicemailMessage)), "at most 1,000 characters")
	case c.Timeout < 0:
		return c, bad("Timeout", c.Timeout, "negative")
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return c, bad("BaseURL", c.BaseURL, "not an http(s) URL")
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
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

// Channel places outbound calls through Vapi (POST /call) with the
// configured assistant: the message's From.Address is the number the call
// goes out from (its Vapi phone number ID from Config.PhoneNumbers),
// To.Phone the customer's number (E.164),
// and the message's body and the lead's name reach the assistant's script
// as variables. Vapi takes no idempotency key: the channel is at most once
// and a channel.Reconciler that finds a call by its name, which carries
// the touch ID. It is safe for concurrent use.
type Channel struct{ cfg Config }

var (
	_ channel.Channel    = (*Channel)(nil)
	_ channel.Describer  = (*Channel)(nil)
	_ channel.Reconciler = (*Channel)(nil)
)

// New checks cfg and returns the channel, or a *invalid.FieldError.
func New(cfg Config) (*Channel, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Channel{cfg: cfg}, nil
}

// Kind returns channel.Voice.
func (c *Channel) Kind() channel.Kind { return channel.Voice }

// Describe declares at-most-once delivery and the rate.
func (c *Channel) Describe() channel.Info {
	return channel.Info{Provider: c.cfg.Provider, Delivery: channel.AtMostOnce, Rate: c.cfg.Rate, Burst: c.cfg.Burst}
}

// Call is the part of Vapi's call object the adapter reads.
type Call struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Status        string   `json:"status"`
	EndedReason   string   `json:"endedReason"`
	CreatedAt     string   `json:"createdAt"`
	PhoneNumberID string   `json:"phoneNumberId"`
	Customer      Customer `json:"customer"`
}

// Customer is a call's customer.
type Customer struct {
	Number string `json:"number"`
	Name   string `json:"name,omitempty"`
}

// TouchOf is the touch ID a call's name carries, or "".
func TouchOf(name string) string {
	k, ok := strings.CutPrefix(name, namePrefix)
	if !ok {
		return ""
	}
	return k
}

func (c *Channel) receipt(call Call) channel.Receipt {
	rc := channel.Receipt{Provider: c.cfg.Provider, ProviderMessageID: call.ID, Status: channel.StatusAccepted}
	if t, err := time.Parse(time.RFC3339Nano, call.CreatedAt); err == nil {
		rc.At = t.UTC()
	}
	return rc
}

// Send places the call. A message that is not a valid call fails
// permanently before anything is sent.
func (c *Channel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, fmt.Errorf("vapi: send: %w", err)
	}
	body, err := c.createBody(m)
	if err != nil {
		return channel.Receipt{}, &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: err}
	}
	var call Call
	if err := c.do(ctx, http.MethodPost, "/call", nil, body, &call); err != nil {
		return channel.Receipt{}, fmt.Errorf("vapi: send %s: %w", m.IdempotencyKey, err)
	}
	return c.receipt(call), nil
}

// createBody checks m and returns the body of POST /call.
func (c *Channel) createBody(m *channel.Message) ([]byte, error) {
	if m == nil {
		return nil, errors.New("vapi: nil message")
	}
	if m.Kind != channel.Voice || m.ResolvedAction() != channel.ActionCall {
		return nil, fmt.Errorf("vapi: a %s %s message: Vapi places calls", m.Kind, m.ResolvedAction())
	}
	if _, err := channel.Validate(m); err != nil {
		return nil, fmt.Errorf("vapi: %w", err)
	}
	n, err := phone.Parse(m.To.Phone, "")
	if err != nil {
		return nil, fmt.Errorf("vapi: %w", &channel.ValidationError{Field: "To.Phone", Value: m.To.Phone, Reason: "not a phone number in E.164"})
	}
	if len(namePrefix+m.IdempotencyKey) > maxName {
		return nil, fmt.Errorf("vapi: %w", &channel.ValidationError{Field: "IdempotencyKey", Value: m.IdempotencyKey,
			Reason: fmt.Sprintf("at most %d characters: it travels in the call's name", maxName-len(namePrefix))})
	}
	from := strings.TrimSpace(m.From.Address)
	numberID, ok := c.cfg.PhoneNumbers[from]
	if !ok && c.cfg.PhoneNumberID != nil {
		numberID, ok = c.cfg.PhoneNumberID(from)
	}
	if !ok || numberID == "" {
		return nil, fmt.Errorf("vapi: %w", &channel.ValidationError{Field: "From.Address", Value: m.From.Address,
			Reason: "no Vapi phone number ID for it in Config.PhoneNumbers"})
	}
	vars := map[string]string{"script": m.Body, "touch": m.IdempotencyKey}
	if f := strings.Fields(m.To.Name); len(f) > 0 {
		vars["first_name"], vars["name"] = f[0], m.To.Name
	}
	overrides := map[string]any{"variableValues": vars}
	if c.cfg.VoicemailMessage != "" {
		overrides["voicemailMessage"] = c.cfg.VoicemailMessage
	}
	if len(c.cfg.VoicemailDetection) > 0 {
		overrides["voicemailDetection"] = c.cfg.VoicemailDetection
	}
	req := map[string]any{
		"name":               namePrefix + m.IdempotencyKey,
		"phoneNumberId":      numberID,
		"customer":           Customer{Number: n.E164, Name: m.To.Name},
		"assistantOverrides": overrides,
	}
	if c.cfg.AssistantID != "" {
		req["assistantId"] = c.cfg.AssistantID
	} else {
		req["assistant"] = c.cfg.Assistant
	}
	return json.Marshal(req)
}

// Lookup implements channel.Reconciler: the most recent call whose name
// carries idempotencyKey (GET /call, newest first).
func (c *Channel) Lookup(ctx context.Context, idempotencyKey string) (channel.Receipt, bool, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, false, fmt.Errorf("vapi: lookup: %w", err)
	}
	if idempotencyKey == "" {
		return channel.Receipt{}, false, nil
	}
	var calls []Call
	if err := c.do(ctx, http.MethodGet, "/call", url.Values{"limit": {"1000"}}, nil, &calls); err != nil {
		return channel.Receipt{}, false, fmt.Errorf("vapi: lookup %s: %w", idempotencyKey, err)
	}
	for _, call := range calls {
		if TouchOf(call.Name) == idempotencyKey {
			return c.receipt(call), true, nil
		}
	}
	return channel.Receipt{}, false, nil
}

// APIError is Vapi's answer other than 2xx: {"message", "error",
// "statusCode"}.
type APIError struct {
	Status  int
	Message string
	Kind    string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("vapi: %d %s: %s", e.Status, e.Kind, adapterkit.Truncate(e.Message, 200))
}

// do sends one request (a JSON body, if any) and decodes a 2xx answer
// into out.
func (c *Channel) do(ctx context.Context, method, path string, q url.Values, body []byte, out any) error {
	return c.doType(ctx, method, path, q, body, "application/json", out)
}

// doType is do with the body's content type.
func (c *Channel) doType(ctx context.Context, method, path string, q url.Values, body []byte, ctype string, out any) error {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := c.cfg.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(rctx, method, u, rd)
	if err != nil {
		return &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	res, raw, err := adapterkit.Exchange(ctx, c.cfg.HTTPClient, req, c.cfg.Provider, 4<<20, c.cfg.Logger)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		c.cfg.Logger.WarnContext(ctx, "vapi: request refused", "method", method, "path", path, "status", res.StatusCode)
		return c.classify(res, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &channel.Error{Class: channel.ClassRetryable, Provider: c.cfg.Provider,
			Err: fmt.Errorf("vapi: %s %s: %w: %d answer does not parse: %w", method, path, adapterkit.ErrUnanswered, res.StatusCode, err)}
	}
	return nil
}

// classify turns an answer other than 2xx into the engine's error class:
// 429, or a refusal for the account's concurrent-call limit or credit,
// rate-limited (with Retry-After, else DefaultConcurrencyWait); another
// 4xx permanent; a 5xx retryable.
func (c *Channel) classify(res *http.Response, raw []byte) error {
	var body struct {
		Message    json.RawMessage `json:"message"`
		Error      string          `json:"error"`
		StatusCode int             `json:"statusCode"`
	}
	_ = json.Unmarshal(raw, &body)
	msg := string(body.Message)
	var s string
	if json.Unmarshal(body.Message, &s) == nil {
		msg = s
	}
	ae := &APIError{Status: res.StatusCode, Message: msg, Kind: body.Error}
	ce := &channel.Error{Provider: c.cfg.Provider, Code: body.Error, Err: ae}
	wait := adapterkit.RetryAfter(res.Header.Get("Retry-After"), c.cfg.Now())
	lower := strings.ToLower(msg)
	switch {
	case res.StatusCode == http.StatusTooManyRequests || strings.Contains(lower, "concurrency"):
		ce.Class, ce.RetryAfter = channel.ClassRateLimited, wait
		if ce.RetryAfter == 0 {
			ce.RetryAfter = DefaultConcurrencyWait
		}
	case res.StatusCode >= 500:
		ce.Class, ce.RetryAfter = channel.ClassRetryable, wait
	default:
		ce.Class = channel.ClassPermanent
	}
	return ce
}
