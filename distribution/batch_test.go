package distribution_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// countingStore counts the store calls a dispatch makes per touch and per
// claim.
type countingStore struct {
	storage.Store
	mu     sync.Mutex
	calls  map[string]int
	refuse func(storage.PlanWrite) bool // SavePlans fails on a batch holding such a write
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	c.calls[name]++
	c.mu.Unlock()
}

func (c *countingStore) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.calls)
}

func (c *countingStore) GetEnrollment(ctx context.Context, id outbound.EnrollmentID) (*outbound.Enrollment, error) {
	c.count("GetEnrollment")
	return c.Store.GetEnrollment(ctx, id)
}

func (c *countingStore) GetEnrollments(ctx context.Context, ids []outbound.EnrollmentID) ([]outbound.Enrollment, error) {
	c.count("GetEnrollments")
	return c.Store.GetEnrollments(ctx, ids)
}

func (c *countingStore) GetLead(ctx context.Context, id outbound.LeadID) (*outbound.Lead, error) {
	c.count("GetLead")
	return c.Store.GetLead(ctx, id)
}

func (c *countingStore) GetLeads(ctx context.Context, ids []outbound.LeadID) ([]outbound.Lead, error) {
	c.count("GetLeads")
	return c.Store.GetLeads(ctx, ids)
}

func (c *countingStore) GetCampaign(ctx context.Context, id outbound.CampaignID) (*outbound.Campaign, error) {
	c.count("GetCampaign")
	return c.Store.GetCampaign(ctx, id)
}

func (c *countingStore) Suppressed(ctx context.Context, q storage.SuppressionQuery) (bool, error) {
	c.count("Suppressed")
	return c.Store.Suppressed(ctx, q)
}

func (c *countingStore) SuppressedAmong(ctx context.Context, qs []storage.SuppressionQuery) ([]bool, error) {
	c.count("SuppressedAmong")
	return c.Store.SuppressedAmong(ctx, qs)
}

func (c *countingStore) UpdateTouch(ctx context.Context, t *outbound.Touch, worker string) error {
	c.count("UpdateTouch")
	return c.Store.UpdateTouch(ctx, t, worker)
}

func (c *countingStore) UpdateTouches(ctx context.Context, ts []outbound.Touch, worker string) ([]outbound.TouchID, error) {
	c.count("UpdateTouches")
	return c.Store.UpdateTouches(ctx, ts, worker)
}

// hookChannel runs a hook before each Send of the channel it wraps.
type hookChannel struct {
	channel.Channel
	before func(m *channel.Message)
}

func (h *hookChannel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	h.before(m)
	return h.Channel.Send(ctx, m)
}

// firstEmails plans n hot Sydney leads and sets the clock to the last of
// their first-step emails, so one claim holds them all. It returns those
// touches in claim order.
func firstEmails(t *testing.T, n int, opts ...option) (*env, []outbound.Touch) {
	t.Helper()
	e := newEnv(t, opts...)
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	rows := make([]distribution.LeadInput, n)
	for i := range rows {
		rows[i] = hot(i)
	}
	res := e.importLeads(camp, rows...)
	require.Len(t, res.Enrolled, n)
	e.plan()
	var firsts []outbound.Touch
	for _, l := range res.Enrolled {
		ts := e.schedule(l)
		require.Equal(t, channel.Email, ts[0].Channel)
		require.Equal(t, 1, ts[0].Step)
		firsts = append(firsts, ts[0])
	}
	slices.SortFunc(firsts, func(a, b outbound.Touch) int { return a.ScheduledAt.Compare(b.ScheduledAt) })
	last := firsts[len(firsts)-1].ScheduledAt
	require.Equal(t, dayIn(firsts[0].ScheduledAt, mustLoc(t, "Australia/Sydney")), dayIn(last, mustLoc(t, "Australia/Sydney")),
		"the first emails go out on one day")
	e.clock.Set(last)
	return e, firsts
}

func withCounting(c **countingStore) option {
	return func(cfg *distribution.Config) {
		*c = &countingStore{Store: cfg.Store, calls: map[string]int{}}
		cfg.Store = *c
	}
}

func withEmailHook(before func(m *channel.Message)) option {
	return func(cfg *distribution.Config) {
		setChannel(cfg, &hookChannel{Channel: channelOf(cfg, channel.Email), before: before})
	}
}

func TestDispatchReadsAndRecordsAClaimTogether(t *testing.T) {
	t.Parallel()
	var cs *countingStore
	e, firsts := firstEmails(t, 12, withCounting(&cs), func(c *distribution.Config) {
		// Unspaced mailboxes: every one of the claim goes out now.
		c.Caps.Email.Spacing, c.Caps.Email.Jitter = allocator.NoSpacing, allocator.NoSpacing
	})
	before := cs.snapshot()
	sent, err := e.svc.Dispatch(e.ctx, "w")
	require.NoError(t, err)
	require.Equal(t, len(firsts), sent)
	for _, f := range firsts {
		got := e.touch(f.ID)
		require.Equal(t, outbound.TouchSent, got.Status, got.Reason)
		require.Empty(t, got.LeasedBy, "the lease is cleared with the record")
		require.NotEmpty(t, got.ProviderRef)
	}
	after := cs.snapshot()
	delta := func(name string) int { return after[name] - before[name] }
	// One read of each kind for the claim, one write for its sent records:
	// not one per touch.
	require.Equal(t, 1, delta("GetEnrollments"))
	require.Equal(t, 1, delta("GetLeads"))
	require.Equal(t, 1, delta("SuppressedAmong"))
	require.Equal(t, 1, delta("GetCampaign"), "one campaign in the claim")
	require.Equal(t, 1, delta("UpdateTouches"))
	for _, one := range []string{"GetEnrollment", "GetLead", "Suppressed", "UpdateTouch"} {
		require.Zero(t, delta(one), one)
	}
	require.Equal(t, len(firsts), e.svc.Counters().Touches[channel.Email][outbound.TouchSent])
}

func TestDispatchSeesAStopRecordedDuringAClaimAfterTheBatchWindow(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"opt-out", "reply"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			var e *env
			var firsts []outbound.Touch
			var once sync.Once
			e, firsts = firstEmails(t, 3, withEmailHook(func(*channel.Message) {
				once.Do(func() {
					// While the first is being sent, the last lead opts out
					// or replies (to a send of another process), and the
					// send takes longer than the batch window.
					last := firsts[len(firsts)-1]
					switch how {
					case "opt-out":
						require.NoError(t, e.store.AddSuppression(e.ctx, &outbound.Suppression{
							Client: last.Client, Lead: last.Lead, Reason: "unsubscribed", Since: e.clock.Now()}))
					case "reply":
						_, err := e.svc.HandleEvent(e.ctx, channel.Event{Provider: "fake", ProviderEventID: "r1",
							Type: channel.EventReplied, Kind: channel.Email, IdempotencyKey: last.ID.String(), At: e.clock.Now()})
						require.NoError(t, err)
					}
					e.clock.Advance(distribution.DefaultBatchWindow + time.Millisecond)
				})
			}))
			sent, err := e.svc.Dispatch(e.ctx, "w")
			require.NoError(t, err)
			require.Equal(t, len(firsts)-1, sent)
			last := e.touch(firsts[len(firsts)-1].ID)
			require.Equal(t, outbound.TouchCancelled, last.Status)
			require.Empty(t, e.fakes[channel.Email].SentTo(e.lead(last.Lead).Email), "nothing reached the lead who stopped")
		})
	}
}

func TestDispatchRecordsSlowSendsOneByOne(t *testing.T) {
	t.Parallel()
	var e *env
	var firsts []outbound.Touch
	sends := 0
	// Each send takes longer than the batch window: by the time the next
	// Send starts, every earlier touch is recorded sent in the store.
	e, firsts = firstEmails(t, 4, withEmailHook(func(m *channel.Message) {
		for _, f := range firsts[:sends] {
			got := e.touch(f.ID)
			require.Equal(t, outbound.TouchSent, got.Status, "touch %d recorded before the next send", sends)
		}
		require.Equal(t, firsts[sends].ID.String(), m.IdempotencyKey)
		sends++
		e.clock.Advance(distribution.DefaultBatchWindow)
	}))
	sent, err := e.svc.Dispatch(e.ctx, "w")
	require.NoError(t, err)
	require.Equal(t, len(firsts), sent)
	require.Equal(t, len(firsts), sends)
}

func TestDispatchRecordsWhatWasSentWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	var e *env
	var firsts []outbound.Touch
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sends := 0
	e, firsts = firstEmails(t, 4, withEmailHook(func(*channel.Message) {
		sends++
		if sends == 3 {
			cancel() // the host stops during the third send
		}
	}))
	_, err := e.svc.Dispatch(ctx, "w")
	require.ErrorIs(t, err, context.Canceled)
	for i, f := range firsts {
		got := e.touch(f.ID)
		switch {
		case i < 2:
			require.Equal(t, outbound.TouchSent, got.Status, "sent before the stop: recorded")
		default:
			require.Equal(t, outbound.TouchScheduled, got.Status, "left to its lease")
			require.Equal(t, "w", got.LeasedBy)
		}
	}
}

func (c *countingStore) SavePlans(ctx context.Context, ws []storage.PlanWrite) error {
	c.count("SavePlans")
	c.mu.Lock()
	refuse := c.refuse
	c.mu.Unlock()
	for _, w := range ws {
		if refuse != nil && refuse(w) {
			return errors.New("disk full")
		}
	}
	return c.Store.SavePlans(ctx, ws)
}

func (c *countingStore) GetWash(ctx context.Context, phone string) (outbound.WashResult, error) {
	c.count("GetWash")
	return c.Store.GetWash(ctx, phone)
}

func (c *countingStore) GetWashes(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	c.count("GetWashes")
	return c.Store.GetWashes(ctx, phones)
}

func (c *countingStore) ListTouches(ctx context.Context, f storage.TouchFilter) ([]outbound.Touch, error) {
	c.count("ListTouches")
	return c.Store.ListTouches(ctx, f)
}

func TestDispatchReadsWashesAndThreadsOfAClaimTogether(t *testing.T) {
	t.Parallel()
	var cs *countingStore
	e, firsts := firstEmails(t, 6, withCounting(&cs), func(c *distribution.Config) {
		c.Caps.Email.Spacing, c.Caps.Email.Jitter = allocator.NoSpacing, allocator.NoSpacing
	})
	steps := func(n int) []outbound.Touch {
		var out []outbound.Touch
		for _, f := range firsts {
			out = append(out, primary(e.schedule(f.Lead))[n])
		}
		slices.SortFunc(out, func(a, b outbound.Touch) int { return a.ScheduledAt.Compare(b.ScheduledAt) })
		return out
	}
	for _, tc := range []struct {
		step  int
		kind  channel.Kind
		batch string // the one call that reads for the claim
		alone string // the call each touch would make on its own
	}{
		{2, channel.Voice, "GetWashes", "GetWash"},
		{4, channel.Email, "ListTouches", "ListTouches"},
	} {
		ts := steps(tc.step)
		// Everything before the step is done; then the whole step is due.
		e.runUntil(ts[0].ScheduledAt.Add(-time.Minute), 1)
		e.clock.Set(ts[len(ts)-1].ScheduledAt)
		before := cs.snapshot()
		sent, err := e.svc.Dispatch(e.ctx, "w")
		require.NoError(t, err)
		after := cs.snapshot()
		require.Equal(t, len(ts), sent, "step %d", tc.step)
		for _, tt := range ts {
			got := e.touch(tt.ID)
			require.Equal(t, tc.kind, got.Channel)
			require.Equal(t, outbound.TouchSent, got.Status, got.Reason)
		}
		require.Equal(t, 1, after[tc.batch]-before[tc.batch], "step %d: %s once for the claim", tc.step, tc.batch)
		if tc.alone != tc.batch {
			require.Zero(t, after[tc.alone]-before[tc.alone], "step %d: no %s per touch", tc.step, tc.alone)
		}
	}
	// The follow-ups thread on the first emails.
	for _, f := range firsts {
		first := e.touch(f.ID)
		follow := primary(e.schedule(f.Lead))[4]
		s := channeltest.RequireSent(t, e.fakes[channel.Email], follow.ID.String())
		require.Equal(t, first.ProviderRef, s.Message.ThreadRef)
	}
}
