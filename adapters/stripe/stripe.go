package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	stripego "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/subscription"
	stripewebhook "github.com/stripe/stripe-go/v76/webhook"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// Defaults of [Config].
const (
	// DefaultProvider is the provider name the billing events carry.
	DefaultProvider = "stripe"
	// DefaultTolerance is how far a webhook's signed timestamp may be from
	// the clock: stripe-go's own default, five minutes.
	DefaultTolerance = stripewebhook.DefaultTolerance
	// DefaultTimeout bounds a subscription read while decoding.
	DefaultTimeout = 10 * time.Second
	// SignatureHeader is the header Stripe signs its webhooks in.
	SignatureHeader = "Stripe-Signature"
)

// Config configures the [Verifier] and the [Decoder].
type Config struct {
	// Secrets are the webhook endpoint's signing secrets (whsec_…): the
	// current one, and during a rotation the previous. At least one;
	// never logged.
	Secrets []string
	// Tolerance is how far a webhook's signed timestamp may be from Now,
	// either way. Default DefaultTolerance.
	Tolerance time.Duration
	// Plans maps a Stripe price ID (price_…) to the plan it sells
	// ("starter"). A subscription to a price not in it fails the webhook
	// (500, so Stripe delivers it again once the host has added it).
	// Required.
	Plans map[string]string
	// APIKey is the secret key (sk_…) the Decoder reads subscriptions
	// with, to act on their state now rather than on an event that may
	// have arrived out of order. Required; never logged.
	APIKey string
	// BaseURL is Stripe's API root. Default Stripe's; tests point it at
	// stripetest.Server.URL.
	BaseURL string
	// HTTPClient sends the reads. Default: a client with Timeout.
	HTTPClient *http.Client
	// Timeout bounds one subscription read. Default DefaultTimeout.
	Timeout time.Duration
	// Provider names the account in the billing events. Default
	// DefaultProvider.
	Provider string
	// Now tells the time the signed timestamps are checked against.
	// Default the real clock.
	Now func() time.Time
	// Logger hears of events whose API version is not stripe-go's (taken
	// all the same) and of events decoded to nothing. Default: discards.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("stripe", "Config", field, v, reason)
	}
	if len(c.Secrets) == 0 {
		return c, bad("Secrets", "[]", "at least one signing secret (whsec_…)")
	}
	for i, s := range c.Secrets {
		if strings.TrimSpace(s) == "" {
			return c, bad(fmt.Sprintf("Secrets[%d]", i), "", "empty")
		}
	}
	switch {
	case c.Tolerance < 0:
		return c, bad("Tolerance", c.Tolerance, "negative")
	case len(c.Plans) == 0:
		return c, bad("Plans", "{}", "map each price ID to its plan")
	case strings.TrimSpace(c.APIKey) == "":
		return c, bad("APIKey", "", "required: subscriptions are read to act on their current state")
	case c.Timeout < 0:
		return c, bad("Timeout", c.Timeout, "negative")
	}
	for price, plan := range c.Plans {
		if strings.TrimSpace(price) == "" || strings.TrimSpace(plan) == "" {
			return c, bad("Plans", price+"="+plan, "price IDs and plans must not be empty")
		}
	}
	if c.Tolerance == 0 {
		c.Tolerance = DefaultTolerance
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.Timeout}
	}
	if c.Provider == "" {
		c.Provider = DefaultProvider
	}
	if c.Now == nil {
		c.Now = timing.RealClock().Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Verifier checks Stripe's webhook signature: stripe-go's
// ConstructEventWithOptions over the raw body and the Stripe-Signature
// header, for each configured secret; then the signed timestamp against
// Config.Now within Config.Tolerance (stripe-go would check it against the
// process's wall clock, which a host's or a test's clock need not be). An
// event of another API version than stripe-go's is taken, and logged.
type Verifier struct{ cfg Config }

var _ webhook.Verifier = (*Verifier)(nil)

// NewVerifier checks cfg and returns the verifier.
func NewVerifier(cfg Config) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Verifier{cfg: cfg}, nil
}

// Verify implements webhook.Verifier: nil, or an error wrapping
// webhook.ErrSignature (401).
func (v *Verifier) Verify(r *http.Request, body []byte) error {
	header := r.Header.Get(SignatureHeader)
	if header == "" {
		return fmt.Errorf("%w: stripe: no %s header", webhook.ErrSignature, SignatureHeader)
	}
	var ev stripego.Event
	var err error
	for _, secret := range v.cfg.Secrets {
		ev, err = stripewebhook.ConstructEventWithOptions(body, header, secret,
			stripewebhook.ConstructEventOptions{IgnoreTolerance: true, IgnoreAPIVersionMismatch: true})
		if err == nil || !signatureError(err) {
			// Signed with this secret; a body that then does not parse is
			// the Decoder's to refuse (400).
			err = nil
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%w: stripe: %w", webhook.ErrSignature, err)
	}
	at, ok := signedAt(header)
	if !ok {
		return fmt.Errorf("%w: stripe: no timestamp in %s", webhook.ErrSignature, SignatureHeader)
	}
	if d := v.cfg.Now().Sub(at); d > v.cfg.Tolerance || d < -v.cfg.Tolerance {
		return fmt.Errorf("%w: stripe: signed at %s, %s from now (tolerance %s)", webhook.ErrSignature,
			at.UTC().Format(time.RFC3339), d.Round(time.Second), v.cfg.Tolerance)
	}
	if ev.APIVersion != "" && ev.APIVersion != stripego.APIVersion {
		v.cfg.Logger.Info("stripe: event of another API version, read all the same",
			"event", ev.ID, "api_version", ev.APIVersion, "stripe_go_api_version", stripego.APIVersion)
	}
	return nil
}

// signatureError reports whether stripe-go refused the signature itself,
// rather than the body it verified.
func signatureError(err error) bool {
	return errors.Is(err, stripewebhook.ErrNotSigned) || errors.Is(err, stripewebhook.ErrInvalidHeader) ||
		errors.Is(err, stripewebhook.ErrNoValidSignature) || errors.Is(err, stripewebhook.ErrTooOld)
}

// signedAt reads t= of a Stripe-Signature header.
func signedAt(header string) (time.Time, bool) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			return time.Unix(n, 0), true
		}
	}
	return time.Time{}, false
}

// Decoder turns Stripe's events into the engine's billing events:
//
//   - checkout.session.completed (subscription mode) and
//     customer.subscription.created: subscription_started, on the plan of
//     the subscription's price as read now, the customer's email and name
//     when the event has them, the session's or subscription's metadata
//     (its "zone" is the new client's zone) and the session's
//     client_reference_id, as metadata "client_reference_id";
//   - customer.subscription.updated whose items changed: plan_changed, to
//     the plan of the subscription's price as read now (an update
//     delivered late changes nothing the later one did not), from the plan
//     of the previous price; an update of anything else decodes to none;
//   - customer.subscription.deleted: subscription_cancelled (the churn
//     hold begins);
//   - invoice.paid: subscription_renewed for a new period
//     (billing_reason subscription_cycle), else payment_succeeded — either
//     way a client paused for payment sends again;
//   - invoice.payment_failed: payment_failed, Final when Stripe will not
//     try again (no next_payment_attempt): sending pauses;
//   - every other event decodes to none.
//
// Each billing event's ProviderEventID is Stripe's event ID (evt_…), so a
// redelivery is recorded once; its At is the event's created time.
type Decoder struct {
	cfg  Config
	subs subscription.Client
}

var _ webhook.Decoder = (*Decoder)(nil)

// NewDecoder checks cfg and returns the decoder.
func NewDecoder(cfg Config) (*Decoder, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	bc := &stripego.BackendConfig{HTTPClient: cfg.HTTPClient, LeveledLogger: quietLogger{},
		MaxNetworkRetries: stripego.Int64(0)}
	if cfg.BaseURL != "" {
		bc.URL = stripego.String(strings.TrimRight(cfg.BaseURL, "/"))
	}
	return &Decoder{cfg: cfg, subs: subscription.Client{B: stripego.GetBackendWithConfig(stripego.APIBackend, bc), Key: cfg.APIKey}}, nil
}

// quietLogger keeps stripe-go's own logging out of the host's output: the
// decoder reports what matters.
type quietLogger struct{}

func (quietLogger) Debugf(string, ...interface{}) {}
func (quietLogger) Infof(string, ...interface{})  {}
func (quietLogger) Warnf(string, ...interface{})  {}
func (quietLogger) Errorf(string, ...interface{}) {}

// Decode implements webhook.Decoder.
func (d *Decoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	var ev stripego.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("%w: stripe: %w", webhook.ErrPayload, err)
	}
	if ev.ID == "" || ev.Type == "" || ev.Data == nil || len(ev.Data.Raw) == 0 {
		return nil, fmt.Errorf("%w: stripe: an event needs an id, a type and data.object", webhook.ErrPayload)
	}
	b := &outbound.BillingEvent{Provider: d.cfg.Provider, ProviderEventID: ev.ID, At: time.Unix(ev.Created, 0).UTC()}
	var err error
	switch ev.Type {
	case "checkout.session.completed":
		err = d.checkout(ev, b)
	case "customer.subscription.created":
		err = d.subscriptionStarted(ev, b)
	case "customer.subscription.updated":
		err = d.subscriptionUpdated(ev, b)
	case "customer.subscription.deleted":
		err = d.subscriptionDeleted(ev, b)
	case "invoice.paid":
		err = d.invoice(ev, b, false)
	case "invoice.payment_failed":
		err = d.invoice(ev, b, true)
	default:
		return nil, nil
	}
	if err != nil || b.Type == "" {
		if err == nil {
			d.cfg.Logger.Debug("stripe: event with nothing for the engine", "event", ev.ID, "type", string(ev.Type))
		}
		return nil, err
	}
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("%w: stripe: %s %s: %w", webhook.ErrPayload, ev.Type, ev.ID, err)
	}
	return []outbound.Inbound{{Billing: b}}, nil
}

// object unmarshals the event's data.object into v.
func object(ev stripego.Event, v any) error {
	if err := json.Unmarshal(ev.Data.Raw, v); err != nil {
		return fmt.Errorf("%w: stripe: %s data.object: %w", webhook.ErrPayload, ev.Type, err)
	}
	return nil
}

func (d *Decoder) checkout(ev stripego.Event, b *outbound.BillingEvent) error {
	var s stripego.CheckoutSession
	if err := object(ev, &s); err != nil {
		return err
	}
	if s.Mode != stripego.CheckoutSessionModeSubscription || s.Subscription == nil || s.Subscription.ID == "" {
		return nil // a one-off payment: no subscription to start
	}
	sub, err := d.current(s.Subscription.ID)
	if err != nil {
		return err
	}
	if err := d.fromSubscription(b, sub); err != nil {
		return err
	}
	b.Type = outbound.BillingSubscriptionStarted
	if s.Customer != nil && s.Customer.ID != "" {
		b.Customer = s.Customer.ID
	}
	if s.CustomerDetails != nil {
		b.Email, b.Name = s.CustomerDetails.Email, s.CustomerDetails.Name
	}
	if len(s.Metadata) > 0 || s.ClientReferenceID != "" {
		b.Metadata = maps.Clone(s.Metadata)
		if b.Metadata == nil {
			b.Metadata = map[string]string{}
		}
		if s.ClientReferenceID != "" {
			b.Metadata["client_reference_id"] = s.ClientReferenceID
		}
	}
	return nil
}

func (d *Decoder) subscriptionStarted(ev stripego.Event, b *outbound.BillingEvent) error {
	sub, err := d.currentOf(ev)
	if err != nil {
		return err
	}
	b.Type = outbound.BillingSubscriptionStarted
	return d.fromSubscription(b, sub)
}

func (d *Decoder) subscriptionUpdated(ev stripego.Event, b *outbound.BillingEvent) error {
	if _, itemsChanged := ev.Data.PreviousAttributes["items"]; !itemsChanged {
		return nil // a status, a period, a discount: the invoices say what the engine needs
	}
	sub, err := d.currentOf(ev)
	if err != nil {
		return err
	}
	if sub.Status == stripego.SubscriptionStatusCanceled {
		return nil // the deletion's event ends it
	}
	b.Type = outbound.BillingPlanChanged
	if err := d.fromSubscription(b, sub); err != nil {
		return err
	}
	var prev struct {
		Items stripego.SubscriptionItemList `json:"items"`
	}
	raw, _ := json.Marshal(ev.Data.PreviousAttributes)
	if json.Unmarshal(raw, &prev) == nil {
		if p := priceOf(prev.Items.Data); p != "" {
			if plan, ok := d.cfg.Plans[p]; ok && plan != b.Plan {
				b.PreviousPlan = plan
			}
		}
	}
	return nil
}

func (d *Decoder) subscriptionDeleted(ev stripego.Event, b *outbound.BillingEvent) error {
	var s stripego.Subscription
	if err := object(ev, &s); err != nil {
		return err
	}
	if s.Customer == nil || s.Customer.ID == "" || s.ID == "" {
		return fmt.Errorf("%w: stripe: %s without a subscription or customer", webhook.ErrPayload, ev.Type)
	}
	b.Type, b.Customer, b.Subscription = outbound.BillingSubscriptionCancelled, s.Customer.ID, s.ID
	return nil
}

func (d *Decoder) invoice(ev stripego.Event, b *outbound.BillingEvent, failed bool) error {
	var in stripego.Invoice
	if err := object(ev, &in); err != nil {
		return err
	}
	if in.Customer == nil || in.Customer.ID == "" {
		return fmt.Errorf("%w: stripe: %s without a customer", webhook.ErrPayload, ev.Type)
	}
	b.Customer, b.Email, b.Name = in.Customer.ID, in.CustomerEmail, in.CustomerName
	if in.Subscription != nil {
		b.Subscription = in.Subscription.ID
	}
	b.Currency = strings.ToUpper(string(in.Currency))
	switch {
	case failed:
		b.Type, b.Amount = outbound.BillingPaymentFailed, in.AmountDue
		b.Final = in.NextPaymentAttempt == 0
	case in.BillingReason == stripego.InvoiceBillingReasonSubscriptionCycle && b.Subscription != "":
		b.Type, b.Amount = outbound.BillingSubscriptionRenewed, in.AmountPaid
	default:
		b.Type, b.Amount = outbound.BillingPaymentSucceeded, in.AmountPaid
	}
	if b.Amount == 0 {
		b.Currency = ""
	}
	if in.PeriodEnd > 0 {
		b.PeriodEnd = time.Unix(in.PeriodEnd, 0).UTC()
	}
	return nil
}

// currentOf reads the subscription an event's object is, as it stands
// now.
func (d *Decoder) currentOf(ev stripego.Event) (*stripego.Subscription, error) {
	var s stripego.Subscription
	if err := object(ev, &s); err != nil {
		return nil, err
	}
	return d.current(s.ID)
}

// current reads the subscription as it stands now.
func (d *Decoder) current(id string) (*stripego.Subscription, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: stripe: an event without a subscription ID", webhook.ErrPayload)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d.cfg.Timeout)
	defer cancel()
	params := &stripego.SubscriptionParams{}
	params.Context = ctx
	sub, err := d.subs.Get(id, params)
	if err != nil {
		var se *stripego.Error
		if errors.As(err, &se) && se.HTTPStatusCode == http.StatusNotFound {
			return nil, fmt.Errorf("%w: stripe: subscription %s not found", webhook.ErrPayload, id)
		}
		// Stripe unreachable: the webhook fails (500) and Stripe delivers
		// it again.
		return nil, fmt.Errorf("stripe: reading subscription %s: %w", id, err)
	}
	return sub, nil
}

// fromSubscription fills the subscription's keys, plan, period end and
// metadata.
func (d *Decoder) fromSubscription(b *outbound.BillingEvent, sub *stripego.Subscription) error {
	if sub.Customer == nil || sub.Customer.ID == "" {
		return fmt.Errorf("%w: stripe: subscription %s without a customer", webhook.ErrPayload, sub.ID)
	}
	b.Customer, b.Subscription = sub.Customer.ID, sub.ID
	var items []*stripego.SubscriptionItem
	if sub.Items != nil {
		items = sub.Items.Data
	}
	price := priceOf(items)
	plan, ok := d.cfg.Plans[price]
	if !ok {
		return &UnknownPriceError{Price: price, Subscription: sub.ID}
	}
	b.Plan = plan
	if sub.CurrentPeriodEnd > 0 {
		b.PeriodEnd = time.Unix(sub.CurrentPeriodEnd, 0).UTC()
	}
	if len(sub.Metadata) > 0 {
		b.Metadata = sub.Metadata
	}
	return nil
}

// priceOf is the price of a subscription's first item.
func priceOf(items []*stripego.SubscriptionItem) string {
	for _, it := range items {
		if it != nil && it.Price != nil && it.Price.ID != "" {
			return it.Price.ID
		}
	}
	return ""
}

// UnknownPriceError is a subscription to a price Config.Plans does not
// map: the webhook fails (500) so that Stripe delivers it again once the
// host has mapped it.
type UnknownPriceError struct {
	Price, Subscription string
}

func (e *UnknownPriceError) Error() string {
	return fmt.Sprintf("stripe: subscription %s is to price %q, which Config.Plans does not map to a plan", e.Subscription, e.Price)
}
