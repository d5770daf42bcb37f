package allocator_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

func Example() {
	syd, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		panic(err)
	}
	id := func(s string) outbound.ResourceID { return outbound.ResourceID{UUID: uuid.MustParse(s)} }
	names := map[outbound.ResourceID]string{
		id("00000000-0000-0000-0000-0000000000a1"): "anna@acme-mail.com",
		id("00000000-0000-0000-0000-0000000000b2"): "ben@acme-mail.com",
		id("00000000-0000-0000-0000-0000000000c3"): "+61 2 5550 0001",
	}
	a, err := allocator.New(allocator.Config{Call: allocator.Cap{Daily: 1}}, []allocator.Resource{
		{ID: id("00000000-0000-0000-0000-0000000000a1"), Kind: outbound.KindMailbox, Location: syd},
		{ID: id("00000000-0000-0000-0000-0000000000b2"), Kind: outbound.KindMailbox, Location: syd},
		{ID: id("00000000-0000-0000-0000-0000000000c3"), Kind: outbound.KindPhone, Location: syd},
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	monday := time.Date(2025, 6, 2, 9, 0, 0, 0, syd)

	// Two leads' first emails go round the mailboxes.
	leadA, _ := a.Pick(ctx, allocator.Request{Action: channel.ActionEmail, At: monday})
	leadB, _ := a.Pick(ctx, allocator.Request{Action: channel.ActionEmail, At: monday.Add(time.Minute)})
	fmt.Println("lead A:", names[leadA.Resource])
	fmt.Println("lead B:", names[leadB.Resource])

	// Lead A's follow-up on Thursday stays on its mailbox: the engine
	// stored leadA.Resource and passes it back as Sticky.
	follow, _ := a.Pick(ctx, allocator.Request{Action: channel.ActionEmail, At: monday.AddDate(0, 0, 3), Sticky: leadA.Resource})
	fmt.Println("lead A follow-up:", names[follow.Resource])

	// One call a day (this config): the second call of Monday must wait.
	call, _ := a.Pick(ctx, allocator.Request{Action: channel.ActionCall, At: monday})
	fmt.Println("call:", names[call.Resource], "counted on", call.Day)
	_, err = a.Pick(ctx, allocator.Request{Action: channel.ActionCall, At: monday.Add(time.Hour)})
	var full *allocator.NoCapacityError
	if errors.As(err, &full) {
		fmt.Println("second call:", full.Reason, "- opens", full.NextOpen.Format("Mon 2006-01-02 15:04 MST"))
	}
	// Output:
	// lead A: anna@acme-mail.com
	// lead B: ben@acme-mail.com
	// lead A follow-up: anna@acme-mail.com
	// call: +61 2 5550 0001 counted on 2025-06-02
	// second call: daily_cap - opens Tue 2025-06-03 00:00 AEST
}

// The engine wires the warmup curve in through a DailyLimiter: here a
// stand-in curve that allows nothing for the first 14 days of a mailbox's
// life and 10 a day after.
func ExampleDailyLimitFunc() {
	utc := time.UTC
	bought := time.Date(2025, 6, 1, 0, 0, 0, 0, utc)
	curve := allocator.DailyLimitFunc(func(r allocator.Resource, day timing.Date) int {
		if age := int(day - timing.DateIn(r.PurchasedAt, r.Location)); age < 14 {
			return 0
		}
		return 10
	})
	mailbox := allocator.Resource{
		ID:          outbound.ResourceID{UUID: uuid.MustParse("00000000-0000-0000-0000-000000000001")},
		Kind:        outbound.KindMailbox,
		Location:    utc,
		PurchasedAt: bought,
	}
	a, err := allocator.New(allocator.Config{Limiter: curve}, []allocator.Resource{mailbox})
	if err != nil {
		panic(err)
	}
	_, err = a.Pick(context.Background(), allocator.Request{Action: channel.ActionEmail, At: bought.AddDate(0, 0, 3)})
	var full *allocator.NoCapacityError
	if errors.As(err, &full) {
		fmt.Println("warming until", full.NextOpen.Format(time.DateOnly))
	}
	// Output:
	// warming until 2025-06-15
}
