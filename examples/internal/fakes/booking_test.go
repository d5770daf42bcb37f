package fakes

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBookingLead(t *testing.T) {
	const id = "0f8c7a52-2b1e-4c0e-9a57-1d7f3f0e9a10"
	for _, tt := range []struct {
		text string
		ok   bool
	}{
		{"Happy to talk: https://cal.com/acme/intro?metadata[lead]=" + id + " any time.", true},
		{"https://cal.com/acme/intro?metadata%5Blead%5D=" + id, true},
		{"Book at https://cal.com/acme/intro", false},
		{"https://cal.com/acme/intro?metadata[lead]=not-an-id", false},
		{"https://calendly.com/acme?metadata[lead]=" + id, false},
		{"", false},
	} {
		got, ok := BookingLead(tt.text)
		require.Equal(t, tt.ok, ok, tt.text)
		if ok {
			require.Equal(t, id, got.String())
		}
	}
}
