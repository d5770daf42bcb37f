package lobtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/lob/lobtest"
)

const validBody = `{"to":{"name":"Ana","address_line1":"210 King St","address_city":"San Francisco","address_state":"CA","address_zip":"94107"},
"from":"adr_210a8d4b0b76d77b","file":"<html>hi</html>","color":false,"use_type":"marketing","metadata":{"touch":"t1"}}`

const validPostcard = `{"to":{"name":"Ana","address_line1":"210 King St","address_city":"San Francisco","address_state":"CA","address_zip":"94107"},
"front":"tmpl_a1b2c3","back":"<html>hi</html>","size":"6x9","use_type":"marketing","metadata":{"touch":"t2"}}`

// The fake refuses what Lob refuses, with Lob's status and code.
func TestShapeEnforced(t *testing.T) {
	t.Parallel()
	srv := lobtest.NewServer(lobtest.Config{Now: func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }})
	t.Cleanup(srv.Close)
	swap := func(old, new string) string { return strings.Replace(validBody, old, new, 1) }
	card := func(old, new string) string { return strings.Replace(validPostcard, old, new, 1) }
	cases := []struct {
		name, method, path, body, user, key string
		status                              int
		code, message                       string
	}{
		{name: "valid", method: "POST", path: "/v1/letters", body: validBody, status: 200},
		{name: "wrong key", method: "POST", path: "/v1/letters", body: validBody, user: "test_other", status: 401, code: "unauthorized"},
		{name: "wrong method", method: "PUT", path: "/v1/letters", body: validBody, status: 405},
		{name: "unknown path", method: "POST", path: "/v1/checks", body: validBody, status: 404, code: "unrecognized_endpoint"},
		{name: "postcard", method: "POST", path: "/v1/postcards", body: validPostcard, status: 200},
		{name: "postcard without front", method: "POST", path: "/v1/postcards", body: card(`"front":"tmpl_a1b2c3",`, ""), status: 422, code: "invalid", message: "front"},
		{name: "postcard without back", method: "POST", path: "/v1/postcards", body: card(`"back":"<html>hi</html>",`, ""), status: 422, code: "invalid", message: "back"},
		{name: "postcard of a bad size", method: "POST", path: "/v1/postcards", body: card(`"6x9"`, `"5x7"`), status: 422, code: "invalid", message: "size"},
		{name: "postcard abroad not 4x6", method: "POST", path: "/v1/postcards", body: card(`"address_zip":"94107"`, `"address_zip":"2000","address_country":"AU"`), status: 422, code: "invalid", message: "international"},
		{name: "postcard without use_type", method: "POST", path: "/v1/postcards", body: card(`"use_type":"marketing",`, ""), status: 422, code: "mail_use_type_can_not_be_null"},
		{name: "a letter is not a postcard", method: "GET", path: "/v1/postcards/ltr_0000000000000000", status: 404, code: "not_found"},
		{name: "no line1", method: "POST", path: "/v1/letters", body: swap(`"address_line1":"210 King St",`, ""), status: 422, code: "invalid", message: "to.address_line1"},
		{name: "no zip", method: "POST", path: "/v1/letters", body: swap(`,"address_zip":"94107"`, ""), status: 422, code: "invalid", message: "to.address_zip"},
		{name: "no name", method: "POST", path: "/v1/letters", body: swap(`"name":"Ana",`, ""), status: 422, code: "invalid", message: "to.name"},
		{name: "bad from", method: "POST", path: "/v1/letters", body: swap(`"adr_210a8d4b0b76d77b"`, `"someone"`), status: 422, code: "invalid", message: "from"},
		{name: "no file", method: "POST", path: "/v1/letters", body: swap(`"file":"<html>hi</html>",`, ""), status: 422, code: "invalid", message: "file"},
		{name: "no color", method: "POST", path: "/v1/letters", body: swap(`"color":false,`, ""), status: 422, code: "invalid", message: "color"},
		{name: "no use_type", method: "POST", path: "/v1/letters", body: swap(`,"use_type":"marketing"`, ""), status: 422, code: "mail_use_type_can_not_be_null"},
		{name: "bad metadata", method: "POST", path: "/v1/letters", body: swap(`"touch":"t1"`, `"to\"uch":"t1"`), status: 422, code: "invalid", message: "metadata"},
		{name: "not json", method: "POST", path: "/v1/letters", body: "to=adr_1", status: 422, code: "bad_request"},
		{name: "two keys", method: "POST", path: "/v1/letters?idempotency_key=a", body: validBody, key: "b", status: 422, code: "invalid"},
		{name: "long key", method: "POST", path: "/v1/letters", body: validBody, key: strings.Repeat("k", 257), status: 422, code: "invalid"},
		{name: "unknown letter", method: "GET", path: "/v1/letters/ltr_0000000000000000", status: 404, code: "not_found"},
	}
	for _, c := range cases {
		req, err := http.NewRequest(c.method, strings.TrimSuffix(srv.URL(), "/v1")+c.path, strings.NewReader(c.body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		user := srv.APIKey()
		if c.user != "" {
			user = c.user
		}
		req.SetBasicAuth(user, "")
		if c.key != "" {
			req.Header.Set("Idempotency-Key", c.key)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err, c.name)
		var body struct {
			ID    string `json:"id"`
			Error struct {
				Message    string `json:"message"`
				StatusCode int    `json:"status_code"`
				Code       string `json:"code"`
			} `json:"error"`
		}
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		require.Equal(t, c.status, res.StatusCode, c.name)
		if c.code != "" {
			require.Equal(t, c.code, body.Error.Code, c.name)
			require.Equal(t, c.status, body.Error.StatusCode, c.name)
			require.Contains(t, body.Error.Message, c.message, c.name)
		}
		if c.status == 200 {
			prefix := "ltr_"
			if strings.HasPrefix(c.path, "/v1/postcards") {
				prefix = "psc_"
			}
			require.Regexp(t, `^`+prefix+`[0-9a-f]{16}$`, body.ID)
		}
	}
	pieces := srv.Letters()
	require.Len(t, pieces, 2, "only the valid requests made pieces")
	require.Equal(t, "letter", pieces[0].Object)
	require.Equal(t, "postcard", pieces[1].Object)
	require.Equal(t, "tmpl_a1b2c3", pieces[1].Front)
	require.Equal(t, "6x9", pieces[1].Size)
}
