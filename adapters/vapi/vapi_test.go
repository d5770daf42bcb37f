package vapi_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/adapters/vapi/vapitest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type control struct{ srv *vapitest.Server }

func (c control) Fail(f adaptertest.Failure, retryAfter time.Duration) {
	switch f {
	case adaptertest.FailRejected:
		c.srv.Fail(vapitest.Answer{Status: http.StatusBadRequest, Message: "customer.number must be a valid phone number"})
	case adaptertest.FailRateLimited:
		c.srv.Fail(vapitest.Answer{Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
	case adaptertest.FailUnavailable:
		c.srv.Fail(vapitest.Answer{Status: http.StatusServiceUnavailable})
	case adaptertest.FailHang:
		c.srv.Fail(vapitest.Answer{Hang: true})
	}
}

// Supports: Vapi has no opted-out answer to a call request.
func (c control) Supports(f adaptertest.Failure) bool { return f != adaptertest.FailOptedOut }
func (c control) Delivered(key string) int            { return c.srv.Delivered(key) }

func setup(t testing.TB, mod func(*vapi.Config)) (*vapi.Channel, *vapitest.Server) {
	t.Helper()
	srv := vapitest.NewServer(vapitest.Config{Now: func() time.Time { return start }})
	t.Cleanup(srv.Close)
	cfg := vapi.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), AssistantID: "asst-1", Timeout: 5 * time.Second,
		PhoneNumbers: map[string]string{"+61280000000": "pn-0001"},
		Now:          func() time.Time { return start }}
	if mod != nil {
		mod(&cfg)
	}
	ch, err := vapi.New(cfg)
	require.NoError(t, err)
	return ch, srv
}

func call(key string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionCall)
	m.From = channel.Sender{ID: "res-1", Address: "+61280000000"}
	m.To = channel.Recipient{Name: "Ana Lima", Phone: "+61412345678"}
	m.Body = "Introduce yourself; ask whether a 15-minute call next week suits."
	return m
}

func TestConformance(t *testing.T) {
	t.Parallel()
	adaptertest.RunChannel(t, adaptertest.ChannelHarness{
		New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
			ch, srv := setup(t, nil)
			return ch, control{srv}
		},
		Message:    call,
		RetryAfter: 7 * time.Second,
	})

	ch, srv := setup(t, nil)
	rc, err := ch.Send(context.Background(), call("touch-wh"))
	require.NoError(t, err)
	body, err := srv.Report(rc.ProviderMessageID, "customer-ended-call", "AI: Hi Ana.\nUser: Hi, sure, go ahead.", "Interested.", start)
	require.NoError(t, err)
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler:   func(t *testing.T, sink webhook.Sink) http.Handler { return handler(t, srv, start, sink) },
		Body:      body,
		Malformed: []byte(`{"message":`),
		Sign: func(t *testing.T, body []byte, at time.Time) *http.Request {
			return signed(srv, body, at)
		},
		Unsign: func(r *http.Request) { r.Header.Del(vapi.DefaultSignatureHeader) },
		Tamper: func(r *http.Request) {
			r.Header.Set(vapi.DefaultSignatureHeader, "00"+r.Header.Get(vapi.DefaultSignatureHeader)[2:])
		},
		Now:        start,
		StaleAfter: webhook.DefaultTolerance,
	})
}

func handler(t testing.TB, srv *vapitest.Server, now time.Time, sink webhook.Sink) http.Handler {
	t.Helper()
	v, err := vapi.NewVerifier(vapi.VerifierConfig{Secrets: []string{srv.Secret()}, Now: func() time.Time { return now }})
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Name: "vapi", Verifier: v, Decoder: &vapi.Decoder{}, Sink: sink})
	require.NoError(t, err)
	return h
}

func signed(srv *vapitest.Server, body []byte, at time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/vapi", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	sig, ts := srv.Sign(body, at)
	r.Header.Set(vapi.DefaultSignatureHeader, sig)
	r.Header.Set(vapi.DefaultTimestampHeader, ts)
	return r
}

// The request Vapi gets: the assistant, the number the call goes out from,
// the customer, the touch in the name, the script and the voicemail
// message as overrides.
func TestCallShape(t *testing.T) {
	t.Parallel()
	ch, srv := setup(t, func(c *vapi.Config) { c.VoicemailMessage = "Hi, it's Sam from Outpost; I'll try again." })
	rc, err := ch.Send(context.Background(), call("touch-1"))
	require.NoError(t, err)
	calls := srv.Calls()
	require.Len(t, calls, 1)
	require.Equal(t, rc.ProviderMessageID, calls[0].ID)
	require.Equal(t, "pn-0001", calls[0].PhoneNumberID)
	require.Equal(t, "+61412345678", calls[0].Customer.Number)
	require.Equal(t, "touch-1", vapi.TouchOf(calls[0].Name))
	found, ok, err := ch.Lookup(context.Background(), "touch-1")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, rc.ProviderMessageID, found.ProviderMessageID)
	_, ok, err = ch.Lookup(context.Background(), "touch-none")
	require.NoError(t, err)
	require.False(t, ok)

	// Refused before sending: a key too long for the call's name, no
	// number to call from.
	m := call("a-touch-id-that-is-far-too-long-for-the-name-field")
	_, err = ch.Send(context.Background(), m)
	require.ErrorIs(t, err, channel.ErrPermanent)
	m = call("touch-2")
	m.From.Address = "+61299999999"
	_, err = ch.Send(context.Background(), m)
	require.ErrorIs(t, err, channel.ErrPermanent)
	require.Len(t, srv.Calls(), 1)
}

// The account's concurrent-call limit is a rate limit, with Vapi's delay
// or the default.
func TestConcurrencyLimitIsARateLimit(t *testing.T) {
	t.Parallel()
	ch, srv := setup(t, nil)
	srv.Fail(vapitest.Answer{Status: http.StatusBadRequest, Message: "Couldn't create call: over concurrency limit (10)."})
	_, err := ch.Send(context.Background(), call("touch-c"))
	require.Equal(t, channel.ClassRateLimited, channel.Classify(err))
	var ce *channel.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, vapi.DefaultConcurrencyWait, ce.RetryAfter)
}

// Every ending maps to its outcome, an unknown one to failed; the report
// keeps the transcript, summary and recording; the customer asking not to
// be called is an opt-out for voice as well.
func TestReports(t *testing.T) {
	t.Parallel()
	for reason, want := range map[string]channel.EventType{
		"customer-busy": channel.EventCallBusy, "customer-did-not-answer": channel.EventCallNoAnswer,
		"voicemail": channel.EventCallVoicemail, "customer-ended-call": channel.EventCallAnswered,
		"assistant-said-end-call-phrase": channel.EventCallAnswered, "twilio-failed-to-connect-call": channel.EventCallFailed,
		"pipeline-error-some-new-provider-fault": channel.EventCallFailed,
	} {
		require.Equal(t, want, vapi.Outcome(reason), reason)
	}
	ch, srv := setup(t, nil)
	rc, err := ch.Send(context.Background(), call("touch-r"))
	require.NoError(t, err)
	decode := func(reason, transcript string) []outbound.Inbound {
		t.Helper()
		body, err := srv.Report(rc.ProviderMessageID, reason, transcript, "The customer declined.", start.Add(time.Minute))
		require.NoError(t, err)
		var got []outbound.Inbound
		h := handler(t, srv, start.Add(time.Minute), webhook.SinkFunc(func(_ context.Context, in []outbound.Inbound) error {
			got = append(got, in...)
			return nil
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, signed(srv, body, start.Add(time.Minute)))
		require.Equal(t, http.StatusOK, rec.Code)
		return got
	}
	got := decode("customer-ended-call", "AI: Hi Ana, it's Sam.\nUser: Look, please take me off your list and don't call me again.\nAI: Understood.")
	require.Len(t, got, 2)
	e := got[0].Message
	require.Equal(t, channel.EventCallAnswered, e.Type)
	require.Equal(t, "touch-r", e.IdempotencyKey)
	require.Equal(t, rc.ProviderMessageID, e.ProviderMessageID)
	require.Contains(t, e.Body, "take me off your list")
	require.Equal(t, "The customer declined.", e.Metadata["summary"])
	require.Contains(t, e.Metadata["recording_url"], rc.ProviderMessageID)
	opt := got[1].Message
	require.Equal(t, channel.EventOptedOut, opt.Type)
	require.Equal(t, channel.Voice, opt.Kind)
	require.Equal(t, "+61412345678", opt.From)

	// The assistant's own words are not the customer's.
	got = decode("customer-ended-call", "AI: If you'd rather not hear from us, just say take me off your list.\nUser: No, that's fine, tell me more.")
	require.Len(t, got, 1)

	// Other messages decode to nothing.
	none, err := (&vapi.Decoder{}).Decode(nil, []byte(`{"message":{"type":"status-update","status":"in-progress"}}`))
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestConfigRefused(t *testing.T) {
	t.Parallel()
	for field, cfg := range map[string]vapi.Config{
		"APIKey":       {AssistantID: "a"},
		"AssistantID":  {APIKey: "k"},
		"Assistant":    {APIKey: "k", AssistantID: "a", Assistant: []byte(`{}`)},
		"PhoneNumbers": {APIKey: "k", AssistantID: "a"},
		"BaseURL":      {APIKey: "k", AssistantID: "a", BaseURL: "ftp://x", PhoneNumbers: map[string]string{"+61280000000": "pn"}},
	} {
		_, err := vapi.New(cfg)
		require.ErrorContains(t, err, "Config."+field, field)
	}
	_, err := vapi.NewVerifier(vapi.VerifierConfig{})
	require.ErrorContains(t, err, "Tokens")
	_, err = vapi.NewVerifier(vapi.VerifierConfig{Tokens: []string{"a"}, Secrets: []string{"b"}})
	require.Error(t, err)
	v, err := vapi.NewVerifier(vapi.VerifierConfig{Tokens: []string{"tok_abcdef0123456789"}})
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set("Authorization", "Bearer tok_abcdef0123456789")
	require.NoError(t, v.Verify(r, nil))
	r.Header.Set("Authorization", "Bearer tok_wrong")
	require.ErrorIs(t, v.Verify(r, nil), webhook.ErrSignature)
}

// An assistant's knowledge: documents uploaded, gathered into a knowledge
// base; a file type Vapi does not parse is refused before any request.
func TestKnowledgeBase(t *testing.T) {
	t.Parallel()
	ch, srv := setup(t, nil)
	ctx := context.Background()
	faq, err := ch.UploadKnowledge(ctx, "faq.md", bytes.NewReader([]byte("# Pricing\nFrom $499 a month.")))
	require.NoError(t, err)
	sheet, err := ch.UploadKnowledge(ctx, "product.pdf", bytes.NewReader([]byte("%PDF-1.4 ...")))
	require.NoError(t, err)
	id, err := ch.CreateKnowledgeBase(ctx, "Outpost sales", "What the assistant may say", faq.ID, sheet.ID)
	require.NoError(t, err)
	files, ok := srv.KnowledgeBase(id)
	require.True(t, ok)
	require.Equal(t, []string{"faq.md", "product.pdf"}, []string{files[0].Name, files[1].Name})

	_, err = ch.UploadKnowledge(ctx, "deck.pptx", bytes.NewReader([]byte("x")))
	require.ErrorContains(t, err, "pptx")
	_, err = ch.CreateKnowledgeBase(ctx, "Bad", "", "file-missing")
	require.ErrorIs(t, err, channel.ErrPermanent)
}
