package channel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

func TestNewMessage(t *testing.T) {
	t.Parallel()
	for _, a := range []channel.Action{channel.ActionEmail, channel.ActionCall, channel.ActionSMS,
		channel.ActionConnectionRequest, channel.ActionLinkedInMessage, channel.ActionLetter, channel.ActionPostcard} {
		m := channel.NewMessage("t1", a)
		require.Equal(t, "t1", m.IdempotencyKey)
		require.Equal(t, a, m.Action)
		require.Equal(t, a.Kind(), m.Kind)
		require.True(t, m.Commercial, "outreach is commercial by default")
	}
	require.False(t, (&channel.Message{}).Commercial, "a struct literal is not")
}

func TestResolvedAction(t *testing.T) {
	t.Parallel()
	for _, k := range channel.Kinds() {
		m := &channel.Message{Kind: k}
		require.Equal(t, channel.DefaultAction(k), m.ResolvedAction())
	}
	m := &channel.Message{Kind: channel.LinkedIn, Action: channel.ActionLinkedInMessage}
	require.Equal(t, channel.ActionLinkedInMessage, m.ResolvedAction())
}

func TestMessageHeader(t *testing.T) {
	t.Parallel()
	m := &channel.Message{Headers: map[string]string{"list-unsubscribe": "<mailto:u@x.io>", "X-A": "1"}}
	require.Equal(t, "<mailto:u@x.io>", m.Header("List-Unsubscribe"))
	require.Equal(t, "1", m.Header("x-a"))
	require.Empty(t, m.Header("X-Missing"))
	require.Empty(t, (&channel.Message{}).Header("X-A"))
}

func TestMessageClone(t *testing.T) {
	t.Parallel()
	require.Nil(t, (*channel.Message)(nil).Clone())
	m := validMessage(channel.ActionEmail)
	m.To.Postal.Lines = []string{"1 George St"}
	c := m.Clone()
	require.Equal(t, m, c)
	c.Headers["List-Unsubscribe"] = "changed"
	c.Metadata["lead"] = "changed"
	c.To.Postal.Lines[0] = "changed"
	c.Subject = "changed"
	require.Equal(t, "<mailto:unsub@send.example.com>, <https://u.example.com/x>", m.Headers["List-Unsubscribe"])
	require.Equal(t, "l1", m.Metadata["lead"])
	require.Equal(t, "1 George St", m.To.Postal.Lines[0])
	require.Equal(t, "Quick question", m.Subject)
}

func TestRecipientAddress(t *testing.T) {
	t.Parallel()
	r := channel.Recipient{
		Email: "ana@example.com", Phone: "+61412345678", LinkedIn: "ACo1",
		Postal: channel.PostalAddress{Lines: []string{"Level 3", " 1 George St ", ""}, City: "Sydney", Region: "NSW", Postcode: "2000", Country: "AU"},
	}
	require.Equal(t, "ana@example.com", r.Address(channel.Email))
	require.Equal(t, "+61412345678", r.Address(channel.Voice))
	require.Equal(t, "+61412345678", r.Address(channel.SMS))
	require.Equal(t, "ACo1", r.Address(channel.LinkedIn))
	require.Equal(t, "Level 3, 1 George St, Sydney NSW 2000, AU", r.Address(channel.Mail))
	require.Empty(t, r.Address("fax"))
	require.Equal(t, "PO Box 1, US", channel.PostalAddress{Lines: []string{"PO Box 1"}, Country: "US"}.String())
	require.True(t, channel.PostalAddress{}.IsZero())
	require.False(t, channel.PostalAddress{Country: "AU"}.IsZero())
}
