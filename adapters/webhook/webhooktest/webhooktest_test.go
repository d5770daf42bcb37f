package webhooktest_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// randomInbound returns an Inbound of a random kind with random fields, in
// the shapes the wire keeps exactly: UTC instants to the nanosecond, maps
// nil or non-empty. Half are valid events, the rest anything.
func randomInbound(r *rand.Rand) outbound.Inbound {
	str := func() string {
		const chars = "abcXYZ019 _-@.+é\"\\<>\n{}"
		n := r.IntN(12)
		var b strings.Builder
		for range n {
			b.WriteString(string([]rune(chars)[r.IntN(len([]rune(chars)))]))
		}
		return b.String()
	}
	instant := func() time.Time {
		if r.IntN(5) == 0 {
			return time.Time{}
		}
		return start.Add(time.Duration(r.Int64N(int64(400 * 24 * time.Hour)))).Add(-200 * 24 * time.Hour)
	}
	meta := func() map[string]string {
		if r.IntN(2) == 0 {
			return nil
		}
		return map[string]string{"touch": str() + "t", str(): str()}
	}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	switch r.IntN(3) {
	case 0:
		return outbound.Inbound{Message: &channel.Event{
			Provider: pick("twilio", str()), ProviderEventID: str(), Type: channel.EventType(pick("replied", "delivered", str())),
			Kind: channel.Kind(pick("email", "sms", str())), ProviderMessageID: str(), IdempotencyKey: str(),
			From: str(), To: str(), At: instant(), Detail: str(), ReturnAt: instant(), Body: str(), Metadata: meta(),
		}}
	case 1:
		return outbound.Inbound{Billing: &outbound.BillingEvent{
			Provider: pick("stripe", str()), ProviderEventID: str(), Type: outbound.BillingEventType(pick("payment_failed", str())),
			Customer: str(), Subscription: str(), Plan: str(), PreviousPlan: str(), Final: r.IntN(2) == 0,
			Email: str(), Name: str(), PeriodEnd: instant(), Amount: r.Int64N(1e9) - 1e8, Currency: str(),
			At: instant(), Metadata: meta(),
		}}
	}
	return outbound.Inbound{Provisioning: &outbound.ProvisioningEvent{
		Provider: pick("unipile", str()), ProviderEventID: str(), Type: outbound.ProvisioningEventType(pick("linkedin_restricted", str())),
		Kind: outbound.ResourceKind(pick("linkedin_seat", str())), ProviderRef: str(), Parent: str(), Address: str(),
		At: instant(), Reason: str(),
	}}
}

// What Encode writes, Decoder reads back unchanged, for events of every
// kind, valid or not.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		events := make([]outbound.Inbound, r.IntN(5))
		for i := range events {
			events[i] = randomInbound(r)
		}
		body, err := webhooktest.Encode(events...)
		require.NoError(t, err)
		got, err := webhooktest.Decoder{}.Decode(nil, body)
		require.NoError(t, err)
		require.Equal(t, events, got, string(body))
	}
}

func TestDecoderRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
	}{
		{"empty", ``},
		{"not JSON", `events`},
		{"truncated", `{"events":[{"message":{"id":"1"}`},
		{"a list", `[{"message":{}}]`},
		{"no events list", `{}`},
		{"events null", `{"events":null}`},
		{"unknown top-level field", `{"events":[],"type":"invoice.paid"}`},
		{"unknown event field", `{"events":[{"message":{"id":"1","colour":"red"}}]}`},
		{"unknown kind of event", `{"events":[{"charge":{"id":"1"}}]}`},
		{"wrong type of value", `{"events":[{"billing":{"amount":"ten"}}]}`},
		{"bad instant", `{"events":[{"billing":{"at":"yesterday"}}]}`},
		{"two objects", `{"events":[]}{"events":[]}`},
		{"trailing garbage", `{"events":[]} x`},
		{"too many events", `{"events":[` + strings.Repeat(`{},`, 1000) + `{}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := webhooktest.Decoder{}.Decode(nil, []byte(tc.body))
			require.ErrorIs(t, err, webhook.ErrPayload)
		})
	}
	got, err := webhooktest.Decoder{}.Decode(nil, []byte(" {\"events\":[]}\n"))
	require.NoError(t, err)
	require.Empty(t, got)
	// What the decoder does not judge, it passes on for validation.
	got, err = webhooktest.Decoder{}.Decode(nil, []byte(`{"events":[{},{"message":{"id":"1"},"billing":{"id":"2"}}]}`))
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Error(t, got[0].Validate())
	require.Error(t, got[1].Validate())
}

func TestProviderSignsWhatItsVerifierAccepts(t *testing.T) {
	t.Parallel()
	clock := timingtest.NewClock(start)
	p := webhooktest.New(webhooktest.Config{Secret: "whsec_a", Now: clock.Now})
	req, err := p.Request(context.Background(), "https://h.example/x", optOut("ev_1"))
	require.NoError(t, err)
	require.Equal(t, http.MethodPost, req.Method)
	require.Equal(t, "application/json", req.Header.Get("Content-Type"))
	sig := req.Header.Get(webhooktest.SignatureHeader)
	require.True(t, strings.HasPrefix(sig, fmt.Sprintf("t=%d,v1=", start.Unix())), sig)

	body, err := webhooktest.Encode(optOut("ev_1"))
	require.NoError(t, err)
	require.NoError(t, p.Verifier().Verify(req, body))
	require.Equal(t, sig, p.Sign(start, body))
	require.NotEqual(t, sig, p.Sign(start.Add(time.Second), body))

	other := webhooktest.New(webhooktest.Config{Secret: "whsec_b", Now: clock.Now})
	require.ErrorIs(t, other.Verifier().Verify(req, body), webhook.ErrSignature)

	clock.Advance(6 * time.Minute)
	require.ErrorIs(t, p.Verifier().Verify(req, body), webhook.ErrStale)

	// A provider built with nothing signs with DefaultSecret.
	d := webhooktest.New(webhooktest.Config{Now: clock.Now})
	named := webhooktest.New(webhooktest.Config{Secret: webhooktest.DefaultSecret, Now: clock.Now})
	require.Equal(t, named.Sign(start, body), d.Sign(start, body))
}

func optOut(id string) outbound.Inbound {
	return outbound.Inbound{Message: &channel.Event{
		Provider: webhooktest.Name, ProviderEventID: id, Type: channel.EventOptedOut, Kind: channel.SMS,
		From: "+61412345678", At: start, Body: "STOP",
	}}
}

func TestSink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var s webhooktest.Sink
	a, b, c := optOut("a"), optOut("b"), optOut("c")
	require.NoError(t, s.Accept(ctx, []outbound.Inbound{a, b}))
	require.NoError(t, s.Accept(ctx, []outbound.Inbound{b, c, a}))
	require.Equal(t, []outbound.Inbound{a, b, c}, s.Events())

	// Same key, other content: the first one recorded stands.
	changed := optOut("a")
	changed.Message.Body = "START"
	require.NoError(t, s.Accept(ctx, []outbound.Inbound{changed}))
	require.Equal(t, "STOP", s.Events()[0].Message.Body)

	// The same event ID from another provider is another event.
	stripe := outbound.Inbound{Billing: &outbound.BillingEvent{Provider: "stripe", ProviderEventID: "a"}}
	require.NoError(t, s.Accept(ctx, []outbound.Inbound{stripe}))
	require.Len(t, s.Events(), 4)

	down := errors.New("down")
	s.Fail(down)
	require.ErrorIs(t, s.Accept(ctx, []outbound.Inbound{optOut("d")}), down)
	require.Len(t, s.Events(), 4, "a failed Accept records nothing")
	s.Fail(nil)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, s.Accept(cancelled, []outbound.Inbound{optOut("d")}), context.Canceled)
	require.NoError(t, s.Accept(ctx, []outbound.Inbound{optOut("d")}))
	require.Len(t, s.Events(), 5)
	require.Equal(t, 6, s.Calls())
}

func TestSinkConcurrent(t *testing.T) {
	t.Parallel()
	var s webhooktest.Sink
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			_ = s.Accept(context.Background(), []outbound.Inbound{optOut(fmt.Sprint(i % 10)), optOut("x")})
		})
	}
	wg.Wait()
	require.Len(t, s.Events(), 11)
	require.Equal(t, 40, s.Calls())
}
