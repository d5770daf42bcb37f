package hubspot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
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
	// DefaultBaseURL is HubSpot's API root.
	DefaultBaseURL = "https://api.hubapi.com"
	// DefaultPipeline is the internal ID of HubSpot's default sales
	// pipeline.
	DefaultPipeline = "default"
	// DefaultStage is the internal ID of the default pipeline's
	// "Appointment scheduled" stage.
	DefaultStage = "appointmentscheduled"
	// DefaultKeyProperty is the custom deal property that holds a deal's
	// crm.Deal.Key.
	DefaultKeyProperty = "outbound_booking_key"
	// DefaultRate is the requests a second a Client makes: with
	// DefaultBurst, at most 100 in any 10 seconds, the least any plan
	// allows.
	DefaultRate = rate.Limit(9)
	// DefaultBurst is the requests a Client may make at once.
	DefaultBurst = 10
	// DefaultTimeout bounds one request of the default HTTP client.
	DefaultTimeout = 30 * time.Second
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
	// Ignored when Limiter is set.
	Rate  rate.Limit
	Burst int
	// Limiter, when set, paces this client's requests instead of Rate and
	// Burst: HubSpot counts requests per account, so clients of the same
	// account in one process share one.
	Limiter *rate.Limiter
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
	// The token is never shown in the error, only what is wrong with it.
	cfg.Token = strings.TrimSpace(cfg.Token)
	if cfg.Token == "" {
		return nil, bad("Token", "", "a private app's access token is required")
	}
	if strings.ContainsFunc(cfg.Token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, bad("Token", "(hidden)", "must not contain spaces or control characters")
	}
	cfg.BaseURL = strings.TrimSpace(cfg.BaseURL)
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, bad("BaseURL", cfg.BaseURL, "must be an http(s) URL")
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, bad("BaseURL", u.Redacted(), "must be an http(s) URL with no query or fragment")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	cfg.Pipeline = cmp.Or(strings.TrimSpace(cfg.Pipeline), DefaultPipeline)
	cfg.Stage = cmp.Or(strings.TrimSpace(cfg.Stage), DefaultStage)
	cfg.KeyProperty = cmp.Or(strings.TrimSpace(cfg.KeyProperty), DefaultKeyProperty)
	if cfg.Now == nil {
		cfg.Now = timing.RealClock().Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{cfg: cfg, limiter: cfg.Limiter}
	if c.limiter == nil {
		if r, burst := adapterkit.Rate(cfg.Rate, cfg.Burst, DefaultRate, DefaultBurst); r > 0 {
			c.limiter = rate.NewLimiter(r, burst)
		}
	}
	return c, nil
}

// APIError is HubSpot's refusal: its status and the parts of its error
// body, every one of which may be empty. Reach it with errors.As.
//
// It wraps crm.ErrRetryable when the same call may succeed later: 408,
// 423 (HubSpot locks an object being written in bulk for about 2
// seconds), 429, 477 (the account is moving between data centres), any
// 5xx, or a batch's error in category RATE_LIMITS; crm.ErrPermanent
// otherwise (a bad token, a missing scope, a pipeline, stage or property
// the account lacks).
type APIError struct {
	// Status is the HTTP status: 207 for an error inside a batch's
	// multi-status answer.
	Status int
	// Category is HubSpot's category (VALIDATION_ERROR, RATE_LIMITS,
	// CONFLICT, OBJECT_NOT_FOUND, INVALID_AUTHENTICATION, …), or its
	// errorType when the body has no category (a rate limit's RATE_LIMIT).
	Category string
	// Message is HubSpot's message, or the start of a body that is not
	// HubSpot's JSON.
	Message string
	// CorrelationID is HubSpot's ID of the request, for its support.
	CorrelationID string
	// PolicyName is the limit a 429 hit (TEN_SECONDLY_ROLLING, SECONDLY,
	// DAILY), when HubSpot names it.
	PolicyName string
	// RetryAfter is how long HubSpot asked to wait (its Retry-After
	// header, in seconds or as a date), 0 when it did not say.
	RetryAfter time.Duration
}

// Error names the status and what HubSpot said of it.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hubspot: %d", e.Status)
	if e.Category != "" {
		b.WriteString(" " + e.Category)
	}
	if e.PolicyName != "" {
		b.WriteString(" (" + e.PolicyName + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	if e.CorrelationID != "" {
		b.WriteString(" [correlation " + e.CorrelationID + "]")
	}
	return b.String()
}

// Unwrap returns crm.ErrRetryable or crm.ErrPermanent: whether the same
// call may succeed later.
func (e *APIError) Unwrap() error {
	if e.Temporary() {
		return crm.ErrRetryable
	}
	return crm.ErrPermanent
}

// Temporary reports whether the same call may succeed later.
func (e *APIError) Temporary() bool {
	switch {
	case e.Status >= 500,
		e.Status == http.StatusRequestTimeout,
		e.Status == http.StatusLocked,
		e.Status == http.StatusTooManyRequests,
		e.Status == statusMigrating,
		e.Category == "RATE_LIMITS":
		return true
	}
	return false
}

// statusMigrating is HubSpot's 477 Migration in Progress: the account is
// moving between data hosting locations and says, in Retry-After, when to
// come back.
const statusMigrating = 477

// hubspotError is HubSpot's error body, and an error in a batch's
// multi-status answer.
type hubspotError struct {
	Message       string `json:"message"`
	Category      string `json:"category"`
	ErrorType     string `json:"errorType"`
	CorrelationID string `json:"correlationId"`
	PolicyName    string `json:"policyName"`
}

// apiError makes an *APIError of a status and HubSpot's error body.
func (h hubspotError) apiError(status int) *APIError {
	return &APIError{Status: status, Category: cmp.Or(h.Category, h.ErrorType), Message: h.Message,
		CorrelationID: h.CorrelationID, PolicyName: h.PolicyName}
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
		return "", fmt.Errorf("hubspot: contact: %w: %w", crm.ErrPermanent, invalid.Field("crm", "Contact", "Email", ct.Email, "required"))
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
		// Errors are a multi-status (207) answer's refusals of inputs.
		Errors []hubspotError `json:"errors"`
	}
	status, err := c.do(ctx, "/crm/v3/objects/contacts/batch/upsert", in, &out)
	if err != nil {
		return "", err
	}
	if len(out.Results) > 0 && out.Results[0].ID != "" {
		return out.Results[0].ID, nil
	}
	if len(out.Errors) > 0 {
		return "", fmt.Errorf("hubspot: upsert of contact: %w", out.Errors[0].apiError(status))
	}
	return "", fmt.Errorf("hubspot: upsert of contact answered %d with no ID: %w", status, crm.ErrRetryable)
}

// CreateDeal implements crm.CRM: it looks for a deal whose KeyProperty is
// d.Key (POST /crm/v3/objects/deals/search) and returns it, else creates
// the deal (POST /crm/v3/objects/deals) in the configured pipeline and
// stage, named d.Name (or d.Key when it has no name), closing on the
// meeting's start (UTC, to the millisecond) when it is set, with d.Amount
// when it is not 0, with the key, and associated with the contact
// (HubSpot's deal-to-contact type 3).
//
// HubSpot takes no idempotency key and its search lags fresh writes by a
// few seconds: a deal created by a call whose answer was lost, looked for
// again within those seconds, may be created twice.
func (c *Client) CreateDeal(ctx context.Context, d crm.Deal, contactID string) (string, error) {
	if strings.TrimSpace(d.Key) == "" {
		return "", fmt.Errorf("hubspot: deal: %w: %w", crm.ErrPermanent, invalid.Field("crm", "Deal", "Key", d.Key, "required"))
	}
	if strings.TrimSpace(contactID) == "" {
		return "", fmt.Errorf("hubspot: deal: %w: %w", crm.ErrPermanent, invalid.Field("hubspot", "CreateDeal", "contactID", contactID, "required"))
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
	if _, err := c.do(ctx, "/crm/v3/objects/deals/search", search, &found); err != nil {
		return "", err
	}
	if len(found.Results) > 0 && found.Results[0].ID != "" {
		return found.Results[0].ID, nil
	}
	// HubSpot's guide asks for a dealname on every deal: the key names
	// one that has no name.
	p := properties{"pipeline": c.cfg.Pipeline, "dealstage": c.cfg.Stage, c.cfg.KeyProperty: d.Key, "dealname": d.Key}
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
	if _, err := c.do(ctx, "/crm/v3/objects/deals", in, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("hubspot: deal created with no ID in the answer: %w", crm.ErrRetryable)
	}
	return out.ID, nil
}

// do POSTs in as JSON to path and decodes the 2xx answer into out,
// returning its status. Any other answer is an *APIError; a request that
// got no answer is an error wrapping crm.ErrRetryable; a request ctx ended
// is an error wrapping ctx.Err().
func (c *Client) do(ctx context.Context, path string, in, out any) (int, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return 0, fmt.Errorf("hubspot: %s: %w: %w", path, crm.ErrPermanent, err)
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return 0, fmt.Errorf("hubspot: %s: %w", path, cerr)
			}
			// The wait would outlast ctx's deadline: nothing was sent.
			return 0, fmt.Errorf("hubspot: %s: rate limit: %w: %w", path, crm.ErrRetryable, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("hubspot: %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, raw, err := adapterkit.Exchange(ctx, c.cfg.HTTPClient, req, "hubspot", 1<<20, c.cfg.Logger)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			if errors.Is(err, cerr) {
				return 0, err
			}
			return 0, fmt.Errorf("%w: %w", cerr, err)
		}
		return 0, fmt.Errorf("%w: %w", crm.ErrRetryable, err)
	}
	if res.StatusCode/100 != 2 {
		return res.StatusCode, c.refusal(res, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return res.StatusCode, fmt.Errorf("hubspot: %s: %d answer does not parse: %w: %w", path, res.StatusCode, crm.ErrRetryable, err)
	}
	return res.StatusCode, nil
}

// refusal reads HubSpot's error answer.
func (c *Client) refusal(res *http.Response, raw []byte) error {
	var body hubspotError
	_ = json.Unmarshal(raw, &body) // every field is optional; a body that is not JSON leaves them empty
	e := body.apiError(res.StatusCode)
	e.RetryAfter = adapterkit.RetryAfter(res.Header.Get("Retry-After"), c.cfg.Now())
	if e.Message == "" {
		e.Message = adapterkit.Truncate(strings.TrimSpace(string(raw)), 200)
	}
	return e
}
