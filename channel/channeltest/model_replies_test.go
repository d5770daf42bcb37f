package channeltest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

// With Replies set, reply texts are drawn from them, the same for the same
// key; without, each channel's fixed text.
func TestModelReplies(t *testing.T) {
	t.Parallel()
	texts := []string{"Not right now, try me in Q3.", "Please remove me.", "Sure, call me Tuesday."}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := &channeltest.Model{Seed: 3, Rates: channeltest.Rates{LinkedInReply: 1}, Replies: texts}
	plain := &channeltest.Model{Seed: 3, Rates: channeltest.Rates{LinkedInReply: 1}}
	seen := map[string]bool{}
	for i := range 60 {
		msg := channel.NewMessage("key-"+string(rune('a'+i%26))+string(rune('a'+i/26)), channel.ActionLinkedInMessage)
		evs := m.Events(msg, channel.Receipt{ProviderMessageID: "m"}, at)
		require.Len(t, evs, 1)
		require.Contains(t, texts, evs[0].Body)
		require.Equal(t, evs, m.Events(msg, channel.Receipt{ProviderMessageID: "m"}, at), "the same draw for the same key")
		seen[evs[0].Body] = true
		require.Equal(t, "Thanks, happy to chat.", plain.Events(msg, channel.Receipt{ProviderMessageID: "m"}, at)[0].Body)
	}
	require.Len(t, seen, len(texts), "every text drawn")
}
