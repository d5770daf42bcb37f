package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/storage/memory"
)

// BenchmarkTwilioStatusWebhooks measures the webhook requests one server
// holds: signed Twilio text status callbacks (delivered), each a new
// message, posted on loopback by 16 concurrent senders, each verified,
// decoded, recorded and applied before it is answered. It reports
// requests a second and the p50 and p99 latency.
func BenchmarkTwilioStatusWebhooks(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchWebhooks(b, "") })
	b.Run("postgres", func(b *testing.B) {
		if testing.Short() {
			b.Skip("short")
		}
		benchWebhooks(b, pgSchemaURL(b))
	})
}

func benchWebhooks(b *testing.B, dbURL string) {
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, env(map[string]string{
		"OUTBOUND_PUBLIC_URL": "https://hooks.example.com", "TWILIO_AUTH_TOKEN": "tw_token", "DATABASE_URL": dbURL,
	}), io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	var s *started
	if dbURL == "" {
		s = startOn(b, cfg, memory.New())
	} else {
		s = startDB(b, cfg)
	}
	signer := twiliotest.NewServer(twiliotest.Config{AuthToken: "tw_token"})
	defer signer.Close()
	const senders = 16
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	var next atomic.Int64
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				form := url.Values{"MessageSid": {fmt.Sprintf("SM%032d", i)}, "AccountSid": {"AC" + strings.Repeat("0", 32)},
					"From": {"+61400000001"}, "To": {"+61412345678"}, "MessageStatus": {"delivered"}, "SmsStatus": {"delivered"}}
				req, _ := http.NewRequest(http.MethodPost, s.url+"/webhooks/twilio/sms-status", bytes.NewReader([]byte(form.Encode())))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Twilio-Signature", signer.Sign("https://hooks.example.com/webhooks/twilio/sms-status", form))
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				d := time.Since(t0)
				if res.StatusCode != http.StatusOK {
					b.Errorf("status %d", res.StatusCode)
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}
