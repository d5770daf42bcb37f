package main

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/infraforge"
	"github.com/outbound-go/outbound/adapters/infraforge/infraforgetest"
	"github.com/outbound-go/outbound/adapters/warmforge/warmforgetest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
)

// registrant is a complete INFRAFORGE_CONTACT.
func registrant(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(infraforge.Contact{FirstName: "Sam", LastName: "Lee", Email: "domains@agency.example", Address: "1 George St",
		City: "Sydney", PostalCode: "2000", Country: "AU"})
	require.NoError(t, err)
	return string(b)
}

// withEnv is base with the settings of extra (name, value, …) set, or
// removed when their value is "".
func withEnv(base map[string]string, extra ...string) map[string]string {
	m := maps.Clone(base)
	for i := 0; i < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	maps.DeleteFunc(m, func(_, v string) bool { return v == "" })
	return m
}

// Provisioning settings that cannot work are refused at start, naming the
// setting and its value, never a key.
func TestProvisioningSettings(t *testing.T) {
	t.Parallel()
	const key = "if-secret-key-0123"
	infra := map[string]string{"INFRAFORGE_API_KEY": key, "INFRAFORGE_WORKSPACE_ID": "ws_1", "INFRAFORGE_CONTACT": registrant(t),
		"INFRAFORGE_SENDER_NAME": "Sam Lee"}
	twilio := map[string]string{"TWILIO_ACCOUNT_SID": "AC" + "0123456789abcdef0123456789abcdef", "TWILIO_AUTH_TOKEN": "tw-token",
		"OUTBOUND_PUBLIC_URL": "https://hooks.example.com"}
	with := withEnv
	for _, tt := range []struct {
		name, setting, value string
		env                  map[string]string
	}{
		{"workspace without a key", "INFRAFORGE_API_KEY", "", map[string]string{"INFRAFORGE_WORKSPACE_ID": "ws_1"}},
		{"no workspace", "INFRAFORGE_WORKSPACE_ID", "", with(infra, "INFRAFORGE_WORKSPACE_ID", "")},
		{"no registrant", "INFRAFORGE_CONTACT", "", with(infra, "INFRAFORGE_CONTACT", "")},
		{"a registrant without a city", "INFRAFORGE_CONTACT", `{"firstName":"Sam"}`, with(infra, "INFRAFORGE_CONTACT", `{"firstName":"Sam"}`)},
		{"a registrant with a field unknown", "INFRAFORGE_CONTACT", `{"zip":"2000"}`, with(infra, "INFRAFORGE_CONTACT", `{"zip":"2000"}`)},
		{"no sender name", "INFRAFORGE_SENDER_NAME", "", with(infra, "INFRAFORGE_SENDER_NAME", " ")},
		{"base URL", "INFRAFORGE_BASE_URL", "api.infraforge.ai", with(infra, "INFRAFORGE_BASE_URL", "api.infraforge.ai")},
		{"warmup without InfraForge", "INFRAFORGE_API_KEY", "", map[string]string{"WARMFORGE_API_KEY": "wf-key"}},
		{"a Warmforge workspace without a key", "WARMFORGE_API_KEY", "", with(infra, "WARMFORGE_WORKSPACE_ID", "wsp_1")},
		{"Warmforge's base URL", "WARMFORGE_BASE_URL", "ftp://warmforge", with(infra, "WARMFORGE_API_KEY", "wf-key", "WARMFORGE_BASE_URL", "ftp://warmforge")},
		{"numbers without Twilio", "TWILIO_ACCOUNT_SID", "", map[string]string{"TWILIO_NUMBERS_COUNTRY": "AU"}},
		{"a number type without a country", "TWILIO_NUMBERS_COUNTRY", "", with(twilio, "TWILIO_NUMBERS_TYPE", "Mobile")},
		{"numbers of no country", "TWILIO_NUMBERS_COUNTRY", "AUS", with(twilio, "TWILIO_NUMBERS_COUNTRY", "aus")},
		{"a number type", "TWILIO_NUMBERS_TYPE", "mobile", with(twilio, "TWILIO_NUMBERS_COUNTRY", "AU", "TWILIO_NUMBERS_TYPE", "mobile")},
		{"check interval", "OUTBOUND_POOL_CHECK", "10ms", map[string]string{"OUTBOUND_POOL_CHECK": "10ms"}},
		{"check interval unread", "OUTBOUND_POOL_CHECK", "hourly", map[string]string{"OUTBOUND_POOL_CHECK": "hourly"}},
	} {
		_, err := loadConfig(nil, env(tt.env), io.Discard)
		var ce *configError // a usage error: the server exits 2
		require.ErrorAs(t, err, &ce, tt.name)
		require.Equal(t, [2]string{tt.setting, tt.value}, [2]string{ce.Setting, ce.Value}, tt.name)
		require.NotContains(t, err.Error(), key, tt.name)
	}

	c, err := loadConfig(nil, env(with(twilio, "TWILIO_NUMBERS_COUNTRY", "au", "TWILIO_NUMBERS_TYPE", "Mobile", "TWILIO_BUNDLE_SID", "BU1")), io.Discard)
	require.NoError(t, err)
	require.True(t, c.Provisioning.BuyNumbers)
	require.Equal(t, "AU", c.Provisioning.Numbers.Country)
	require.Equal(t, "BU1", c.Provisioning.Numbers.BundleSID)
	require.Equal(t, defaultPoolCheck, c.Provisioning.CheckEvery)
}

// A server given an InfraForge and a Warmforge account, on a pool whose
// buffer of domains its clients drained, buys a domain with its mailboxes
// at InfraForge, starts their warmup at Warmforge, and takes the domain
// into the pool once its mail DNS is complete, and pauses it when Warmforge
// reports one of its mailboxes disconnected; numbers and seats, which
// nothing buys, fail their orders for good.
func TestPoolBuysAtInfraForge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	infra := infraforgetest.NewServer(infraforgetest.Config{APIKey: "if-key-0123"})
	defer infra.Close()
	warm := warmforgetest.NewServer(warmforgetest.Config{})
	defer warm.Close()
	// The first order's domain and mailboxes, as InfraForge names them,
	// are connected to Warmforge with warmup off.
	domain := infraforge.DefaultName(infraforge.DefaultNameBase, infraforge.DefaultTLD, "pool-domain-1", 0, 0)
	for _, local := range []string{"outreach", "hello"} {
		warm.Add(warmforgetest.Mailbox{Address: local + "@" + domain})
	}

	st := memory.New()
	seedTenants(t, st) // two clients hold 4 of the 6 domains: under 40 % left
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, env(map[string]string{
		"INFRAFORGE_API_KEY": infra.APIKey(), "INFRAFORGE_WORKSPACE_ID": infra.WorkspaceID(), "INFRAFORGE_BASE_URL": infra.URL(),
		"INFRAFORGE_CONTACT": registrant(t), "INFRAFORGE_SENDER_NAME": "Sam Lee",
		"WARMFORGE_API_KEY": warm.APIKey(), "WARMFORGE_WORKSPACE_ID": warm.WorkspaceID(), "WARMFORGE_BASE_URL": warm.URL(),
		"OUTBOUND_POOL_CHECK": "1s",
	}), io.Discard)
	require.NoError(t, err)
	startOn(t, cfg, st)

	dom := func() outbound.Resource {
		rs, err := st.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindDomain})
		require.NoError(t, err)
		for _, r := range rs {
			if r.Address == domain {
				return r
			}
		}
		return outbound.Resource{}
	}
	require.Eventually(t, func() bool { return dom().Provider == "infraforge" }, 10*time.Second, 50*time.Millisecond,
		"a domain bought and stored")
	require.Len(t, infra.Domains(), 1, "the fewest that bring the buffer back to 40 %")
	mbs, err := st.ListResources(ctx, storage.ResourceFilter{Parent: dom().ID})
	require.NoError(t, err)
	require.Len(t, mbs, 2, "its mailboxes")
	require.Len(t, infra.Mailboxes(), 2)
	for _, local := range []string{"outreach", "hello"} {
		m, ok := warm.Mailbox(local + "@" + domain)
		require.True(t, ok)
		require.True(t, m.WarmupEnabled, "warmup started on %s", m.Address)
	}
	require.Equal(t, outbound.StateProvisioning, dom().State, "not in the pool until its mail DNS is complete")
	infra.SetDKIM(domain)
	require.Eventually(t, func() bool { return dom().State != outbound.StateProvisioning }, 10*time.Second, 50*time.Millisecond,
		"taken into the pool at the next check once InfraForge's DKIM is there")
	require.Equal(t, "infraforge", dom().Provider)
	// Warmforge posts nothing: the check reads it. A mailbox it reports
	// disconnected pauses its domain.
	warm.SetStatus("hello@"+domain, "disconnected")
	require.Eventually(t, func() bool { return dom().Paused }, 10*time.Second, 50*time.Millisecond,
		"the domain paused at the next check")
	orders, err := st.ListOrders(ctx, outbound.OrderFailed)
	require.NoError(t, err)
	require.NotEmpty(t, orders)
	for _, o := range orders {
		require.NotEqual(t, outbound.KindDomain, o.Kind, "only the kinds nothing buys fail")
		require.Contains(t, o.Error, "no provisioner buys "+string(o.Kind))
	}
}
