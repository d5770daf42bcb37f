package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/infraforge"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/warmforge"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/timing"
)

// provisioning is what the pool buys through, from the environment, when
// its buffer of a kind runs low:
//
//	INFRAFORGE_API_KEY, INFRAFORGE_WORKSPACE_ID,  domains and their mailboxes through InfraForge;
//	INFRAFORGE_CONTACT, INFRAFORGE_SENDER_NAME    the contact is the domains' registrant, a JSON
//	                                              object ({"firstName", "lastName", "email", "address",
//	                                              "city", "postalCode", "country", and "phone",
//	                                              "organization", "state"}), the sender name the
//	                                              mailboxes' ("Sam Lee"); a domain is taken into the
//	                                              pool once its mail DNS is complete
//	INFRAFORGE_BASE_URL                           default InfraForge's public API
//	WARMFORGE_API_KEY, WARMFORGE_WORKSPACE_ID,    warmup started at Warmforge for each mailbox
//	WARMFORGE_BASE_URL                            InfraForge makes (needs INFRAFORGE_API_KEY)
//	TWILIO_NUMBERS_COUNTRY, TWILIO_NUMBERS_TYPE,  phone numbers bought through Twilio's account above
//	TWILIO_BUNDLE_SID, TWILIO_ADDRESS_SID         (TWILIO_ACCOUNT_SID): ISO country, Mobile, Local or
//	                                              TollFree, and the bundle and address the country
//	                                              requires of a buyer (Australia does)
//	OUTBOUND_BUY_SEATS (true),                    LinkedIn seats bought through Unipile's account above
//	UNIPILE_NOTIFY_SECRET                         (UNIPILE_DSN, UNIPILE_API_KEY): each seat is a hosted-auth
//	                                              link raised as a seat_link alert (the alert log, the
//	                                              dashboard, /api/v1/alerts, the alert webhook and emails)
//	                                              for a person to connect a LinkedIn account through;
//	                                              Unipile posts the account connected to
//	                                              -public-url/webhooks/unipile/notify?token=<the secret,
//	                                              16 characters or more>, and the next check takes the
//	                                              seat into the pool
//	OUTBOUND_POOL_CHECK                           how often the leading instance checks the buffer,
//	                                              reads InfraForge's domains for readiness and
//	                                              Warmforge's mailboxes for their health; default 1h
//	                                              (the engine checks the buffer at start and each
//	                                              midnight too)
//
// A kind with no provider (mail senders, and LinkedIn seats without
// OUTBOUND_BUY_SEATS) is not bought:
// its order fails and the pool alerts. With none configured the pool
// alerts and buys nothing. Keys come from the environment only and are
// never logged nor shown in an error.
type provisioning struct {
	Infraforge infraforgeAccount
	Warmforge  warmforgeAccount
	// BuyNumbers buys phone numbers through the Twilio client; Numbers
	// says which.
	BuyNumbers bool
	Numbers    twilio.NumberSearch
	// BuySeats buys LinkedIn seats through Unipile; NotifySecret is the
	// token Unipile's notifications of connected seats carry.
	BuySeats     bool
	NotifySecret string
	// CheckEvery is how often the buffer is checked.
	CheckEvery time.Duration
}

// minNotifySecret is the shortest UNIPILE_NOTIFY_SECRET: the token is all
// that guards the notify route, Unipile signing nothing.
const minNotifySecret = 16

// notifyPath is the route Unipile posts connected seats to.
const notifyPath = "/webhooks/unipile/notify"

// infraforgeAccount is an InfraForge account; the zero value has none.
type infraforgeAccount struct {
	APIKey, WorkspaceID string
	Contact             infraforge.Contact
	FirstName, LastName string // the mailboxes' sender name
	BaseURL             string
}

// warmforgeAccount is a Warmforge account; the zero value has none.
type warmforgeAccount struct{ APIKey, WorkspaceID, BaseURL string }

// defaultPoolCheck is how often the buffer is checked by default.
const defaultPoolCheck = time.Hour

// loadProvisioning reads the provisioning settings from getenv and checks
// them against the sending settings s (Twilio's account).
func loadProvisioning(getenv func(string) string, s sending) (provisioning, error) {
	p := provisioning{CheckEvery: defaultPoolCheck,
		Warmforge: warmforgeAccount{APIKey: getenv("WARMFORGE_API_KEY"), WorkspaceID: strings.TrimSpace(getenv("WARMFORGE_WORKSPACE_ID")),
			BaseURL: strings.TrimSpace(getenv("WARMFORGE_BASE_URL"))}}
	if v := getenv("OUTBOUND_POOL_CHECK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return p, &configError{Setting: "OUTBOUND_POOL_CHECK", Value: v, Reason: "must be a duration of a second or more (15m, 1h)"}
		}
		p.CheckEvery = d
	}
	if err := p.loadInfraforge(getenv); err != nil {
		return p, err
	}
	w := p.Warmforge
	switch {
	case w.APIKey == "" && (w.WorkspaceID != "" || w.BaseURL != ""):
		return p, &configError{Setting: "WARMFORGE_API_KEY", Value: "", Reason: "required with WARMFORGE_WORKSPACE_ID and WARMFORGE_BASE_URL"}
	case w.APIKey != "" && p.Infraforge.APIKey == "":
		return p, &configError{Setting: "INFRAFORGE_API_KEY", Value: "", Reason: "required with WARMFORGE_API_KEY: warmup starts on the mailboxes InfraForge makes"}
	case !httpURL(w.BaseURL):
		return p, &configError{Setting: "WARMFORGE_BASE_URL", Value: w.BaseURL, Reason: "must be an http(s) URL"}
	}
	if err := p.loadSeats(getenv, s); err != nil {
		return p, err
	}
	return p, p.loadNumbers(getenv, s)
}

// loadSeats reads whether LinkedIn seats are bought, and checks that
// Unipile's account and the notify secret are there to buy them.
func (p *provisioning) loadSeats(getenv func(string) string, s sending) error {
	buy, secret := strings.TrimSpace(getenv("OUTBOUND_BUY_SEATS")), getenv("UNIPILE_NOTIFY_SECRET")
	if buy != "" {
		b, err := strconv.ParseBool(buy)
		if err != nil {
			return &configError{Setting: "OUTBOUND_BUY_SEATS", Value: buy, Reason: "must be true or false"}
		}
		p.BuySeats = b
	}
	switch {
	case !p.BuySeats:
		if secret != "" {
			return &configError{Setting: "OUTBOUND_BUY_SEATS", Value: buy, Reason: "must be true with UNIPILE_NOTIFY_SECRET: only bought seats are notified"}
		}
		return nil
	case s.UnipileAPIKey == "":
		return &configError{Setting: "UNIPILE_API_KEY", Value: "", Reason: "required with OUTBOUND_BUY_SEATS: seats are connected through the Unipile account"}
	case secret == "":
		return &configError{Setting: "UNIPILE_NOTIFY_SECRET", Value: "", Reason: "required with OUTBOUND_BUY_SEATS: the token of " + notifyPath}
	case len(secret) < minNotifySecret:
		return &configError{Setting: "UNIPILE_NOTIFY_SECRET", Value: "(set)", Reason: fmt.Sprintf("must be %d characters or more", minNotifySecret)}
	}
	p.NotifySecret = secret
	return nil
}

// httpURL reports whether u is empty or an http(s) URL with a host and
// no credentials.
func httpURL(u string) bool {
	if u == "" {
		return true
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != "" && p.User == nil
}

// loadInfraforge reads InfraForge's settings.
func (p *provisioning) loadInfraforge(getenv func(string) string) error {
	a := infraforgeAccount{APIKey: getenv("INFRAFORGE_API_KEY"), WorkspaceID: strings.TrimSpace(getenv("INFRAFORGE_WORKSPACE_ID")),
		BaseURL: strings.TrimSpace(getenv("INFRAFORGE_BASE_URL"))}
	contact, sender := getenv("INFRAFORGE_CONTACT"), strings.TrimSpace(getenv("INFRAFORGE_SENDER_NAME"))
	if a.APIKey == "" {
		if a.WorkspaceID != "" || a.BaseURL != "" || contact != "" || sender != "" {
			return &configError{Setting: "INFRAFORGE_API_KEY", Value: "",
				Reason: "required with INFRAFORGE_WORKSPACE_ID, INFRAFORGE_CONTACT, INFRAFORGE_SENDER_NAME and INFRAFORGE_BASE_URL"}
		}
		return nil
	}
	if a.WorkspaceID == "" {
		return &configError{Setting: "INFRAFORGE_WORKSPACE_ID", Value: "", Reason: "required with INFRAFORGE_API_KEY: the workspace the domains are bought in"}
	}
	dec := json.NewDecoder(strings.NewReader(contact))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a.Contact); err != nil {
		return &configError{Setting: "INFRAFORGE_CONTACT", Value: contact, Reason: "want the registrant as a JSON object: " + err.Error()}
	}
	c := a.Contact
	for _, f := range []struct{ name, v string }{{"firstName", c.FirstName}, {"lastName", c.LastName}, {"email", c.Email},
		{"address", c.Address}, {"city", c.City}, {"postalCode", c.PostalCode}, {"country", c.Country}} {
		if strings.TrimSpace(f.v) == "" {
			return &configError{Setting: "INFRAFORGE_CONTACT", Value: contact, Reason: "the registrant's " + f.name + " is required"}
		}
	}
	if sender == "" {
		return &configError{Setting: "INFRAFORGE_SENDER_NAME", Value: "", Reason: "required with INFRAFORGE_API_KEY: the mailboxes' sender name"}
	}
	a.FirstName, a.LastName, _ = strings.Cut(sender, " ")
	a.LastName = strings.TrimSpace(a.LastName)
	if !httpURL(a.BaseURL) {
		return &configError{Setting: "INFRAFORGE_BASE_URL", Value: a.BaseURL, Reason: "must be an http(s) URL"}
	}
	p.Infraforge = a
	return nil
}

// loadNumbers reads which phone numbers Twilio sells the pool.
func (p *provisioning) loadNumbers(getenv func(string) string, s sending) error {
	n := twilio.NumberSearch{Country: strings.ToUpper(strings.TrimSpace(getenv("TWILIO_NUMBERS_COUNTRY"))),
		Type: strings.TrimSpace(getenv("TWILIO_NUMBERS_TYPE")), BundleSID: strings.TrimSpace(getenv("TWILIO_BUNDLE_SID")),
		AddressSID: strings.TrimSpace(getenv("TWILIO_ADDRESS_SID"))}
	switch {
	case n.Country == "":
		if n.Type != "" || n.BundleSID != "" || n.AddressSID != "" {
			return &configError{Setting: "TWILIO_NUMBERS_COUNTRY", Value: "",
				Reason: "required with TWILIO_NUMBERS_TYPE, TWILIO_BUNDLE_SID and TWILIO_ADDRESS_SID: the country numbers are bought in"}
		}
		return nil
	case s.TwilioAccountSID == "":
		return &configError{Setting: "TWILIO_ACCOUNT_SID", Value: "", Reason: "required with TWILIO_NUMBERS_COUNTRY: numbers are bought on the account"}
	case !isCountry(n.Country):
		return &configError{Setting: "TWILIO_NUMBERS_COUNTRY", Value: n.Country, Reason: "must be an ISO 3166-1 alpha-2 code (AU, US)"}
	case n.Type != "" && !slices.Contains([]string{"Mobile", "Local", "TollFree"}, n.Type):
		return &configError{Setting: "TWILIO_NUMBERS_TYPE", Value: n.Type, Reason: "must be Mobile, Local or TollFree"}
	}
	p.BuyNumbers, p.Numbers = true, n
	return nil
}

// buyers are the provisioners the settings build.
type buyers struct {
	// prov places the pool's orders; nil when nothing is bought.
	prov pool.Provisioner
	// kinds are the kinds bought, for the log.
	kinds []outbound.ResourceKind
	// ready reads InfraForge's domains whose mail DNS is complete; nil
	// without InfraForge.
	ready func(context.Context) ([]outbound.Inbound, error)
	// notify is Unipile's route for seats connected (at notifyPath); nil
	// when seats are not bought.
	notify http.Handler
	// warm reads Warmforge's mailboxes' health; nil without Warmforge.
	// Neither InfraForge nor Warmforge posts webhooks: both are read.
	warm  *warmforge.Client
	every time.Duration
	log   *slog.Logger
}

// seatShop is what buying LinkedIn seats takes of the server.
type seatShop struct {
	// linkedIn is the Unipile channel whose account connects the seats;
	// nil without Unipile.
	linkedIn *unipile.Channel
	// links keeps the hosted-auth links: the database every instance
	// shares on PostgreSQL, for the instance Unipile notifies may not be
	// the one that buys.
	links     unipile.SeatLinks
	publicURL string
	// alerts hands each link to the agency.
	alerts pool.Alerter
}

// buyers builds the provisioners: InfraForge's (warmup started through
// Warmforge's, when set) for domains, numbers through tw, Twilio's client
// of the sending settings (nil without Twilio), and LinkedIn seats through
// shop's Unipile channel.
func (p provisioning) buyers(clock timing.Clock, log *slog.Logger, tw *twilio.Client, shop seatShop) (buyers, error) {
	b := buyers{every: p.CheckEvery, log: log}
	by := pool.ByKind{}
	if a := p.Infraforge; a.APIKey != "" {
		c, err := infraforge.New(infraforge.Config{APIKey: a.APIKey, WorkspaceID: a.WorkspaceID, Contact: a.Contact, FirstName: a.FirstName,
			LastName: a.LastName, BaseURL: a.BaseURL, Logger: log, Now: clock.Now})
		if err != nil {
			return b, fmt.Errorf("infraforge: %w", err)
		}
		by[outbound.KindDomain], b.ready = c, c.Ready
		if w := p.Warmforge; w.APIKey != "" {
			wc, err := warmforge.New(warmforge.Config{APIKey: w.APIKey, WorkspaceID: w.WorkspaceID, BaseURL: w.BaseURL, DomainRef: c.DomainRef,
				Logger: log, Now: clock.Now})
			if err != nil {
				return b, fmt.Errorf("warmforge: %w", err)
			}
			if by[outbound.KindDomain], err = warmforge.NewProvisioner(c, wc); err != nil {
				return b, fmt.Errorf("warmforge: %w", err)
			}
			b.warm = wc
		}
	}
	if p.BuyNumbers {
		if tw == nil {
			return b, &configError{Setting: "TWILIO_NUMBERS_COUNTRY", Value: p.Numbers.Country, Reason: "numbers are bought through Twilio, which is not configured"}
		}
		by[outbound.KindPhone] = tw
	}
	if p.BuySeats {
		if shop.linkedIn == nil {
			return b, &configError{Setting: "OUTBOUND_BUY_SEATS", Value: "true", Reason: "seats are bought through Unipile, which is not configured"}
		}
		seats, err := unipile.NewProvisioner(unipile.ProvisionerConfig{Channel: shop.linkedIn, NotifyURL: shop.publicURL + notifyPath,
			Secret: p.NotifySecret, Links: shop.links, Deliver: seatLinkAlert(shop.alerts, clock)})
		if err != nil {
			return b, fmt.Errorf("unipile seats: %w", err)
		}
		by[outbound.KindLinkedInSeat], b.notify = seats, seats.NotifyHandler()
	}
	if len(by) == 0 {
		log.Warn("no provisioner configured: the pool alerts when a buffer runs low and buys nothing")
		return b, nil
	}
	b.prov = by
	for _, k := range outbound.ResourceKinds() {
		if by[k] != nil {
			b.kinds = append(b.kinds, k)
		}
	}
	log.Info("the pool buys when a buffer runs low", "kinds", b.kinds, "check_every", b.every.String())
	return b, nil
}

// seatLinkAlert hands each seat's hosted-auth link to the agency as a
// seat_link alert, which reaches the alert log (the dashboard and
// /api/v1/alerts), the alert webhook and the alert emails. An alerter
// that fails leaves the link to be handed over again at the next check.
func seatLinkAlert(alerts pool.Alerter, clock timing.Clock) func(context.Context, outbound.Order, unipile.SeatLink) error {
	return func(ctx context.Context, o outbound.Order, l unipile.SeatLink) error {
		return alerts.Alert(ctx, pool.Alert{Kind: pool.AlertSeatLink, ResourceKind: outbound.KindLinkedInSeat, At: clock.Now(), Count: 1,
			Message: fmt.Sprintf("LinkedIn seat %s: its owner connects a LinkedIn account at %s before %s; the seat joins the pool once connected",
				l.Name, l.URL, l.ExpiresAt.UTC().Format(time.RFC3339))})
	}
}

// run checks the pool's buffer every b.every until ctx ends, buying what
// runs low, and hands InfraForge's ready domains to the engine, which takes
// each into the pool once. Only the process that leads checks: with many
// instances on one database, one buys. Nothing to buy, nothing to run.
func (b buyers) run(ctx context.Context, svc *distribution.Service, clock timing.Clock) {
	if b.prov == nil {
		return
	}
	for clock.Sleep(ctx, b.every) == nil {
		if !svc.Leading() {
			continue
		}
		if _, err := svc.Pool().CheckBuffer(ctx); err != nil && ctx.Err() == nil {
			b.log.WarnContext(ctx, "pool buffer check", "err", err)
		}
		if b.ready != nil {
			evs, err := b.ready(ctx)
			if err == nil && len(evs) > 0 {
				err = svc.Accept(ctx, evs)
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				b.log.WarnContext(ctx, "infraforge: ready domains", "err", err)
			}
		}
		if b.warm != nil {
			b.health(ctx, svc)
		}
	}
}

// health reads every mailbox's warmup health at Warmforge into the pool:
// a mailbox landing in spam is throttled or paused, one disconnected or
// suspended pauses its domain through the engine. What fails is logged and
// read again at the next check.
func (b buyers) health(ctx context.Context, svc *distribution.Service) {
	rep, err := b.warm.Check(ctx)
	if err != nil && ctx.Err() == nil {
		b.log.WarnContext(ctx, "warmforge: mailbox health", "err", err)
	}
	applied, err := b.warm.Apply(ctx, rep, svc.Pool())
	if err == nil && len(rep.Events) > 0 {
		err = svc.Accept(ctx, rep.Events)
	}
	if err != nil && ctx.Err() == nil {
		b.log.WarnContext(ctx, "warmforge: mailbox health", "err", err)
	}
	if len(applied.Throttled) > 0 || len(rep.Events) > 0 {
		b.log.InfoContext(ctx, "warmforge: mailbox health", "throttled", len(applied.Throttled), "disconnected", len(rep.Events))
	}
}
