package infraforge

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
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// maxAnswer is the most bytes of an answer read.
const maxAnswer = 4 << 20

// ErrUnanswered is matched by the error of a request that got no answer (a
// timeout, a dropped connection, an answer that does not read): it may or
// may not have acted.
var ErrUnanswered = adapterkit.ErrUnanswered

// APIError is an answer other than 2xx from one of the Forge products'
// public APIs (InfraForge, Warmforge), which document none of its shape:
// the message is read from a JSON body's "message" or "error" field, else
// the body's text, cut to 200 bytes.
type APIError struct {
	Product string // "infraforge", "warmforge"
	Method  string
	Path    string
	// Status is the HTTP status.
	Status int
	// Message is the provider's explanation, or "".
	Message string
	// RetryAfter is the delay a 429 or 5xx asked for (Retry-After), or 0.
	RetryAfter time.Duration
}

// Error renders "infraforge: POST /domains: 402: insufficient credits".
func (e *APIError) Error() string {
	s := fmt.Sprintf("%s: %s %s: %d", e.Product, e.Method, e.Path, e.Status)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Temporary reports whether the same request may succeed later: a 408,
// 409 (a concurrent change), 429 or any 5xx. Every other 4xx is the
// provider refusing the request for good.
func (e *APIError) Temporary() bool {
	return e.Status == http.StatusRequestTimeout || e.Status == http.StatusConflict ||
		e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// Refused reports whether err is a provider's answer that refuses the
// request for good (an *APIError that is not Temporary).
func Refused(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && !ae.Temporary()
}

// ParseError reads a non-2xx answer's body into an *APIError's message:
// {"message": …}, {"error": …} (a string or {"message"}), or the text.
func ParseError(body []byte) string {
	var p struct {
		Message string          `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	trimmed := bytes.TrimSpace(body)
	if json.Unmarshal(trimmed, &p) == nil {
		if p.Message != "" {
			return adapterkit.Truncate(strings.TrimSpace(p.Message), 200)
		}
		var s string
		var o struct {
			Message string `json:"message"`
		}
		switch {
		case json.Unmarshal(p.Error, &s) == nil && s != "":
			return adapterkit.Truncate(strings.TrimSpace(s), 200)
		case json.Unmarshal(p.Error, &o) == nil && o.Message != "":
			return adapterkit.Truncate(strings.TrimSpace(o.Message), 200)
		}
		if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
			return ""
		}
	}
	return adapterkit.Truncate(strings.TrimSpace(string(trimmed)), 200)
}

// APIConfig configures an [API]: the transport the Forge products' public
// APIs share (InfraForge here, Warmforge in adapters/warmforge).
type APIConfig struct {
	Product       string        // names the product in errors and logs. Required.
	BaseURL       string        // the API's root. Required.
	Authorization string        // the Authorization header's value. Required; never logged.
	HTTPClient    *http.Client  // default: a new http.Client
	Timeout       time.Duration // bounds each request; default DefaultTimeout
	// Rate and Burst pace this process's requests, by adapterkit's rule:
	// default DefaultRate and DefaultBurst, a negative Rate no limit.
	Rate   rate.Limit
	Burst  int
	Logger *slog.Logger     // default: discards; each record names Provider
	Now    func() time.Time // default: the real clock
	// Provider names the account in the log records. Default Product.
	Provider string
}

// API sends JSON requests to a Forge product's public API. It is safe for
// concurrent use.
type API struct {
	cfg  APIConfig
	lim  *rate.Limiter
	base string
}

// NewAPI returns the transport cfg describes, its defaults filled in, or
// a *invalid.FieldError naming a bad BaseURL or Timeout (as of the
// product's Config).
func NewAPI(cfg APIConfig) (*API, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return nil, invalid.Field(cfg.Product, "Config", "BaseURL", cfg.BaseURL, "not an http(s) URL")
	}
	if cfg.Timeout < 0 {
		return nil, invalid.Field(cfg.Product, "Config", "Timeout", cfg.Timeout, "must not be negative")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Provider == "" {
		cfg.Provider = cfg.Product
	}
	cfg.Logger = cfg.Logger.With(slog.String("provider", cfg.Provider))
	if cfg.Now == nil {
		cfg.Now = timing.RealClock().Now
	}
	a := &API{base: strings.TrimRight(cfg.BaseURL, "/")}
	if cfg.Rate, cfg.Burst = adapterkit.Rate(cfg.Rate, cfg.Burst, DefaultRate, DefaultBurst); cfg.Rate > 0 {
		a.lim = rate.NewLimiter(cfg.Rate, cfg.Burst)
	}
	a.cfg = cfg
	return a, nil
}

// Logger is the transport's logger, naming the provider.
func (a *API) Logger() *slog.Logger { return a.cfg.Logger }

// Now is the transport's clock.
func (a *API) Now() time.Time { return a.cfg.Now() }

// Do sends method path?query with in as its JSON body (when not nil) and
// decodes a 2xx answer into out (when not nil; an empty answer leaves it
// as it is). Its errors: an *APIError for an answer other than 2xx; an
// error wrapping ErrUnanswered for a request with no answer or an answer
// that does not decode; the context's error when it ended first.
func (a *API) Do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if a.lim != nil {
		if err := a.lim.Wait(ctx); err != nil {
			return fmt.Errorf("%s: %s %s: waiting for the rate limit: %w", a.cfg.Product, method, path, err)
		}
	}
	u := a.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s: encoding %s %s: %w", a.cfg.Product, method, path, err)
		}
		body = bytes.NewReader(b)
	}
	rctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, u, body)
	if err != nil {
		return fmt.Errorf("%s: %s %s: %w", a.cfg.Product, method, path, err)
	}
	req.Header.Set("Authorization", a.cfg.Authorization)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, raw, err := adapterkit.Exchange(ctx, a.cfg.HTTPClient, req, a.cfg.Product, maxAnswer, a.cfg.Logger)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		ae := &APIError{Product: a.cfg.Product, Method: method, Path: path, Status: res.StatusCode, Message: ParseError(raw)}
		if ae.Temporary() {
			ae.RetryAfter = min(adapterkit.RetryAfter(res.Header.Get("Retry-After"), a.cfg.Now()), time.Hour)
		}
		a.cfg.Logger.WarnContext(ctx, a.cfg.Product+" refused", "method", method, "path", path, "status", res.StatusCode)
		return ae
	}
	if out != nil && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%w: %s: %s %s: decoding the answer: %w", ErrUnanswered, a.cfg.Product, method, path, err)
		}
	}
	return nil
}

// Pages reads a paginated list: fetch(page) returns the page's items and
// whether more pages follow; Pages stops at the first page that says none
// do, or after limit pages (an error then).
func Pages[T any](limit int, fetch func(page int) ([]T, bool, error)) ([]T, error) {
	var all []T
	for page := 1; page <= limit; page++ {
		items, more, err := fetch(page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if !more {
			return all, nil
		}
	}
	return nil, fmt.Errorf("forge: more than %d pages", limit)
}

// More reports whether a page numbered page, holding n items of at most
// size, is followed by another: by totalPages when the answer gave it (>0),
// else by a full page.
func More(page, n, size, totalPages int) bool {
	if totalPages > 0 {
		return page < totalPages
	}
	return n >= size && n > 0
}
