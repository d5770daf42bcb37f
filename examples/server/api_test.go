package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing"
)

const (
	adminTok = "admin-token-0123456789"
	aTok     = "client-a-token-0123456789"
	bTok     = "client-b-token-0123456789"
)

// tenants are two clients with a campaign and a lead each, made on the
// store before the server starts on it.
type tenants struct {
	a, b         outbound.Client
	campA, campB outbound.CampaignID
	leadB        outbound.LeadID
}

// migratedPostgres returns the URL of a fresh schema, migrated, and the
// database on it, closed when t ends.
func migratedPostgres(t *testing.T) (string, *postgres.DB) {
	t.Helper()
	dbURL := pgSchemaURL(t)
	pool, err := pgxpool.New(t.Context(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.NoError(t, postgres.Migrate(t.Context(), pool))
	return dbURL, postgres.New(pool)
}

// seededPostgres is migratedPostgres seeded with two tenants
// (seedTenants).
func seededPostgres(t *testing.T) (string, *postgres.DB, tenants) {
	t.Helper()
	dbURL, db := migratedPostgres(t)
	return dbURL, db, seedTenants(t, db.Platform())
}

func seedTenants(t *testing.T, st storage.Store) tenants {
	t.Helper()
	ctx := context.Background()
	svc, err := distribution.New(distribution.Config{Store: st, Clock: timing.RealClock()})
	require.NoError(t, err)
	_, err = svc.Pool().Stock(ctx, outbound.KindDomain, 6, time.Now().AddDate(0, 0, -60))
	require.NoError(t, err)
	var out tenants
	for i, name := range []string{"Acme", "Brio"} {
		c, err := svc.Signup(ctx, distribution.SignupInput{Name: name, Plan: "starter", DefaultZone: "Australia/Sydney", PaymentID: "pay-" + name})
		require.NoError(t, err)
		camp, err := svc.CreateCampaign(ctx, c.ID, "Q1")
		require.NoError(t, err)
		res, err := svc.ImportLeads(ctx, camp.ID, []distribution.LeadInput{{Email: strings.ToLower(name) + "@lead.example", FirstName: "Ann",
			Company: name + " Lead Co", Country: "AU", Region: "NSW", Score: 80}})
		require.NoError(t, err)
		if i == 0 {
			out.a, out.campA = *c, camp.ID
		} else {
			out.b, out.campB, out.leadB = *c, camp.ID, res.Enrolled[0]
		}
	}
	// Brio's lead wrote back.
	_, err = svc.HandleEvent(ctx, channel.Event{Provider: "smtp", ProviderEventID: "m1/reply", Type: channel.EventReplied,
		Kind: channel.Email, From: "brio@lead.example", Body: "Sounds interesting, tell me more.", At: time.Now()})
	require.NoError(t, err)
	// An answer to Brio's lead waits for Brio's approval.
	es, err := st.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: out.leadB})
	require.NoError(t, err)
	require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{{ID: outbound.TouchID{UUID: uuid.New()}, Client: out.b.ID, Campaign: out.campB,
		Enrollment: es[0].ID, Lead: out.leadB, StepChannel: channel.Email, Channel: channel.Email, Action: channel.ActionEmail,
		ScheduledAt: time.Now(), Status: outbound.TouchDraft, Reason: outbound.ReasonAnswer, Subject: "Re: hello",
		Body: "Hi Ann, thanks for getting back to me, glad it caught your eye."}}))
	return out
}

type client struct {
	t    *testing.T
	base string
	tok  string
}

func (c client) do(method, path, contentType string, body []byte) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	require.NoError(c.t, err)
	if c.tok != "" {
		req.Header.Set("Authorization", "Bearer "+c.tok)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	var out map[string]any
	if len(raw) > 0 {
		require.NoError(c.t, json.Unmarshal(raw, &out), string(raw))
	}
	if res.StatusCode >= 400 {
		require.Equal(c.t, "application/problem+json", res.Header.Get("Content-Type"))
	}
	return res.StatusCode, out
}

func (c client) get(path string) (int, map[string]any) { return c.do(http.MethodGet, path, "", nil) }

func (c client) postJSON(path string, v any) (int, map[string]any) {
	b, err := json.Marshal(v)
	require.NoError(c.t, err)
	return c.do(http.MethodPost, path, "application/json", b)
}

func items(m map[string]any) []any { its, _ := m["items"].([]any); return its }

func startAPI(t *testing.T) (*started, tenants) {
	t.Helper()
	st := memory.New()
	ten := seedTenants(t, st)
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, env(map[string]string{
		"OUTBOUND_ADMIN_TOKEN":   adminTok,
		"OUTBOUND_CLIENT_TOKENS": tenantTokens(ten),
	}), io.Discard)
	require.NoError(t, err)
	cfg.store = st
	s := startOn(t, cfg, st)
	return s, ten
}

// tenantTokens are the client tokens of ten's two clients, as the
// server reads them.
func tenantTokens(ten tenants) string {
	return ten.a.ID.String() + ":" + aTok + "," + ten.b.ID.String() + ":" + bTok
}

// Every route: who may see what, and another client's IDs answer 404,
// never data.
func TestAPITenancy(t *testing.T) {
	t.Parallel()
	s, ten := startAPI(t)
	checkTenancy(t, s.url, s.store, ten)
}

// The same on PostgreSQL, where a client token's requests go through its
// client's handle, so row-level security fences them as well as the
// API's checks.
func TestAPITenancyOnPostgres(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dbURL, db, ten := seededPostgres(t)
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-database-url", dbURL}, env(map[string]string{
		"OUTBOUND_ADMIN_TOKEN": adminTok, "OUTBOUND_CLIENT_TOKENS": tenantTokens(ten)}), io.Discard)
	require.NoError(t, err)
	s := startDB(t, cfg)
	checkTenancy(t, s.url, db.Platform(), ten)

	// What serves a client token is its client's handle; the admin's, the
	// platform's.
	opened, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer opened.close()
	api := &api{st: opened.store, scope: opened.scope}
	scoped, ok := api.store(principal{client: ten.a.ID}).(*postgres.Store)
	require.True(t, ok)
	got, isClient := scoped.Client()
	require.True(t, isClient)
	require.Equal(t, ten.a.ID, got)
	_, isClient = api.store(principal{admin: true}).(*postgres.Store).Client()
	require.False(t, isClient)

	// A client's own records are served through its handle: its lead,
	// its suppressions added and lifted.
	a := client{t, s.url, aTok}
	code, body := a.postJSON("/api/v1/suppressions", map[string]any{"address": "gone@lead.example", "reason": "asked by phone"})
	require.Equal(t, http.StatusCreated, code, body)
	code, body = a.get("/api/v1/suppressions")
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, items(body), 1)
	code, body = a.postJSON("/api/v1/suppressions/lift", map[string]any{"address": "gone@lead.example", "reason": "added by mistake"})
	require.Equal(t, http.StatusOK, code, body)
	code, body = client{t, s.url, bTok}.get("/api/v1/leads/" + ten.leadB.String())
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "brio@lead.example", body["email"])

	// The client's dashboard reads through the same handle: its
	// campaigns, leads, replies and drafts, none of another client's.
	page := newBrowser(t, s.url).clientPage(bTok)
	require.Contains(t, page, "Ann (Brio Lead Co)")
	require.Contains(t, page, "Sounds interesting, tell me more.")
	require.Contains(t, page, "glad it caught your eye")
	require.NotContains(t, page, "Acme")
}

// checkTenancy tries every route as client A with client B's IDs.
func checkTenancy(t *testing.T, base string, st storage.Store, ten tenants) {
	t.Helper()
	admin, a, anon := client{t, base, adminTok}, client{t, base, aTok}, client{t, base, ""}

	code, body := anon.get("/api/v1/clients")
	require.Equal(t, http.StatusUnauthorized, code)
	require.Equal(t, float64(401), body["status"])
	code, _ = client{t, base, "wrong-token-0123456789"}.get("/api/v1/clients")
	require.Equal(t, http.StatusUnauthorized, code)

	code, body = admin.get("/api/v1/clients")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, items(body), 2)
	code, body = a.get("/api/v1/clients")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, items(body), 1)
	require.Equal(t, ten.a.ID.String(), items(body)[0].(map[string]any)["id"])

	b := ten.b.ID.String()
	for _, tt := range []struct{ method, path, ct, body string }{
		{"GET", "/api/v1/clients/" + b, "", ""},
		{"GET", "/api/v1/clients/" + b + "/campaigns", "", ""},
		{"POST", "/api/v1/clients/" + b + "/campaigns", "application/json", `{"name":"mine now"}`},
		{"POST", "/api/v1/campaigns/" + ten.campB.String() + "/leads", "text/csv", "email\nx@y.example\n"},
		{"GET", "/api/v1/leads/" + ten.leadB.String(), "", ""},
		{"GET", "/api/v1/suppressions?client=" + b, "", ""},
		{"POST", "/api/v1/suppressions", "application/json", `{"client":"` + b + `","address":"x@y.example"}`},
		{"POST", "/api/v1/suppressions", "application/json", `{"lead":"` + ten.leadB.String() + `"}`},
		{"POST", "/api/v1/suppressions/lift", "application/json", `{"client":"` + b + `","address":"x@y.example","reason":"mine"}`},
		{"GET", "/api/v1/leads/not-an-id", "", ""},
		{"GET", "/api/v1/leads/" + ten.leadB.String() + "/events", "", ""},
		{"GET", "/api/v1/pool", "", ""},
		{"POST", "/api/v1/resources", "application/json", `[]`},
		{"GET", "/api/v1/alerts", "", ""},
	} {
		code, body := a.do(tt.method, tt.path, tt.ct, []byte(tt.body))
		require.Equal(t, http.StatusNotFound, code, "%s %s: %v", tt.method, tt.path, body)
		require.NotContains(t, body, "items", "%s %s", tt.method, tt.path)
	}
	code, body = admin.get("/api/v1/leads/" + ten.leadB.String())
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "brio@lead.example", body["email"])
	campaigns, err := st.ListCampaigns(context.Background(), ten.b.ID)
	require.NoError(t, err)
	require.Len(t, campaigns, 1, "client A created nothing for B")
}

// Campaigns, lead files with their errors by line, a lead's schedule,
// suppressions, pages and problems naming the field.
func TestAPIRoutes(t *testing.T) {
	t.Parallel()
	s, ten := startAPI(t)
	admin, a := client{t, s.url, adminTok}, client{t, s.url, aTok}
	ac := "/api/v1/clients/" + ten.a.ID.String()

	code, body := a.postJSON(ac+"/campaigns", map[string]any{"name": "Growth", "icp": map[string]any{"countries": []string{"Oz"}}})
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "Countries[0]", body["field"])
	require.Equal(t, "Oz", body["value"])
	code, body = a.postJSON(ac+"/campaigns", map[string]any{"name": "Growth", "icp": map[string]any{"countries": []string{"AU"},
		"industries": []string{"software"}, "seniority": "director"}})
	require.Equal(t, http.StatusCreated, code, body)
	camp := body["id"].(string)
	code, body = a.do(http.MethodPost, ac+"/campaigns", "application/json", []byte(`{"name":"x","colour":"red"}`))
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "body", body["field"])

	csv := "email,first_name,title,company,country,region,industry,employees\n" +
		"dee@stackly.example,Dee,VP Growth,Stackly,AU,NSW,Software,120\n" +
		"not-an-email,Eve,CEO,Eve Co,AU,NSW,Software,50\n" +
		"fay@harbour.example,Fay,CTO,Harbour,AU,VIC,Software,lots\n"
	code, body = a.do(http.MethodPost, "/api/v1/campaigns/"+camp+"/leads", "text/csv", []byte(csv))
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, body["enrolled"], 1)
	rejected := body["rejected"].([]any)
	require.Len(t, rejected, 2)
	require.Equal(t, map[string]any{"line": float64(3), "field": "email", "value": "not-an-email", "reason": rejected[0].(map[string]any)["reason"]},
		rejected[0])
	require.Equal(t, float64(4), rejected[1].(map[string]any)["line"])
	require.Equal(t, "employees", rejected[1].(map[string]any)["field"])
	code, _ = a.do(http.MethodPost, "/api/v1/campaigns/"+camp+"/leads", "application/pdf", []byte("%PDF"))
	require.Equal(t, http.StatusUnsupportedMediaType, code)

	lead := body["enrolled"].([]any)[0].(string)
	var schedule []any
	require.Eventually(t, func() bool {
		code, body = a.get("/api/v1/leads/" + lead)
		require.Equal(t, http.StatusOK, code)
		schedule, _ = body["schedule"].([]any)
		return len(schedule) > 0
	}, 20*time.Second, 100*time.Millisecond, "the leader plans the new lead")
	require.Equal(t, "email", schedule[0].(map[string]any)["channel"])
	require.Equal(t, float64(70), body["score"], "scored against the campaign's ICP")
	require.NotEmpty(t, body["score_signals"])

	code, _ = a.postJSON("/api/v1/suppressions", map[string]any{"address": "Gone@Elsewhere.example", "channel": "email"})
	require.Equal(t, http.StatusCreated, code)
	code, body = a.get("/api/v1/suppressions")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, items(body), 1)
	require.Equal(t, "gone@elsewhere.example", items(body)[0].(map[string]any)["address"])
	code, body = a.postJSON("/api/v1/suppressions/lift", map[string]any{"address": "gone@elsewhere.example", "channel": "email"})
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "reason", body["field"])
	code, _ = a.postJSON("/api/v1/suppressions/lift", map[string]any{"address": "gone@elsewhere.example", "channel": "email", "reason": "asked back in"})
	require.Equal(t, http.StatusOK, code)
	code, _ = a.postJSON("/api/v1/suppressions/lift", map[string]any{"address": "gone@elsewhere.example", "channel": "email", "reason": "again"})
	require.Equal(t, http.StatusNotFound, code)
	code, body = a.postJSON("/api/v1/suppressions", map[string]any{"address": "x@y.example", "channel": "fax"})
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "channel", body["field"])

	code, body = admin.get("/api/v1/clients?limit=1")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, items(body), 1)
	next := body["next_cursor"].(string)
	require.NotEmpty(t, next)
	code, body = admin.get("/api/v1/clients?limit=1&cursor=" + next)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, items(body), 1)
	require.Empty(t, body["next_cursor"])
	code, body = admin.get("/api/v1/clients?limit=0")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "limit", body["field"])

	code, body = client{t, s.url, ""}.get("/api/v1/openapi.json")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "3.1.0", body["openapi"])
	require.Contains(t, body["paths"], "/leads/{lead}")
}

// The agency's pool: by kind and state with its buffer, its own resources
// registered once, a resource paused with a reason and resumed, the
// alerts; a lead's events with their reading.
func TestAPIPoolAndEvents(t *testing.T) {
	t.Parallel()
	s, ten := startAPI(t)
	admin, b := client{t, s.url, adminTok}, client{t, s.url, bTok}

	code, body := admin.get("/api/v1/pool")
	require.Equal(t, http.StatusOK, code, body)
	kinds := body["kinds"].([]any)
	domain := kinds[0].(map[string]any)
	require.Equal(t, "domain", domain["kind"])
	require.Equal(t, float64(4), domain["states"].(map[string]any)["assigned"], "two starter clients, two domains each")
	require.InDelta(t, 2.0/6.0, domain["buffer_ratio"], 1e-9)

	regs := []map[string]any{
		{"kind": "domain", "provider": "own", "provider_ref": "dom-1", "address": "agency-mail.example", "purchased_at": time.Now().AddDate(0, -3, 0)},
		{"kind": "mailbox", "provider": "own", "provider_ref": "mbx-1", "address": "sam@agency-mail.example", "domain": "dom-1"},
	}
	code, body = admin.postJSON("/api/v1/resources", regs)
	require.Equal(t, http.StatusCreated, code, body)
	first := items(body)
	require.Len(t, first, 2)
	code, body = admin.postJSON("/api/v1/resources", regs)
	require.Equal(t, http.StatusCreated, code)
	require.Equal(t, first, items(body), "registering again changes nothing")
	code, body = admin.postJSON("/api/v1/resources", []map[string]any{{"kind": "fax", "provider": "own", "provider_ref": "x", "address": "x"}})
	require.Equal(t, http.StatusBadRequest, code)
	require.NotEmpty(t, body["field"])

	dom := first[0].(map[string]any)["id"].(string)
	code, body = admin.postJSON("/api/v1/resources/"+dom+"/pause", map[string]any{})
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "reason", body["field"])
	code, body = admin.postJSON("/api/v1/resources/"+dom+"/pause", map[string]any{"reason": "spam trap hit"})
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, true, body["paused"])
	require.Equal(t, "spam trap hit", body["pause_reason"])
	code, body = admin.postJSON("/api/v1/resources/"+dom+"/resume", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, false, body["paused"])
	code, _ = admin.postJSON("/api/v1/resources/"+ten.campA.String()+"/resume", nil)
	require.Equal(t, http.StatusNotFound, code)

	code, body = admin.get("/api/v1/alerts")
	require.Equal(t, http.StatusOK, code)
	require.NotNil(t, body["items"])

	code, body = b.get("/api/v1/leads/" + ten.leadB.String() + "/events")
	require.Equal(t, http.StatusOK, code, body)
	evs := items(body)
	require.Len(t, evs, 1)
	require.Equal(t, "replied", evs[0].(map[string]any)["type"])
	require.Equal(t, "interested", evs[0].(map[string]any)["reply_class"])
}
