package distribution_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/adapters/webhook/webhooktest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
)

func billing(e *env, id string, typ outbound.BillingEventType, plan string) outbound.BillingEvent {
	return outbound.BillingEvent{Provider: "stripe", ProviderEventID: id, Type: typ, Customer: "cus_1", Subscription: "sub_1",
		Plan: plan, Name: "Acme", At: e.clock.Now(), Metadata: map[string]string{"zone": "Australia/Sydney"}}
}

// held counts the client's assigned resources of each plan kind.
func (e *env) held(c outbound.ClientID) map[outbound.ResourceKind]int {
	e.t.Helper()
	rs, err := e.store.ListResources(e.ctx, storage.ResourceFilter{Client: c, State: outbound.StateAssigned})
	require.NoError(e.t, err)
	out := map[outbound.ResourceKind]int{}
	for _, r := range rs {
		if r.Kind != outbound.KindMailbox {
			out[r.Kind]++
		}
	}
	return out
}

// A client's life through its billing provider's events, delivered over a
// signed webhook: the subscription signs it up, a renewal changes nothing,
// an upgrade assigns the difference, a downgrade takes the surplus back, a
// payment that finally fails pauses sending until paid, a cancellation
// churns it. A bad signature changes nothing.
func TestBillingEventsOverAWebhook(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := webhooktest.New(webhooktest.Config{Now: e.clock.Now})
	h, err := webhook.NewHandler(webhook.Config{Verifier: prov.Verifier(), Decoder: prov.Decoder(), Sink: e.svc})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(p *webhooktest.Provider, b outbound.BillingEvent) int {
		t.Helper()
		req, err := p.Request(e.ctx, srv.URL, outbound.Inbound{Billing: &b})
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}

	forged := webhooktest.New(webhooktest.Config{Secret: "not the secret", Now: e.clock.Now})
	require.Equal(t, http.StatusUnauthorized, post(forged, billing(e, "evt_0", outbound.BillingSubscriptionStarted, "starter")))
	clients, err := e.store.ListClients(e.ctx)
	require.NoError(t, err)
	require.Empty(t, clients, "a bad signature changes nothing")
	evs, err := e.store.ListEvents(e.ctx, outbound.ClientID{})
	require.NoError(t, err)
	require.Empty(t, evs)

	require.Equal(t, http.StatusOK, post(prov, billing(e, "evt_1", outbound.BillingSubscriptionStarted, "starter")))
	require.Equal(t, http.StatusOK, post(prov, billing(e, "evt_1", outbound.BillingSubscriptionStarted, "starter")), "redelivery")
	clients, err = e.store.ListClients(e.ctx)
	require.NoError(t, err)
	require.Len(t, clients, 1)
	c := clients[0]
	require.Equal(t, "cus_1", c.BillingCustomer)
	require.Equal(t, "sub_1", c.BillingSubscription)
	require.Equal(t, "Australia/Sydney", c.DefaultZone)
	starter := map[outbound.ResourceKind]int{outbound.KindDomain: 2, outbound.KindPhone: 1, outbound.KindLinkedInSeat: 1}
	require.Equal(t, starter, e.held(c.ID))

	require.Equal(t, http.StatusOK, post(prov, billing(e, "evt_2", outbound.BillingSubscriptionRenewed, "")))
	require.Equal(t, starter, e.held(c.ID))

	require.Equal(t, http.StatusOK, post(prov, billing(e, "evt_3", outbound.BillingPlanChanged, "growth")))
	require.Equal(t, map[outbound.ResourceKind]int{outbound.KindDomain: 3, outbound.KindPhone: 2, outbound.KindLinkedInSeat: 2, outbound.KindMailSender: 1},
		e.held(c.ID))
	require.Equal(t, http.StatusOK, post(prov, billing(e, "evt_4", outbound.BillingPlanChanged, "starter")))
	require.Equal(t, starter, e.held(c.ID), "a downgrade takes the surplus back")

	// Sending pauses on the final failure and resumes when paid.
	camp := e.campaign(&c)
	res := e.importLeads(camp, hot(1))
	e.plan()
	first := e.schedule(res.Enrolled[0])[0]
	failed := billing(e, "evt_5", outbound.BillingPaymentFailed, "")
	failed.Final = true
	require.Equal(t, http.StatusOK, post(prov, failed))
	got, err := e.store.GetClient(e.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, outbound.ReasonPaymentFailed, got.SendingPauseReason)
	e.clock.Set(first.ScheduledAt)
	e.dispatchAll(1)
	require.Empty(t, e.fakes[channel.Email].Sent(), "nothing goes while unpaid")
	require.Equal(t, http.StatusOK, post(prov, billing(e, "evt_6", outbound.BillingPaymentSucceeded, "")))
	e.runUntil(first.ScheduledAt.Add(48*time.Hour), 1)
	require.NotEmpty(t, e.fakes[channel.Email].Sent(), "sending resumes once paid")

	require.Equal(t, http.StatusOK, post(prov, billing(e, "evt_7", outbound.BillingSubscriptionCancelled, "")))
	got, err = e.store.GetClient(e.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, outbound.ClientChurned, got.State)
}

// Provisioning events find their resource by (provider, reference): a
// mailbox the provider created joins its domain, a LinkedIn account
// restricted is paused and connected again resumed, a number released is
// retired; a redelivery changes nothing.
func TestProvisioningEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.svc.Pool().Register(e.ctx, []pool.Registration{
		{Kind: outbound.KindDomain, Provider: "forge", ProviderRef: "dom_1", Address: "acme-mail.com", PurchasedAt: e.clock.Now().AddDate(0, 0, -40)},
		{Kind: outbound.KindLinkedInSeat, Provider: "unipile", ProviderRef: "acc_1", Address: "ann@acme.com"},
		{Kind: outbound.KindPhone, Provider: "twilio", ProviderRef: "PN1", Address: "+61291234567"},
	})
	require.NoError(t, err)
	prov := func(id string, typ outbound.ProvisioningEventType, kind outbound.ResourceKind, ref, parent, addr string) outbound.Inbound {
		return outbound.Inbound{Provisioning: &outbound.ProvisioningEvent{Provider: map[outbound.ResourceKind]string{
			outbound.KindMailbox: "forge", outbound.KindLinkedInSeat: "unipile", outbound.KindPhone: "twilio"}[kind],
			ProviderEventID: id, Type: typ, Kind: kind, ProviderRef: ref, Parent: parent, Address: addr, At: e.clock.Now()}}
	}
	find := func(provider, ref string) *outbound.Resource {
		t.Helper()
		r, err := e.store.FindResource(e.ctx, provider, ref)
		require.NoError(t, err)
		return r
	}
	mb := prov("p1", outbound.ProvisioningMailboxCreated, outbound.KindMailbox, "mb_9", "dom_1", "sales@acme-mail.com")
	require.NoError(t, e.svc.Accept(e.ctx, []outbound.Inbound{mb}))
	require.NoError(t, e.svc.Accept(e.ctx, []outbound.Inbound{mb}), "redelivery")
	m := find("forge", "mb_9")
	require.Equal(t, find("forge", "dom_1").ID, m.Parent)
	require.Equal(t, "sales@acme-mail.com", m.Address)

	require.NoError(t, e.svc.Accept(e.ctx, []outbound.Inbound{prov("p2", outbound.ProvisioningLinkedInRestricted, outbound.KindLinkedInSeat, "acc_1", "", "")}))
	require.True(t, find("unipile", "acc_1").Paused)
	require.NoError(t, e.svc.Accept(e.ctx, []outbound.Inbound{prov("p3", outbound.ProvisioningLinkedInConnected, outbound.KindLinkedInSeat, "acc_1", "", "")}))
	require.False(t, find("unipile", "acc_1").Paused)

	require.NoError(t, e.svc.Accept(e.ctx, []outbound.Inbound{prov("p4", outbound.ProvisioningNumberReleased, outbound.KindPhone, "PN1", "", "")}))
	require.Equal(t, outbound.StateRetired, find("twilio", "PN1").State)
}
