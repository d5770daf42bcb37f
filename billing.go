package outbound

import (
	"strings"
	"time"

	fields "github.com/outbound-go/outbound/invalid"
)

// BillingEventType names what a billing provider reported about a client's
// subscription. Its string form is what storage and JSON use.
type BillingEventType string

// The billing event types. A provider adapter maps its own vocabulary onto
// them (for Stripe: customer.subscription.created → started, invoice.paid
// with billing_reason subscription_cycle → renewed, a price change in
// customer.subscription.updated → plan changed, invoice.payment_failed →
// payment failed, customer.subscription.deleted → cancelled).
const (
	// BillingSubscriptionStarted: a client's subscription began; the client
	// signs up on the plan it names.
	BillingSubscriptionStarted BillingEventType = "subscription_started"
	// BillingSubscriptionRenewed: a new billing period was paid for.
	BillingSubscriptionRenewed BillingEventType = "subscription_renewed"
	// BillingPlanChanged: the subscription moved to another plan.
	BillingPlanChanged BillingEventType = "plan_changed"
	// BillingPaymentFailed: a payment attempt failed. Final says whether it
	// was the provider's last retry, after which the subscription lapses.
	BillingPaymentFailed BillingEventType = "payment_failed"
	// BillingPaymentSucceeded: a payment went through (a first payment, or
	// one after failed attempts).
	BillingPaymentSucceeded BillingEventType = "payment_succeeded"
	// BillingSubscriptionCancelled: the subscription ended; the client churns.
	BillingSubscriptionCancelled BillingEventType = "subscription_cancelled"
)

// BillingEventTypes returns every billing event type, in a fixed order.
func BillingEventTypes() []BillingEventType {
	return []BillingEventType{
		BillingSubscriptionStarted, BillingSubscriptionRenewed, BillingPlanChanged,
		BillingPaymentFailed, BillingPaymentSucceeded, BillingSubscriptionCancelled,
	}
}

// Valid reports whether t is one of the billing event types.
func (t BillingEventType) Valid() bool {
	switch t {
	case BillingSubscriptionStarted, BillingSubscriptionRenewed, BillingPlanChanged,
		BillingPaymentFailed, BillingPaymentSucceeded, BillingSubscriptionCancelled:
		return true
	}
	return false
}

// needsSubscription reports whether an event of type t is about a
// subscription and so must name it.
func (t BillingEventType) needsSubscription() bool {
	switch t {
	case BillingSubscriptionStarted, BillingSubscriptionRenewed, BillingPlanChanged, BillingSubscriptionCancelled:
		return true
	}
	return false
}

// ParseBillingEventType parses a billing event type, ignoring case and
// surrounding space. A bad one is a *invalid.FieldError.
func ParseBillingEventType(s string) (BillingEventType, error) {
	t := BillingEventType(strings.ToLower(strings.TrimSpace(s)))
	if !t.Valid() {
		return "", fields.Field("outbound", "BillingEvent", "Type", s, "unknown billing event type")
	}
	return t, nil
}

// UnmarshalText implements encoding.TextUnmarshaler and rejects unknown types.
func (t *BillingEventType) UnmarshalText(b []byte) error {
	v, err := ParseBillingEventType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// BillingEvent is something a billing provider reported about a client's
// subscription, normalised from its webhook. Provider and ProviderEventID
// together are the deduplication key: recording the same event twice
// changes nothing. A client is keyed by its billing Customer (or its
// Subscription), never by one payment.
type BillingEvent struct {
	// Provider names the billing provider ("stripe"). Required.
	Provider string
	// ProviderEventID is the provider's ID for this event ("evt_…"), the
	// deduplication key. Required.
	ProviderEventID string
	// Type is what happened. Required.
	Type BillingEventType
	// Customer is the provider's ID of the billing customer ("cus_…"): the
	// key a client is found by. Required.
	Customer string
	// Subscription is the provider's ID of the subscription ("sub_…").
	// Required for every subscription_* type and plan_changed; a payment
	// event carries it when the payment was for a subscription.
	Subscription string
	// Plan is the plan's name as the host sells it ("starter"): the adapter
	// maps the provider's price or product to it. Required for
	// subscription_started and plan_changed.
	Plan string
	// PreviousPlan is the plan a plan_changed event moved away from, when
	// the provider says; "" otherwise. Only plan_changed may set it.
	PreviousPlan string
	// Final is set on a payment_failed event when the provider will not
	// retry the payment again: the subscription lapses. Only payment_failed
	// may set it.
	Final bool
	// Email and Name are the billing customer's, as the provider holds
	// them, for a signup or a notice; "" when it did not send them. Email,
	// when set, must be a bare address.
	Email string
	Name  string
	// PeriodEnd is when the paid period ends (Stripe's current_period_end),
	// or zero when the provider did not say.
	PeriodEnd time.Time
	// Amount is what a payment was for, in the currency's minor unit
	// (cents), and Currency its ISO 4217 code; both zero when not a payment
	// or not known. Amount must not be negative, and needs Currency.
	Amount   int64
	Currency string
	// At is when it happened, as the provider reported it. Required.
	At time.Time
	// Metadata is what the host attached to the checkout or subscription at
	// the provider (its own client reference), echoed back; nil if none.
	Metadata map[string]string
}

// Validate reports the first missing or inconsistent field as a
// *invalid.FieldError naming it (errors.Is(err, ErrInvalid) holds): a
// Provider, a ProviderEventID, a known Type, a Customer, a Subscription
// where the type is about one, a Plan for subscription_started and
// plan_changed, PreviousPlan only on plan_changed, Final only on
// payment_failed, a bare Email if any, a non-negative Amount with a
// three-letter Currency, and a non-zero At.
func (e *BillingEvent) Validate() error {
	bad := func(field string, v any, reason string) error {
		return fields.Field("outbound", "BillingEvent", field, v, reason)
	}
	if err := checkEventKey("BillingEvent", e.Provider, e.ProviderEventID, string(e.Type), e.Type.Valid()); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(e.Customer) == "":
		return bad("Customer", e.Customer, "required: a client is keyed by its billing customer")
	case e.Type.needsSubscription() && strings.TrimSpace(e.Subscription) == "":
		return bad("Subscription", e.Subscription, "required for "+string(e.Type))
	case (e.Type == BillingSubscriptionStarted || e.Type == BillingPlanChanged) && strings.TrimSpace(e.Plan) == "":
		return bad("Plan", e.Plan, "required for "+string(e.Type))
	case e.PreviousPlan != "" && e.Type != BillingPlanChanged:
		return bad("PreviousPlan", e.PreviousPlan, "only a plan_changed event has a previous plan")
	case e.Final && e.Type != BillingPaymentFailed:
		return bad("Final", e.Final, "only a payment_failed event can be final")
	case e.Amount < 0:
		return bad("Amount", e.Amount, "must not be negative")
	case e.Amount != 0 && !isCurrency(e.Currency):
		return bad("Currency", e.Currency, "an amount needs its ISO 4217 currency code")
	case e.Currency != "" && !isCurrency(e.Currency):
		return bad("Currency", e.Currency, "must be an ISO 4217 code of three letters")
	case e.At.IsZero():
		return bad("At", e.At, "required")
	}
	if e.Email != "" {
		if err := ValidateEmail(e.Email); err != nil {
			return bad("Email", e.Email, err.Error())
		}
	}
	return nil
}

// isCurrency reports whether s is three ASCII letters, in either case
// (Stripe sends "aud", ISO writes "AUD").
func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
