package twilio_test

import (
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// public is the host's public URL in these tests; the routes hang under it.
const public = "https://hooks.example.com"

const (
	ourNumber = "+61400000001"
	leadPhone = "+61412345678"
)

type control struct{ srv *twiliotest.Server }

func (c control) Fail(f adaptertest.Failure, retryAfter time.Duration) {
	switch f {
	case adaptertest.FailRejected:
		c.srv.Fail(twiliotest.Answer{Status: http.StatusBadRequest, Code: 21408, Message: "Permission to send an SMS has not been enabled for the region"})
	case adaptertest.FailRateLimited:
		c.srv.Fail(twiliotest.Answer{Status: http.StatusTooManyRequests, Code: twilio.CodeRateLimited, Message: "Too Many Requests", RetryAfter: retryAfter})
	case adaptertest.FailUnavailable:
		c.srv.Fail(twiliotest.Answer{Status: http.StatusServiceUnavailable, Code: 20500, Message: "Internal Server Error"})
	case adaptertest.FailHang:
		c.srv.Fail(twiliotest.Answer{Hang: true})
	case adaptertest.FailOptedOut:
		c.srv.Fail(twiliotest.Answer{Status: http.StatusBadRequest, Code: twilio.CodeOptedOut, Message: "Attempt to send to unsubscribed recipient"})
	}
}

func (c control) Supports(adaptertest.Failure) bool { return true }
func (c control) Delivered(key string) int          { return c.srv.Delivered(key) }

// voiceControl: a call has no opted-out answer.
type voiceControl struct{ control }

func (c voiceControl) Supports(f adaptertest.Failure) bool { return f != adaptertest.FailOptedOut }

func setup(t testing.TB, mod func(*twilio.Config)) (*twilio.Client, *twiliotest.Server) {
	t.Helper()
	srv := twiliotest.NewServer(twiliotest.Config{Now: func() time.Time { return start }})
	t.Cleanup(srv.Close)
	cfg := twilio.Config{AccountSID: srv.AccountSID(), AuthToken: srv.AuthToken(), BaseURL: srv.URL(), Timeout: 5 * time.Second,
		SMSStatusURL: public + "/webhooks/twilio/sms-status", VoiceURL: public + "/webhooks/twilio/voice",
		VoiceStatusURL: public + "/webhooks/twilio/voice-status", RecordingURL: public + "/webhooks/twilio/recording",
		InboundSMSURL: public + "/webhooks/twilio/sms", Now: func() time.Time { return start }}
	if mod != nil {
		mod(&cfg)
	}
	c, err := twilio.New(cfg)
	require.NoError(t, err)
	return c, srv
}

// phoneOf is a distinct Australian mobile number for each key.
func phoneOf(key string) string {
	sum := sha1.Sum([]byte(key))
	return fmt.Sprintf("+61412%06d", binary.BigEndian.Uint32(sum[:4])%1000000)
}

func text(key string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionSMS)
	m.From = channel.Sender{ID: "res-1", Address: ourNumber}
	m.To = channel.Recipient{Name: "Ana Lima", Phone: phoneOf(key)}
	m.Body = "Hi Ana, Sam from Outpost here. Worth a chat about your fleet's routing this week? Reply STOP to opt out"
	return m
}

func call(key string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionCall)
	m.From = channel.Sender{ID: "res-1", Address: ourNumber}
	m.To = channel.Recipient{Name: "Ana Lima", Phone: phoneOf(key)}
	m.Body = "Hi Ana, it's Sam from Outpost. Do you have a minute about your fleet's routing?"
	return m
}

func verifier(t testing.TB, srv *twiliotest.Server) webhook.Verifier {
	t.Helper()
	v, err := twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{srv.AuthToken()}, PublicURL: public})
	require.NoError(t, err)
	return v
}

func handler(t testing.TB, srv *twiliotest.Server, d webhook.Decoder, sink webhook.Sink) http.Handler {
	t.Helper()
	h, err := webhook.NewHandler(webhook.Config{Name: "twilio", Verifier: verifier(t, srv), Decoder: d, Sink: sink})
	require.NoError(t, err)
	return h
}

// served turns a callback the fake made for the public URL into the
// request the host's server receives (behind its proxy).
func served(t testing.TB, r *http.Request) *http.Request {
	t.Helper()
	body, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	in := httptest.NewRequest(http.MethodPost, r.URL.RequestURI(), strings.NewReader(string(body)))
	in.Header = r.Header.Clone()
	return in
}

// signedFor returns a RunWebhook Sign for callbacks to route with form
// bodies.
func signedFor(srv *twiliotest.Server, route string) func(t *testing.T, body []byte, _ time.Time) *http.Request {
	return func(t *testing.T, body []byte, _ time.Time) *http.Request {
		params, err := url.ParseQuery(string(body))
		if err != nil {
			params = url.Values{}
		}
		r, err := srv.Request(context.Background(), public+route, params, "tok")
		require.NoError(t, err)
		// The body as given (a malformed one stays malformed).
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		return served(t, r)
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	t.Run("SMS", func(t *testing.T) {
		adaptertest.RunChannel(t, adaptertest.ChannelHarness{
			New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
				c, srv := setup(t, nil)
				return c.SMS(), control{srv}
			},
			Message: text, RetryAfter: 7 * time.Second,
		})
	})
	t.Run("Voice", func(t *testing.T) {
		adaptertest.RunChannel(t, adaptertest.ChannelHarness{
			New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
				c, srv := setup(t, nil)
				return c.Voice(), voiceControl{control{srv}}
			},
			Message: call, RetryAfter: 7 * time.Second,
		})
	})

	c, srv := setup(t, nil)
	ctx := context.Background()
	rc, err := c.SMS().Send(ctx, text("touch-wh"))
	require.NoError(t, err)
	m, _ := srv.Message(rc.ProviderMessageID)
	crc, err := c.Voice().Send(ctx, call("touch-call"))
	require.NoError(t, err)
	cl, _ := srv.Call(crc.ProviderMessageID)
	rec := srv.Recorded(cl.Sid)
	dir := t.TempDir()
	for _, tc := range []struct {
		name, route string
		body        url.Values
		decoder     webhook.Decoder
	}{
		{"SMSStatus", "/webhooks/twilio/sms-status", srv.StatusParams(m, "undelivered", twilio.CodeUnreachable), &twilio.Decoder{}},
		{"SMSInbound", "/webhooks/twilio/sms", srv.InboundParams("SM"+strings.Repeat("1", 32), leadPhone, ourNumber, "STOP"), &twilio.Decoder{}},
		{"VoiceStatus", "/webhooks/twilio/voice-status", srv.CallParams(cl, "completed", "machine_end_beep"), &twilio.Decoder{}},
		{"Recording", "/webhooks/twilio/recording", srv.RecordingParams(cl, rec), &twilio.Recordings{Client: c, Store: twilio.DirStore{Dir: dir}}},
	} {
		t.Run("Webhook"+tc.name, func(t *testing.T) {
			adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
				Handler:   func(t *testing.T, sink webhook.Sink) http.Handler { return handler(t, srv, tc.decoder, sink) },
				Body:      []byte(tc.body.Encode()),
				Malformed: []byte("Foo=bar&AccountSid=AC1"), // signed, but no callback Twilio makes
				Sign:      signedFor(srv, tc.route),
				Unsign:    func(r *http.Request) { r.Header.Del(twilio.SignatureHeader) },
				Tamper: func(r *http.Request) {
					r.Header.Set(twilio.SignatureHeader, "A"+r.Header.Get(twilio.SignatureHeader)[1:])
				},
				Now: start,
			})
		})
	}
}

// Twilio's published example: the validator twilio-go ships and the
// fake's signature agree on it, so the fake signs as Twilio does.
func TestSignatureVector(t *testing.T) {
	t.Parallel()
	const want = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
	u := "https://mycompany.com/myapp.php?foo=1&bar=2"
	params := url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
		"Caller": {"+14158675309"}, "From": {"+14158675309"}}
	srv := twiliotest.NewServer(twiliotest.Config{AuthToken: "12345"})
	defer srv.Close()
	require.Equal(t, want, srv.Sign(u, params))

	v, err := twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{"rotated-out", "12345"}, PublicURL: "https://mycompany.com"})
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "/myapp.php?foo=1&bar=2", strings.NewReader(params.Encode()))
	r.Header.Set(twilio.SignatureHeader, want)
	require.NoError(t, v.Verify(r, []byte(params.Encode())), "signed over the public URL, with the second token")

	// One parameter more than was signed (Twilio signs every one it sends).
	params.Set("Extra", "1")
	require.ErrorIs(t, v.Verify(r, []byte(params.Encode())), webhook.ErrSignature)
	// The same request at another URL.
	other, _ := twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{"12345"}, PublicURL: "https://attacker.example"})
	params.Del("Extra")
	require.ErrorIs(t, other.Verify(r, []byte(params.Encode())), webhook.ErrSignature)
}

// What each status callback of a text becomes.
func TestTextStatus(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, nil)
	rc, err := c.SMS().Send(context.Background(), text("touch-1"))
	require.NoError(t, err)
	m, ok := srv.Message(rc.ProviderMessageID)
	require.True(t, ok)
	d := &twilio.Decoder{Now: func() time.Time { return start }}
	tests := []struct {
		status string
		code   int
		want   channel.EventType // "" for none
		from   string
	}{
		{"queued", 0, "", ""},
		{"sent", 0, "", ""},
		{"delivered", 0, channel.EventDelivered, ourNumber},
		{"undelivered", twilio.CodeOptedOut, channel.EventOptedOut, m.To},
		{"undelivered", twilio.CodeUnreachable, channel.EventBounced, ourNumber},
		{"failed", twilio.CodeUnknownDestination, channel.EventBounced, ourNumber},
		{"undelivered", twilio.CodeCarrierFiltered, channel.EventBounced, ourNumber},
		{"failed", twilio.CodeLandline, channel.EventBounced, ourNumber},
		{"undelivered", 30008, "", ""},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s_%d", tc.status, tc.code), func(t *testing.T) {
			got, err := d.Decode(http.Header{}, []byte(srv.StatusParams(m, tc.status, tc.code).Encode()))
			require.NoError(t, err)
			if tc.want == "" {
				require.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			e := got[0].Message
			require.NoError(t, e.Validate())
			require.Equal(t, tc.want, e.Type)
			require.Equal(t, channel.SMS, e.Kind)
			require.Equal(t, rc.ProviderMessageID, e.ProviderMessageID, "ties to the touch by the receipt")
			require.Equal(t, tc.from, e.From)
		})
	}
}

// A STOP texted to a number: the decoder hands the engine the text
// (whose keyword rules make it an opt-out), and Twilio then refuses the
// next text from that number with 21610, which the channel reports as an
// opt-out; START lifts it.
func TestStopAndStart(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		got []*channel.Event
	)
	sink := webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range in {
			got = append(got, e.Message)
		}
		return nil
	})
	mux := http.NewServeMux()
	hooks := httptest.NewServer(mux)
	defer hooks.Close()
	srv := twiliotest.NewServer(twiliotest.Config{SMSURL: hooks.URL + "/webhooks/twilio/sms", Now: func() time.Time { return start }})
	defer srv.Close()
	c, err := twilio.New(twilio.Config{AccountSID: srv.AccountSID(), AuthToken: srv.AuthToken(), BaseURL: srv.URL()})
	require.NoError(t, err)
	v, err := twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{srv.AuthToken()}, PublicURL: hooks.URL})
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Verifier: v, Decoder: &twilio.Decoder{}, Sink: sink})
	require.NoError(t, err)
	mux.Handle("POST /webhooks/twilio/sms", h)
	m := text("touch-stop")
	ctx := context.Background()
	_, err = c.SMS().Send(ctx, m)
	require.NoError(t, err)

	_, err = srv.Text(ctx, m.To.Phone, ourNumber, "Stop")
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, channel.EventOptedOut, got[0].Type, "a STOP is an opt-out")
	require.Equal(t, channel.SMS, got[0].Kind)
	require.Equal(t, m.To.Phone, got[0].From)
	require.Equal(t, ourNumber, got[0].To)

	_, err = c.SMS().Send(ctx, text("touch-stop"))
	require.Error(t, err)
	require.Equal(t, channel.ClassOptedOut, channel.Classify(err))
	var te *client.TwilioRestError
	require.ErrorAs(t, err, &te, "Twilio's error stays reachable")
	require.Equal(t, twilio.CodeOptedOut, te.Code)

	_, err = srv.Text(ctx, m.To.Phone, ourNumber, "UNSTOP")
	require.NoError(t, err)
	require.Equal(t, channel.EventOptedIn, got[1].Type)
	_, err = srv.Text(ctx, m.To.Phone, ourNumber, "Stop texting me please")
	require.NoError(t, err)
	require.Equal(t, channel.EventReplied, got[2].Type, "more than the word: a reply, for the engine's classifier")
	_, err = c.SMS().Send(ctx, text("touch-stop"))
	require.NoError(t, err)
}

// Advanced Opt-Out's own keyword ("ARRET" set up in the console) arrives
// with OptOutType: an opt-out beside the reply.
func TestAdvancedOptOut(t *testing.T) {
	t.Parallel()
	srv := twiliotest.NewServer(twiliotest.Config{})
	defer srv.Close()
	p := srv.InboundParams("SM"+strings.Repeat("2", 32), leadPhone, ourNumber, "ARRET")
	p.Set("OptOutType", "STOP")
	got, err := (&twilio.Decoder{}).Decode(http.Header{}, []byte(p.Encode()))
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, channel.EventReplied, got[0].Message.Type)
	require.Equal(t, channel.EventOptedOut, got[1].Message.Type)
	require.Equal(t, leadPhone, got[1].Message.From)
	require.NotEqual(t, got[0].Message.ProviderEventID, got[1].Message.ProviderEventID)

	// STOP itself: one opt-out.
	p = srv.InboundParams("SM"+strings.Repeat("3", 32), leadPhone, ourNumber, "STOP")
	p.Set("OptOutType", "STOP")
	got, err = (&twilio.Decoder{}).Decode(http.Header{}, []byte(p.Encode()))
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, channel.EventOptedOut, got[0].Message.Type)
}

// A call: its request (answering-machine detection, the instructions URL
// with the touch and the script, the callbacks), the instructions Twilio
// fetches for a person and for a machine, its outcome, and its recording
// kept in the store and linked to the call.
func TestCall(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, nil)
	ctx := context.Background()
	m := call("touch-call")
	rc, err := c.Voice().Send(ctx, m)
	require.NoError(t, err)
	require.Equal(t, channel.StatusQueued, rc.Status)
	cl, ok := srv.Call(rc.ProviderMessageID)
	require.True(t, ok)
	require.Equal(t, twilio.DefaultMachineDetection, cl.MachineDetection)
	require.True(t, cl.Record)
	u, err := url.Parse(cl.URL)
	require.NoError(t, err)
	require.Equal(t, "/webhooks/twilio/voice", u.Path)
	require.Equal(t, "touch-call", u.Query().Get("touch"))
	require.Equal(t, m.Body, u.Query().Get("say"))
	require.Contains(t, cl.StatusCallback, "touch=touch-call")
	require.Contains(t, cl.RecordingStatusCallback, "touch=touch-call")

	twiml := func(h *twilio.TwiML, answeredBy string, sign bool) *httptest.ResponseRecorder {
		p := url.Values{"CallSid": {cl.Sid}, "AccountSid": {srv.AccountSID()}, "CallStatus": {"in-progress"}, "AnsweredBy": {answeredBy}}
		r, err := srv.Request(ctx, cl.URL, p, "t")
		require.NoError(t, err)
		in := served(t, r)
		if !sign {
			in.Header.Set(twilio.SignatureHeader, "forged")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, in)
		return rec
	}
	h := &twilio.TwiML{Verifier: verifier(t, srv), VoicemailMessage: "Hi, it's Sam from Outpost; I'll try you again.", Language: "en-AU"}
	res := twiml(h, "human", true)
	require.Equal(t, http.StatusOK, res.Code)
	require.Contains(t, res.Body.String(), `<Say language="en-AU">Hi Ana, it&#39;s Sam from Outpost.`)
	res = twiml(h, "machine_end_beep", true)
	require.Contains(t, res.Body.String(), "I&#39;ll try you again.</Say><Hangup></Hangup>")
	res = twiml(&twilio.TwiML{Verifier: verifier(t, srv)}, "machine_end_silence", true)
	require.Contains(t, res.Body.String(), "<Response><Hangup></Hangup></Response>", "no voicemail message: hang up")
	res = twiml(h, "human", false)
	require.Equal(t, http.StatusUnauthorized, res.Code)
	require.NotContains(t, res.Body.String(), "Say")

	// The outcomes.
	d := &twilio.Decoder{}
	for _, tc := range []struct {
		status, by string
		want       channel.EventType
	}{
		{"completed", "human", channel.EventCallAnswered},
		{"completed", "unknown", channel.EventCallAnswered},
		{"completed", "machine_end_beep", channel.EventCallVoicemail},
		{"completed", "fax", channel.EventCallVoicemail},
		{"busy", "", channel.EventCallBusy},
		{"no-answer", "", channel.EventCallNoAnswer},
		{"failed", "", channel.EventCallFailed},
		{"canceled", "", channel.EventCallFailed},
		{"ringing", "", ""},
	} {
		got, err := d.Decode(http.Header{}, []byte(srv.CallParams(cl, tc.status, tc.by).Encode()))
		require.NoError(t, err)
		if tc.want == "" {
			require.Empty(t, got, tc.status)
			continue
		}
		require.Len(t, got, 1)
		require.Equal(t, tc.want, got[0].Message.Type, "%s %s", tc.status, tc.by)
		require.Equal(t, cl.Sid, got[0].Message.ProviderMessageID)
		require.NoError(t, got[0].Message.Validate())
	}

	// The recording.
	dir := t.TempDir()
	var events []*channel.Event
	recSid := srv.Recorded(cl.Sid)
	r, err := srv.Request(ctx, public+"/webhooks/twilio/recording?touch=touch-call", srv.RecordingParams(cl, recSid), recSid)
	require.NoError(t, err)
	w := httptest.NewRecorder()
	handler(t, srv, &twilio.Recordings{Client: c, Store: twilio.DirStore{Dir: dir}}, webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error {
		for _, e := range in {
			events = append(events, e.Message)
		}
		return nil
	})).ServeHTTP(w, served(t, r))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Len(t, events, 1)
	e := events[0]
	require.Equal(t, channel.EventCallRecorded, e.Type)
	require.Equal(t, cl.Sid, e.ProviderMessageID)
	want := filepath.Join(dir, cl.Sid, recSid+".mp3")
	require.Equal(t, want, e.Metadata["recording"])
	audio, err := os.ReadFile(want)
	require.NoError(t, err)
	require.Equal(t, twiliotest.Audio, audio)

	// A recording Twilio no longer has: 500, nothing recorded, Twilio may
	// deliver again.
	events = nil
	bad := srv.RecordingParams(cl, "RE"+strings.Repeat("f", 32))
	r, err = srv.Request(ctx, public+"/webhooks/twilio/recording", bad, "x")
	require.NoError(t, err)
	w = httptest.NewRecorder()
	handler(t, srv, &twilio.Recordings{Client: c, Store: twilio.DirStore{Dir: dir}}, webhook.SinkFunc(func(context.Context, []outbound.Inbound) error {
		events = append(events, nil)
		return nil
	})).ServeHTTP(w, served(t, r))
	require.GreaterOrEqual(t, w.Code, 500)
	require.Empty(t, events)
}

// EndCall through the host's routes, as the simulation runs it.
func TestEndCallPostsCallbacks(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		events []*channel.Event
	)
	sink := webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range in {
			events = append(events, e.Message)
		}
		return nil
	})
	mux := http.NewServeMux()
	hooks := httptest.NewServer(mux)
	defer hooks.Close()
	c, srv := setup(t, func(cfg *twilio.Config) {
		cfg.VoiceURL, cfg.VoiceStatusURL, cfg.RecordingURL = hooks.URL+"/voice", hooks.URL+"/voice-status", hooks.URL+"/recording"
	})
	v, err := twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{srv.AuthToken()}, PublicURL: hooks.URL})
	require.NoError(t, err)
	status, err := webhook.NewHandler(webhook.Config{Verifier: v, Decoder: &twilio.Decoder{}, Sink: sink})
	require.NoError(t, err)
	recs, err := webhook.NewHandler(webhook.Config{Verifier: v, Decoder: &twilio.Recordings{Client: c, Store: twilio.DirStore{Dir: t.TempDir()}}, Sink: sink})
	require.NoError(t, err)
	mux.Handle("POST /voice-status", status)
	mux.Handle("POST /recording", recs)
	rc, err := c.Voice().Send(context.Background(), call("touch-end"))
	require.NoError(t, err)
	rec, err := srv.EndCall(context.Background(), rc.ProviderMessageID, "completed", "human")
	require.NoError(t, err)
	require.NotEmpty(t, rec)
	require.Len(t, events, 2)
	require.Equal(t, channel.EventCallAnswered, events[0].Type)
	require.Equal(t, channel.EventCallRecorded, events[1].Type)
}

// Numbers: bought with their webhooks pointed, idempotent per order,
// passing over one taken meanwhile, refused when none is left, released.
func TestPurchase(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, func(cfg *twilio.Config) { cfg.Numbers.BundleSID = "BU" + strings.Repeat("0", 32) })
	ctx := context.Background()
	srv.Stock("AU", "Mobile", "+61400000101", "+61400000102", "+61400000103")
	o := outbound.Order{Key: "order-1", Kind: outbound.KindPhone, Count: 2}
	got, err := c.Purchase(ctx, o)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, r := range got {
		require.Equal(t, outbound.KindPhone, r.Kind)
		require.Equal(t, outbound.StateWarming, r.State)
		require.True(t, strings.HasPrefix(r.ProviderRef, "PN"))
		require.Equal(t, "twilio", r.Provider)
	}
	nums := srv.Numbers()
	require.Len(t, nums, 2)
	require.Equal(t, public+"/webhooks/twilio/sms", nums[0].SmsURL)
	require.Equal(t, public+"/webhooks/twilio/voice-status", nums[0].StatusCallback)
	require.Equal(t, "BU"+strings.Repeat("0", 32), nums[0].BundleSid)

	again, err := c.Purchase(ctx, o)
	require.NoError(t, err)
	require.Equal(t, got, again, "the order placed again answers with what it bought")
	require.Len(t, srv.Numbers(), 2, "and buys nothing more")

	// Listed, then bought by someone else before the purchase: passed
	// over for the next.
	srv.Stock("AU", "Mobile", "+61400000104")
	srv.Take("+61400000103")
	one, err := c.Purchase(ctx, outbound.Order{Key: "order-2", Kind: outbound.KindPhone, Count: 1})
	require.NoError(t, err)
	require.Len(t, one, 1)
	require.Equal(t, "+61400000104", one[0].Address, "the number taken meanwhile is passed over")

	// Fewer left than ordered: what could be bought comes back, and the
	// pool alerts on the shortfall.
	srv.Stock("AU", "Mobile", "+61400000105")
	three, err := c.Purchase(ctx, outbound.Order{Key: "order-5", Kind: outbound.KindPhone, Count: 3})
	require.NoError(t, err)
	require.Len(t, three, 1)

	_, err = c.Purchase(ctx, outbound.Order{Key: "order-3", Kind: outbound.KindPhone, Count: 1})
	require.ErrorIs(t, err, pool.ErrPurchaseRefused, "none left")
	_, err = c.Purchase(ctx, outbound.Order{Key: "order-4", Kind: outbound.KindDomain, Count: 1})
	require.ErrorIs(t, err, pool.ErrPurchaseRefused)

	require.NoError(t, c.Release(ctx, got[0].ProviderRef))
	require.Len(t, srv.Numbers(), 3)
	require.NoError(t, c.Release(ctx, got[0].ProviderRef), "released already: no error")
	require.Error(t, c.Release(ctx, "+61400000101"))
}

func TestConfigRefused(t *testing.T) {
	t.Parallel()
	ok := twilio.Config{AccountSID: "AC" + strings.Repeat("a", 32), AuthToken: "tok"}
	for name, mod := range map[string]func(*twilio.Config){
		"AccountSID":       func(c *twilio.Config) { c.AccountSID = "" },
		"AuthToken":        func(c *twilio.Config) { c.AuthToken = "" },
		"APIKeySID":        func(c *twilio.Config) { c.APIKeySID = "SK1" },
		"MachineDetection": func(c *twilio.Config) { c.MachineDetection = "Maybe" },
		"VoiceURL":         func(c *twilio.Config) { c.VoiceURL = "/relative" },
		"Numbers.Type":     func(c *twilio.Config) { c.Numbers.Type = "Satellite" },
		"Numbers.Country":  func(c *twilio.Config) { c.Numbers.Country = "AUS" },
		"BaseURL":          func(c *twilio.Config) { c.BaseURL = "ftp://x" },
	} {
		cfg := ok
		mod(&cfg)
		_, err := twilio.New(cfg)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe, name)
		require.Equal(t, name, fe.Field, name)
	}
	_, err := twilio.New(ok)
	require.NoError(t, err)
	_, err = twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{"t"}})
	require.Error(t, err, "no public URL")
	_, err = twilio.NewVerifier(twilio.VerifierConfig{PublicURL: public})
	require.Error(t, err, "no token")

	// A call without the instructions URL fails before anything is sent.
	c, srv := setup(t, func(cfg *twilio.Config) { cfg.VoiceURL = "" })
	_, err = c.Voice().Send(context.Background(), call("k"))
	require.Equal(t, channel.ClassPermanent, channel.Classify(err))
	require.Empty(t, srv.Calls())
	_, err = c.SMS().Send(context.Background(), call("k"))
	require.Equal(t, channel.ClassPermanent, channel.Classify(err), "a call on the text channel")
}

func TestDirStoreRefusesEscapes(t *testing.T) {
	t.Parallel()
	s := twilio.DirStore{Dir: t.TempDir()}
	for _, key := range []string{"", "../x.mp3", "/etc/x.mp3", "."} {
		_, err := s.Put(context.Background(), key, "audio/mpeg", strings.NewReader("x"))
		require.Error(t, err, key)
	}
	loc, err := s.Put(context.Background(), "CA1/RE1.mp3", "audio/mpeg", strings.NewReader("abc"))
	require.NoError(t, err)
	b, err := os.ReadFile(loc)
	require.NoError(t, err)
	require.Equal(t, "abc", string(b))
	require.False(t, errors.Is(err, os.ErrNotExist))
}
