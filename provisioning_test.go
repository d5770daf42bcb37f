package outbound_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

// mailboxCreated is a valid provisioning event; each case of the tests below
// changes it.
func mailboxCreated() outbound.ProvisioningEvent {
	return outbound.ProvisioningEvent{
		Provider: "infraforge", ProviderEventID: "ev_1", Type: outbound.ProvisioningMailboxCreated,
		Kind: outbound.KindMailbox, ProviderRef: "mbx_1", Parent: "dom_1", Address: "ann@acme-mail.com",
		At: billingAt,
	}
}

func TestProvisioningEventValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*outbound.ProvisioningEvent)
		field string // "" when valid
	}{
		{"valid", func(*outbound.ProvisioningEvent) {}, ""},
		{"no provider", func(e *outbound.ProvisioningEvent) { e.Provider = "" }, "Provider"},
		{"no event id", func(e *outbound.ProvisioningEvent) { e.ProviderEventID = "\t" }, "ProviderEventID"},
		{"unknown type", func(e *outbound.ProvisioningEvent) { e.Type = "mailbox_deleted" }, "Type"},
		{"unknown kind", func(e *outbound.ProvisioningEvent) { e.Kind = "fax" }, "Kind"},
		{"kind the type cannot concern", func(e *outbound.ProvisioningEvent) { e.Kind = outbound.KindDomain }, "Kind"},
		{"no provider ref", func(e *outbound.ProvisioningEvent) { e.ProviderRef = "" }, "ProviderRef"},
		{"mailbox without its domain", func(e *outbound.ProvisioningEvent) { e.Parent = "" }, "Parent"},
		{"mailbox without address", func(e *outbound.ProvisioningEvent) { e.Address = "" }, "Address"},
		{"mailbox with a bad address", func(e *outbound.ProvisioningEvent) { e.Address = "ann@" }, "Address"},
		{"no instant", func(e *outbound.ProvisioningEvent) { e.At = time.Time{} }, "At"},
		{"domain ready", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.ProviderRef, e.Parent, e.Address = outbound.ProvisioningDomainReady, outbound.KindDomain, "dom_1", "", "acme-mail.com"
		}, ""},
		{"domain with a parent", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Address = outbound.ProvisioningDomainReady, outbound.KindDomain, "acme-mail.com"
		}, "Parent"},
		{"domain without a name", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address = outbound.ProvisioningDomainReady, outbound.KindDomain, "", ""
		}, "Address"},
		{"domain name with no dot", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address = outbound.ProvisioningDomainReady, outbound.KindDomain, "", "localhost"
		}, "Address"},
		{"domain name with an email", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address = outbound.ProvisioningDomainReady, outbound.KindDomain, "", "a@b.com"
		}, "Address"},
		{"domain label ending in a hyphen", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address = outbound.ProvisioningDomainReady, outbound.KindDomain, "", "acme-.com"
		}, "Address"},
		{"number released, E.164", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address = outbound.ProvisioningNumberReleased, outbound.KindPhone, "", "+61412345678"
		}, ""},
		{"number released, no address is fine", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address = outbound.ProvisioningNumberReleased, outbound.KindPhone, "", ""
		}, ""},
		{"number released, national form", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address = outbound.ProvisioningNumberReleased, outbound.KindPhone, "", "0412 345 678"
		}, "Address"},
		{"linkedin restricted", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address, e.Reason = outbound.ProvisioningLinkedInRestricted, outbound.KindLinkedInSeat, "", "https://www.linkedin.com/in/ann", "CREDENTIALS"
		}, ""},
		{"linkedin event on a phone", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address = outbound.ProvisioningLinkedInConnected, outbound.KindPhone, "", ""
		}, "Kind"},
		{"failed purchase of a number", func(e *outbound.ProvisioningEvent) {
			e.Type, e.Kind, e.Parent, e.Address, e.Reason = outbound.ProvisioningFailed, outbound.KindPhone, "", "", "no AU numbers"
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mailboxCreated()
			tc.edit(&e)
			err := e.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, invalid.ErrInvalid)
			var fe *invalid.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "ProvisioningEvent", fe.Record)
			require.Equal(t, tc.field, fe.Field, err.Error())
		})
	}
}

func TestProvisioningEventTypes(t *testing.T) {
	t.Parallel()
	seen := map[outbound.ProvisioningEventType]bool{}
	for _, ty := range outbound.ProvisioningEventTypes() {
		require.True(t, ty.Valid(), ty)
		require.False(t, seen[ty], "listed twice: %s", ty)
		seen[ty] = true
		for _, k := range ty.Kinds() {
			require.True(t, k.Valid(), "%s concerns %q", ty, k)
		}
		got, err := outbound.ParseProvisioningEventType(" " + string(ty))
		require.NoError(t, err)
		require.Equal(t, ty, got)
	}
	for _, want := range []outbound.ProvisioningEventType{"domain_ready", "mailbox_created", "number_released",
		"linkedin_connected", "linkedin_restricted", "linkedin_disconnected"} {
		require.True(t, seen[want], want)
	}
	require.Equal(t, []outbound.ResourceKind{outbound.KindLinkedInSeat}, outbound.ProvisioningLinkedInRestricted.Kinds())
	require.Nil(t, outbound.ProvisioningEventType("unknown").Kinds())
	_, err := outbound.ParseProvisioningEventType("domain_bought")
	require.ErrorIs(t, err, invalid.ErrInvalid)
}

func message() *channel.Event {
	return &channel.Event{Provider: "twilio", ProviderEventID: "SM1-delivered", Type: channel.EventDelivered,
		Kind: channel.SMS, ProviderMessageID: "SM1", At: billingAt}
}

func TestInboundValidateAndKey(t *testing.T) {
	t.Parallel()
	b, p := started(), mailboxCreated()
	badMsg := message()
	badMsg.Type = ""
	badBilling := started()
	badBilling.Customer = ""
	badProv := mailboxCreated()
	badProv.ProviderRef = ""
	for _, tc := range []struct {
		name         string
		in           outbound.Inbound
		field        string // "" when valid
		provider, id string
		record       string
	}{
		{"message", outbound.Inbound{Message: message()}, "", "twilio", "SM1-delivered", ""},
		{"billing", outbound.Inbound{Billing: &b}, "", "stripe", "evt_1", ""},
		{"provisioning", outbound.Inbound{Provisioning: &p}, "", "infraforge", "ev_1", ""},
		{"none", outbound.Inbound{}, "Inbound", "", "", ""},
		{"two", outbound.Inbound{Message: message(), Billing: &b}, "Inbound", "twilio", "SM1-delivered", ""},
		{"three", outbound.Inbound{Message: message(), Billing: &b, Provisioning: &p}, "Inbound", "twilio", "SM1-delivered", ""},
		{"message with no type", outbound.Inbound{Message: badMsg}, "Message.Type", "twilio", "SM1-delivered", "Inbound"},
		{"bad billing", outbound.Inbound{Billing: &badBilling}, "Customer", "stripe", "evt_1", "BillingEvent"},
		{"bad provisioning", outbound.Inbound{Provisioning: &badProv}, "ProviderRef", "infraforge", "ev_1", "ProvisioningEvent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			provider, id := tc.in.Key()
			require.Equal(t, tc.provider, provider)
			require.Equal(t, tc.id, id)
			err := tc.in.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, invalid.ErrInvalid)
			var fe *invalid.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tc.field, fe.Field, err.Error())
			require.Equal(t, tc.record, fe.Record)
		})
	}
}

// Every event type is accepted on every kind its Kinds lists, and refused on
// every other: the rule Validate applies is the one Kinds documents.
func TestProvisioningKindsAreWhatValidateAccepts(t *testing.T) {
	t.Parallel()
	for _, ty := range outbound.ProvisioningEventTypes() {
		for _, k := range outbound.ResourceKinds() {
			e := outbound.ProvisioningEvent{Provider: "p", ProviderEventID: "1", Type: ty, Kind: k, ProviderRef: "r", At: billingAt}
			switch ty {
			case outbound.ProvisioningDomainReady:
				e.Address = "example.com"
			case outbound.ProvisioningMailboxCreated:
				e.Address, e.Parent = "a@example.com", "d"
			}
			err := e.Validate()
			if slices.Contains(ty.Kinds(), k) {
				require.NoError(t, err, "%s on %s", ty, k)
			} else {
				require.Error(t, err, "%s on %s", ty, k)
			}
		}
	}
}

func ExampleInbound() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := []outbound.Inbound{
		{Billing: &outbound.BillingEvent{Provider: "stripe", ProviderEventID: "evt_9", Type: outbound.BillingPaymentFailed,
			Final: true, Customer: "cus_1", Subscription: "sub_1", At: at}},
		{Provisioning: &outbound.ProvisioningEvent{Provider: "unipile", ProviderEventID: "acc_1-CREDENTIALS",
			Type: outbound.ProvisioningLinkedInDisconnected, Kind: outbound.KindLinkedInSeat, ProviderRef: "acc_1", At: at}},
		{Provisioning: &outbound.ProvisioningEvent{Provider: "infraforge", ProviderEventID: "ev_2",
			Type: outbound.ProvisioningMailboxCreated, Kind: outbound.KindMailbox, ProviderRef: "mbx_2", At: at}},
	}
	for _, x := range in {
		provider, id := x.Key()
		fmt.Println(provider, id, x.Validate())
	}
	// Output:
	// stripe evt_9 <nil>
	// unipile acc_1-CREDENTIALS <nil>
	// infraforge ev_2 outbound: ProvisioningEvent.Parent = "": required: the provider's ID of the mailbox's domain
}
