package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipilepg"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing"
)

// On PostgreSQL the Unipile channel journals its sends in the database
// every instance shares: an acceptance one instance hears is tied to the
// touch whichever instance (or process before a restart) sent it.
func TestUnipileJournalOnPostgres(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dbURL, db, ten := seededPostgres(t)
	es, err := db.Platform().ListEnrollments(ctx, storage.EnrollmentFilter{Lead: ten.leadB})
	require.NoError(t, err)
	sent := time.Now().UTC().Truncate(time.Second)
	invite := outbound.Touch{ID: outbound.TouchID{UUID: uuid.New()}, Client: ten.b.ID, Campaign: ten.campB, Enrollment: es[0].ID,
		Lead: ten.leadB, StepChannel: channel.LinkedIn, Channel: channel.LinkedIn, Action: channel.ActionConnectionRequest,
		ScheduledAt: sent, SentAt: sent, Status: outbound.TouchSent}
	require.NoError(t, db.Platform().InsertTouches(ctx, []outbound.Touch{invite}))

	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-database-url", dbURL, "-public-url", "https://hooks.example.com"},
		env(map[string]string{"UNIPILE_DSN": "api8.unipile.com:13851", "UNIPILE_API_KEY": "unipile-key-secret",
			"UNIPILE_WEBHOOK_SECRET": "unipile-header"}), io.Discard)
	require.NoError(t, err)
	s := startDB(t, cfg) // migrates the Unipile adapter's tables

	// Another instance's channel journaled the invitation before it left.
	require.NoError(t, unipilepg.New(db.Pool()).Record(ctx, unipile.Intent{Key: invite.ID.String(), AccountID: "acc_1",
		Action: channel.ActionConnectionRequest, ProviderID: "ACoAA1", Text: "Hi Ann", Started: sent, ProviderMessageID: "inv_1"}))
	accepted := unipiletest.NewRelationPayload("acc_1", unipiletest.Profile{PublicID: "ann-lead", ProviderID: "ACoAA1"})
	require.Equal(t, http.StatusOK, s.post(t, "/webhooks/unipile", accepted, http.Header{"Content-Type": {"application/json"},
		unipile.DefaultSecretHeader: {"unipile-header"}}))
	evs, err := db.Platform().ListEvents(ctx, ten.b.ID)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(evs, func(e outbound.Event) bool {
		return e.Touch == invite.ID && e.Type == channel.EventConnectionAccepted
	}), "the acceptance is tied to the invitation's touch: %+v", evs)
}

// Buying seats needs Unipile's account, the public URL Unipile notifies
// and a notify secret long enough: anything else is refused at start,
// naming the setting and its value, never the secret.
func TestSeatSettings(t *testing.T) {
	t.Parallel()
	const secret = "notify-secret-0123456789"
	ok := map[string]string{"UNIPILE_DSN": "api8.unipile.com:13851", "UNIPILE_API_KEY": "unipile-key-secret",
		"UNIPILE_WEBHOOK_SECRET": "unipile-header", "OUTBOUND_BUY_SEATS": "true", "UNIPILE_NOTIFY_SECRET": secret}
	public := []string{"-public-url", "https://hooks.example.com"}
	with := func(kv ...string) map[string]string { return withEnv(ok, kv...) }
	for _, tt := range []struct {
		name, setting, value string
		args                 []string
		env                  map[string]string
	}{
		{"not a boolean", "OUTBOUND_BUY_SEATS", "yes please", public, with("OUTBOUND_BUY_SEATS", "yes please")},
		{"without Unipile", "UNIPILE_API_KEY", "", public, with("UNIPILE_DSN", "", "UNIPILE_API_KEY", "", "UNIPILE_WEBHOOK_SECRET", "")},
		{"without a notify secret", "UNIPILE_NOTIFY_SECRET", "", public, with("UNIPILE_NOTIFY_SECRET", "")},
		{"a short notify secret", "UNIPILE_NOTIFY_SECRET", "(set)", public, with("UNIPILE_NOTIFY_SECRET", "short-secret")},
		{"a notify secret, seats not bought", "OUTBOUND_BUY_SEATS", "", public, with("OUTBOUND_BUY_SEATS", "")},
		{"a notify secret, seats bought no more", "OUTBOUND_BUY_SEATS", "false", public, with("OUTBOUND_BUY_SEATS", "false")},
		{"without a public URL", "-public-url", "", nil, ok},
	} {
		_, err := loadConfig(append([]string{"-addr", "127.0.0.1:0"}, tt.args...), env(tt.env), io.Discard)
		var ce *configError // a usage error: the server exits 2
		require.ErrorAs(t, err, &ce, tt.name)
		require.Equal(t, [2]string{tt.setting, tt.value}, [2]string{ce.Setting, ce.Value}, tt.name)
		for _, s := range []string{secret, "short-secret", "unipile-key-secret"} {
			require.NotContains(t, err.Error(), s, tt.name)
		}
	}
	c, err := loadConfig(append([]string{"-addr", "127.0.0.1:0"}, public...), env(ok), io.Discard)
	require.NoError(t, err)
	require.True(t, c.Provisioning.BuySeats)
	c, err = loadConfig([]string{"-addr", "127.0.0.1:0"}, env(map[string]string{"OUTBOUND_BUY_SEATS": "false"}), io.Discard)
	require.NoError(t, err)
	require.False(t, c.Provisioning.BuySeats, "false buys none, and needs nothing")
}

// toServer sends every request to the server under test, whatever host
// it names: Unipile's fake notifies the public URL, which is the server.
type toServer struct{ base *url.URL }

// to points r at the server serving at u.
func (r *toServer) to(t *testing.T, u string) {
	t.Helper()
	base, err := url.Parse(u)
	require.NoError(t, err)
	r.base = base
}

func (r *toServer) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.base.Scheme, r.base.Host, ""
	return http.DefaultTransport.RoundTrip(req)
}

// A server buying seats through Unipile, on a pool whose seats a client's
// plan drained: the pool orders a seat, whose hosted-auth link reaches the
// agency as a seat_link alert (the alert log and the alert webhook); the
// owner connecting a LinkedIn account through it has Unipile notify the
// server, and the seat joins the pool at the next check, sending from the
// account connected.
func TestPoolBuysSeatsAtUnipile(t *testing.T) {
	t.Parallel()
	fake, rt := seatFake(t)
	hook := make(chan string, 32)
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hook <- string(b)
	}))
	defer slack.Close()

	st := memory.New()
	drainSeats(t, st)
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-public-url", "https://hooks.example.com"},
		seatSettings(fake, "OUTBOUND_ADMIN_TOKEN", adminTok, "OUTBOUND_ALERT_WEBHOOK_URL", slack.URL), io.Discard)
	require.NoError(t, err)
	s := startOn(t, cfg, st)
	rt.to(t, s.url)

	// The seat's link, raised as an alert.
	link := firstLink(t, fake)
	require.Len(t, fake.HostedLinks(), 1, "one seat brings the buffer back to 40 %")
	require.Equal(t, "https://hooks.example.com/webhooks/unipile/notify?token="+seatNotifySecret, link.NotifyURL)
	require.Equal(t, []string{"LINKEDIN"}, link.Providers)
	admin := client{t, s.url, adminTok}
	var message string
	require.Eventually(t, func() bool {
		code, body := admin.get("/api/v1/alerts")
		require.Equal(t, http.StatusOK, code, body)
		for _, it := range items(body) {
			if a := it.(map[string]any); a["kind"] == string(pool.AlertSeatLink) {
				message = a["message"].(string)
			}
		}
		return message != ""
	}, 10*time.Second, 50*time.Millisecond, "the link is handed to the agency as an alert")
	require.Contains(t, message, link.URL)
	require.NotContains(t, message, seatNotifySecret)
	require.Eventually(t, func() bool {
		select {
		case b := <-hook:
			return strings.Contains(b, "seat_link") && strings.Contains(b, link.URL)
		default:
			return false
		}
	}, 10*time.Second, 20*time.Millisecond, "and posted to the alert webhook")

	// Only Unipile, with the secret, is heard on the notify route.
	forged := []byte(`{"status":"CREATION_SUCCESS","account_id":"acc_forged","name":"` + link.Name + `"}`)
	require.Equal(t, http.StatusUnauthorized, s.post(t, notifyPath+"?token=not-the-secret", forged,
		http.Header{"Content-Type": {"application/json"}}))

	// The owner connects a LinkedIn account through the link.
	connectSeat(t, fake, link, st)
}

// seatFake is Unipile's fake for buying seats at; it notifies the server
// the toServer is pointed at.
func seatFake(t *testing.T) (*unipiletest.Server, *toServer) {
	t.Helper()
	rt := &toServer{}
	fake, err := unipiletest.New(unipiletest.Config{APIKey: "unipile-key", AnyAccount: true, Now: time.Now,
		Client: &http.Client{Transport: rt, Timeout: 10 * time.Second}})
	require.NoError(t, err)
	t.Cleanup(fake.Close)
	return fake, rt
}

// seatNotifySecret is the notify secret of the seat tests' servers.
const seatNotifySecret = "notify-secret-0123456789"

// seatSettings are the settings of a server buying seats at fake, checking
// the pool every second, with extra (name, value, …).
func seatSettings(fake *unipiletest.Server, extra ...string) func(string) string {
	return env(withEnv(map[string]string{"UNIPILE_DSN": fake.DSN(), "UNIPILE_API_KEY": "unipile-key",
		"UNIPILE_WEBHOOK_SECRET": "unipile-header", "OUTBOUND_BUY_SEATS": "true", "UNIPILE_NOTIFY_SECRET": seatNotifySecret,
		"OUTBOUND_POOL_CHECK": "1s"}, extra...))
}

// drainSeats stocks three seats and signs up a client on the growth plan,
// whose two seats leave one of three: under the 40 % buffer.
func drainSeats(t *testing.T, st storage.Store) {
	t.Helper()
	svc, err := distribution.New(distribution.Config{Store: st, Clock: timing.RealClock()})
	require.NoError(t, err)
	_, err = svc.Pool().Stock(t.Context(), outbound.KindLinkedInSeat, 3, time.Now().AddDate(0, 0, -60))
	require.NoError(t, err)
	_, err = svc.Signup(t.Context(), distribution.SignupInput{Name: "Acme", Plan: "growth", DefaultZone: "Australia/Sydney", PaymentID: "pay-acme"})
	require.NoError(t, err)
}

// connectSeat plays the seat's owner connecting a LinkedIn account through
// link at the fake, which notifies the server, and checks that the seat
// joins the pool in st at the next check, sending from that account.
func connectSeat(t *testing.T, fake *unipiletest.Server, link unipiletest.HostedLink, st storage.Store) {
	t.Helper()
	ctx := t.Context()
	account, err := fake.Connect(ctx, link.URL)
	require.NoError(t, err, "the server takes Unipile's notification")
	seat := func() (outbound.Resource, bool) {
		rs, err := st.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindLinkedInSeat})
		require.NoError(t, err)
		for _, r := range rs {
			require.NotEqual(t, "acc_forged", r.ProviderRef, "a forged notification connects nothing")
			if r.ProviderRef == account {
				return r, true
			}
		}
		return outbound.Resource{}, false
	}
	require.Eventually(t, func() bool { r, ok := seat(); return ok && r.State == outbound.StateAvailable }, 10*time.Second,
		50*time.Millisecond, "the seat joins the pool, available, at the next check")
	r, _ := seat()
	require.Equal(t, unipile.Name, r.Provider)
	require.Equal(t, account, r.Address, "it sends from the account connected")
	require.Len(t, fake.HostedLinks(), 1, "the order connected, no link made again")
}

// firstLink waits for the fake's first hosted-auth link: the pool ordered
// a seat.
func firstLink(t *testing.T, fake *unipiletest.Server) unipiletest.HostedLink {
	t.Helper()
	require.Eventually(t, func() bool { return len(fake.HostedLinks()) > 0 }, 10*time.Second, 50*time.Millisecond,
		"the pool orders a seat: Unipile makes its hosted-auth link")
	return fake.HostedLinks()[0]
}

// On PostgreSQL the seat links are the database's: the instance Unipile
// notifies is not the one that leads and buys, and the seat still joins.
func TestSeatsAcrossInstancesOnPostgres(t *testing.T) {
	t.Parallel()
	fake, rt := seatFake(t)
	dbURL, db := migratedPostgres(t)
	drainSeats(t, db.Platform())
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-database-url", dbURL, "-public-url", "https://hooks.example.com"},
		seatSettings(fake), io.Discard)
	require.NoError(t, err)
	startDB(t, cfg) // leads, alone, and orders the seat
	link := firstLink(t, fake)
	other := startDB(t, cfg) // started after: it does not lead
	rt.to(t, other.url)
	connectSeat(t, fake, link, db.Platform())
}
