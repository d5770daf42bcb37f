package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary be a copy of the command too: a run across
// processes starts os.Executable, which under go test is this binary.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild(context.Background(), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestProcessesKeepTheInvariants runs the simulation in three OS processes
// on one schema: one leads, every process dispatches, nothing is sent
// twice, no mailbox sends twice within its spacing, the import is the one
// process's, the totals are one process's on the memory store, and the
// summary counts what the store holds.
func TestProcessesKeepTheInvariants(t *testing.T) {
	t.Parallel()
	schema := pgSchema(t)
	dir := t.TempDir()
	args := []string{"-clients", "2", "-leads", "200", "-days", "10", "-seed", "1"}
	code, stdout, stderr := runCmd(t, append(args, "-database-url", testDatabaseURL(), "-schema", schema, "-processes", "3", "-out", dir)...)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "setup: 3 processes on schema "+schema)
	require.Regexp(t, `process [123] leads: it plans and runs the daily jobs`, stderr)

	m := regexp.MustCompile(`touches dispatched: process 1 (\d+), process 2 (\d+), process 3 (\d+); sends of a key already sent: (\d+)`).FindStringSubmatch(stderr)
	require.NotNil(t, m, stderr)
	for i, n := range m[1:4] {
		require.NotEqual(t, "0", n, "process %d dispatched nothing", i+1)
	}
	require.Equal(t, "0", m[4], "no touch is sent twice")

	// The import happened once, in the first process: its line is the one
	// process's.
	code, memOut, memErr := runCmd(t, args...)
	require.Equal(t, 0, code, memErr)
	setupLine := regexp.MustCompile(`setup: \d+ clients, .*`)
	require.Equal(t, setupLine.FindString(memErr), setupLine.FindString(stderr))

	// The totals are one process's on the memory store, line for line:
	// every booking is made by the one planner, in the store's order.
	require.Equal(t, summaryLines(memOut), summaryLines(stdout))
	require.Equal(t, dayLines(memErr), dayLines(stderr), "the same sends and replies day by day")

	// Each email touch sent from one mailbox at least the default spacing
	// after the one before, whichever process sent them.
	touches := readJSONL(t, filepath.Join(dir, "touches.jsonl"))
	byMailbox := map[string][]time.Time{}
	ids := map[string]bool{}
	sent := 0
	for _, tc := range touches {
		id := tc["touch_id"].(string)
		require.False(t, ids[id], "touch %s listed twice", id)
		ids[id] = true
		if tc["sent_at"] == nil {
			continue
		}
		sent++
		if tc["channel"] == "email" {
			byMailbox[tc["resource_id"].(string)] = append(byMailbox[tc["resource_id"].(string)], instant(t, tc["sent_at"]))
		}
	}
	require.NotEmpty(t, byMailbox)
	for mb, at := range byMailbox {
		slices.SortFunc(at, time.Time.Compare)
		for i := 1; i < len(at); i++ {
			require.GreaterOrEqual(t, at[i].Sub(at[i-1]), allocator.DefaultMailboxSpacing,
				"mailbox %s sent at %s and %s", mb, at[i-1], at[i])
		}
	}

	// The console's sends over the run are the store's sent touches.
	total := regexp.MustCompile(`Sent over \d+ days \(UTC\): (\d+)`).FindStringSubmatch(stdout)
	require.NotNil(t, total, stdout)
	require.Equal(t, strconv.Itoa(sent), total[1])
}

// summaryLines is the console summary without the wall time it took.
func summaryLines(stdout string) []string {
	var out []string
	for l := range strings.SplitSeq(stdout, "\n") {
		if !strings.HasPrefix(l, "finished in") {
			out = append(out, l)
		}
	}
	return out
}

// dayLines are the progress lines of the days.
func dayLines(stderr string) []string {
	var out []string
	for l := range strings.SplitSeq(stderr, "\n") {
		if strings.HasPrefix(l, "day ") {
			out = append(out, l)
		}
	}
	return out
}

// TestCopiesReachTheOneFake: a copy's channel sends through the first
// process's fake over HTTP: a retried key meets the same record, a lookup
// finds it, and a provider's error keeps its class and Retry-After.
func TestCopiesReachTheOneFake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake, err := channeltest.New(channel.SMS, &channeltest.Config{Provider: "sim-sms", SkipValidation: true})
	require.NoError(t, err)
	srv, err := serveProviders([]channel.Channel{fake}, &pooltest.Provisioner{}, &pooltest.Alerter{})
	require.NoError(t, err)
	t.Cleanup(srv.close)
	remote := &remoteChannel{kind: channel.SMS, c: &providerClient{url: srv.url, http: &http.Client{Timeout: 10 * time.Second}}}

	msg := &channel.Message{IdempotencyKey: "t-1", Kind: channel.SMS, Body: "hi", To: channel.Recipient{Phone: "+61400000001"}}
	fake.Script(channeltest.Fail(channel.RateLimited(42*time.Second, errors.New("slow down"))))
	_, err = remote.Send(ctx, msg)
	require.Error(t, err)
	require.Equal(t, channel.ClassRateLimited, channel.Classify(err))
	var ce *channel.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 42*time.Second, ce.RetryAfter)

	_, found, err := remote.Lookup(ctx, "t-1")
	require.NoError(t, err)
	require.False(t, found, "a refused send left no record")

	first, err := remote.Send(ctx, msg)
	require.NoError(t, err)
	again, err := remote.Send(ctx, msg)
	require.NoError(t, err)
	require.Equal(t, first.ProviderMessageID, again.ProviderMessageID, "the same key reaches the same record")
	require.Equal(t, 1, fake.Count(), "the recipient got one message")
	got, found, err := remote.Lookup(ctx, "t-1")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, first.ProviderMessageID, got.ProviderMessageID)

	rs, err := remoteProvisioner{c: remote.c}.Purchase(ctx, outbound.Order{Key: "o-1", Kind: outbound.KindPhone, Count: 2})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	rs2, err := remoteProvisioner{c: remote.c}.Purchase(ctx, outbound.Order{Key: "o-1", Kind: outbound.KindPhone, Count: 2})
	require.NoError(t, err)
	require.Equal(t, rs[0].ProviderRef, rs2[0].ProviderRef, "a retried order buys nothing more")
}
