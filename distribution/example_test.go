package distribution_test

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// Example signs a client up, imports one lead in Sydney and shows when each
// step of the default sequence will go, on which channel: a lead scored 70
// (warm) with an email, a mobile and a LinkedIn profile, imported on
// Monday 2 March 2026.
func Example() {
	ctx := context.Background()
	syd, _ := time.LoadLocation("Australia/Sydney")
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 7, 0, 0, 0, syd))
	var chans []channel.Channel
	for _, k := range channel.Kinds() {
		f, _ := channeltest.New(k, &channeltest.Config{Now: clock.Now})
		chans = append(chans, f)
	}
	washer := distribution.DNCRFunc(func(_ context.Context, phones []string) ([]outbound.WashResult, error) {
		var out []outbound.WashResult
		for _, p := range phones {
			out = append(out, outbound.WashResult{Phone: p, Status: outbound.DNCRClear, WashedAt: clock.Now()})
		}
		return out, nil
	})
	svc, err := distribution.New(distribution.Config{Store: memory.New(), Channels: chans, Clock: clock, DNCR: washer})
	if err != nil {
		panic(err)
	}
	// The pool owns aged resources; the signup assigns the starter plan's.
	aged := clock.Now().AddDate(0, 0, -60)
	for _, k := range []outbound.ResourceKind{outbound.KindDomain, outbound.KindDomain, outbound.KindPhone, outbound.KindLinkedInSeat} {
		if _, err := svc.Pool().Stock(ctx, k, 1, aged); err != nil {
			panic(err)
		}
	}
	client, err := svc.Signup(ctx, distribution.SignupInput{Name: "Acme", Plan: "starter", DefaultZone: "Australia/Sydney", PaymentID: "pi_1"})
	if err != nil {
		panic(err)
	}
	camp, err := svc.CreateCampaign(ctx, client.ID, "Q1")
	if err != nil {
		panic(err)
	}
	res, err := svc.ImportLeads(ctx, camp.ID, []distribution.LeadInput{{
		Line: 2, Email: "Ann@Example.com.au", Phone: "0412 345 678", LinkedIn: "https://www.linkedin.com/in/ann",
		FirstName: "Ann", Company: "Example", Country: "AU", Region: "NSW", Score: 70,
	}})
	if err != nil {
		panic(err)
	}
	if _, err := svc.Plan(ctx); err != nil {
		panic(err)
	}
	touches, err := svc.Schedule(ctx, res.Enrolled[0])
	if err != nil {
		panic(err)
	}
	for _, t := range touches {
		fmt.Printf("step %d %-8s %s %s\n", t.Step, t.Channel, t.Action, t.ScheduledAt.In(syd).Format("Mon 2 Jan"))
	}
	// Output:
	// step 1 email    email Mon 2 Mar
	// step 2 voice    call Thu 5 Mar
	// step 3 linkedin connection_request Mon 9 Mar
	// step 4 email    email Thu 12 Mar
	// step 5 sms      sms Mon 16 Mar
}

// ExampleBillingMonth shows the billing months of a client that signed up
// on 31 January: the anchor day where the month has it, else the month's
// last day.
func ExampleBillingMonth() {
	anchor := mustDate("2026-01-31")
	for _, day := range []string{"2026-02-10", "2026-03-05", "2026-04-15"} {
		start, end := distribution.BillingMonth(anchor, mustDate(day))
		fmt.Println(day, "is in", start, "to", end)
	}
	// Output:
	// 2026-02-10 is in 2026-01-31 to 2026-02-28
	// 2026-03-05 is in 2026-02-28 to 2026-03-31
	// 2026-04-15 is in 2026-03-31 to 2026-04-30
}
