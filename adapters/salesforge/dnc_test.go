package salesforge_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/adapters/salesforge/salesforgetest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
)

func TestDNCEntry(t *testing.T) {
	for in, want := range map[string]string{
		" Bo@Buyer.Example.org ": "bo@buyer.example.org",
		"buyer.example.org":      "buyer.example.org",
		"@Buyer.example.org":     "buyer.example.org",
	} {
		got, err := salesforge.DNCEntry(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got)
	}
	for _, bad := range []string{"", "bo@", "localhost", "a b@c.example", "a@b@c.example", "x@.example."} {
		_, err := salesforge.DNCEntry(bad)
		require.ErrorIs(t, err, invalid.ErrInvalid, bad)
	}
}

func TestAddDNCBatches(t *testing.T) {
	srv := salesforgetest.NewServer(salesforgetest.Config{})
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	var entries []string
	for i := range 2500 {
		entries = append(entries, fmt.Sprintf("lead%d@buyer.example.org", i))
	}
	entries = append(entries, "LEAD0@buyer.example.org", "whole-company.example")
	require.NoError(t, c.AddDNC(context.Background(), salesforgetest.DefaultWorkspace, entries))
	got := srv.DNC(salesforgetest.DefaultWorkspace)
	require.Len(t, got, 2501, "deduplicated after normalising")
	require.Equal(t, "whole-company.example", got[2500])
	require.Equal(t, 3, srv.Requests(), "batches of at most 1000")

	err := c.AddDNC(context.Background(), salesforgetest.DefaultWorkspace, []string{"ok@x.example", "not an address"})
	require.ErrorIs(t, err, invalid.ErrInvalid)
	require.True(t, channel.IsPermanent(err))
	require.Equal(t, 3, srv.Requests(), "a bad entry sends nothing")
}

func TestPusherRetriesAndNeverBlocks(t *testing.T) {
	srv := salesforgetest.NewServer(salesforgetest.Config{})
	t.Cleanup(srv.Close)
	clock := timingtest.NewClock(start)
	p, err := salesforge.NewDNCPusher(salesforge.DNCConfig{Client: newClient(t, srv), WorkspaceID: salesforgetest.DefaultWorkspace,
		Clock: clock, Queue: 3})
	require.NoError(t, err)

	require.Equal(t, 3, p.Push("a@x.example", "b@x.example", "x.example", "d@x.example"), "past the queue, entries are dropped, not waited for")
	srv.Fail(salesforgetest.Answer{Status: 429, RetryAfter: 10 * time.Second}, salesforgetest.Answer{Status: 503})
	done := make(chan error, 1)
	go func() { done <- p.Flush(context.Background()) }()
	for range 2 { // the 429's wait, then the 503's backoff
		require.Eventually(t, func() bool { return clock.Waiters() == 1 }, 5*time.Second, time.Millisecond)
		_, _ = clock.AdvanceNext()
	}
	require.NoError(t, <-done)
	require.Equal(t, []string{"a@x.example", "b@x.example", "x.example"}, srv.DNC(salesforgetest.DefaultWorkspace))

	// A refusal for good is dropped after one try.
	p.Push("e@x.example")
	srv.Fail(salesforgetest.Answer{Status: 422})
	require.Error(t, p.Flush(context.Background()))
	require.NotContains(t, srv.DNC(salesforgetest.DefaultWorkspace), "e@x.example")
}

func TestDNCHookPushesWhatTheEngineSuppresses(t *testing.T) {
	srv := salesforgetest.NewServer(salesforgetest.Config{})
	t.Cleanup(srv.Close)
	p, err := salesforge.NewDNCPusher(salesforge.DNCConfig{Client: newClient(t, srv), WorkspaceID: salesforgetest.DefaultWorkspace})
	require.NoError(t, err)
	clock := timingtest.NewClock(start)
	svc, err := distribution.New(distribution.Config{Store: memory.New(), Clock: clock, Hook: salesforge.DNCHook(p)})
	require.NoError(t, err)
	ctx := context.Background()
	for _, sp := range []outbound.Suppression{
		{Address: "Bo@Buyer.example.org", Channel: channel.Email},
		{Domain: "competitor.example"},
		{Address: "+61400000000", Channel: channel.SMS},
	} {
		require.NoError(t, svc.DoNotContact(ctx, sp))
	}
	require.NoError(t, p.Flush(ctx))
	require.Equal(t, []string{"bo@buyer.example.org", "competitor.example"}, srv.DNC(salesforgetest.DefaultWorkspace),
		"email addresses and domains go; an SMS opt-out does not")
}
