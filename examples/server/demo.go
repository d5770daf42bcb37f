package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net/http"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
	"github.com/outbound-go/outbound/adapters/hubspot/hubspottest"
	"github.com/outbound-go/outbound/adapters/infraforge"
	"github.com/outbound-go/outbound/adapters/infraforge/infraforgetest"
	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/stripe"
	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/adapters/warmforge/warmforgetest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/examples/internal/fakes"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/timing"
)

// demoProviders are the providers' fakes a -demo server runs against,
// each behind its real adapter (examples/internal/fakes): email through
// the SMTP adapter to an SMTP server on 127.0.0.1, calls through Vapi's
// adapter, texts through Twilio's, LinkedIn through Unipile's, letters
// through Lob's, and the demo client's signup through Stripe's fake. What
// the providers report comes back to the server's own webhook routes,
// signed by each fake: Twilio's and Unipile's fakes post it themselves,
// and live has Vapi's and Lob's fakes post theirs as calls end and
// letters arrive.
type demoProviders struct {
	fakes *fakes.Set
	dncr  *fakes.DNCR // the Australian register's fake
	// infraforge is InfraForge's fake, which sells the pool its domains;
	// warmforge is Warmforge's, where each mailbox bought is connected
	// (as InfraForge's export does) and warmed up.
	infraforge *infraforgetest.Server
	// calcom posts, signed as Cal.com does, the bookings leads make
	// through the links the demo client's answers carry.
	calcom *calcomtest.Sender
	// hubspot is HubSpot's fake, the demo's CRM.
	hubspot   *hubspottest.Server
	warmforge *warmforgetest.Server
	channels  []channel.Channel
	client    *http.Client
	clientID  outbound.ClientID // the demo client, once seeded
	clock     timing.Clock
	log       *slog.Logger
	// calls draws how each call ends, as its touch's outcome.
	calls channeltest.Model

	mu       sync.Mutex
	reported map[string]bool // the calls and texts whose outcome was posted
	stop     context.CancelFunc
	done     chan struct{}
}

// demoTick is how often the fakes report what became due.
const demoTick = 5 * time.Second

// startDemo starts the fakes, their adapters as the demo's channels, and
// fills cfg's secrets and env with the fakes' own, so that each route
// verifies what its fake signs.
func startDemo(ctx context.Context, cfg *config, env *providerEnv) (*demoProviders, error) {
	set, err := fakes.Start(ctx, fakes.Options{Clock: env.Clock, Webhooks: cfg.PublicURL, HELO: "demo.localhost"})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	d := &demoProviders{fakes: set, client: &http.Client{Timeout: 30 * time.Second}, clock: env.Clock, log: env.Log,
		reported: map[string]bool{}}
	s := &cfg.Secrets
	s.StripeWebhook, s.StripeAPIKey, env.StripeBaseURL = set.Stripe.WebhookSecret(), set.Stripe.APIKey(), set.Stripe.URL()
	cfg.Prices = set.Prices
	s.TwilioAuthToken = set.Twilio.AuthToken()
	s.VapiWebhook = set.Vapi.Secret()
	s.UnipileWebhook, env.Unipile.Journal = set.UnipileSecret, set.Journal
	s.LobWebhook = set.Lob.WebhookSecret()
	s.CalcomWebhook, s.CalendlyKey = "whsec_"+fakes.Token(), fakes.Token()
	d.calcom = &calcomtest.Sender{Secret: s.CalcomWebhook, Client: d.client}
	// Each meeting booked goes to HubSpot's fake as a contact and a deal.
	d.hubspot = hubspottest.New(hubspottest.Config{})
	cfg.CRM = crmSettings{Token: d.hubspot.Token(), BaseURL: d.hubspot.URL()}
	d.dncr = fakes.StartDNCR(fakes.DNCROptions{Registered: demoDNCRListed()})
	cfg.Registers.AU = dncrAccount{TelemarketerID: d.dncr.TelemarketerID, WashOnlyUserID: d.dncr.WashOnlyUserID,
		Password: d.dncr.Password, Endpoint: d.dncr.URL()}
	// The pool buys domains and their mailboxes at InfraForge's fake
	// (each domain's mail DNS complete at once) and numbers at Twilio's.
	d.warmforge = warmforgetest.NewServer(warmforgetest.Config{APIKey: "wf_" + fakes.Token()})
	d.infraforge = infraforgetest.NewServer(infraforgetest.Config{APIKey: "if_" + fakes.Token(), DKIM: true,
		Bought: func(address string) { d.warmforge.Add(warmforgetest.Mailbox{Address: address}) }})
	cfg.Provisioning.Warmforge = warmforgeAccount{APIKey: d.warmforge.APIKey(), WorkspaceID: d.warmforge.WorkspaceID(),
		BaseURL: d.warmforge.URL()}
	cfg.Provisioning.Infraforge = infraforgeAccount{APIKey: d.infraforge.APIKey(), WorkspaceID: d.infraforge.WorkspaceID(),
		BaseURL: d.infraforge.URL(), FirstName: "Sam", LastName: "Lee", Contact: infraforge.Contact{FirstName: "Sam", LastName: "Lee",
			Email: "domains@demo-agency.example", Address: "1 George St", City: "Sydney", PostalCode: "2000", Country: "AU"}}
	set.Twilio.Stock("AU", "Mobile", demoNumbersForSale()...)
	cfg.Provisioning.BuyNumbers = true
	// Seats are bought through Unipile's fake: each hosted-auth link is
	// raised as an alert, and live connects it as its owner would.
	cfg.Provisioning.BuySeats, cfg.Provisioning.NotifySecret = true, fakes.Token()
	if cfg.Provisioning.CheckEvery == defaultPoolCheck {
		cfg.Provisioning.CheckEvery = demoPoolCheck
	}
	// The pool's stocked resources name no provider the adapters know
	// (pool.StockProvider): each adapter but Lob's sends for every
	// resource of its kind. Lob sends from the registered sender.
	d.channels = []channel.Channel{anyProvider(set.Email), anyProvider(set.Calls), anyProvider(set.Texts), anyProvider(set.LinkedIn),
		set.Letters}
	if cfg.onDemo != nil {
		cfg.onDemo(d)
	}
	return d, nil
}

// close stops live, then the fakes.
func (d *demoProviders) close() {
	if d.stop != nil {
		d.stop()
		<-d.done
	}
	d.dncr.Close()
	d.infraforge.Close()
	d.hubspot.Close()
	d.warmforge.Close()
	d.fakes.Close()
}

// live has the fakes report, every demoTick until ctx ends, what became
// due: each text delivered (Twilio's status callback), each call ended as
// its touch's outcome is drawn (Vapi's end-of-call report), each letter's
// tracking events (Lob), LinkedIn members accepting invitations and
// answering messages (Unipile's notices), the seats bought connected
// through their hosted-auth links (Unipile's notify), and leads booking
// through the links the client's answers carry (Cal.com's), each signed,
// to the server's routes under self.
func (d *demoProviders) live(ctx context.Context, self string) {
	ctx, d.stop = context.WithCancel(ctx)
	d.done = make(chan struct{})
	go func() {
		defer close(d.done)
		for d.clock.Sleep(ctx, demoTick) == nil {
			if err := d.report(ctx, self); err != nil && ctx.Err() == nil {
				d.log.WarnContext(ctx, "demo: a fake's webhook was not taken", "err", err)
			}
		}
	}()
}

// report posts, once each, what the fakes have to report by now.
func (d *demoProviders) report(ctx context.Context, self string) error {
	var errs []error
	for _, m := range d.fakes.Twilio.Messages() {
		if m.Direction != "outbound-api" || m.StatusCallback == "" || !d.first(m.Sid) {
			continue
		}
		errs = append(errs, d.fakes.Twilio.Report(ctx, m.Sid, "delivered", 0))
	}
	now := d.clock.Now()
	for _, c := range d.fakes.Vapi.Calls() {
		at, reason, ok := d.ending(c)
		if !ok || at.After(now) || !d.first(c.ID) {
			continue
		}
		errs = append(errs, d.reportCall(ctx, self, c.ID, reason, "", at))
	}
	if _, err := d.fakes.Lob.DeliverDue(ctx, self+"/webhooks/lob"); err != nil {
		errs = append(errs, err)
	}
	if _, err := d.fakes.Unipile.Simulate(ctx, 0.3, 0.2); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, d.connectSeats(ctx))
	errs = append(errs, d.book(ctx, self))
	return errors.Join(errs...)
}

// connectSeats plays each seat's owner: every hosted-auth link the pool
// had Unipile's fake make is gone through, once, and the fake notifies the
// server's route of the account connected, which the pool's next check
// takes in.
func (d *demoProviders) connectSeats(ctx context.Context) error {
	var errs []error
	for _, l := range d.fakes.Unipile.HostedLinks() {
		if l.AccountID != "" {
			continue
		}
		if _, err := d.fakes.Unipile.Connect(ctx, l.URL); err != nil {
			errs = append(errs, fmt.Errorf("seat %s: %w", l.Name, err))
		}
	}
	return errors.Join(errs...)
}

// book has each lead sent the demo client's booking link book a meeting
// through it, once: a half-hour call two days on, which Cal.com's fake
// reports, signed, to the server's Cal.com route. The links are read from
// what went out by text, LinkedIn and email.
func (d *demoProviders) book(ctx context.Context, self string) error {
	var texts []string
	for _, m := range d.fakes.Twilio.Messages() {
		texts = append(texts, m.Body)
	}
	for _, m := range d.fakes.Unipile.Messages() {
		if m.FromSeat {
			texts = append(texts, m.Text)
		}
	}
	for _, m := range d.fakes.SMTP.Messages() {
		texts = append(texts, string(m.Data))
		if b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(m.Data))); err == nil {
			texts = append(texts, string(b)) // a quoted-printable body, its soft line breaks joined
		}
	}
	var errs []error
	now := d.clock.Now()
	for _, text := range texts {
		lead, ok := fakes.BookingLead(text)
		if !ok || !d.first("booking/"+lead.String()) {
			continue
		}
		start := now.Add(48 * time.Hour).Truncate(time.Hour)
		b := calcomtest.Booking{UID: "bk_demo_" + lead.String()[:8], Title: "Intro call", Start: start, End: start.Add(30 * time.Minute),
			Attendee:  calcomtest.Person{Name: "Demo lead", Email: "lead-" + lead.String()[:8] + "@demo.example"},
			Organizer: calcomtest.Person{Name: "Sam Lee", Email: "sam@demo-agency.example"},
			Location:  "https://cal.com/video/demo-" + lead.String()[:8], Metadata: map[string]string{calcom.MetadataLead: lead.String()}}
		if _, err := d.calcom.Deliver(ctx, self+"/webhooks/calcom", calcom.TriggerCreated, b, now, nil); err != nil {
			errs = append(errs, fmt.Errorf("cal.com booking of %s: %w", lead, err))
		}
	}
	return errors.Join(errs...)
}

// first reports whether id is reported for the first time, and marks it.
func (d *demoProviders) first(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.reported[id] {
		return false
	}
	d.reported[id] = true
	return true
}

// ending is when and how call c ends: its touch's outcome drawn by the
// model from when it was placed.
func (d *demoProviders) ending(c vapi.Call) (time.Time, string, bool) {
	placed, err := time.Parse(time.RFC3339Nano, c.CreatedAt)
	if err != nil {
		return time.Time{}, "", false
	}
	m := channel.NewMessage(vapi.TouchOf(c.Name), channel.ActionCall)
	rc := channel.Receipt{Provider: vapi.DefaultProvider, ProviderMessageID: c.ID, Status: channel.StatusAccepted, At: placed}
	for _, e := range d.calls.Events(m, rc, placed) {
		if reason, ok := fakes.VapiEnding(e.Type); ok {
			return e.At, reason, true
		}
	}
	return time.Time{}, "", false
}

// reportCall posts Vapi's end-of-call report of call id, ended for reason
// at at with the transcript, signed with Vapi's HMAC credential, to the
// server's Vapi route.
func (d *demoProviders) reportCall(ctx context.Context, self, id, reason, transcript string, at time.Time) error {
	body, err := d.fakes.Vapi.Report(id, reason, transcript, "", at)
	if err != nil {
		return err
	}
	sig, ts := d.fakes.Vapi.Sign(body, d.clock.Now())
	return d.post(ctx, self+"/webhooks/vapi", body, http.Header{vapi.DefaultSignatureHeader: {sig}, vapi.DefaultTimestampHeader: {ts}})
}

// anyProvider returns ch as its kind's catch-all: it sends for every
// resource of the kind that no adapter names, keeping the adapter's
// delivery, rate and the capabilities the engine uses (a reconciling
// Lookup or Find, LinkedIn's Withdraw).
func anyProvider(ch channel.Channel) channel.Channel {
	a := catchAll{ch}
	r, lookup := ch.(channel.Reconciler)
	w, withdraw := ch.(channel.Withdrawer)
	f, find := ch.(channel.Finder)
	switch {
	case lookup && withdraw:
		return struct {
			catchAll
			channel.Reconciler
			channel.Withdrawer
		}{a, r, w}
	case lookup:
		return struct {
			catchAll
			channel.Reconciler
		}{a, r}
	case find:
		return struct {
			catchAll
			channel.Finder
		}{a, f}
	}
	return a
}

// catchAll is an adapter that names no provider.
type catchAll struct{ channel.Channel }

// Adapter is the adapter under the catch-all.
func (c catchAll) Adapter() channel.Channel { return c.Channel }

func (c catchAll) Describe() channel.Info {
	in := channel.Describe(c.Channel)
	in.Provider = ""
	return in
}

// demoAdminToken is the API's admin token of a -demo server that was
// given none: a demo's, known to whoever reads this.
const demoAdminToken = "demo-admin-token"

// demoClientToken is the demo client's token, for its dashboard and its
// API, as well known.
const demoClientToken = "demo-client-token"

// demoCustomer and demoSubscription are the demo client's Stripe keys.
const (
	demoCustomer     = "cus_demo"
	demoSubscription = "sub_demo"
)

// demoDNCRListed are the demo leads' numbers on the Australian Do Not
// Call Register's fake (Cara's and Fay's): washed registered, they are
// never called nor texted.
func demoDNCRListed() []string { return []string{"+61412001002", "+61412001005"} }

// demoPoolCheck is how often a -demo server checks the pool's buffer,
// unless OUTBOUND_POOL_CHECK says: soon enough to see the demo client's
// signup drain it and the pool buy at the fakes.
const demoPoolCheck = 20 * time.Second

// demoNumbersForSale are the Australian mobiles Twilio's fake sells the
// pool.
func demoNumbersForSale() []string {
	out := make([]string, 0, 8)
	for i := range 8 {
		out = append(out, fmt.Sprintf("+6141250%04d", i+1))
	}
	return out
}

// demoLobSender is the Lob address the demo's letters are sent from.
const demoLobSender = "adr_demo_agency"

// seed stocks the pool (the growth plan's domains, numbers and seats drain
// its buffer under 40 %, so the pool buys more at InfraForge's, Twilio's
// and Unipile's fakes; letters' senders it cannot buy are stocked enough),
// signs the demo client up by buying the growth plan at Stripe's fake (its signed events posted to the server's own
// Stripe route), answers its replies automatically with a booking link,
// and onboards a campaign of demo leads against an ICP.
func (d *demoProviders) seed(ctx context.Context, svc *distribution.Service, self string) error {
	now := d.clock.Now()
	for _, k := range []struct {
		kind outbound.ResourceKind
		n    int
	}{{outbound.KindDomain, 4}, {outbound.KindPhone, 3}, {outbound.KindLinkedInSeat, 3}} {
		if _, err := svc.Pool().Stock(ctx, k.kind, k.n, now.AddDate(0, 0, -60)); err != nil {
			return err
		}
	}
	// Lob sends from an address it keeps (adr_…).
	var senders []pool.Registration
	for _, adr := range []string{demoLobSender, demoLobSender + "_2"} {
		senders = append(senders, pool.Registration{Kind: outbound.KindMailSender, Provider: lob.DefaultProvider,
			ProviderRef: adr, Address: adr, PurchasedAt: now.AddDate(0, 0, -60)})
	}
	if _, err := svc.Pool().Register(ctx, senders); err != nil {
		return err
	}
	for _, ev := range d.fakes.Stripe.CheckoutAs(demoCustomer, demoSubscription, "billing@demo-agency.example", "Demo Agency", "price_growth",
		map[string]string{"zone": "Australia/Sydney"}) {
		if err := d.post(ctx, self+"/webhooks/stripe", ev.Body, http.Header{stripe.SignatureHeader: {d.fakes.Stripe.Sign(ev.Body, now)}}); err != nil {
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
	d.clientID = client.ID
	if err := svc.SetAnswers(ctx, client.ID, outbound.AnswerAuto, "https://cal.com/demo-agency/intro?metadata[lead]={lead}"); err != nil {
		return err
	}
	_, err = svc.Onboard(ctx, distribution.OnboardInput{Client: client.ID, Campaign: "Growth leaders, AU, UK, US",
		ICP: outbound.ICP{Countries: []string{"AU", "GB", "US"}, Industries: []string{"software", "logistics"}, MinEmployees: 11, MaxEmployees: 1000,
			Seniority: outbound.SeniorityDirector},
		Rows: demoLeads()})
	if err != nil {
		return err
	}
	d.live(ctx, self)
	return nil
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

// demoLeads are a small, varied set of prospects in Australia, where
// each has a number, and in the United Kingdom and the United States, by
// email and LinkedIn only: in three zones, some lead's working day is
// usually under way when the demo starts, so touches go out at once.
func demoLeads() []distribution.LeadInput {
	type p struct{ first, last, title, company, domain, industry, region string }
	abroad := []struct {
		p
		country string
	}{
		{p{"Iris", "Lamb", "Head of Growth", "Thames Parcel", "thamesparcel.co.uk", "Logistics", ""}, "GB"},
		{p{"Jon", "Pike", "VP Engineering", "Ledgerwise", "ledgerwise.co.uk", "Software", ""}, "GB"},
		{p{"Kay", "Ford", "Director of Marketing", "Canal Cloud", "canalcloud.co.uk", "Software", ""}, "GB"},
		{p{"Liam", "Cole", "COO", "Hudson Haul", "hudsonhaul.com", "Logistics", "NY"}, "US"},
		{p{"Mia", "Diaz", "Head of Sales", "Mesa Metrics", "mesametrics.com", "Software", "CA"}, "US"},
		{p{"Ned", "Shaw", "VP Growth", "Prairie Stack", "prairiestack.com", "Software", "IL"}, "US"},
	}
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
	for i, x := range abroad {
		n := len(people) + i
		out = append(out, distribution.LeadInput{
			Line: n + 2, ExternalID: fmt.Sprintf("demo-%d", n+1), Email: fmt.Sprintf("%s.%s@%s", x.first, x.last, x.domain),
			FirstName: x.first, LastName: x.last, Title: x.title, Company: x.company, CompanyDomain: x.domain, Industry: x.industry,
			Employees: 60 * (i + 1), Country: x.country, Region: x.region,
			LinkedIn: fmt.Sprintf("https://www.linkedin.com/in/%s-%s-demo", x.first, x.last),
		})
	}
	return out
}
