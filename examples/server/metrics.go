package main

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// metrics are the server's Prometheus metrics, per process: what this
// process's engine did (from its hook and its counters), the pool as the
// store holds it, the webhook requests it answered.
type metrics struct {
	reg      *prometheus.Registry
	touches  *prometheus.CounterVec
	lateness *prometheus.HistogramVec
	webhooks *prometheus.CounterVec
	svc      atomic.Pointer[distribution.Service]
	st       storage.Store
}

func newMetrics(st storage.Store) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), st: st}
	m.touches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outbound_touches_total",
		Help: "Touches that reached an outcome in this process, by channel, provider and outcome (sent, delivered, failed, skipped, cancelled, uncertain, drafted)."},
		[]string{"channel", "provider", "outcome"})
	m.lateness = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "outbound_dispatch_lateness_seconds",
		Help:    "How long after it was due each touch was sent, by channel.",
		Buckets: []float64{1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600}}, []string{"channel"})
	m.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outbound_webhook_requests_total",
		Help: "Webhook requests answered, by provider and result (accepted, unauthorized, bad_request, too_large, error)."},
		[]string{"provider", "result"})
	m.reg.MustRegister(m.touches, m.lateness, m.webhooks, newEngineCollector(m),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// hook hears the engine's changes.
func (m *metrics) hook(_ context.Context, c distribution.Change) {
	outcome := ""
	switch c.Kind {
	case distribution.ChangeTouchSent:
		outcome = "sent"
		if !c.ScheduledAt.IsZero() && !c.At.IsZero() {
			m.lateness.WithLabelValues(string(c.Channel)).Observe(max(0, c.At.Sub(c.ScheduledAt).Seconds()))
		}
	case distribution.ChangeTouchDelivered:
		outcome = "delivered"
	case distribution.ChangeTouchFailed:
		outcome = "failed"
	case distribution.ChangeTouchSkipped:
		outcome = "skipped"
	case distribution.ChangeTouchCancelled:
		outcome = "cancelled"
	case distribution.ChangeTouchUncertain:
		outcome = "uncertain"
	case distribution.ChangeTouchDrafted:
		outcome = "drafted"
	default:
		return
	}
	m.touches.WithLabelValues(string(c.Channel), c.Provider, outcome).Inc()
}

// instrument counts h's answers for provider.
func (m *metrics) instrument(provider string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		result := "error"
		switch {
		case rec.status/100 == 2:
			result = "accepted"
		case rec.status == http.StatusUnauthorized:
			result = "unauthorized"
		case rec.status == http.StatusBadRequest:
			result = "bad_request"
		case rec.status == http.StatusRequestEntityTooLarge:
			result = "too_large"
		case rec.status < 500:
			result = strconv.Itoa(rec.status)
		}
		m.webhooks.WithLabelValues(provider, result).Inc()
	})
}

// handler serves the metrics.
func (m *metrics) handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// engineCollector reads, at each scrape, the engine's counters, the pool
// and the leadership.
type engineCollector struct {
	m                                                            *metrics
	deferrals, fallbacks, capUsed, capFree, pool, buffer, leader *prometheus.Desc
}

func newEngineCollector(m *metrics) *engineCollector {
	d := prometheus.NewDesc
	return &engineCollector{m: m,
		deferrals: d("outbound_deferrals_total", "Touches planned later than their earliest slot in this process, by reason.", []string{"reason"}, nil),
		fallbacks: d("outbound_fallbacks_total", "Touches that went out on their step's fallback channel, by why the step's own could not be used.", []string{"reason"}, nil),
		capUsed:   d("outbound_capacity_used", "Capacity booked (planned or sent) by this process, by resource kind.", []string{"kind"}, nil),
		capFree:   d("outbound_capacity_free", "Capacity offered and not booked, by resource kind, as of the last daily jobs.", []string{"kind"}, nil),
		pool:      d("outbound_pool_resources", "Resources of the pool, by kind and state.", []string{"kind", "state"}, nil),
		buffer:    d("outbound_pool_buffer_ratio", "Available resources of a kind over those available or assigned (the pool buys below 0.4).", []string{"kind"}, nil),
		leader:    d("outbound_leader", "1 while this process plans and runs the daily jobs.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *engineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.deferrals, c.fallbacks, c.capUsed, c.capFree, c.pool, c.buffer, c.leader} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *engineCollector) Collect(ch chan<- prometheus.Metric) {
	svc := c.m.svc.Load()
	if svc == nil {
		return
	}
	n := svc.Counters()
	for r, v := range n.Deferrals {
		ch <- prometheus.MustNewConstMetric(c.deferrals, prometheus.CounterValue, float64(v), string(r))
	}
	for r, v := range n.Fallbacks {
		ch <- prometheus.MustNewConstMetric(c.fallbacks, prometheus.CounterValue, float64(v), string(r))
	}
	for k, u := range n.Capacity {
		ch <- prometheus.MustNewConstMetric(c.capUsed, prometheus.GaugeValue, float64(u.Used), string(k))
		ch <- prometheus.MustNewConstMetric(c.capFree, prometheus.GaugeValue, float64(max(0, u.Available-u.Used)), string(k))
	}
	leader := 0.0
	if svc.Leading() {
		leader = 1
	}
	ch <- prometheus.MustNewConstMetric(c.leader, prometheus.GaugeValue, leader)
	rs, err := c.m.st.ListResources(context.Background(), storage.ResourceFilter{})
	if err != nil {
		return
	}
	type key struct{ kind, state string }
	count := map[key]int{}
	for _, r := range rs {
		count[key{string(r.Kind), string(r.State)}]++
	}
	for k, v := range count {
		ch <- prometheus.MustNewConstMetric(c.pool, prometheus.GaugeValue, float64(v), k.kind, k.state)
	}
	for _, kind := range []outbound.ResourceKind{outbound.KindDomain, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender} {
		avail := count[key{string(kind), string(outbound.StateAvailable)}]
		total := avail + count[key{string(kind), string(outbound.StateAssigned)}]
		if total > 0 {
			ch <- prometheus.MustNewConstMetric(c.buffer, prometheus.GaugeValue, float64(avail)/float64(total), string(kind))
		}
	}
}
