package stripe_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/stripe"
	"github.com/outbound-go/outbound/adapters/stripe/stripetest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// plans maps the fake's prices to the default plans.
var plans = map[string]string{"price_starter": "starter", "price_growth": "growth", "price_scale": "scale"}

type env struct {
	clock *timingtest.Clock
	fake  *stripetest.Server
	cfg   stripe.Config
}

func newEnv(t testing.TB, mod ...func(*stripe.Config)) *env {
	t.Helper()
	e := &env{clock: timingtest.NewClock(start)}
	e.fake = stripetest.NewServer(stripetest.Config{Now: e.clock.Now})
	t.Cleanup(e.fake.Close)
	e.cfg = stripe.Config{Secrets: []string{e.fake.WebhookSecret()}, Plans: plans, APIKey: e.fake.APIKey(),
		BaseURL: e.fake.URL(), Now: e.clock.Now}
	for _, m := range mod {
		m(&e.cfg)
	}
	return e
}

// handler is the Stripe webhook endpoint as a host builds it.
func (e *env) handler(t testing.TB, sink webhook.Sink) http.Handler {
	t.Helper()
	v, err := stripe.NewVerifier(e.cfg)
	require.NoError(t, err)
	d, err := stripe.NewDecoder(e.cfg)
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Name: "stripe", Verifier: v, Decoder: d, Sink: sink})
	require.NoError(t, err)
	return h
}

// request is Stripe's delivery of body, signed at at.
func (e *env) request(body []byte, at time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(stripe.SignatureHeader, e.fake.Sign(body, at))
	return r
}

func serve(h http.Handler, r *http.Request) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Code
}

func TestWebhookConformance(t *testing.T) {
	e := newEnv(t)
	evs, _ := e.fake.Checkout("ana@acme.example", "Acme", "price_growth", nil)
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler:   func(t *testing.T, sink webhook.Sink) http.Handler { return e.handler(t, sink) },
		Body:      evs[1].Body,
		Malformed: []byte(`{"id":"evt_1","type":`),
		Sign:      func(t *testing.T, body []byte, at time.Time) *http.Request { return e.request(body, at) },
		Unsign:    func(r *http.Request) { r.Header.Del(stripe.SignatureHeader) },
		Tamper: func(r *http.Request) {
			other := stripetest.NewServer(stripetest.Config{WebhookSecret: "whsec_other"})
			defer other.Close()
			r.Header.Set(stripe.SignatureHeader, other.Sign([]byte("x"), start))
		},
		Now:        start,
		StaleAfter: stripe.DefaultTolerance,
	})
}

// decode runs one event through the verifier and decoder.
func decode(t *testing.T, e *env, ev stripetest.Event) []outbound.Inbound {
	t.Helper()
	var got []outbound.Inbound
	h := e.handler(t, webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error {
		got = append(got, in...)
		return nil
	}))
	require.Equal(t, http.StatusOK, serve(h, e.request(ev.Body, e.clock.Now())), ev.Type)
	return got
}

// Each event Stripe sends in a subscription's life becomes the billing
// event the engine acts on.
func TestEventMapping(t *testing.T) {
	e := newEnv(t)
	evs, sub := e.fake.Checkout("ana@acme.example", "Acme Pty", "price_growth", map[string]string{"zone": "Australia/Sydney"})
	changed, err := e.fake.ChangePrice(sub, "price_scale")
	require.NoError(t, err)
	renewed, err := e.fake.Renew(sub)
	require.NoError(t, err)
	retrying, err := e.fake.FailPayment(sub, false)
	require.NoError(t, err)
	lapsed, err := e.fake.FailPayment(sub, true)
	require.NoError(t, err)

	var cancelledLater stripetest.Event
	cases := []struct {
		ev    stripetest.Event
		want  outbound.BillingEventType
		check func(t *testing.T, b *outbound.BillingEvent)
	}{
		{evs[0], outbound.BillingSubscriptionStarted, func(t *testing.T, b *outbound.BillingEvent) {
			require.Equal(t, "ana@acme.example", b.Email)
			require.Equal(t, "Acme Pty", b.Name)
			require.Equal(t, "Australia/Sydney", b.Metadata["zone"])
		}},
		{evs[1], outbound.BillingSubscriptionStarted, nil},
		{evs[2], outbound.BillingPaymentSucceeded, func(t *testing.T, b *outbound.BillingEvent) {
			require.Equal(t, int64(49900), b.Amount)
			require.Equal(t, "AUD", b.Currency)
		}},
		{changed, outbound.BillingPlanChanged, func(t *testing.T, b *outbound.BillingEvent) {
			require.Equal(t, "scale", b.Plan)
			require.Equal(t, "growth", b.PreviousPlan)
		}},
		{renewed, outbound.BillingSubscriptionRenewed, nil},
		{retrying, outbound.BillingPaymentFailed, func(t *testing.T, b *outbound.BillingEvent) { require.False(t, b.Final) }},
		{lapsed, outbound.BillingPaymentFailed, func(t *testing.T, b *outbound.BillingEvent) { require.True(t, b.Final) }},
		{cancelledLater, outbound.BillingSubscriptionCancelled, nil},
	}
	for _, c := range cases {
		if c.ev.Type == "" { // the cancellation, made now: an update read after it would be of a cancelled subscription
			c.ev, err = e.fake.Cancel(sub)
			require.NoError(t, err)
		}
		got := decode(t, e, c.ev)
		require.Len(t, got, 1, c.ev.Type)
		b := got[0].Billing
		require.NotNil(t, b)
		require.Equal(t, c.want, b.Type, c.ev.Type)
		require.Equal(t, c.ev.ID, b.ProviderEventID)
		require.Equal(t, "stripe", b.Provider)
		require.Equal(t, sub, b.Subscription)
		require.NotEmpty(t, b.Customer)
		require.True(t, b.At.Equal(start), "%s at %s", c.ev.Type, b.At)
		if c.check != nil {
			c.check(t, b)
		}
	}
}

// Stripe's events through the real engine: a checkout signs the client up
// on its plan, an upgrade moves it, two updates delivered in the wrong
// order leave the later plan, a final failed payment pauses sending and a
// payment resumes it, a cancellation churns it; every redelivery changes
// nothing.
func TestSubscriptionLifeInTheEngine(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	store := memory.New()
	var chans []channel.Channel
	for _, k := range channel.Kinds() {
		f, err := channeltest.New(k, &channeltest.Config{Now: e.clock.Now})
		require.NoError(t, err)
		chans = append(chans, f)
	}
	svc, err := distribution.New(distribution.Config{Store: store, Channels: chans, Clock: e.clock})
	require.NoError(t, err)
	for _, k := range []outbound.ResourceKind{outbound.KindDomain, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender} {
		_, err := svc.Pool().Stock(ctx, k, 8, start.AddDate(0, 0, -60))
		require.NoError(t, err)
	}
	h := e.handler(t, webhook.SinkFunc(svc.Accept))
	deliver := func(evs ...stripetest.Event) {
		t.Helper()
		for _, ev := range evs {
			require.Equal(t, http.StatusOK, serve(h, e.request(ev.Body, e.clock.Now())), ev.Type)
		}
	}
	client := func() outbound.Client {
		t.Helper()
		cs, err := store.ListClients(ctx)
		require.NoError(t, err)
		require.Len(t, cs, 1, "one client, however many events named it")
		return cs[0]
	}

	evs, sub := e.fake.Checkout("ana@acme.example", "Acme Pty", "price_starter", map[string]string{"zone": "Australia/Sydney"})
	deliver(evs...)
	deliver(evs...) // redelivered
	c := client()
	require.Equal(t, "starter", c.Plan)
	require.Equal(t, "Australia/Sydney", c.DefaultZone)

	toGrowth, err := e.fake.ChangePrice(sub, "price_growth")
	require.NoError(t, err)
	toScale, err := e.fake.ChangePrice(sub, "price_scale")
	require.NoError(t, err)
	deliver(toScale, toGrowth) // the older update arrives last
	require.Equal(t, "scale", client().Plan, "the subscription as it stands wins")

	lapsed, err := e.fake.FailPayment(sub, true)
	require.NoError(t, err)
	deliver(lapsed)
	c = client()
	require.True(t, c.SendingPaused())
	paid, err := e.fake.Renew(sub)
	require.NoError(t, err)
	deliver(paid)
	c = client()
	require.False(t, c.SendingPaused())

	gone, err := e.fake.Cancel(sub)
	require.NoError(t, err)
	deliver(gone, gone)
	require.Equal(t, outbound.ClientChurned, client().State)
}

// A subscription to a price the host has not mapped fails the delivery
// (500: Stripe delivers again) and records nothing; once mapped, the same
// delivery is taken. So does Stripe being unreachable for the read.
func TestUnmappedPriceAndOutageAreRetried(t *testing.T) {
	e := newEnv(t)
	evs, _ := e.fake.Checkout("ana@acme.example", "Acme", "price_enterprise", nil)
	var got []outbound.Inbound
	sink := webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error { got = append(got, in...); return nil })
	require.Equal(t, http.StatusInternalServerError, serve(e.handler(t, sink), e.request(evs[1].Body, start)))
	require.Empty(t, got)

	e.cfg.Plans = map[string]string{"price_enterprise": "scale"}
	e.fake.Fail(http.StatusServiceUnavailable)
	require.Equal(t, http.StatusInternalServerError, serve(e.handler(t, sink), e.request(evs[1].Body, start)))
	require.Empty(t, got)
	require.Equal(t, http.StatusOK, serve(e.handler(t, sink), e.request(evs[1].Body, start)))
	require.Len(t, got, 1)
	require.Equal(t, "scale", got[0].Billing.Plan)
}

// An event of another API version than stripe-go's is taken, and said;
// an event the engine has no use for is answered 200 with nothing.
func TestAPIVersionMismatchToleratedAndLogged(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, func(c *stripe.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	old := stripetest.NewServer(stripetest.Config{APIVersion: "2020-08-27", WebhookSecret: e.fake.WebhookSecret(), Now: e.clock.Now})
	defer old.Close()
	_, sub := old.Checkout("ana@acme.example", "Acme", "price_growth", nil)
	cancelled, err := old.Cancel(sub)
	require.NoError(t, err)
	got := decode(t, e, cancelled)
	require.Len(t, got, 1)
	require.Contains(t, logs.String(), "2020-08-27")

	unused := stripetest.Event{Body: []byte(`{"id":"evt_x","object":"event","type":"charge.refunded","created":1772442000,"data":{"object":{"id":"ch_1"}}}`)}
	require.Empty(t, decode(t, e, unused))
}

func TestConfigRefused(t *testing.T) {
	ok := stripe.Config{Secrets: []string{"whsec_1"}, Plans: plans, APIKey: "sk_test_1"}
	for field, mod := range map[string]func(*stripe.Config){
		"Secrets":    func(c *stripe.Config) { c.Secrets = nil },
		"Secrets[0]": func(c *stripe.Config) { c.Secrets = []string{" "} },
		"Plans":      func(c *stripe.Config) { c.Plans = nil },
		"APIKey":     func(c *stripe.Config) { c.APIKey = "" },
		"Tolerance":  func(c *stripe.Config) { c.Tolerance = -time.Second },
	} {
		c := ok
		mod(&c)
		_, err := stripe.NewDecoder(c)
		require.ErrorContains(t, err, "Config."+field, field)
	}
	_, err := stripe.NewVerifier(ok)
	require.NoError(t, err)
}
