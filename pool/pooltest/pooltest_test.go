package pooltest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/warmup"
)

func order(key string, k outbound.ResourceKind, n int) outbound.Order {
	return outbound.Order{Key: key, Kind: k, Count: n, State: outbound.OrderPending}
}

func TestProvisionerIsDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &pooltest.Provisioner{}
	tests := []struct {
		kind                        outbound.ResourceKind
		provider, ref1, ref2, addr2 string
	}{
		{outbound.KindPhone, "twilio", "twilio-phone-0001", "twilio-phone-0002", "+15551000002"},
		{outbound.KindLinkedInSeat, "unipile", "unipile-seat-0001", "unipile-seat-0002", "unipile-acct-0002"},
		{outbound.KindMailSender, "lob", "lob-sender-0001", "lob-sender-0002", "lob-sender-0002"},
	}
	for _, tt := range tests {
		rs, err := p.Purchase(ctx, order("k-"+string(tt.kind), tt.kind, 2))
		require.NoError(t, err)
		require.Len(t, rs, 2)
		require.Equal(t, tt.provider, rs[0].Provider)
		require.Equal(t, tt.ref1, rs[0].ProviderRef)
		require.Equal(t, tt.ref2, rs[1].ProviderRef)
		require.Equal(t, tt.addr2, rs[1].Address)
		require.Equal(t, tt.kind, rs[1].Kind)
		require.Equal(t, outbound.StateAvailable, rs[1].State, "ready at once by default")
		require.Equal(t, 2, p.Bought(tt.kind))
	}
	require.Len(t, p.Calls(), 3)
	require.Equal(t, pooltest.Call{Key: "k-phone", Kind: outbound.KindPhone, N: 2}, p.Calls()[0])

	_, err := p.Purchase(ctx, order("k-mailbox", outbound.KindMailbox, 1))
	require.Error(t, err)
	_, err = p.Purchase(ctx, order("", outbound.KindPhone, 1))
	require.Error(t, err, "an order without a key")
}

func TestProvisionerDomainsComeWithTheirMailboxes(t *testing.T) {
	t.Parallel()
	p := &pooltest.Provisioner{}
	rs, err := p.Purchase(context.Background(), order("k", outbound.KindDomain, 2))
	require.NoError(t, err)
	require.Len(t, rs, 2*(1+outbound.MailboxesPerDomain))
	require.Equal(t, "infraforge-domain-0002", rs[3].ProviderRef)
	require.Equal(t, "sim0002.example.net", rs[3].Address)
	require.Equal(t, outbound.KindMailbox, rs[4].Kind)
	require.Equal(t, "outreach@sim0002.example.net", rs[4].Address)
	require.Equal(t, "infraforge-domain-0002-hello", rs[5].ProviderRef)
	require.Equal(t, 2, p.Bought(outbound.KindDomain))
}

func TestProvisionerHonoursIdempotencyKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &pooltest.Provisioner{}
	first, err := p.Purchase(ctx, order("once", outbound.KindDomain, 1))
	require.NoError(t, err)
	p.SetPending(true)
	p.SetLimit(0)
	again, err := p.Purchase(ctx, order("once", outbound.KindDomain, 5))
	require.NoError(t, err)
	require.Equal(t, first, again, "the same key answers the same, whatever the knobs say now")
	require.Equal(t, 1, p.Bought(outbound.KindDomain))
	require.Len(t, p.Calls(), 2)
}

func TestProvisionerKnobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &pooltest.Provisioner{}
	p.SetPending(true)
	rs, err := p.Purchase(ctx, order("1", outbound.KindPhone, 1))
	require.NoError(t, err)
	require.Equal(t, outbound.StateProvisioning, rs[0].State)

	p.SetLimit(1)
	rs, err = p.Purchase(ctx, order("2", outbound.KindPhone, 3))
	require.NoError(t, err)
	require.Len(t, rs, 1)
	p.SetLimit(-1)

	boom := errors.New("out of numbers")
	p.SetErr(boom)
	_, err = p.Purchase(ctx, order("3", outbound.KindPhone, 1))
	require.ErrorIs(t, err, boom)
	p.SetErr(nil)
	rs, err = p.Purchase(ctx, order("3", outbound.KindPhone, 2))
	require.NoError(t, err)
	require.Len(t, rs, 2, "a failed call remembers nothing for its key")
	require.Equal(t, "twilio-phone-0003", rs[0].ProviderRef, "failed purchases consume no numbers")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.Purchase(cctx, order("4", outbound.KindPhone, 1))
	require.ErrorIs(t, err, context.Canceled)
}

func TestAlerterRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := &pooltest.Alerter{}
	require.NoError(t, a.Alert(ctx, pool.Alert{Kind: pool.AlertBufferLow}))
	boom := errors.New("pager down")
	a.SetErr(boom)
	require.ErrorIs(t, a.Alert(ctx, pool.Alert{Kind: pool.AlertDomainPaused}), boom)
	require.Len(t, a.Alerts(), 2)
	require.Equal(t, 1, a.Count(pool.AlertBufferLow))
	require.Equal(t, pool.AlertDomainPaused, a.Of(pool.AlertDomainPaused)[0].Kind)
	a.Reset()
	require.Empty(t, a.Alerts())
}

func TestHealthSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := &pooltest.HealthSource{}
	var d1, d2 outbound.ResourceID
	d1.UUID[0], d2.UUID[0] = 1, 2
	h.Set(d1, warmup.Stats{Sends: 10, Bounces: 1})
	since, until := time.Unix(0, 0), time.Unix(100, 0)
	s, err := h.DomainStats(ctx, d1, since, until)
	require.NoError(t, err)
	require.Equal(t, warmup.Stats{Sends: 10, Bounces: 1}, s)
	s, err = h.DomainStats(ctx, d2, since, until)
	require.NoError(t, err)
	require.Zero(t, s)
	boom := errors.New("down")
	h.Fail(d2, boom)
	_, err = h.DomainStats(ctx, d2, since, until)
	require.ErrorIs(t, err, boom)
	require.Equal(t, []pooltest.HealthQuery{{Domain: d1, Since: since, Until: until}, {Domain: d2, Since: since, Until: until}, {Domain: d2, Since: since, Until: until}}, h.Queries())
}
