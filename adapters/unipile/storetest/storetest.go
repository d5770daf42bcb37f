// Package storetest is the behaviour every store of the unipile adapter's
// state shares: [unipile.Chats], [unipile.Journal] and [unipile.SeatLinks]
// as [unipile.MemoryStore] keeps them. A store backed by a database runs
// [Run] too, so that it and the memory store cannot drift apart.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/channel"
)

// Store is the adapter's whole state, as [unipile.MemoryStore] holds it.
type Store interface {
	unipile.Chats
	unipile.Journal
	unipile.SeatLinks
}

// epoch is the suite's first instant. Times are whole microseconds: a
// database keeps no finer.
var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// at is minute m after epoch.
func at(m int) time.Time { return epoch.Add(time.Duration(m) * time.Minute) }

// Run runs every case of the behaviour against a new, empty store open
// returns for each subtest.
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, c := range []struct {
		name string
		test func(t *testing.T, s Store)
	}{
		{"ChatRemembered", chatRemembered},
		{"IntentRecordedReplacedForgotten", intentLifecycle},
		{"LatestIntentOfAMember", latestIntent},
		{"SeatLinkKeptAndConnected", seatLinks},
		{"SeatLinkHonoursTheContext", seatLinkContext},
		{"ConcurrentWritesOfOneKey", concurrentWrites},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.test(t, open(t))
		})
	}
}

// chatRemembered: a chat is found by seat and recipient, and a new chat
// for the same pair replaces the old.
func chatRemembered(t *testing.T, s Store) {
	ctx := t.Context()
	_, ok, err := s.Chat(ctx, "acc_1", "ana-lee")
	require.NoError(t, err)
	require.False(t, ok, "no chat yet")

	require.NoError(t, s.SetChat(ctx, "acc_1", "ana-lee", "chat_1"))
	require.NoError(t, s.SetChat(ctx, "acc_2", "ana-lee", "chat_2"))
	require.NoError(t, s.SetChat(ctx, "acc_1", "bo-chen", "chat_3"))
	for _, c := range []struct{ account, recipient, want string }{
		{"acc_1", "ana-lee", "chat_1"}, {"acc_2", "ana-lee", "chat_2"}, {"acc_1", "bo-chen", "chat_3"},
	} {
		id, ok, err := s.Chat(ctx, c.account, c.recipient)
		require.NoError(t, err)
		require.True(t, ok, "%s → %s", c.account, c.recipient)
		require.Equal(t, c.want, id, "each seat's chat with each recipient")
	}

	require.NoError(t, s.SetChat(ctx, "acc_1", "ana-lee", "chat_9"))
	id, ok, err := s.Chat(ctx, "acc_1", "ana-lee")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "chat_9", id, "the newer chat replaces the old")
}

// intent is a complete intent under key.
func intent(key, account, member string, action channel.Action, started time.Time) unipile.Intent {
	return unipile.Intent{Key: key, AccountID: account, Action: action, ProviderID: member, ChatID: "chat_" + key,
		Text: "Hi, " + key, Started: started}
}

// requireIntent checks got is want, field by field, its time the same
// instant.
func requireIntent(t *testing.T, want, got unipile.Intent) {
	t.Helper()
	require.True(t, want.Started.Equal(got.Started), "started %s, want %s", got.Started, want.Started)
	want.Started, got.Started = time.Time{}, time.Time{}
	require.Equal(t, want, got)
}

// intentLifecycle: an intent is recorded before the request, replaced
// once Unipile confirms it, and forgotten when it reached no one.
func intentLifecycle(t *testing.T, s Store) {
	ctx := t.Context()
	_, ok, err := s.Intent(ctx, "touch-1")
	require.NoError(t, err)
	require.False(t, ok, "nothing recorded yet")

	in := intent("touch-1", "acc_1", "ACoAANA", channel.ActionConnectionRequest, at(0))
	in.ChatID = ""
	require.NoError(t, s.Record(ctx, in))
	got, ok, err := s.Intent(ctx, "touch-1")
	require.NoError(t, err)
	require.True(t, ok)
	requireIntent(t, in, got)
	require.Empty(t, got.ProviderMessageID, "the outcome unknown while Unipile has not answered")

	in.ProviderMessageID, in.ChatID = "inv_1", "chat_1"
	require.NoError(t, s.Record(ctx, in))
	got, ok, err = s.Intent(ctx, "touch-1")
	require.NoError(t, err)
	require.True(t, ok)
	requireIntent(t, in, got)

	other := intent("touch-2", "acc_1", "ACoAABO", channel.ActionLinkedInMessage, at(1))
	require.NoError(t, s.Record(ctx, other))
	require.NoError(t, s.Forget(ctx, "touch-1"))
	_, ok, err = s.Intent(ctx, "touch-1")
	require.NoError(t, err)
	require.False(t, ok, "forgotten")
	got, ok, err = s.Intent(ctx, "touch-2")
	require.NoError(t, err)
	require.True(t, ok, "another key is kept")
	requireIntent(t, other, got)
	require.NoError(t, s.Forget(ctx, "touch-1"), "forgetting what is not there is no error")
}

// latestIntent: a notice about a member is tied to the seat's last
// intent to that member, of the action asked (any when none).
func latestIntent(t *testing.T, s Store) {
	ctx := t.Context()
	_, ok, err := s.Latest(ctx, "acc_1", "ACoAANA", "")
	require.NoError(t, err)
	require.False(t, ok, "no intent yet")

	connect := intent("touch-1", "acc_1", "ACoAANA", channel.ActionConnectionRequest, at(0))
	message := intent("touch-2", "acc_1", "ACoAANA", channel.ActionLinkedInMessage, at(60))
	for _, in := range []unipile.Intent{
		connect, message,
		intent("touch-3", "acc_2", "ACoAANA", channel.ActionLinkedInMessage, at(90)), // another seat
		intent("touch-4", "acc_1", "ACoAABO", channel.ActionLinkedInMessage, at(90)), // another member
	} {
		require.NoError(t, s.Record(ctx, in))
	}
	for _, c := range []struct {
		name   string
		action channel.Action
		want   unipile.Intent
	}{
		{"any action: the last started", "", message},
		{"connection requests only", channel.ActionConnectionRequest, connect},
		{"messages only", channel.ActionLinkedInMessage, message},
	} {
		got, ok, err := s.Latest(ctx, "acc_1", "ACoAANA", c.action)
		require.NoError(t, err, c.name)
		require.True(t, ok, c.name)
		requireIntent(t, c.want, got)
	}
	_, ok, err = s.Latest(ctx, "acc_9", "ACoAANA", "")
	require.NoError(t, err)
	require.False(t, ok, "another seat's intents answer nothing")

	// Two started at the same instant: the greater key, as the memory
	// store orders them.
	tie := intent("touch-9", "acc_1", "ACoAANA", channel.ActionLinkedInMessage, at(60))
	require.NoError(t, s.Record(ctx, tie))
	got, ok, err := s.Latest(ctx, "acc_1", "ACoAANA", "")
	require.NoError(t, err)
	require.True(t, ok)
	requireIntent(t, tie, got)

	require.NoError(t, s.Forget(ctx, "touch-9"))
	require.NoError(t, s.Forget(ctx, "touch-2"))
	got, ok, err = s.Latest(ctx, "acc_1", "ACoAANA", "")
	require.NoError(t, err)
	require.True(t, ok)
	requireIntent(t, connect, got)
}

// seatLinks: a link is kept by name from its making to its connection.
func seatLinks(t *testing.T, s Store) {
	ctx := t.Context()
	_, ok, err := s.Link(ctx, "pool-linkedin_seat-1#1")
	require.NoError(t, err)
	require.False(t, ok, "no link yet")

	l := unipile.SeatLink{Name: "pool-linkedin_seat-1#1", URL: "https://account.unipile.com/hosted_1", ExpiresAt: at(24 * 60)}
	require.NoError(t, s.PutLink(ctx, l))
	require.NoError(t, s.PutLink(ctx, unipile.SeatLink{Name: "pool-linkedin_seat-1#2", URL: "https://account.unipile.com/hosted_2",
		ExpiresAt: at(24 * 60)}))
	got, ok, err := s.Link(ctx, l.Name)
	require.NoError(t, err)
	require.True(t, ok)
	requireLink(t, l, got)
	require.True(t, got.ConnectedAt.IsZero(), "not connected yet")

	l.Delivered = true
	require.NoError(t, s.PutLink(ctx, l))
	l.AccountID, l.ConnectedAt = "acc_7", at(30)
	require.NoError(t, s.PutLink(ctx, l))
	got, ok, err = s.Link(ctx, l.Name)
	require.NoError(t, err)
	require.True(t, ok)
	requireLink(t, l, got)

	got, ok, err = s.Link(ctx, "pool-linkedin_seat-1#2")
	require.NoError(t, err)
	require.True(t, ok)
	require.Empty(t, got.AccountID, "the other seat's link is its own")
	require.False(t, got.Delivered)
}

// requireLink checks got is want, its times the same instants.
func requireLink(t *testing.T, want, got unipile.SeatLink) {
	t.Helper()
	require.True(t, want.ExpiresAt.Equal(got.ExpiresAt), "expires %s, want %s", got.ExpiresAt, want.ExpiresAt)
	require.True(t, want.ConnectedAt.Equal(got.ConnectedAt), "connected %s, want %s", got.ConnectedAt, want.ConnectedAt)
	want.ExpiresAt, got.ExpiresAt, want.ConnectedAt, got.ConnectedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	require.Equal(t, want, got)
}

// seatLinkContext: a link is neither read nor written once the context
// ended.
func seatLinkContext(t *testing.T, s Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.ErrorIs(t, s.PutLink(ctx, unipile.SeatLink{Name: "n#1", URL: "https://account.unipile.com/h", ExpiresAt: at(1)}), context.Canceled)
	_, _, err := s.Link(ctx, "n#1")
	require.ErrorIs(t, err, context.Canceled)
	_, ok, err := s.Link(t.Context(), "n#1")
	require.NoError(t, err)
	require.False(t, ok, "nothing written")
}

// concurrentWrites: writers of one key (two processes sending, a webhook
// and a reconciliation) neither fail nor leave two values: the key holds
// one of what was written.
func concurrentWrites(t *testing.T, s Store) {
	ctx := t.Context()
	const writers = 8
	var wg sync.WaitGroup
	errs := make(chan error, 3*writers)
	for i := range writers {
		wg.Go(func() {
			errs <- s.Record(ctx, intent("touch-1", "acc_1", "ACoAANA", channel.ActionLinkedInMessage, at(i)))
			errs <- s.SetChat(ctx, "acc_1", "ana-lee", fmt.Sprintf("chat_%d", i))
			errs <- s.PutLink(ctx, unipile.SeatLink{Name: "n#1", URL: fmt.Sprintf("https://account.unipile.com/h%d", i), ExpiresAt: at(i)})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	in, ok, err := s.Intent(ctx, "touch-1")
	require.NoError(t, err)
	require.True(t, ok)
	latest, ok, err := s.Latest(ctx, "acc_1", "ACoAANA", "")
	require.NoError(t, err)
	require.True(t, ok)
	requireIntent(t, in, latest) // one intent under the key, not two
	chat, ok, err := s.Chat(ctx, "acc_1", "ana-lee")
	require.NoError(t, err)
	require.True(t, ok)
	require.Regexp(t, `^chat_[0-7]$`, chat)
	l, ok, err := s.Link(ctx, "n#1")
	require.NoError(t, err)
	require.True(t, ok)
	require.Regexp(t, `^https://account.unipile.com/h[0-7]$`, l.URL)
}
