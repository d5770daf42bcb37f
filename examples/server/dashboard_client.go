package main

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
)

// The client page: its campaigns' funnels, its sends per day per channel
// with the days ahead, its next touches, its leads with their status and
// next touch, its replies with their classes, the answers waiting for its
// approval and its usage of the billing month.

type campaignRow struct {
	ID, Name                               string
	Enrolled, Contacted, Replied, Meetings int
}

type nextRow struct {
	At            time.Time
	Lead, Channel string
	Step          int
}

type draftRow struct {
	ID, Lead, Channel, Body string
}

type leadRow struct {
	Lead, Campaign, State, Reason string
	Next                          *nextRow // nil: nothing scheduled
}

type replyRow struct {
	At                         time.Time
	Lead, Channel, Class, Body string
}

// dayBar is one day of the sends chart: a stack of one bar per channel.
type dayBar struct {
	X      float64
	Label  string // the day, every few days; "" otherwise
	Ahead  bool   // a day to come: what is scheduled
	Total  int
	Stacks []stack
}

type stack struct {
	Channel string
	N       int
	Y, H    float64
	Color   string
}

type clientPage struct {
	pageData
	Client, Plan, Month string
	Used, Allowance     int
	Campaigns           []campaignRow
	Days                []dayBar
	ChartHeight         int
	ChartMost           int // the busiest day's touches: the chart's top
	Legend              []stack
	Next                []nextRow
	Leads               []leadRow
	LeadsTotal          int
	LeadsFrom, LeadsTo  int // the rows shown, 1-based
	PrevLeads           string
	NextLeads           string // the link to the next page of leads; "" on the last
	Replies             []replyRow
	Drafts              []draftRow
	Import              *importJSON // the file just imported, when the page answers an upload
	ImportError         string
}

// The client page's sizes.
const (
	pastDays    = 14 // days of sends on the chart
	aheadDays   = 7  // days of the schedule on it
	nextShown   = 25 // next touches listed
	leadsShown  = 50 // leads a page
	repliesShow = 20 // newest replies listed
)

// channelColor is a channel's colour on the charts.
func channelColor(k channel.Kind) string {
	return cmp.Or(map[channel.Kind]string{channel.Email: "#1565c0", channel.Voice: "#2e7d32", channel.LinkedIn: "#00838f",
		channel.SMS: "#f9a825", channel.Mail: "#8e24aa"}[k], "#90a4ae")
}

// client is the client's page; an admin sees it for no client. from is
// the first lead listed (0-based).
func (d *dashboard) client(ctx context.Context, p principal, csrf string, from int) (clientPage, error) {
	if p.admin {
		return clientPage{}, notFound("page")
	}
	st, svc := d.a.store(p), d.a.svc
	now := d.a.clock.Now()
	c, err := st.GetClient(ctx, p.client)
	if err != nil {
		return clientPage{}, err
	}
	used, start, end, err := svc.Usage(ctx, c.ID, now)
	if err != nil {
		return clientPage{}, err
	}
	plan, _ := svc.Pool().Plan(c.Plan)
	out := clientPage{pageData: pageData{Title: c.Name, LoggedIn: true, CSRF: csrf}, Client: c.Name, Plan: c.Plan, Used: used,
		Allowance: plan.LeadsPerMonth, Month: start.Format("2 Jan") + " – " + end.AddDate(0, 0, -1).Format("2 Jan")}

	camps, err := st.ListCampaigns(ctx, c.ID)
	if err != nil {
		return clientPage{}, err
	}
	es, err := st.ListEnrollments(ctx, storage.EnrollmentFilter{Client: c.ID})
	if err != nil {
		return clientPage{}, err
	}
	sent, err := st.ListTouches(ctx, storage.TouchFilter{Client: c.ID, Statuses: []outbound.TouchStatus{outbound.TouchSent, outbound.TouchDelivered}})
	if err != nil {
		return clientPage{}, err
	}
	scheduled, err := st.ListTouches(ctx, storage.TouchFilter{Client: c.ID, Status: outbound.TouchScheduled})
	if err != nil {
		return clientPage{}, err
	}
	meetings, err := svc.Meetings(ctx, c.ID)
	if err != nil {
		return clientPage{}, err
	}
	out.Campaigns = funnels(camps, es, sent, meetings)
	out.Days, out.Legend, out.ChartHeight, out.ChartMost = sendsChart(now, sent, scheduled)

	// The page's leads, its next touches, its replies and its drafts; the
	// names of the leads shown read in one call.
	// The store lists touches by when they are scheduled, enrollments by
	// lead: the orders the page shows them in.
	next := scheduled[:min(len(scheduled), nextShown)]
	out.LeadsTotal = len(es)
	from = max(0, min(from, len(es)))
	shown := es[from:min(len(es), from+leadsShown)]
	if len(shown) > 0 {
		out.LeadsFrom, out.LeadsTo = from+1, from+len(shown)
	}
	if from+len(shown) < len(es) {
		out.NextLeads = "/client?leads=" + strconv.Itoa(from+len(shown)) + "#leads"
	}
	if from > 0 {
		out.PrevLeads = "/client?leads=" + strconv.Itoa(max(0, from-leadsShown)) + "#leads"
	}
	// The next touch of each lead shown: its first scheduled.
	nextOf := make(map[outbound.EnrollmentID]*outbound.Touch, len(shown))
	for _, e := range shown {
		nextOf[e.ID] = nil
	}
	for i := range scheduled {
		if t, ok := nextOf[scheduled[i].Enrollment]; ok && t == nil {
			nextOf[scheduled[i].Enrollment] = &scheduled[i]
		}
	}
	replies, err := d.replies(ctx, st, c.ID)
	if err != nil {
		return clientPage{}, err
	}
	drafts, err := svc.Drafts(ctx, c.ID)
	if err != nil {
		return clientPage{}, err
	}
	var ids []outbound.LeadID
	for _, t := range append(slices.Clone(next), drafts...) {
		ids = append(ids, t.Lead)
	}
	for _, e := range shown {
		ids = append(ids, e.Lead)
	}
	for _, e := range replies {
		ids = append(ids, e.Lead)
	}
	leads, err := st.GetLeads(ctx, ids)
	if err != nil {
		return clientPage{}, err
	}
	name := map[outbound.LeadID]string{}
	for _, l := range leads {
		name[l.ID] = strings.TrimSpace(l.FirstName+" "+l.LastName) + " (" + l.Company + ")"
	}
	campName := map[outbound.CampaignID]string{}
	for _, camp := range camps {
		campName[camp.ID] = camp.Name
	}
	row := func(t outbound.Touch) nextRow {
		return nextRow{At: t.ScheduledAt.UTC(), Lead: name[t.Lead], Step: t.Step, Channel: string(cmp.Or(t.Channel, t.StepChannel))}
	}
	for _, t := range next {
		out.Next = append(out.Next, row(t))
	}
	for _, e := range shown {
		lr := leadRow{Lead: name[e.Lead], Campaign: campName[e.Campaign], State: string(e.State), Reason: string(e.StopReason)}
		if t := nextOf[e.ID]; t != nil {
			r := row(*t)
			lr.Next = &r
		}
		out.Leads = append(out.Leads, lr)
	}
	for _, e := range replies {
		out.Replies = append(out.Replies, replyRow{At: e.At.UTC(), Lead: cmp.Or(name[e.Lead], e.From), Channel: string(e.Kind),
			Class: cmp.Or(e.Metadata[distribution.MetaReplyClass], "unclassified"), Body: excerpt(e.Body, 280)})
	}
	for _, t := range drafts {
		out.Drafts = append(out.Drafts, draftRow{ID: t.ID.String(), Lead: name[t.Lead], Channel: string(t.Channel), Body: t.Body})
	}
	return out, nil
}

// funnels counts each campaign's funnel: enrolled, contacted (a touch
// went), replied, meetings booked (a moved meeting counted once).
func funnels(camps []outbound.Campaign, es []outbound.Enrollment, sent []outbound.Touch, meetings []outbound.Meeting) []campaignRow {
	type key = outbound.CampaignID
	enrolled, replied, booked := map[key]int{}, map[key]int{}, map[key]int{}
	for _, e := range es {
		enrolled[e.Campaign]++
		if e.State == outbound.EnrollmentReplied {
			replied[e.Campaign]++
		}
	}
	contacted := map[key]map[outbound.LeadID]bool{}
	for _, t := range sent {
		if contacted[t.Campaign] == nil {
			contacted[t.Campaign] = map[outbound.LeadID]bool{}
		}
		contacted[t.Campaign][t.Lead] = true
	}
	for _, m := range meetings {
		if m.Replaces == "" {
			booked[m.Campaign]++
		}
	}
	out := make([]campaignRow, 0, len(camps))
	for _, camp := range camps {
		out = append(out, campaignRow{ID: camp.ID.String(), Name: camp.Name, Enrolled: enrolled[camp.ID],
			Contacted: len(contacted[camp.ID]), Replied: replied[camp.ID], Meetings: booked[camp.ID]})
	}
	return out
}

// sendsChart lays out the sends of the last pastDays days (UTC) and what
// is scheduled for the aheadDays to come, a stack per channel each day,
// scaled to the busiest day.
func sendsChart(now time.Time, sent, scheduled []outbound.Touch) (days []dayBar, legend []stack, height, most int) {
	const barW, gap, chartH, x0 = 24.0, 6.0, 160.0, 40.0
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	first := today.AddDate(0, 0, -pastDays+1)
	n := pastDays + aheadDays
	counts := make([]map[channel.Kind]int, n)
	for i := range counts {
		counts[i] = map[channel.Kind]int{}
	}
	add := func(at time.Time, k channel.Kind, ahead bool) {
		i := int(at.UTC().Sub(first).Hours() / 24)
		if at.Before(first) || i >= n || (i >= pastDays) != ahead {
			return
		}
		counts[i][k]++
	}
	for _, t := range sent {
		add(t.SentAt, cmp.Or(t.Channel, t.StepChannel), false)
	}
	for _, t := range scheduled {
		add(t.ScheduledAt, cmp.Or(t.Channel, t.StepChannel), true)
	}
	most = 1
	for _, c := range counts {
		total := 0
		for _, v := range c {
			total += v
		}
		most = max(most, total)
	}
	for _, k := range channel.Kinds() {
		legend = append(legend, stack{Channel: string(k), Color: channelColor(k)})
	}
	days = make([]dayBar, 0, n)
	for i, c := range counts {
		day := first.AddDate(0, 0, i)
		b := dayBar{X: x0 + float64(i)*(barW+gap), Ahead: i >= pastDays}
		if (i-pastDays)%3 == 0 {
			b.Label = day.Format("2 Jan")
		}
		y := chartH
		for _, k := range channel.Kinds() {
			if c[k] == 0 {
				continue
			}
			h := chartH * float64(c[k]) / float64(most)
			y -= h
			b.Stacks = append(b.Stacks, stack{Channel: string(k), N: c[k], Y: y, H: h, Color: channelColor(k)})
			b.Total += c[k]
		}
		days = append(days, b)
	}
	return days, legend, int(chartH) + 24, most
}

// replies returns the client's newest replies, newest first.
func (d *dashboard) replies(ctx context.Context, st storage.Store, client outbound.ClientID) ([]outbound.Event, error) {
	evs, err := st.ListEvents(ctx, client)
	if err != nil {
		return nil, err
	}
	var out []outbound.Event
	for i := len(evs) - 1; i >= 0 && len(out) < repliesShow; i-- {
		if e := evs[i]; e.Type == channel.EventReplied && e.Topic != outbound.TopicBilling {
			out = append(out, e)
		}
	}
	return out, nil
}

// excerpt cuts s to n runes at most, marking a cut.
func excerpt(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// leadsFrom reads the page of leads asked for: ?leads=N.
func leadsFrom(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
