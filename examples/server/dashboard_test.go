package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
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

// clientPage logs in with a client's token, wants to be sent to the
// client's page, and returns that page.
func (b *browser) clientPage(token string) string {
	b.t.Helper()
	code, _, h := b.post("/login", url.Values{"token": {token}})
	require.Equal(b.t, http.StatusSeeOther, code)
	require.Equal(b.t, "/client", h.Get("Location"))
	code, body, _ := b.get("/client")
	require.Equal(b.t, http.StatusOK, code)
	return body
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
	s, ten := startAPI(t)
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
	// A send today and one three days ago from one of its mailboxes: the
	// domain's row counts one today and two over 14 days.
	ctx := context.Background()
	mbs, err := s.store.ListResources(ctx, storage.ResourceFilter{Kind: outbound.KindMailbox, Parent: dom.ID})
	require.NoError(t, err)
	require.NotEmpty(t, mbs)
	es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: ten.leadB})
	require.NoError(t, err)
	now := time.Now().UTC()
	var sent []outbound.Touch
	for i, at := range []time.Time{now.Add(-time.Second), now.AddDate(0, 0, -3)} {
		sent = append(sent, outbound.Touch{ID: outbound.TouchID{UUID: uuid.New()}, Client: dom.Client, Campaign: ten.campB, Enrollment: es[0].ID,
			Lead: ten.leadB, Step: i + 1, StepChannel: channel.Email, Channel: channel.Email, Action: channel.ActionEmail,
			Resource: mbs[0].ID, ScheduledAt: at, SentAt: at, Status: outbound.TouchSent})
	}
	require.NoError(t, s.store.InsertTouches(ctx, sent))
	_, body, _ = b.get("/admin")
	row := regexp.MustCompile(`(?s)<tr data-domain="` + regexp.QuoteMeta(dom.Address) + `">.*?</tr>`).FindString(body)
	require.Regexp(t, `<td class="num">1</td><td class="num">2</td>`, row, "sends today, sends over 14 days")
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
	body := b.clientPage(bTok)
	require.Contains(t, body, "Brio")
	require.NotContains(t, body, "Acme")
	require.Contains(t, body, "Q1")
	require.Contains(t, body, "glad it caught your eye", "the draft answer to its lead's reply")
	code, _, _ := b.get("/admin")
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

// The client's page shows its sends per day per channel with the days
// ahead, its funnel, its leads with their status and next touch (a page
// at a time), and its replies with their classes.
func TestClientDashboardActivity(t *testing.T) {
	t.Parallel()
	s, ten := startAPI(t)
	ctx := context.Background()
	es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: ten.leadB})
	require.NoError(t, err)
	now := time.Now().UTC()
	touch := func(ch channel.Kind, status outbound.TouchStatus, step int, at time.Time) outbound.Touch {
		t := outbound.Touch{ID: outbound.TouchID{UUID: uuid.New()}, Client: ten.b.ID, Campaign: ten.campB, Enrollment: es[0].ID,
			Lead: ten.leadB, Step: step, StepChannel: ch, Channel: ch, Action: channel.ActionEmail, ScheduledAt: at, Status: status}
		if ch == channel.SMS {
			t.Action = channel.ActionSMS
		}
		if status == outbound.TouchSent {
			t.SentAt = at
		}
		return t
	}
	yesterday, before := now.AddDate(0, 0, -1), now.AddDate(0, 0, -2)
	require.NoError(t, s.store.InsertTouches(ctx, []outbound.Touch{
		touch(channel.Email, outbound.TouchSent, 1, yesterday), touch(channel.Email, outbound.TouchSent, 2, yesterday.Add(time.Minute)),
		touch(channel.SMS, outbound.TouchSent, 3, before), touch(channel.Email, outbound.TouchScheduled, 4, now.AddDate(0, 0, 2)),
	}))

	b := newBrowser(t, s.url)
	body := b.clientPage(bTok)
	chart := regexp.MustCompile(`(?s)<svg id="sends".*?</svg>`).FindString(body)
	require.NotEmpty(t, chart)
	require.Contains(t, chart, "<title>email: 2</title>", "yesterday's two emails")
	require.Contains(t, chart, "<title>sms: 1</title>", "the text the day before")
	require.Contains(t, chart, `<g opacity="0.45" data-total="1">`, "the email scheduled ahead, drawn faint")
	require.Regexp(t, `<td>Q1</td><td class="num">1</td><td class="num">1</td><td class="num">1</td>`, body,
		"the funnel: one enrolled, contacted and replied")
	leads := regexp.MustCompile(`(?s)<table id="lead-list">.*?</table>`).FindString(body)
	require.Contains(t, leads, "Ann (Brio Lead Co)")
	require.Contains(t, leads, "replied")
	require.Contains(t, leads, "step 4 · email", "its next touch")
	replies := regexp.MustCompile(`(?s)<table id="replies">.*?</table>`).FindString(body)
	require.Contains(t, replies, "Sounds interesting, tell me more.")
	require.Contains(t, replies, `<span class="class">interested</span>`)

	// Sixty more leads: the list goes fifty at a time.
	var csv strings.Builder
	csv.WriteString("email,first_name,title,company,country,region,industry,employees\n")
	for i := range 60 {
		fmt.Fprintf(&csv, "lead%02d@many.example,Lee,VP Growth,Many Co,AU,NSW,Software,120\n", i)
	}
	code, res := client{t, s.url, bTok}.do(http.MethodPost, "/api/v1/campaigns/"+ten.campB.String()+"/leads", "text/csv", []byte(csv.String()))
	require.Equal(t, http.StatusOK, code, res)
	require.Len(t, res["enrolled"], 60, res)
	_, body, _ = b.get("/client")
	require.Contains(t, body, "Leads 1–50 of 61.")
	require.Contains(t, body, `<a href="/client?leads=50#leads">Next</a>`)
	_, body, _ = b.get("/client?leads=50")
	require.Contains(t, body, "Leads 51–61 of 61.")
	require.NotContains(t, body, ">Next</a>")
	require.Contains(t, body, `<a href="/client?leads=0#leads">Previous</a>`)
}
