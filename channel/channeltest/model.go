package channeltest

import (
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// Rates are the probabilities a [Model] draws outcomes with, each in [0, 1].
// A zero field takes its default; a negative one means 0 (never). The
// defaults are the rates of a typical cold-outreach campaign (the field's
// published benchmarks) unless a comment says otherwise.
//
// Within one group the outcomes exclude each other and are drawn from one
// number, so each group's rates must add up to at most 1: email (hard
// bounce, complaint, unsubscribe, reply), voice (answered, voicemail, busy,
// no answer; the rest fail), SMS (STOP, reply) and send errors.
type Rates struct {
	// EmailHardBounce: a hard bounce, no delivery. Default 0.02.
	EmailHardBounce float64
	// EmailComplaint: delivered, then a spam complaint. Default 0.001.
	EmailComplaint float64
	// EmailUnsubscribe: delivered, then an unsubscribe. Default 0.01.
	EmailUnsubscribe float64
	// EmailReply: delivered, then a reply or an out-of-office. Default 0.04.
	EmailReply float64
	// EmailOutOfOfficeShare is the share of email replies that are
	// out-of-office. Default 0.25.
	EmailOutOfOfficeShare float64

	// CallAnswered: a person answers. Default 0.15.
	CallAnswered float64
	// CallVoicemail: voicemail picks up. Default 0.35.
	CallVoicemail float64
	// CallBusy: the line is busy. Default 0.10.
	CallBusy float64
	// CallNoAnswer: it rings out. Default 0.40. What is left of 1 after the
	// four call outcomes fails (0 with the defaults).
	CallNoAnswer float64

	// ConnectionAccepted: a LinkedIn connection request is accepted, some
	// time between ConnectionAcceptMinDays and ConnectionAcceptMaxDays after
	// it was sent. Default 0.30.
	ConnectionAccepted float64
	// ConnectionAcceptMinDays: default 1.
	ConnectionAcceptMinDays int
	// ConnectionAcceptMaxDays: default 10.
	ConnectionAcceptMaxDays int
	// LinkedInReply: a LinkedIn message gets a reply. Default 0.10 (chosen
	// here).
	LinkedInReply float64

	// SMSStop: the recipient texts STOP. Default 0.02.
	SMSStop float64
	// SMSReply: the recipient texts a reply. Default 0.03.
	SMSReply float64

	// LetterDelivered: a letter is delivered; the rest are returned to
	// sender (a bounce). Default 0.95.
	LetterDelivered float64

	// SendRetryable: the first Send attempt of a key fails with a retryable
	// error; later attempts succeed. Default 0.
	SendRetryable float64
	// SendRateLimited: the first attempt fails rate-limited with a 30 s
	// retry-after; later attempts succeed. Default 0.
	SendRateLimited float64
	// SendPermanent: every attempt fails permanently. Default 0.
	SendPermanent float64
	// SendOptedOut: every attempt fails with an opted-out error. Default 0.
	SendOptedOut float64
}

// DefaultRates returns the default rates.
func DefaultRates() Rates { return Rates{}.WithDefaults() }

// WithDefaults returns a copy of r with zero fields set to their defaults
// and negative ones set to 0.
func (r Rates) WithDefaults() Rates {
	f := func(v *float64, d float64) {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			*v = 0
		}
	}
	f(&r.EmailHardBounce, 0.02)
	f(&r.EmailComplaint, 0.001)
	f(&r.EmailUnsubscribe, 0.01)
	f(&r.EmailReply, 0.04)
	f(&r.EmailOutOfOfficeShare, 0.25)
	f(&r.CallAnswered, 0.15)
	f(&r.CallVoicemail, 0.35)
	f(&r.CallBusy, 0.10)
	f(&r.CallNoAnswer, 0.40)
	f(&r.ConnectionAccepted, 0.30)
	f(&r.LinkedInReply, 0.10)
	f(&r.SMSStop, 0.02)
	f(&r.SMSReply, 0.03)
	f(&r.LetterDelivered, 0.95)
	f(&r.SendRetryable, 0)
	f(&r.SendRateLimited, 0)
	f(&r.SendPermanent, 0)
	f(&r.SendOptedOut, 0)
	if r.ConnectionAcceptMinDays <= 0 {
		r.ConnectionAcceptMinDays = 1
	}
	if r.ConnectionAcceptMaxDays <= 0 {
		r.ConnectionAcceptMaxDays = 10
	}
	return r
}

// Validate checks r after defaults: every rate at most 1, each group's sum at
// most 1, and ConnectionAcceptMinDays <= ConnectionAcceptMaxDays.
func (r Rates) Validate() error {
	r = r.WithDefaults()
	const eps = 1e-9
	for _, g := range []struct {
		name  string
		rates []float64
	}{
		{"email", []float64{r.EmailHardBounce, r.EmailComplaint, r.EmailUnsubscribe, r.EmailReply}},
		{"email out-of-office share", []float64{r.EmailOutOfOfficeShare}},
		{"call", []float64{r.CallAnswered, r.CallVoicemail, r.CallBusy, r.CallNoAnswer}},
		{"connection accepted", []float64{r.ConnectionAccepted}},
		{"linkedin reply", []float64{r.LinkedInReply}},
		{"sms", []float64{r.SMSStop, r.SMSReply}},
		{"letter delivered", []float64{r.LetterDelivered}},
		{"send error", []float64{r.SendRetryable, r.SendRateLimited, r.SendPermanent, r.SendOptedOut}},
	} {
		sum := 0.0
		for _, v := range g.rates {
			sum += v
		}
		if sum > 1+eps {
			return fmt.Errorf("channeltest: %s rates add up to %g, more than 1", g.name, sum)
		}
	}
	if r.ConnectionAcceptMinDays > r.ConnectionAcceptMaxDays {
		return fmt.Errorf("channeltest: ConnectionAcceptMinDays %d is after ConnectionAcceptMaxDays %d",
			r.ConnectionAcceptMinDays, r.ConnectionAcceptMaxDays)
	}
	return nil
}

// Model draws send errors and the inbound events that follow a send from a
// seed and a per-message key, so the same seed and key give the same
// outcome whatever order messages are sent in, on any goroutine. It never
// reads the wall clock: event times are offsets from the send time it is
// given. A Model is read-only and safe for concurrent use.
type Model struct {
	// Seed selects the run. Default 0, which is a seed like any other.
	Seed uint64
	// Rates are the outcome probabilities; zero fields take their defaults.
	Rates Rates
	// DrawKey returns the key outcomes are drawn from. Default: the
	// message's IdempotencyKey (the touch ID). A simulation whose touch IDs
	// differ between runs can draw from stable IDs in Metadata (lead and
	// step) instead.
	DrawKey func(m *channel.Message) string
	// Replies are the texts replies are drawn from, each with the same
	// chance, on every channel (an SMS STOP is an opt-out, not a reply).
	// Default: one fixed text per channel ("Thanks for reaching out. Can
	// we talk next week?" for email).
	Replies []string
}

// Validate checks the model's rates.
func (m *Model) Validate() error { return m.Rates.Validate() }

// Streams of the draw, so send errors and events never share numbers.
const (
	streamSend uint64 = iota + 1
	streamEvents
)

func (m *Model) rng(msg *channel.Message, stream uint64) *rand.Rand {
	key := msg.IdempotencyKey
	if m.DrawKey != nil {
		key = m.DrawKey(msg)
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	return rand.New(rand.NewPCG(m.Seed, h.Sum64()^stream*0x9e3779b97f4a7c15))
}

// SendError returns the error a provider answers to the attempt-th (from 0)
// Send of msg, or nil to accept it. Retryable and rate-limited draws fail
// only attempt 0, so a retry succeeds; permanent and opted-out draws fail
// every attempt.
func (m *Model) SendError(msg *channel.Message, attempt int) error {
	r := m.Rates.WithDefaults()
	u := m.rng(msg, streamSend).Float64()
	switch {
	case u < r.SendRetryable:
		if attempt == 0 {
			return channel.Retryable(errors.New("channeltest: simulated transient failure"))
		}
	case u < r.SendRetryable+r.SendRateLimited:
		if attempt == 0 {
			return channel.RateLimited(30*time.Second, errors.New("channeltest: simulated rate limit"))
		}
	case u < r.SendRetryable+r.SendRateLimited+r.SendPermanent:
		return channel.Permanent(errors.New("channeltest: simulated permanent failure"))
	case u < r.SendRetryable+r.SendRateLimited+r.SendPermanent+r.SendOptedOut:
		return channel.OptedOut(errors.New("channeltest: simulated opt-out at the provider"))
	}
	return nil
}

// Events returns the inbound events a provider reports after accepting msg
// with receipt rc at sentAt, sorted by time. Each event carries the
// receipt's provider and message ID, the message's idempotency key, kind
// and metadata, and a ProviderEventID of "<provider message ID>/<type>".
//
//   - Email: a hard bounce within 5 minutes; otherwise delivered within a
//     minute, then possibly a complaint or unsubscribe (1–72 hours), or a
//     reply (1 hour to 5 days) or out-of-office (1–10 minutes, ReturnAt 3–14
//     days after the send, at midnight UTC).
//   - Voice: one call outcome 10–90 seconds after the send, with the
//     matching Detail.
//   - LinkedIn: an accepted connection request between the min and max days,
//     or a reply to a message (1 hour to 3 days).
//   - SMS: delivered within 30 seconds, then possibly a STOP (Body "STOP") or
//     a reply (1 minute to 4 hours).
//   - Mail: delivered 3–7 days after the send, or returned to sender
//     (bounced) 7–14 days after it.
func (m *Model) Events(msg *channel.Message, rc channel.Receipt, sentAt time.Time) []channel.Event {
	r := m.Rates.WithDefaults()
	g := m.rng(msg, streamEvents)
	u := g.Float64()
	within := func(lo, hi time.Duration) time.Time {
		return sentAt.Add(lo + time.Duration(g.Int64N(int64(hi-lo)+1)))
	}
	recipient := msg.To.Address(msg.Kind)
	var out []channel.Event
	outbound := func(t channel.EventType, at time.Time, detail string) {
		out = append(out, m.event(msg, rc, t, at, msg.From.Address, recipient, detail, ""))
	}
	inbound := func(t channel.EventType, at time.Time, body string) {
		out = append(out, m.event(msg, rc, t, at, recipient, msg.From.Address, "", body))
	}

	switch msg.Kind {
	case channel.Email:
		if u < r.EmailHardBounce {
			outbound(channel.EventBounced, within(10*time.Second, 5*time.Minute), "550 5.1.1 mailbox unavailable")
			break
		}
		outbound(channel.EventDelivered, within(time.Second, time.Minute), "")
		switch c := u - r.EmailHardBounce; {
		case c < r.EmailComplaint:
			outbound(channel.EventComplained, within(time.Hour, 72*time.Hour), "marked as spam")
		case c < r.EmailComplaint+r.EmailUnsubscribe:
			inbound(channel.EventOptedOut, within(time.Hour, 72*time.Hour), "")
		case c < r.EmailComplaint+r.EmailUnsubscribe+r.EmailReply:
			if g.Float64() < r.EmailOutOfOfficeShare {
				days := 3 + g.IntN(12)
				ret := sentAt.UTC().Truncate(24*time.Hour).AddDate(0, 0, days)
				inbound(channel.EventOutOfOffice, within(time.Minute, 10*time.Minute),
					"I am out of the office until "+ret.Format("2 January 2006")+".")
				out[len(out)-1].ReturnAt = ret
			} else {
				inbound(channel.EventReplied, within(time.Hour, 5*24*time.Hour), m.reply(g, "Thanks for reaching out. Can we talk next week?"))
			}
		}
	case channel.Voice:
		t, detail := channel.EventCallFailed, "call-failed"
		switch {
		case u < r.CallAnswered:
			t, detail = channel.EventCallAnswered, "customer-ended-call"
		case u < r.CallAnswered+r.CallVoicemail:
			t, detail = channel.EventCallVoicemail, "voicemail"
		case u < r.CallAnswered+r.CallVoicemail+r.CallBusy:
			t, detail = channel.EventCallBusy, "customer-busy"
		case u < r.CallAnswered+r.CallVoicemail+r.CallBusy+r.CallNoAnswer:
			t, detail = channel.EventCallNoAnswer, "customer-did-not-answer"
		}
		outbound(t, within(10*time.Second, 90*time.Second), detail)
	case channel.LinkedIn:
		if msg.ResolvedAction() == channel.ActionLinkedInMessage {
			if u < r.LinkedInReply {
				inbound(channel.EventReplied, within(time.Hour, 3*24*time.Hour), m.reply(g, "Thanks, happy to chat."))
			}
			break
		}
		if u < r.ConnectionAccepted {
			day := 24 * time.Hour
			inbound(channel.EventConnectionAccepted,
				within(time.Duration(r.ConnectionAcceptMinDays)*day, time.Duration(r.ConnectionAcceptMaxDays)*day), "")
		}
	case channel.SMS:
		outbound(channel.EventDelivered, within(time.Second, 30*time.Second), "")
		switch {
		case u < r.SMSStop:
			inbound(channel.EventOptedOut, within(time.Minute, 4*time.Hour), "STOP")
		case u < r.SMSStop+r.SMSReply:
			inbound(channel.EventReplied, within(time.Minute, 4*time.Hour), m.reply(g, "Sounds good, call me tomorrow"))
		}
	case channel.Mail:
		if u < r.LetterDelivered {
			outbound(channel.EventDelivered, within(3*24*time.Hour, 7*24*time.Hour), "")
		} else {
			outbound(channel.EventBounced, within(7*24*time.Hour, 14*24*time.Hour), "returned to sender")
		}
	}
	slices.SortStableFunc(out, func(a, b channel.Event) int { return a.At.Compare(b.At) })
	return out
}

// reply draws a reply's text from Replies, or is def without them.
func (m *Model) reply(g *rand.Rand, def string) string {
	if len(m.Replies) == 0 {
		return def
	}
	return m.Replies[g.IntN(len(m.Replies))]
}

func (m *Model) event(msg *channel.Message, rc channel.Receipt, t channel.EventType, at time.Time, from, to, detail, body string) channel.Event {
	provider := rc.Provider
	if provider == "" {
		provider = "fake"
	}
	ref := rc.ProviderMessageID
	if ref == "" {
		ref = msg.IdempotencyKey
	}
	return channel.Event{
		Provider:          provider,
		ProviderEventID:   ref + "/" + string(t),
		Type:              t,
		Kind:              msg.Kind,
		ProviderMessageID: rc.ProviderMessageID,
		IdempotencyKey:    msg.IdempotencyKey,
		From:              from,
		To:                to,
		At:                at,
		Detail:            detail,
		Body:              body,
		Metadata:          maps.Clone(msg.Metadata),
	}
}
