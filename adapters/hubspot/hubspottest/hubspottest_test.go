package hubspottest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/hubspot/hubspottest"
)

// post sends body to the fake with token and returns the status, the
// decoded answer and the headers.
func post(t *testing.T, srv *hubspottest.Server, token, path, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	return res.StatusCode, out, res.Header
}

// The fake answers HubSpot's documented shapes: an upsert's COMPLETE
// batch with "new", a created deal's 201, a search's total and results,
// and HubSpot's error body for a bad token or a stage the account lacks.
func TestShapes(t *testing.T) {
	t.Parallel()
	srv := hubspottest.New(hubspottest.Config{Pipelines: map[string][]string{"sales": {"booked"}}})
	defer srv.Close()
	tok := srv.Token()

	status, out, _ := post(t, srv, "wrong", "/crm/v3/objects/contacts/batch/upsert", `{}`)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "error", out["status"])
	require.Equal(t, "INVALID_AUTHENTICATION", out["category"])
	require.NotEmpty(t, out["message"])
	require.NotEmpty(t, out["correlationId"])

	upsert := `{"inputs":[{"idProperty":"email","id":"Ann@Acme.com.au","properties":{"email":"Ann@Acme.com.au","firstname":"Ann"}}]}`
	status, out, _ = post(t, srv, tok, "/crm/v3/objects/contacts/batch/upsert", upsert)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "COMPLETE", out["status"])
	first := out["results"].([]any)[0].(map[string]any)
	require.Equal(t, true, first["new"])
	require.Equal(t, "ann@acme.com.au", first["properties"].(map[string]any)["email"])
	status, out, _ = post(t, srv, tok, "/crm/v3/objects/contacts/batch/upsert", upsert)
	require.Equal(t, http.StatusOK, status)
	again := out["results"].([]any)[0].(map[string]any)
	require.Equal(t, false, again["new"])
	require.Equal(t, first["id"], again["id"])

	status, out, _ = post(t, srv, tok, "/crm/v3/objects/deals",
		`{"properties":{"dealname":"x","pipeline":"sales","dealstage":"appointmentscheduled"}}`)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "VALIDATION_ERROR", out["category"])

	status, out, _ = post(t, srv, tok, "/crm/v3/objects/deals",
		`{"properties":{"dealname":"x","pipeline":"sales","dealstage":"booked","no_such_property":"1"}}`)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, out["message"], "no_such_property")

	status, out, _ = post(t, srv, tok, "/crm/v3/objects/deals",
		`{"properties":{"dealname":"x","pipeline":"sales","dealstage":"booked","outbound_booking_key":"k1"},
		"associations":[{"to":{"id":"`+first["id"].(string)+`"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":3}]}]}`)
	require.Equal(t, http.StatusCreated, status)
	deal := out["id"].(string)
	require.Equal(t, first["id"], srv.DealContacts(deal)[0].ID)
	require.Equal(t, []int{3}, srv.Deals()[0].TypeIDs)

	status, out, _ = post(t, srv, tok, "/crm/v3/objects/deals/search",
		`{"filterGroups":[{"filters":[{"propertyName":"outbound_booking_key","operator":"EQ","value":"k1"}]}],"properties":["dealname"],"limit":1}`)
	require.Equal(t, http.StatusOK, status)
	require.EqualValues(t, 1, out["total"])
	require.Equal(t, deal, out["results"].([]any)[0].(map[string]any)["id"])

	status, out, _ = post(t, srv, tok, "/crm/v3/objects/deals/search",
		`{"filterGroups":[{"filters":[{"propertyName":"outbound_booking_key","operator":"EQ","value":"k2"}]}],"limit":1}`)
	require.Equal(t, http.StatusOK, status)
	require.EqualValues(t, 0, out["total"])

	require.Equal(t, 8, srv.Requests())
}

// A scripted 429 carries HubSpot's rate limit body and Retry-After; a
// scripted failure is played once.
func TestScripted(t *testing.T) {
	t.Parallel()
	srv := hubspottest.New(hubspottest.Config{})
	defer srv.Close()
	srv.Fail(hubspottest.Answer{Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second, Policy: "DAILY"})
	body := `{"inputs":[{"idProperty":"email","id":"ann@acme.com.au","properties":{"email":"ann@acme.com.au"}}]}`
	status, out, h := post(t, srv, srv.Token(), "/crm/v3/objects/contacts/batch/upsert", body)
	require.Equal(t, http.StatusTooManyRequests, status)
	require.Equal(t, "10", h.Get("Retry-After"))
	require.Equal(t, "RATE_LIMITS", out["category"])
	require.Equal(t, "DAILY", out["policyName"])
	status, _, _ = post(t, srv, srv.Token(), "/crm/v3/objects/contacts/batch/upsert", body)
	require.Equal(t, http.StatusOK, status)
}

// A hanging answer ends when the fake closes; Close may be called twice.
func TestHangEndsOnClose(t *testing.T) {
	t.Parallel()
	srv := hubspottest.New(hubspottest.Config{})
	srv.Fail(hubspottest.Answer{Hang: true})
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL()+"/crm/v3/objects/deals/search", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+srv.Token())
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, func() bool { return srv.Requests() == 1 }, 5*time.Second, 5*time.Millisecond)
	srv.Close()
	srv.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the hanging request outlived Close")
	}
}
