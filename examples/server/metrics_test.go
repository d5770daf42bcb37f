package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage/memory"
)

// The engine's touch changes become outcomes by channel and provider, and
// a sent touch's lateness is observed.
func TestMetricsHook(t *testing.T) {
	t.Parallel()
	m := newMetrics(memory.New())
	due := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ctx := context.Background()
	m.hook(ctx, distribution.Change{Kind: distribution.ChangeTouchSent, Channel: channel.SMS, Provider: "twilio", ScheduledAt: due, At: due.Add(90 * time.Second)})
	m.hook(ctx, distribution.Change{Kind: distribution.ChangeTouchSent, Channel: channel.SMS, Provider: "twilio", ScheduledAt: due, At: due.Add(2 * time.Second)})
	m.hook(ctx, distribution.Change{Kind: distribution.ChangeTouchFailed, Channel: channel.Email, Provider: "smtp"})
	m.hook(ctx, distribution.Change{Kind: distribution.ChangeReplyRead, Channel: channel.Email})
	require.Equal(t, 2.0, testutil.ToFloat64(m.touches.WithLabelValues("sms", "twilio", "sent")))
	require.Equal(t, 1.0, testutil.ToFloat64(m.touches.WithLabelValues("email", "smtp", "failed")))
	require.Equal(t, 2, testutil.CollectAndCount(m.touches), "a reply read is no touch outcome")
	err := testutil.CollectAndCompare(m.lateness, strings.NewReader(`
# HELP outbound_dispatch_lateness_seconds How long after it was due each touch was sent, by channel.
# TYPE outbound_dispatch_lateness_seconds histogram
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="1"} 0
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="5"} 1
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="15"} 1
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="60"} 1
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="300"} 2
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="900"} 2
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="3600"} 2
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="14400"} 2
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="86400"} 2
outbound_dispatch_lateness_seconds_bucket{channel="sms",le="+Inf"} 2
outbound_dispatch_lateness_seconds_sum{channel="sms"} 92
outbound_dispatch_lateness_seconds_count{channel="sms"} 2
`))
	require.NoError(t, err)
}
