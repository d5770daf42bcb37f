package unipile_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
)

const notifySecret = "s3cret-notify"

// provEnv is a provisioner on the fake Unipile, its notify route served on
// 127.0.0.1, and the links it handed over.
type provEnv struct {
	*env
	prov       *unipile.Provisioner
	notify     *httptest.Server
	mu         sync.Mutex
	delivered  []unipile.SeatLink
	deliverErr error
}

func newProvEnv(t *testing.T) *provEnv {
	t.Helper()
	p := &provEnv{env: newEnv(t)}
	var h http.Handler = http.NotFoundHandler()
	p.notify = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(p.notify.Close)
	var err error
	p.prov, err = unipile.NewProvisioner(unipile.ProvisionerConfig{Channel: p.ch, NotifyURL: p.notify.URL + "/hooks/unipile/hosted",
		Secret: notifySecret, LinkTTL: time.Hour, Deliver: func(_ context.Context, o outbound.Order, l unipile.SeatLink) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.deliverErr != nil {
				return p.deliverErr
			}
			p.delivered = append(p.delivered, l)
			return nil
		}})
	require.NoError(t, err)
	h = p.prov.NotifyHandler()
	return p
}

func seatOrder(n int) outbound.Order {
	return outbound.Order{Key: "pool-linkedin_seat-1", Kind: outbound.KindLinkedInSeat, Count: n}
}

// An order of two seats makes two links, hands each over once, answers
// "taken" until both owners connected, then returns both seats; asked
// again it makes no new link and returns the same seats.
func TestProvisionerConnectsSeatsThroughHostedAuth(t *testing.T) {
	t.Parallel()
	p := newProvEnv(t)
	ctx := context.Background()
	o := seatOrder(2)

	got, err := p.prov.Purchase(ctx, o)
	require.NoError(t, err)
	require.Empty(t, got, "taken: the seats come when connected")
	links := p.fake.HostedLinks()
	require.Len(t, links, 2)
	for i, l := range links {
		require.Equal(t, o.Key+"#"+string(rune('1'+i)), l.Name)
		require.Equal(t, []string{"LINKEDIN"}, l.Providers)
		require.Equal(t, start.Add(time.Hour), l.ExpiresOn)
		u, err := url.Parse(l.NotifyURL)
		require.NoError(t, err)
		require.Equal(t, "/hooks/unipile/hosted", u.Path)
		require.Equal(t, notifySecret, u.Query().Get("token"))
		require.False(t, strings.HasSuffix(l.APIURL, "/api/v1"), "api_url is the account's address: %s", l.APIURL)
	}
	require.Len(t, p.delivered, 2)

	// Asked again before anyone connected: no new link, nothing handed again.
	got, err = p.prov.Purchase(ctx, o)
	require.NoError(t, err)
	require.Empty(t, got)
	require.Len(t, p.fake.HostedLinks(), 2)
	require.Len(t, p.delivered, 2)

	first, err := p.fake.Connect(ctx, links[0].URL)
	require.NoError(t, err)
	got, err = p.prov.Purchase(ctx, o)
	require.NoError(t, err)
	require.Empty(t, got, "all of the order or nothing: one seat of two is connected")

	p.clock.Advance(10 * time.Minute)
	second, err := p.fake.Connect(ctx, links[1].URL)
	require.NoError(t, err)
	got, err = p.prov.Purchase(ctx, o)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i, id := range []string{first, second} {
		require.Equal(t, outbound.KindLinkedInSeat, got[i].Kind)
		require.Equal(t, unipile.Name, got[i].Provider)
		require.Equal(t, id, got[i].ProviderRef)
		require.Equal(t, id, got[i].Address, "the account ID is what the channel sends from")
		require.Equal(t, outbound.StateAvailable, got[i].State)
	}
	require.Equal(t, start.Add(10*time.Minute), got[1].PurchasedAt)

	again, err := p.prov.Purchase(ctx, o)
	require.NoError(t, err)
	require.Equal(t, got, again, "a retried order returns what it got the first time")
	require.Len(t, p.fake.HostedLinks(), 2)
}

// A link that expired unused is made again and handed over again.
func TestProvisionerRenewsExpiredLinks(t *testing.T) {
	t.Parallel()
	p := newProvEnv(t)
	ctx := context.Background()
	_, err := p.prov.Purchase(ctx, seatOrder(1))
	require.NoError(t, err)
	old := p.fake.HostedLinks()[0]
	p.clock.Advance(time.Hour)
	_, err = p.fake.Connect(ctx, old.URL)
	require.ErrorContains(t, err, "expired")

	_, err = p.prov.Purchase(ctx, seatOrder(1))
	require.NoError(t, err)
	links := p.fake.HostedLinks()
	require.Len(t, links, 2)
	require.Equal(t, old.Name, links[1].Name, "the same seat")
	require.NotEqual(t, old.URL, links[1].URL)
	require.Len(t, p.delivered, 2)
	require.Equal(t, links[1].URL, p.delivered[1].URL)
}

// A link not handed over (the host's delivery failed) leaves the order
// open; the next call hands the same link over, without a new one.
func TestProvisionerHandsOverAgainAfterAFailedDelivery(t *testing.T) {
	t.Parallel()
	p := newProvEnv(t)
	ctx := context.Background()
	boom := errors.New("mail relay down")
	p.deliverErr = boom
	_, err := p.prov.Purchase(ctx, seatOrder(1))
	require.ErrorIs(t, err, boom)
	require.NotErrorIs(t, err, pool.ErrPurchaseRefused, "the order stays open")

	p.deliverErr = nil
	_, err = p.prov.Purchase(ctx, seatOrder(1))
	require.NoError(t, err)
	require.Len(t, p.fake.HostedLinks(), 1)
	require.Len(t, p.delivered, 1)
	require.Equal(t, p.fake.HostedLinks()[0].URL, p.delivered[0].URL)
}

// Unipile down keeps the order open; a request Unipile refuses, and an
// order of another kind, fail it for good.
func TestProvisionerErrors(t *testing.T) {
	t.Parallel()
	p := newProvEnv(t)
	ctx := context.Background()
	p.fake.FailNext(unipiletest.Answer{Status: http.StatusServiceUnavailable, Type: "errors/service_unavailable"})
	_, err := p.prov.Purchase(ctx, seatOrder(1))
	require.Error(t, err)
	require.NotErrorIs(t, err, pool.ErrPurchaseRefused)

	p.fake.FailNext(unipiletest.Answer{Status: http.StatusBadRequest, Type: "errors/invalid_parameters", Title: "bad"})
	_, err = p.prov.Purchase(ctx, seatOrder(1))
	require.ErrorIs(t, err, pool.ErrPurchaseRefused)

	_, err = p.prov.Purchase(ctx, outbound.Order{Key: "k", Kind: outbound.KindPhone, Count: 1})
	require.ErrorIs(t, err, pool.ErrPurchaseRefused)
	var fe *invalid.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "Kind", fe.Field)
	require.Empty(t, p.fake.HostedLinks(), "nothing asked of Unipile for a refused order")
}

// The notify route: a missing or wrong token is 401 and changes nothing;
// a bad body 400; a name not ours 200 and ignored; a redelivery harmless.
func TestNotifyHandler(t *testing.T) {
	t.Parallel()
	p := newProvEnv(t)
	ctx := context.Background()
	_, err := p.prov.Purchase(ctx, seatOrder(1))
	require.NoError(t, err)
	name := p.fake.HostedLinks()[0].Name
	post := func(token, body string) int {
		u := p.notify.URL + "/hooks/unipile/hosted"
		if token != "" {
			u += "?token=" + token
		}
		res, err := http.Post(u, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		_ = res.Body.Close()
		return res.StatusCode
	}
	good := `{"status":"CREATION_SUCCESS","account_id":"acc_x","name":"` + name + `"}`
	require.Equal(t, http.StatusUnauthorized, post("", good))
	require.Equal(t, http.StatusUnauthorized, post("wrong", good))
	got, err := p.prov.Purchase(ctx, seatOrder(1))
	require.NoError(t, err)
	require.Empty(t, got, "a refused notification connects nothing")

	require.Equal(t, http.StatusBadRequest, post(notifySecret, `{"status":"CREATION_SUCCESS","name":"x"}`))
	require.Equal(t, http.StatusBadRequest, post(notifySecret, `not json`))
	require.Equal(t, http.StatusOK, post(notifySecret, `{"status":"CREATION_SUCCESS","account_id":"acc_y","name":"someone-else"}`))

	require.Equal(t, http.StatusOK, post(notifySecret, good))
	require.Equal(t, http.StatusOK, post(notifySecret, good), "a redelivery")
	got, err = p.prov.Purchase(ctx, seatOrder(1))
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "acc_x", got[0].ProviderRef)
}

func TestNewProvisionerNamesTheBadField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	deliver := func(context.Context, outbound.Order, unipile.SeatLink) error { return nil }
	for _, tt := range []struct {
		field string
		cfg   unipile.ProvisionerConfig
	}{
		{"Channel", unipile.ProvisionerConfig{NotifyURL: "https://h.example/n", Secret: "s", Deliver: deliver}},
		{"NotifyURL", unipile.ProvisionerConfig{Channel: e.ch, NotifyURL: "ftp://h.example/n", Secret: "s", Deliver: deliver}},
		{"Secret", unipile.ProvisionerConfig{Channel: e.ch, NotifyURL: "https://h.example/n", Deliver: deliver}},
		{"Deliver", unipile.ProvisionerConfig{Channel: e.ch, NotifyURL: "https://h.example/n", Secret: "s"}},
		{"LinkTTL", unipile.ProvisionerConfig{Channel: e.ch, NotifyURL: "https://h.example/n", Secret: "s", Deliver: deliver, LinkTTL: -1}},
	} {
		_, err := unipile.NewProvisioner(tt.cfg)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe, tt.field)
		require.Equal(t, tt.field, fe.Field)
	}
}

func FuzzParseNotification(f *testing.F) {
	f.Add([]byte(`{"status":"CREATION_SUCCESS","account_id":"acc_1","name":"pool-linkedin_seat-1#1"}`))
	f.Add([]byte(`{"status":"RECONNECTED","account_id":"","name":"x"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := unipile.ParseNotification(b)
		if err == nil && (n.Status == "" || n.AccountID == "" || n.Name == "") {
			t.Fatalf("accepted a notification without a field: %+v", n)
		}
	})
}
