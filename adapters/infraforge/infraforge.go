package infraforge

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
)

// Defaults of [Config].
const (
	// DefaultBaseURL is InfraForge's public API.
	DefaultBaseURL = "https://api.infraforge.ai/public"
	// DefaultProvider is the provider name the resources carry.
	DefaultProvider = "infraforge"
	// DefaultTimeout bounds one request.
	DefaultTimeout = 30 * time.Second
	// DefaultAttempts is how many names Purchase tries for each domain
	// ordered before it gives that domain up.
	DefaultAttempts = 5
	// DefaultNameBase and DefaultTLD make the default names:
	// "mail-<8 hex>.com".
	DefaultNameBase = "mail"
	DefaultTLD      = "com"
	// DefaultMX and DefaultSPFInclude are the mail host's MX and SPF
	// include set on a domain that lacks them (UNVERIFIED: InfraForge
	// documents neither; it normally sets its own, which are kept).
	DefaultMX         = "mx.infraforge.ai"
	DefaultSPFInclude = "spf.infraforge.ai"
	// DefaultDMARCPolicy is the DMARC policy of a new domain.
	DefaultDMARCPolicy = "quarantine"
	// DefaultRate and DefaultBurst pace one process: InfraForge documents
	// no limit, so a modest 5 requests a second.
	DefaultRate  rate.Limit = 5
	DefaultBurst            = 5
	// maxPages bounds every paginated read.
	maxPages = 200
	// pageSize is the page size of the mailbox lists.
	pageSize = 100
)

// Contact is the registrant of the domains bought (InfraForge's purchase
// takes "contact details"; the field names are UNVERIFIED).
type Contact struct {
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	Email        string `json:"email"`
	Phone        string `json:"phone,omitempty"`
	Organization string `json:"organization,omitempty"`
	Address      string `json:"address"`
	City         string `json:"city"`
	State        string `json:"state,omitempty"`
	PostalCode   string `json:"postalCode"`
	Country      string `json:"country"` // ISO 3166-1 alpha-2
}

// Config configures a [Client]. APIKey, WorkspaceID, Contact and a
// sender's name (FirstName) are required; every other field has the
// default its comment names.
type Config struct {
	// APIKey is sent as the Authorization header, as is (no "Bearer").
	// Required; never logged.
	APIKey string
	// WorkspaceID is the InfraForge workspace the domains and mailboxes
	// are bought in. Required.
	WorkspaceID string
	// Contact is the domains' registrant. Required: FirstName, LastName,
	// Email, Address, City, PostalCode, Country.
	Contact Contact
	// FirstName and LastName are the mailboxes' sender name. FirstName is
	// required.
	FirstName, LastName string
	// BaseURL is the API's root. Default DefaultBaseURL; tests point it at
	// infraforgetest.Server.URL.
	BaseURL string
	// Provider names the account in the resources ("infraforge"). Default
	// DefaultProvider.
	Provider string
	// Names returns the attempt-th candidate name (0, 1, …) for the
	// slot-th domain (0 … Count−1) of the order with idempotency key key.
	// It must be deterministic and give different orders different names:
	// a retried order finds what it bought by these names. Default: the
	// NameBase, a hyphen, 8 hex digits of SHA-256(key, slot, attempt) and
	// the TLD ("mail-1f0c9a2e.com").
	Names func(key string, slot, attempt int) string
	// NameBase and TLD shape the default names. Default DefaultNameBase
	// and DefaultTLD.
	NameBase, TLD string
	// Attempts is how many candidate names each domain tries. Default
	// DefaultAttempts.
	Attempts int
	// Mailboxes are the local parts of the mailboxes made on each domain.
	// Default pool.DefaultMailboxNames(): outreach@ and hello@.
	Mailboxes []string
	// MX, SPFInclude, DMARCPolicy and DMARCReport shape the DNS records
	// Purchase adds to a domain that lacks them (see [Records]). Defaults
	// DefaultMX, DefaultSPFInclude, DefaultDMARCPolicy and no report
	// address.
	MX, SPFInclude, DMARCPolicy, DMARCReport string
	// HTTPClient, Timeout, Rate and Burst are the transport's, with
	// APIConfig's defaults: a new http.Client, DefaultTimeout,
	// DefaultRate and DefaultBurst (a negative Rate sets no limit).
	HTTPClient *http.Client
	Timeout    time.Duration
	Rate       rate.Limit
	Burst      int
	// Logger gets a record per failed request (method, path, status) and
	// per step of a purchase (the order key, the domain); never the key
	// or the registrant. Default: discards.
	Logger *slog.Logger
	// Now tells the time. Default the real clock.
	Now func() time.Time
}

func (cfg Config) withDefaults() (Config, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("infraforge", "Config", field, v, reason)
	}
	c := cfg.Contact
	switch {
	case strings.TrimSpace(cfg.APIKey) == "":
		return cfg, bad("APIKey", "", "required")
	case strings.TrimSpace(cfg.WorkspaceID) == "":
		return cfg, bad("WorkspaceID", cfg.WorkspaceID, "required")
	case c.FirstName == "" || c.LastName == "" || c.Email == "" || c.Address == "" || c.City == "" || c.PostalCode == "" || c.Country == "":
		return cfg, bad("Contact", "", "required: FirstName, LastName, Email, Address, City, PostalCode and Country")
	case strings.TrimSpace(cfg.FirstName) == "":
		return cfg, bad("FirstName", cfg.FirstName, "required: the mailboxes' sender name")
	case cfg.Attempts < 0:
		return cfg, bad("Attempts", cfg.Attempts, "must not be negative")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Provider == "" {
		cfg.Provider = DefaultProvider
	}
	if cfg.NameBase == "" {
		cfg.NameBase = DefaultNameBase
	}
	if cfg.TLD == "" {
		cfg.TLD = DefaultTLD
	}
	cfg.TLD = strings.TrimPrefix(cfg.TLD, ".")
	if cfg.Names == nil {
		base, tld := cfg.NameBase, cfg.TLD
		cfg.Names = func(key string, slot, attempt int) string { return DefaultName(base, tld, key, slot, attempt) }
	}
	if cfg.Attempts == 0 {
		cfg.Attempts = DefaultAttempts
	}
	if len(cfg.Mailboxes) == 0 {
		cfg.Mailboxes = pool.DefaultMailboxNames()
	}
	for i, m := range cfg.Mailboxes {
		if outbound.ValidateEmail(m+"@example.com") != nil {
			return cfg, bad("Mailboxes["+strconv.Itoa(i)+"]", m, "not the local part of an address")
		}
	}
	if cfg.MX == "" {
		cfg.MX = DefaultMX
	}
	if cfg.SPFInclude == "" {
		cfg.SPFInclude = DefaultSPFInclude
	}
	switch cfg.DMARCPolicy {
	case "":
		cfg.DMARCPolicy = DefaultDMARCPolicy
	case "none", "quarantine", "reject":
	default:
		return cfg, bad("DMARCPolicy", cfg.DMARCPolicy, `not "none", "quarantine" or "reject"`)
	}
	return cfg, nil
}

// DefaultName is the default [Config.Names]: base, a hyphen, 8 hex digits
// of SHA-256(key, slot, attempt), a dot and tld.
func DefaultName(base, tld, key string, slot, attempt int) string {
	sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(slot) + "\x00" + strconv.Itoa(attempt)))
	return base + "-" + hex.EncodeToString(sum[:4]) + "." + tld
}

// Client is InfraForge's public API for the pool: a [pool.Provisioner] of
// domains and their mailboxes ([Client.Purchase]), and the reader of their
// readiness ([Client.Ready]). It is safe for concurrent use.
type Client struct {
	cfg Config
	api *API
	log *slog.Logger
}

var _ pool.Provisioner = (*Client)(nil)

// New checks cfg and returns the client, or a *invalid.FieldError naming
// the first missing or bad field.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	api, err := NewAPI(APIConfig{Product: "infraforge", Provider: cfg.Provider, BaseURL: cfg.BaseURL, Authorization: cfg.APIKey,
		HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Rate: cfg.Rate, Burst: cfg.Burst, Logger: cfg.Logger, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	cfg.Now = api.Now
	return &Client{cfg: cfg, api: api, log: api.Logger()}, nil
}
