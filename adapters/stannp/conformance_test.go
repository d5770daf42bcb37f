package stannp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/stannp"
	"github.com/outbound-go/outbound/adapters/stannp/stannptest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

var start = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// control drives the fake for the conformance suite.
type control struct{ srv *stannptest.Server }

func (c control) Fail(f adaptertest.Failure, retryAfter time.Duration) {
	switch f {
	case adaptertest.FailRejected:
		c.srv.Fail(stannptest.Answer{Status: http.StatusBadRequest, Message: "Invalid postcode"})
	case adaptertest.FailRateLimited:
		c.srv.Fail(stannptest.Answer{Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
	case adaptertest.FailUnavailable:
		c.srv.Fail(stannptest.Answer{Status: http.StatusServiceUnavailable})
	case adaptertest.FailHang:
		c.srv.Fail(stannptest.Answer{Hang: true})
	}
}

// Supports: Stannp has no opted-out answer.
func (c control) Supports(f adaptertest.Failure) bool { return f != adaptertest.FailOptedOut }

func (c control) Delivered(key string) int { return c.srv.Delivered(key) }

func letterMessage(key string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionLetter)
	m.From = channel.Sender{ID: "res-1", Address: "stannp"}
	m.To = channel.Recipient{Name: "Ana de Lima", Postal: channel.PostalAddress{
		Lines: []string{"10 Downing St", "Flat 2"}, City: "London", Postcode: "SW1A 2AA", Country: "gb",
	}}
	m.Body = "Dear Ana,\n\nA <short> note & more."
	return m
}

func setup(t testing.TB) (*stannp.Channel, *stannptest.Server) {
	t.Helper()
	return setupWith(t, nil)
}

// setupWith is setup with the configuration adjusted by mod.
func setupWith(t testing.TB, mod func(*stannp.Config)) (*stannp.Channel, *stannptest.Server) {
	t.Helper()
	srv := stannptest.NewServer(stannptest.Config{Now: func() time.Time { return start }})
	t.Cleanup(srv.Close)
	cfg := stannp.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Test: true}
	if mod != nil {
		mod(&cfg)
	}
	ch, err := stannp.New(cfg)
	require.NoError(t, err)
	return ch, srv
}

func postcardMessage(key string) *channel.Message {
	m := letterMessage(key)
	m.Action = channel.ActionPostcard
	m.Body = "Hi Ana, a short note on the back."
	return m
}

func newHandler(t *testing.T, secret string, sink webhook.Sink) http.Handler {
	t.Helper()
	v, err := stannp.NewVerifier(secret)
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Name: "stannp", Verifier: v, Decoder: stannp.Decoder{}, Sink: sink})
	require.NoError(t, err)
	return h
}

func TestConformance(t *testing.T) {
	t.Parallel()
	adaptertest.RunChannel(t, adaptertest.ChannelHarness{
		New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
			ch, srv := setup(t)
			return ch, control{srv}
		},
		Message: func(key string) *channel.Message {
			m := letterMessage(key)
			m.To.Name = "Recipient " + key
			return m
		},
	})

	t.Run("postcard", func(t *testing.T) {
		adaptertest.RunChannel(t, adaptertest.ChannelHarness{
			New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
				ch, srv := setupWith(t, func(c *stannp.Config) { c.PostcardFront = "https://cdn.example/front.png" })
				return ch, control{srv}
			},
			Message: func(key string) *channel.Message {
				m := postcardMessage(key)
				m.To.Name = "Recipient " + key
				return m
			},
		})
	})

	ch, srv := setup(t)
	rc, err := ch.Send(context.Background(), letterMessage("touch-wh"))
	require.NoError(t, err)
	body, err := srv.DeliveryBody(
		stannptest.Status{LetterID: rc.ProviderMessageID, Status: "dispatched", At: start},
		stannptest.Status{LetterID: rc.ProviderMessageID, Status: stannp.StatusDelivered, At: start.Add(time.Hour)},
	)
	require.NoError(t, err)
	adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
		Handler: func(t *testing.T, sink webhook.Sink) http.Handler {
			return newHandler(t, srv.WebhookSecret(), sink)
		},
		Body:      body,
		Malformed: []byte(`{"event":"mailpiece_status","mailpieces":[`),
		Sign: func(t *testing.T, body []byte, _ time.Time) *http.Request {
			req, err := srv.SignedRequest(context.Background(), "http://127.0.0.1/webhooks/stannp", body)
			require.NoError(t, err)
			return req
		},
		Unsign: func(r *http.Request) { r.Header.Del(stannp.SignatureHeader) },
		Tamper: func(r *http.Request) {
			r.Header.Set(stannp.SignatureHeader, stannptest.Sign("another secret", []byte("x")))
		},
		Now: start,
		// Stannp signs no timestamp: no staleness to test.
		StaleAfter: 0,
	})
}

func TestSendShape(t *testing.T) {
	t.Parallel()
	ch, srv := setup(t)
	rc, err := ch.Send(context.Background(), letterMessage("touch-1"))
	require.NoError(t, err)
	require.Equal(t, "stannp", rc.Provider)
	require.True(t, rc.At.Equal(start), "receipt time %v", rc.At)
	ls := srv.Letters()
	require.Len(t, ls, 1)
	l := ls[0]
	require.Equal(t, rc.ProviderMessageID, l.ID)
	require.Equal(t, map[string]string{"firstname": "Ana", "lastname": "de Lima", "address1": "10 Downing St",
		"address2": "Flat 2", "city": "London", "postcode": "SW1A 2AA", "country": "GB"}, l.Recipient)
	require.Equal(t, "touch:touch-1", l.Fields["tags"])
	require.Equal(t, "touch-1", l.Fields["idempotency_key"])
	require.Equal(t, "true", l.Fields["test"])
	require.True(t, strings.HasPrefix(l.FileType, "text/html"))
	require.Contains(t, string(l.File), "A &lt;short&gt; note &amp; more.")

	// A repeat of the key answers 409 with the original letter: no second
	// letter.
	again, err := ch.Send(context.Background(), letterMessage("touch-1"))
	require.NoError(t, err)
	require.Equal(t, rc.ProviderMessageID, again.ProviderMessageID)
	require.Equal(t, 1, srv.Delivered("touch-1"))
}

func TestWebhookEvents(t *testing.T) {
	t.Parallel()
	ch, srv := setup(t)
	rc, err := ch.Send(context.Background(), letterMessage("touch-r"))
	require.NoError(t, err)
	body, err := srv.DeliveryBody(
		stannptest.Status{LetterID: rc.ProviderMessageID, Status: "printing", At: start},
		stannptest.Status{LetterID: rc.ProviderMessageID, Status: stannp.StatusReturned, At: start.Add(time.Hour)},
	)
	require.NoError(t, err)
	got, err := stannp.Decoder{}.Decode(nil, body)
	require.NoError(t, err)
	require.Len(t, got, 1)
	e := got[0].Message
	require.Equal(t, channel.EventBounced, e.Type)
	require.Equal(t, "touch-r", e.IdempotencyKey)
	require.Equal(t, rc.ProviderMessageID, e.ProviderMessageID)
	require.Equal(t, rc.ProviderMessageID+":returned", e.ProviderEventID)
	require.True(t, e.At.Equal(start.Add(time.Hour)))

	none, err := stannp.Decoder{}.Decode(nil, []byte(`{"event":"campaign_status","mailpieces":[]}`))
	require.NoError(t, err)
	require.Empty(t, none)

	// Upper-case hex and a sha256= prefix are accepted; a signature of
	// another body is not.
	v, err := stannp.NewVerifier(srv.WebhookSecret())
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set(stannp.SignatureHeader, "sha256="+strings.ToUpper(stannp.Sign(srv.WebhookSecret(), body)))
	require.NoError(t, v.Verify(r, body))
	require.ErrorIs(t, v.Verify(r, append(body, ' ')), webhook.ErrSignature)
}

func TestRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	ch, srv := setup(t)
	m := letterMessage("a,b")
	_, err := ch.Send(context.Background(), m)
	require.Equal(t, channel.ClassPermanent, channel.Classify(err))
	require.Equal(t, 0, srv.CreateRequests())
}

// A postcard goes to /postcards/create with its size, its front (a URL as
// a field, HTML as a file; the message's, else the configured one) and its
// back (the text as message, HTML as a file); its status events decode as
// a letter's.
func TestPostcardShape(t *testing.T) {
	t.Parallel()
	ch, srv := setupWith(t, func(c *stannp.Config) { c.PostcardFront = "https://cdn.example/front.png"; c.PostcardSize = "A5" })
	ctx := context.Background()
	rc, err := ch.Send(ctx, postcardMessage("touch-p1"))
	require.NoError(t, err)
	m := postcardMessage("touch-p2")
	m.Metadata = map[string]string{channel.MetaPostcardFront: "<html><body>Spring</body></html>"}
	m.HTML = "<html><body>Back side</body></html>"
	_, err = ch.Send(ctx, m)
	require.NoError(t, err)
	ps := srv.Letters()
	require.Len(t, ps, 2)
	require.Equal(t, "postcard", ps[0].Object)
	require.Equal(t, "A5", ps[0].Fields["size"])
	require.Equal(t, "https://cdn.example/front.png", ps[0].Fields["front"])
	require.Equal(t, "Hi Ana, a short note on the back.", ps[0].Fields["message"])
	require.Equal(t, "touch:touch-p1", ps[0].Fields["tags"])
	require.Equal(t, "<html><body>Spring</body></html>", string(ps[1].Front))
	require.Equal(t, "<html><body>Back side</body></html>", string(ps[1].Back))

	body, err := srv.DeliveryBody(stannptest.Status{LetterID: rc.ProviderMessageID, Status: stannp.StatusDelivered, At: start})
	require.NoError(t, err)
	got, err := stannp.Decoder{}.Decode(nil, body)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, channel.EventDelivered, got[0].Message.Type)
	require.Equal(t, "touch-p1", got[0].Message.IdempotencyKey)
}

// A postcard with no front fails permanently before a request; a bad
// postcard size is refused at New.
func TestPostcardRefused(t *testing.T) {
	t.Parallel()
	ch, srv := setup(t)
	_, err := ch.Send(context.Background(), postcardMessage("touch-nf"))
	require.Equal(t, channel.ClassPermanent, channel.Classify(err))
	var ve *channel.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Metadata[postcard_front]", ve.Field)
	require.Zero(t, srv.CreateRequests())
	_, err = stannp.New(stannp.Config{APIKey: "k", PostcardSize: "A4"})
	require.ErrorContains(t, err, "PostcardSize")
}
