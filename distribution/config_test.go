package distribution_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage/memory"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := distribution.Config{Store: memory.New()}.WithDefaults()
	day := 24 * time.Hour
	for _, tt := range []struct {
		name      string
		got, want any
	}{
		{"Workers", c.Workers, 4},
		{"ClaimBatch", c.ClaimBatch, 100},
		{"PlanWorkers", c.PlanWorkers, 4},
		{"BatchWindow", c.BatchWindow, 200 * time.Millisecond},
		{"Lease", c.Lease, 2 * time.Minute},
		{"PollInterval", c.PollInterval, time.Second},
		{"SendTimeout", c.SendTimeout, 30 * time.Second},
		{"Retry.MaxAttempts", c.Retry.MaxAttempts, 5},
		{"Retry.Initial", c.Retry.Initial, time.Minute},
		{"Retry.Max", c.Retry.Max, 30 * time.Minute},
		{"Retry.Multiplier", c.Retry.Multiplier, 2.0},
		{"Retry.Jitter", c.Retry.Jitter, 0.0},
		{"CallRetries", c.CallRetries, 2},
		{"CallCooling", c.CallCooling, 4 * time.Hour},
		{"RetryVoicemail", c.RetryVoicemail, false},
		{"OOOPause", c.OOOPause, 7 * day},
		{"ReplyKeepsCompany", c.ReplyKeepsCompany, false},
		{"ConnectionMessageDelay", c.ConnectionMessageDelay, 2 * day},
		{"ConnectionWithdrawAfter", c.ConnectionWithdrawAfter, 21 * day},
		{"DNCRRewashWithin", c.DNCRRewashWithin, 3 * day},
		{"DNCRBatch", c.DNCRBatch, 500},
		{"PlanHorizon", c.PlanHorizon, 60 * day},
		{"Policy.DNCRValidity", c.Policy.DNCRValidity, 30 * day},
		{"Sequence", c.Sequence.Name, sequence.DefaultName},
		{"Plans", len(c.Plans), len(outbound.DefaultPlans())},
		{"Caps.Email.Daily", c.Caps.Email.Daily, 30},
		{"Caps.Call.Daily", c.Caps.Call.Daily, 60},
		{"Caps.SMS.Daily", c.Caps.SMS.Daily, 100},
		{"Caps.ConnectionRequest.Weekly", c.Caps.ConnectionRequest.Weekly, 80},
		{"Warmup.Max", c.Warmup.Max, 30},
		{"Health.MinSends", c.Health.MinSends, 20},
	} {
		require.Equal(t, tt.want, tt.got, tt.name)
	}
	require.NotNil(t, c.Clock)
	require.NotNil(t, c.Calendar)
	require.NotNil(t, c.Logger)
	require.NotNil(t, c.Test.NewID)
	require.NotNil(t, c.Content)
	require.Len(t, c.Windows, 5)
	require.NoError(t, c.Validate())
	// None switches call retries off and validates.
	require.NoError(t, distribution.Config{Store: memory.New(), CallRetries: distribution.None}.Validate())
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	sms, err := channeltest.New(channel.SMS, nil)
	require.NoError(t, err)
	for _, tt := range []struct {
		name  string
		edit  func(c *distribution.Config)
		field string
	}{
		{"no store", func(c *distribution.Config) { c.Store = nil }, "Store"},
		{"workers", func(c *distribution.Config) { c.Workers = -2 }, "Workers"},
		{"lease", func(c *distribution.Config) { c.Lease = -time.Second }, "Lease"},
		{"batch window", func(c *distribution.Config) { c.BatchWindow = -time.Millisecond }, "BatchWindow"},
		{"plan workers", func(c *distribution.Config) { c.PlanWorkers = -1 }, "PlanWorkers"},
		{"retry max below initial", func(c *distribution.Config) { c.Retry.Initial, c.Retry.Max = time.Hour, time.Minute }, "Retry.Max"},
		{"jitter", func(c *distribution.Config) { c.Retry.Jitter = 1 }, "Retry.Jitter"},
		{"call retries", func(c *distribution.Config) { c.CallRetries = -5 }, "CallRetries"},
		{"nil channel", func(c *distribution.Config) { c.Channels = []channel.Channel{sms, nil} }, "Channels[1]"},
		{"two catch-alls of one kind", func(c *distribution.Config) { c.Channels = []channel.Channel{sms, sms} }, "Channels[1]"},
		{"one provider twice", func(c *distribution.Config) {
			c.Channels = []channel.Channel{described{sms, channel.Info{Provider: "twilio"}}, described{sms, channel.Info{Provider: "twilio"}}}
		}, "Channels[1]"},
		{"bad delivery", func(c *distribution.Config) {
			c.Channels = []channel.Channel{described{sms, channel.Info{Provider: "twilio", Delivery: "twice"}}}
		}, "Delivery"},
		{"negative rate", func(c *distribution.Config) {
			c.Channels = []channel.Channel{described{sms, channel.Info{Provider: "twilio", Rate: -1}}}
		}, "Rate"},
		{"rewash longer than validity", func(c *distribution.Config) { c.DNCRRewashWithin = 40 * 24 * time.Hour }, "DNCRRewashWithin"},
		{"plan named twice", func(c *distribution.Config) {
			c.Plans = []outbound.Plan{{Name: "a", LeadsPerMonth: 1}, {Name: "a", LeadsPerMonth: 2}}
		}, "Plans"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := distribution.Config{Store: memory.New()}
			tt.edit(&c)
			err := c.Validate()
			require.ErrorIs(t, err, outbound.ErrInvalid)
			var fe *distribution.FieldError
			require.True(t, errors.As(err, &fe))
			require.Equal(t, tt.field, fe.Field)
			require.Contains(t, fe.Error(), tt.field)
			_, err = distribution.New(c)
			require.ErrorIs(t, err, outbound.ErrInvalid)
		})
	}
}

// described is a channel that declares its provider, delivery and rate.
type described struct {
	channel.Channel
	info channel.Info
}

func (d described) Describe() channel.Info { return d.info }
