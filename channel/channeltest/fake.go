package channeltest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// Outcome is one scripted answer to a Send. The zero value accepts the
// message.
type Outcome struct {
	// Err, when not nil, fails the Send with this error; the other fields are
	// then ignored. Use the channel package's constructors to give it a
	// class: Fail(channel.RateLimited(time.Minute, err)).
	Err error
	// Status is the receipt's status. Default channel.StatusAccepted.
	Status channel.Status
	// ProviderMessageID is the receipt's message ID. Default
	// "<provider>-<idempotency key>".
	ProviderMessageID string
	// At is the receipt's time. Default the fake's clock, or zero without
	// one.
	At time.Time
}

// Accept returns an outcome that accepts the message with the given status.
func Accept(s channel.Status) Outcome { return Outcome{Status: s} }

// Fail returns an outcome that fails the Send with err.
func Fail(err error) Outcome { return Outcome{Err: err} }

// Config configures a [Fake]. The zero value (or a nil *Config) uses every
// default.
type Config struct {
	// Provider is the provider name receipts and events carry. Default
	// "fake".
	Provider string
	// Now stamps attempts, deliveries and receipts. Default nil: those times
	// are zero. Pass a fake clock's Now; never the wall clock in tests that
	// compare times.
	Now func() time.Time
	// Model draws seeded send errors for messages the script does not cover.
	// Default nil: such messages are accepted.
	Model *Model
	// SkipValidation turns off the check of every message with
	// channel.Validate. Default false: an invalid message fails with a
	// permanent error wrapping the *channel.ValidationError, as a provider
	// rejects a malformed request.
	SkipValidation bool
	// Info is what the fake declares of itself to the engine
	// (channel.Describer): the provider account whose resources it sends
	// for, its delivery semantics and rate. Default (zero): a catch-all for
	// its kind with the kind's default delivery and no rate limit.
	Info channel.Info
}

// Sent is one message the fake delivered: the first accepted Send of an
// idempotency key.
type Sent struct {
	// Message is a copy of the message as it was sent.
	Message *channel.Message
	// Receipt is what Send returned.
	Receipt channel.Receipt
	// At is the fake's clock at the Send, or zero without a clock.
	At time.Time
}

// Attempt is one call to Send, whatever came of it.
type Attempt struct {
	// Message is a copy of the message passed in (nil if Send got nil).
	Message *channel.Message
	// Receipt is what Send returned; zero when it failed.
	Receipt channel.Receipt
	// Err is the error Send returned, or nil.
	Err error
	// Duplicate reports that the key had already been delivered: Send
	// returned the first receipt and delivered nothing.
	Duplicate bool
	// At is the fake's clock at the call, or zero without a clock.
	At time.Time
}

// Fake is a [channel.Channel] (and [channel.Reconciler]) for one channel kind
// that records every Send and answers from a script, a seeded [Model] or by
// accepting. It is safe for concurrent use.
//
// Like a provider with idempotency keys, it delivers each key once: a second
// Send with a key already delivered returns the first receipt, is recorded as
// a duplicate attempt, consumes no scripted outcome and does not count as a
// delivery. A failed Send delivers nothing, so the key may be sent again.
//
// Each Send takes its answer from, in order: the queue scripted for its
// recipient ([Fake.ScriptFor]), the general queue ([Fake.Script]), the
// [Model] (its SendError for that key and attempt number), else it accepts.
type Fake struct {
	kind  channel.Kind
	cfg   Config
	mu    sync.Mutex
	state fakeState
}

type fakeState struct {
	script   []Outcome
	scriptTo map[string][]Outcome
	sent     []Sent
	byKey    map[string]int // index into sent
	tries    map[string]int // failed-or-accepted attempts per key, duplicates excluded
	attempts []Attempt

	withdrawFails []error           // answers queued for the next Withdraws
	withdrawn     map[string]string // provider message ID → the resource address it was withdrawn from
}

var (
	_ channel.Channel    = (*Fake)(nil)
	_ channel.Reconciler = (*Fake)(nil)
	_ channel.Withdrawer = (*Fake)(nil)
)

// New returns a fake for channel kind k. cfg may be nil. It fails on an
// unknown kind or a Model whose rates do not validate.
func New(k channel.Kind, cfg *Config) (*Fake, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("channeltest: unknown kind %q", k)
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Provider == "" {
		c.Provider = "fake"
	}
	if c.Model != nil {
		if err := c.Model.Validate(); err != nil {
			return nil, err
		}
	}
	return &Fake{kind: k, cfg: c}, nil
}

// Kind returns the fake's channel.
func (f *Fake) Kind() channel.Kind { return f.kind }

// Provider returns the provider name receipts carry.
func (f *Fake) Provider() string { return f.cfg.Provider }

// Describe implements channel.Describer with Config.Info.
func (f *Fake) Describe() channel.Info { return f.cfg.Info }

// Script appends outcomes to the general queue: each Send not covered by a
// recipient's queue takes the next one.
func (f *Fake) Script(outcomes ...Outcome) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state.script = append(f.state.script, outcomes...)
}

// ScriptFor appends outcomes to the queue of one recipient address, as
// channel.Recipient.Address returns it for the fake's kind (matched
// exactly). That queue is used before the general one.
func (f *Fake) ScriptFor(addr string, outcomes ...Outcome) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state.scriptTo == nil {
		f.state.scriptTo = make(map[string][]Outcome)
	}
	f.state.scriptTo[addr] = append(f.state.scriptTo[addr], outcomes...)
}

// Send records m and answers as [Fake] describes. A context already done
// fails with its error, unclassified, and delivers nothing.
func (f *Fake) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	at := f.now()
	att := Attempt{Message: m.Clone(), At: at}
	r, dup, err := f.send(ctx, m, at)
	att.Receipt, att.Duplicate, att.Err = r, dup, err
	f.state.attempts = append(f.state.attempts, att)
	return r, err
}

func (f *Fake) send(ctx context.Context, m *channel.Message, at time.Time) (channel.Receipt, bool, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, false, err
	}
	if m == nil {
		return channel.Receipt{}, false, channel.Permanent(errors.New("channeltest: nil message"))
	}
	if m.Kind != f.kind {
		return channel.Receipt{}, false, channel.Permanent(fmt.Errorf("channeltest: %s fake got a %s message", f.kind, m.Kind))
	}
	if !f.cfg.SkipValidation {
		if _, err := channel.Validate(m); err != nil {
			return channel.Receipt{}, false, &channel.Error{Class: channel.ClassPermanent, Provider: f.cfg.Provider, Err: err}
		}
	}
	if i, ok := f.state.byKey[m.IdempotencyKey]; ok {
		return f.state.sent[i].Receipt, true, nil
	}
	try := f.state.tries[m.IdempotencyKey]
	if f.state.tries == nil {
		f.state.tries = make(map[string]int)
	}
	f.state.tries[m.IdempotencyKey] = try + 1

	o, ok := f.nextScripted(m.To.Address(f.kind))
	if !ok && f.cfg.Model != nil {
		o = Outcome{Err: f.cfg.Model.SendError(m, try)}
	}
	if o.Err != nil {
		return channel.Receipt{}, false, o.Err
	}
	r := channel.Receipt{
		Provider:          f.cfg.Provider,
		ProviderMessageID: o.ProviderMessageID,
		Status:            o.Status,
		At:                o.At,
	}
	if r.ProviderMessageID == "" {
		r.ProviderMessageID = f.cfg.Provider + "-" + m.IdempotencyKey
	}
	if r.Status == "" {
		r.Status = channel.StatusAccepted
	}
	if r.At.IsZero() {
		r.At = at
	}
	if f.state.byKey == nil {
		f.state.byKey = make(map[string]int)
	}
	f.state.byKey[m.IdempotencyKey] = len(f.state.sent)
	f.state.sent = append(f.state.sent, Sent{Message: m.Clone(), Receipt: r, At: at})
	return r, false, nil
}

func (f *Fake) nextScripted(addr string) (Outcome, bool) {
	if q := f.state.scriptTo[addr]; len(q) > 0 {
		f.state.scriptTo[addr] = q[1:]
		return q[0], true
	}
	if len(f.state.script) > 0 {
		o := f.state.script[0]
		f.state.script = f.state.script[1:]
		return o, true
	}
	return Outcome{}, false
}

func (f *Fake) now() time.Time {
	if f.cfg.Now == nil {
		return time.Time{}
	}
	return f.cfg.Now()
}

// Lookup implements channel.Reconciler: the receipt of the delivered message
// with this idempotency key, if any.
func (f *Fake) Lookup(ctx context.Context, idempotencyKey string) (channel.Receipt, bool, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if i, ok := f.state.byKey[idempotencyKey]; ok {
		return f.state.sent[i].Receipt, true, nil
	}
	return channel.Receipt{}, false, nil
}

// Withdraw implements channel.Withdrawer: it takes back the delivered
// message whose receipt has providerMessageID, sent from the address from.
// A message the fake never delivered from there, or already withdrew, is a
// permanent error, as a provider answers for an invitation no longer
// pending; an error queued by [Fake.FailWithdraw] is returned first. A
// context already done fails with its error.
func (f *Fake) Withdraw(ctx context.Context, from, providerMessageID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.state.withdrawFails) > 0 {
		err := f.state.withdrawFails[0]
		f.state.withdrawFails = f.state.withdrawFails[1:]
		return err
	}
	if _, done := f.state.withdrawn[providerMessageID]; done {
		return channel.Permanent(fmt.Errorf("channeltest: %s was already withdrawn", providerMessageID))
	}
	for _, s := range f.state.sent {
		if s.Receipt.ProviderMessageID == providerMessageID && s.Message.From.Address == from {
			if f.state.withdrawn == nil {
				f.state.withdrawn = map[string]string{}
			}
			f.state.withdrawn[providerMessageID] = from
			return nil
		}
	}
	return channel.Permanent(fmt.Errorf("channeltest: no message %s sent from %q", providerMessageID, from))
}

// FailWithdraw queues errs as the answers of the next Withdraws, in order.
func (f *Fake) FailWithdraw(errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state.withdrawFails = append(f.state.withdrawFails, errs...)
}

// Withdrawn returns the provider message IDs withdrawn, sorted.
func (f *Fake) Withdrawn() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.state.withdrawn))
}

// Sent returns the delivered messages in the order they were accepted, as
// copies.
func (f *Fake) Sent() []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneSent(f.state.sent, func(Sent) bool { return true })
}

// SentTo returns the delivered messages whose recipient address for the
// fake's kind (channel.Recipient.Address) is addr, matched exactly.
func (f *Fake) SentTo(addr string) []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneSent(f.state.sent, func(s Sent) bool { return s.Message.To.Address(f.kind) == addr })
}

// SentKey returns the delivered message with this idempotency key.
func (f *Fake) SentKey(key string) (Sent, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, ok := f.state.byKey[key]
	if !ok {
		return Sent{}, false
	}
	s := f.state.sent[i]
	s.Message = s.Message.Clone()
	return s, true
}

// Count returns the number of delivered messages: distinct idempotency keys
// accepted.
func (f *Fake) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.state.sent)
}

// Attempts returns every call to Send in order, duplicates and failures
// included, as copies.
func (f *Fake) Attempts() []Attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.state.attempts)
	for i := range out {
		out[i].Message = out[i].Message.Clone()
	}
	return out
}

// Reset forgets every send, attempt, idempotency key and scripted outcome.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = fakeState{}
}

func cloneSent(in []Sent, keep func(Sent) bool) []Sent {
	var out []Sent
	for _, s := range in {
		if keep(s) {
			s.Message = s.Message.Clone()
			out = append(out, s)
		}
	}
	return out
}
