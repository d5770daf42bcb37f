package infraforgetest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/infraforge/infraforgetest"
)

func call(t *testing.T, srv *infraforgetest.Server, auth, method, path, body string) (int, string, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL()+path, rd)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

const contact = `"contact":{"firstName":"A","lastName":"L","email":"a@b.co","address":"1","city":"C","postalCode":"1","country":"US"}`

// The fake refuses what InfraForge would: the wrong header, a missing
// workspace or field, a bad page, a taken name, too few credits.
func TestTheFakeEnforcesTheShape(t *testing.T) {
	srv := infraforgetest.NewServer(infraforgetest.Config{Credits: 25, Taken: []string{"taken.com"}})
	defer srv.Close()
	key := srv.APIKey()
	for _, c := range []struct {
		name, auth, method, path, body string
		status                         int
		contains                       string
	}{
		{"no key", "", "GET", "/domains?workspaceId=ws_1", "", 401, "missing api key"},
		{"bearer is not the scheme", "Bearer " + key, "GET", "/domains?workspaceId=ws_1", "", 403, "invalid api key"},
		{"no workspace", key, "GET", "/domains", "", 400, "workspaceId"},
		{"unknown workspace", key, "GET", "/domains?workspaceId=ws_9", "", 404, "workspace"},
		{"unknown route", key, "GET", "/nope", "", 404, ""},
		{"wrong method", key, "DELETE", "/domains", "", 405, ""},
		{"availability", key, "POST", "/check-domain-availability-bulk", `{"domains":["Taken.com","free.com"]}`, 200, `"available":false`},
		{"purchase without contact", key, "POST", "/domains", `{"workspaceId":"ws_1","domains":["a.com"]}`, 400, "contact.firstName"},
		{"purchase of a taken name", key, "POST", "/domains", `{"workspaceId":"ws_1","domains":["taken.com"],` + contact + `}`, 422, "not available"},
		{"purchase beyond the credits", key, "POST", "/domains", `{"workspaceId":"ws_1","domains":["a.com","b.com","c.com"],` + contact + `}`, 402, "insufficient credits"},
		{"purchase", key, "POST", "/domains", `{"workspaceId":"ws_1","domains":["a.com"],` + contact + `}`, 201, `"id":"dom_0001"`},
		{"bad record", key, "PUT", "/domains/dom_0001/dns", `{"records":[{"name":"@","type":"BOGUS","value":"x"}]}`, 400, "records[0].type"},
		{"dns of an unknown domain", key, "GET", "/domains/dom_9/dns", "", 404, ""},
		{"mailbox without a name", key, "POST", "/mailboxes", `{"workspaceId":"ws_1","mailboxes":[{"domainId":"dom_0001","username":"x"}]}`, 400, "firstName"},
		{"mailboxes", key, "POST", "/mailboxes", `{"workspaceId":"ws_1","mailboxes":[{"domainId":"dom_0001","username":"x","firstName":"A"}]}`, 201, "x@a.com"},
		{"page required", key, "GET", "/mailboxes?workspaceId=ws_1", "", 400, "page"},
		{"size above 100", key, "GET", "/mailboxes?workspaceId=ws_1&page=1&size=101", "", 400, "size"},
		{"page", key, "GET", "/mailboxes?workspaceId=ws_1&page=1&size=1&search=%40a.com", "", 200, `"totalPages":1`},
		{"not JSON", key, "POST", "/check-domain-availability-bulk", `domains=a.com`, 400, "invalid body"},
	} {
		status, body, _ := call(t, srv, c.auth, c.method, c.path, c.body)
		require.Equal(t, c.status, status, "%s: %s", c.name, body)
		require.Contains(t, body, c.contains, c.name)
	}
	require.Equal(t, 25-10-3, srv.Credits())
}

func TestTheGateGivesItsFaults(t *testing.T) {
	srv := infraforgetest.NewServer(infraforgetest.Config{})
	defer srv.Close()
	key := srv.APIKey()
	srv.Gate().Fail(infraforgetest.Fault{Status: 429, RetryAfter: 7 * time.Second, After: 1, Times: 1})
	status, _, _ := call(t, srv, key, "GET", "/credits/balance", "")
	require.Equal(t, 200, status)
	status, body, h := call(t, srv, key, "GET", "/credits/balance", "")
	require.Equal(t, 429, status)
	require.Equal(t, "7", h.Get("Retry-After"))
	require.Contains(t, body, `"message"`)
	status, _, _ = call(t, srv, key, "GET", "/credits/balance", "")
	require.Equal(t, 200, status, "a fault of Times 1 applies once")

	// A processed fault acts, then loses the answer.
	srv.Gate().Fail(infraforgetest.Fault{Route: "POST /domains", Status: 502, Processed: true})
	status, _, _ = call(t, srv, key, "POST", "/domains", `{"workspaceId":"ws_1","domains":["a.com"],`+contact+`}`)
	require.Equal(t, 502, status)
	require.Len(t, srv.Domains(), 1)
	require.Equal(t, 1, srv.Gate().Calls("POST /domains"))
	srv.Gate().Clear()
	status, _, _ = call(t, srv, key, "GET", "/domains/dom_0001/dns", "")
	require.Equal(t, 200, status)
	require.Equal(t, 1, srv.Gate().Calls("GET /domains/{id}/dns"))
}

// Config.Bought hears each mailbox bought, once, and none refused.
func TestBoughtHearsEachMailbox(t *testing.T) {
	var heard []string
	srv := infraforgetest.NewServer(infraforgetest.Config{Bought: func(a string) { heard = append(heard, a) }})
	defer srv.Close()
	key := srv.APIKey()
	code, body, _ := call(t, srv, key, "POST", "/domains", `{"workspaceId":"ws_1","domains":["a.com"],`+contact+`}`)
	require.Equal(t, 201, code, body)
	mbs := `{"workspaceId":"ws_1","mailboxes":[{"domainId":"dom_0001","username":"Hello","firstName":"A"},{"domainId":"dom_0001","username":"sam","firstName":"S"}]}`
	code, body, _ = call(t, srv, key, "POST", "/mailboxes", mbs)
	require.Equal(t, 201, code, body)
	code, _, _ = call(t, srv, key, "POST", "/mailboxes", mbs)
	require.Equal(t, 409, code, "bought already")
	require.Equal(t, []string{"hello@a.com", "sam@a.com"}, heard)
}
