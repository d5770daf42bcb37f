package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	b := newBrowserTB(t, base)
	b.t = t
	return b
}

// newBrowserTB is a browser for a benchmark or a test.
func newBrowserTB(tb testing.TB, base string) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(tb, err)
	return &browser{base: base, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string, http.Header) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	res, err := b.c.PostForm(b.base+path, form)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func csrfOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(html)
	require.NotNil(t, m, "the page carries a CSRF token")
	return m[1]
}

// The admin logs in with the token, sees the pool, the domains and the
// clients, and pauses and resumes a domain with the page's own forms; a
// form without the session's token changes nothing.
func TestAdminDashboard(t *testing.T) {
	t.Parallel()
	s, _ := startAPI(t)
	b := newBrowser(t, s.url)

	code, _, h := b.get("/admin")
	require.Equal(t, http.StatusSeeOther, code)
	require.Equal(t, "/login", h.Get("Location"))
	code, body, _ := b.post("/login", url.Values{"token": {"not-the-token"}})
	require.Equal(t, http.StatusUnauthorized, code)
	require.Contains(t, body, "not valid")
	code, _, h = b.post("/login", url.Values{"token": {adminTok}})
	require.Equal(t, http.StatusSeeOther, code)
	require.Equal(t, "/admin", h.Get("Location"))
	cookie := h.Get("Set-Cookie")
	require.Contains(t, cookie, "HttpOnly")
	require.Contains(t, cookie, "SameSite=Strict")

	code, body, h = b.get("/admin")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, h.Get("Content-Security-Policy"), "default-src 'none'")
	require.Contains(t, body, "<svg")
	require.Contains(t, body, "40 % buffer")
	require.Contains(t, body, "Acme")
	require.Contains(t, body, "Brio")
	require.NotRegexp(t, `(src|href)="https?://`, body, "no external asset")

	rs, err := s.store.ListResources(context.Background(), storage.ResourceFilter{Kind: outbound.KindDomain, State: outbound.StateAssigned})
	require.NoError(t, err)
	dom := rs[0]
	require.Contains(t, body, dom.Address)
	csrf := csrfOf(t, body)
	code, _, _ = b.post("/admin/resources/"+dom.ID.String()+"/pause", url.Values{"reason": {"checking"}})
	require.Equal(t, http.StatusForbidden, code, "no CSRF token")
	got, err := s.store.GetResource(context.Background(), dom.ID)
	require.NoError(t, err)
	require.False(t, got.Paused, "a forged form changes nothing")
	code, _, _ = b.post("/admin/resources/"+dom.ID.String()+"/pause", url.Values{"reason": {"checking"}, "csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, code)
	got, err = s.store.GetResource(context.Background(), dom.ID)
	require.NoError(t, err)
	require.True(t, got.Paused)
	_, body, _ = b.get("/admin")
	require.Contains(t, body, "paused")
	require.Contains(t, body, "/admin/resources/"+dom.ID.String()+"/resume")
	code, _, _ = b.post("/admin/resources/"+dom.ID.String()+"/resume", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, code)
	got, err = s.store.GetResource(context.Background(), dom.ID)
	require.NoError(t, err)
	require.False(t, got.Paused)

	code, _, _ = b.get("/client")
	require.Equal(t, http.StatusNotFound, code, "the admin has no client page")
	code, _, h = b.post("/logout", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, code)
	code, _, _ = b.get("/admin")
	require.Equal(t, http.StatusSeeOther, code, "logged out")
}

// A client logs in with its token and sees its own campaigns and its
// drafts, approves one with its edits, and never sees another client's.
func TestClientDashboard(t *testing.T) {
	t.Parallel()
	s, ten := startAPI(t)
	b := newBrowser(t, s.url)
	code, _, h := b.post("/login", url.Values{"token": {bTok}})
	require.Equal(t, http.StatusSeeOther, code)
	require.Equal(t, "/client", h.Get("Location"))
	code, body, _ := b.get("/client")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "Brio")
	require.NotContains(t, body, "Acme")
	require.Contains(t, body, "Q1")
	require.Contains(t, body, "glad it caught your eye", "the draft answer to its lead's reply")
	code, _, _ = b.get("/admin")
	require.Equal(t, http.StatusNotFound, code, "a client has no admin page")

	drafts, err := s.store.ListTouches(context.Background(), storage.TouchFilter{Client: ten.b.ID, Status: outbound.TouchDraft})
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	csrf := csrfOf(t, body)
	code, _, _ = b.post("/client/drafts/"+drafts[0].ID.String()+"/approve", url.Values{"csrf": {csrf}, "body": {"Hi Ann, here is a time."}})
	require.Equal(t, http.StatusSeeOther, code)
	got, err := s.store.GetTouch(context.Background(), drafts[0].ID)
	require.NoError(t, err)
	require.NotEqual(t, outbound.TouchDraft, got.Status, "approved: the planner books it (here, with no channel configured, it is planned out)")
	require.Equal(t, "Hi Ann, here is a time.", got.Body, "with the client's edits")

	a := newBrowser(t, s.url)
	code, _, _ = a.post("/login", url.Values{"token": {aTok}})
	require.Equal(t, http.StatusSeeOther, code)
	_, abody, _ := a.get("/client")
	code, _, _ = a.post("/client/drafts/"+drafts[0].ID.String()+"/discard", url.Values{"csrf": {csrfOf(t, abody)}})
	require.Equal(t, http.StatusNotFound, code, "another client's draft")
	require.False(t, strings.Contains(abody, "Brio"))
}
