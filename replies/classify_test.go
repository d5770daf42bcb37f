package replies_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/replies"
)

// Quoted history and signatures do not classify a reply: our own message,
// quoted below it, ends with an unsubscribe line.
func TestQuotedTextIgnored(t *testing.T) {
	ours := "Would a short call help?\nTo unsubscribe, reply STOP or visit https://agency.example/u/1"
	for name, body := range map[string]string{
		"gmail":          "Sure, send the details.\n\nOn Mon, 9 Mar 2026 at 09:14, Sam Carter <sam@agency.example> wrote:\n> " + ours,
		"gmail wrapped":  "Sure, send the details.\n\nOn Mon, 9 Mar 2026 at 09:14, Sam Carter <\nsam@agency.example> wrote:\n> " + ours,
		"outlook":        "Sure, send the details.\n\n-----Original Message-----\nFrom: Sam Carter\nSent: Monday, 9 March 2026\n\n" + ours,
		"outlook header": "Sure, send the details.\n\nFrom: Sam Carter <sam@agency.example>\nSent: Monday, 9 March 2026 9:14 AM\nTo: Laura\n\n" + ours,
		"quoted":         "Sure, send the details.\n> " + ours,
		"iphone":         "Sure, send the details.\n\nSent from my iPhone\n\n" + ours,
		"signature":      "Sure, send the details.\n-- \nLaura | unsubscribe from our newsletter at acme.example",
	} {
		c, err := replies.NewRules().Classify(context.Background(), replies.Reply{Kind: channel.Email, Body: body})
		require.NoError(t, err)
		require.Equal(t, replies.Interested, c.Class, name)
	}
	// A reply that is nothing but a quote is read whole.
	c, err := replies.NewRules().Classify(context.Background(), replies.Reply{Kind: channel.Email, Body: "> please remove me"})
	require.NoError(t, err)
	require.Equal(t, replies.Unsubscribe, c.Class)
}

// The order of the rules: the heavier reading wins when a reply has two.
func TestRuleOrder(t *testing.T) {
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		body string
		want replies.Class
	}{
		{"Not interested, remove me from your list.", replies.Unsubscribe},
		{"Interested, but not right now.", replies.NotNow},
		{"No thanks for now, maybe next quarter.", replies.NotNow},
		{"Interested - can we talk Tuesday?", replies.MeetingRequest},
		{"Interesting. How much is it?", replies.Question},
		{"Tell me more, how much is it?", replies.Interested},
		{"I'm away on leave until 20 March; otherwise, not interested.", replies.OutOfOffice},
		{"Wrong person. Talk to ops@acme.example", replies.Referral},
	} {
		got, err := replies.NewRules().Classify(context.Background(), replies.Reply{Kind: channel.Email, Body: c.body, At: at})
		require.NoError(t, err)
		require.Equal(t, c.want, got.Class, c.body)
		if got.Class != replies.Unclassified {
			require.NotEmpty(t, got.Evidence, c.body)
		}
	}
}

func TestClassifyCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := replies.NewRules().Classify(ctx, replies.Reply{Body: "yes"})
	require.ErrorIs(t, err, context.Canceled)
}
