// Package stripe reads Stripe's billing webhooks into the engine's billing
// events (outbound.BillingEvent), with github.com/stripe/stripe-go/v76:
// a Stripe subscription signs a client up on its plan, an upgrade or
// downgrade changes the plan, a final failed payment pauses its sending
// and a payment resumes it, a cancellation starts the churn hold.
//
//	cfg := stripe.Config{
//		Secrets: []string{os.Getenv("STRIPE_WEBHOOK_SECRET")},
//		APIKey:  os.Getenv("STRIPE_API_KEY"),
//		Plans:   map[string]string{"price_1Abc": "starter", "price_1Def": "growth", "price_1Ghi": "scale"},
//	}
//	v, err := stripe.NewVerifier(cfg)
//	d, err := stripe.NewDecoder(cfg)
//	h, err := webhook.NewHandler(webhook.Config{Name: "stripe", Verifier: v, Decoder: d, Sink: webhook.SinkFunc(svc.Accept)})
//	mux.Handle("POST /webhooks/stripe", h)
//
// # Verification
//
// [Verifier] hands the raw body and the Stripe-Signature header to
// stripe-go's webhook.ConstructEventWithOptions with each configured
// secret (two during a rotation). Stripe-go would judge the signed
// timestamp against the process's wall clock; the verifier checks it
// against Config.Now instead, within Config.Tolerance (five minutes, as
// stripe-go), so a host's clock decides. An event rendered in another API
// version than stripe-go's (2023-10-16 for v76) is read all the same, and
// logged: the fields read here have not changed between versions. A
// missing, wrong or stale signature is answered 401 and nothing is
// recorded.
//
// # Events
//
// [Decoder] maps checkout.session.completed (subscription mode) and
// customer.subscription.created to subscription_started,
// customer.subscription.updated with changed items to plan_changed,
// customer.subscription.deleted to subscription_cancelled, invoice.paid to
// subscription_renewed (billing_reason subscription_cycle) or
// payment_succeeded, invoice.payment_failed to payment_failed (Final when
// next_payment_attempt is null); every other event to nothing.
//
// Stripe does not promise order, and delivers again until answered 2xx:
// every event about a subscription's plan reads the subscription as it
// stands (GET /v1/subscriptions/{id}) and takes its plan from its price
// now, through Config.Plans, so two updates delivered in the wrong order
// leave the later plan; a delivery again is recorded once by its event ID.
// A price Config.Plans does not map, or Stripe unreachable for the read,
// fails the delivery (500) and Stripe delivers it again.
//
// Package stripetest is a fake of the subscription read and of the events
// of a subscription's life, signed as Stripe signs them.
//
// # Documentation followed, and what is not verified
//
// Stripe's API reference for events, subscriptions, invoices and checkout
// sessions, and its webhook signature scheme as stripe-go v76 implements
// it. Not verified against Stripe itself: that checkout.session.completed
// and customer.subscription.created for one checkout may arrive in either
// order (both sign the same client up, which the engine makes one); that
// Stripe sets next_payment_attempt to null on the last failed attempt
// under every retry setting (Smart Retries included); and which
// previous_attributes a price change carries when the price changes
// through a schedule rather than an update.
package stripe
