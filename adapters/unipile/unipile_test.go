package unipile_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const (
	apiKey = "key_test"
	seat   = "acc_seat1"
	secret = "whsec_unipile"
)

type env struct {
	clock *timingtest.Clock
	fake  *unipiletest.Server
	ch    *unipile.Channel
	store *unipile.MemoryStore
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{clock: timingtest.NewClock(start), store: unipile.NewMemoryStore()}
	fake, err := unipiletest.New(unipiletest.Config{APIKey: apiKey, Accounts: []unipiletest.Account{{ID: seat, ProviderID: "ACoAASEAT"}},
		AnyProfile: true, Now: e.clock.Now, Seed: 7})
	require.NoError(t, err)
	t.Cleanup(fake.Close)
	e.fake = fake
	e.ch, err = unipile.New(unipile.Config{DSN: fake.DSN(), APIKey: apiKey, Now: e.clock.Now, Client: fake.Client(),
		Chats: e.store, Journal: e.store})
	require.NoError(t, err)
	return e
}

func member(key string) string { return "lead-" + key }

func request(key string) *channel.Message {
	m := channel.NewMessage(key, channel.ActionConnectionRequest)
	m.From = channel.Sender{ID: "res_1", Address: seat}
	m.To = channel.Recipient{LinkedIn: "https://www.linkedin.com/in/" + member(key) + "/"}
	m.Body = "Hi, I work with founders in your space; happy to connect."
	return m
}

func message(key string) *channel.Message {
	m := request(key)
	m.Action = channel.ActionLinkedInMessage
	m.Body = "Thanks for connecting."
	return m
}

// The channel passes the conformance suite for both of its actions.
func TestConformance(t *testing.T) {
	for name, msg := range map[string]func(string) *channel.Message{"connection_request": request, "linkedin_message": message} {
		t.Run(name, func(t *testing.T) {
			adaptertest.RunChannel(t, adaptertest.ChannelHarness{
				New: func(t *testing.T) (channel.Channel, adaptertest.Control) {
					e := newEnv(t)
					return e.ch, e.fake.Control(member)
				},
				Message: msg,
			})
		})
	}
}

func webhookHandler(t *testing.T, sink webhook.Sink, now func() time.Time) http.Handler {
	t.Helper()
	v, err := unipile.NewVerifier("", secret)
	require.NoError(t, err)
	d, err := unipile.NewDecoder(unipile.DecoderConfig{Now: now})
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Name: unipile.Name, Verifier: v, Decoder: d, Sink: sink})
	require.NoError(t, err)
	return h
}

// The webhook endpoint passes the conformance suite for each kind of
// notice.
func TestWebhookConformance(t *testing.T) {
	clock := timingtest.NewClock(start)
	p := unipiletest.Profile{PublicID: "ana-lee", ProviderID: "ACoAAANA", FirstName: "Ana", LastName: "Lee"}
	bodies := map[string][]byte{
		"new_relation":   unipiletest.NewRelationPayload(seat, p),
		"message":        unipiletest.MessagePayload(seat, unipiletest.Message{ID: "msg_9", ChatID: "chat_1", Text: "Sure, let's talk", At: start}, p, "ACoAASEAT"),
		"account_status": unipiletest.StatusPayload(seat, "CREDENTIALS"),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			adaptertest.RunWebhook(t, adaptertest.WebhookHarness{
				Handler:   func(t *testing.T, sink webhook.Sink) http.Handler { return webhookHandler(t, sink, clock.Now) },
				Body:      body,
				Malformed: []byte(`{"event": "new_relation", `),
				Sign: func(t *testing.T, body []byte, _ time.Time) *http.Request {
					r, err := http.NewRequest(http.MethodPost, "https://hooks.example.com/unipile", bytes.NewReader(body))
					require.NoError(t, err)
					r.Header.Set(unipile.DefaultSecretHeader, secret)
					return r
				},
				Unsign: func(r *http.Request) { r.Header.Del(unipile.DefaultSecretHeader) },
				Tamper: func(r *http.Request) { r.Header.Set(unipile.DefaultSecretHeader, secret+"x") },
				Now:    clock.Now(),
			})
		})
	}
}

// A connection request looks the profile up, then invites by provider ID
// with the note; a message starts a chat, and the next one writes to it.
func TestSendShapes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rc, err := e.ch.Send(ctx, request("k1"))
	require.NoError(t, err)
	inv := e.fake.Invitations()
	require.Len(t, inv, 1)
	p, _ := e.fake.Profile("lead-k1")
	require.Equal(t, p.ProviderID, inv[0].ProviderID)
	require.Equal(t, request("k1").Body, inv[0].Note)
	require.Equal(t, inv[0].ID, rc.ProviderMessageID)

	first, err := e.ch.Send(ctx, message("k2"))
	require.NoError(t, err)
	second, err := e.ch.Send(ctx, message("k3")) // another lead: another chat
	require.NoError(t, err)
	m := message("k4")
	m.To.LinkedIn = message("k2").To.LinkedIn
	third, err := e.ch.Send(ctx, m)
	require.NoError(t, err)
	msgs := e.fake.Messages()
	require.Len(t, msgs, 3)
	require.Equal(t, msgs[0].ChatID, msgs[2].ChatID, "a follow-up goes to the chat the seat has")
	require.NotEqual(t, msgs[0].ChatID, msgs[1].ChatID)
	require.Equal(t, []string{msgs[0].ID, msgs[1].ID, msgs[2].ID}, []string{first.ProviderMessageID, second.ProviderMessageID, third.ProviderMessageID})

	// Sent again under a key already confirmed: the first receipt, nothing sent.
	again, err := e.ch.Send(ctx, request("k1"))
	require.NoError(t, err)
	require.Equal(t, rc.ProviderMessageID, again.ProviderMessageID)
	require.Len(t, e.fake.Invitations(), 1)
}

// A note past the limit is permanent and names the field; nothing reaches
// Unipile.
func TestNoteTooLong(t *testing.T) {
	e := newEnv(t)
	m := request("long")
	m.Body = strings.Repeat("é", 301)
	_, err := e.ch.Send(context.Background(), m)
	require.ErrorIs(t, err, channel.ErrPermanent)
	require.ErrorIs(t, err, channel.ErrInvalid)
	require.ErrorContains(t, err, "Body")
	require.Empty(t, e.fake.Invitations())
	m.Body = strings.Repeat("é", 300)
	_, err = e.ch.Send(context.Background(), m)
	require.NoError(t, err)
}

// A send whose answer was lost is found through the API: an invitation
// among the sent ones, a message in its chat; one that never arrived is
// not found, and one that started a chat cannot be checked.
func TestLookupThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rc, err := e.ch.Send(ctx, request("inv"))
	require.NoError(t, err)
	in, ok, err := e.store.Intent(ctx, "inv")
	require.NoError(t, err)
	require.True(t, ok)
	in.ProviderMessageID = "" // as if the answer had been lost
	require.NoError(t, e.store.Record(ctx, in))
	got, found, err := e.ch.Lookup(ctx, "inv")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, rc.ProviderMessageID, got.ProviderMessageID)

	_, err = e.ch.Send(ctx, message("msg"))
	require.NoError(t, err)
	follow := message("msg2")
	follow.To = message("msg").To
	rc2, err := e.ch.Send(ctx, follow)
	require.NoError(t, err)
	in, _, _ = e.store.Intent(ctx, "msg2")
	require.NotEmpty(t, in.ChatID)
	in.ProviderMessageID = ""
	require.NoError(t, e.store.Record(ctx, in))
	got, found, err = e.ch.Lookup(ctx, "msg2")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, rc2.ProviderMessageID, got.ProviderMessageID)

	// Never arrived: not found, and forgotten.
	in.Key, in.Text, in.ProviderMessageID = "lost", "never sent", ""
	require.NoError(t, e.store.Record(ctx, in))
	_, found, err = e.ch.Lookup(ctx, "lost")
	require.NoError(t, err)
	require.False(t, found)

	// A chat start that got no answer cannot be checked.
	require.NoError(t, e.store.Record(ctx, unipile.Intent{Key: "start", AccountID: seat, Action: channel.ActionLinkedInMessage, ProviderID: "ACoAAX", Text: "hi", Started: start}))
	_, _, err = e.ch.Lookup(ctx, "start")
	require.ErrorIs(t, err, unipile.ErrUnconfirmed)
	_, err = e.ch.Send(ctx, message("start"))
	require.ErrorIs(t, err, unipile.ErrUnconfirmed)
	require.ErrorIs(t, err, channel.ErrPermanent)
}

// A retryable failure leaves the intent; the send again checks first and
// does not invite twice.
func TestSendAgainAfterLostAnswerChecksFirst(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.ch.Send(ctx, request("k"))
	require.NoError(t, err)
	in, _, _ := e.store.Intent(ctx, "k")
	in.ProviderMessageID = ""
	require.NoError(t, e.store.Record(ctx, in))
	_, err = e.ch.Send(ctx, request("k"))
	require.NoError(t, err)
	require.Len(t, e.fake.Invitations(), 1)
}

// Withdraw cancels a pending invitation; a second time it is gone.
func TestWithdraw(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rc, err := e.ch.Send(ctx, request("w"))
	require.NoError(t, err)
	require.NoError(t, e.ch.Withdraw(ctx, seat, rc.ProviderMessageID))
	require.Empty(t, e.fake.Invitations())
	err = e.ch.Withdraw(ctx, seat, rc.ProviderMessageID)
	require.ErrorIs(t, err, channel.ErrPermanent)
	require.ErrorIs(t, e.ch.Withdraw(ctx, "", "inv_1"), channel.ErrPermanent)
}

// A seat whose session ended is refused, permanently, with Unipile's reason.
func TestDisconnectedSeat(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	require.NoError(t, e.fake.SetStatus(ctx, seat, "CREDENTIALS"))
	_, err := e.ch.Send(ctx, request("d"))
	require.ErrorIs(t, err, channel.ErrPermanent)
	var ae *unipile.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "disconnected_account", ae.Code())
}

func TestBadConfig(t *testing.T) {
	now := func() time.Time { return start }
	for _, c := range []struct {
		cfg   unipile.Config
		field string
	}{
		{unipile.Config{APIKey: "k", Now: now}, "DSN"},
		{unipile.Config{DSN: "ftp://x", APIKey: "k", Now: now}, "DSN"},
		{unipile.Config{DSN: "api8.unipile.com:13851", Now: now}, "APIKey"},
		{unipile.Config{DSN: "api8.unipile.com:13851", APIKey: "k"}, "Now"},
		{unipile.Config{DSN: "api8.unipile.com:13851", APIKey: "k", Now: now, MaxNote: -1}, "MaxNote"},
	} {
		_, err := unipile.New(c.cfg)
		require.ErrorContains(t, err, "Config."+c.field)
	}
}

// Under AnyAccount the fake takes a seat it was not told about for a
// connected one, so a host's pool can name its seats as it likes; without
// it, an unknown seat is refused.
func TestFakeAnyAccount(t *testing.T) {
	ctx := context.Background()
	clock := timingtest.NewClock(start)
	for _, anyAccount := range []bool{true, false} {
		cfg := unipiletest.Config{APIKey: apiKey, AnyAccount: anyAccount, AnyProfile: true, Now: clock.Now, Seed: 7}
		if !anyAccount {
			cfg.Accounts = []unipiletest.Account{{ID: seat, ProviderID: "ACoAASEAT"}}
		}
		fake, err := unipiletest.New(cfg)
		require.NoError(t, err)
		t.Cleanup(fake.Close)
		ch, err := unipile.New(unipile.Config{DSN: fake.DSN(), APIKey: apiKey, Now: clock.Now, Client: fake.Client()})
		require.NoError(t, err)
		m := request("any")
		m.From.Address = "acc_unlisted"
		_, err = ch.Send(ctx, m)
		if anyAccount {
			require.NoError(t, err)
			require.Len(t, fake.Invitations(), 1)
			require.NoError(t, fake.SetStatus(ctx, "acc_unlisted", "STOPPED"))
			_, err = ch.Send(ctx, request("other-seat-still-unknown"))
			require.NoError(t, err, "another unlisted seat is connected too")
			continue
		}
		require.ErrorIs(t, err, channel.ErrPermanent)
		require.Empty(t, fake.Invitations())
	}
	_, err := unipiletest.New(unipiletest.Config{APIKey: apiKey, Now: clock.Now})
	require.ErrorContains(t, err, "Accounts")
}
