package channel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

func TestKinds(t *testing.T) {
	t.Parallel()
	kinds := channel.Kinds()
	require.Equal(t, []channel.Kind{"email", "voice", "linkedin", "sms", "mail"}, kinds)
	require.Len(t, kinds, channel.NumKinds)
	for i, k := range kinds {
		require.Equal(t, i, k.Index(), k)
		require.True(t, k.Valid())
		got, err := channel.ParseKind(" " + string(k) + " ")
		require.NoError(t, err)
		require.Equal(t, k, got)
	}
	require.Equal(t, -1, channel.Kind("fax").Index())
	_, err := channel.ParseKind("fax")
	require.ErrorContains(t, err, `"fax"`)
	var k channel.Kind
	require.NoError(t, k.UnmarshalText([]byte("SMS")))
	require.Equal(t, channel.SMS, k)
	require.Error(t, k.UnmarshalText([]byte("pigeon")))
}

func TestSet(t *testing.T) {
	t.Parallel()
	s := channel.SetOf(channel.Email, channel.SMS, "fax")
	require.True(t, s.Has(channel.Email))
	require.True(t, s.Has(channel.SMS))
	require.False(t, s.Has(channel.Voice))
	require.False(t, s.Has("fax"))
	require.Equal(t, "email,sms", s.String())
	require.Equal(t, []channel.Kind{channel.Email}, s.Without(channel.SMS).Kinds())
	require.Equal(t, s, s.With("fax"))
	require.Equal(t, channel.Set(0), channel.SetOf())
	for _, k := range channel.Kinds() {
		require.True(t, channel.AllKinds.Has(k))
	}
	require.Equal(t, channel.AllKinds, channel.SetOf(channel.Kinds()...))
}

func TestActions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		action channel.Action
		kind   channel.Kind
	}{
		{channel.ActionEmail, channel.Email},
		{channel.ActionCall, channel.Voice},
		{channel.ActionSMS, channel.SMS},
		{channel.ActionConnectionRequest, channel.LinkedIn},
		{channel.ActionLinkedInMessage, channel.LinkedIn},
		{channel.ActionLetter, channel.Mail},
		{channel.ActionPostcard, channel.Mail},
		{"wave", ""},
	} {
		require.Equal(t, tt.kind, tt.action.Kind(), tt.action)
	}
	for _, k := range channel.Kinds() {
		require.Equal(t, k, channel.DefaultAction(k).Kind(), k)
	}
	require.Equal(t, channel.ActionConnectionRequest, channel.DefaultAction(channel.LinkedIn))
	require.Equal(t, channel.Action(""), channel.DefaultAction("fax"))
}
