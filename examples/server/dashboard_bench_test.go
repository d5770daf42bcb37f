package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing"
)

// BenchmarkDashboardPages measures the dashboards' page time for a client
// of 100,000 leads on the memory store, each enrolled, a tenth of them
// sent their first email and one in fifty replied: the time to answer
// GET /client and GET /admin, over loopback, logged in.
func BenchmarkDashboardPages(b *testing.B) {
	const leads = 100_000
	ctx := context.Background()
	st := memory.New()
	svc, err := distribution.New(distribution.Config{Store: st, Clock: timing.RealClock()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Pool().Stock(ctx, outbound.KindDomain, 8, time.Now().AddDate(0, 0, -60)); err != nil {
		b.Fatal(err)
	}
	c, err := svc.Signup(ctx, distribution.SignupInput{Name: "Large", Plan: "scale", DefaultZone: "Australia/Sydney", PaymentID: "p"})
	if err != nil {
		b.Fatal(err)
	}
	camp, err := svc.CreateCampaign(ctx, c.ID, "Big")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	var touches []outbound.Touch
	for i := range leads {
		l := outbound.Lead{ID: outbound.LeadID{UUID: uuid.New()}, Client: c.ID, Email: fmt.Sprintf("lead%d@company%d.example", i, i/3),
			FirstName: "Lead", LastName: fmt.Sprint(i), Company: fmt.Sprint("Company ", i/3), Country: "AU", Zone: "Australia/Sydney",
			Score: 70, Tier: outbound.TierWarm, CreatedAt: now}
		if err := st.CreateLead(ctx, &l); err != nil {
			b.Fatal(err)
		}
		e := outbound.Enrollment{ID: outbound.EnrollmentID{UUID: uuid.New()}, Client: c.ID, Campaign: camp.ID, Lead: l.ID,
			EnrolledOn: timing.DateOf(now), NextStep: 2, State: outbound.EnrollmentActive}
		if i%50 == 0 {
			e.State = outbound.EnrollmentReplied
		}
		if err := st.CreateEnrollment(ctx, &e); err != nil {
			b.Fatal(err)
		}
		if i%50 == 0 {
			ev := outbound.Event{ID: outbound.EventID{UUID: uuid.New()}, Client: c.ID, Campaign: camp.ID, Lead: l.ID, RecordedAt: now,
				AppliedAt: now, Event: channel.Event{Provider: "smtp", ProviderEventID: fmt.Sprint("reply-", i), Type: channel.EventReplied,
					Kind: channel.Email, From: l.Email, Body: "Sounds good, send me more.", At: now.Add(-time.Minute),
					Metadata: map[string]string{distribution.MetaReplyClass: "interested"}}}
			if _, err := st.RecordEvent(ctx, &ev); err != nil {
				b.Fatal(err)
			}
		}
		t := outbound.Touch{ID: outbound.TouchID{UUID: uuid.New()}, Client: c.ID, Campaign: camp.ID, Enrollment: e.ID, Lead: l.ID, Step: 1,
			StepChannel: channel.Email, Channel: channel.Email, Action: channel.ActionEmail, ScheduledAt: now.Add(time.Duration(i) * time.Second),
			Status: outbound.TouchScheduled}
		if i%10 == 0 {
			t.Status, t.SentAt, t.ScheduledAt = outbound.TouchSent, now.Add(-time.Hour), now.Add(-time.Hour)
		}
		touches = append(touches, t)
	}
	if err := st.InsertTouches(ctx, touches); err != nil {
		b.Fatal(err)
	}
	tok := "large-client-token-0123456789"
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, env(map[string]string{
		"OUTBOUND_ADMIN_TOKEN": adminTok, "OUTBOUND_CLIENT_TOKENS": c.ID.String() + ":" + tok,
	}), io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	s := startOn(b, cfg, st)
	for _, page := range []struct{ name, token, path string }{{"client", tok, "/client"}, {"admin", adminTok, "/admin"}} {
		b.Run(page.name, func(b *testing.B) {
			br := newBrowserTB(b, s.url)
			if res, err := br.c.PostForm(s.url+"/login", url.Values{"token": {page.token}}); err != nil {
				b.Fatal(err)
			} else {
				res.Body.Close()
			}
			for b.Loop() {
				res, err := br.c.Get(s.url + page.path)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK || n == 0 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}
