package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// config is a deployment: what the flags, the environment and the
// optional config file say, in that order of precedence (a flag set on
// the command line wins over the environment, which wins over the file).
// Secrets come from the environment only, never from flags (a process
// list shows them) nor the file, and are never logged.
type config struct {
	// Addr is where the server listens. Flag -addr, env OUTBOUND_ADDR,
	// file "addr". Default ":8080".
	Addr string `json:"addr"`
	// DatabaseURL is the PostgreSQL store; "" runs on the memory store.
	// Flag -database-url, env DATABASE_URL, file "database_url".
	DatabaseURL string `json:"database_url"`
	// PublicURL is the scheme and host providers call ("https://hooks.example.com"):
	// Twilio signs its callbacks over it. Flag -public-url, env
	// OUTBOUND_PUBLIC_URL, file "public_url". Required when Twilio is
	// configured, and when the pool buys LinkedIn seats (Unipile notifies it).
	PublicURL string `json:"public_url"`
	// Prices maps the billing provider's price IDs to plans
	// ("price_123": "starter"). File "prices", or env OUTBOUND_PRICES as
	// "price_123=starter,price_456=growth".
	Prices map[string]string `json:"prices"`
	// Zone is the zone of a client a billing event signs up without one.
	// File "billing_zone", env OUTBOUND_BILLING_ZONE. Default "UTC".
	BillingZone string `json:"billing_zone"`
	// ShutdownGrace bounds a graceful stop: in-flight sends and requests
	// finish within it. Flag -shutdown-grace. Default 30s.
	ShutdownGrace time.Duration `json:"-"`
	// Demo starts on the memory store with every provider's fake, a stocked
	// pool and a demo client with leads. Flag -demo.
	Demo bool `json:"-"`
	// Secrets are the providers' credentials, from the environment.
	Secrets secrets `json:"-"`
	// Sending is how the deployment sends, from the environment.
	Sending sending `json:"-"`
	// AlertEmail is who every pool alert is emailed to, from the
	// environment; the zero value emails none.
	AlertEmail alertEmail `json:"-"`
	// Registers are the do-not-call registers, from the environment.
	Registers registers `json:"-"`
	// Provisioning is what the pool buys through, from the environment.
	Provisioning provisioning `json:"-"`
	// CRM is where booked meetings go, from the environment.
	CRM crmSettings `json:"-"`
	// store, when set, is the store to serve instead of opening one: how
	// a test looks at what the server recorded.
	store storage.Store
	// onDemo, when set, is told the demo's providers once they started:
	// how a test reaches the fakes.
	onDemo func(*demoProviders)
	// twilioBaseURL, when set, is where the Twilio client calls instead of
	// Twilio's API: how a test points it at Twilio's fake.
	twilioBaseURL string
}

// secrets are the providers' credentials. A provider whose webhook secret
// is empty has no webhook route.
type secrets struct {
	StripeWebhook   string // STRIPE_WEBHOOK_SECRET (whsec_…)
	StripeAPIKey    string // STRIPE_API_KEY (sk_…): subscriptions are read as they stand
	TwilioAuthToken string // TWILIO_AUTH_TOKEN
	VapiWebhook     string // VAPI_WEBHOOK_SECRET: the HMAC credential's secret
	UnipileWebhook  string // UNIPILE_WEBHOOK_SECRET: the secret header's value
	LobWebhook      string // LOB_WEBHOOK_SECRET
	StannpWebhook   string // STANNP_WEBHOOK_SECRET
	CalcomWebhook   string // CALCOM_WEBHOOK_SECRET
	CalendlyKey     string // CALENDLY_SIGNING_KEY
	SalesforgeToken string // SALESFORGE_WEBHOOK_TOKEN: the token in the route's query
	InboundMail     string // INBOUND_MAIL_TOKEN: the X-Inbound-Token of the inbound-mail route
	// AdminToken is the API's admin bearer token (OUTBOUND_ADMIN_TOKEN);
	// "" leaves no admin. With -demo and none set, "demo-admin-token".
	AdminToken string
	// ClientTokens are the clients' API tokens (OUTBOUND_CLIENT_TOKENS):
	// "clientID:token" pairs separated by commas.
	ClientTokens string
	// SentryDSN reports every error logged to Sentry (SENTRY_DSN).
	SentryDSN string
	// AlertWebhook is a Slack-style incoming webhook every pool alert is
	// posted to (OUTBOUND_ALERT_WEBHOOK_URL).
	AlertWebhook string
}

// alertEmail is who every pool alert is emailed to, through the SMTP relay
// of OUTBOUND_SMTP_HOST (its port, credentials and TLS policy as
// sending says):
//
//	OUTBOUND_ALERT_EMAIL_TO    one or more addresses separated by commas
//	                           ("ops@agency.example, On call <oncall@agency.example>");
//	                           default none: no alert is emailed
//	OUTBOUND_ALERT_EMAIL_FROM  the sender, a bare address ("alerts@agency.example");
//	                           no default, required with OUTBOUND_ALERT_EMAIL_TO
//
// Each setting needs the other, and both need OUTBOUND_SMTP_HOST, or the
// server refuses to start.
type alertEmail struct {
	To   []channel.Recipient // each address, with its display name if it has one
	From string              // a bare address
}

// enabled reports whether alerts are emailed.
func (a alertEmail) enabled() bool { return len(a.To) > 0 }

// loadAlertEmail reads the alert email settings from getenv and checks
// them against the SMTP relay s names.
func loadAlertEmail(getenv func(string) string, s sending) (alertEmail, error) {
	to, from := getenv("OUTBOUND_ALERT_EMAIL_TO"), getenv("OUTBOUND_ALERT_EMAIL_FROM")
	var a alertEmail
	switch {
	case to == "" && from == "":
		return a, nil
	case to == "":
		return a, &configError{Setting: "OUTBOUND_ALERT_EMAIL_TO", Value: "", Reason: "required with OUTBOUND_ALERT_EMAIL_FROM: who the alerts are emailed to"}
	case from == "":
		return a, &configError{Setting: "OUTBOUND_ALERT_EMAIL_FROM", Value: "", Reason: "required with OUTBOUND_ALERT_EMAIL_TO: the address the alerts are sent from"}
	case s.SMTPHost == "":
		return a, &configError{Setting: "OUTBOUND_SMTP_HOST", Value: "", Reason: "required with OUTBOUND_ALERT_EMAIL_TO: alerts are emailed through the SMTP relay"}
	}
	for _, part := range strings.Split(to, ",") {
		part = strings.TrimSpace(part)
		addr, err := mail.ParseAddress(part)
		if err != nil {
			return a, &configError{Setting: "OUTBOUND_ALERT_EMAIL_TO", Value: part, Reason: "want email addresses separated by commas: " + err.Error()}
		}
		a.To = append(a.To, channel.Recipient{Name: addr.Name, Email: addr.Address})
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(from))
	if err != nil {
		return a, &configError{Setting: "OUTBOUND_ALERT_EMAIL_FROM", Value: from, Reason: "want an email address: " + err.Error()}
	}
	if addr.Name != "" {
		return a, &configError{Setting: "OUTBOUND_ALERT_EMAIL_FROM", Value: from, Reason: "want a bare address, without a display name"}
	}
	a.From = addr.Address
	return a, nil
}

// errUsage marks a bad command line or configuration.
var errUsage = errors.New("usage")

// configError names the setting at fault and what is wrong with it.
type configError struct {
	Setting string // "-addr", "OUTBOUND_PRICES", "config file: prices"
	Value   string
	Reason  string
}

func (e *configError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Setting, e.Value, e.Reason)
}

func (e *configError) Unwrap() error { return errUsage }

// loadConfig reads the configuration from args (without the program's
// name), getenv and, with -config, a JSON file.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	c := config{Addr: ":8080", BillingZone: "UTC", ShutdownGrace: 30 * time.Second}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("config", "", "a JSON config file (addr, database_url, public_url, prices, billing_zone)")
	addr := fs.String("addr", "", "listen address (env OUTBOUND_ADDR; default :8080)")
	db := fs.String("database-url", "", "PostgreSQL URL (env DATABASE_URL); empty: the memory store")
	public := fs.String("public-url", "", "the scheme and host providers call, Twilio's callbacks signed over it (env OUTBOUND_PUBLIC_URL)")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", c.ShutdownGrace, "how long a graceful stop may take")
	fs.BoolVar(&c.Demo, "demo", false, "the memory store with every provider's fake, a stocked pool and a demo client with leads")
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return c, &configError{Setting: "argument", Value: fs.Arg(0), Reason: "the server takes flags only"}
	}
	if *file != "" {
		raw, err := os.ReadFile(*file)
		if err != nil {
			return c, &configError{Setting: "-config", Value: *file, Reason: err.Error()}
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return c, &configError{Setting: "-config", Value: *file, Reason: "not a config file: " + err.Error()}
		}
	}
	set := func(dst *string, flagValue, env string) {
		if v := getenv(env); v != "" {
			*dst = v
		}
		if flagValue != "" {
			*dst = flagValue
		}
	}
	set(&c.Addr, *addr, "OUTBOUND_ADDR")
	set(&c.DatabaseURL, *db, "DATABASE_URL")
	set(&c.PublicURL, *public, "OUTBOUND_PUBLIC_URL")
	set(&c.BillingZone, "", "OUTBOUND_BILLING_ZONE")
	if v := getenv("OUTBOUND_PRICES"); v != "" {
		c.Prices = map[string]string{}
		for _, pair := range strings.Split(v, ",") {
			price, plan, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if !ok || price == "" || plan == "" {
				return c, &configError{Setting: "OUTBOUND_PRICES", Value: pair, Reason: "want price=plan pairs separated by commas"}
			}
			c.Prices[price] = plan
		}
	}
	c.Secrets = secrets{
		StripeWebhook: getenv("STRIPE_WEBHOOK_SECRET"), StripeAPIKey: getenv("STRIPE_API_KEY"),
		TwilioAuthToken: getenv("TWILIO_AUTH_TOKEN"), VapiWebhook: getenv("VAPI_WEBHOOK_SECRET"),
		UnipileWebhook: getenv("UNIPILE_WEBHOOK_SECRET"), LobWebhook: getenv("LOB_WEBHOOK_SECRET"),
		StannpWebhook: getenv("STANNP_WEBHOOK_SECRET"), CalcomWebhook: getenv("CALCOM_WEBHOOK_SECRET"),
		CalendlyKey: getenv("CALENDLY_SIGNING_KEY"), SalesforgeToken: getenv("SALESFORGE_WEBHOOK_TOKEN"),
		InboundMail: getenv("INBOUND_MAIL_TOKEN"), AdminToken: getenv("OUTBOUND_ADMIN_TOKEN"),
		ClientTokens: getenv("OUTBOUND_CLIENT_TOKENS"), SentryDSN: getenv("SENTRY_DSN"),
		AlertWebhook: getenv("OUTBOUND_ALERT_WEBHOOK_URL"),
	}
	var err error
	if c.Sending, err = loadSending(getenv); err != nil {
		return c, err
	}
	if err := c.Sending.check(c.Secrets); err != nil {
		return c, err
	}
	if c.AlertEmail, err = loadAlertEmail(getenv, c.Sending); err != nil {
		return c, err
	}
	if c.Registers, err = loadRegisters(getenv); err != nil {
		return c, err
	}
	if c.Provisioning, err = loadProvisioning(getenv, c.Sending); err != nil {
		return c, err
	}
	if c.CRM, err = loadCRM(getenv); err != nil {
		return c, err
	}
	if c.Demo && c.Secrets.AdminToken == "" {
		c.Secrets.AdminToken = demoAdminToken
	}
	return c, c.validate()
}

// validate reports the first setting that cannot work.
func (c *config) validate() error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return &configError{Setting: "-public-url", Value: c.PublicURL, Reason: "must be an http(s) URL with a host"}
		}
		c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	}
	if c.Provisioning.BuySeats && c.PublicURL == "" && !c.Demo {
		return &configError{Setting: "-public-url", Value: "", Reason: "required with OUTBOUND_BUY_SEATS: Unipile posts each connected seat to -public-url" + notifyPath}
	}
	if c.DatabaseURL != "" && c.Demo {
		return &configError{Setting: "-database-url", Value: "(set)", Reason: "-demo runs on the memory store: give one or the other"}
	}
	if c.Secrets.TwilioAuthToken != "" && c.PublicURL == "" && !c.Demo {
		return &configError{Setting: "-public-url", Value: "", Reason: "required with TWILIO_AUTH_TOKEN: Twilio signs its callbacks over the public URL"}
	}
	if (c.Secrets.StripeWebhook == "") != (c.Secrets.StripeAPIKey == "") {
		return &configError{Setting: "STRIPE_API_KEY", Value: "", Reason: "Stripe needs both STRIPE_WEBHOOK_SECRET and STRIPE_API_KEY"}
	}
	if c.Secrets.StripeWebhook != "" && len(c.Prices) == 0 {
		return &configError{Setting: "OUTBOUND_PRICES", Value: "", Reason: "Stripe's subscriptions need their prices mapped to plans"}
	}
	if _, err := time.LoadLocation(c.BillingZone); err != nil || c.BillingZone == "" {
		return &configError{Setting: "OUTBOUND_BILLING_ZONE", Value: c.BillingZone, Reason: "must be an IANA time zone name"}
	}
	if t := c.Secrets.AdminToken; t != "" && t != demoAdminToken && len(t) < 16 {
		return &configError{Setting: "OUTBOUND_ADMIN_TOKEN", Value: "(set)", Reason: "must be 16 characters or more"}
	}
	if w := c.Secrets.AlertWebhook; w != "" {
		u, err := url.Parse(w)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return &configError{Setting: "OUTBOUND_ALERT_WEBHOOK_URL", Value: "(set)", Reason: "must be an http(s) URL"}
		}
	}
	if c.ShutdownGrace <= 0 {
		return &configError{Setting: "-shutdown-grace", Value: c.ShutdownGrace.String(), Reason: "must be positive"}
	}
	return nil
}
