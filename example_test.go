package outbound_test

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/timing"
)

// Example plans the first step of the default sequence for one lead: where
// the lead is, which channel the step may use, which mailbox sends it, and
// when it lands in the lead's window.
func Example() {
	ctx := context.Background()

	// Where is the lead? A Perth mobile says nothing; the region does.
	zones, err := timing.NewZoneResolver()
	if err != nil {
		panic(err)
	}
	zone, err := zones.Resolve(timing.ZoneQuery{Phone: "+61412345678", Country: "AU", Region: "WA", Default: "Australia/Sydney"})
	if err != nil {
		panic(err)
	}

	// Which channel may step 1 use for a lead scored 72?
	var policy sequence.Policy // the zero value is the documented defaults
	tier, err := policy.TierFor(72)
	if err != nil {
		panic(err)
	}
	step := sequence.Default().Steps[0]
	res := policy.Resolve(step, sequence.Conditions{
		Tier:      tier,
		Addresses: channel.SetOf(channel.Email, channel.SMS, channel.Voice),
		Resources: channel.SetOf(channel.Email, channel.Voice, channel.SMS),
	})

	// When, in the lead's window? Monday 2 March 2026, 08:00 UTC is 16:00 in
	// Perth: past the 09:00–11:00 email window, so Tuesday.
	sched, err := timing.NewScheduler(timing.SchedulerConfig{})
	if err != nil {
		panic(err)
	}
	lead := timing.Recipient{Location: zone.Location, Country: "AU", Region: "WA"}
	at, err := sched.Next(res.Channel, lead, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}

	// Which mailbox sends it, under its caps?
	sydney, _ := time.LoadLocation("Australia/Sydney")
	mailbox, _ := outbound.ParseID[outbound.ResourceID]("0190c2a4-6f1e-7000-8000-0000000000a1")
	alloc, err := allocator.New(allocator.Config{}, []allocator.Resource{
		{ID: mailbox, Kind: outbound.KindMailbox, Location: sydney},
	})
	if err != nil {
		panic(err)
	}
	pick, err := alloc.Pick(ctx, allocator.Request{Action: res.Action, At: at})
	if err != nil {
		panic(err)
	}

	fmt.Println("zone:", zone.Name, "from", zone.Source)
	fmt.Println("tier:", tier, "step 1:", res.Channel, res.Action)
	fmt.Println("send at:", at.In(zone.Location).Format("Mon 2006-01-02 15:04 MST"))
	fmt.Println("from mailbox:", pick.Resource == mailbox, "counted on", pick.Day)
	// Output:
	// zone: Australia/Perth from region
	// tier: warm step 1: email email
	// send at: Tue 2026-03-03 09:00 AWST
	// from mailbox: true counted on 2026-03-03
}
