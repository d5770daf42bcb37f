package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/examples/simulate/internal/report"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
)

// summary adds up the run from the store (what the JSON lines files list)
// and the engine's counters.
func (s *simulation) summary(ctx context.Context) (*report.Summary, error) {
	o := s.opts
	sum := &report.Summary{
		Seed: o.Seed, Start: o.Start.Format(time.DateOnly), DayZone: "UTC", Days: o.Days,
		Leads: report.Leads{
			Rows: s.imported.rows, BadRows: s.imported.badRows, Enrolled: s.imported.enrolled, Merged: s.imported.merged,
			Dead: s.imported.dead, Rejected: s.imported.rejected,
			Tiers: map[string]int{}, DNCR: map[string]int{}, ZoneSources: map[string]int{},
		},
		Touches:   map[string]map[string]int{},
		Skipped:   map[string]int{},
		Cancelled: map[string]int{},
		Fallbacks: map[string]int{},
		Deferrals: map[string]int{},
		Warned:    map[string]int{},
		Events:    map[string]int{},
		Answers:   map[string]int{},
		Capacity:  map[string]report.Capacity{},
		Pool: report.Pool{
			Resources: map[string]map[string]int{}, Paused: map[string]int{}, Purchased: map[string]int{}, Alerts: map[string]int{},
		},
	}

	meetings, err := s.store.ListMeetings(ctx, outbound.ClientID{})
	if err != nil {
		return nil, err
	}
	for _, m := range meetings {
		if m.Replaces == "" {
			sum.Meetings++
		}
	}

	resources, err := s.store.ListResources(ctx, storage.ResourceFilter{})
	if err != nil {
		return nil, err
	}
	assigned := map[outbound.ClientID]map[string]int{}
	for _, r := range resources {
		k := string(r.Kind)
		if sum.Pool.Resources[k] == nil {
			sum.Pool.Resources[k] = map[string]int{}
		}
		sum.Pool.Resources[k][string(r.State)]++
		if r.Paused {
			sum.Pool.Paused[k]++
		}
		if r.Provider != pool.StockProvider && r.Kind != outbound.KindMailbox {
			sum.Pool.Purchased[k]++
		}
		if !r.Client.IsZero() {
			if assigned[r.Client] == nil {
				assigned[r.Client] = map[string]int{}
			}
			assigned[r.Client][k]++
		}
	}
	for _, a := range s.alerter.Alerts() {
		sum.Pool.Alerts[string(a.Kind)]++
	}
	byID := map[outbound.ResourceID]*outbound.Resource{}
	for i := range resources {
		byID[resources[i].ID] = &resources[i]
	}

	leads, err := s.store.ListLeads(ctx, outbound.ClientID{})
	if err != nil {
		return nil, err
	}
	for _, l := range leads {
		sum.Leads.Tiers[string(l.Tier)]++
		sum.Leads.ZoneSources[l.ZoneSource]++
		if l.Phone != "" {
			sum.Leads.DNCR[report.LeadOf(&l, outbound.CampaignID{}).DNCR]++
		}
	}

	days := map[string]*report.Day{}
	var order []string
	for d := range s.opts.Days {
		date := o.Start.AddDate(0, 0, d).Format(time.DateOnly)
		days[date] = &report.Day{Date: date, Sent: map[string]int{}}
		order = append(order, date)
	}
	touches, err := s.store.ListTouches(ctx, storage.TouchFilter{})
	if err != nil {
		return nil, err
	}
	sentBy := map[outbound.ClientID]int{}
	repliesBy := map[outbound.ClientID]int{}
	domainSends := map[outbound.ResourceID]int{}
	domainBounces := map[outbound.ResourceID]int{}
	domainComplaints := map[outbound.ResourceID]int{}
	touchByID := make(map[outbound.TouchID]*outbound.Touch, len(touches))
	for i := range touches {
		touchByID[touches[i].ID] = &touches[i]
	}
	for _, t := range touches {
		ch := report.UsedChannel(&t)
		if ch == "" {
			ch = string(t.StepChannel)
		}
		if sum.Touches[ch] == nil {
			sum.Touches[ch] = map[string]int{}
		}
		status, reason := string(t.Status), reasonHead(string(t.Reason))
		switch {
		case t.Status == outbound.TouchCancelled && (reason == string(outbound.ReasonOutOfOffice) || reason == string(outbound.ReasonNotNow) ||
			reason == string(outbound.ReasonReplanned)):
			status = "replanned" // cancelled to be planned again: a new touch takes its place
		case t.Status == outbound.TouchCancelled:
			sum.Cancelled[reason]++
		case t.Status == outbound.TouchSkipped:
			sum.Skipped[reason]++
		}
		sum.Touches[ch][status]++
		if t.IsAnswer() {
			switch t.Status {
			case outbound.TouchSent, outbound.TouchDelivered:
				sum.Answers["sent"]++
			default:
				sum.Answers[string(t.Status)]++
			}
		}
		if !t.SentAt.IsZero() {
			sentBy[t.Client]++
			if t.Warning != "" {
				sum.Warned[string(t.Channel)]++
			}
			if mb := byID[t.Resource]; mb != nil && t.Channel == channel.Email {
				domainSends[mb.Parent]++
			}
		}
		if !t.SentAt.IsZero() {
			if d := days[t.SentAt.UTC().Format(time.DateOnly)]; d != nil {
				d.Sent[string(t.Channel)]++
			}
		}
	}
	events, err := s.store.ListEvents(ctx, outbound.ClientID{})
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if !isMessageEvent(&e) {
			continue
		}
		sum.Events[string(e.Type)]++
		if e.Type == channel.EventReplied {
			sum.Replies++
			repliesBy[e.Client]++
		}
		if t := touchByID[e.Touch]; t != nil && (e.Type == channel.EventBounced || e.Type == channel.EventComplained) {
			if mb := byID[t.Resource]; mb != nil && t.Channel == channel.Email {
				if e.Type == channel.EventBounced {
					domainBounces[mb.Parent]++
				} else {
					domainComplaints[mb.Parent]++
				}
			}
		}
		if d := days[e.At.UTC().Format(time.DateOnly)]; d != nil {
			d.Events++
			if e.Type == channel.EventReplied {
				d.Replies++
			}
		}
	}
	for _, date := range order {
		sum.Daily = append(sum.Daily, *days[date])
	}
	names := map[outbound.ClientID]string{}
	for _, c := range s.clients {
		names[c.ID] = c.Name
		sum.Clients = append(sum.Clients, report.Client{
			ID: c.ID.String(), Name: c.Name, Plan: c.Plan, Zone: c.Zone, Campaign: c.Campaign.String(),
			Enrolled: s.imported.enrolledBy[c.ID], Sent: sentBy[c.ID], Replies: repliesBy[c.ID], Assigned: assigned[c.ID],
		})
	}
	for i := range resources {
		d := &resources[i]
		if d.Kind != outbound.KindDomain || d.PausedAt.IsZero() {
			continue
		}
		pd := report.PausedDomain{ID: d.ID.String(), Address: d.Address, Client: names[d.Client],
			PausedAt: d.PausedAt.UTC().Format(time.RFC3339), Reason: string(d.PauseReason),
			Sends: domainSends[d.ID], Bounces: domainBounces[d.ID], Complaints: domainComplaints[d.ID]}
		if pd.Sends > 0 {
			pd.BounceRate = float64(pd.Bounces) / float64(pd.Sends)
			pd.ComplaintRate = float64(pd.Complaints) / float64(pd.Sends)
		}
		if r := byID[d.ReplacedBy]; r != nil {
			pd.ReplacedBy = r.Address
		}
		sum.Pool.PausedDomains = append(sum.Pool.PausedDomains, pd)
	}
	slices.SortFunc(sum.Pool.PausedDomains, func(a, b report.PausedDomain) int {
		return cmp.Or(strings.Compare(a.PausedAt, b.PausedAt), strings.Compare(a.ID, b.ID))
	})

	c, err := s.counters()
	if err != nil {
		return nil, err
	}
	for k, v := range c.Fallbacks {
		sum.Fallbacks[string(k)] = v
	}
	for k, v := range c.Deferrals {
		sum.Deferrals[string(k)] = v
	}
	for k, v := range c.Capacity {
		sum.Capacity[string(k)] = report.Capacity{Used: v.Used, Available: v.Available}
	}
	return sum, nil
}

// writeOut writes the summary, the HTML report and the JSON lines files to
// dir, creating it if need be.
func (s *simulation) writeOut(ctx context.Context, dir string, sum *report.Summary) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, fn func(f *os.File) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return fmt.Errorf("writing %s: %w", name, err)
		}
		return f.Close()
	}
	if err := write("summary.json", func(f *os.File) error {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}); err != nil {
		return err
	}
	if err := write("report.html", func(f *os.File) error { return report.WriteHTML(f, sum) }); err != nil {
		return err
	}

	campaignOf := map[outbound.ClientID]outbound.CampaignID{}
	zoneOf := map[outbound.ClientID]string{}
	for _, c := range s.clients {
		campaignOf[c.ID], zoneOf[c.ID] = c.Campaign, c.Zone
	}
	leads, err := s.store.ListLeads(ctx, outbound.ClientID{})
	if err != nil {
		return err
	}
	lr := make([]report.LeadRecord, len(leads))
	for i := range leads {
		lr[i] = report.LeadOf(&leads[i], campaignOf[leads[i].Client])
	}
	if err := write("leads.jsonl", func(f *os.File) error { return report.WriteJSONL(f, lr) }); err != nil {
		return err
	}

	resources, err := s.store.ListResources(ctx, storage.ResourceFilter{})
	if err != nil {
		return err
	}
	rr := make([]report.ResourceRecord, len(resources))
	for i := range resources {
		rr[i] = report.ResourceOf(&resources[i], zoneOf[resources[i].Client])
	}
	if err := write("resources.jsonl", func(f *os.File) error { return report.WriteJSONL(f, rr) }); err != nil {
		return err
	}

	touches, err := s.store.ListTouches(ctx, storage.TouchFilter{})
	if err != nil {
		return err
	}
	tr := make([]report.TouchRecord, len(touches))
	for i := range touches {
		tr[i] = report.TouchOf(&touches[i])
	}
	if err := write("touches.jsonl", func(f *os.File) error { return report.WriteJSONL(f, tr) }); err != nil {
		return err
	}

	events, err := s.store.ListEvents(ctx, outbound.ClientID{})
	if err != nil {
		return err
	}
	er := make([]report.EventRecord, 0, len(events))
	for i := range events {
		if isMessageEvent(&events[i]) {
			er = append(er, report.EventOf(&events[i]))
		}
	}
	return write("events.jsonl", func(f *os.File) error { return report.WriteJSONL(f, er) })
}

// reasonHead is a touch's reason without its detail ("send_failed: 550 …"
// is send_failed).
func reasonHead(r string) string {
	if i := strings.Index(r, ": "); i >= 0 {
		return r[:i]
	}
	if r == "" {
		return "(none)"
	}
	return r
}

// isMessageEvent reports whether e is about a message or a recipient: the
// billing and provisioning events a run records are not the summary's.
func isMessageEvent(e *outbound.Event) bool {
	return e.Topic == "" || e.Topic == outbound.TopicMessage
}
