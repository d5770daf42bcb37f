package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
	"github.com/outbound-go/outbound/adapters/hubspot"
	"github.com/outbound-go/outbound/adapters/hubspot/hubspottest"
	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/lob/lobtest"
	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/adapters/stripe"
	"github.com/outbound-go/outbound/adapters/stripe/stripetest"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/adapters/vapi/vapitest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/examples/internal/fakes"
	"github.com/outbound-go/outbound/examples/simulate/internal/world"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// With -providers http, email touches leave through the real SMTP adapter
// to an SMTP server on 127.0.0.1 (smtptest), calls through the Vapi
// adapter to Vapi's fake (vapitest), texts through the Twilio adapter to
// Twilio's fake (twiliotest), LinkedIn touches through the Unipile
// adapter to Unipile's fake (unipiletest) and letters through the Lob
// adapter to Lob's fake (lobtest); what the model says their providers
// report comes back as a provider would send it: an HTTP POST to the
// adapter's webhook route on 127.0.0.1, verified and decoded by the
// adapter and handed by adapters/webhook's handler to the engine.
// httpProviders holds those servers and routes.

// The webhook routes of the run.
const (
	routeEmail = "/webhooks/inbound-mail"
	routeLob   = "/webhooks/lob"
	// Unipile's fake posts its webhooks itself (a member accepting an
	// invitation or answering a message, as the model says), here.
	routeUnipile = fakes.RouteUnipile
	routeVapi    = "/webhooks/vapi"
	routeStripe  = "/webhooks/stripe"
	// Twilio's fake posts texts' status and received texts itself, signed
	// over these URLs.
	routeTwilioSMS    = fakes.RouteTwilioSMS
	routeTwilioStatus = fakes.RouteTwilioStatus
	// Cal.com's bookings, signed.
	routeCalcom = "/webhooks/calcom"
)

// inboundTokenHeader carries the inbound-mail route's shared token.
const inboundTokenHeader = "X-Inbound-Token"

// httpProviders are the providers' fakes and the webhook routes of a run
// with -providers http.
type httpProviders struct {
	clock *timingtest.Clock
	// applyTo hands events to the engine: the process's apply.
	applyTo func(context.Context, []channel.Event) (tally, error)
	// acceptAll hands billing and provisioning events to the engine.
	acceptAll func(context.Context, []outbound.Inbound) error

	// fakes are the providers' fakes and the adapters on them.
	fakes     *fakes.Set
	stripeSrv *stripetest.Server

	smtpSrv *smtptest.Server
	email   *smtp.Channel
	token   string // the inbound-mail route's token

	lobSrv *lobtest.Server
	mail   *lob.Channel

	vapiSrv *vapitest.Server
	voice   *vapi.Channel

	twilioSrv *twiliotest.Server
	sms       *twilio.SMS

	dncrSrv *fakes.DNCR // the register's fake, once washer made it

	calcomSecret string // signs Cal.com's bookings
	hubspotSrv   *hubspottest.Server
	crm          *hubspot.Client // the engine's CRM: HubSpot's fake

	unipileSrv *unipiletest.Server
	linkedIn   *unipile.Channel
	// unipileSecret is the secret header of the Unipile route.
	unipileSecret string
	// eventAt, when set, is the instant of the event being delivered:
	// Unipile stamps its notices with the time it sends them (a new
	// relation with its arrival, a message with when it was written),
	// Twilio's callbacks are read at their arrival, and in the run that is
	// when the model says it happened.
	eventAt time.Time

	srv    *http.Server
	url    string // the webhook server, http://127.0.0.1:port
	client *http.Client

	mu    sync.Mutex
	t     tally          // what the webhooks' events did, since the last take
	posts map[string]int // webhooks taken, by route
	// direct counts the model's events that no provider route carries
	// and that the engine was handed directly, by type.
	direct map[string]int
	// withdrawn counts the connection requests the engine withdrew at
	// Unipile.
	withdrawn int
	// kinds are those sent through real adapters.
	kinds channel.Set
}

// startHTTPProviders starts the SMTP server and the webhook server. The
// engine's process is given later (setProcess): the routes need it only
// once events flow.
func startHTTPProviders(clock *timingtest.Clock) (*httpProviders, error) {
	h := &httpProviders{clock: clock, client: &http.Client{Timeout: 30 * time.Second}, direct: map[string]int{}, posts: map[string]int{}}
	// The webhook server's address first: Twilio's callbacks are signed
	// over it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webhook server: %w", err)
	}
	h.url = "http://" + ln.Addr().String()
	defer func() {
		if h.srv == nil {
			_ = ln.Close()
		}
	}()
	set, err := fakes.Start(context.Background(), fakes.Options{Clock: clock, FakeNow: h.now, Webhooks: h.url, HELO: "sim.localhost", Seed: 1})
	if err != nil {
		return nil, err
	}
	h.fakes = set
	h.smtpSrv, h.email = set.SMTP, set.Email
	h.lobSrv, h.mail = set.Lob, set.Letters
	h.vapiSrv, h.voice = set.Vapi, set.Calls
	h.twilioSrv, h.sms = set.Twilio, set.Texts
	h.unipileSrv, h.linkedIn, h.unipileSecret = set.Unipile, set.LinkedIn, set.UnipileSecret
	h.stripeSrv = set.Stripe
	h.token = fakes.Token()
	tokens, err := webhook.NewTokenVerifier(webhook.TokenConfig{Header: inboundTokenHeader, Tokens: []string{h.token}})
	if err != nil {
		h.close()
		return nil, err
	}
	mailRoute, err := webhook.NewHandler(webhook.Config{Name: "inbound-mail", Verifier: tokens,
		Decoder: smtp.InboundDecoder{Options: h.email.InboundOptions()}, Sink: webhook.SinkFunc(h.accept)})
	if err != nil {
		h.close()
		return nil, err
	}
	lobSig, err := lob.NewVerifier(lob.VerifierConfig{Secrets: []string{h.lobSrv.WebhookSecret()}, Now: clock.Now})
	if err != nil {
		h.close()
		return nil, err
	}
	lobRoute, err := webhook.NewHandler(webhook.Config{Name: "lob", Verifier: lobSig, Decoder: lob.Decoder{}, Sink: webhook.SinkFunc(h.accept)})
	if err != nil {
		h.close()
		return nil, err
	}
	linkedInRoute, err := h.unipileRoute()
	if err != nil {
		h.close()
		return nil, err
	}
	voiceRoute, err := h.vapiRoute()
	if err != nil {
		h.close()
		return nil, err
	}
	billingRoute, err := h.stripeRoute()
	if err != nil {
		h.close()
		return nil, err
	}
	textRoute, err := h.twilioRoute()
	if err != nil {
		h.close()
		return nil, err
	}
	meetingRoute, err := h.startMeetings()
	if err != nil {
		h.close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+routeEmail, mailRoute)
	mux.Handle("POST "+routeLob, lobRoute)
	mux.Handle("POST "+routeUnipile, linkedInRoute)
	mux.Handle("POST "+routeVapi, voiceRoute)
	mux.Handle("POST "+routeStripe, billingRoute)
	mux.Handle("POST "+routeTwilioSMS, textRoute)
	mux.Handle("POST "+routeTwilioStatus, textRoute)
	mux.Handle("POST "+routeCalcom, meetingRoute)
	h.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = h.srv.Serve(ln) }()
	return h, nil
}

// unipileRoute returns the route of the notices Unipile's fake posts, with
// the secret header it was subscribed with, decoded against the channel's
// journal.
func (h *httpProviders) unipileRoute() (http.Handler, error) {
	sig, err := unipile.NewVerifier(unipile.DefaultSecretHeader, h.unipileSecret)
	if err != nil {
		return nil, err
	}
	dec, err := unipile.NewDecoder(unipile.DecoderConfig{Now: h.now, Journal: h.fakes.Journal})
	if err != nil {
		return nil, err
	}
	return webhook.NewHandler(webhook.Config{Name: "unipile", Verifier: sig, Decoder: dec, Sink: webhook.SinkFunc(h.accept)})
}

// vapiRoute returns the route of Vapi's end-of-call reports,
// authenticated by Vapi's HMAC credential.
func (h *httpProviders) vapiRoute() (http.Handler, error) {
	v, err := vapi.NewVerifier(vapi.VerifierConfig{Secrets: []string{h.vapiSrv.Secret()}, Now: h.clock.Now})
	if err != nil {
		return nil, err
	}
	return webhook.NewHandler(webhook.Config{Name: "vapi", Verifier: v, Decoder: &vapi.Decoder{}, Sink: webhook.SinkFunc(h.accept)})
}

// twilioRoute returns the route of the texts' status and the texts leads
// send, which Twilio's fake posts signed over the run's URL.
func (h *httpProviders) twilioRoute() (http.Handler, error) {
	v, err := twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{h.twilioSrv.AuthToken()}, PublicURL: h.url})
	if err != nil {
		return nil, err
	}
	return webhook.NewHandler(webhook.Config{Name: "twilio", Verifier: v, Decoder: &twilio.Decoder{Now: h.now},
		Sink: webhook.SinkFunc(h.accept)})
}

// stripeRoute returns the route of the signed events of Stripe's fake,
// which sells each default plan at a price named after it.
func (h *httpProviders) stripeRoute() (http.Handler, error) {
	cfg := stripe.Config{Secrets: []string{h.stripeSrv.WebhookSecret()}, Plans: h.fakes.Prices, APIKey: h.stripeSrv.APIKey(),
		BaseURL: h.stripeSrv.URL(), Now: h.clock.Now}
	v, err := stripe.NewVerifier(cfg)
	if err != nil {
		return nil, err
	}
	d, err := stripe.NewDecoder(cfg)
	if err != nil {
		return nil, err
	}
	return webhook.NewHandler(webhook.Config{Name: "stripe", Verifier: v, Decoder: d, Sink: webhook.SinkFunc(h.accept)})
}

// checkout has the client buy its plan at Stripe's fake, under the given
// customer and subscription, and delivers what Stripe sends — the
// checkout, the new subscription, its first invoice paid — signed, to the
// Stripe route, which signs the client up.
func (h *httpProviders) checkout(ctx context.Context, cus, sub string, c world.Client) error {
	email := "billing@" + strings.ToLower(strings.Join(strings.Fields(c.Name), "")) + ".example"
	for _, ev := range h.stripeSrv.CheckoutAs(cus, sub, email, c.Name, "price_"+c.Plan, map[string]string{"zone": c.Zone}) {
		header := http.Header{stripe.SignatureHeader: {h.stripeSrv.Sign(ev.Body, h.clock.Now())}, "Content-Type": {"application/json"}}
		if err := h.post(ctx, routeStripe, ev.Body, header); err != nil {
			return fmt.Errorf("stripe %s: %w", ev.Type, err)
		}
		h.mu.Lock()
		h.posts[routeStripe]++
		h.mu.Unlock()
	}
	return nil
}

// now is the time of the providers' fakes and of Unipile's notices: the
// instant of the event being delivered, else the clock's.
func (h *httpProviders) now() time.Time {
	h.mu.Lock()
	at := h.eventAt
	h.mu.Unlock()
	if !at.IsZero() {
		return at
	}
	return h.clock.Now()
}

// close stops the servers.
func (h *httpProviders) close() {
	if h.srv != nil {
		_ = h.srv.Close()
	}
	if h.fakes != nil {
		h.fakes.Close()
	}
	if h.dncrSrv != nil {
		h.dncrSrv.Close()
	}
	if h.hubspotSrv != nil {
		h.hubspotSrv.Close()
	}
}

// startMeetings starts HubSpot's fake and the engine's CRM on it, and
// returns the route of Cal.com's signed bookings.
func (h *httpProviders) startMeetings() (http.Handler, error) {
	h.hubspotSrv = hubspottest.New(hubspottest.Config{})
	var err error
	if h.crm, err = hubspot.New(hubspot.Config{Token: h.hubspotSrv.Token(), BaseURL: h.hubspotSrv.URL(), Rate: -1, Now: h.clock.Now}); err != nil {
		return nil, err
	}
	h.calcomSecret = "whsec_" + fakes.Token()
	v, err := calcom.NewVerifier(h.calcomSecret)
	if err != nil {
		return nil, err
	}
	return webhook.NewHandler(webhook.Config{Name: "calcom", Verifier: v, Decoder: calcom.Decoder{}, Sink: webhook.SinkFunc(h.accept)})
}

// book has Cal.com's fake report a lead's booking, signed, to its route.
func (h *httpProviders) book(ctx context.Context, b booking) error {
	sender := &calcomtest.Sender{Secret: h.calcomSecret, Client: h.client}
	if _, err := sender.Deliver(ctx, h.url+routeCalcom, calcom.TriggerCreated, b.calcomBooking(), b.At, nil); err != nil {
		return fmt.Errorf("booking %s: %w", b.UID, err)
	}
	h.mu.Lock()
	h.posts[routeCalcom]++
	h.mu.Unlock()
	return nil
}

// setProcess names the process whose engine the routes hand events to.
func (h *httpProviders) setProcess(p *process) {
	h.mu.Lock()
	h.applyTo, h.acceptAll = p.apply, p.svc.Accept
	h.mu.Unlock()
}

// channel returns the real adapter of kind k, recording its sends into
// out, or nil when k stays on the in-memory fake.
func (h *httpProviders) channel(k channel.Kind, out *outbox, now func() time.Time) channel.Channel {
	switch k {
	case channel.Email:
		h.kinds = h.kinds.With(k)
		return &adapterRecorder{Channel: h.email, out: out, now: now}
	case channel.Mail:
		h.kinds = h.kinds.With(k)
		return &adapterRecorder{Channel: h.mail, out: out, now: now, from: lobSender}
	case channel.Voice:
		h.kinds = h.kinds.With(k)
		return &adapterRecorder{Channel: h.voice, out: out, now: now}
	case channel.SMS:
		h.kinds = h.kinds.With(k)
		return &adapterRecorder{Channel: h.sms, out: out, now: now}
	case channel.LinkedIn:
		h.kinds = h.kinds.With(k)
		return &withdrawingRecorder{adapterRecorder: adapterRecorder{Channel: h.linkedIn, out: out, now: now}, w: h.linkedIn, done: h.withdrew}
	}
	return nil
}

// routed reports whether the model's event e reaches the engine through a
// provider's webhook route, and if so the route and how the provider
// delivers it. An event no provider reports (an email unsubscribe: it is
// the host's own List-Unsubscribe endpoint that hears it, not the SMTP
// server) is handed to the engine directly.
func (h *httpProviders) routed(e channel.Event) (path string, deliver func(context.Context) error, ok bool) {
	post := func(path string, body []byte, header http.Header) (string, func(context.Context) error, bool) {
		return path, func(ctx context.Context) error { return h.post(ctx, path, body, header) }, true
	}
	switch e.Kind {
	case channel.Email:
		raw, ok := inboundMail(e)
		if !ok {
			return "", nil, false
		}
		return post(routeEmail, raw, http.Header{inboundTokenHeader: {h.token}, "Content-Type": {"message/rfc822"}})
	case channel.Mail:
		typ := map[channel.EventType]string{channel.EventDelivered: lob.EventDelivered, channel.EventBounced: lob.EventReturnedToSender}[e.Type]
		if typ == "" {
			return "", nil, false
		}
		o := lobtest.Outcome{EventID: lobtest.EventID(e.ProviderMessageID, typ), LetterID: e.ProviderMessageID, Type: typ, At: e.At}
		body, err := h.lobSrv.EventBody(o)
		if err != nil {
			return "", nil, false
		}
		sig, ts := h.lobSrv.Sign(body, h.clock.Now())
		return post(routeLob, body, http.Header{lob.SignatureHeader: {sig}, lob.TimestampHeader: {ts}, "Content-Type": {"application/json"}})
	case channel.Voice:
		reason, ok := fakes.VapiEnding(e.Type)
		if !ok {
			return "", nil, false
		}
		body, err := h.vapiSrv.Report(e.ProviderMessageID, reason, "", "", e.At)
		if err != nil {
			return "", nil, false
		}
		sig, ts := h.vapiSrv.Sign(body, h.clock.Now())
		return post(routeVapi, body, http.Header{vapi.DefaultSignatureHeader: {sig}, vapi.DefaultTimestampHeader: {ts},
			"Content-Type": {"application/json"}})
	case channel.SMS:
		// Twilio's fake posts the text's status, or the lead's text, to
		// the route, at the instant the model gives.
		var act func(context.Context) error
		switch e.Type {
		case channel.EventDelivered:
			act = func(ctx context.Context) error { return h.twilioSrv.Report(ctx, e.ProviderMessageID, "delivered", 0) }
		case channel.EventBounced:
			act = func(ctx context.Context) error {
				return h.twilioSrv.Report(ctx, e.ProviderMessageID, "undelivered", twilio.CodeUnreachable)
			}
		case channel.EventReplied, channel.EventOptedOut:
			body := e.Body
			if e.Type == channel.EventOptedOut && channel.ParseKeyword(body) != channel.KeywordOptOut {
				body = "STOP"
			}
			act = func(ctx context.Context) error {
				_, err := h.twilioSrv.Text(ctx, e.From, e.To, body)
				return err
			}
		default:
			return "", nil, false
		}
		path := routeTwilioStatus
		if e.Type != channel.EventDelivered && e.Type != channel.EventBounced {
			path = routeTwilioSMS
		}
		return path, h.at(e.At, act), true
	case channel.LinkedIn:
		// The member acts on Unipile's side, and Unipile's fake posts the
		// notice to the route, at the instant the model gives.
		var act func(context.Context) error
		switch e.Type {
		case channel.EventConnectionAccepted:
			act = func(ctx context.Context) error { return h.unipileSrv.Accept(ctx, e.ProviderMessageID) }
		case channel.EventReplied:
			act = func(ctx context.Context) error {
				_, err := h.unipileSrv.Reply(ctx, e.To, publicID(e.From), e.Body)
				return err
			}
		default:
			return "", nil, false
		}
		return routeUnipile, h.at(e.At, act), true
	}
	return "", nil, false
}

// at runs act with the providers' fakes telling the time at: the instant
// the model says the provider reported, or the member acted.
func (h *httpProviders) at(at time.Time, act func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		h.mu.Lock()
		h.eventAt = at
		h.mu.Unlock()
		defer func() {
			h.mu.Lock()
			h.eventAt = time.Time{}
			h.mu.Unlock()
		}()
		return act(ctx)
	}
}

// publicID is the public identifier of a LinkedIn profile URL
// (https://www.linkedin.com/in/<id>/).
func publicID(profileURL string) string {
	_, id, _ := strings.Cut(profileURL, "/in/")
	id, _, _ = strings.Cut(id, "/")
	return id
}

// apply hands the engine the events due, in the order given: each one a
// provider reports as its provider would, through the webhook route; the
// others directly.
func (h *httpProviders) apply(ctx context.Context, due []channel.Event) (tally, error) {
	var sum tally
	for i := 0; i < len(due); {
		path, deliver, ok := h.routed(due[i])
		if !ok {
			j := i + 1
			for j < len(due) {
				if _, _, r := h.routed(due[j]); r {
					break
				}
				j++
			}
			h.mu.Lock()
			apply := h.applyTo
			h.mu.Unlock()
			t, err := apply(ctx, due[i:j])
			sum = sum.plus(t)
			if err != nil {
				return sum, err
			}
			h.mu.Lock()
			for _, e := range due[i:j] {
				if h.kinds.Has(e.Kind) {
					h.direct[string(e.Kind)+" "+string(e.Type)]++
				}
			}
			h.mu.Unlock()
			i = j
			continue
		}
		if err := deliver(ctx); err != nil {
			return sum, fmt.Errorf("event %s %s: %w", due[i].Provider, due[i].ProviderEventID, err)
		}
		sum = sum.plus(h.take())
		h.mu.Lock()
		h.posts[path]++
		h.mu.Unlock()
		i++
	}
	return sum, nil
}

// post delivers one webhook and wants it taken (2xx).
func (h *httpProviders) post(ctx context.Context, path string, body []byte, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", path, err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %s: %s: %s", path, res.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// accept is the routes' sink: the engine applies the decoded events, as
// the simulation's own loop would, and their tally waits for take.
func (h *httpProviders) accept(ctx context.Context, in []outbound.Inbound) error {
	h.mu.Lock()
	apply, acceptAll := h.applyTo, h.acceptAll
	h.mu.Unlock()
	if apply == nil {
		return errors.New("no engine yet")
	}
	var evs []channel.Event
	var others []outbound.Inbound
	for _, i := range in {
		if i.Message == nil {
			others = append(others, i)
			continue
		}
		evs = append(evs, *i.Message)
	}
	if len(others) > 0 {
		// Billing and provisioning events: the engine's own handlers.
		if err := acceptAll(ctx, others); err != nil {
			return err
		}
	}
	t, err := apply(ctx, evs)
	h.mu.Lock()
	h.t = h.t.plus(t)
	h.mu.Unlock()
	return err
}

// take returns the tally of the webhooks since the last take.
func (h *httpProviders) take() tally {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.t
	h.t = tally{}
	return t
}

// adapterRecorder is a real adapter that records what it accepted, as
// recorder does for a fake.
type adapterRecorder struct {
	channel.Channel
	out *outbox
	now func() time.Time
	// from, if set, names the sending resource as the provider knows it.
	from func(string) string
}

// lobSender is the Lob address ID of the pool's mail sender: the pool's
// fake provisioner names senders lob-sender-NNNN; Lob knows a sender by
// its address ID, adr_….
func lobSender(addr string) string { return "adr_" + addr }

var _ channel.Describer = (*adapterRecorder)(nil)

// withdrawingRecorder is an adapterRecorder whose adapter takes back
// connection requests: the engine's daily job withdraws through it.
type withdrawingRecorder struct {
	adapterRecorder
	w    channel.Withdrawer
	done func() // called after each withdrawal the provider took
}

var _ channel.Withdrawer = (*withdrawingRecorder)(nil)

func (r *withdrawingRecorder) Withdraw(ctx context.Context, from, providerMessageID string) error {
	err := r.w.Withdraw(ctx, from, providerMessageID)
	if err == nil {
		r.done()
	}
	return err
}

// withdrew counts a connection request withdrawn at Unipile.
func (h *httpProviders) withdrew() {
	h.mu.Lock()
	h.withdrawn++
	h.mu.Unlock()
}

func (r *adapterRecorder) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	return r.out.record(ctx, m, r.now, func(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
		if r.from != nil {
			m = m.Clone()
			m.From.Address = r.from(m.From.Address)
		}
		return r.Channel.Send(ctx, m)
	})
}

// Describe is the adapter's description, for any provider: the pool's
// resources name the provider they were bought from (mailboxes from
// infraforge, seats from unipile, senders from lob), and the run sends
// every resource of a kind through the one adapter, as the in-memory
// fakes do. The receipts still name the adapter's provider, which its
// webhooks carry.
func (r *adapterRecorder) Describe() channel.Info {
	in := channel.Describe(r.Channel)
	in.Provider = ""
	return in
}

// plus adds two tallies.
func (t tally) plus(u tally) tally {
	return tally{Applied: t.Applied + u.Applied, Replies: t.Replies + u.Replies, Dispatched: t.Dispatched + u.Dispatched}
}

// summary says how the run's events reached the engine: the webhooks
// each route took, and the events handed over directly, by kind and
// type.
func (h *httpProviders) summary() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var routes, direct []string
	for _, p := range slices.Sorted(maps.Keys(h.posts)) {
		routes = append(routes, fmt.Sprintf("%s %d", p, h.posts[p]))
	}
	for _, k := range slices.Sorted(maps.Keys(h.direct)) {
		direct = append(direct, fmt.Sprintf("%s %d", k, h.direct[k]))
	}
	washed := 0
	if h.dncrSrv != nil {
		washed = h.dncrSrv.Charged()
	}
	return fmt.Sprintf("providers http: webhooks taken: %s; events no provider route reports, handed to the engine directly: %s; connection requests withdrawn at Unipile: %d; Australian numbers washed at the DNCR register: %d; meetings in HubSpot: %d contacts, %d deals",
		orNone(routes), orNone(direct), h.withdrawn, washed, len(h.hubspotSrv.Contacts()), len(h.hubspotSrv.Deals()))
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
