package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/examples/simulate/internal/report"
)

func sample() *report.Summary {
	return &report.Summary{DayZone: "UTC",
		Seed: 1, Start: "2026-03-02", Days: 3,
		Clients: []report.Client{{Name: "Tandem <Growth>", Plan: "starter", Zone: "Australia/Sydney", Enrolled: 10}},
		Leads:   report.Leads{Rows: 12, Enrolled: 10, Merged: 1, Dead: 1},
		Touches: map[string]map[string]int{
			"email": {"sent": 30, "skipped": 2},
			"voice": {"sent": 5, "cancelled": 1},
		},
		Fallbacks: map[string]int{"dncr_registered": 3, "gated": 7},
		Deferrals: map[string]int{"daily_cap": 4},
		Replies:   2,
		Events:    map[string]int{"delivered": 29, "replied": 2},
		Capacity:  map[string]report.Capacity{"mailbox": {Used: 30, Available: 360}, "phone": {Used: 5, Available: 180}},
		Pool: report.Pool{
			Resources: map[string]map[string]int{"domain": {"assigned": 2, "warming": 1}, "mailbox": {"assigned": 4, "warming": 2}},
			Paused:    map[string]int{"domain": 1, "mailbox": 2},
			Purchased: map[string]int{"domain": 2}, Alerts: map[string]int{"buffer_low": 1},
		},
		Daily: []report.Day{
			{Date: "2026-03-02", Sent: map[string]int{"email": 20, "voice": 5}, Replies: 1},
			{Date: "2026-03-03", Sent: map[string]int{"email": 10}},
			{Date: "2026-03-04", Sent: map[string]int{}, Replies: 1},
		},
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, report.WriteTable(&b, sample()))
	out := b.String()
	fields := func(prefix string) []string {
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return f
			}
		}
		t.Fatalf("no line starting %q in\n%s", prefix, out)
		return nil
	}
	last := func(prefix string) []string { // the last line starting with prefix
		var got []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				got = strings.Fields(l)
			}
		}
		return got
	}
	// Statuses with a count appear in StatusOrder: sent, skipped, cancelled.
	require.Equal(t, []string{"channel", "sent", "skipped", "cancelled", "total"}, fields("channel"))
	require.Equal(t, []string{"email", "30", "2", "0", "32"}, fields("email"))
	require.Equal(t, []string{"voice", "5", "0", "1", "6"}, fields("voice"))
	require.Equal(t, []string{"total", "35", "2", "1", "38"}, fields("total"))
	require.Equal(t, []string{"gated", "7"}, fields("gated"))
	require.Equal(t, []string{"mailbox", "30", "360", "8", "%"}, fields("mailbox"))
	require.Equal(t, []string{"Replies:", "2"}, fields("Replies"))
	require.Equal(t, []string{"Sent", "over", "3", "days", "(UTC):", "35"}, fields("Sent over"))
	require.Equal(t, []string{"buffer_low", "1"}, fields("buffer_low"))
	require.Equal(t, []string{"kind", "warming", "assigned", "paused", "bought"}, fields("kind"))
	require.Equal(t, []string{"domain", "1", "2", "1", "2"}, last("domain"))
	require.Equal(t, []string{"mailbox", "2", "4", "2", "0"}, last("mailbox"))
	// Larger counts first.
	require.Less(t, strings.Index(out, "gated"), strings.Index(out, "dncr_registered"))
}

func TestProgressLine(t *testing.T) {
	t.Parallel()
	d := report.Day{Date: "2026-03-08", Sent: map[string]int{"sms": 2, "email": 400, "voice": 10}, Replies: 3}
	require.Equal(t, "day 7/30 2026-03-08 (UTC): 412 sent (email 400, voice 10, sms 2), 3 replies", report.ProgressLine(7, 30, d, "UTC"))
	require.Equal(t, "day 1/1 2026-03-02 (UTC): 0 sent, 0 replies", report.ProgressLine(1, 1, report.Day{Date: "2026-03-02"}, "UTC"))
}

func TestDailyChartGeometry(t *testing.T) {
	t.Parallel()
	c := report.DailyChart(sample())
	// One rectangle per non-zero (day, channel): 2 + 1.
	require.Len(t, c.Rects, 3)
	// The busiest day has 25: four grid steps of 10 (25/4 rounded up to 1,
	// 2 or 5 × 10^k) top the axis at 40, so a bar of 20 is half the plot's
	// height, and the email bar of day 1 sits on the axis with voice on it.
	email, voice := c.Rects[0], c.Rects[1]
	require.Contains(t, email.Tip, "email: 20")
	require.Contains(t, voice.Tip, "voice: 5")
	plotH := float64(c.Height) - 10 - 40
	require.InDelta(t, plotH*20/40, email.H, 1e-9)
	require.InDelta(t, plotH*5/40, voice.H, 1e-9)
	require.InDelta(t, email.Y, voice.Y+voice.H, 1e-9)
	require.InDelta(t, 10+plotH, email.Y+email.H, 1e-9)
	require.Equal(t, email.X, voice.X)
	require.Less(t, email.X, c.Rects[2].X, "days left to right")
}

func TestCapacityChartUsesEachKindsScale(t *testing.T) {
	t.Parallel()
	c := report.CapacityChart(sample())
	require.Len(t, c.Rects, 4)
	usedMailbox, availMailbox := c.Rects[0], c.Rects[1]
	require.InDelta(t, availMailbox.W*30/360, usedMailbox.W, 1e-9)
	require.InDelta(t, availMailbox.W, c.Rects[3].W, 1e-9, "every kind's available fills the width")
}

func TestWriteHTML(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, report.WriteHTML(&b, sample()))
	out := b.String()
	require.True(t, strings.HasPrefix(out, "<!DOCTYPE html>"))
	require.Equal(t, 4, strings.Count(out, "<svg "), "four charts")
	require.Equal(t, strings.Count(out, "<svg "), strings.Count(out, "</svg>"))
	require.Contains(t, out, "Tandem &lt;Growth&gt;", "names are escaped")
	require.NotContains(t, out, "<script")
	// Each chart is well-formed SVG (XML).
	for rest := out; strings.Contains(rest, "<svg "); {
		i := strings.Index(rest, "<svg ")
		j := strings.Index(rest, "</svg>") + len("</svg>")
		dec := xml.NewDecoder(strings.NewReader(rest[i:j]))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, rest[i:j])
		}
		rest = rest[j:]
	}
	require.NotContains(t, strings.ReplaceAll(out, `xmlns="http://www.w3.org/2000/svg"`, ""), "http", "no outside resources")
	for _, tick := range []string{">0<", ">10<", ">20<", ">30<", ">40<"} {
		require.Contains(t, out, tick, "round axis ticks")
	}
}

func TestRecords(t *testing.T) {
	t.Parallel()
	u := func(s string) uuid.UUID { return uuid.MustParse(s) }
	at := time.Date(2026, 3, 3, 9, 14, 5, 120, time.FixedZone("AEDT", 11*3600))
	tc := outbound.Touch{
		ID: outbound.TouchID{UUID: u("00000000-0000-4000-8000-000000000001")}, Client: outbound.ClientID{UUID: u("00000000-0000-4000-8000-000000000002")},
		Step: 3, StepChannel: channel.LinkedIn, Channel: channel.LinkedIn, Status: outbound.TouchSkipped, Reason: "gated", ScheduledAt: at,
	}
	var b bytes.Buffer
	require.NoError(t, report.WriteJSONL(&b, []report.TouchRecord{report.TouchOf(&tc)}))
	var m map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &m))
	require.Equal(t, map[string]any{
		"touch_id": "00000000-0000-4000-8000-000000000001", "client_id": "00000000-0000-4000-8000-000000000002",
		"campaign_id": "", "lead_id": "", "step": 3.0, "step_channel": "linkedin", "channel": "", "action": "",
		"status": "skipped", "reason": "gated", "resource_id": "", "scheduled_at": "2026-03-02T22:14:05.00000012Z", "sent_at": nil,
		"provider": "", "attempts": 0.0, "warning": "",
	}, m, "a skipped touch used no channel")

	l := outbound.Lead{ExternalID: "L1", Tier: outbound.TierWarm, Score: 70}
	rec := report.LeadOf(&l, outbound.CampaignID{})
	require.Equal(t, "unknown", rec.DNCR, "a lead never washed is unknown")
	ev := outbound.Event{Event: channel.Event{Type: channel.EventReplied, Kind: channel.Email, Body: "Thanks", At: at}}
	require.Equal(t, "Thanks", report.EventOf(&ev).Detail)
	r := outbound.Resource{Kind: outbound.KindMailbox, State: outbound.StateAssigned, CreatedAt: at}
	rr := report.ResourceOf(&r, "Australia/Sydney")
	require.Equal(t, "2026-03-02T22:14:05.00000012Z", *rr.CreatedAt)
	require.Equal(t, "", rr.ParentID)
}
