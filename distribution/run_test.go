package distribution_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// crashing sends through a fake, and on its nth Send (from 1) cancels the
// worker's context after the provider accepted: the worker dies between
// the provider's answer and recording it.
type crashing struct {
	*channeltest.Fake
	mu     sync.Mutex
	n      int
	at     int
	cancel context.CancelFunc
}

func (c *crashing) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	rc, err := c.Fake.Send(ctx, m)
	c.mu.Lock()
	c.n++
	if c.n == c.at && c.cancel != nil {
		c.cancel()
	}
	c.mu.Unlock()
	return rc, err
}

func (c *crashing) arm(at int, cancel context.CancelFunc) {
	c.mu.Lock()
	c.n, c.at, c.cancel = 0, at, cancel
	c.mu.Unlock()
}

// noLookup is a fake without the Reconciler capability.
type noLookup struct{ ch channel.Channel }

func (n noLookup) Kind() channel.Kind { return n.ch.Kind() }
func (n noLookup) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	return n.ch.Send(ctx, m)
}

// finder is a fake whose provider keeps no key (Twilio): a lost send is
// found by its addresses and time, a channel.Finder, not a Reconciler.
type finder struct {
	noLookup
	fake func() *channeltest.Fake
}

func (f finder) Find(ctx context.Context, q channel.Sent) (channel.Receipt, bool, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, false, err
	}
	for _, s := range f.fake().SentTo(q.To) {
		if s.Message.From.Address == q.From && !s.At.Before(q.Since) {
			return s.Receipt, true, nil
		}
	}
	return channel.Receipt{}, false, nil
}

func TestCrashMidBatchLosesNothingAndSendsNothingTwice(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		kind      channel.Kind
		step      int
		reconcile bool
		find      bool
	}{
		{"email, at least once with the key", channel.Email, 1, true, false},
		{"voice, reconciled", channel.Voice, 2, true, false},
		{"sms, reconciled", channel.SMS, 5, true, false},
		{"sms, found by its addresses", channel.SMS, 5, false, true},
		{"voice without a reconciler: uncertain", channel.Voice, 2, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, err := channeltest.New(tt.kind, nil)
			require.NoError(t, err)
			crash := &crashing{Fake: fake}
			e := newEnv(t, func(c *distribution.Config) {
				fake, _ = channeltest.New(tt.kind, &channeltest.Config{Now: c.Clock.Now})
				crash.Fake = fake
				switch {
				case tt.reconcile:
					setChannel(c, crash)
				case tt.find:
					setChannel(c, finder{noLookup{crash}, func() *channeltest.Fake { return crash.Fake }})
				default:
					setChannel(c, noLookup{crash})
				}
			})
			camp := e.campaign(e.signup("scale", "Australia/Sydney"))
			var rows []distribution.LeadInput
			for i := range 6 {
				rows = append(rows, hot(i))
			}
			res := e.importLeads(camp, rows...)
			e.plan()
			// Every lead's touch of the step comes due at once.
			var due []outbound.Touch
			var last time.Time
			for _, id := range res.Enrolled {
				tc := primary(e.schedule(id))[tt.step]
				require.Equal(t, tt.kind, tc.Channel)
				due = append(due, tc)
				if tc.ScheduledAt.After(last) {
					last = tc.ScheduledAt
				}
			}
			e.clock.Set(last)
			ctx, cancel := context.WithCancel(context.Background())
			crash.arm(2, cancel)
			_, err = e.svc.Dispatch(ctx, "doomed")
			require.ErrorIs(t, err, context.Canceled)
			require.Len(t, fake.Sent(), 2, "the crash came right after the second send")
			// Another worker finds nothing until the lease runs out.
			n, err := e.svc.Dispatch(e.ctx, "rescuer")
			require.NoError(t, err)
			require.Zero(t, n)
			e.clock.Advance(distribution.DefaultLease + time.Second)
			e.dispatchAll(2)
			e.runUntil(last.Add(24*time.Hour), 2)

			uncertain := 0
			for _, tc := range due {
				got := e.touch(tc.ID)
				switch got.Status {
				case outbound.TouchSent, outbound.TouchDelivered:
					channeltest.RequireSent(t, fake, tc.ID.String())
				case outbound.TouchUncertain:
					uncertain++
				default:
					t.Fatalf("touch %s left %s (%s)", tc.ID, got.Status, got.Reason)
				}
			}
			// Once each at the provider.
			require.Len(t, fake.Sent(), len(due))
			attempts := map[string]int{}
			for _, a := range fake.Attempts() {
				attempts[a.Message.IdempotencyKey]++
			}
			for key, n := range attempts {
				if tt.kind == channel.Email {
					require.LessOrEqual(t, n, 2, key) // the crashed one may be sent again: the provider keeps one
				} else {
					require.Equal(t, 1, n, "voice/SMS never twice: %s", key)
				}
			}
			if tt.reconcile || tt.find {
				require.Zero(t, uncertain)
			} else {
				require.Equal(t, 1, uncertain, "the touch in flight at the crash is reported uncertain")
			}
		})
	}
}

// blocking holds every Send until released, and says when one started.
type blocking struct {
	channel.Channel
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *blocking) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	b.once.Do(func() { close(b.started) })
	<-b.release
	return b.Channel.Send(ctx, m)
}

func TestRunStopsGracefully(t *testing.T) {
	t.Parallel()
	var blk *blocking
	e := newEnv(t, func(c *distribution.Config) {
		blk = &blocking{Channel: channelOf(c, channel.Email), started: make(chan struct{}), release: make(chan struct{})}
		setChannel(c, blk)
		c.Workers = 2
	})
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1), hot(2), hot(3))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.svc.Run(ctx) }()
	// Two workers, the planner and the daily job asleep on the clock.
	require.NoError(t, e.clock.BlockUntil(context.Background(), 4))
	var firsts []outbound.Touch
	var last time.Time
	for _, id := range res.Enrolled {
		ts := e.schedule(id)
		require.Len(t, ts, 5, "the planner planned the lead")
		firsts = append(firsts, ts[0])
		if ts[0].ScheduledAt.After(last) {
			last = ts[0].ScheduledAt
		}
	}
	e.clock.Set(last) // three emails due at once
	<-blk.started
	cancel() // stop while the first email is with the provider
	close(blk.release)
	require.NoError(t, <-done)
	sent := 0
	for _, f := range firsts {
		got := e.touch(f.ID)
		switch got.Status {
		case outbound.TouchSent:
			sent++
		case outbound.TouchScheduled:
		default:
			t.Fatalf("touch %s %s", got.ID, got.Status)
		}
	}
	require.GreaterOrEqual(t, sent, 1, "the send in flight finished and was recorded")
	require.Len(t, e.fakes[channel.Email].Sent(), sent, "nothing sent that is not recorded")
	// Nothing is left leased.
	all, err := e.store.ListTouches(e.ctx, storage.TouchFilter{})
	require.NoError(t, err)
	for _, tc := range all {
		require.Empty(t, tc.LeasedBy, tc.ID)
	}
}

func TestReconcileNotFoundSendsOnce(t *testing.T) {
	t.Parallel()
	e, ts := setup1(t)
	call := ts[1]
	// A worker marked the call sending and died before the provider saw it.
	got := e.touch(call.ID)
	got.Status, got.LeasedBy, got.LeaseUntil, got.Attempts = outbound.TouchSending, "dead", call.ScheduledAt.Add(distribution.DefaultLease), 1
	require.NoError(t, e.store.UpdateTouch(e.ctx, got, ""))
	e.clock.Set(call.ScheduledAt.Add(distribution.DefaultLease + time.Second))
	e.dispatchAll(1)
	after := e.touch(call.ID)
	require.Equal(t, outbound.TouchSent, after.Status, after.Reason)
	require.Len(t, e.fakes[channel.Voice].Attempts(), 1)
	require.Equal(t, 2, after.Attempts)
}

// TestTwoProcessesShareCapsAndSpacing plans with two Services on one store,
// as two processes would: the second loads the first's booked sends, so
// caps and mailbox spacing hold across both.
func TestTwoProcessesShareCapsAndSpacing(t *testing.T) {
	t.Parallel()
	one := outbound.Plan{Name: "one", Domains: 1, LeadsPerMonth: 1000}
	a := newEnv(t, func(c *distribution.Config) { c.Plans = []outbound.Plan{one}; c.Warmup.Max = 10 })
	camp := a.campaign(a.signup("one", "Australia/Sydney"))
	cold := func(from, n int) []distribution.LeadInput {
		var rows []distribution.LeadInput
		for i := range n {
			in := hot(from + i)
			in.Score, in.Phone, in.LinkedIn = 25, "", ""
			rows = append(rows, in)
		}
		return rows
	}
	a.importLeads(camp, cold(0, 15)...)
	a.plan()
	cfg := a.cfg
	cfg.Test.NewID = seededIDs(99)
	b, err := distribution.New(cfg)
	require.NoError(t, err)
	_, err = b.ImportLeads(a.ctx, camp.ID, cold(100, 15))
	require.NoError(t, err)
	n, err := b.Plan(a.ctx)
	require.NoError(t, err)
	require.Positive(t, n)
	ts, err := a.store.ListTouches(a.ctx, storage.TouchFilter{Status: outbound.TouchScheduled})
	require.NoError(t, err)
	syd := mustLoc(t, "Australia/Sydney")
	perDay := map[string]int{}
	byBox := map[outbound.ResourceID][]time.Time{}
	for _, tc := range ts {
		perDay[tc.Resource.String()+tc.ScheduledAt.In(syd).Format("2006-01-02")]++
		byBox[tc.Resource] = append(byBox[tc.Resource], tc.ScheduledAt)
	}
	for k, n := range perDay {
		require.LessOrEqual(t, n, 10, k)
	}
	for box, at := range byBox {
		slices.SortFunc(at, time.Time.Compare)
		for i := 1; i < len(at); i++ {
			require.GreaterOrEqual(t, at[i].Sub(at[i-1]), 3*time.Minute, "mailbox %s", box)
		}
	}
}
