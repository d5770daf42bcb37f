package pool_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/warmup"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := pool.Config{}.WithDefaults()
	require.InDelta(t, 0.40, c.BufferThreshold, 0)
	require.Equal(t, 30*day, c.HoldFor)
	require.Equal(t, outbound.DefaultPlans(), c.Plans)
	require.Equal(t, warmup.DefaultCurve(), c.Warmup.Curve)
	require.Equal(t, 14*day, c.Health.Window)
	require.Equal(t, 20, c.Health.MinSends)
	require.InDelta(t, 0.03, c.Health.MaxBounceRate, 0)
	require.InDelta(t, 0.003, c.Health.MaxComplaintRate, 0)
	require.Equal(t, []string{"outreach", "hello"}, c.MailboxNames)
	require.NotNil(t, c.Clock)
	require.NotNil(t, c.NewID)
	require.NotNil(t, c.Logger)
	require.IsType(t, pool.LogAlerter{}, c.Alerter)
	require.Nil(t, c.Provisioner)

	p, err := pool.New(pool.Config{Store: memory.New()})
	require.NoError(t, err)
	require.Equal(t, 14, p.WarmupDays())
	starter, ok := p.Plan("starter")
	require.True(t, ok)
	require.Equal(t, 2, starter.Domains)
}

func TestConfigValidateNamesTheField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		mod   func(*pool.Config)
		field string
	}{
		{"no store", func(c *pool.Config) { c.Store = nil }, "Store"},
		{"threshold 1", func(c *pool.Config) { c.BufferThreshold = 1 }, "BufferThreshold"},
		{"threshold above 1", func(c *pool.Config) { c.BufferThreshold = 1.5 }, "BufferThreshold"},
		{"negative threshold", func(c *pool.Config) { c.BufferThreshold = -0.1 }, "BufferThreshold"},
		{"NaN threshold", func(c *pool.Config) { c.BufferThreshold = math.NaN() }, "BufferThreshold"},
		{"threshold rounds to 0", func(c *pool.Config) { c.BufferThreshold = 1e-9 }, "BufferThreshold"},
		{"negative hold", func(c *pool.Config) { c.HoldFor = -day }, "HoldFor"},
		{"bad plan", func(c *pool.Config) { c.Plans = []outbound.Plan{{Name: "x", Domains: -1}} }, "Plans[0]"},
		{"duplicate plan", func(c *pool.Config) {
			c.Plans = []outbound.Plan{{Name: "x", Domains: 1}, {Name: "x", Domains: 2}}
		}, "Plans[1].Name"},
		{"one mailbox name", func(c *pool.Config) { c.MailboxNames = []string{"a"} }, "MailboxNames"},
		{"mailbox name with @", func(c *pool.Config) { c.MailboxNames = []string{"a@b", "c"} }, "MailboxNames[0]"},
		{"duplicate mailbox name", func(c *pool.Config) { c.MailboxNames = []string{"a", "a"} }, "MailboxNames[1]"},
		{"curve never sends", func(c *pool.Config) { c.Warmup.Curve = warmup.Curve{{FromDay: 0, Limit: 0}} }, "Warmup.Curve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := pool.Config{Store: memory.New()}
			tt.mod(&cfg)
			_, err := pool.New(cfg)
			require.ErrorIs(t, err, invalid.ErrInvalid)
			var fe *pool.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
			require.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestConfigValidateWrapsWarmupErrors(t *testing.T) {
	t.Parallel()
	_, err := pool.New(pool.Config{Store: memory.New(), Health: warmup.HealthPolicy{MaxBounceRate: 2}})
	require.ErrorIs(t, err, warmup.ErrInvalid)
	var fe *warmup.FieldError
	require.True(t, errors.As(err, &fe))
	require.Equal(t, "MaxBounceRate", fe.Field)
}

func TestFieldErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := pool.New(pool.Config{Store: memory.New(), BufferThreshold: 1.5})
	require.EqualError(t, err, `pool: Config.BufferThreshold = 1.5: must be within (0, 1)`)
	var fe *pool.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "pool", fe.Package)
	require.Equal(t, "Config", fe.Record)
}
