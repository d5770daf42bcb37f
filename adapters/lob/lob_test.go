package lob_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/lob/lobtest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type bundle struct {
	clock *timingtest.Clock
	srv   *lobtest.Server
	ch    *lob.Channel
}

func setup(t testing.TB, mod func(*lob.Config)) *bundle {
	t.Helper()
	clock := timingtest.NewClock(start)
	srv := lobtest.NewServer(lobtest.Config{Now: clock.Now})
	t.Cleanup(srv.Close)
	cfg := lob.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Now: clock.Now, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	ch, err := lob.New(cfg)
	require.NoError(t, err)
	return &bundle{clock: clock, srv: srv, ch: ch}
}

func letterMessage(key string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionLetter)
	m.From = channel.Sender{ID: "res-1", Address: "adr_sender0000000001"}
	m.To = channel.Recipient{Name: "Ana Lima", Postal: channel.PostalAddress{
		Lines: []string{"210 King St", "Suite 6100", "Floor 3"}, City: "San Francisco", Region: "CA", Postcode: "94107", Country: "us",
	}}
	m.Body = "Dear Ana,\n\nA <short> note & more.\nSecond line."
	m.Metadata = map[string]string{"client": "cl-1", "campaign": "ca-1", "touch": key, "bad\"key": "x"}
	return m
}

func TestSendAndReceipt(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rc, err := b.ch.Send(context.Background(), letterMessage("touch-1"))
	require.NoError(t, err)
	require.Equal(t, "lob", rc.Provider)
	require.Regexp(t, `^ltr_[0-9a-f]{16}$`, rc.ProviderMessageID)
	require.Equal(t, channel.StatusAccepted, rc.Status)
	require.True(t, rc.At.Equal(start), "the receipt carries the letter's date_created: %v", rc.At)

	l, ok := b.srv.Letter(rc.ProviderMessageID)
	require.True(t, ok)
	require.Equal(t, "touch-1", l.IdempotencyKey, "the touch ID is the Idempotency-Key")
	require.Equal(t, lob.Address{Name: "Ana Lima", Line1: "210 King St", Line2: "Suite 6100, Floor 3",
		City: "San Francisco", State: "CA", Zip: "94107", Country: "US"}, l.To)
	require.Equal(t, "adr_sender0000000001", l.FromID)
	require.Equal(t, `<html style="padding-top: 3in; margin: .5in;"><body><p>Dear Ana,</p><p>A &lt;short&gt; note &amp; more.<br>Second line.</p></body></html>`, l.File)
	require.Equal(t, "marketing", l.UseType)
	require.False(t, l.Color)
	require.Equal(t, map[string]string{"touch": "touch-1", "client": "cl-1", "campaign": "ca-1"}, l.Metadata,
		"the touch ID and the pairs Lob takes; a key with a quote is left out")
}

func TestSendHTMLAndOptions(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *lob.Config) { c.Color, c.UseType, c.Provider = true, "operational", "lob/acme" })
	m := letterMessage("touch-html")
	m.HTML = "<html><body><h1>Hello</h1></body></html>"
	rc, err := b.ch.Send(context.Background(), m)
	require.NoError(t, err)
	require.Equal(t, "lob/acme", rc.Provider)
	l, _ := b.srv.Letter(rc.ProviderMessageID)
	require.Equal(t, m.HTML, l.File)
	require.True(t, l.Color)
	require.Equal(t, "operational", l.UseType)
	info := channel.Describe(b.ch)
	require.Equal(t, channel.AtLeastOnce, info.Delivery)
	require.Equal(t, "lob/acme", info.Provider)
	require.NoError(t, channel.CheckInfo(info))
}

// A retried Send after a lost answer makes one letter: Lob answers the
// repeated key with the letter it made.
func TestIdempotencyAfterLostAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	m := letterMessage("touch-lost")
	b.srv.Fail(lobtest.Answer{LoseAnswer: true})
	_, err := b.ch.Send(context.Background(), m)
	require.Error(t, err, "the answer never came")
	require.Equal(t, channel.ClassRetryable, channel.Classify(err), "a lost answer is retryable: %v", err)
	require.Equal(t, 1, b.srv.Delivered("touch-lost"), "the first request made the letter")
	rc, err := b.ch.Send(context.Background(), m.Clone())
	require.NoError(t, err)
	require.Len(t, b.srv.Letters(), 1, "one letter whatever the number of sends")
	require.Equal(t, b.srv.Letters()[0].ID, rc.ProviderMessageID, "the retry answers with the first letter")
	require.GreaterOrEqual(t, b.srv.CreateRequests(), 2)

	// Lob forgets a key after 24 hours: a send that late makes another.
	b.clock.Advance(25 * time.Hour)
	rc2, err := b.ch.Send(context.Background(), m.Clone())
	require.NoError(t, err)
	require.NotEqual(t, rc.ProviderMessageID, rc2.ProviderMessageID)
}

func TestInvalidMessagesFailPermanently(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	cases := map[string]func(m *channel.Message){
		"other kind":     func(m *channel.Message) { m.Kind, m.Action = channel.Email, channel.ActionEmail },
		"no postal line": func(m *channel.Message) { m.To.Postal.Lines = nil },
		"no sender":      func(m *channel.Message) { m.From.Address = "" },
		"no content":     func(m *channel.Message) { m.Body, m.HTML = "", "" },
		"file too long":  func(m *channel.Message) { m.HTML = "<p>" + string(make([]byte, 10000)) + "</p>" },
		"key too long":   func(m *channel.Message) { m.IdempotencyKey = string(make([]byte, 257)) },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			m := letterMessage("touch-invalid")
			mod(m)
			_, err := b.ch.Send(context.Background(), m)
			require.Error(t, err)
			require.Equal(t, channel.ClassPermanent, channel.Classify(err), "%v", err)
		})
	}
	_, err := b.ch.Send(context.Background(), nil)
	require.Equal(t, channel.ClassPermanent, channel.Classify(err))
	require.Zero(t, b.srv.CreateRequests(), "nothing reached Lob")
}

func TestAddressRefusedNamesTheField(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	m := letterMessage("touch-nozip")
	m.To.Postal.Postcode = ""
	_, err := b.ch.Send(context.Background(), m)
	require.Equal(t, channel.ClassPermanent, channel.Classify(err))
	require.ErrorIs(t, err, lob.ErrAddress)
	var ae *lob.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "to.address_zip", ae.Field)
	require.Equal(t, 422, ae.StatusCode)
	require.Contains(t, err.Error(), "to.address_zip")
	require.Zero(t, b.srv.Delivered("touch-nozip"))

	// An address the account's deliverability setting refuses.
	b.srv.Fail(lobtest.Answer{Status: http.StatusUnprocessableEntity, Code: "failed_deliverability_strictness",
		Message: "The to address doesn't meet strictness requirements."})
	_, err = b.ch.Send(context.Background(), letterMessage("touch-undeliverable"))
	require.ErrorIs(t, err, lob.ErrAddress)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "to", ae.Field)
	require.Equal(t, channel.ClassPermanent, channel.Classify(err))
}

func TestContextCancellation(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := b.ch.Send(ctx, letterMessage("touch-c1"))
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, b.srv.CreateRequests())

	// Cancelled while Lob does not answer.
	b.srv.Fail(lobtest.Answer{Hang: true})
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := b.ch.Send(ctx, letterMessage("touch-c2"))
		done <- err
	}()
	require.Eventually(t, func() bool { return b.srv.CreateRequests() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Send did not return after its context was cancelled")
	}
	require.Zero(t, b.srv.Delivered("touch-c2"))
}

func TestTimeoutIsRetryable(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *lob.Config) { c.Timeout = 50 * time.Millisecond })
	b.srv.Fail(lobtest.Answer{Hang: true})
	_, err := b.ch.Send(context.Background(), letterMessage("touch-slow"))
	require.Error(t, err)
	require.Equal(t, channel.ClassRetryable, channel.Classify(err))
	require.True(t, errors.Is(err, channel.ErrRetryable), "classified by the adapter, not by default")
}

func TestConcurrentSends(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	const keys, each = 12, 4
	var wg sync.WaitGroup
	ids := make([][]string, keys)
	errs := make(chan error, keys*each)
	var mu sync.Mutex
	for k := range keys {
		for range each {
			wg.Go(func() {
				rc, err := b.ch.Send(context.Background(), letterMessage(fmt.Sprintf("touch-conc-%d", k)))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				ids[k] = append(ids[k], rc.ProviderMessageID)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, b.srv.Letters(), keys, "one letter per key")
	seen := map[string]bool{}
	for k := range keys {
		require.Len(t, ids[k], each)
		for _, id := range ids[k] {
			require.Equal(t, ids[k][0], id, "every send of a key answers with its letter")
		}
		require.False(t, seen[ids[k][0]])
		seen[ids[k][0]] = true
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	ctx := context.Background()
	var want channel.Receipt
	for i := range 25 { // more letters than a page of the default size
		rc, err := b.ch.Send(ctx, letterMessage(fmt.Sprintf("touch-look-%d", i)))
		require.NoError(t, err)
		if i == 3 {
			want = rc
		}
	}
	got, found, err := b.ch.Lookup(ctx, "touch-look-3")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, want, got)

	_, found, err = b.ch.Lookup(ctx, "touch-never")
	require.NoError(t, err)
	require.False(t, found)

	b.srv.Fail(lobtest.Answer{Status: http.StatusServiceUnavailable})
	_, _, err = b.ch.Lookup(ctx, "touch-look-3")
	require.Equal(t, channel.ClassRetryable, channel.Classify(err))
}

// The fake's list pages as Lob's does: newest first, limit, next_url with
// an after cursor, metadata filters.
func TestFakeListPages(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	ctx := context.Background()
	for i := range 7 {
		m := letterMessage(fmt.Sprintf("touch-page-%d", i))
		m.Metadata["campaign"] = []string{"even", "odd"}[i%2]
		_, err := b.ch.Send(ctx, m)
		require.NoError(t, err)
	}
	all := b.srv.Letters()
	var got []string
	next := b.srv.URL() + "/letters?limit=2&metadata[campaign]=even"
	for next != "" {
		page := getList(t, b.srv, next)
		got = append(got, page.ids...)
		next = page.next
	}
	require.Equal(t, []string{all[6].ID, all[4].ID, all[2].ID, all[0].ID}, got)

	req, _ := http.NewRequest(http.MethodGet, b.srv.URL()+"/letters?limit=101", nil)
	req.SetBasicAuth(b.srv.APIKey(), "")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
}

func TestConfig(t *testing.T) {
	t.Parallel()
	cases := []lob.Config{
		{},
		{APIKey: "k", BaseURL: "ftp://x"},
		{APIKey: "k", Timeout: -1},
		{APIKey: "k", UseType: "junk"},
	}
	for _, c := range cases {
		_, err := lob.New(c)
		require.ErrorIs(t, err, invalid.ErrInvalid, "%+v", c)
	}
	ch, err := lob.New(lob.Config{APIKey: "test_x"})
	require.NoError(t, err)
	info := ch.Describe()
	require.Equal(t, lob.DefaultRate, info.Rate)
	require.Equal(t, lob.DefaultBurst, info.Burst)
	require.Equal(t, channel.Mail, ch.Kind())
	ch, err = lob.New(lob.Config{APIKey: "test_x", Rate: -1})
	require.NoError(t, err)
	require.Zero(t, ch.Describe().Rate)
}

func TestFakeEnforcesAuth(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *lob.Config) { c.APIKey = "test_wrong" })
	_, err := b.ch.Send(context.Background(), letterMessage("touch-auth"))
	require.Equal(t, channel.ClassPermanent, channel.Classify(err))
	var ae *lob.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusUnauthorized, ae.StatusCode)
	require.NotContains(t, err.Error(), "test_wrong", "the key is never in an error")
}

type listPage struct {
	ids  []string
	next string
}

func getList(t *testing.T, srv *lobtest.Server, u string) listPage {
	t.Helper()
	parsed, err := url.Parse(u)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, parsed.String(), nil)
	require.NoError(t, err)
	req.SetBasicAuth(srv.APIKey(), "")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var body struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		NextURL *string `json:"next_url"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	var p listPage
	for _, d := range body.Data {
		p.ids = append(p.ids, d.ID)
	}
	if body.NextURL != nil {
		p.next = *body.NextURL
	}
	return p
}

func postcardMessage(key string) *channel.Message {
	m := letterMessage(key)
	m.Action = channel.ActionPostcard
	m.Body = "Hi Ana, a short note on the back."
	return m
}

// A postcard goes to /postcards with its front (the message's, else the
// configured one), its back, the configured size and the touch in its
// metadata; it is found again by Lookup, and a repeat of its key makes
// nothing new.
func TestPostcard(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *lob.Config) { c.PostcardFront = "tmpl_front0001"; c.PostcardSize = "6x9" })
	ctx := context.Background()
	rc, err := b.ch.Send(ctx, postcardMessage("touch-pc"))
	require.NoError(t, err)
	require.Regexp(t, `^psc_[0-9a-f]{16}$`, rc.ProviderMessageID)
	p, ok := b.srv.Letter(rc.ProviderMessageID)
	require.True(t, ok)
	require.Equal(t, "postcard", p.Object)
	require.Equal(t, "tmpl_front0001", p.Front)
	require.Contains(t, p.Back, "a short note on the back")
	require.Equal(t, "6x9", p.Size)
	require.Equal(t, "touch-pc", p.Metadata[lob.MetadataTouch])

	again, err := b.ch.Send(ctx, postcardMessage("touch-pc"))
	require.NoError(t, err)
	require.Equal(t, rc.ProviderMessageID, again.ProviderMessageID)
	require.Equal(t, 1, b.srv.Delivered("touch-pc"))

	got, found, err := b.ch.Lookup(ctx, "touch-pc")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, rc.ProviderMessageID, got.ProviderMessageID)

	// The message's own front wins over the configured one.
	m := postcardMessage("touch-pc-2")
	m.Metadata[channel.MetaPostcardFront] = "<html><body>Spring offer</body></html>"
	rc, err = b.ch.Send(ctx, m)
	require.NoError(t, err)
	p, _ = b.srv.Letter(rc.ProviderMessageID)
	require.Equal(t, "<html><body>Spring offer</body></html>", p.Front)
}

// A postcard with no front anywhere fails permanently before a request,
// naming what is missing; so does a bad size in the configuration.
func TestPostcardWithoutFront(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	_, err := b.ch.Send(context.Background(), postcardMessage("touch-nf"))
	require.ErrorIs(t, err, channel.ErrPermanent)
	var ve *channel.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Metadata[postcard_front]", ve.Field)
	require.Zero(t, b.srv.CreateRequests())

	_, err = lob.New(lob.Config{APIKey: "k", PostcardSize: "5x7"})
	require.ErrorContains(t, err, "PostcardSize")
}

// A postcard's tracking events are read like a letter's.
func TestPostcardEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *lob.Config) { c.PostcardFront = "tmpl_front0001" })
	rc, err := b.ch.Send(context.Background(), postcardMessage("touch-pe"))
	require.NoError(t, err)
	outs := b.srv.Outcomes(rc.ProviderMessageID)
	require.NotEmpty(t, outs)
	for _, o := range outs {
		require.True(t, strings.HasPrefix(o.Type, "postcard."), o.Type)
		body, err := b.srv.EventBody(o)
		require.NoError(t, err)
		evs, err := lob.Decoder{}.Decode(nil, body)
		require.NoError(t, err)
		if o.Type == "postcard.mailed" {
			require.Empty(t, evs)
			continue
		}
		require.Len(t, evs, 1)
		require.Equal(t, rc.ProviderMessageID, evs[0].Message.ProviderMessageID)
		require.Equal(t, "touch-pe", evs[0].Message.IdempotencyKey)
	}
}
