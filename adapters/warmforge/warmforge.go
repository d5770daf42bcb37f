package warmforge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound/adapters/infraforge"
	"github.com/outbound-go/outbound/invalid"
)

// Defaults of [Config].
const (
	// DefaultBaseURL is Warmforge's public API, version 1.
	DefaultBaseURL = "https://api.warmforge.ai/public/v1"
	// DefaultProvider is the provider the pool's mailboxes are bought from,
	// which the events name: InfraForge.
	DefaultProvider = "infraforge"
	// DefaultStatsDays is how many days of warmup stats Check reads.
	DefaultStatsDays = 7
	// pageSize is the page_size of the mailbox list (1–100).
	pageSize = 100
	// maxIDs is the most mailbox IDs one placement-results request takes.
	maxIDs = 100
	// maxPages bounds the mailbox list.
	maxPages = 200
)

// ErrNotConnected is matched by the error of [Client.StartWarmup] for a
// mailbox Warmforge does not hold (yet): it must be connected (or synced
// from the mailbox host) first.
var ErrNotConnected = errors.New("warmforge: mailbox not connected")

// Config configures a [Client]. Only APIKey is required.
type Config struct {
	// APIKey is sent as "Authorization: Bearer <key>", or as is with
	// PlainKey. Required; never logged.
	APIKey string
	// PlainKey sends the key without "Bearer " (the Swagger's apiKey
	// scheme; which one the API takes is UNVERIFIED). Default false.
	PlainKey bool
	// WorkspaceID, when set, scopes every mailbox route under
	// /workspaces/{id}. Default "": the key's default workspace.
	WorkspaceID string
	// BaseURL is the API's root. Default DefaultBaseURL.
	BaseURL string
	// Provider names the provider of the pool's mailboxes in the events
	// Check makes. Default DefaultProvider.
	Provider string
	// DomainRef returns the pool's ProviderRef of a mailbox's domain (the
	// pool pauses a domain with its mailboxes, never one mailbox): with
	// adapters/infraforge, its Client.DomainRef. Default: the domain name.
	DomainRef func(ctx context.Context, domain string) (string, error)
	// Health turns what Warmforge reports into a mailbox's warmup.Health.
	// Its zero value takes the defaults it names.
	Health HealthRule
	// StatsDays is how many days of warmup stats Check reads, ending
	// today. Default DefaultStatsDays; negative reads none.
	StatsDays int
	// HTTPClient, Timeout, Rate and Burst are the shared transport's
	// (infraforge.APIConfig), with its defaults: a new http.Client, 30 s,
	// 5 requests a second (Warmforge documents no limit; a negative Rate
	// sets none).
	HTTPClient *http.Client
	Timeout    time.Duration
	Rate       rate.Limit
	Burst      int
	// Logger gets a record per failed request (method, path, status) and
	// per warmup started (the address). Default: discards.
	Logger *slog.Logger
	// Now tells the time. Default the real clock.
	Now func() time.Time
}

// Client is Warmforge's public API for the pool: warmup started for new
// mailboxes ([Client.StartWarmup], [Provisioner]) and their state read back
// into health and pauses ([Client.Check]). It is safe for concurrent use.
type Client struct {
	cfg    Config
	api    *infraforge.API
	prefix string
	log    *slog.Logger
}

// New checks cfg and returns the client, or a *invalid.FieldError naming
// the first bad field.
func New(cfg Config) (*Client, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("warmforge", "Config", field, v, reason)
	}
	switch {
	case strings.TrimSpace(cfg.APIKey) == "":
		return nil, bad("APIKey", "", "required")
	}
	if err := cfg.Health.Validate(); err != nil {
		return nil, err
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Provider == "" {
		cfg.Provider = DefaultProvider
	}
	if cfg.DomainRef == nil {
		cfg.DomainRef = func(_ context.Context, domain string) (string, error) { return domain, nil }
	}
	cfg.Health = cfg.Health.WithDefaults()
	if cfg.StatsDays == 0 {
		cfg.StatsDays = DefaultStatsDays
	}
	auth := "Bearer " + cfg.APIKey
	if cfg.PlainKey {
		auth = cfg.APIKey
	}
	api, err := infraforge.NewAPI(infraforge.APIConfig{Product: "warmforge", BaseURL: cfg.BaseURL, Authorization: auth,
		HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Rate: cfg.Rate, Burst: cfg.Burst, Logger: cfg.Logger, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	cfg.Now = api.Now
	c := &Client{cfg: cfg, api: api, log: api.Logger()}
	if cfg.WorkspaceID != "" {
		c.prefix = "/workspaces/" + url.PathEscape(cfg.WorkspaceID)
	}
	return c, nil
}

// Mailbox is a mailbox as Warmforge lists it.
type Mailbox struct {
	ID            infraforge.ID `json:"id"`
	Address       string        `json:"address"`
	Status        string        `json:"status"` // active, access_lost, pending, suspended (or the filter's words)
	Warm          bool          `json:"warm"`
	WarmupEnabled bool          `json:"warmupEnabled"`
	HealthReport  *struct {
		HeatScore  *int `json:"heatScore"`
		Blacklists *struct {
			DetectedCount int `json:"detectedCount"`
		} `json:"blacklists"`
	} `json:"healthReport"`
}

// DayStats is one day of a mailbox's warmup.
type DayStats struct {
	Date       string `json:"date"`
	SentCount  int    `json:"sentCount"`
	ReplyCount int    `json:"replyCount"`
	SpamCount  int    `json:"spamCount"`
}

// Placement is a mailbox's latest placement test: Result is the inbox
// placement, in percent.
type Placement struct {
	MailboxID     infraforge.ID `json:"mailboxId"`
	Address       string        `json:"address"`
	PlacementTest *struct {
		ID           infraforge.ID `json:"id"`
		Date         string        `json:"date"`
		EmailSent    int           `json:"emailSent"`
		Result       int           `json:"result"`
		PendingCount int           `json:"pendingCount"`
	} `json:"placementTest"`
}

func (c *Client) mailboxPath(address string) string {
	return c.prefix + "/mailboxes/" + url.PathEscape(strings.ToLower(strings.TrimSpace(address)))
}

// Mailbox returns the mailbox at address (GET /mailboxes/{address}); ok is
// false when Warmforge does not hold it.
func (c *Client) Mailbox(ctx context.Context, address string) (m Mailbox, ok bool, err error) {
	err = c.api.Do(ctx, http.MethodGet, c.mailboxPath(address), nil, nil, &m)
	var ae *infraforge.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return Mailbox{}, false, nil
	}
	return m, err == nil, err
}

// StartWarmup turns warmup on for the mailbox at address (PATCH
// /mailboxes/{address} {warmupEnabled: true}) unless it is on already;
// started says whether it did. A mailbox Warmforge does not hold is an
// error matching ErrNotConnected.
func (c *Client) StartWarmup(ctx context.Context, address string) (started bool, err error) {
	m, ok, err := c.Mailbox(ctx, address)
	switch {
	case err != nil:
		return false, err
	case !ok:
		return false, fmt.Errorf("%w: %s", ErrNotConnected, address)
	case m.WarmupEnabled:
		return false, nil
	}
	if err := c.api.Do(ctx, http.MethodPatch, c.mailboxPath(address), nil, map[string]any{"warmupEnabled": true}, nil); err != nil {
		return false, err
	}
	c.log.InfoContext(ctx, "warmforge warmup started", "mailbox", address)
	return true, nil
}

// Mailboxes lists the mailboxes of status ("warm", "pending",
// "disconnected", "suspended"; "" or "all" for every one), every page of
// GET /mailboxes?page=&page_size=&status=.
func (c *Client) Mailboxes(ctx context.Context, status string) ([]Mailbox, error) {
	if status == "" {
		status = "all"
	}
	return infraforge.Pages(maxPages, func(page int) ([]Mailbox, bool, error) {
		q := url.Values{"page": {strconv.Itoa(page)}, "page_size": {strconv.Itoa(pageSize)}, "status": {status}}
		var l infraforge.List[Mailbox]
		if err := c.api.Do(ctx, http.MethodGet, c.prefix+"/mailboxes", q, nil, &l); err != nil {
			return nil, false, err
		}
		return l.Items, infraforge.More(page, len(l.Items), pageSize, l.TotalPages), nil
	})
}

// WarmupStats returns the mailbox's warmup days from from to to, both
// included (GET /mailboxes/{address}/warmup/stats?from=&to=, dates as
// YYYY-MM-DD).
func (c *Client) WarmupStats(ctx context.Context, address string, from, to time.Time) ([]DayStats, error) {
	q := url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.Format(time.DateOnly)}}
	var l infraforge.List[DayStats]
	if err := c.api.Do(ctx, http.MethodGet, c.mailboxPath(address)+"/warmup/stats", q, nil, &l); err != nil {
		return nil, err
	}
	return l.Items, nil
}

// LatestPlacements returns the latest placement test of each mailbox ID
// that has one (POST /mailboxes/placement-results/latest {mailboxIds}, 100
// IDs a request), by mailbox ID.
func (c *Client) LatestPlacements(ctx context.Context, ids []string) (map[string]Placement, error) {
	out := make(map[string]Placement, len(ids))
	for start := 0; start < len(ids); start += maxIDs {
		var l infraforge.List[Placement]
		body := map[string]any{"mailboxIds": ids[start:min(start+maxIDs, len(ids))]}
		if err := c.api.Do(ctx, http.MethodPost, c.prefix+"/mailboxes/placement-results/latest", nil, body, &l); err != nil {
			return nil, err
		}
		for _, p := range l.Items {
			if p.MailboxID != "" && p.PlacementTest != nil {
				out[string(p.MailboxID)] = p
			}
		}
	}
	return out, nil
}
