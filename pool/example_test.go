package pool_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
	"github.com/outbound-go/outbound/warmup"
)

// Example runs a client through the pool: the host's own resources
// registered, assignment on payment (twice, as a retried webhook would),
// the buffer check that orders a domain, churn, and the release 30 days
// later, on a virtual clock.
func Example() {
	ctx := context.Background()
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store := memory.New()
	alerts := &pooltest.Alerter{}
	p, err := pool.New(pool.Config{
		Store:       store,
		Provisioner: &pooltest.Provisioner{},
		Alerter:     alerts,
		Clock:       clock,
	})
	if err != nil {
		panic(err)
	}

	// The agency already owns 3 domains bought two months ago, each with
	// its 2 mailboxes, 2 numbers and 2 LinkedIn accounts.
	aged := clock.Now().AddDate(0, -2, 0)
	var owned []pool.Registration
	for i := 1; i <= 3; i++ {
		domain := fmt.Sprintf("acme-mail%d.com", i)
		ref := fmt.Sprintf("dom_%d", i)
		owned = append(owned,
			pool.Registration{Kind: outbound.KindDomain, Provider: "infraforge", ProviderRef: ref, Address: domain, PurchasedAt: aged},
			pool.Registration{Kind: outbound.KindMailbox, Provider: "infraforge", ProviderRef: ref + "_sam", Address: "sam@" + domain, Domain: ref},
			pool.Registration{Kind: outbound.KindMailbox, Provider: "infraforge", ProviderRef: ref + "_jo", Address: "jo@" + domain, Domain: ref})
	}
	for i := 1; i <= 2; i++ {
		owned = append(owned,
			pool.Registration{Kind: outbound.KindPhone, Provider: "twilio", ProviderRef: fmt.Sprintf("PN%d", i), Address: fmt.Sprintf("+6129123456%d", i), PurchasedAt: aged},
			pool.Registration{Kind: outbound.KindLinkedInSeat, Provider: "unipile", ProviderRef: fmt.Sprintf("acc_%d", i), Address: fmt.Sprintf("sam-acme-%d", i), PurchasedAt: aged})
	}
	for range 2 { // registering twice stores once
		if _, err := p.Register(ctx, owned); err != nil {
			panic(err)
		}
	}

	// A client pays for the starter plan; the payment webhook arrives twice.
	client := &outbound.Client{
		ID: outbound.ClientID{UUID: uuid.New()}, Name: "Acme", Plan: "starter",
		SignupAt: clock.Now(), DefaultZone: "Australia/Sydney", State: outbound.ClientActive,
	}
	if err := store.CreateClient(ctx, client); err != nil {
		panic(err)
	}
	for range 2 {
		a, err := p.Assign(ctx, client.ID)
		if err != nil {
			panic(err)
		}
		fmt.Printf("assigned %d domains, %d mailboxes, %d phone, %d seat\n",
			a.Count(outbound.KindDomain), a.Count(outbound.KindMailbox), a.Count(outbound.KindPhone), a.Count(outbound.KindLinkedInSeat))
	}

	// 1 domain of 3 is left: 33 %, under 40 %. The check orders one (with
	// its mailboxes), which starts its warmup now; a second check buys
	// nothing.
	for range 2 {
		rep, err := p.CheckBuffer(ctx)
		if err != nil {
			panic(err)
		}
		d := rep.Kinds[outbound.KindDomain]
		fmt.Printf("domains: %d available, %d in flight, %d assigned: %.0f%%, bought %d\n", d.Available, d.InFlight, d.Assigned, 100*d.Ratio, d.Bought)
		for _, o := range rep.Orders {
			fmt.Printf("order %s: %s, %d resources\n", o.Key, o.State, len(o.Resources))
		}
	}

	// The client churns; its resources are held 30 days, then released.
	if err := p.Churn(ctx, client.ID); err != nil {
		panic(err)
	}
	clock.Advance(30*24*time.Hour - time.Second)
	n, _ := p.Release(ctx)
	fmt.Println("released after 30 days less a second:", n)
	clock.Advance(time.Second)
	n, _ = p.Release(ctx)
	fmt.Println("released after 30 days:", n)
	n, _ = p.Promote(ctx)
	fmt.Println("warmed up and promoted:", n)

	for _, a := range alerts.Alerts() {
		fmt.Println("alert:", a.Kind, a.ResourceKind, a.Count)
	}
	// Output:
	// assigned 2 domains, 4 mailboxes, 1 phone, 1 seat
	// assigned 0 domains, 0 mailboxes, 0 phone, 0 seat
	// domains: 1 available, 0 in flight, 2 assigned: 33%, bought 1
	// order pool-domain-1: fulfilled, 3 resources
	// domains: 1 available, 1 in flight, 2 assigned: 50%, bought 0
	// released after 30 days less a second: 0
	// released after 30 days: 4
	// warmed up and promoted: 1
	// alert: buffer_low domain 1
}

// ExamplePool_EvaluateHealth pauses a domain whose bounce rate passes 3 %
// over at least 20 sends in the last 14 days.
func ExamplePool_EvaluateHealth() {
	ctx := context.Background()
	p, err := pool.New(pool.Config{
		Store: memory.New(),
		Clock: timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		panic(err)
	}
	rs, err := p.Stock(ctx, outbound.KindDomain, 2, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	exact, over := rs[0], rs[3] // each domain is followed by its 2 mailboxes

	src := &pooltest.HealthSource{}
	src.Set(exact.ID, warmup.Stats{Sends: 100, Bounces: 3}) // exactly 3 %: not above
	src.Set(over.ID, warmup.Stats{Sends: 100, Bounces: 4})  // 4 %
	changes, err := p.EvaluateHealth(ctx, src)
	if err != nil {
		panic(err)
	}
	for _, c := range changes {
		fmt.Println(c.Domain == over.ID, c.Verdict.Pause, c.Verdict.Reason)
	}
	// Output:
	// true true bounce rate 4% over 14 days > 3%
}
