package distribution_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
)

// changeLog is a Hook that keeps every change.
type changeLog struct {
	mu  sync.Mutex
	all []distribution.Change
}

func (l *changeLog) Notify(_ context.Context, c distribution.Change) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, c)
}

func (l *changeLog) of(kind distribution.ChangeKind) []distribution.Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []distribution.Change
	for _, c := range l.all {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

func withHook(l *changeLog) option {
	return func(c *distribution.Config) { c.Hook = l }
}

// Every sent touch is reported once, with what it concerns; the enrollment
// completes at the Daily after its last touch went, not before, and the
// hook hears of it.
func TestHookHearsSendsAndCompletion(t *testing.T) {
	t.Parallel()
	log := &changeLog{}
	e, ts := setup1(t, withHook(log))
	require.Len(t, ts, 5)
	lead := ts[0].Lead

	// Midway: steps left to go, so a Daily completes nothing.
	e.runUntil(ts[2].ScheduledAt, 2)
	require.NoError(t, e.svc.Daily(e.ctx))
	require.Equal(t, outbound.EnrollmentActive, e.enrollment(lead).State)
	require.Empty(t, log.of(distribution.ChangeEnrollmentCompleted))

	e.runUntil(ts[4].ScheduledAt.Add(1), 2)
	sent := log.of(distribution.ChangeTouchSent)
	require.Len(t, sent, 5)
	seen := map[outbound.TouchID]bool{}
	for _, c := range sent {
		require.False(t, seen[c.Touch], "touch %s reported twice", c.Touch)
		seen[c.Touch] = true
		tt := e.touch(c.Touch)
		require.Equal(t, outbound.TouchSent, tt.Status)
		require.Equal(t, tt.Client, c.Client)
		require.Equal(t, tt.Enrollment, c.Enrollment)
		require.Equal(t, tt.Resource, c.Resource)
		require.Equal(t, tt.Channel, c.Channel)
		require.Equal(t, tt.SentAt, c.At)
	}

	require.NoError(t, e.svc.Daily(e.ctx))
	en := e.enrollment(lead)
	require.Equal(t, outbound.EnrollmentCompleted, en.State)
	done := log.of(distribution.ChangeEnrollmentCompleted)
	require.Len(t, done, 1)
	require.Equal(t, en.ID, done[0].Enrollment)
	require.NoError(t, e.svc.Daily(e.ctx))
	require.Len(t, log.of(distribution.ChangeEnrollmentCompleted), 1, "completed once")

	// A reply that comes after the last touch still counts.
	e.handle(ev(ts[3], channel.EventReplied, e.clock.Now()))
	require.Equal(t, outbound.EnrollmentReplied, e.enrollment(lead).State)
	require.Len(t, log.of(distribution.ChangeEnrollmentReplied), 1)
	require.Equal(t, 1, e.svc.ClientCounters(ts[0].Client).Replies)
}

// A reply stops the enrollment and cancels what was left: the hook hears
// of the reply and of each cancelled touch.
func TestHookHearsReplyAndCancellations(t *testing.T) {
	t.Parallel()
	log := &changeLog{}
	e, ts := setup1(t, withHook(log))
	e.runUntil(ts[0].ScheduledAt.Add(1), 1)
	e.handle(ev(ts[0], channel.EventReplied, e.clock.Now()))
	require.Len(t, log.of(distribution.ChangeEnrollmentReplied), 1)
	cancelled := log.of(distribution.ChangeTouchCancelled)
	require.Len(t, cancelled, 4)
	for _, c := range cancelled {
		require.Equal(t, outbound.TouchCancelled, e.touch(c.Touch).Status)
		require.Equal(t, outbound.ReasonReplied, c.Reason)
	}
}

// Counters per client add up to the process's.
func TestClientCountersAddUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.signup("growth", "Australia/Sydney")
	b := e.signup("starter", "Australia/Sydney")
	e.importLeads(e.campaign(a), hot(1), hot(2), hot(3))
	e.importLeads(e.campaign(b), hot(4))
	e.plan()
	e.runUntil(start.AddDate(0, 0, 20), 2)

	all := e.svc.Counters()
	ca, cb := e.svc.ClientCounters(a.ID), e.svc.ClientCounters(b.ID)
	for _, k := range channel.Kinds() {
		for st, n := range all.Touches[k] {
			require.Equal(t, n, ca.Touches[k][st]+cb.Touches[k][st], "%s %s", k, st)
		}
	}
	sum := func(c distribution.Counters) (n int) {
		for _, m := range c.Touches {
			for _, v := range m {
				n += v
			}
		}
		return n
	}
	require.Equal(t, 15, sum(ca), "three hot leads, five steps each")
	require.Equal(t, 5, sum(cb))
	require.Zero(t, sum(e.svc.ClientCounters(outbound.ClientID{})))
}

// Every suppression the engine records or lifts reaches the hook with the
// entry itself, so a host can mirror it into a provider's own list: an
// SMS STOP (by lead and by number), a START lifting it, a do-not-contact
// entry.
func TestHookHearsSuppressions(t *testing.T) {
	t.Parallel()
	log := &changeLog{}
	e := newEnv(t, withHook(log))
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	lead := e.lead(e.importLeads(camp, hot(1)).Enrolled[0])
	e.plan()

	stop := channel.Event{Provider: "twilio", ProviderEventID: "SM1", Type: channel.EventReplied, Kind: channel.SMS,
		From: lead.Phone, Body: "STOP", At: e.clock.Now()}
	require.True(t, e.handle(stop))
	got := log.of(distribution.ChangeSuppressed)
	require.Len(t, got, 2, "by lead and by number")
	byLead, byNumber := got[0].Suppression, got[1].Suppression
	require.Equal(t, lead.ID, byLead.Lead)
	require.Equal(t, lead.Phone, byNumber.Address)
	for _, c := range got {
		require.Equal(t, lead.Client, c.Client)
		require.Equal(t, channel.SMS, c.Channel)
		require.Equal(t, outbound.ReasonOptedOut, c.Suppression.Reason)
		require.True(t, c.Suppression.Active())
	}

	start := stop
	start.ProviderEventID, start.Body = "SM2", "START"
	require.True(t, e.handle(start))
	lifted := log.of(distribution.ChangeSuppressionLifted)
	require.Len(t, lifted, 2)
	for _, c := range lifted {
		require.False(t, c.Suppression.Active())
		require.Equal(t, outbound.ReasonOptedIn, c.Suppression.LiftReason)
		require.Equal(t, "twilio:"+lead.Phone, c.Suppression.LiftedBy)
	}

	require.NoError(t, e.svc.DoNotContact(e.ctx, outbound.Suppression{Domain: "@Example.COM"}))
	got = log.of(distribution.ChangeSuppressed)
	require.Len(t, got, 3)
	require.Equal(t, "example.com", got[2].Suppression.Domain, "as stored")
	require.True(t, got[2].Client.IsZero(), "platform-wide")
}

// A touch's change names its provider and when it was due; Leading says
// whether this Service's Run plans, and only while it runs.
func TestTouchChangeProviderAndLeading(t *testing.T) {
	t.Parallel()
	var sent []distribution.Change
	var mu sync.Mutex
	e := newEnv(t, func(c *distribution.Config) {
		c.Hook = distribution.HookFunc(func(_ context.Context, ch distribution.Change) {
			if ch.Kind == distribution.ChangeTouchSent {
				mu.Lock()
				sent = append(sent, ch)
				mu.Unlock()
			}
		})
	})
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1))
	e.plan()
	first := primary(e.schedule(res.Enrolled[0]))[1]
	e.sendStep(first)
	mu.Lock()
	require.Len(t, sent, 1)
	require.Equal(t, first.ScheduledAt, sent[0].ScheduledAt)
	require.NotEmpty(t, sent[0].Provider)
	mu.Unlock()

	require.False(t, e.svc.Leading(), "not before Run")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.svc.Run(ctx) }()
	require.Eventually(t, e.svc.Leading, 5*time.Second, 5*time.Millisecond, "Run with no elector leads")
	cancel()
	require.NoError(t, <-done)
	require.False(t, e.svc.Leading(), "not after Run")
}
