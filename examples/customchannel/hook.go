package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

// SignatureHeader carries a hook delivery's signature: "t=<unix>,v1=<hex>",
// the HMAC-SHA256 of the timestamp, ".", and the body under the shared
// secret.
const SignatureHeader = "Hook-Signature"

// HookConfig configures a [HookChannel].
type HookConfig struct {
	// URL receives each message as a signed JSON POST. Required.
	URL string
	// Secret signs each request. Required; never logged.
	Secret string
	// Kind is the channel the hook sends for. Default channel.SMS.
	Kind channel.Kind
	// Provider names the account, as the pool's resources name theirs.
	// Default "hook".
	Provider string
	// Client sends the requests. Default: a client with a 30 s timeout.
	Client *http.Client
	// Now tells the time requests are signed at. Required (a clock's Now).
	Now func() time.Time
}

// HookChannel sends each message to a URL of the host's as a signed JSON
// POST with the touch ID as its Idempotency-Key. The receiver takes a key
// once, so the channel is at least once: the engine may send again after
// a lost answer and the recipient still gets one message.
type HookChannel struct {
	cfg HookConfig
}

var (
	_ channel.Channel   = (*HookChannel)(nil)
	_ channel.Describer = (*HookChannel)(nil)
)

// NewHookChannel checks cfg and returns the channel.
func NewHookChannel(cfg HookConfig) (*HookChannel, error) {
	switch {
	case cfg.URL == "":
		return nil, invalid.Field("customchannel", "HookConfig", "URL", cfg.URL, "required")
	case cfg.Secret == "":
		return nil, invalid.Field("customchannel", "HookConfig", "Secret", "", "required")
	case cfg.Now == nil:
		return nil, invalid.Field("customchannel", "HookConfig", "Now", nil, "required (a clock's Now)")
	}
	if cfg.Kind == "" {
		cfg.Kind = channel.SMS
	}
	if !cfg.Kind.Valid() {
		return nil, invalid.Field("customchannel", "HookConfig", "Kind", string(cfg.Kind), "unknown channel")
	}
	if cfg.Provider == "" {
		cfg.Provider = "hook"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	return &HookChannel{cfg: cfg}, nil
}

// Kind is the channel the hook sends for.
func (h *HookChannel) Kind() channel.Kind { return h.cfg.Kind }

// Describe tells the engine the account and that the receiver honours the
// idempotency key.
func (h *HookChannel) Describe() channel.Info {
	return channel.Info{Provider: h.cfg.Provider, Delivery: channel.AtLeastOnce}
}

// hookMessage is the JSON the hook posts.
type hookMessage struct {
	ID       string            `json:"id"`
	Kind     channel.Kind      `json:"kind"`
	From     string            `json:"from"`
	To       string            `json:"to"`
	Subject  string            `json:"subject,omitempty"`
	Body     string            `json:"body"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// hookAnswer is the receiver's answer: the message's ID, or why not.
type hookAnswer struct {
	ID    string `json:"id,omitempty"`
	Error string `json:"error,omitempty"`
	// Code "opted_out" says the recipient opted out.
	Code string `json:"code,omitempty"`
}

// Send posts m and classifies the answer as the engine needs it: 2xx a
// receipt; 410 or code "opted_out" opted out; 429 rate-limited with its
// Retry-After; any other 4xx permanent; 5xx, a timeout or a lost
// connection retryable.
func (h *HookChannel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, err
	}
	if m == nil || m.Kind != h.cfg.Kind {
		return channel.Receipt{}, &channel.Error{Class: channel.ClassPermanent, Provider: h.cfg.Provider,
			Err: fmt.Errorf("customchannel: a %s hook got a %v message", h.cfg.Kind, kindOf(m))}
	}
	body, err := json.Marshal(hookMessage{ID: m.IdempotencyKey, Kind: m.Kind, From: m.From.Address, To: m.To.Address(m.Kind),
		Subject: m.Subject, Body: m.Body, Metadata: m.Metadata})
	if err != nil {
		return channel.Receipt{}, channel.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return channel.Receipt{}, channel.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.IdempotencyKey)
	req.Header.Set(SignatureHeader, Sign(h.cfg.Secret, h.cfg.Now(), body))
	res, err := h.cfg.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return channel.Receipt{}, ctx.Err()
		}
		return channel.Receipt{}, &channel.Error{Class: channel.ClassRetryable, Provider: h.cfg.Provider, Err: err}
	}
	defer res.Body.Close()
	var ans hookAnswer
	_ = json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&ans)
	fail := func(c channel.ErrorClass) (channel.Receipt, error) {
		return channel.Receipt{}, &channel.Error{Class: c, Provider: h.cfg.Provider, Code: strconv.Itoa(res.StatusCode),
			Err: fmt.Errorf("customchannel: %s: %s", res.Status, ans.Error)}
	}
	switch {
	case res.StatusCode/100 == 2 && ans.ID != "":
		return channel.Receipt{Provider: h.cfg.Provider, ProviderMessageID: ans.ID, Status: channel.StatusAccepted, At: h.cfg.Now()}, nil
	case res.StatusCode/100 == 2:
		return fail(channel.ClassRetryable) // an answer without an ID says nothing
	case res.StatusCode == http.StatusGone || ans.Code == "opted_out":
		return fail(channel.ClassOptedOut)
	case res.StatusCode == http.StatusTooManyRequests:
		secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		return channel.Receipt{}, &channel.Error{Class: channel.ClassRateLimited, RetryAfter: time.Duration(secs) * time.Second,
			Provider: h.cfg.Provider, Code: "429", Err: errors.New("customchannel: 429 Too Many Requests")}
	case res.StatusCode/100 == 4:
		return fail(channel.ClassPermanent)
	default:
		return fail(channel.ClassRetryable)
	}
}

func kindOf(m *channel.Message) any {
	if m == nil {
		return "nil"
	}
	return m.Kind
}

// Sign returns the signature header of body signed at instant at.
func Sign(secret string, at time.Time, body []byte) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}
