package outbound_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
)

var billingAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// started is a valid billing event; each case of the tests below breaks one
// field of it.
func started() outbound.BillingEvent {
	return outbound.BillingEvent{
		Provider: "stripe", ProviderEventID: "evt_1", Type: outbound.BillingSubscriptionStarted,
		Customer: "cus_1", Subscription: "sub_1", Plan: "starter", At: billingAt,
		Email: "ann@example.com.au", Name: "Ann", PeriodEnd: billingAt.AddDate(0, 1, 0),
		Amount: 49900, Currency: "aud",
	}
}

func TestBillingEventValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*outbound.BillingEvent)
		field string // "" when valid
	}{
		{"valid", func(*outbound.BillingEvent) {}, ""},
		{"no provider", func(e *outbound.BillingEvent) { e.Provider = " " }, "Provider"},
		{"no event id", func(e *outbound.BillingEvent) { e.ProviderEventID = "" }, "ProviderEventID"},
		{"no type", func(e *outbound.BillingEvent) { e.Type = "" }, "Type"},
		{"unknown type", func(e *outbound.BillingEvent) { e.Type = "invoice.paid" }, "Type"},
		{"no customer", func(e *outbound.BillingEvent) { e.Customer = "" }, "Customer"},
		{"started without subscription", func(e *outbound.BillingEvent) { e.Subscription = "" }, "Subscription"},
		{"renewed without subscription", func(e *outbound.BillingEvent) {
			e.Type, e.Subscription = outbound.BillingSubscriptionRenewed, ""
		}, "Subscription"},
		{"cancelled without subscription", func(e *outbound.BillingEvent) {
			e.Type, e.Subscription = outbound.BillingSubscriptionCancelled, ""
		}, "Subscription"},
		{"payment without subscription is fine", func(e *outbound.BillingEvent) {
			e.Type, e.Subscription, e.Plan = outbound.BillingPaymentSucceeded, "", ""
		}, ""},
		{"started without plan", func(e *outbound.BillingEvent) { e.Plan = "" }, "Plan"},
		{"plan change without plan", func(e *outbound.BillingEvent) {
			e.Type, e.Plan, e.PreviousPlan = outbound.BillingPlanChanged, "", "starter"
		}, "Plan"},
		{"plan change with previous plan", func(e *outbound.BillingEvent) {
			e.Type, e.Plan, e.PreviousPlan = outbound.BillingPlanChanged, "growth", "starter"
		}, ""},
		{"previous plan on a renewal", func(e *outbound.BillingEvent) {
			e.Type, e.PreviousPlan = outbound.BillingSubscriptionRenewed, "starter"
		}, "PreviousPlan"},
		{"renewal without plan is fine", func(e *outbound.BillingEvent) {
			e.Type, e.Plan = outbound.BillingSubscriptionRenewed, ""
		}, ""},
		{"final payment failure", func(e *outbound.BillingEvent) {
			e.Type, e.Final = outbound.BillingPaymentFailed, true
		}, ""},
		{"final on a success", func(e *outbound.BillingEvent) {
			e.Type, e.Final = outbound.BillingPaymentSucceeded, true
		}, "Final"},
		{"negative amount", func(e *outbound.BillingEvent) { e.Amount = -1 }, "Amount"},
		{"amount without currency", func(e *outbound.BillingEvent) { e.Currency = "" }, "Currency"},
		{"currency of two letters", func(e *outbound.BillingEvent) { e.Currency = "au" }, "Currency"},
		{"currency alone", func(e *outbound.BillingEvent) { e.Amount, e.Currency = 0, "A$D" }, "Currency"},
		{"no amount no currency", func(e *outbound.BillingEvent) { e.Amount, e.Currency = 0, "" }, ""},
		{"upper-case currency", func(e *outbound.BillingEvent) { e.Currency = "AUD" }, ""},
		{"no instant", func(e *outbound.BillingEvent) { e.At = time.Time{} }, "At"},
		{"bad email", func(e *outbound.BillingEvent) { e.Email = "Ann <ann@example.com>" }, "Email"},
		{"no email is fine", func(e *outbound.BillingEvent) { e.Email, e.Name = "", "" }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := started()
			tc.edit(&e)
			err := e.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, invalid.ErrInvalid)
			var fe *invalid.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "BillingEvent", fe.Record)
			require.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestBillingEventTypes(t *testing.T) {
	t.Parallel()
	seen := map[outbound.BillingEventType]bool{}
	for _, ty := range outbound.BillingEventTypes() {
		require.True(t, ty.Valid(), ty)
		require.False(t, seen[ty], "listed twice: %s", ty)
		seen[ty] = true
		got, err := outbound.ParseBillingEventType(" " + string(ty) + " ")
		require.NoError(t, err)
		require.Equal(t, ty, got)
	}
	require.Len(t, seen, 6)
	got, err := outbound.ParseBillingEventType("PAYMENT_FAILED")
	require.NoError(t, err)
	require.Equal(t, outbound.BillingPaymentFailed, got)

	_, err = outbound.ParseBillingEventType("refunded")
	var fe *invalid.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "Type", fe.Field)
	require.Equal(t, "refunded", fe.Value)

	var v struct{ T outbound.BillingEventType }
	require.NoError(t, json.Unmarshal([]byte(`{"T":"plan_changed"}`), &v))
	require.Equal(t, outbound.BillingPlanChanged, v.T)
	err = json.Unmarshal([]byte(`{"T":"refunded"}`), &v)
	require.True(t, errors.Is(err, invalid.ErrInvalid), err)
}
