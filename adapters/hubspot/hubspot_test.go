package hubspot_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/hubspot"
	"github.com/outbound-go/outbound/adapters/hubspot/hubspottest"
	"github.com/outbound-go/outbound/crm"
	"github.com/outbound-go/outbound/invalid"
)

func setup(t *testing.T, edit func(*hubspot.Config)) (*hubspot.Client, *hubspottest.Server) {
	t.Helper()
	srv := hubspottest.New(hubspottest.Config{})
	t.Cleanup(srv.Close)
	cfg := hubspot.Config{Token: srv.Token(), BaseURL: srv.URL(), Rate: -1}
	if edit != nil {
		edit(&cfg)
	}
	c, err := hubspot.New(cfg)
	require.NoError(t, err)
	return c, srv
}

var meeting = time.Date(2026, 3, 11, 23, 0, 0, 0, time.UTC)

// A contact is created, then updated by its address: same ID, fields
// written, empty fields leaving what HubSpot holds.
func TestUpsertContact(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, nil)
	ctx := context.Background()
	id, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au", FirstName: "Ann", LastName: "Lee", Company: "Acme",
		Title: "Head of Growth", Phone: "+61412345678", Country: "AU", City: "Sydney", Website: "acme.com.au"})
	require.NoError(t, err)
	again, err := c.UpsertContact(ctx, crm.Contact{Email: "ANN@acme.com.au", Title: "VP Growth", City: "  "})
	require.NoError(t, err)
	require.Equal(t, id, again)
	cs := srv.Contacts()
	require.Len(t, cs, 1)
	require.Equal(t, map[string]string{"email": "ann@acme.com.au", "firstname": "Ann", "lastname": "Lee", "company": "Acme",
		"jobtitle": "VP Growth", "phone": "+61412345678", "country": "AU", "city": "Sydney", "website": "acme.com.au"}, cs[0].Properties)

	other, err := c.UpsertContact(ctx, crm.Contact{Email: "bo@acme.com.au"})
	require.NoError(t, err)
	require.NotEqual(t, id, other)
	require.Len(t, srv.Contacts(), 2)
}

// A deal is made once per key, in the configured pipeline and stage,
// associated with the contact by HubSpot's deal-to-contact type.
func TestCreateDealOnce(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, func(cfg *hubspot.Config) { cfg.Stage = "qualifiedtobuy" })
	ctx := context.Background()
	contact, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)
	d := crm.Deal{Key: "calcom:bk_7Qm2", Name: "Acme: Intro call", Meeting: meeting.In(time.FixedZone("AEDT", 11*3600)), Amount: 1500}
	id, err := c.CreateDeal(ctx, d, contact)
	require.NoError(t, err)
	again, err := c.CreateDeal(ctx, d, contact)
	require.NoError(t, err)
	require.Equal(t, id, again, "the second call finds the first deal by its key")
	deals := srv.Deals()
	require.Len(t, deals, 1)
	require.Equal(t, map[string]string{"dealname": "Acme: Intro call", "pipeline": "default", "dealstage": "qualifiedtobuy",
		"closedate": "2026-03-11T23:00:00.000Z", "amount": "1500", "outbound_booking_key": "calcom:bk_7Qm2"}, deals[0].Properties)
	require.Equal(t, []string{contact}, deals[0].Contacts)
	require.Equal(t, []int{3}, deals[0].TypeIDs)
	associated := srv.DealContacts(id)
	require.Len(t, associated, 1)
	require.Equal(t, "ann@acme.com.au", associated[0].Properties["email"])

	other, err := c.CreateDeal(ctx, crm.Deal{Key: "calcom:bk_other", Name: "Acme: follow-up"}, contact)
	require.NoError(t, err)
	require.NotEqual(t, id, other)
	deals = srv.Deals()
	require.Len(t, deals, 2)
	require.NotContains(t, deals[1].Properties, "amount", "no amount is sent for 0")
	require.NotContains(t, deals[1].Properties, "closedate", "no close date is sent for a zero meeting")
}

// With no pipeline or stage configured, a deal goes to HubSpot's default
// pipeline's "Appointment scheduled" stage, under the default key
// property, paced by the default limiter.
func TestDefaults(t *testing.T) {
	t.Parallel()
	srv := hubspottest.New(hubspottest.Config{})
	defer srv.Close()
	c, err := hubspot.New(hubspot.Config{Token: srv.Token(), BaseURL: srv.URL()})
	require.NoError(t, err)
	ctx := context.Background()
	contact, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)
	_, err = c.CreateDeal(ctx, crm.Deal{Key: "calcom:bk_1"}, contact)
	require.NoError(t, err)
	deals := srv.Deals()
	require.Len(t, deals, 1)
	require.Equal(t, hubspot.DefaultPipeline, deals[0].Properties["pipeline"])
	require.Equal(t, hubspot.DefaultStage, deals[0].Properties["dealstage"])
	require.Equal(t, "calcom:bk_1", deals[0].Properties[hubspot.DefaultKeyProperty])
	require.Equal(t, "calcom:bk_1", deals[0].Properties["dealname"], "a deal with no name is named by its key")
}

// What goes on the wire is HubSpot's documented shape, whoever answers.
func TestWire(t *testing.T) {
	t.Parallel()
	type request struct {
		method, path, auth, contentType string
		body                            []byte
	}
	var (
		mu   sync.Mutex
		seen []request
	)
	answers := map[string]string{
		"/crm/v3/objects/contacts/batch/upsert": `{"status":"COMPLETE","results":[{"id":"123","properties":{},"new":true}]}`,
		"/crm/v3/objects/deals/search":          `{"total":0,"results":[]}`,
		"/crm/v3/objects/deals":                 `{"id":"456","properties":{}}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, request{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
		mu.Unlock()
		status := http.StatusOK
		if r.URL.Path == "/crm/v3/objects/deals" {
			status = http.StatusCreated
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answers[r.URL.Path])
	}))
	defer srv.Close()
	c, err := hubspot.New(hubspot.Config{Token: "pat-na1-wire", BaseURL: srv.URL + "/", Rate: -1,
		Pipeline: "12345", Stage: "67890", KeyProperty: "booking_key"})
	require.NoError(t, err)
	ctx := context.Background()
	contact, err := c.UpsertContact(ctx, crm.Contact{Email: " ann@acme.com.au ", FirstName: "Ann", Country: "AU"})
	require.NoError(t, err)
	require.Equal(t, "123", contact)
	deal, err := c.CreateDeal(ctx, crm.Deal{Key: "calcom:bk_1", Name: "Acme: Intro call", Meeting: meeting.Add(1500 * time.Microsecond), Amount: 1234.5}, contact)
	require.NoError(t, err)
	require.Equal(t, "456", deal)

	require.Len(t, seen, 3)
	for _, r := range seen {
		require.Equal(t, http.MethodPost, r.method)
		require.Equal(t, "Bearer pat-na1-wire", r.auth)
		require.Equal(t, "application/json", r.contentType)
	}
	require.Equal(t, "/crm/v3/objects/contacts/batch/upsert", seen[0].path)
	require.JSONEq(t, `{"inputs":[{"idProperty":"email","id":"ann@acme.com.au",
		"properties":{"email":"ann@acme.com.au","firstname":"Ann","country":"AU"}}]}`, string(seen[0].body))
	require.Equal(t, "/crm/v3/objects/deals/search", seen[1].path)
	require.JSONEq(t, `{"filterGroups":[{"filters":[{"propertyName":"booking_key","operator":"EQ","value":"calcom:bk_1"}]}],
		"properties":["dealname","booking_key"],"limit":1}`, string(seen[1].body))
	require.Equal(t, "/crm/v3/objects/deals", seen[2].path)
	require.JSONEq(t, `{"properties":{"dealname":"Acme: Intro call","pipeline":"12345","dealstage":"67890",
		"amount":"1234.5","closedate":"2026-03-11T23:00:00.001Z","booking_key":"calcom:bk_1"},
		"associations":[{"to":{"id":"123"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":3}]}]}`, string(seen[2].body))
}

// A call without what HubSpot requires is refused before it is sent,
// for good.
func TestRefusesBadInput(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, nil)
	ctx := context.Background()
	_, err := c.UpsertContact(ctx, crm.Contact{FirstName: "Nobody", Email: " "})
	require.ErrorIs(t, err, outbound.ErrInvalid)
	require.ErrorIs(t, err, crm.ErrPermanent)
	_, err = c.CreateDeal(ctx, crm.Deal{Name: "no key"}, "101")
	require.ErrorIs(t, err, outbound.ErrInvalid)
	require.ErrorIs(t, err, crm.ErrPermanent)
	_, err = c.CreateDeal(ctx, crm.Deal{Key: "k"}, "")
	require.ErrorIs(t, err, crm.ErrPermanent)
	var fe *invalid.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "contactID", fe.Field)
	require.Zero(t, srv.Requests())
}

// HubSpot's refusals are typed: a stage or key property the account lacks
// is permanent and names HubSpot's category.
func TestRefusalsOfTheAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, srv := setup(t, func(cfg *hubspot.Config) { cfg.Stage = "nosuchstage" })
	contact, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)
	_, err = c.CreateDeal(ctx, crm.Deal{Key: "k1"}, contact)
	require.ErrorIs(t, err, crm.ErrPermanent)
	require.NotErrorIs(t, err, crm.ErrRetryable)
	var ae *hubspot.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusBadRequest, ae.Status)
	require.Equal(t, "VALIDATION_ERROR", ae.Category)
	require.Contains(t, ae.Message, "nosuchstage")
	require.NotEmpty(t, ae.CorrelationID)
	require.Empty(t, srv.Deals())

	c2, _ := setup(t, func(cfg *hubspot.Config) { cfg.Pipeline = "nosuchpipeline" })
	contact, err = c2.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)
	_, err = c2.CreateDeal(ctx, crm.Deal{Key: "k1"}, contact)
	require.ErrorIs(t, err, crm.ErrPermanent)
	require.ErrorContains(t, err, "nosuchpipeline")

	c3, _ := setup(t, func(cfg *hubspot.Config) { cfg.KeyProperty = "missing_property" })
	_, err = c3.CreateDeal(ctx, crm.Deal{Key: "k1"}, "1")
	require.ErrorIs(t, err, crm.ErrPermanent, "the key property must exist in the account")

	_, err = c.CreateDeal(ctx, crm.Deal{Key: "k2"}, "999999")
	require.ErrorIs(t, err, crm.ErrPermanent, "an association to no contact")
}

// Each scripted status is retryable or permanent as HubSpot documents it.
func TestRefusalStatuses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status    int
		retryable bool
	}{
		{http.StatusBadRequest, false},
		{http.StatusForbidden, false}, // a scope the token lacks
		{http.StatusNotFound, false},
		{http.StatusConflict, false},
		{http.StatusRequestTimeout, true},
		{http.StatusLocked, true}, // a bulk write's lock, about 2 s
		{http.StatusTooManyRequests, true},
		{477, true}, // Migration in Progress
		{http.StatusInternalServerError, true},
		{http.StatusBadGateway, true},
		{http.StatusServiceUnavailable, true},
		{http.StatusGatewayTimeout, true},
		{521, true},
	} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			c, srv := setup(t, nil)
			srv.Fail(hubspottest.Answer{Status: tt.status})
			_, err := c.UpsertContact(context.Background(), crm.Contact{Email: "ann@acme.com.au"})
			var ae *hubspot.APIError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tt.status, ae.Status)
			require.Equal(t, tt.retryable, ae.Temporary())
			if tt.retryable {
				require.ErrorIs(t, err, crm.ErrRetryable)
				require.NotErrorIs(t, err, crm.ErrPermanent)
			} else {
				require.ErrorIs(t, err, crm.ErrPermanent)
				require.NotErrorIs(t, err, crm.ErrRetryable)
			}
			// The failure was the next answer only.
			_, err = c.UpsertContact(context.Background(), crm.Contact{Email: "ann@acme.com.au"})
			require.NoError(t, err)
		})
	}
}

// A rate limit is retryable and says how long HubSpot asked to wait and
// which limit was hit, whichever of its documented bodies it sends.
func TestRateLimited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c, srv := setup(t, func(cfg *hubspot.Config) { cfg.Now = func() time.Time { return now } })
	var ae *hubspot.APIError

	srv.Fail(hubspottest.Answer{Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second})
	_, err := c.UpsertContact(ctx, crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "RATE_LIMITS", ae.Category)
	require.Equal(t, "TEN_SECONDLY_ROLLING", ae.PolicyName)
	require.Equal(t, 10*time.Second, ae.RetryAfter)
	require.Contains(t, err.Error(), "retry after 10s")

	// HubSpot's usage page shows a 429 with errorType and no category,
	// and Retry-After may be a date.
	srv.Fail(hubspottest.Answer{Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {now.Add(90 * time.Minute).Format(http.TimeFormat)}},
		Body: `{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT",
			"correlationId":"c033cdaa-2c40-4a64-ae48-b4cec88dad24","policyName":"DAILY","requestId":"3d3e35b7"}`})
	_, err = c.CreateDeal(ctx, crm.Deal{Key: "k"}, "101")
	require.ErrorIs(t, err, crm.ErrRetryable)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "RATE_LIMIT", ae.Category)
	require.Equal(t, "DAILY", ae.PolicyName)
	require.Equal(t, "c033cdaa-2c40-4a64-ae48-b4cec88dad24", ae.CorrelationID)
	require.Equal(t, 90*time.Minute, ae.RetryAfter)

	// No Retry-After, and a body that is not HubSpot's: still retryable,
	// the body kept as the message.
	srv.Fail(hubspottest.Answer{Status: http.StatusTooManyRequests, Body: "<html>slow down</html>"})
	_, err = c.UpsertContact(ctx, crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)
	require.ErrorAs(t, err, &ae)
	require.Zero(t, ae.RetryAfter)
	require.Empty(t, ae.Category)
	require.Equal(t, "<html>slow down</html>", ae.Message)
}

// A batch's multi-status answer that refuses the input is read as the
// refusal it holds, not as an answer without an ID.
func TestMultiStatus(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, nil)
	var ae *hubspot.APIError
	srv.Fail(hubspottest.Answer{Status: http.StatusMultiStatus, Category: "VALIDATION_ERROR"})
	_, err := c.UpsertContact(context.Background(), crm.Contact{Email: "ann@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrPermanent)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusMultiStatus, ae.Status)
	require.Equal(t, "VALIDATION_ERROR", ae.Category)

	srv.Fail(hubspottest.Answer{Status: http.StatusMultiStatus, Category: "RATE_LIMITS"})
	_, err = c.UpsertContact(context.Background(), crm.Contact{Email: "ann@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)
	require.Empty(t, srv.Contacts())
}

// A bad token is refused for good, and is never in an error or a log.
func TestBadToken(t *testing.T) {
	t.Parallel()
	srv := hubspottest.New(hubspottest.Config{Token: "pat-na1-right"})
	defer srv.Close()
	srv.Fail(hubspottest.Answer{Status: http.StatusInternalServerError})
	var logs bytes.Buffer
	bad, err := hubspot.New(hubspot.Config{Token: "pat-na1-wrong", BaseURL: srv.URL(), Rate: -1,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	_, err = bad.UpsertContact(context.Background(), crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrPermanent)
	var ae *hubspot.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusUnauthorized, ae.Status)
	require.Equal(t, "INVALID_AUTHENTICATION", ae.Category)
	require.NotContains(t, err.Error(), "pat-na1-wrong")
	require.NotContains(t, logs.String(), "pat-na1-wrong")
	require.Equal(t, 1, srv.Requests())

	// The scripted failure is still there for the next request with the
	// token: HubSpot authenticates first.
	good, err := hubspot.New(hubspot.Config{Token: srv.Token(), BaseURL: srv.URL(), Rate: -1})
	require.NoError(t, err)
	_, err = good.UpsertContact(context.Background(), crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)
}

// A request HubSpot never answers ends with its context, promptly, with
// the context's error.
func TestCancelled(t *testing.T) {
	t.Parallel()
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		c, srv := setup(t, nil)
		srv.Fail(hubspottest.Answer{Hang: true})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
		require.ErrorIs(t, err, context.Canceled)
		require.Less(t, time.Since(start), 5*time.Second)
	})
	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		c, srv := setup(t, nil)
		srv.Fail(hubspottest.Answer{Hang: true})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.CreateDeal(ctx, crm.Deal{Key: "k"}, "101")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Less(t, time.Since(start), 5*time.Second)
		require.Empty(t, srv.Deals())
	})
	t.Run("before", func(t *testing.T) {
		t.Parallel()
		c, srv := setup(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
		require.ErrorIs(t, err, context.Canceled)
		_, err = c.CreateDeal(ctx, crm.Deal{Key: "k"}, "101")
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, srv.Requests())
	})
}

// The limiter paces requests; a wait that would outlast the call's
// deadline sends nothing and is retryable. Clients of one account share
// one limiter.
func TestLimiter(t *testing.T) {
	t.Parallel()
	srv := hubspottest.New(hubspottest.Config{})
	defer srv.Close()
	shared := rate.NewLimiter(rate.Every(time.Hour), 1)
	a, err := hubspot.New(hubspot.Config{Token: srv.Token(), BaseURL: srv.URL(), Limiter: shared, Rate: -1})
	require.NoError(t, err)
	b, err := hubspot.New(hubspot.Config{Token: srv.Token(), BaseURL: srv.URL(), Limiter: shared})
	require.NoError(t, err)
	_, err = a.UpsertContact(context.Background(), crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = b.UpsertContact(ctx, crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)
	require.NoError(t, ctx.Err(), "refused at once, not after waiting out the deadline")
	require.Equal(t, 1, srv.Requests())

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = a.UpsertContact(ctx, crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, context.Canceled, "a wait with no deadline ends with its context")
	require.Equal(t, 1, srv.Requests())
}

// An unreachable HubSpot is retryable, and warned of without the token.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	down, err := hubspot.New(hubspot.Config{Token: "pat-na1-secret", BaseURL: "http://127.0.0.1:1", Rate: -1,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	_, err = down.UpsertContact(context.Background(), crm.Contact{Email: "ann@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)
	require.NotErrorIs(t, err, crm.ErrPermanent)
	require.NotContains(t, err.Error(), "pat-na1-secret")
	require.Contains(t, logs.String(), "unanswered")
	require.NotContains(t, logs.String(), "pat-na1-secret")
}

// HubSpot's search lags fresh writes: a deal pushed again before the index
// has it is created twice. This is the limit package doc states; once the
// index has the deal, it is found.
func TestSearchLag(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, nil)
	ctx := context.Background()
	contact, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)
	d := crm.Deal{Key: "calcom:bk_lag"}
	srv.HoldIndex(true)
	first, err := c.CreateDeal(ctx, d, contact)
	require.NoError(t, err)
	second, err := c.CreateDeal(ctx, d, contact)
	require.NoError(t, err)
	require.NotEqual(t, first, second)
	srv.HoldIndex(false)
	third, err := c.CreateDeal(ctx, d, contact)
	require.NoError(t, err)
	require.Equal(t, first, third)
	require.Len(t, srv.Deals(), 2)
}

// The client is safe for concurrent use.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			contact, err := c.UpsertContact(ctx, crm.Contact{Email: fmt.Sprintf("lead%d@acme.com.au", i)})
			if err == nil {
				_, err = c.CreateDeal(ctx, crm.Deal{Key: fmt.Sprintf("calcom:bk_%d", i)}, contact)
			}
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.Len(t, srv.Contacts(), 8)
	deals := srv.Deals()
	require.Len(t, deals, 8)
	for _, d := range deals {
		require.Len(t, srv.DealContacts(d.ID), 1)
	}
}

// New refuses a Config it cannot work with, naming the field.
func TestNewRefuses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		cfg   hubspot.Config
		field string
	}{
		{"no token", hubspot.Config{}, "Token"},
		{"blank token", hubspot.Config{Token: " \t"}, "Token"},
		{"no scheme", hubspot.Config{Token: "t", BaseURL: "api.hubapi.com"}, "BaseURL"},
		{"not http", hubspot.Config{Token: "t", BaseURL: "ftp://x"}, "BaseURL"},
		{"no host", hubspot.Config{Token: "t", BaseURL: "https://"}, "BaseURL"},
		{"unparsable", hubspot.Config{Token: "t", BaseURL: "http://[::1"}, "BaseURL"},
		{"query", hubspot.Config{Token: "t", BaseURL: "https://api.hubapi.com/?hapikey=x"}, "BaseURL"},
		{"token with a space", hubspot.Config{Token: "pat-na1 secret"}, "Token"},
		{"token with a newline", hubspot.Config{Token: "pat-na1\nsecret"}, "Token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := hubspot.New(tt.cfg)
			require.ErrorIs(t, err, outbound.ErrInvalid)
			var fe *invalid.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "hubspot", fe.Package)
			require.Equal(t, "Config", fe.Record)
			require.Equal(t, tt.field, fe.Field)
			require.NotContains(t, err.Error(), "secret", "a token is never shown")
		})
	}
	_, err := hubspot.New(hubspot.Config{Token: "t"})
	require.NoError(t, err, "every other field has a default")
	_, err = hubspot.New(hubspot.Config{Token: "t", BaseURL: "https://user:pw@example.com?x=1"})
	require.ErrorContains(t, err, "BaseURL")
	require.NotContains(t, err.Error(), "pw", "credentials in a URL are not shown")

	// A token read from a file keeps its newline: it is trimmed.
	srv := hubspottest.New(hubspottest.Config{})
	defer srv.Close()
	c, err := hubspot.New(hubspot.Config{Token: srv.Token() + "\n", BaseURL: " " + srv.URL() + "/ ", Stage: " qualifiedtobuy ", Rate: -1})
	require.NoError(t, err)
	_, err = c.UpsertContact(context.Background(), crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)
}
