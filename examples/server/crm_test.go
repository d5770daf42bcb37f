package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// HubSpot's settings: each refusal names the setting and value, never the
// token; a good token gives the engine its CRM.
func TestCRMSettings(t *testing.T) {
	t.Parallel()
	const token = "pat-na1-0123456789abcdef"
	for _, tt := range []struct {
		name, setting string
		env           map[string]string
	}{
		{"a stage with no token", "HUBSPOT_STAGE", map[string]string{"HUBSPOT_STAGE": "appointmentscheduled"}},
		{"a token with a space inside", "HUBSPOT_TOKEN", map[string]string{"HUBSPOT_TOKEN": "pat na1 secret"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(nil, env(tt.env), io.Discard)
			var ce *configError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tt.setting, ce.Setting)
			require.NotContains(t, err.Error(), "secret", "the token is never shown")
		})
	}
	c, err := loadConfig(nil, env(map[string]string{"HUBSPOT_TOKEN": token}), io.Discard)
	require.NoError(t, err)
	got, err := c.CRM.client(nil)
	require.NoError(t, err)
	require.NotNil(t, got)
	c, err = loadConfig(nil, env(nil), io.Discard)
	require.NoError(t, err)
	got, err = c.CRM.client(nil)
	require.NoError(t, err)
	require.Nil(t, got, "no token, no CRM: a nil interface, not a nil client")
}
