package channeltest_test

import (
	"fmt"
	"maps"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

func TestDefaultRates(t *testing.T) {
	t.Parallel()
	// The documented defaults of Rates, written out by hand.
	want := channeltest.Rates{
		EmailHardBounce: 0.02, EmailComplaint: 0.001, EmailUnsubscribe: 0.01, EmailReply: 0.04, EmailOutOfOfficeShare: 0.25,
		CallAnswered: 0.15, CallVoicemail: 0.35, CallBusy: 0.10, CallNoAnswer: 0.40,
		ConnectionAccepted: 0.30, ConnectionAcceptMinDays: 1, ConnectionAcceptMaxDays: 10, LinkedInReply: 0.10,
		SMSStop: 0.02, SMSReply: 0.03,
		LetterDelivered: 0.95,
	}
	require.Equal(t, want, channeltest.DefaultRates())
	require.Equal(t, want, channeltest.Rates{}.WithDefaults())
	require.NoError(t, channeltest.DefaultRates().Validate())

	custom := channeltest.Rates{EmailReply: 0.5, SMSStop: -1}.WithDefaults()
	require.InDelta(t, 0.5, custom.EmailReply, 0)
	require.Zero(t, custom.SMSStop, "negative means never")
	require.InDelta(t, 0.02, custom.EmailHardBounce, 0, "other fields keep defaults")
}

func TestRatesValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		rates channeltest.Rates
		want  string
	}{
		{"email sum", channeltest.Rates{EmailReply: 0.99}, "email rates add up to"},
		{"call sum", channeltest.Rates{CallBusy: 0.2}, "call rates add up to"},
		{"sms sum", channeltest.Rates{SMSStop: 0.6, SMSReply: 0.6}, "sms rates add up to"},
		{"send errors sum", channeltest.Rates{SendPermanent: 0.7, SendRetryable: 0.7}, "send error rates add up to"},
		{"single rate", channeltest.Rates{LetterDelivered: 1.5}, "letter delivered rates add up to 1.5"},
		{"accept window", channeltest.Rates{ConnectionAcceptMinDays: 12}, "ConnectionAcceptMinDays 12 is after ConnectionAcceptMaxDays 10"},
		{"sums of exactly one pass", channeltest.Rates{CallAnswered: 0.25, CallVoicemail: 0.25, CallBusy: 0.25, CallNoAnswer: 0.25}, ""},
	} {
		err := tt.rates.Validate()
		if tt.want == "" {
			require.NoError(t, err, tt.name)
		} else {
			require.ErrorContains(t, err, tt.want, tt.name)
		}
	}
}

func TestModelSendError(t *testing.T) {
	t.Parallel()
	m := messageFor(channel.Email, "t1")
	for _, tt := range []struct {
		name   string
		rates  channeltest.Rates
		first  channel.ErrorClass
		second channel.ErrorClass
	}{
		{"no errors by default", channeltest.Rates{}, channel.ClassNone, channel.ClassNone},
		{"retryable fails the first attempt only", channeltest.Rates{SendRetryable: 1}, channel.ClassRetryable, channel.ClassNone},
		{"rate limited fails the first attempt only", channeltest.Rates{SendRateLimited: 1}, channel.ClassRateLimited, channel.ClassNone},
		{"permanent fails every attempt", channeltest.Rates{SendPermanent: 1}, channel.ClassPermanent, channel.ClassPermanent},
		{"opted out fails every attempt", channeltest.Rates{SendOptedOut: 1}, channel.ClassOptedOut, channel.ClassOptedOut},
	} {
		model := &channeltest.Model{Seed: 1, Rates: tt.rates}
		require.Equal(t, tt.first, channel.Classify(model.SendError(m, 0)), tt.name)
		require.Equal(t, tt.second, channel.Classify(model.SendError(m, 1)), tt.name)
		require.Equal(t, tt.second, channel.Classify(model.SendError(m, 5)), tt.name)
	}
	d, ok := channel.RetryAfter((&channeltest.Model{Rates: channeltest.Rates{SendRateLimited: 1}}).SendError(m, 0))
	require.True(t, ok)
	require.Equal(t, 30*time.Second, d)
}

// tally draws events for n keys of kind k with the default rates and counts
// the event types.
func tally(t *testing.T, k channel.Kind, a channel.Action, n int) (map[channel.EventType]int, []channel.Event) {
	t.Helper()
	model := &channeltest.Model{Seed: 2026}
	counts := map[channel.EventType]int{}
	var all []channel.Event
	for i := range n {
		m := messageFor(k, fmt.Sprintf("k%06d", i))
		if a != "" {
			m.Action = a
			m.Body = "Hi there"
		}
		rc := channel.Receipt{Provider: "fake", ProviderMessageID: "fake-" + m.IdempotencyKey, Status: channel.StatusAccepted}
		evs := model.Events(m, rc, t0)
		seen := map[string]bool{}
		for i, e := range evs {
			// Plain checks: this loop runs hundreds of thousands of times.
			if err := e.Validate(); err != nil {
				t.Fatalf("invalid event %+v: %v", e, err)
			}
			if seen[e.ProviderEventID] {
				t.Fatalf("event ID %q repeats within one message", e.ProviderEventID)
			}
			seen[e.ProviderEventID] = true
			if e.IdempotencyKey != m.IdempotencyKey || e.ProviderMessageID != rc.ProviderMessageID || !maps.Equal(e.Metadata, m.Metadata) {
				t.Fatalf("event %+v does not carry the message's key, receipt and metadata", e)
			}
			if e.At.Before(t0) {
				t.Fatalf("event %+v before the send", e)
			}
			if i > 0 && e.At.Before(evs[i-1].At) {
				t.Fatalf("events not sorted by time: %+v", evs)
			}
			counts[e.Type]++
		}
		all = append(all, evs...)
	}
	return counts, all
}

// requireRate checks an observed count against a probability within four
// standard deviations of a binomial (the draw is fixed, so this never flakes;
// it catches a wrong rate).
func requireRate(t *testing.T, name string, count, n int, p float64) {
	t.Helper()
	sd := math.Sqrt(float64(n) * p * (1 - p))
	require.InDelta(t, p*float64(n), float64(count), 4*sd+1, "%s: %d of %d, want rate %g", name, count, n, p)
}

func TestModelEmailRates(t *testing.T) {
	t.Parallel()
	const n = 40000
	c, all := tally(t, channel.Email, "", n)
	requireRate(t, "hard bounce", c[channel.EventBounced], n, 0.02)
	requireRate(t, "delivered", c[channel.EventDelivered], n, 0.98)
	requireRate(t, "complaint", c[channel.EventComplained], n, 0.001)
	requireRate(t, "unsubscribe", c[channel.EventOptedOut], n, 0.01)
	requireRate(t, "reply incl. out-of-office", c[channel.EventReplied]+c[channel.EventOutOfOffice], n, 0.04)
	requireRate(t, "out-of-office", c[channel.EventOutOfOffice], n, 0.01)
	require.Equal(t, n, c[channel.EventBounced]+c[channel.EventDelivered], "every email bounces or is delivered")
	for _, e := range all {
		switch e.Type {
		case channel.EventOutOfOffice:
			require.False(t, e.ReturnAt.IsZero())
			days := e.ReturnAt.Sub(t0.Truncate(24*time.Hour)).Hours() / 24
			require.GreaterOrEqual(t, days, 3.0)
			require.LessOrEqual(t, days, 14.0)
			require.Equal(t, e.ReturnAt, e.ReturnAt.Truncate(24*time.Hour), "midnight UTC")
			require.Contains(t, e.Body, e.ReturnAt.Format("2 January 2006"))
		case channel.EventReplied:
			require.LessOrEqual(t, e.At.Sub(t0), 5*24*time.Hour)
			require.NotEmpty(t, e.Body)
			require.Equal(t, "sam@send.example.com", e.To, "a reply comes to the mailbox")
		case channel.EventBounced:
			require.LessOrEqual(t, e.At.Sub(t0), 5*time.Minute)
		}
	}
}

func TestModelCallRates(t *testing.T) {
	t.Parallel()
	const n = 20000
	c, all := tally(t, channel.Voice, "", n)
	requireRate(t, "answered", c[channel.EventCallAnswered], n, 0.15)
	requireRate(t, "voicemail", c[channel.EventCallVoicemail], n, 0.35)
	requireRate(t, "busy", c[channel.EventCallBusy], n, 0.10)
	requireRate(t, "no answer", c[channel.EventCallNoAnswer], n, 0.40)
	require.Zero(t, c[channel.EventCallFailed], "the default rates leave nothing to fail")
	require.Len(t, all, n, "one outcome per call")
	for _, e := range all {
		if e.At.Sub(t0) > 90*time.Second || e.Detail == "" {
			t.Fatalf("call outcome %+v: want a Detail, within 90 s of the call", e)
		}
	}

	failing := &channeltest.Model{Rates: channeltest.Rates{CallNoAnswer: 0.1}}
	failed := 0
	for i := range 2000 {
		evs := failing.Events(messageFor(channel.Voice, fmt.Sprint(i)), channel.Receipt{}, t0)
		if evs[0].Type == channel.EventCallFailed {
			failed++
		}
	}
	requireRate(t, "failed remainder", failed, 2000, 1-0.15-0.35-0.10-0.1)
}

func TestModelLinkedInRates(t *testing.T) {
	t.Parallel()
	const n = 20000
	c, all := tally(t, channel.LinkedIn, "", n)
	requireRate(t, "accepted", c[channel.EventConnectionAccepted], n, 0.30)
	require.Len(t, all, c[channel.EventConnectionAccepted])
	for _, e := range all {
		if d := e.At.Sub(t0); d < 24*time.Hour || d > 10*24*time.Hour {
			t.Fatalf("connection accepted %v after the request, want 1 to 10 days", d)
		}
	}
	c, _ = tally(t, channel.LinkedIn, channel.ActionLinkedInMessage, n)
	requireRate(t, "message reply", c[channel.EventReplied], n, 0.10)
	require.Zero(t, c[channel.EventConnectionAccepted])
}

func TestModelSMSRates(t *testing.T) {
	t.Parallel()
	const n = 40000
	c, all := tally(t, channel.SMS, "", n)
	require.Equal(t, n, c[channel.EventDelivered])
	requireRate(t, "STOP", c[channel.EventOptedOut], n, 0.02)
	requireRate(t, "reply", c[channel.EventReplied], n, 0.03)
	for _, e := range all {
		switch e.Type {
		case channel.EventOptedOut:
			require.Equal(t, channel.KeywordOptOut, channel.ParseKeyword(e.Body))
			require.Equal(t, "+61412345678", e.From, "STOP comes from the recipient's number")
			require.Equal(t, "+61400000001", e.To)
		case channel.EventReplied:
			require.Equal(t, channel.KeywordNone, channel.ParseKeyword(e.Body), "a reply is not a keyword")
		}
	}
}

func TestModelLetterRates(t *testing.T) {
	t.Parallel()
	const n = 20000
	c, all := tally(t, channel.Mail, "", n)
	requireRate(t, "delivered", c[channel.EventDelivered], n, 0.95)
	require.Equal(t, n, c[channel.EventDelivered]+c[channel.EventBounced])
	for _, e := range all {
		if d := e.At.Sub(t0); d < 3*24*time.Hour || d > 14*24*time.Hour {
			t.Fatalf("letter event %+v %v after the send, want 3 to 14 days", e, d)
		}
	}
}

func TestModelDrawKeyAndSendTime(t *testing.T) {
	t.Parallel()
	model := &channeltest.Model{Seed: 9, DrawKey: func(m *channel.Message) string { return m.Metadata["lead"] }}
	rc := channel.Receipt{Provider: "fake", ProviderMessageID: "x"}
	diff := 0
	for i := range 500 {
		a := messageFor(channel.Voice, fmt.Sprintf("run1-%d", i))
		b := messageFor(channel.Voice, fmt.Sprintf("run2-%d", i))
		a.Metadata = map[string]string{"lead": fmt.Sprint(i)}
		b.Metadata = map[string]string{"lead": fmt.Sprint(i)}
		ea, eb := model.Events(a, rc, t0), model.Events(b, rc, t0.Add(48*time.Hour))
		require.Len(t, eb, len(ea))
		for j := range ea {
			require.Equal(t, ea[j].Type, eb[j].Type, "same draw key, same outcome")
			require.Equal(t, ea[j].At.Add(48*time.Hour), eb[j].At, "a later send shifts the events, nothing else")
		}
		plain := &channeltest.Model{Seed: 9}
		if plain.Events(a, rc, t0)[0].Type != plain.Events(b, rc, t0)[0].Type {
			diff++
		}
	}
	require.Positive(t, diff, "without DrawKey the idempotency keys decide")
}
