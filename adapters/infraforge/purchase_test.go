package infraforge_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/infraforge"
	"github.com/outbound-go/outbound/adapters/infraforge/infraforgetest"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
)

var now = time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC)

func newClient(t *testing.T, srv *infraforgetest.Server, edit ...func(*infraforge.Config)) *infraforge.Client {
	t.Helper()
	cfg := infraforge.Config{
		APIKey: srv.APIKey(), WorkspaceID: srv.WorkspaceID(), BaseURL: srv.URL(),
		Contact: infraforge.Contact{FirstName: "Ana", LastName: "Lopez", Email: "ops@acme.example", Address: "1 Main St",
			City: "Austin", PostalCode: "78701", Country: "US"},
		FirstName: "Ana", LastName: "Lopez", Rate: -1,
		Now: func() time.Time { return now },
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := infraforge.New(cfg)
	require.NoError(t, err)
	return c
}

func order(key string, n int) outbound.Order {
	return outbound.Order{Key: key, Kind: outbound.KindDomain, Count: n, CreatedAt: now}
}

// shape checks what the pool relies on in an answer: each domain followed
// by its mailboxes, all filled in, references unique.
func shape(t *testing.T, rs []outbound.Resource, domains, perDomain int) {
	t.Helper()
	require.Len(t, rs, domains*(1+perDomain))
	seen := map[string]bool{}
	for i, r := range rs {
		require.Equal(t, "infraforge", r.Provider)
		require.NotEmpty(t, r.ProviderRef)
		require.False(t, seen[r.ProviderRef], "ref %s twice", r.ProviderRef)
		seen[r.ProviderRef] = true
		require.Equal(t, outbound.StateProvisioning, r.State)
		if i%(1+perDomain) == 0 {
			require.Equal(t, outbound.KindDomain, r.Kind)
			continue
		}
		dom := rs[i-i%(1+perDomain)]
		require.Equal(t, outbound.KindMailbox, r.Kind)
		require.True(t, strings.HasSuffix(r.Address, "@"+dom.Address), "%s is not on %s", r.Address, dom.Address)
	}
}

// checkProvisioner asserts, against fresh fakes, the properties
// pool/pooltest's fake Provisioner is tested for: the same orders give the
// same answers, domains come with their mailboxes, and an order placed
// again with its key buys nothing more.
func checkProvisioner(t *testing.T, newP func(t *testing.T) (pool.Provisioner, func() int)) {
	ctx := context.Background()
	t.Run("deterministic", func(t *testing.T) {
		p1, _ := newP(t)
		p2, _ := newP(t)
		for _, key := range []string{"order-1", "order-2"} {
			a, err := p1.Purchase(ctx, order(key, 2))
			require.NoError(t, err)
			b, err := p2.Purchase(ctx, order(key, 2))
			require.NoError(t, err)
			require.Equal(t, a, b)
		}
	})
	t.Run("domains come with their mailboxes", func(t *testing.T) {
		p, _ := newP(t)
		rs, err := p.Purchase(ctx, order("order-1", 3))
		require.NoError(t, err)
		shape(t, rs, 3, len(pool.DefaultMailboxNames()))
	})
	t.Run("honours idempotency keys", func(t *testing.T) {
		p, bought := newP(t)
		first, err := p.Purchase(ctx, order("order-1", 2))
		require.NoError(t, err)
		n := bought()
		again, err := p.Purchase(ctx, order("order-1", 2))
		require.NoError(t, err)
		require.Equal(t, first, again)
		require.Equal(t, n, bought(), "a second placing bought more")
		other, err := p.Purchase(ctx, order("order-2", 1))
		require.NoError(t, err)
		require.NotEqual(t, first[0].Address, other[0].Address)
	})
}

func TestProvisionerProperties(t *testing.T) {
	checkProvisioner(t, func(t *testing.T) (pool.Provisioner, func() int) {
		srv := infraforgetest.NewServer(infraforgetest.Config{})
		t.Cleanup(srv.Close)
		return newClient(t, srv), func() int { return len(srv.Domains()) + len(srv.Mailboxes()) }
	})
}

func TestPurchaseSetsUpDomainsAndMailboxes(t *testing.T) {
	srv := infraforgetest.NewServer(infraforgetest.Config{DKIM: true})
	defer srv.Close()
	c := newClient(t, srv, func(c *infraforge.Config) { c.DMARCReport = "dmarc@acme.example" })
	rs, err := c.Purchase(context.Background(), order("order-1", 2))
	require.NoError(t, err)
	shape(t, rs, 2, 2)
	require.Equal(t, "outreach@"+rs[0].Address, rs[1].Address)
	require.Equal(t, "hello@"+rs[0].Address, rs[2].Address)
	require.Equal(t, infraforge.DefaultName("mail", "com", "order-1", 0, 0), rs[0].Address)

	doms := srv.Domains()
	require.Len(t, doms, 2)
	require.Equal(t, "Ana", doms[0].Contact["firstName"])
	var types []string
	for _, r := range doms[0].Records {
		types = append(types, r.Type+" "+r.Name+" "+r.Value)
	}
	require.ElementsMatch(t, []string{
		"TXT infraforge._domainkey v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", // InfraForge's, kept
		"MX @ 10 mx.infraforge.ai",
		"TXT @ v=spf1 include:spf.infraforge.ai ~all",
		"TXT _dmarc v=DMARC1; p=quarantine; rua=mailto:dmarc@acme.example",
	}, types)
	require.Equal(t, 1000-2*10-4*3, srv.Credits())
	mbs := srv.Mailboxes()
	require.Len(t, mbs, 4)
	require.Equal(t, "Ana", mbs[0].FirstName)
}

func TestPurchaseTriesTheNextNameWhenOneIsTaken(t *testing.T) {
	srv := infraforgetest.NewServer(infraforgetest.Config{})
	defer srv.Close()
	srv.Take(infraforge.DefaultName("mail", "com", "order-1", 0, 0))
	srv.Take(infraforge.DefaultName("mail", "com", "order-1", 0, 1))
	c := newClient(t, srv)
	rs, err := c.Purchase(context.Background(), order("order-1", 1))
	require.NoError(t, err)
	require.Equal(t, infraforge.DefaultName("mail", "com", "order-1", 0, 2), rs[0].Address)
	// Placed again, the order finds its third candidate and buys nothing.
	again, err := c.Purchase(context.Background(), order("order-1", 1))
	require.NoError(t, err)
	require.Equal(t, rs, again)
	require.Len(t, srv.Domains(), 1)
}

// A crash at each step, then the order placed again with its key: what
// the first attempt bought is found and completed, nothing is bought twice.
func TestPurchaseResumesAfterACrash(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault infraforgetest.Fault
	}{
		{"answer of the domain purchase lost", infraforgetest.Fault{Route: "POST /domains", Status: http.StatusBadGateway, Processed: true, Times: 1}},
		{"crash after the purchase, before DNS", infraforgetest.Fault{Route: "GET /domains/{id}/dns", Status: http.StatusServiceUnavailable, Times: 1}},
		{"crash between DNS and mailboxes", infraforgetest.Fault{Route: "POST /mailboxes", Status: http.StatusServiceUnavailable, Times: 1}},
		{"answer of the mailbox purchase lost", infraforgetest.Fault{Route: "POST /mailboxes", Status: http.StatusGatewayTimeout, Processed: true, Times: 1}},
		{"second domain's DNS fails", infraforgetest.Fault{Route: "PUT /domains/{id}/dns", After: 1, Status: http.StatusInternalServerError, Times: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := infraforgetest.NewServer(infraforgetest.Config{})
			defer srv.Close()
			cl := newClient(t, srv)
			srv.Gate().Fail(c.fault)
			_, err := cl.Purchase(context.Background(), order("order-1", 2))
			require.Error(t, err)
			require.False(t, errors.Is(err, pool.ErrPurchaseRefused), "an outage must leave the order pending: %v", err)

			rs, err := cl.Purchase(context.Background(), order("order-1", 2))
			require.NoError(t, err)
			shape(t, rs, 2, 2)
			require.Len(t, srv.Domains(), 2, "domains bought twice")
			require.Len(t, srv.Mailboxes(), 4, "mailboxes bought twice")
			require.Equal(t, 1, srv.Gate().Calls("POST /domains"))
			require.Equal(t, 2, srv.Gate().Calls("PUT /domains/{id}/dns"), "DNS written again")
			for _, d := range srv.Domains() {
				require.Len(t, d.Records, 3)
			}
		})
	}
}

func TestPurchaseRefusals(t *testing.T) {
	ctx := context.Background()
	t.Run("no candidate available", func(t *testing.T) {
		srv := infraforgetest.NewServer(infraforgetest.Config{})
		defer srv.Close()
		c := newClient(t, srv, func(c *infraforge.Config) { c.Attempts = 2 })
		for i := range 2 {
			srv.Take(infraforge.DefaultName("mail", "com", "order-1", 0, i))
		}
		_, err := c.Purchase(ctx, order("order-1", 1))
		require.ErrorIs(t, err, pool.ErrPurchaseRefused)
		require.Contains(t, err.Error(), "available")
		require.Empty(t, srv.Domains())
	})
	t.Run("some domains unavailable: fewer delivered", func(t *testing.T) {
		srv := infraforgetest.NewServer(infraforgetest.Config{})
		defer srv.Close()
		c := newClient(t, srv, func(c *infraforge.Config) { c.Attempts = 1 })
		srv.Take(infraforge.DefaultName("mail", "com", "order-1", 1, 0))
		rs, err := c.Purchase(ctx, order("order-1", 2))
		require.NoError(t, err)
		shape(t, rs, 1, 2)
	})
	t.Run("out of credits", func(t *testing.T) {
		srv := infraforgetest.NewServer(infraforgetest.Config{Credits: 15})
		defer srv.Close()
		_, err := newClient(t, srv).Purchase(ctx, order("order-1", 2))
		require.ErrorIs(t, err, pool.ErrPurchaseRefused)
		var ae *infraforge.APIError
		require.ErrorAs(t, err, &ae)
		require.Equal(t, http.StatusPaymentRequired, ae.Status)
		require.Contains(t, ae.Message, "insufficient credits")
	})
	for _, o := range []struct {
		field string
		o     outbound.Order
	}{
		{"Kind", outbound.Order{Key: "k", Kind: outbound.KindPhone, Count: 1}},
		{"Key", outbound.Order{Kind: outbound.KindDomain, Count: 1}},
		{"Count", outbound.Order{Key: "k", Kind: outbound.KindDomain}},
	} {
		t.Run("bad order "+o.field, func(t *testing.T) {
			srv := infraforgetest.NewServer(infraforgetest.Config{})
			defer srv.Close()
			_, err := newClient(t, srv).Purchase(ctx, o.o)
			require.ErrorIs(t, err, pool.ErrPurchaseRefused)
			var fe *invalid.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, o.field, fe.Field)
			require.Empty(t, srv.Gate().Log(), "a bad order reached InfraForge")
		})
	}
}

func TestPurchaseOutagesStayPending(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault infraforgetest.Fault
		retry time.Duration
	}{
		{"rate limited", infraforgetest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second}, 30 * time.Second},
		{"server error", infraforgetest.Fault{Status: http.StatusInternalServerError}, 0},
		{"unavailable", infraforgetest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: 5 * time.Second}, 5 * time.Second},
		{"wrong key", infraforgetest.Fault{Status: http.StatusUnauthorized}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := infraforgetest.NewServer(infraforgetest.Config{})
			defer srv.Close()
			srv.Gate().Fail(c.fault)
			_, err := newClient(t, srv).Purchase(context.Background(), order("order-1", 1))
			require.Error(t, err)
			require.False(t, errors.Is(err, pool.ErrPurchaseRefused), "%v", err)
			var ae *infraforge.APIError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, c.retry, ae.RetryAfter)
		})
	}
	t.Run("timeout", func(t *testing.T) {
		srv := infraforgetest.NewServer(infraforgetest.Config{})
		defer srv.Close()
		c := newClient(t, srv, func(c *infraforge.Config) {
			c.HTTPClient = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
				return nil, context.DeadlineExceeded
			})}
		})
		_, err := c.Purchase(context.Background(), order("order-1", 1))
		require.ErrorIs(t, err, infraforge.ErrUnanswered)
		require.False(t, errors.Is(err, pool.ErrPurchaseRefused))
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTheKeyGoesAsIsAndIsNeverLogged(t *testing.T) {
	srv := infraforgetest.NewServer(infraforgetest.Config{APIKey: "secret-key-123"})
	defer srv.Close()
	var logs strings.Builder
	c := newClient(t, srv, func(c *infraforge.Config) {
		c.Logger = slogTo(&logs)
	})
	srv.Gate().Fail(infraforgetest.Fault{Route: "POST /mailboxes", Status: http.StatusInternalServerError, Times: 1})
	_, err := c.Purchase(context.Background(), order("order-1", 1))
	require.Error(t, err)
	require.NotContains(t, logs.String(), "secret-key-123")
	require.NotContains(t, err.Error(), "secret-key-123")
	require.Contains(t, logs.String(), "infraforge refused")

	bad := newClient(t, srv, func(c *infraforge.Config) { c.APIKey = "Bearer secret-key-123" })
	_, err = bad.Purchase(context.Background(), order("order-2", 1))
	var ae *infraforge.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusForbidden, ae.Status)
}

func TestReadyReportsDomainsWithCompleteDNS(t *testing.T) {
	srv := infraforgetest.NewServer(infraforgetest.Config{})
	defer srv.Close()
	c := newClient(t, srv)
	rs, err := c.Purchase(context.Background(), order("order-1", 2))
	require.NoError(t, err)
	got, err := c.Ready(context.Background())
	require.NoError(t, err)
	require.Empty(t, got, "no DKIM yet")

	srv.SetDKIM(rs[0].Address)
	got, err = c.Ready(context.Background())
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.NoError(t, got[0].Validate())
	e := got[0].Provisioning
	require.Equal(t, outbound.ProvisioningDomainReady, e.Type)
	require.Equal(t, rs[0].ProviderRef, e.ProviderRef)
	require.Equal(t, rs[0].Address, e.Address)

	ref, err := c.DomainRef(context.Background(), strings.ToUpper(rs[3].Address))
	require.NoError(t, err)
	require.Equal(t, rs[3].ProviderRef, ref)
	_, err = c.DomainRef(context.Background(), "nope.example")
	require.ErrorIs(t, err, infraforge.ErrUnknownDomain)
}

func TestMailboxesReadsEveryPage(t *testing.T) {
	srv := infraforgetest.NewServer(infraforgetest.Config{Credits: 10000})
	defer srv.Close()
	c := newClient(t, srv)
	_, err := c.Purchase(context.Background(), order("order-1", 51))
	require.NoError(t, err)
	before := srv.Gate().Calls("GET /mailboxes")
	all, err := c.Mailboxes(context.Background(), "")
	require.NoError(t, err)
	require.Len(t, all, 102)
	require.Equal(t, 2, srv.Gate().Calls("GET /mailboxes")-before)
}

func TestNewNamesTheBadField(t *testing.T) {
	good := infraforge.Config{APIKey: "k", WorkspaceID: "ws", FirstName: "Ana",
		Contact: infraforge.Contact{FirstName: "A", LastName: "L", Email: "a@b.co", Address: "1", City: "C", PostalCode: "1", Country: "US"}}
	_, err := infraforge.New(good)
	require.NoError(t, err)
	for field, edit := range map[string]func(*infraforge.Config){
		"APIKey":       func(c *infraforge.Config) { c.APIKey = " " },
		"WorkspaceID":  func(c *infraforge.Config) { c.WorkspaceID = "" },
		"Contact":      func(c *infraforge.Config) { c.Contact.Country = "" },
		"FirstName":    func(c *infraforge.Config) { c.FirstName = "" },
		"Attempts":     func(c *infraforge.Config) { c.Attempts = -1 },
		"DMARCPolicy":  func(c *infraforge.Config) { c.DMARCPolicy = "strict" },
		"Mailboxes[1]": func(c *infraforge.Config) { c.Mailboxes = []string{"ok", "not ok"} },
		"BaseURL":      func(c *infraforge.Config) { c.BaseURL = "ftp://x" },
	} {
		cfg := good
		edit(&cfg)
		_, err := infraforge.New(cfg)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe, field)
		require.Equal(t, field, fe.Field)
	}
}
