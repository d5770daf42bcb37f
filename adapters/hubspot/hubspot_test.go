package hubspot_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/hubspot"
	"github.com/outbound-go/outbound/adapters/hubspot/hubspottest"
	"github.com/outbound-go/outbound/crm"
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
	again, err := c.UpsertContact(ctx, crm.Contact{Email: "ANN@acme.com.au", Title: "VP Growth"})
	require.NoError(t, err)
	require.Equal(t, id, again)
	cs := srv.Contacts()
	require.Len(t, cs, 1)
	require.Equal(t, map[string]string{"email": "ann@acme.com.au", "firstname": "Ann", "lastname": "Lee", "company": "Acme",
		"jobtitle": "VP Growth", "phone": "+61412345678", "country": "AU", "city": "Sydney", "website": "acme.com.au"}, cs[0].Properties)

	_, err = c.UpsertContact(ctx, crm.Contact{FirstName: "Nobody"})
	require.ErrorIs(t, err, outbound.ErrInvalid)
}

// A deal is made once per key, in the configured pipeline and stage,
// associated with the contact by HubSpot's deal-to-contact type.
func TestCreateDealOnce(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, func(cfg *hubspot.Config) { cfg.Stage = "qualifiedtobuy" })
	ctx := context.Background()
	contact, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)
	d := crm.Deal{Key: "calcom:bk_7Qm2", Name: "Acme: Intro call", Meeting: meeting, Amount: 1500}
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

	other, err := c.CreateDeal(ctx, crm.Deal{Key: "calcom:bk_other", Name: "Acme: follow-up"}, contact)
	require.NoError(t, err)
	require.NotEqual(t, id, other)
}

// HubSpot's refusals are typed: a stage or key property the account lacks
// is permanent and names HubSpot's category; rate limits and outages are
// retryable, with the wait HubSpot asked for; a bad token is permanent.
func TestRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, srv := setup(t, func(cfg *hubspot.Config) { cfg.Stage = "nosuchstage" })
	contact, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
	require.NoError(t, err)
	_, err = c.CreateDeal(ctx, crm.Deal{Key: "k1"}, contact)
	require.ErrorIs(t, err, crm.ErrPermanent)
	var ae *hubspot.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusBadRequest, ae.Status)
	require.Equal(t, "VALIDATION_ERROR", ae.Category)
	require.Contains(t, ae.Message, "nosuchstage")

	c2, _ := setup(t, func(cfg *hubspot.Config) { cfg.KeyProperty = "missing_property" })
	_, err = c2.CreateDeal(ctx, crm.Deal{Key: "k1"}, "1")
	require.ErrorIs(t, err, crm.ErrPermanent, "the key property must exist in the account")

	srv.Fail(hubspottest.Answer{Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second})
	_, err = c.UpsertContact(ctx, crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "RATE_LIMITS", ae.Category)
	require.Equal(t, 10*time.Second, ae.RetryAfter)

	srv.Fail(hubspottest.Answer{Status: http.StatusBadGateway})
	_, err = c.UpsertContact(ctx, crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)

	bad, err := hubspot.New(hubspot.Config{Token: "pat-wrong", BaseURL: srv.URL(), Rate: -1})
	require.NoError(t, err)
	_, err = bad.UpsertContact(ctx, crm.Contact{Email: "bo@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrPermanent)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusUnauthorized, ae.Status)
	require.NotContains(t, err.Error(), "pat-wrong", "the token is never in an error")
}

// A request HubSpot never answers ends with its context; an unreachable
// HubSpot is retryable.
func TestCancelledAndUnreachable(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, nil)
	srv.Fail(hubspottest.Answer{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au"})
	require.Error(t, err)
	require.True(t, errors.Is(err, context.DeadlineExceeded) || errors.Is(err, crm.ErrRetryable), "%v", err)

	down, err := hubspot.New(hubspot.Config{Token: "t", BaseURL: "http://127.0.0.1:1", Rate: -1})
	require.NoError(t, err)
	_, err = down.UpsertContact(context.Background(), crm.Contact{Email: "ann@acme.com.au"})
	require.ErrorIs(t, err, crm.ErrRetryable)
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cfg   hubspot.Config
		field string
	}{
		{hubspot.Config{}, "Token"},
		{hubspot.Config{Token: " "}, "Token"},
		{hubspot.Config{Token: "t", BaseURL: "api.hubapi.com"}, "BaseURL"},
		{hubspot.Config{Token: "t", BaseURL: "ftp://x"}, "BaseURL"},
	} {
		_, err := hubspot.New(tt.cfg)
		require.ErrorIs(t, err, outbound.ErrInvalid)
		require.ErrorContains(t, err, tt.field)
	}
}
