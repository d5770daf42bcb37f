package webhooktest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// A host's test posts a signed delivery of a billing event and a
// provisioning event to its webhook handler, then delivers it again, as a
// provider that missed the first answer would.
func ExampleProvider_Request() {
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	provider := webhooktest.New(webhooktest.Config{Now: clock.Now})
	sink := &webhooktest.Sink{}
	h, err := webhook.NewHandler(webhook.Config{Verifier: provider.Verifier(), Decoder: provider.Decoder(), Sink: sink})
	if err != nil {
		panic(err)
	}

	events := []outbound.Inbound{
		{Billing: &outbound.BillingEvent{Provider: "stripe", ProviderEventID: "evt_1", Type: outbound.BillingPlanChanged,
			Customer: "cus_1", Subscription: "sub_1", Plan: "growth", PreviousPlan: "starter", At: clock.Now()}},
		{Provisioning: &outbound.ProvisioningEvent{Provider: "unipile", ProviderEventID: "acc_1-RESTRICTED",
			Type: outbound.ProvisioningLinkedInRestricted, Kind: outbound.KindLinkedInSeat, ProviderRef: "acc_1", At: clock.Now()}},
	}
	for range 2 {
		req, err := provider.Request(context.Background(), "https://hooks.example.com/webhooks/test", events...)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	for _, in := range sink.Events() {
		fmt.Println(in.Key())
	}
	// Output:
	// 200 {"accepted":2}
	// 200 {"accepted":2}
	// stripe evt_1
	// unipile acc_1-RESTRICTED
}
