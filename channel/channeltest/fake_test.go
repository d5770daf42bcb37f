package channeltest_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

// clock is a hand-advanced clock for the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func emailTo(key, addr string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionEmail)
	m.From = channel.Sender{ID: "mb1", Address: "sam@send.example.com"}
	m.To = channel.Recipient{Email: addr}
	m.Subject = "Hello"
	m.Body = "Hi. Unsubscribe: https://u.example.com/" + key
	m.Headers = map[string]string{"List-Unsubscribe": "<https://u.example.com/" + key + ">"}
	m.Metadata = map[string]string{"lead": "lead-" + key}
	return m
}

func smsTo(key, phone string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionSMS)
	m.From = channel.Sender{ID: "ph1", Address: "+61400000001"}
	m.To = channel.Recipient{Phone: phone}
	m.Body = "Hi, Sam here. Reply STOP to opt out"
	return m
}

type bundle struct {
	fake  *channeltest.Fake
	clock *clock
}

func setup(t *testing.T, k channel.Kind, cfg *channeltest.Config) bundle {
	t.Helper()
	c := &clock{t: t0}
	if cfg == nil {
		cfg = &channeltest.Config{}
	}
	cfg.Now = c.Now
	f, err := channeltest.New(k, cfg)
	require.NoError(t, err)
	return bundle{fake: f, clock: c}
}

func TestFakeRecordsSends(t *testing.T) {
	t.Parallel()
	b := setup(t, channel.Email, nil)
	ctx := context.Background()

	m := emailTo("t1", "ana@example.com")
	r, err := b.fake.Send(ctx, m)
	require.NoError(t, err)
	require.Equal(t, channel.Receipt{Provider: "fake", ProviderMessageID: "fake-t1", Status: channel.StatusAccepted, At: t0}, r)
	require.Equal(t, channel.Email, b.fake.Kind())

	// The fake keeps a copy: changing the caller's message changes nothing.
	m.Subject = "changed"
	m.Metadata["lead"] = "changed"
	sent := b.fake.Sent()
	require.Len(t, sent, 1)
	require.Equal(t, "Hello", sent[0].Message.Subject)
	require.Equal(t, "lead-t1", sent[0].Message.Metadata["lead"])
	require.Equal(t, t0, sent[0].At)
	require.Equal(t, r, sent[0].Receipt)

	// And hands out copies: changing them changes nothing either.
	sent[0].Message.Metadata["lead"] = "changed"
	require.Equal(t, "lead-t1", b.fake.Sent()[0].Message.Metadata["lead"])

	b.clock.Advance(time.Minute)
	_, err = b.fake.Send(ctx, emailTo("t2", "bo@example.com"))
	require.NoError(t, err)
	require.Equal(t, 2, b.fake.Count())
	require.Len(t, b.fake.SentTo("bo@example.com"), 1)
	require.Equal(t, t0.Add(time.Minute), b.fake.SentTo("bo@example.com")[0].At)
	require.Empty(t, b.fake.SentTo("BO@example.com"), "addresses match exactly")
	require.Len(t, b.fake.Attempts(), 2)
}

func TestFakeWithoutClock(t *testing.T) {
	t.Parallel()
	f, err := channeltest.New(channel.SMS, nil)
	require.NoError(t, err)
	r, err := f.Send(context.Background(), smsTo("t1", "+61412345678"))
	require.NoError(t, err)
	require.True(t, r.At.IsZero())
	require.True(t, f.Sent()[0].At.IsZero())
}

func TestFakeIdempotency(t *testing.T) {
	t.Parallel()
	b := setup(t, channel.SMS, &channeltest.Config{Provider: "twilio"})
	ctx := context.Background()
	b.fake.Script(channeltest.Accept(channel.StatusQueued), channeltest.Fail(errors.New("must not be reached by a duplicate")))

	r1, err := b.fake.Send(ctx, smsTo("t1", "+61412345678"))
	require.NoError(t, err)
	require.Equal(t, channel.StatusQueued, r1.Status)
	require.Equal(t, "twilio", r1.Provider)

	b.clock.Advance(time.Hour)
	r2, err := b.fake.Send(ctx, smsTo("t1", "+61412345678"))
	require.NoError(t, err, "a duplicate consumes no scripted outcome")
	require.Equal(t, r1, r2, "a duplicate gets the first receipt")
	require.Equal(t, 1, b.fake.Count(), "a duplicate is not a second delivery")

	att := b.fake.Attempts()
	require.Len(t, att, 2)
	require.False(t, att[0].Duplicate)
	require.True(t, att[1].Duplicate)
	require.Equal(t, t0.Add(time.Hour), att[1].At)

	// The unconsumed failure now applies to the next new key.
	_, err = b.fake.Send(ctx, smsTo("t2", "+61412345678"))
	require.EqualError(t, err, "must not be reached by a duplicate")
	require.Equal(t, 1, b.fake.Count())
}

func TestFakeFailureThenRetry(t *testing.T) {
	t.Parallel()
	b := setup(t, channel.Email, nil)
	ctx := context.Background()
	b.fake.Script(channeltest.Fail(channel.RateLimited(time.Minute, errors.New("429"))))

	_, err := b.fake.Send(ctx, emailTo("t1", "ana@example.com"))
	require.True(t, channel.IsRateLimited(err))
	d, ok := channel.RetryAfter(err)
	require.True(t, ok)
	require.Equal(t, time.Minute, d)
	require.Zero(t, b.fake.Count(), "a failed send delivers nothing")
	channeltest.RequireNotSent(t, b.fake, "t1")
	_, found, err := b.fake.Lookup(ctx, "t1")
	require.NoError(t, err)
	require.False(t, found)

	r, err := b.fake.Send(ctx, emailTo("t1", "ana@example.com"))
	require.NoError(t, err, "the same key may be sent again after a failure")
	require.Equal(t, 1, b.fake.Count())
	got, found, err := b.fake.Lookup(ctx, "t1")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, r, got)

	att := b.fake.Attempts()
	require.Len(t, att, 2)
	require.Error(t, att[0].Err)
	require.Zero(t, att[0].Receipt)
	require.NoError(t, att[1].Err)
}

func TestFakeScriptPerRecipient(t *testing.T) {
	t.Parallel()
	b := setup(t, channel.SMS, nil)
	ctx := context.Background()
	b.fake.ScriptFor("+61400000009", channeltest.Fail(channel.OptedOut(errors.New("21610"))))
	b.fake.Script(channeltest.Outcome{Status: channel.StatusSent, ProviderMessageID: "SM123", At: t0.Add(-time.Second)})

	r, err := b.fake.Send(ctx, smsTo("a", "+61412345678"))
	require.NoError(t, err)
	require.Equal(t, channel.Receipt{Provider: "fake", ProviderMessageID: "SM123", Status: channel.StatusSent, At: t0.Add(-time.Second)}, r)

	_, err = b.fake.Send(ctx, smsTo("b", "+61400000009"))
	require.True(t, channel.IsOptedOut(err), "the recipient's queue goes first")

	_, err = b.fake.Send(ctx, smsTo("c", "+61400000009"))
	require.NoError(t, err, "queues exhausted: accept")
	require.Equal(t, 2, b.fake.Count())
}

func TestFakeRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("wrong kind", func(t *testing.T) {
		t.Parallel()
		b := setup(t, channel.Email, nil)
		_, err := b.fake.Send(ctx, smsTo("t1", "+61412345678"))
		require.True(t, channel.IsPermanent(err))
		require.ErrorContains(t, err, "email fake got a sms message")
		require.Zero(t, b.fake.Count())
		require.Len(t, b.fake.Attempts(), 1)
	})
	t.Run("invalid message", func(t *testing.T) {
		t.Parallel()
		b := setup(t, channel.Email, nil)
		m := emailTo("t1", "ana@example.com")
		delete(m.Headers, "List-Unsubscribe")
		_, err := b.fake.Send(ctx, m)
		require.True(t, channel.IsPermanent(err))
		var ve *channel.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "Headers[List-Unsubscribe]", ve.Field)
		require.Zero(t, b.fake.Count())
	})
	t.Run("invalid message accepted when validation is skipped", func(t *testing.T) {
		t.Parallel()
		b := setup(t, channel.Email, &channeltest.Config{SkipValidation: true})
		m := emailTo("t1", "ana@example.com")
		m.Headers = nil
		_, err := b.fake.Send(ctx, m)
		require.NoError(t, err)
		require.Equal(t, 1, b.fake.Count())
	})
	t.Run("nil message", func(t *testing.T) {
		t.Parallel()
		b := setup(t, channel.Email, nil)
		_, err := b.fake.Send(ctx, nil)
		require.True(t, channel.IsPermanent(err))
		require.Nil(t, b.fake.Attempts()[0].Message)
	})
	t.Run("context done", func(t *testing.T) {
		t.Parallel()
		b := setup(t, channel.Email, nil)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		b.fake.Script(channeltest.Accept(channel.StatusSent))
		_, err := b.fake.Send(cctx, emailTo("t1", "ana@example.com"))
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, b.fake.Count())
		_, _, err = b.fake.Lookup(cctx, "t1")
		require.ErrorIs(t, err, context.Canceled)
		r, err := b.fake.Send(ctx, emailTo("t1", "ana@example.com"))
		require.NoError(t, err)
		require.Equal(t, channel.StatusSent, r.Status, "the script was not consumed")
	})
}

func TestFakeReset(t *testing.T) {
	t.Parallel()
	b := setup(t, channel.Email, nil)
	ctx := context.Background()
	_, err := b.fake.Send(ctx, emailTo("t1", "ana@example.com"))
	require.NoError(t, err)
	b.fake.Script(channeltest.Fail(errors.New("x")))
	b.fake.ScriptFor("bo@example.com", channeltest.Fail(errors.New("y")))

	b.fake.Reset()
	require.Zero(t, b.fake.Count())
	require.Empty(t, b.fake.Sent())
	require.Empty(t, b.fake.Attempts())
	_, err = b.fake.Send(ctx, emailTo("t1", "bo@example.com"))
	require.NoError(t, err, "keys and scripts are forgotten")
	require.Equal(t, 1, b.fake.Count())
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	_, err := channeltest.New("fax", nil)
	require.ErrorContains(t, err, `unknown kind "fax"`)
	_, err = channeltest.New(channel.Voice, &channeltest.Config{Model: &channeltest.Model{Rates: channeltest.Rates{CallAnswered: 0.9}}})
	require.ErrorContains(t, err, "call rates add up to")
}

func TestFakeConcurrentIdempotency(t *testing.T) {
	t.Parallel()
	b := setup(t, channel.SMS, nil)
	ctx := context.Background()
	const workers, perWorker, keys = 8, 250, 100
	var wg sync.WaitGroup
	receipts := make([][]channel.Receipt, workers)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range perWorker {
				k := rng.IntN(keys)
				r, err := b.fake.Send(ctx, smsTo(fmt.Sprintf("t%03d", k), "+61412345678"))
				if err != nil {
					panic(err)
				}
				receipts[w] = append(receipts[w], r)
			}
		})
	}
	wg.Wait()

	require.Len(t, b.fake.Attempts(), workers*perWorker)
	seen := map[string]channel.Receipt{}
	for _, s := range b.fake.Sent() {
		_, dup := seen[s.Message.IdempotencyKey]
		require.False(t, dup, "key %s delivered twice", s.Message.IdempotencyKey)
		seen[s.Message.IdempotencyKey] = s.Receipt
	}
	require.Equal(t, len(seen), b.fake.Count())
	require.LessOrEqual(t, b.fake.Count(), keys)
	dups := 0
	for _, a := range b.fake.Attempts() {
		require.Equal(t, seen[a.Message.IdempotencyKey], a.Receipt, "every attempt of a key gets its one receipt")
		if a.Duplicate {
			dups++
		}
	}
	require.Equal(t, workers*perWorker-b.fake.Count(), dups)
}

// outcomeOf is what a run did with one key: its delivery and its events.
type outcomeOf struct {
	class  channel.ErrorClass
	sent   bool
	events []channel.Event
}

// runModel sends every key through a fresh fake, from the given number of
// goroutines in an order drawn from orderSeed, retrying each retryable
// failure once, and returns what happened to each key.
func runModel(t *testing.T, model *channeltest.Model, k channel.Kind, n, workers int, orderSeed uint64) map[string]outcomeOf {
	t.Helper()
	f, err := channeltest.New(k, &channeltest.Config{Model: model})
	require.NoError(t, err)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("touch-%05d", i)
	}
	rand.New(rand.NewPCG(orderSeed, 0)).Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })

	var mu sync.Mutex
	out := map[string]outcomeOf{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(keys); i += workers {
				m := messageFor(k, keys[i])
				_, err := f.Send(context.Background(), m)
				if channel.IsRetryable(err) {
					_, err = f.Send(context.Background(), m)
				}
				mu.Lock()
				out[keys[i]] = outcomeOf{class: channel.Classify(err), sent: err == nil}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, s := range f.Sent() {
		o := out[s.Message.IdempotencyKey]
		o.events = model.Events(s.Message, s.Receipt, t0)
		out[s.Message.IdempotencyKey] = o
	}
	return out
}

func messageFor(k channel.Kind, key string) *channel.Message {
	switch k {
	case channel.Email:
		return emailTo(key, key+"@example.com")
	case channel.SMS:
		return smsTo(key, "+61412345678")
	case channel.Voice:
		m := channel.NewMessage(key, channel.ActionCall)
		m.From = channel.Sender{ID: "ph1", Address: "+61290000000"}
		m.To = channel.Recipient{Phone: "+61298765432"}
		return m
	case channel.LinkedIn:
		m := channel.NewMessage(key, channel.ActionConnectionRequest)
		m.From = channel.Sender{ID: "seat1", Address: "acc_1"}
		m.To = channel.Recipient{LinkedIn: "https://www.linkedin.com/in/" + key}
		return m
	case channel.Mail:
		m := channel.NewMessage(key, channel.ActionLetter)
		m.From = channel.Sender{ID: "mail1", Address: "adr_1"}
		m.To = channel.Recipient{Postal: channel.PostalAddress{Lines: []string{"1 George St"}, Country: "AU"}}
		m.Body = "Dear reader"
		return m
	}
	panic("unknown kind")
}

func TestModelDeterministicUnderConcurrency(t *testing.T) {
	t.Parallel()
	model := &channeltest.Model{Seed: 42, Rates: channeltest.Rates{
		SendRetryable: 0.1, SendRateLimited: 0.05, SendPermanent: 0.05, SendOptedOut: 0.02,
	}}
	for _, k := range channel.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			sequential := runModel(t, model, k, 600, 1, 1)
			concurrent := runModel(t, model, k, 600, 8, 2)
			require.Equal(t, sequential, concurrent, "same seed and keys, different order and goroutines")

			var permanent, delivered int
			for _, o := range sequential {
				if o.sent {
					delivered++
				}
				if o.class.Permanent() {
					permanent++
				}
				require.NotEqual(t, channel.ClassRetryable, o.class, "a retry after a retryable draw succeeds")
			}
			require.Equal(t, 600, delivered+permanent)
			require.Positive(t, permanent)

			other := runModel(t, &channeltest.Model{Seed: 43, Rates: model.Rates}, k, 600, 1, 1)
			require.NotEqual(t, sequential, other, "another seed draws other outcomes")
		})
	}
}
