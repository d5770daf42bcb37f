package allocator

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

// The figures of docs/architecture.md ("Defaults"), written out by hand.
func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action channel.Action
		want   Cap
	}{
		{channel.ActionEmail, Cap{Daily: 30, Weekly: Unlimited, Spacing: 3 * time.Minute, Jitter: 2 * time.Minute}},
		{channel.ActionCall, Cap{Daily: 60, Weekly: Unlimited, Spacing: NoSpacing, Jitter: NoSpacing}},
		{channel.ActionSMS, Cap{Daily: 100, Weekly: Unlimited, Spacing: NoSpacing, Jitter: NoSpacing}},
		{channel.ActionConnectionRequest, Cap{Daily: 20, Weekly: 80, Spacing: NoSpacing, Jitter: NoSpacing}},
		{channel.ActionLinkedInMessage, Cap{Daily: 100, Weekly: Unlimited, Spacing: NoSpacing, Jitter: NoSpacing}},
		{channel.ActionLetter, Cap{Daily: Unlimited, Weekly: Unlimited, Spacing: NoSpacing, Jitter: NoSpacing}},
	}
	for _, tt := range tests {
		t.Run(string(tt.action), func(t *testing.T) {
			t.Parallel()
			got, ok := Config{}.Cap(tt.action)
			require.True(t, ok)
			require.Equal(t, tt.want, got)
		})
	}
	t.Run("ceiling", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, 50, Config{}.WithDefaults().MailboxCeiling)
	})
	t.Run("unknown action", func(t *testing.T) {
		t.Parallel()
		_, ok := Config{}.Cap("fax")
		require.False(t, ok)
	})
	t.Run("set fields are kept", func(t *testing.T) {
		t.Parallel()
		c := Config{SMS: Cap{Daily: 7, Spacing: time.Second}, Letter: Cap{Daily: 500}}.WithDefaults()
		require.Equal(t, Cap{Daily: 7, Weekly: Unlimited, Spacing: time.Second, Jitter: NoSpacing}, c.SMS)
		require.Equal(t, 500, c.Letter.Daily)
	})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"negative daily", Config{Call: Cap{Daily: -2}}, "Call.Daily"},
		{"negative weekly", Config{ConnectionRequest: Cap{Weekly: -5}}, "ConnectionRequest.Weekly"},
		{"negative spacing", Config{Email: Cap{Spacing: -time.Second}}, "Email.Spacing"},
		{"negative jitter", Config{SMS: Cap{Jitter: -time.Minute}}, "SMS.Jitter"},
		{"bad ceiling", Config{MailboxCeiling: -3}, "MailboxCeiling"},
		{"email daily above ceiling", Config{Email: Cap{Daily: 51}}, "Email.Daily"},
		{"email daily above custom ceiling", Config{Email: Cap{Daily: 30}, MailboxCeiling: 20}, "Email.Daily"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
			_, err = New(tt.cfg, nil)
			require.ErrorIs(t, err, ErrInvalid)
		})
	}
	for _, ok := range []Config{
		{},
		{Email: Cap{Daily: Unlimited}}, // the ceiling binds
		{Email: Cap{Daily: 80}, MailboxCeiling: Unlimited}, // no ceiling
		{Email: Cap{Spacing: NoSpacing, Jitter: NoSpacing}},
		{Letter: Cap{Daily: 200, Weekly: 600}},
	} {
		require.NoError(t, ok.Validate())
	}
}
