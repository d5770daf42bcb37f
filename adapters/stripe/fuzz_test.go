package stripe_test

import (
	"errors"
	"testing"

	"github.com/outbound-go/outbound/adapters/stripe"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// Any body decodes to valid billing events or fails as a payload error or
// a decoder error, never a panic.
func FuzzDecode(f *testing.F) {
	e := newEnv(f)
	evs, sub := e.fake.Checkout("ana@acme.example", "Acme", "price_growth", nil)
	for _, ev := range evs {
		f.Add(ev.Body)
	}
	if ev, err := e.fake.ChangePrice(sub, "price_scale"); err == nil {
		f.Add(ev.Body)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"evt_1","type":"invoice.paid","data":{"object":{"customer":null}}}`))
	f.Add([]byte(`{"id":"evt_1","type":"customer.subscription.updated","data":{"object":{"id":"sub_x"},"previous_attributes":{"items":7}}}`))
	d, err := stripe.NewDecoder(e.cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := d.Decode(nil, body)
		if err != nil {
			var up *stripe.UnknownPriceError
			if !errors.Is(err, webhook.ErrPayload) && !errors.As(err, &up) && len(got) != 0 {
				t.Fatalf("an error with events: %v", err)
			}
			return
		}
		for _, in := range got {
			if in.Billing == nil {
				t.Fatal("a Stripe event decoded to a non-billing event")
			}
			if err := in.Billing.Validate(); err != nil {
				t.Fatalf("invalid billing event: %v", err)
			}
		}
	})
}
