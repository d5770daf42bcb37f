package world_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound/examples/simulate/internal/world"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// Example shows the simulated clients and a register read from a file.
func Example() {
	for _, c := range world.Clients(3) {
		fmt.Println(c.Name, c.Plan, c.Zone)
	}
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	reg, err := world.ReadRegister(strings.NewReader("# listed numbers\n+61291234567\n"), clock)
	if err != nil {
		panic(err)
	}
	res, err := reg.Wash(context.Background(), []string{"+61291234567", "+61291234568"})
	if err != nil {
		panic(err)
	}
	for _, r := range res {
		fmt.Println(r.Phone, r.Status, r.WashedAt.Format(time.DateOnly))
	}
	// Output:
	// Tandem Growth starter Australia/Sydney
	// Outpost Agency growth America/New_York
	// Redline Demand scale Australia/Melbourne
	// +61291234567 registered 2026-03-02
	// +61291234568 clear 2026-03-02
}
