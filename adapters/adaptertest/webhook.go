package adaptertest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// WebhookHarness is what an adapter's test gives [RunWebhook].
type WebhookHarness struct {
	// Handler returns the adapter's webhook endpoint handing what it
	// accepts to sink (usually adapters/webhook.NewHandler with the
	// adapter's Verifier and Decoder). It is called once per subtest.
	Handler func(t *testing.T, sink webhook.Sink) http.Handler
	// Body is a delivery the provider makes, holding at least one event
	// the engine uses.
	Body []byte
	// Malformed is a delivery whose body does not parse.
	Malformed []byte
	// Sign returns the request the provider makes with body, authenticated
	// as the provider does (a signature over the body and instant at, a
	// secret header or token), to be served to the handler.
	Sign func(t *testing.T, body []byte, at time.Time) *http.Request
	// Unsign removes what authenticates r.
	Unsign func(r *http.Request)
	// Tamper makes what authenticates r wrong (another secret's
	// signature, one changed character).
	Tamper func(r *http.Request)
	// Now is the instant the verifier takes for now.
	Now time.Time
	// StaleAfter is how old a signature the verifier refuses; 0 for a
	// scheme with no time in it (a secret token), which skips that test.
	StaleAfter time.Duration
}

// RunWebhook checks a provider's webhook endpoint: a valid delivery is
// answered 2xx once its events are handed to the sink, each of them valid;
// a delivery again hands the same events (by provider and event ID), which
// the sink records once; a missing, wrong or stale signature is answered
// 401 and a body that does not parse 400, with nothing handed to the sink;
// a sink that fails gets an answer that makes the provider deliver again.
func RunWebhook(t *testing.T, h WebhookHarness) {
	t.Helper()
	require.NotNil(t, h.Handler, "WebhookHarness.Handler")
	require.NotNil(t, h.Sign, "WebhookHarness.Sign")
	require.NotNil(t, h.Unsign, "WebhookHarness.Unsign")
	require.NotNil(t, h.Tamper, "WebhookHarness.Tamper")
	require.NotEmpty(t, h.Body, "WebhookHarness.Body")
	require.NotEmpty(t, h.Malformed, "WebhookHarness.Malformed")

	t.Run("ValidOnce", func(t *testing.T) {
		sink := &recordingSink{}
		hd := h.Handler(t, sink)
		first := serve(hd, h.Sign(t, h.Body, h.Now))
		require.Equal(t, 2, first.Code/100, "a valid delivery is answered 2xx: %d %s", first.Code, first.Body)
		got := sink.keys()
		require.NotEmpty(t, got, "the delivery's events reached the sink")
		for _, e := range sink.all() {
			require.NoError(t, e.Validate(), "each event handed on is valid")
		}
		again := serve(hd, h.Sign(t, h.Body, h.Now))
		require.Equal(t, 2, again.Code/100, "a delivery again is answered 2xx")
		require.Equal(t, got, sink.keys(), "a delivery again hands the same events, which the sink records once")
	})
	refused := func(name string, want int, req func(t *testing.T) *http.Request) {
		t.Run(name, func(t *testing.T) {
			sink := &recordingSink{}
			rec := serve(h.Handler(t, sink), req(t))
			require.Equal(t, want, rec.Code, "answer: %s", rec.Body)
			require.Empty(t, sink.all(), "nothing reached the sink")
		})
	}
	refused("Unsigned", http.StatusUnauthorized, func(t *testing.T) *http.Request {
		r := h.Sign(t, h.Body, h.Now)
		h.Unsign(r)
		return r
	})
	refused("BadSignature", http.StatusUnauthorized, func(t *testing.T) *http.Request {
		r := h.Sign(t, h.Body, h.Now)
		h.Tamper(r)
		return r
	})
	if h.StaleAfter > 0 {
		refused("Stale", http.StatusUnauthorized, func(t *testing.T) *http.Request {
			return h.Sign(t, h.Body, h.Now.Add(-h.StaleAfter-time.Minute))
		})
	}
	refused("Malformed", http.StatusBadRequest, func(t *testing.T) *http.Request {
		return h.Sign(t, h.Malformed, h.Now)
	})
	t.Run("SinkDown", func(t *testing.T) {
		sink := &recordingSink{fail: true}
		rec := serve(h.Handler(t, sink), h.Sign(t, h.Body, h.Now))
		require.GreaterOrEqual(t, rec.Code, 500, "a delivery not recorded is answered so that the provider delivers again: %d", rec.Code)
	})
}

// serve hands r to hd, with a body it can read again (a request is served
// once; Sign may be called again for the next).
func serve(hd http.Handler, r *http.Request) *httptest.ResponseRecorder {
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	rec := httptest.NewRecorder()
	hd.ServeHTTP(rec, r)
	return rec
}

// recordingSink records what it accepts, once by key, as the engine's sink
// does; with fail set it fails every call.
type recordingSink struct {
	mu     sync.Mutex
	fail   bool
	events []outbound.Inbound
	seen   map[string]bool
}

func (s *recordingSink) Accept(ctx context.Context, events []outbound.Inbound) error {
	if s.fail {
		return errSinkDown
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, e := range events {
		p, id := e.Key()
		k := p + "\x00" + id
		if !s.seen[k] {
			s.seen[k] = true
			s.events = append(s.events, e)
		}
	}
	return nil
}

func (s *recordingSink) all() []outbound.Inbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

func (s *recordingSink) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.seen))
	for k := range s.seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
