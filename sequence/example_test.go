package sequence_test

import (
	"fmt"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/timing"
)

func ExampleTiers_TierFor() {
	var tiers sequence.Tiers // the defaults
	for _, score := range []int{100, 85, 84, 60, 35, 20, 19, 0} {
		tier, _ := tiers.TierFor(score)
		fmt.Println(score, tier)
	}
	_, err := tiers.TierFor(101)
	fmt.Println(err)
	// Output:
	// 100 hot
	// 85 hot
	// 84 warm
	// 60 warm
	// 35 cool
	// 20 cold
	// 19 dead
	// 0 dead
	// sequence: score = 101: must be within 0–100
}

func ExampleDefault() {
	for _, st := range sequence.Default().Steps {
		fallback := "skip"
		if st.Fallback != "" {
			fallback = string(st.Fallback)
		}
		fmt.Printf("step %d day %2d %-8s %-18s fallback %s\n", st.Number, st.Day, st.Channel, st.Action, fallback)
	}
	// Output:
	// step 1 day  0 email    email              fallback skip
	// step 2 day  3 voice    call               fallback email
	// step 3 day  5 linkedin connection_request fallback skip
	// step 4 day  8 email    email              fallback skip
	// step 5 day 12 sms      sms                fallback email
}

func ExamplePolicy_Resolve() {
	var policy sequence.Policy // the defaults
	step2, _ := sequence.Default().Step(2)

	// A Cool lead may not be called: step 2 falls back to email.
	lead := sequence.Conditions{
		Tier:      "cool",
		Addresses: channel.SetOf(channel.Email, channel.Voice),
		Resources: channel.AllKinds,
		Now:       time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
	}
	r := policy.Resolve(step2, lead)
	fmt.Println(r.Channel, r.Action, r.Fallback, r.PrimaryReason)
	fmt.Println(r)

	// If the lead also opted out of email, the step is skipped.
	lead.OptedOut = channel.SetOf(channel.Email)
	r = policy.Resolve(step2, lead)
	fmt.Println(r.Skipped, r.PrimaryReason, r.FallbackReason)
	fmt.Println(r)
	// Output:
	// email email true gated
	// voice gated → email
	// true gated opted_out
	// voice gated, email opted_out: skip
}

func ExampleSequence_Earliest() {
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		panic(err)
	}
	seq := sequence.Default()
	enrolled := timing.DateFromYMD(2026, time.June, 1) // a Monday

	// Step 1 (day 0) went out on time; step 2 (day 3) keeps its planned day.
	step1 := time.Date(2026, 6, 1, 10, 40, 0, 0, sydney)
	at, _ := seq.Earliest(2, enrolled, sydney, sequence.LastTouch{Step: 1, At: step1})
	fmt.Println(at.Format(time.DateTime))

	// Step 2 slipped to day 4; step 3 (planned gap 2 days) moves from
	// day 5 to day 6.
	step2 := time.Date(2026, 6, 5, 14, 10, 0, 0, sydney)
	at, _ = seq.Earliest(3, enrolled, sydney, sequence.LastTouch{Step: 2, At: step2})
	fmt.Println(at.Format(time.DateTime))
	// Output:
	// 2026-06-04 00:00:00
	// 2026-06-07 00:00:00
}
