package warmforgetest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/warmforge/warmforgetest"
)

// The fake refuses what Warmforge would: the wrong header, a bad page or
// status, bad dates, too many IDs, an unknown field or workspace.
func TestTheFakeEnforcesTheShape(t *testing.T) {
	srv := warmforgetest.NewServer(warmforgetest.Config{})
	defer srv.Close()
	id := srv.Add(warmforgetest.Mailbox{Address: "a@b.com", Status: warmforgetest.StatusAccessLost})
	bearer := "Bearer " + srv.APIKey()
	for _, c := range []struct {
		name, auth, method, path, body string
		status                         int
		contains                       string
	}{
		{"no key", "", "GET", "/mailboxes?page=1&page_size=10", "", 401, "missing api key"},
		{"plain key", srv.APIKey(), "GET", "/mailboxes?page=1&page_size=10", "", 403, "invalid api key"},
		{"no page", bearer, "GET", "/mailboxes?page_size=10", "", 400, "page"},
		{"page size above 100", bearer, "GET", "/mailboxes?page=1&page_size=101", "", 400, "page_size"},
		{"bad status", bearer, "GET", "/mailboxes?page=1&page_size=10&status=active", "", 400, "status"},
		{"disconnected filter", bearer, "GET", "/mailboxes?page=1&page_size=10&status=disconnected", "", 200, `"status":"access_lost"`},
		{"warm filter", bearer, "GET", "/mailboxes?page=1&page_size=10&status=warm", "", 200, `"mailboxes":[]`},
		{"workspace prefix", bearer, "GET", "/workspaces/wsp_1/mailboxes/a%40b.com", "", 200, `"id":"` + id + `"`},
		{"unknown workspace", bearer, "GET", "/workspaces/wsp_9/mailboxes/a%40b.com", "", 404, "workspace"},
		{"unknown mailbox", bearer, "GET", "/mailboxes/x%40b.com", "", 404, "mailbox"},
		{"unknown field", bearer, "PATCH", "/mailboxes/a%40b.com", `{"warmup":true}`, 400, "unknown field"},
		{"warmup on", bearer, "PATCH", "/mailboxes/a%40b.com", `{"warmupEnabled":true}`, 200, `"warmupEnabled":true`},
		{"stats without dates", bearer, "GET", "/mailboxes/a%40b.com/warmup/stats", "", 400, "from and to"},
		{"stats", bearer, "GET", "/mailboxes/a%40b.com/warmup/stats?from=2026-08-01&to=2026-08-07", "", 200, `"stats":[]`},
		{"no IDs", bearer, "POST", "/mailboxes/placement-results/latest", `{"mailboxIds":[]}`, 400, "mailboxIds"},
		{"too many IDs", bearer, "POST", "/mailboxes/placement-results/latest", `{"mailboxIds":["` + strings.Repeat(`x","`, 100) + `x"]}`, 400, "mailboxIds"},
	} {
		var rd io.Reader
		if c.body != "" {
			rd = strings.NewReader(c.body)
		}
		req, err := http.NewRequest(c.method, srv.URL()+c.path, rd)
		require.NoError(t, err)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		require.Equal(t, c.status, res.StatusCode, "%s: %s", c.name, b)
		require.Contains(t, string(b), c.contains, c.name)
	}
	m, ok := srv.Mailbox("A@B.com")
	require.True(t, ok)
	require.True(t, m.WarmupEnabled)
}
