package warmup_test

import (
	"fmt"
	"time"

	"github.com/outbound-go/outbound/warmup"
)

func Example() {
	var p warmup.Policy // the defaults of docs/architecture.md
	for _, age := range []int{0, 13, 14, 21, 28, 365} {
		fmt.Printf("day %d: %d sends\n", age, p.DailyLimit(age, warmup.Health{}))
	}

	// A Max above the hard ceiling is clamped to it.
	fmt.Println("Max 80:", warmup.Policy{Curve: warmup.Curve{{FromDay: 0, Limit: 80}}, Max: 80}.DailyLimit(100, warmup.Health{}))

	// Health: 7 bounces in 200 sends is 3.5 %, past the 3 % rule.
	var rule warmup.HealthPolicy
	v := rule.Evaluate(warmup.Stats{Sends: 200, Bounces: 7})
	fmt.Println(v.Pause, v.Reason)
	fmt.Println("paused:", p.DailyLimit(365, v.Health()))
	// Output:
	// day 0: 0 sends
	// day 13: 0 sends
	// day 14: 10 sends
	// day 21: 20 sends
	// day 28: 30 sends
	// day 365: 30 sends
	// Max 80: 50
	// true bounce rate 3.5% over 14 days > 3%
	// paused: 0
}

func ExampleAgeDays() {
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		panic(err)
	}
	bought := time.Date(2026, 3, 1, 23, 30, 0, 0, sydney)
	now := time.Date(2026, 3, 15, 0, 15, 0, 0, sydney)
	age := warmup.AgeDays(bought, now, sydney)
	fmt.Println(age, warmup.Policy{}.DailyLimit(age, warmup.Health{}))
	// Output: 14 10
}
