package timing_test

import (
	"fmt"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

func ExampleUSCallRule() {
	r, ok := timing.USCallRule("FL")
	fmt.Println(ok, r.Hours[time.Tuesday].Start, r.Hours[time.Tuesday].End, r.MaxCallsPer24h, r.Statute)
	_, ok = timing.USCallRule("GA")
	fmt.Println("GA stricter than federal:", ok)
	// Output:
	// true 08:00 20:00 3 Fla. Stat. § 501.616(6)(a)-(b)
	// GA stricter than federal: false
}

func ExampleScheduler_Next_twoZones() {
	// A New York lead whose number has a Los Angeles area code: the US
	// calling hours (08:00–21:00) hold in both zones, the business window
	// (09:00–17:00) in the lead's.
	s, err := timing.NewScheduler(timing.SchedulerConfig{})
	if err != nil {
		panic(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic(err)
	}
	lead := timing.Recipient{Location: ny, Country: "US", Region: "NY", PhoneLocation: la, PhoneRegion: "CA"}
	earliest := time.Date(2026, 6, 9, 8, 30, 0, 0, ny)
	slot, err := s.Next(channel.Voice, lead, earliest)
	if err != nil {
		panic(err)
	}
	fmt.Println(slot.Format("Mon 15:04 MST"), "=", slot.In(la).Format("15:04 MST"))

	// With calls configured 07:00–22:00, 20:30 in New York (17:30 in Los
	// Angeles) is inside the federal hours in both zones, but not inside
	// Florida's 08:00–20:00 when the number is a Florida one.
	wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
	s, err = timing.NewScheduler(timing.SchedulerConfig{Windows: timing.Windows{channel.Voice: wide}})
	if err != nil {
		panic(err)
	}
	evening := time.Date(2026, 6, 9, 20, 30, 0, 0, ny)
	for _, state := range []string{"GA", "FL"} {
		lead.PhoneRegion = state
		fmt.Println(state, "number:", s.Contains(channel.Voice, lead, evening))
	}
	// Output:
	// Tue 11:00 EDT = 08:00 PDT
	// GA number: true
	// FL number: false
}
