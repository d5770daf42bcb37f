package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/stripe"
	"github.com/outbound-go/outbound/adapters/stripe/stripetest"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/timing"
)

// demoProviders are the providers' fakes a -demo server runs against:
// Stripe (the demo client signs up by its signed checkout events), Twilio
// (texts, with signed status callbacks and received texts posted back),
// the scheduling providers' secrets (their fakes are in the tests), and
// in-memory fakes for the other channels.
type demoProviders struct {
	stripe   *stripetest.Server
	twilio   *twiliotest.Server
	channels []channel.Channel
	client   *http.Client
}

func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startDemo starts the fakes and fills cfg's secrets and env with theirs.
func startDemo(cfg *config, env *providerEnv) (*demoProviders, error) {
	d := &demoProviders{client: &http.Client{Timeout: 30 * time.Second}}
	d.stripe = stripetest.NewServer(stripetest.Config{WebhookSecret: "whsec_" + token(), Now: env.Clock.Now})
	cfg.Secrets.StripeWebhook, cfg.Secrets.StripeAPIKey, env.StripeBaseURL = d.stripe.WebhookSecret(), d.stripe.APIKey(), d.stripe.URL()
	cfg.Prices = map[string]string{}
	for _, p := range outbound.DefaultPlans() {
		cfg.Prices["price_"+p.Name] = p.Name
	}
	d.twilio = twiliotest.NewServer(twiliotest.Config{AuthToken: token(), Now: env.Clock.Now, SMSURL: cfg.PublicURL + "/webhooks/twilio/sms"})
	cfg.Secrets.TwilioAuthToken = d.twilio.AuthToken()
	tw, err := twilio.New(twilio.Config{AccountSID: d.twilio.AccountSID(), AuthToken: d.twilio.AuthToken(), BaseURL: d.twilio.URL(),
		SMSStatusURL: cfg.PublicURL + "/webhooks/twilio/sms-status", Now: env.Clock.Now})
	if err != nil {
		d.close()
		return nil, fmt.Errorf("demo twilio: %w", err)
	}
	cfg.Secrets.CalcomWebhook, cfg.Secrets.CalendlyKey = "whsec_"+token(), token()
	others, err := fakeChannels(env.Clock, channel.SetOf(channel.SMS))
	if err != nil {
		d.close()
		return nil, err
	}
	d.channels = append(others, tw.SMS())
	return d, nil
}

func (d *demoProviders) close() {
	if d.stripe != nil {
		d.stripe.Close()
	}
	if d.twilio != nil {
		d.twilio.Close()
	}
}

// demoAdminToken is the API's admin token of a -demo server that was
// given none: a demo's, known to whoever reads this.
const demoAdminToken = "demo-admin-token"

// demoClient names the demo's client and its Stripe keys.
const (
	demoCustomer     = "cus_demo"
	demoSubscription = "sub_demo"
)

// seed stocks the pool, signs the demo client up by buying the growth
// plan at Stripe's fake (its signed events posted to the server's own
// Stripe route), answers its replies automatically with a booking link,
// and onboards a campaign of demo leads against an ICP.
func (d *demoProviders) seed(ctx context.Context, svc *distribution.Service, self string) error {
	now := timing.RealClock().Now()
	for _, k := range []struct {
		kind outbound.ResourceKind
		n    int
	}{{outbound.KindDomain, 8}, {outbound.KindPhone, 4}, {outbound.KindLinkedInSeat, 3}, {outbound.KindMailSender, 1}} {
		if _, err := svc.Pool().Stock(ctx, k.kind, k.n, now.AddDate(0, 0, -60)); err != nil {
			return err
		}
	}
	for _, ev := range d.stripe.CheckoutAs(demoCustomer, demoSubscription, "billing@demo-agency.example", "Demo Agency", "price_growth",
		map[string]string{"zone": "Australia/Sydney"}) {
		if err := d.post(ctx, self+"/webhooks/stripe", ev.Body, http.Header{stripe.SignatureHeader: {d.stripe.Sign(ev.Body, now)}}); err != nil {
			return fmt.Errorf("stripe %s: %w", ev.Type, err)
		}
	}
	clients, err := svc.Clients(ctx)
	if err != nil {
		return err
	}
	var client *outbound.Client
	for i := range clients {
		if clients[i].BillingSubscription == demoSubscription {
			client = &clients[i]
		}
	}
	if client == nil {
		return fmt.Errorf("the demo client did not sign up")
	}
	if err := svc.SetAnswers(ctx, client.ID, outbound.AnswerAuto, "https://cal.com/demo-agency/intro?metadata[lead]={lead}"); err != nil {
		return err
	}
	_, err = svc.Onboard(ctx, distribution.OnboardInput{Client: client.ID, Campaign: "Growth leaders, AU",
		ICP: outbound.ICP{Countries: []string{"AU"}, Industries: []string{"software", "logistics"}, MinEmployees: 11, MaxEmployees: 1000,
			Seniority: outbound.SeniorityDirector},
		Rows: demoLeads()})
	return err
}

// post delivers one webhook and wants it taken.
func (d *demoProviders) post(ctx context.Context, url string, body []byte, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = header
	req.Header.Set("Content-Type", "application/json")
	res, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s %s", url, res.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// demoLeads are a small, varied set of Australian prospects.
func demoLeads() []distribution.LeadInput {
	type p struct{ first, last, title, company, domain, industry, region string }
	people := []p{
		{"Ann", "Lee", "Head of Growth", "Harbour Freight", "harbourfreight.com.au", "Logistics", "NSW"},
		{"Bo", "Chen", "VP Marketing", "Stackly", "stackly.com.au", "Software", "VIC"},
		{"Cara", "Ng", "Marketing Manager", "Brightside Dental", "brightside.com.au", "Healthcare", "QLD"},
		{"Dev", "Patel", "CEO", "Northwind Labs", "northwindlabs.com.au", "Software", "NSW"},
		{"Eli", "Moss", "Growth Analyst", "Parkview Realty", "parkview.com.au", "Real Estate", "WA"},
		{"Fay", "Ward", "Director of Sales", "Coastal Freight", "coastalfreight.com.au", "Logistics", "SA"},
		{"Gus", "Hale", "CTO", "Ledgerly", "ledgerly.com.au", "Software", "VIC"},
		{"Hana", "Ito", "Head of Marketing", "Kiwi Cloud", "kiwicloud.com.au", "Software", "NSW"},
	}
	out := make([]distribution.LeadInput, 0, len(people))
	for i, x := range people {
		out = append(out, distribution.LeadInput{
			Line: i + 2, ExternalID: fmt.Sprintf("demo-%d", i+1), Email: fmt.Sprintf("%s.%s@%s", x.first, x.last, x.domain),
			Phone: fmt.Sprintf("+6141200%04d", 1000+i), FirstName: x.first, LastName: x.last, Title: x.title,
			Company: x.company, CompanyDomain: x.domain, Industry: x.industry, Employees: 40 * (i + 1),
			Country: "AU", Region: x.region, LinkedIn: fmt.Sprintf("https://www.linkedin.com/in/%s-%s-demo", x.first, x.last),
		})
	}
	return out
}
