package salesforge

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
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

// Name is the provider's name in receipts, events and, by default, in
// channel.Info.
const Name = "salesforge"

// DefaultBaseURL is Salesforge's public API, version 2.
const DefaultBaseURL = "https://api.salesforge.ai/public/v2"

// DefaultPageSize is the limit of each page the listing methods ask for.
const DefaultPageSize = 100

// maxAnswer is the most bytes of an answer read.
const maxAnswer = 4 << 20

// errUnanswered marks a request that got no answer: it may or may not have
// reached Salesforge.
var errUnanswered = adapterkit.ErrUnanswered

// ClientConfig configures a [Client].
type ClientConfig struct {
	// APIKey is the workspace's API key, sent as the Authorization header
	// as it is (no "Bearer"). Required; never logged.
	APIKey string
	// BaseURL is the API's address. Default [DefaultBaseURL].
	BaseURL string
	// Provider names the provider account in classified errors. Default
	// [Name].
	Provider string
	// HTTPClient sends the requests. Default: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now tells the time (to read a Retry-After date). Required (a clock's
	// Now).
	Now func() time.Time
	// Logger gets a record per failed request: method, path and status;
	// never the key or a body. Default: discards.
	Logger *slog.Logger
}

// Client calls Salesforge's public API v2. Its errors are classified as
// [APIError] says, so a caller (or the engine) can tell a refusal from a
// failure worth trying again. It is safe for concurrent use.
type Client struct {
	cfg  ClientConfig
	base string
	log  *slog.Logger
}

// NewClient checks cfg and returns the client, or a *invalid.FieldError
// naming the first missing or bad field.
func NewClient(cfg ClientConfig) (*Client, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("salesforge", "ClientConfig", field, v, reason)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	switch {
	case strings.TrimSpace(cfg.APIKey) == "":
		return nil, bad("APIKey", "", "required")
	case strings.ContainsAny(cfg.APIKey, "\r\n"):
		return nil, bad("APIKey", "(hidden)", "must be one line")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.User != nil:
		return nil, bad("BaseURL", cfg.BaseURL, "not an http(s) API address")
	case cfg.Now == nil:
		return nil, bad("Now", nil, "required (a clock's Now)")
	}
	if cfg.Provider == "" {
		cfg.Provider = Name
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, base: strings.TrimSuffix(cfg.BaseURL, "/"), log: log.With(slog.String("provider", cfg.Provider))}, nil
}

// request is one call of the API.
type request struct {
	method string
	path   string // below the base URL, its segments escaped
	query  url.Values
	body   any // a JSON body, or nil
}

// do sends r and decodes a 2xx answer into out (when out is not nil). An
// answer other than 2xx is an *APIError inside a *channel.Error; a request
// that got no answer is retryable and wraps errUnanswered; a cancelled
// context returns its own error.
func (c *Client) do(ctx context.Context, r request, out any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return channel.Permanent(fmt.Errorf("salesforge: encoding %s %s: %w", r.method, r.path, err))
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return channel.Permanent(fmt.Errorf("salesforge: %s %s: %w", r.method, r.path, err))
	}
	req.Header.Set("Authorization", c.cfg.APIKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, raw, err := adapterkit.Exchange(ctx, c.cfg.HTTPClient, req, c.cfg.Provider, maxAnswer, c.log)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		c.log.WarnContext(ctx, "salesforge refused", "method", r.method, "path", r.path, "status", res.StatusCode)
		return classify(c.cfg.Provider, apiError(r.method, r.path, res.StatusCode, raw), res.Header, c.cfg.Now())
	}
	if out != nil && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return &channel.Error{Class: channel.ClassRetryable, Provider: c.cfg.Provider,
				Err: fmt.Errorf("salesforge: %s %s: decoding the answer: %w", r.method, r.path, err)}
		}
	}
	return nil
}

// page is a listing's answer: its items and the total across pages.
// Salesforge's envelope is not documented in prose; this is the one its
// listings are read as (see the package documentation).
type page[T any] struct {
	Data  []T `json:"data"`
	Total int `json:"total"`
}

// list reads every page of a limit/offset listing.
func list[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var out []T
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("limit", strconv.Itoa(DefaultPageSize))
	for offset := 0; ; {
		q.Set("offset", strconv.Itoa(offset))
		var p page[T]
		if err := c.do(ctx, request{method: http.MethodGet, path: path, query: q}, &p); err != nil {
			return out, err
		}
		out = append(out, p.Data...)
		offset += len(p.Data)
		if len(p.Data) < DefaultPageSize || (p.Total > 0 && offset >= p.Total) {
			return out, nil
		}
	}
}

func seg(s string) string { return url.PathEscape(s) }

// required returns a permanent error naming an empty argument, or nil.
func required(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return channel.Permanent(invalid.Field("salesforge", "", name, v, "required"))
	}
	return nil
}

// Me returns the account the key belongs to (GET /me), as Salesforge
// answers it: a cheap check that the key works.
func (c *Client) Me(ctx context.Context) (json.RawMessage, error) {
	var out json.RawMessage
	err := c.do(ctx, request{method: http.MethodGet, path: "/me"}, &out)
	return out, err
}

// Workspace is a Salesforge workspace.
type Workspace struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Workspaces lists the key's workspaces (GET /workspaces), every page.
func (c *Client) Workspaces(ctx context.Context) ([]Workspace, error) {
	return list[Workspace](ctx, c, "/workspaces", nil)
}

// Mailbox is a sending mailbox connected to Salesforge.
type Mailbox struct {
	ID           string `json:"id"`
	Email        string `json:"email"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	CustomDomain string `json:"customDomain"`
}

// Mailboxes lists a workspace's mailboxes, every page.
func (c *Client) Mailboxes(ctx context.Context, workspaceID string) ([]Mailbox, error) {
	if err := required("workspaceID", workspaceID); err != nil {
		return nil, err
	}
	return list[Mailbox](ctx, c, "/workspaces/"+seg(workspaceID)+"/mailboxes", nil)
}

// Mailbox returns one mailbox.
func (c *Client) Mailbox(ctx context.Context, workspaceID, mailboxID string) (Mailbox, error) {
	var m Mailbox
	if err := errors.Join(required("workspaceID", workspaceID), required("mailboxID", mailboxID)); err != nil {
		return m, err
	}
	err := c.do(ctx, request{method: http.MethodGet, path: "/workspaces/" + seg(workspaceID) + "/mailboxes/" + seg(mailboxID)}, &m)
	return m, err
}
