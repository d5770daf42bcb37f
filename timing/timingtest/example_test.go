package timingtest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound/timing/timingtest"
)

func ExampleClock() {
	ctx := context.Background()
	clock := timingtest.NewClock(time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC))

	done := make(chan time.Time)
	go func() {
		// The code under test waits an hour on the clock it was given.
		_ = clock.Sleep(ctx, time.Hour)
		done <- clock.Now()
	}()

	// Wait until it is asleep, then move time on: no wall-clock sleeping.
	if err := clock.BlockUntil(ctx, 1); err != nil {
		panic(err)
	}
	clock.Advance(time.Hour)
	fmt.Println((<-done).Format(time.Kitchen))
	// Output:
	// 10:00AM
}
