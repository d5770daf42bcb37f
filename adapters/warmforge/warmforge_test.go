package warmforge_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/infraforge"
	"github.com/outbound-go/outbound/adapters/infraforge/infraforgetest"
	"github.com/outbound-go/outbound/adapters/warmforge"
	"github.com/outbound-go/outbound/adapters/warmforge/warmforgetest"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/warmup"
)

var now = time.Date(2026, 8, 10, 9, 0, 0, 0, time.UTC)

func newClient(t *testing.T, srv *warmforgetest.Server, edit ...func(*warmforge.Config)) *warmforge.Client {
	t.Helper()
	cfg := warmforge.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Rate: -1, Now: func() time.Time { return now }}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := warmforge.New(cfg)
	require.NoError(t, err)
	return c
}

func newInfraforge(t *testing.T) (*infraforgetest.Server, *infraforge.Client) {
	srv := infraforgetest.NewServer(infraforgetest.Config{})
	t.Cleanup(srv.Close)
	c, err := infraforge.New(infraforge.Config{APIKey: srv.APIKey(), WorkspaceID: srv.WorkspaceID(), BaseURL: srv.URL(),
		Contact:   infraforge.Contact{FirstName: "A", LastName: "L", Email: "a@b.co", Address: "1", City: "C", PostalCode: "1", Country: "US"},
		FirstName: "Ana", Rate: -1, Now: func() time.Time { return now }})
	require.NoError(t, err)
	return srv, c
}

// Warmup starts once for each mailbox bought, and an order whose mailboxes
// are not in Warmforge yet stays pending until they are, buying nothing
// more when placed again.
func TestWarmupStartedOncePerNewMailbox(t *testing.T) {
	ctx := context.Background()
	ifs, inf := newInfraforge(t)
	wfs := warmforgetest.NewServer(warmforgetest.Config{})
	defer wfs.Close()
	p, err := warmforge.NewProvisioner(inf, newClient(t, wfs))
	require.NoError(t, err)
	o := outbound.Order{Key: "order-1", Kind: outbound.KindDomain, Count: 2}

	_, err = p.Purchase(ctx, o)
	require.ErrorIs(t, err, warmforge.ErrNotConnected)
	require.False(t, errors.Is(err, pool.ErrPurchaseRefused), "the order must stay pending")

	// The mailbox host syncs the mailboxes into Warmforge; one already warms.
	for i, m := range ifs.Mailboxes() {
		wfs.Add(warmforgetest.Mailbox{Address: m.Email, Status: warmforgetest.StatusPending, WarmupEnabled: i == 0})
	}
	rs, err := p.Purchase(ctx, o)
	require.NoError(t, err)
	require.Len(t, rs, 6)
	for _, r := range rs {
		if r.Kind == outbound.KindMailbox {
			m, ok := wfs.Mailbox(r.Address)
			require.True(t, ok)
			require.True(t, m.WarmupEnabled, r.Address)
		}
	}
	require.Equal(t, 3, wfs.Gate().Calls("PATCH /mailboxes/{address}"), "the one already warming is left alone")

	_, err = p.Purchase(ctx, o)
	require.NoError(t, err)
	require.Equal(t, 3, wfs.Gate().Calls("PATCH /mailboxes/{address}"), "warmup started again")
	require.Len(t, ifs.Domains(), 2)
	require.Len(t, ifs.Mailboxes(), 4)
}

func TestProvisionerPassesRefusalsOn(t *testing.T) {
	_, inf := newInfraforge(t)
	wfs := warmforgetest.NewServer(warmforgetest.Config{})
	defer wfs.Close()
	p, err := warmforge.NewProvisioner(inf, newClient(t, wfs))
	require.NoError(t, err)
	_, err = p.Purchase(context.Background(), outbound.Order{Key: "k", Kind: outbound.KindPhone, Count: 1})
	require.ErrorIs(t, err, pool.ErrPurchaseRefused)
	_, err = warmforge.NewProvisioner(nil, newClient(t, wfs))
	var fe *invalid.FieldError
	require.ErrorAs(t, err, &fe)
}

func TestHealthRule(t *testing.T) {
	for _, c := range []struct {
		name   string
		rule   warmforge.HealthRule
		s      warmforge.Signals
		want   warmup.Health
		reason string
	}{
		{"nothing measured", warmforge.HealthRule{}, warmforge.Signals{Status: "active", Placement: -1}, warmup.Health{}, ""},
		{"good placement", warmforge.HealthRule{}, warmforge.Signals{Status: "active", Placement: 95}, warmup.Health{}, ""},
		{"placement at the threshold", warmforge.HealthRule{}, warmforge.Signals{Status: "active", Placement: 90}, warmup.Health{}, ""},
		{"placement below it throttles by the share lost", warmforge.HealthRule{}, warmforge.Signals{Status: "active", Placement: 80}, warmup.Health{Throttle: 20}, "latest placement test 80% in inbox, below 90%"},
		{"placement far below pauses", warmforge.HealthRule{}, warmforge.Signals{Status: "active", Placement: 30}, warmup.Health{Paused: true}, "latest placement test 30% in inbox, below 50%"},
		{"warmup spam rate counts", warmforge.HealthRule{}, warmforge.Signals{Status: "active", Placement: 95, Sent: 100, Spam: 25}, warmup.Health{Throttle: 25}, "warmup 75% in inbox (25 of 100 in spam), below 90%"},
		{"too few sends to count", warmforge.HealthRule{}, warmforge.Signals{Status: "active", Placement: -1, Sent: 10, Spam: 10}, warmup.Health{}, ""},
		{"configured thresholds", warmforge.HealthRule{ThrottleBelow: 70, PauseBelow: 60, MinSent: 5}, warmforge.Signals{Status: "active", Placement: -1, Sent: 10, Spam: 3}, warmup.Health{}, ""},
		{"configured thresholds pause", warmforge.HealthRule{ThrottleBelow: 70, PauseBelow: 60, MinSent: 5}, warmforge.Signals{Status: "active", Placement: 65, Sent: 10, Spam: 5}, warmup.Health{Paused: true}, "warmup 50% in inbox (5 of 10 in spam), below 60%"},
		{"disconnected", warmforge.HealthRule{}, warmforge.Signals{Status: "access_lost", Placement: 99}, warmup.Health{Paused: true}, "disconnected: Warmforge lost access to the mailbox; reconnect it"},
		{"disconnected, the filter's word", warmforge.HealthRule{}, warmforge.Signals{Status: "disconnected", Placement: -1}, warmup.Health{Paused: true}, "disconnected: Warmforge lost access to the mailbox; reconnect it"},
		{"suspended", warmforge.HealthRule{}, warmforge.Signals{Status: "suspended", Placement: -1}, warmup.Health{Paused: true}, "suspended: the mailbox was suspended"},
	} {
		h, reason := c.rule.Evaluate(c.s)
		require.Equal(t, c.want, h, c.name)
		require.Equal(t, c.reason, reason, c.name)
	}
	for field, r := range map[string]warmforge.HealthRule{
		"ThrottleBelow": {ThrottleBelow: 101}, "PauseBelow": {ThrottleBelow: 40, PauseBelow: 60}, "MinSent": {MinSent: -1},
	} {
		var fe *invalid.FieldError
		require.ErrorAs(t, r.Validate(), &fe, field)
		require.Equal(t, field, fe.Field)
	}
}

// Check reads every mailbox's status, placement and warmup, gives each its
// health, and an event that pauses the domain of each mailbox disconnected
// or suspended, with the reason.
func TestCheckMapsStatusAndPlacementToHealth(t *testing.T) {
	wfs := warmforgetest.NewServer(warmforgetest.Config{})
	defer wfs.Close()
	good := wfs.Add(warmforgetest.Mailbox{Address: "outreach@good.com", Warm: true, WarmupEnabled: true})
	meh := wfs.Add(warmforgetest.Mailbox{Address: "outreach@meh.com", WarmupEnabled: true})
	wfs.Add(warmforgetest.Mailbox{Address: "outreach@spammy.com", WarmupEnabled: true})
	wfs.Add(warmforgetest.Mailbox{Address: "Hello@Lost.com", Status: warmforgetest.StatusAccessLost})
	wfs.Add(warmforgetest.Mailbox{Address: "hello@banned.com", Status: warmforgetest.StatusSuspended})
	running := wfs.Add(warmforgetest.Mailbox{Address: "outreach@new.com", Status: warmforgetest.StatusPending})
	wfs.SetPlacement(good, warmforgetest.Placement{Result: 96, EmailSent: 50})
	wfs.SetPlacement(meh, warmforgetest.Placement{Result: 82, EmailSent: 50})
	wfs.SetPlacement(running, warmforgetest.Placement{Result: 0, EmailSent: 50, Pending: 50})
	wfs.SetStats("outreach@spammy.com", warmforgetest.Day{Date: "2026-08-09", SentCount: 20, Spam: 12}, warmforgetest.Day{Date: "2026-08-10", SentCount: 20, Spam: 10},
		warmforgetest.Day{Date: "2026-07-01", SentCount: 500}) // outside the 7 days read

	refs := map[string]string{"lost.com": "dom_0007", "banned.com": "dom_0009"}
	c := newClient(t, wfs, func(c *warmforge.Config) {
		c.DomainRef = func(_ context.Context, d string) (string, error) {
			if r, ok := refs[d]; ok {
				return r, nil
			}
			return "", fmt.Errorf("no domain %s", d)
		}
	})
	rep, err := c.Check(context.Background())
	require.NoError(t, err)
	got := map[string]warmforge.MailboxHealth{}
	for _, m := range rep.Mailboxes {
		got[m.Address] = m
	}
	require.Len(t, got, 6)
	require.Equal(t, warmup.Health{}, got["outreach@good.com"].Health)
	require.Equal(t, warmup.Health{Throttle: 18}, got["outreach@meh.com"].Health)
	require.Equal(t, warmup.Health{Paused: true}, got["outreach@spammy.com"].Health)
	require.Equal(t, 40, got["outreach@spammy.com"].Signals.Sent)
	require.Equal(t, warmup.Health{}, got["outreach@new.com"].Health, "a placement test still running is not read")
	require.Equal(t, warmup.Health{Paused: true}, got["hello@lost.com"].Health)
	require.Equal(t, warmup.Health{Paused: true}, got["hello@banned.com"].Health)

	require.Len(t, rep.Events, 2)
	for _, in := range rep.Events {
		require.NoError(t, in.Validate())
	}
	e := rep.Events[0].Provisioning
	require.Equal(t, outbound.ProvisioningMailboxDisconnected, e.Type)
	require.Equal(t, "infraforge", e.Provider)
	require.Equal(t, "dom_0007", e.ProviderRef, "the pool pauses the mailbox's domain")
	require.Equal(t, "hello@lost.com", e.Address)
	require.Contains(t, e.Reason, "lost access")
	require.Equal(t, "warmforge:access_lost:hello@lost.com:2026-08-10", e.ProviderEventID)
	require.Equal(t, "dom_0009", rep.Events[1].Provisioning.ProviderRef)
	require.Contains(t, rep.Events[1].Provisioning.Reason, "suspended")
}

func TestCheckReadsEveryPage(t *testing.T) {
	wfs := warmforgetest.NewServer(warmforgetest.Config{})
	defer wfs.Close()
	for i := range 150 {
		id := wfs.Add(warmforgetest.Mailbox{Address: fmt.Sprintf("m%d@a.com", i)})
		wfs.SetPlacement(id, warmforgetest.Placement{Result: 70, EmailSent: 10})
	}
	rep, err := newClient(t, wfs, func(c *warmforge.Config) { c.StatsDays = -1 }).Check(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Mailboxes, 150)
	require.Equal(t, 2, wfs.Gate().Calls("GET /mailboxes"))
	require.Equal(t, 2, wfs.Gate().Calls("POST /mailboxes/placement-results/latest"))
	require.Equal(t, 0, wfs.Gate().Calls("GET /mailboxes/{address}/warmup/stats"))
	for _, m := range rep.Mailboxes {
		require.Equal(t, 30, m.Health.Throttle)
	}
}

func TestAuthAndWorkspace(t *testing.T) {
	ctx := context.Background()
	bearer := warmforgetest.NewServer(warmforgetest.Config{APIKey: "wf_live_1"})
	defer bearer.Close()
	bearer.Add(warmforgetest.Mailbox{Address: "a@b.com"})
	_, _, err := newClient(t, bearer, func(c *warmforge.Config) { c.PlainKey = true }).Mailbox(ctx, "a@b.com")
	var ae *infraforge.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusForbidden, ae.Status)

	_, ok, err := newClient(t, bearer, func(c *warmforge.Config) { c.WorkspaceID = bearer.WorkspaceID() }).Mailbox(ctx, "a@b.com")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []string{"GET /mailboxes/{address}"}, bearer.Gate().Log())
	_, _, err = newClient(t, bearer, func(c *warmforge.Config) { c.WorkspaceID = "other" }).Mailbox(ctx, "a@b.com")
	require.NoError(t, err, "an unknown workspace's 404 reads as no such mailbox")

	plain := warmforgetest.NewServer(warmforgetest.Config{PlainKey: true})
	defer plain.Close()
	_, ok, err = newClient(t, plain, func(c *warmforge.Config) { c.PlainKey = true }).Mailbox(ctx, "x@b.com")
	require.NoError(t, err)
	require.False(t, ok)
}

func TestOutagesAreReturnedWithTheirDelay(t *testing.T) {
	wfs := warmforgetest.NewServer(warmforgetest.Config{})
	defer wfs.Close()
	wfs.Gate().Fail(infraforgetest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 20 * time.Second, Times: 1})
	_, err := newClient(t, wfs).Check(context.Background())
	var ae *infraforge.APIError
	require.ErrorAs(t, err, &ae)
	require.True(t, ae.Temporary())
	require.Equal(t, 20*time.Second, ae.RetryAfter)

	wfs.Add(warmforgetest.Mailbox{Address: "a@b.com"})
	wfs.Gate().Fail(infraforgetest.Fault{Route: "PATCH", Status: http.StatusInternalServerError, Times: 1})
	_, err = newClient(t, wfs).StartWarmup(context.Background(), "a@b.com")
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusInternalServerError, ae.Status)
	started, err := newClient(t, wfs).StartWarmup(context.Background(), "a@b.com")
	require.NoError(t, err)
	require.True(t, started)
}

func TestNewNamesTheBadField(t *testing.T) {
	for field, cfg := range map[string]warmforge.Config{
		"APIKey":     {},
		"Timeout":    {APIKey: "k", Timeout: -1},
		"BaseURL":    {APIKey: "k", BaseURL: "not a url"},
		"PauseBelow": {APIKey: "k", Health: warmforge.HealthRule{PauseBelow: 95}},
	} {
		_, err := warmforge.New(cfg)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe, field)
		require.Equal(t, field, fe.Field)
	}
}
