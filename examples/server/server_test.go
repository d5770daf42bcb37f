package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfig(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "outbound.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"addr": ":9000", "public_url": "https://file.example", "prices": {"price_1": "starter"}}`), 0o600))
	c, err := loadConfig([]string{"-config", file, "-public-url", "https://flag.example/"}, env(map[string]string{
		"OUTBOUND_ADDR": ":9100", "OUTBOUND_PUBLIC_URL": "https://env.example", "TWILIO_AUTH_TOKEN": "tok",
	}), io.Discard)
	require.NoError(t, err)
	require.Equal(t, ":9100", c.Addr, "the environment wins over the file")
	require.Equal(t, "https://flag.example", c.PublicURL, "a flag wins over both")
	require.Equal(t, map[string]string{"price_1": "starter"}, c.Prices)
	require.Equal(t, "tok", c.Secrets.TwilioAuthToken)

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"addr": ":9000", "stripe_secret": "whsec_x"}`), 0o600))
	for _, tt := range []struct {
		name, setting string
		args          []string
		env           map[string]string
	}{
		{"public URL", "-public-url", []string{"-public-url", "hooks.example.com"}, nil},
		{"demo on a database", "-database-url", []string{"-demo", "-database-url", "postgres://x"}, nil},
		{"twilio without a public URL", "-public-url", nil, map[string]string{"TWILIO_AUTH_TOKEN": "tok"}},
		{"half of stripe", "STRIPE_API_KEY", nil, map[string]string{"STRIPE_WEBHOOK_SECRET": "whsec_x"}},
		{"stripe without prices", "OUTBOUND_PRICES", nil, map[string]string{"STRIPE_WEBHOOK_SECRET": "whsec_x", "STRIPE_API_KEY": "sk_x"}},
		{"prices", "OUTBOUND_PRICES", nil, map[string]string{"OUTBOUND_PRICES": "price_1"}},
		{"zone", "OUTBOUND_BILLING_ZONE", nil, map[string]string{"OUTBOUND_BILLING_ZONE": "Mars/Olympus"}},
		{"grace", "-shutdown-grace", []string{"-shutdown-grace", "0s"}, nil},
		{"argument", "argument", []string{"serve"}, nil},
		{"a secret in the file", "-config", []string{"-config", bad}, nil},
	} {
		_, err := loadConfig(tt.args, env(tt.env), io.Discard)
		require.ErrorIs(t, err, errUsage, tt.name)
		require.ErrorContains(t, err, tt.setting, tt.name)
	}
	require.Equal(t, 2, run(context.Background(), []string{"-public-url", "nope"}, env(nil), io.Discard, io.Discard, nil))
}

// started is a server running in the test, on the memory store the test
// can read.
type started struct {
	url   string
	store *memory.Store
	done  chan int
	stop  context.CancelFunc
}

func start(t testing.TB, cfg config) *started {
	t.Helper()
	return startOn(t, cfg, memory.New())
}

// startOn starts the server on st.
func startOn(t testing.TB, cfg config, st *memory.Store) *started {
	t.Helper()
	cfg.store = st
	return startServing(t, cfg, &started{store: st, done: make(chan int, 1)})
}

// startDB starts the server on its configured database.
func startDB(t testing.TB, cfg config) *started {
	t.Helper()
	return startServing(t, cfg, &started{done: make(chan int, 1)})
}

func startServing(t testing.TB, cfg config, s *started) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	ready := make(chan string, 1)
	go func() {
		err := serve(ctx, cfg, slog.New(slog.DiscardHandler), func(addr string) { ready <- addr })
		if err != nil {
			t.Log(err)
			s.done <- 1
			return
		}
		s.done <- 0
	}()
	select {
	case addr := <-ready:
		s.url = "http://" + addr
	case code := <-s.done:
		t.Fatalf("the server stopped before it was ready: %d", code)
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	t.Cleanup(func() {
		cancel()
		require.Equal(t, 0, <-s.done, "a graceful stop")
	})
	return s
}

func (s *started) post(t *testing.T, path string, body []byte, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = header
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	return res.StatusCode
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// A deployment behind a proxy: Twilio signs over the public URL, the
// server sees another; a signed STOP from a number that is nobody's lead
// is kept as a platform-wide opt-out, once however often it comes; a
// forged one is refused and changes nothing; Cal.com's signed booking is
// taken; a provider not configured has no route.
func TestWebhooksBehindAProxy(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-public-url", "https://hooks.example.com"}, env(map[string]string{
		"TWILIO_AUTH_TOKEN": "tw_token", "CALCOM_WEBHOOK_SECRET": "whsec_cal",
	}), io.Discard)
	require.NoError(t, err)
	s := start(t, cfg)

	code, body := get(t, s.url+"/healthz")
	require.Equal(t, http.StatusOK, code, body)
	code, body = get(t, s.url+"/readyz")
	require.Equal(t, http.StatusOK, code, body)

	form := url.Values{"MessageSid": {"SM" + strings.Repeat("a", 32)}, "AccountSid": {"AC" + strings.Repeat("0", 32)},
		"From": {"+61412340077"}, "To": {"+61400000001"}, "Body": {"STOP"}, "OptOutType": {"STOP"}, "SmsStatus": {"received"}}
	raw := []byte(form.Encode())
	twilio, other := twiliotest.NewServer(twiliotest.Config{AuthToken: "tw_token"}), twiliotest.NewServer(twiliotest.Config{AuthToken: "other"})
	defer twilio.Close()
	defer other.Close()
	signed := http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
		"X-Twilio-Signature": {twilio.Sign("https://hooks.example.com/webhooks/twilio/sms", form)}}
	forged := http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
		"X-Twilio-Signature": {other.Sign("https://hooks.example.com/webhooks/twilio/sms", form)}}
	require.Equal(t, http.StatusUnauthorized, s.post(t, "/webhooks/twilio/sms", raw, forged))
	sups, err := s.store.ListSuppressions(context.Background(), outbound.ClientID{})
	require.NoError(t, err)
	require.Empty(t, sups, "a forged delivery changes nothing")
	for range 2 {
		require.Equal(t, http.StatusOK, s.post(t, "/webhooks/twilio/sms", raw, signed))
	}
	sups, err = s.store.ListSuppressions(context.Background(), outbound.ClientID{})
	require.NoError(t, err)
	require.Len(t, sups, 1, "kept once")
	require.Equal(t, "+61412340077", sups[0].Address)
	require.True(t, sups[0].Client.IsZero(), "platform-wide")

	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	b, err := calcomtest.Body(calcom.TriggerCreated, calcomtest.Booking{UID: "bk_1", Title: "Intro", Start: start, End: start.Add(time.Hour),
		Attendee: calcomtest.Person{Name: "Ann", Email: "ann@nowhere.example"}}, time.Now(), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, s.post(t, "/webhooks/calcom", b, http.Header{calcom.SignatureHeader: {calcomtest.Sign("whsec_cal", b)}}))
	require.Equal(t, http.StatusUnauthorized, s.post(t, "/webhooks/calcom", b, http.Header{calcom.SignatureHeader: {"no-secret-provided"}}))
	require.Equal(t, http.StatusNotFound, s.post(t, "/webhooks/stripe", []byte(`{}`), nil), "Stripe is not configured")
}

// -demo: the demo client signs up by Stripe's signed events to the
// server's own route, and its leads are enrolled; every channel sends
// through its provider's real adapter to the provider's fake; a call's end
// reported by Vapi's fake, signed, reaches the Vapi route and is applied
// (the lead who asked on the call not to be called again is suppressed);
// a LinkedIn member accepting an invitation at Unipile's fake reaches the
// Unipile route; a text's delivery reaches the Twilio route in the demo's
// round of reports; the server stops gracefully.
func TestDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := loadConfig([]string{"-demo", "-addr", "127.0.0.1:0"}, env(map[string]string{"OUTBOUND_POOL_CHECK": "1s"}), io.Discard)
	require.NoError(t, err)
	var d *demoProviders
	cfg.onDemo = func(p *demoProviders) { d = p }
	s := start(t, cfg)
	cs, err := s.store.ListClients(ctx)
	require.NoError(t, err)
	require.Len(t, cs, 1)
	require.Equal(t, "Demo Agency", cs[0].Name)
	require.Equal(t, "growth", cs[0].Plan)
	require.Equal(t, outbound.AnswerAuto, cs[0].Answers)
	es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Client: cs[0].ID})
	require.NoError(t, err)
	require.NotEmpty(t, es, "the demo leads that fit are enrolled")
	// Every demo lead's number was washed at the Australian register's
	// fake as it was imported; those the fake lists are registered.
	leads, err := s.store.ListLeads(ctx, cs[0].ID)
	require.NoError(t, err)
	washed, numbers := map[string]outbound.DNCRStatus{}, 0
	for _, l := range leads {
		if l.Phone == "" {
			require.Equal(t, outbound.DNCRUnknown, l.DNCR, "a lead with no number has nothing washed")
			continue
		}
		washed[l.Phone] = l.DNCR
	}
	for _, in := range demoLeads() {
		if in.Phone != "" {
			numbers++
		}
	}
	require.Len(t, washed, numbers)
	for _, p := range demoDNCRListed() {
		require.Equal(t, outbound.DNCRRegistered, washed[p], p)
		delete(washed, p)
	}
	for p, st := range washed {
		require.Equal(t, outbound.DNCRClear, st, p)
	}
	require.Equal(t, numbers, d.dncr.Charged(), "each number washed once, at the register")

	// The demo client's plan drained the pool's buffers of domains and
	// numbers: the pool bought a domain with its mailboxes at InfraForge's
	// fake, started their warmup at Warmforge's, took it in once its mail
	// DNS was complete, and bought a number
	// at Twilio's fake, live at once.
	var bought map[outbound.ResourceKind][]outbound.Resource
	require.Eventually(t, func() bool {
		rs, err := s.store.ListResources(ctx, storage.ResourceFilter{})
		require.NoError(t, err)
		bought = map[outbound.ResourceKind][]outbound.Resource{}
		for _, r := range rs {
			if r.Provider == "infraforge" || r.Provider == "twilio" {
				bought[r.Kind] = append(bought[r.Kind], r)
			}
		}
		return len(bought[outbound.KindDomain]) > 0 && bought[outbound.KindDomain][0].State != outbound.StateProvisioning &&
			len(bought[outbound.KindPhone]) > 0
	}, 20*time.Second, 100*time.Millisecond, "the pool buys what the demo client's plan drained")
	require.Len(t, d.infraforge.Domains(), len(bought[outbound.KindDomain]))
	require.Equal(t, d.infraforge.Domains()[0].Name, bought[outbound.KindDomain][0].Address)
	require.Len(t, bought[outbound.KindMailbox], 2*len(bought[outbound.KindDomain]), "each domain's mailboxes")
	for _, mb := range bought[outbound.KindMailbox] {
		m, ok := d.warmforge.Mailbox(mb.Address)
		require.True(t, ok, "%s connected to Warmforge's fake", mb.Address)
		require.True(t, m.WarmupEnabled, "%s warming up", mb.Address)
	}
	require.Len(t, d.fakes.Twilio.Numbers(), len(bought[outbound.KindPhone]))
	require.Equal(t, d.fakes.Twilio.Numbers()[0].PhoneNumber, bought[outbound.KindPhone][0].Address)
	// And a seat: its hosted-auth link made at Unipile's fake, connected
	// by the demo as its owner would, the seat taken into the pool.
	require.Eventually(t, func() bool {
		rs, err := s.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindLinkedInSeat})
		require.NoError(t, err)
		return slices.ContainsFunc(rs, func(r outbound.Resource) bool { return r.Provider == unipile.Name })
	}, 30*time.Second, 100*time.Millisecond, "the pool buys a seat at Unipile's fake")
	links := d.fakes.Unipile.HostedLinks()
	require.Len(t, links, 1)
	require.NotEmpty(t, links[0].AccountID, "connected through its link")
	code, _ := get(t, s.url+"/healthz")
	require.Equal(t, http.StatusOK, code)
	// The demo client logs in with the demo's client token and sees its
	// campaign.
	require.Contains(t, newBrowser(t, s.url).clientPage(demoClientToken), "Growth leaders, AU, UK, US")

	// Each kind's adapter, and the provider it declares; all but Lob's
	// send for the pool's stocked resources, as their kind's catch-all.
	providers := map[channel.Kind]string{}
	for _, ch := range d.channels {
		require.NotContains(t, providers, ch.Kind(), "one adapter a kind")
		_, fake := ch.(*channeltest.Fake)
		require.False(t, fake, "%s runs on its provider's fake over HTTP, not in memory", ch.Kind())
		if u, ok := ch.(interface{ Adapter() channel.Channel }); ok {
			require.Empty(t, channel.Describe(ch).Provider, "%s sends for any resource", ch.Kind())
			ch = u.Adapter()
		}
		providers[ch.Kind()] = channel.Describe(ch).Provider
	}
	require.Equal(t, map[channel.Kind]string{channel.Email: "smtp", channel.Voice: "vapi", channel.SMS: "twilio",
		channel.LinkedIn: "unipile", channel.Mail: "lob"}, providers)

	// A call to an enrolled lead through the demo's Vapi adapter, and
	// Vapi's signed report of its end: the lead asked not to be called.
	var lead *outbound.Lead
	for _, e := range es {
		if lead, err = s.store.GetLead(ctx, e.Lead); err == nil && lead.Phone != "" {
			break
		}
	}
	require.NotEmpty(t, lead.Phone, "an enrolled lead with a number")
	callRC := demoSend(t, d, channel.ActionCall, "+15550000001", channel.Recipient{Name: lead.FirstName, Phone: lead.Phone},
		"Introduce yourself.")
	require.NoError(t, d.reportCall(ctx, s.url, callRC.ProviderMessageID, "customer-ended-call",
		"AI: Hi, it's Sam from Demo Agency.\nUser: Please remove me from your list and don't call again.", d.clock.Now()))
	sups, err := s.store.ListSuppressions(ctx, cs[0].ID)
	require.NoError(t, err)
	var suppressed bool
	for _, sp := range sups {
		suppressed = suppressed || (sp.Lead == lead.ID && sp.Channel == channel.Voice && sp.Reason == outbound.ReasonOptedOut)
	}
	require.True(t, suppressed, "the opt-out heard on the call is applied: %+v", sups)
	forged, err := d.fakes.Vapi.Report(callRC.ProviderMessageID, "voicemail", "", "", d.clock.Now())
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, s.post(t, "/webhooks/vapi", forged, http.Header{"Content-Type": {"application/json"}}),
		"a report without Vapi's signature is refused")

	// An invitation through the demo's Unipile adapter, accepted at
	// Unipile's fake, which posts the notice to the server's route.
	inviteRC := demoSend(t, d, channel.ActionConnectionRequest, "stock-seat-0001",
		channel.Recipient{Name: lead.FirstName, LinkedIn: lead.LinkedIn}, "Hi, happy to connect.")
	require.NoError(t, d.fakes.Unipile.Accept(ctx, inviteRC.ProviderMessageID))

	// A text through the demo's Twilio adapter carrying the client's
	// booking link; the demo's round of reports has Twilio's fake post its
	// delivery to the status route, and the lead book a meeting through
	// the link, which Cal.com's fake reports, signed, once; the meeting
	// goes to HubSpot's fake.
	textRC := demoSend(t, d, channel.ActionSMS, "+15550000002", channel.Recipient{Name: lead.FirstName, Phone: lead.Phone},
		"Hi, pick a time that suits: https://cal.com/demo-agency/intro?metadata[lead]="+lead.ID.String()+" Reply STOP to opt out.")
	require.NoError(t, d.report(ctx, s.url))
	require.NoError(t, d.report(ctx, s.url))
	meetings, err := s.store.ListMeetings(ctx, cs[0].ID)
	require.NoError(t, err)
	require.Len(t, meetings, 1, "booked once")
	require.Equal(t, lead.ID, meetings[0].Lead)
	require.Equal(t, "calcom", meetings[0].Provider)
	require.Eventually(t, func() bool { return len(d.hubspot.Deals()) == 1 }, 10*time.Second, 50*time.Millisecond,
		"the meeting pushed to HubSpot's fake as a deal")
	require.Len(t, d.hubspot.Deals()[0].Contacts, 1, "with the lead as its contact")

	evs, err := s.store.ListEvents(ctx, outbound.ClientID{})
	require.NoError(t, err)
	heard := map[string][]channel.EventType{} // by provider and message
	for _, e := range evs {
		require.False(t, e.AppliedAt.IsZero(), "event %s/%s applied", e.Provider, e.ProviderEventID)
		heard[e.Provider+" "+e.ProviderMessageID] = append(heard[e.Provider+" "+e.ProviderMessageID], e.Type)
	}
	require.Contains(t, heard["vapi "+callRC.ProviderMessageID], channel.EventOptedOut)
	require.Equal(t, []channel.EventType{channel.EventConnectionAccepted}, heard["unipile "+inviteRC.ProviderMessageID])
	require.Equal(t, []channel.EventType{channel.EventDelivered}, heard["twilio "+textRC.ProviderMessageID])
}

// demoSend sends an action from from to to through the demo's adapter of
// its kind, as the engine would, and returns the provider's receipt.
func demoSend(t *testing.T, d *demoProviders, a channel.Action, from string, to channel.Recipient, body string) channel.Receipt {
	t.Helper()
	m := channel.NewMessage("demo-test-"+string(a), a)
	m.From, m.To, m.Body = channel.Sender{Address: from}, to, body
	for _, ch := range d.channels {
		if ch.Kind() == m.Kind {
			rc, err := ch.Send(context.Background(), m)
			require.NoError(t, err)
			return rc
		}
	}
	t.Fatalf("no %s adapter", m.Kind)
	return channel.Receipt{}
}

// /metrics: the webhook requests by provider and result, the pool by kind
// and state with its buffer, the leadership, the touches the engine sent.
func TestMetrics(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig([]string{"-demo", "-addr", "127.0.0.1:0"}, env(nil), io.Discard)
	require.NoError(t, err)
	s := start(t, cfg)
	require.Equal(t, http.StatusUnauthorized, s.post(t, "/webhooks/twilio/sms", []byte("Body=hi"), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "X-Twilio-Signature": {"forged"}}))
	var text string
	require.Eventually(t, func() bool {
		code, body := get(t, s.url+"/metrics")
		require.Equal(t, http.StatusOK, code)
		text = body
		return strings.Contains(body, "outbound_leader 1")
	}, 10*time.Second, 50*time.Millisecond, "the demo's only process leads")
	require.Contains(t, text, `outbound_webhook_requests_total{provider="stripe",result="accepted"} 3`, "the demo's signup")
	require.Contains(t, text, `outbound_webhook_requests_total{provider="twilio",result="unauthorized"} 1`)
	require.Contains(t, text, `outbound_pool_resources{kind="domain",state="assigned"}`)
	require.Contains(t, text, `outbound_pool_buffer_ratio{kind="domain"}`)
	require.Contains(t, text, "go_goroutines")
}

// Sending from the environment: SMTP, Twilio, Vapi, Unipile, Lob and
// Stannp settings read and checked, a bad one refused naming the setting
// and the value (never a credential's); each provider's adapter built of
// its kind, and its webhook route verifying with its secret; with Twilio,
// the call instructions and recordings routes, each verified.
func TestSendingFromTheEnvironment(t *testing.T) {
	t.Parallel()
	vapiOK := map[string]string{"VAPI_API_KEY": "vapi-key-secret", "VAPI_ASSISTANT_ID": "asst_1",
		"VAPI_PHONE_NUMBERS": "+61280000000=pn_1, +14155550100=pn_2", "VAPI_WEBHOOK_SECRET": "vapi-hmac"}
	unipileOK := map[string]string{"UNIPILE_DSN": "api8.unipile.com:13851", "UNIPILE_API_KEY": "unipile-key-secret",
		"UNIPILE_WEBHOOK_SECRET": "unipile-header"}
	lobOK := map[string]string{"LOB_API_KEY": "test_lob-key-secret", "LOB_USE_TYPE": "marketing", "LOB_WEBHOOK_SECRET": "lob-hmac"}
	stannpOK := map[string]string{"STANNP_API_KEY": "stannp-key-secret", "STANNP_REGION": "us", "STANNP_TEST": "true",
		"STANNP_WEBHOOK_SECRET": "stannp-hmac"}
	with := func(base map[string]string, k, v string) map[string]string {
		m := maps.Clone(base)
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, tt := range []struct {
		env            map[string]string
		setting, value string // the value the error shows
	}{
		{map[string]string{"OUTBOUND_SMTP_PORT": "smtp"}, "OUTBOUND_SMTP_PORT", "smtp"},
		{map[string]string{"OUTBOUND_SMTP_TLS": "sometimes"}, "OUTBOUND_SMTP_TLS", "sometimes"},
		{with(vapiOK, "VAPI_ASSISTANT_ID", ""), "VAPI_ASSISTANT_ID", ""},
		{with(vapiOK, "VAPI_PHONE_NUMBERS", "+61280000000=pn_1,0280000001=pn_2"), "VAPI_PHONE_NUMBERS", "0280000001=pn_2"},
		{with(vapiOK, "VAPI_PHONE_NUMBERS", "+61280000000"), "VAPI_PHONE_NUMBERS", "+61280000000"},
		{with(vapiOK, "VAPI_PHONE_NUMBERS", ""), "VAPI_PHONE_NUMBERS", ""},
		{with(vapiOK, "VAPI_WEBHOOK_SECRET", ""), "VAPI_WEBHOOK_SECRET", ""},
		{with(vapiOK, "VAPI_API_KEY", ""), "VAPI_API_KEY", ""},
		{with(vapiOK, "OUTBOUND_VOICEMAIL_MESSAGE", strings.Repeat("Hi! ", 300)), "OUTBOUND_VOICEMAIL_MESSAGE", strings.Repeat("Hi! ", 10) + "…"},
		{with(unipileOK, "UNIPILE_DSN", ""), "UNIPILE_DSN", ""},
		{with(unipileOK, "UNIPILE_DSN", "https://api8.unipile.com:13851/other"), "UNIPILE_DSN", "https://api8.unipile.com:13851/other"},
		{with(unipileOK, "UNIPILE_API_KEY", ""), "UNIPILE_API_KEY", ""},
		{with(unipileOK, "UNIPILE_WEBHOOK_SECRET", ""), "UNIPILE_WEBHOOK_SECRET", ""},
		{with(lobOK, "LOB_API_KEY", "sk_lob-key-secret"), "LOB_API_KEY", "(set)"},
		{with(lobOK, "LOB_USE_TYPE", "promotional"), "LOB_USE_TYPE", "promotional"},
		{with(lobOK, "LOB_WEBHOOK_SECRET", ""), "LOB_WEBHOOK_SECRET", ""},
		{with(lobOK, "LOB_API_KEY", ""), "LOB_API_KEY", ""},
		{with(stannpOK, "STANNP_REGION", "mars"), "STANNP_REGION", "mars"},
		{with(stannpOK, "STANNP_TEST", "perhaps"), "STANNP_TEST", "perhaps"},
		{with(stannpOK, "STANNP_WEBHOOK_SECRET", ""), "STANNP_WEBHOOK_SECRET", ""},
		{with(stannpOK, "STANNP_API_KEY", ""), "STANNP_API_KEY", ""},
	} {
		_, err := loadConfig(nil, env(tt.env), io.Discard)
		require.ErrorIs(t, err, errUsage, tt.setting)
		require.ErrorContains(t, err, tt.setting+" ")
		require.ErrorContains(t, err, fmt.Sprintf("%q", tt.value), "the value at fault is shown")
		for k, v := range tt.env {
			if strings.HasSuffix(k, "_API_KEY") || strings.HasSuffix(k, "_SECRET") {
				require.NotContains(t, err.Error(), v, "a credential is never shown")
			}
		}
	}
	c, err := loadConfig(nil, env(map[string]string{"OUTBOUND_SMTP_HOST": "smtp.example.com", "OUTBOUND_SMTP_PORT": "465",
		"OUTBOUND_SMTP_TLS": "implicit"}), io.Discard)
	require.NoError(t, err)
	ad, err := c.Sending.adapters(c, timing.RealClock(), unipile.NewMemoryStore())
	require.NoError(t, err)
	require.Len(t, ad.channels, 1)
	require.Equal(t, channel.Email, ad.channels[0].Kind())
	require.Nil(t, ad.twilio)
	require.Nil(t, ad.journal)

	// Every provider at once: each adapter of its kind, under its
	// provider's name (the pool's resources bought from it send through
	// it), each webhook route mounted and verifying with its secret.
	all := map[string]string{}
	for _, m := range []map[string]string{vapiOK, unipileOK, lobOK, stannpOK} {
		maps.Copy(all, m)
	}
	c, err = loadConfig([]string{"-addr", "127.0.0.1:0", "-public-url", "https://hooks.example.com"}, env(all), io.Discard)
	require.NoError(t, err)
	ad, err = c.Sending.adapters(c, timing.RealClock(), unipile.NewMemoryStore())
	require.NoError(t, err)
	var got []string
	for _, ch := range ad.channels {
		got = append(got, string(ch.Kind())+" "+channel.Describe(ch).Provider)
	}
	require.Equal(t, []string{"voice vapi", "linkedin unipile", "mail lob", "mail stannp"}, got)
	require.NotNil(t, ad.journal, "the Unipile route reads the channel's journal")
	s := start(t, c)
	for _, path := range []string{"/webhooks/vapi", "/webhooks/unipile", "/webhooks/lob", "/webhooks/stannp"} {
		require.Equal(t, http.StatusUnauthorized, s.post(t, path, []byte(`{}`), http.Header{"Content-Type": {"application/json"}}), path)
	}
	accepted := unipiletest.NewRelationPayload("acc_1", unipiletest.Profile{PublicID: "ada-lee", ProviderID: "ACoAA1"})
	require.Equal(t, http.StatusOK, s.post(t, "/webhooks/unipile", accepted, http.Header{"Content-Type": {"application/json"},
		unipile.DefaultSecretHeader: {"unipile-header"}}), "the secret from UNIPILE_WEBHOOK_SECRET is the route's")

	c, err = loadConfig([]string{"-addr", "127.0.0.1:0", "-public-url", "https://hooks.example.com"}, env(map[string]string{
		"TWILIO_ACCOUNT_SID": "AC" + strings.Repeat("0", 32), "TWILIO_AUTH_TOKEN": "twtoken0123",
		"OUTBOUND_RECORDINGS_DIR": t.TempDir(), "OUTBOUND_VOICEMAIL_MESSAGE": "Hi, it's Sam from Acme; I'll try again.",
	}), io.Discard)
	require.NoError(t, err)
	s = start(t, c)
	signer := twiliotest.NewServer(twiliotest.Config{AuthToken: "twtoken0123"})
	defer signer.Close()
	form := url.Values{"CallSid": {"CA" + strings.Repeat("1", 32)}, "AnsweredBy": {"machine_end_beep"}, "CallStatus": {"in-progress"}}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
		"X-Twilio-Signature": {signer.Sign("https://hooks.example.com/webhooks/twilio/voice", form)}}
	req, err := http.NewRequest(http.MethodPost, s.url+"/webhooks/twilio/voice", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header = h
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	require.Contains(t, string(body), "Sam from Acme", "a machine hears the voicemail message")
	require.Equal(t, http.StatusUnauthorized, s.post(t, "/webhooks/twilio/voice", []byte(form.Encode()), nil))
	require.Equal(t, http.StatusUnauthorized, s.post(t, "/webhooks/twilio/recording", []byte("RecordingSid=RE1"), nil), "the recordings route is mounted and verified")
}

// The server's own address, as the demo posts to it and the log shows it:
// a listener on every interface is reached at localhost.
func TestReachable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "localhost:8080"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "localhost:8080"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, "127.0.0.1:9"},
		{&net.TCPAddr{IP: net.ParseIP("::1"), Port: 9}, "[::1]:9"},
	} {
		require.Equal(t, tt.want, reachable(tt.addr))
	}
}
