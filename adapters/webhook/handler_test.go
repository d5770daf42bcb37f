package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const url = "https://hooks.example.com/webhooks/test"

func reply(id string) outbound.Inbound {
	return outbound.Inbound{Message: &channel.Event{
		Provider: webhooktest.Name, ProviderEventID: id, Type: channel.EventReplied, Kind: channel.Email,
		ProviderMessageID: "msg_" + id, From: "ann@example.com.au", At: start, Body: "Thanks, call me",
	}}
}

func subscription(id string) outbound.Inbound {
	return outbound.Inbound{Billing: &outbound.BillingEvent{
		Provider: "stripe", ProviderEventID: id, Type: outbound.BillingSubscriptionStarted,
		Customer: "cus_1", Subscription: "sub_1", Plan: "starter", Email: "billing@acme.example", At: start,
	}}
}

func domainReady(id string) outbound.Inbound {
	return outbound.Inbound{Provisioning: &outbound.ProvisioningEvent{
		Provider: "infraforge", ProviderEventID: id, Type: outbound.ProvisioningDomainReady,
		Kind: outbound.KindDomain, ProviderRef: "dom_1", Address: "acme-mail.com", At: start,
	}}
}

// countingDecoder counts the bodies it is asked to decode.
type countingDecoder struct {
	webhook.Decoder
	calls atomic.Int32
}

func (d *countingDecoder) Decode(h http.Header, body []byte) ([]outbound.Inbound, error) {
	d.calls.Add(1)
	return d.Decoder.Decode(h, body)
}

type env struct {
	clock   *timingtest.Clock
	prov    *webhooktest.Provider
	sink    *webhooktest.Sink
	decoder *countingDecoder
	h       *webhook.Handler
	logs    *bytes.Buffer
}

func newEnv(t *testing.T, edit func(*webhook.Config)) *env {
	t.Helper()
	e := &env{clock: timingtest.NewClock(start), sink: &webhooktest.Sink{}, logs: &bytes.Buffer{}}
	e.prov = webhooktest.New(webhooktest.Config{Secret: "whsec_right", Now: e.clock.Now})
	e.decoder = &countingDecoder{Decoder: e.prov.Decoder()}
	cfg := webhook.Config{
		Name: webhooktest.Name, Verifier: e.prov.Verifier(), Decoder: e.decoder, Sink: e.sink,
		Logger: slog.New(slog.NewJSONHandler(&syncWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	h, err := webhook.NewHandler(cfg)
	require.NoError(t, err)
	e.h = h
	return e
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (e *env) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func (e *env) signed(t *testing.T, events ...outbound.Inbound) *http.Request {
	t.Helper()
	req, err := e.prov.Request(context.Background(), url, events...)
	require.NoError(t, err)
	return req
}

func TestHandlerRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		maxBody int64
		req     func(t *testing.T, e *env) *http.Request
		status  int
		decoded bool // whether the decoder may have been called
	}{
		{name: "bad signature", status: http.StatusUnauthorized, req: func(t *testing.T, e *env) *http.Request {
			other := webhooktest.New(webhooktest.Config{Secret: "whsec_wrong", Now: e.clock.Now})
			req, err := other.Request(context.Background(), url, reply("ev_1"))
			require.NoError(t, err)
			return req
		}},
		{name: "body changed after signing", status: http.StatusUnauthorized, req: func(t *testing.T, e *env) *http.Request {
			body, err := webhooktest.Encode(reply("ev_1"))
			require.NoError(t, err)
			req := e.signed(t, reply("ev_2"))
			req.Body = io.NopCloser(bytes.NewReader(body))
			req.ContentLength = int64(len(body))
			return req
		}},
		{name: "stale timestamp", status: http.StatusUnauthorized, req: func(t *testing.T, e *env) *http.Request {
			req := e.signed(t, reply("ev_1"))
			e.clock.Advance(webhook.DefaultTolerance + time.Second)
			return req
		}},
		{name: "timestamp from the future", status: http.StatusUnauthorized, req: func(t *testing.T, e *env) *http.Request {
			e.clock.Advance(10 * time.Minute)
			req := e.signed(t, reply("ev_1"))
			e.clock.Set(start)
			return req
		}},
		{name: "missing signature header", status: http.StatusUnauthorized, req: func(t *testing.T, e *env) *http.Request {
			req := e.signed(t, reply("ev_1"))
			req.Header.Del(webhooktest.SignatureHeader)
			return req
		}},
		{name: "malformed signature header", status: http.StatusUnauthorized, req: func(t *testing.T, e *env) *http.Request {
			req := e.signed(t, reply("ev_1"))
			req.Header.Set(webhooktest.SignatureHeader, "t=,v1=zz")
			return req
		}},
		{name: "no body at all", status: http.StatusUnauthorized, req: func(t *testing.T, e *env) *http.Request {
			req := e.signed(t, reply("ev_1"))
			req.Body, req.ContentLength = nil, 0
			return req
		}},
		{name: "GET", status: http.StatusMethodNotAllowed, req: func(t *testing.T, e *env) *http.Request {
			req := e.signed(t, reply("ev_1"))
			req.Method = http.MethodGet
			return req
		}},
		{name: "PUT", status: http.StatusMethodNotAllowed, req: func(t *testing.T, e *env) *http.Request {
			req := e.signed(t, reply("ev_1"))
			req.Method = http.MethodPut
			return req
		}},
		{name: "too big, length declared", maxBody: 300, status: http.StatusRequestEntityTooLarge, req: func(t *testing.T, e *env) *http.Request {
			return e.signed(t, reply("ev_1"), reply("ev_2"), reply("ev_3"))
		}},
		{name: "too big, length not declared", maxBody: 300, status: http.StatusRequestEntityTooLarge, req: func(t *testing.T, e *env) *http.Request {
			req := e.signed(t, reply("ev_1"), reply("ev_2"), reply("ev_3"))
			req.ContentLength = -1
			req.Body = io.NopCloser(io.MultiReader(req.Body)) // hides the length
			return req
		}},
		{name: "malformed JSON", status: http.StatusBadRequest, decoded: true, req: func(t *testing.T, e *env) *http.Request {
			req, err := e.prov.SignedRequest(context.Background(), url, []byte(`{"events":[{"message":`))
			require.NoError(t, err)
			return req
		}},
		{name: "not the provider's shape", status: http.StatusBadRequest, decoded: true, req: func(t *testing.T, e *env) *http.Request {
			req, err := e.prov.SignedRequest(context.Background(), url, []byte(`{"type":"invoice.paid"}`))
			require.NoError(t, err)
			return req
		}},
		{name: "message with no type, beside a valid event", status: http.StatusBadRequest, decoded: true, req: func(t *testing.T, e *env) *http.Request {
			bad := reply("ev_2")
			bad.Message.Type = ""
			return e.signed(t, reply("ev_1"), bad)
		}},
		{name: "billing event with no customer", status: http.StatusBadRequest, decoded: true, req: func(t *testing.T, e *env) *http.Request {
			bad := subscription("evt_1")
			bad.Billing.Customer = ""
			return e.signed(t, bad)
		}},
		{name: "event with nothing set", status: http.StatusBadRequest, decoded: true, req: func(t *testing.T, e *env) *http.Request {
			return e.signed(t, outbound.Inbound{})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, func(c *webhook.Config) { c.MaxBody = tc.maxBody })
			rec := e.serve(tc.req(t, e))
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			require.Zero(t, e.sink.Calls(), "the sink must not be called")
			require.Empty(t, e.sink.Events())
			if !tc.decoded {
				require.Zero(t, e.decoder.calls.Load(), "nothing may be decoded before the signature is checked")
			}
			var answer struct{ Error string }
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &answer))
			require.NotEmpty(t, answer.Error)
			if tc.status == http.StatusMethodNotAllowed {
				require.Equal(t, http.MethodPost, rec.Header().Get("Allow"))
			}
		})
	}
}

func TestHandlerAcceptsEveryKind(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	events := []outbound.Inbound{reply("ev_1"), subscription("evt_1"), domainReady("ev_2")}
	rec := e.serve(e.signed(t, events...))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.JSONEq(t, `{"accepted":3}`, rec.Body.String())
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.Equal(t, 1, e.sink.Calls())
	require.Equal(t, events, e.sink.Events())
}

func TestHandlerAcceptsASignatureWithinTolerance(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	req := e.signed(t, reply("ev_1"))
	e.clock.Advance(webhook.DefaultTolerance - time.Second)
	require.Equal(t, http.StatusOK, e.serve(req).Code)
}

func TestHandlerNoEventsIsOKWithoutTheSink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	rec := e.serve(e.signed(t))
	require.Equal(t, http.StatusOK, rec.Code)
	require.JSONEq(t, `{"accepted":0}`, rec.Body.String())
	require.Zero(t, e.sink.Calls())
}

func TestHandlerSinkFailureAsksForRedelivery(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.sink.Fail(errors.New("database down"))
	events := []outbound.Inbound{reply("ev_1"), domainReady("ev_2")}
	rec := e.serve(e.signed(t, events...))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.GreaterOrEqual(t, rec.Code, 500, "a 5xx, so the provider delivers again")
	require.Empty(t, e.sink.Events())
	require.Contains(t, e.logs.String(), "database down")

	// The provider delivers again once the sink is back.
	e.sink.Fail(nil)
	rec = e.serve(e.signed(t, events...))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, events, e.sink.Events())
}

func TestHandlerSameDeliveryTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	events := []outbound.Inbound{reply("ev_1"), subscription("evt_1")}
	for range 2 {
		rec := e.serve(e.signed(t, events...))
		require.Equal(t, http.StatusOK, rec.Code)
	}
	require.Equal(t, 2, e.sink.Calls(), "the handler passes redeliveries on: deduplication is the sink's")
	require.Equal(t, events, e.sink.Events())
}

func TestHandlerVerifierOrDecoderFailureIs500(t *testing.T) {
	t.Parallel()
	broken := errors.New("key server unreachable")
	for name, edit := range map[string]func(*webhook.Config){
		"verifier": func(c *webhook.Config) {
			c.Verifier = verifierFunc(func(*http.Request, []byte) error { return broken })
		},
		"decoder": func(c *webhook.Config) {
			c.Decoder = decoderFunc(func(http.Header, []byte) ([]outbound.Inbound, error) { return nil, broken })
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, edit)
			rec := e.serve(e.signed(t, reply("ev_1")))
			require.Equal(t, http.StatusInternalServerError, rec.Code)
			require.Zero(t, e.sink.Calls())
		})
	}
}

type verifierFunc func(*http.Request, []byte) error

func (f verifierFunc) Verify(r *http.Request, body []byte) error { return f(r, body) }

type decoderFunc func(http.Header, []byte) ([]outbound.Inbound, error)

func (f decoderFunc) Decode(h http.Header, body []byte) ([]outbound.Inbound, error) {
	return f(h, body)
}

func TestHandlerCustomReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *webhook.Config) {
		c.Reply = func(w http.ResponseWriter, accepted int) {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, "<Response/><!-- %d -->", accepted)
		}
	})
	rec := e.serve(e.signed(t, reply("ev_1")))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "<Response/><!-- 1 -->", rec.Body.String())
	require.Len(t, e.sink.Events(), 1)
}

func TestHandlerConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	srv := httptest.NewServer(e.h)
	defer srv.Close()

	// 30 distinct events, each delivered by three deliveries at once.
	const distinct, copies = 30, 3
	var wg sync.WaitGroup
	codes := make(chan int, distinct*copies)
	for i := range distinct * copies {
		wg.Go(func() {
			id := fmt.Sprintf("ev_%d", i%distinct)
			req, err := e.prov.Request(context.Background(), srv.URL, reply(id), domainReady("p"+id))
			if err != nil {
				codes <- -1
				return
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				codes <- -1
				return
			}
			_ = resp.Body.Close()
			codes <- resp.StatusCode
		})
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		require.Equal(t, http.StatusOK, c)
	}
	got := e.sink.Events()
	require.Len(t, got, 2*distinct)
	seen := map[string]bool{}
	for _, in := range got {
		p, id := in.Key()
		require.False(t, seen[p+"/"+id], "recorded twice: %s/%s", p, id)
		seen[p+"/"+id] = true
	}
}

// The logs name what happened, never the body, the secret or the signature.
func TestHandlerLogsNoSecretsOrBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ev := reply("ev_1")
	ev.Message.Body = "my private reply text"
	bad := subscription("evt_2")
	bad.Billing.Email = "Secret Person <secret.person@example.com>"

	ok := e.signed(t, ev)
	sig := ok.Header.Get(webhooktest.SignatureHeader)
	require.Equal(t, http.StatusOK, e.serve(ok).Code)
	require.Equal(t, http.StatusBadRequest, e.serve(e.signed(t, bad)).Code)
	forged := e.signed(t, ev)
	last := "0"
	if strings.HasSuffix(sig, "0") {
		last = "1"
	}
	forged.Header.Set(webhooktest.SignatureHeader, sig[:len(sig)-1]+last) // well formed, wrong
	require.Equal(t, http.StatusUnauthorized, e.serve(forged).Code)

	logs := e.logs.String()
	require.Contains(t, logs, `"status":401`)
	require.Contains(t, logs, "no signature matches")
	require.Contains(t, logs, `"field":"BillingEvent.Email"`)
	require.Contains(t, logs, `"events":1`)
	for _, leak := range []string{"my private reply text", "secret.person@example.com", "whsec_right", sig[strings.Index(sig, "v1=")+3:], "hooks.example.com"} {
		require.NotContains(t, logs, leak)
	}
}

func TestNewHandlerConfig(t *testing.T) {
	t.Parallel()
	prov := webhooktest.New(webhooktest.Config{})
	valid := webhook.Config{Verifier: prov.Verifier(), Decoder: prov.Decoder(), Sink: &webhooktest.Sink{}}
	for _, tc := range []struct {
		field string
		edit  func(*webhook.Config)
	}{
		{"Verifier", func(c *webhook.Config) { c.Verifier = nil }},
		{"Decoder", func(c *webhook.Config) { c.Decoder = nil }},
		{"Sink", func(c *webhook.Config) { c.Sink = nil }},
		{"MaxBody", func(c *webhook.Config) { c.MaxBody = -1 }},
	} {
		cfg := valid
		tc.edit(&cfg)
		_, err := webhook.NewHandler(cfg)
		require.ErrorIs(t, err, invalid.ErrInvalid)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, tc.field, fe.Field)
	}
	_, err := webhook.NewHandler(valid)
	require.NoError(t, err)
}

// MaxBody defaults to 1 MiB: a body just under it passes, just over it is
// refused.
func TestHandlerDefaultMaxBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	pad := func(n int) []byte {
		b, err := webhooktest.Encode(reply("ev_1"))
		require.NoError(t, err)
		return append(b, bytes.Repeat([]byte(" "), n-len(b))...) // trailing space is valid JSON
	}
	req, err := e.prov.SignedRequest(context.Background(), url, pad(int(webhook.DefaultMaxBody)))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, e.serve(req).Code)
	req, err = e.prov.SignedRequest(context.Background(), url, pad(int(webhook.DefaultMaxBody)+1))
	require.NoError(t, err)
	require.Equal(t, http.StatusRequestEntityTooLarge, e.serve(req).Code)
}
