package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/crm"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// The defaults of Config.
const (
	DefaultBaseURL     = "https://api.hubapi.com"
	DefaultPipeline    = "default"
	DefaultStage       = "appointmentscheduled"
	DefaultKeyProperty = "outbound_booking_key"
	DefaultRate        = rate.Limit(9) // requests a second: under the 100 per 10 s of every plan
	DefaultBurst       = 10
	DefaultTimeout     = 30 * time.Second
)

// dealToContact is HubSpot's own association type from a deal to a contact.
const dealToContact = 3

// Config configures a Client. Token is required.
type Config struct {
	// Token is a private app's access token (scopes crm.objects.contacts.write,
	// crm.objects.deals.read and .write). Required; never logged.
	Token string
	// BaseURL is HubSpot's API root. Default DefaultBaseURL; a test points
	// it at hubspottest.
	BaseURL string
	// HTTPClient sends the requests. Default: a client with DefaultTimeout.
	HTTPClient *http.Client
	// Pipeline and Stage are the internal IDs of the pipeline and stage a
	// booked meeting's deal is created in. Default DefaultPipeline and
	// DefaultStage (HubSpot's default sales pipeline, "Appointment
	// scheduled").
	Pipeline, Stage string
	// KeyProperty is the deal property that holds crm.Deal.Key, by which a
	// deal made before is found: a single-line text property the account
	// must have (Settings → Properties → Deal properties). Default
	// DefaultKeyProperty.
	KeyProperty string
	// Rate and Burst limit the requests a second this client makes.
	// Default DefaultRate and DefaultBurst; a negative Rate sets no limit.
	Rate  rate.Limit
	Burst int
	// Now tells the time (for Retry-After dates). Default the real clock.
	Now func() time.Time
	// Logger hears of requests that got no answer. Default: discard.
	Logger *slog.Logger
}

// Client is HubSpot as the engine's CRM (crm.CRM): contacts upserted by
// email, deals created once per meeting and associated with the contact.
// It is safe for concurrent use.
type Client struct {
	cfg     Config
	limiter *rate.Limiter
}

var _ crm.CRM = (*Client)(nil)

// New returns a Client, or a *invalid.FieldError naming the first bad
// field of cfg.
func New(cfg Config) (*Client, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("hubspot", "Config", field, v, reason)
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, bad("Token", "", "a private app's access token is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, bad("BaseURL", cfg.BaseURL, "must be an http(s) URL")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	if cfg.Pipeline == "" {
		cfg.Pipeline = DefaultPipeline
	}
	if cfg.Stage == "" {
		cfg.Stage = DefaultStage
	}
	if cfg.KeyProperty == "" {
		cfg.KeyProperty = DefaultKeyProperty
	}
	if cfg.Now == nil {
		cfg.Now = timing.RealClock().Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{cfg: cfg}
	if r, burst := adapterkit.Rate(cfg.Rate, cfg.Burst, DefaultRate, DefaultBurst); r > 0 {
		c.limiter = rate.NewLimiter(r, burst)
	}
	return c, nil
}

// APIError is HubSpot's refusal: its status and the parts of its error
// body (every one may be empty). Reach it with errors.As; it wraps
// crm.ErrRetryable (429, 5xx) or crm.ErrPermanent (any other 4xx).
type APIError struct {
	Status        int
	Category      string // VALIDATION_ERROR, RATE_LIMITS, CONFLICT, OBJECT_NOT_FOUND, …
	Message       string
	CorrelationID string
	// RetryAfter is how long HubSpot asked to wait (its Retry-After
	// header), 0 when it did not say.
	RetryAfter time.Duration
}

// Error names the status, category and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("hubspot: %d %s: %s (correlation %s)", e.Status, e.Category, e.Message, e.CorrelationID)
}

// Unwrap says whether the same call may succeed later.
func (e *APIError) Unwrap() error {
	if e.Status == http.StatusTooManyRequests || e.Status >= 500 {
		return crm.ErrRetryable
	}
	return crm.ErrPermanent
}

// properties are an object's properties as HubSpot sends and takes them.
type properties map[string]string

// set writes v under k when it is not empty.
func (p properties) set(k, v string) {
	if v = strings.TrimSpace(v); v != "" {
		p[k] = v
	}
}

// UpsertContact implements crm.CRM: POST /crm/v3/objects/contacts/batch/upsert
// with the email as the ID property, so HubSpot creates the contact or
// updates the one with that address, writing only the fields that are set.
func (c *Client) UpsertContact(ctx context.Context, ct crm.Contact) (string, error) {
	if strings.TrimSpace(ct.Email) == "" {
		return "", fmt.Errorf("hubspot: contact: %w", invalid.Field("crm", "Contact", "Email", ct.Email, "required"))
	}
	p := properties{}
	p.set("email", ct.Email)
	p.set("firstname", ct.FirstName)
	p.set("lastname", ct.LastName)
	p.set("phone", ct.Phone)
	p.set("jobtitle", ct.Title)
	p.set("company", ct.Company)
	p.set("website", ct.Website)
	p.set("country", ct.Country)
	p.set("city", ct.City)
	in := map[string]any{"inputs": []map[string]any{{"idProperty": "email", "id": strings.TrimSpace(ct.Email), "properties": p}}}
	var out struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	if err := c.do(ctx, "/crm/v3/objects/contacts/batch/upsert", in, &out); err != nil {
		return "", err
	}
	if len(out.Results) == 0 || out.Results[0].ID == "" {
		return "", fmt.Errorf("hubspot: upsert of contact answered no ID: %w", crm.ErrRetryable)
	}
	return out.Results[0].ID, nil
}

// CreateDeal implements crm.CRM: it looks for a deal whose KeyProperty is
// d.Key (POST /crm/v3/objects/deals/search) and returns it, else creates
// the deal (POST /crm/v3/objects/deals) in the configured pipeline and
// stage, named d.Name, closing on the meeting's date, with the key, and
// associated with the contact (HubSpot's deal-to-contact type 3).
//
// HubSpot takes no idempotency key and its search lags fresh writes by a
// few seconds: a deal created by a call whose answer was lost, looked for
// again within those seconds, may be created twice.
func (c *Client) CreateDeal(ctx context.Context, d crm.Deal, contactID string) (string, error) {
	if strings.TrimSpace(d.Key) == "" {
		return "", fmt.Errorf("hubspot: deal: %w", invalid.Field("crm", "Deal", "Key", d.Key, "required"))
	}
	if strings.TrimSpace(contactID) == "" {
		return "", fmt.Errorf("hubspot: deal: %w", invalid.Field("hubspot", "CreateDeal", "contactID", contactID, "required"))
	}
	search := map[string]any{
		"filterGroups": []map[string]any{{"filters": []map[string]string{{"propertyName": c.cfg.KeyProperty, "operator": "EQ", "value": d.Key}}}},
		"properties":   []string{"dealname", c.cfg.KeyProperty},
		"limit":        1,
	}
	var found struct {
		Total   int `json:"total"`
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	if err := c.do(ctx, "/crm/v3/objects/deals/search", search, &found); err != nil {
		return "", err
	}
	if len(found.Results) > 0 && found.Results[0].ID != "" {
		return found.Results[0].ID, nil
	}
	p := properties{"pipeline": c.cfg.Pipeline, "dealstage": c.cfg.Stage, c.cfg.KeyProperty: d.Key}
	p.set("dealname", d.Name)
	if !d.Meeting.IsZero() {
		p["closedate"] = d.Meeting.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if d.Amount != 0 {
		p["amount"] = strconv.FormatFloat(d.Amount, 'f', -1, 64)
	}
	in := map[string]any{
		"properties": p,
		"associations": []map[string]any{{
			"to":    map[string]string{"id": contactID},
			"types": []map[string]any{{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": dealToContact}},
		}},
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, "/crm/v3/objects/deals", in, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("hubspot: deal created with no ID in the answer: %w", crm.ErrRetryable)
	}
	return out.ID, nil
}

// do POSTs in as JSON to path and decodes the 2xx answer into out; any
// other answer is an *APIError, a request that got no answer an error
// wrapping crm.ErrRetryable.
func (c *Client) do(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("hubspot: %s: %w", path, err)
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return fmt.Errorf("hubspot: %s: %w", path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("hubspot: %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, raw, err := adapterkit.Exchange(ctx, c.cfg.HTTPClient, req, "hubspot", 1<<20, c.cfg.Logger)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("%w: %w", crm.ErrRetryable, err)
	}
	if res.StatusCode/100 != 2 {
		return c.refusal(res, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("hubspot: %s: %d answer does not parse: %w: %w", path, res.StatusCode, crm.ErrRetryable, err)
	}
	return nil
}

// refusal reads HubSpot's error answer.
func (c *Client) refusal(res *http.Response, raw []byte) error {
	e := &APIError{Status: res.StatusCode, RetryAfter: adapterkit.RetryAfter(res.Header.Get("Retry-After"), c.cfg.Now())}
	var body struct {
		Message       string `json:"message"`
		Category      string `json:"category"`
		CorrelationID string `json:"correlationId"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Message, e.Category, e.CorrelationID = body.Message, body.Category, body.CorrelationID
	}
	if e.Message == "" {
		e.Message = adapterkit.Truncate(strings.TrimSpace(string(raw)), 200)
	}
	return e
}
