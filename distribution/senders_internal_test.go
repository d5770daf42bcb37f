package distribution

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

func fakeWith(t *testing.T, k channel.Kind, in channel.Info) channel.Channel {
	t.Helper()
	f, err := channeltest.New(k, &channeltest.Config{Info: in})
	require.NoError(t, err)
	return f
}

// The adapter a resource sends through: its provider's, else the kind's
// catch-all; the channels a resource can send on follow.
func TestSendersRouteByProvider(t *testing.T) {
	t.Parallel()
	twilioSMS := fakeWith(t, channel.SMS, channel.Info{Provider: "twilio"})
	twilioVoice := fakeWith(t, channel.Voice, channel.Info{Provider: "twilio"})
	vapi := fakeWith(t, channel.Voice, channel.Info{Provider: "vapi"})
	anyEmail := fakeWith(t, channel.Email, channel.Info{})
	ss := newSenders([]channel.Channel{twilioSMS, twilioVoice, vapi, anyEmail})

	require.Same(t, twilioSMS, ss.forProvider(channel.SMS, "twilio").ch)
	require.Same(t, vapi, ss.forProvider(channel.Voice, "vapi").ch)
	require.Nil(t, ss.forProvider(channel.SMS, "vapi"), "vapi sends no texts and there is no SMS catch-all")
	require.Same(t, anyEmail, ss.forProvider(channel.Email, "smtp").ch)
	require.Nil(t, ss.forProvider(channel.LinkedIn, "unipile"))

	for _, tc := range []struct {
		r    outbound.Resource
		want channel.Set
	}{
		{outbound.Resource{Kind: outbound.KindPhone, Provider: "twilio"}, channel.SetOf(channel.Voice, channel.SMS)},
		{outbound.Resource{Kind: outbound.KindPhone, Provider: "vapi"}, channel.SetOf(channel.Voice)},
		{outbound.Resource{Kind: outbound.KindPhone, Provider: "other"}, 0},
		{outbound.Resource{Kind: outbound.KindMailbox, Provider: "salesforge"}, channel.SetOf(channel.Email)},
		{outbound.Resource{Kind: outbound.KindLinkedInSeat, Provider: "unipile"}, 0},
	} {
		require.Equal(t, tc.want, ss.channelsOf(&tc.r), "%+v", tc.r)
	}

	// Delivery: declared, else the kind's default.
	require.True(t, ss.forProvider(channel.SMS, "twilio").atMostOnce())
	require.False(t, ss.forProvider(channel.Email, "smtp").atMostOnce())
	smtpOnce := newSenders([]channel.Channel{fakeWith(t, channel.Email, channel.Info{Provider: "smtp", Delivery: channel.AtMostOnce})})
	require.True(t, smtpOnce.forProvider(channel.Email, "smtp").atMostOnce())
}

// admit holds Sends to the adapter's rate and to a pause the provider asked
// for: short waits are slept, long ones move the touch.
func TestSenderAdmit(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ss := newSenders([]channel.Channel{fakeWith(t, channel.SMS, channel.Info{Provider: "twilio", Rate: rate.Limit(2), Burst: 2})})
	sd := ss.forProvider(channel.SMS, "twilio")

	for range 2 {
		sleep, retry := sd.admit(t0)
		require.Zero(t, sleep)
		require.True(t, retry.IsZero())
	}
	sleep, retry := sd.admit(t0) // the burst is spent: half a second at 2 a second
	require.Equal(t, 500*time.Millisecond, sleep)
	require.True(t, retry.IsZero())

	// A 429 with Retry-After: every Send waits for it, and none is taken.
	sd.pause(t0.Add(time.Minute))
	sleep, retry = sd.admit(t0.Add(time.Second))
	require.Zero(t, sleep)
	require.Equal(t, t0.Add(time.Minute), retry)
	sd.pause(t0.Add(30 * time.Second)) // an earlier pause never shortens it
	_, retry = sd.admit(t0.Add(2 * time.Second))
	require.Equal(t, t0.Add(time.Minute), retry)
	sleep, retry = sd.admit(t0.Add(time.Minute))
	require.Zero(t, sleep)
	require.True(t, retry.IsZero())

	// A slow account: a wait longer than maxRateWait moves the touch.
	slow := newSenders([]channel.Channel{fakeWith(t, channel.Voice, channel.Info{Provider: "vapi", Rate: rate.Every(time.Minute)})}).forProvider(channel.Voice, "vapi")
	_, retry = slow.admit(t0)
	require.True(t, retry.IsZero())
	_, retry = slow.admit(t0)
	require.Equal(t, t0.Add(time.Minute), retry)
	_, retry = slow.admit(t0) // the moved Send took nothing
	require.Equal(t, t0.Add(time.Minute), retry)
}
