package donotcall_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// Example routes Australian numbers to a wash service (here a function
// that says every number is clear) and US numbers to the FTC's file of
// area code 212; a British number has no register.
func Example() {
	ctx := context.Background()
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))

	au := donotcall.Func(func(_ context.Context, phones []string) ([]outbound.WashResult, error) {
		out := make([]outbound.WashResult, len(phones))
		for i, p := range phones {
			out[i] = outbound.WashResult{Phone: p, Status: outbound.DNCRClear, WashedAt: clock.Now()}
		}
		return out, nil
	})

	var files donotcall.FileLoader
	if err := files.ReadUSFile(ctx, "212.txt", strings.NewReader("2125550100\r\n212,5550199\r\n")); err != nil {
		panic(err)
	}
	us, err := files.Register(donotcall.FileOptions{Clock: clock})
	if err != nil {
		panic(err)
	}

	reg, err := donotcall.NewByCountry(donotcall.ByCountryConfig{
		Registers: map[string]donotcall.Register{"AU": au, "US": us},
		Clock:     clock,
	})
	if err != nil {
		panic(err)
	}
	res, err := reg.Wash(ctx, []string{"+61291234567", "+12125550100", "+442079460958"})
	if err != nil {
		panic(err)
	}
	slices.SortFunc(res, func(a, b outbound.WashResult) int { return strings.Compare(a.Phone, b.Phone) })
	for _, r := range res {
		fmt.Println(r.Phone, r.Status)
	}
	fmt.Println("no register for", reg.Unconfigured())
	// Output:
	// +12125550100 registered
	// +442079460958 not_applicable
	// +61291234567 clear
	// no register for [GB]
}
