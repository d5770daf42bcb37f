package timing_test

import (
	"errors"
	"fmt"

	"github.com/outbound-go/outbound/timing"
)

func ExampleZoneResolver_Resolve() {
	r, err := timing.NewZoneResolver()
	if err != nil {
		panic(err)
	}
	for _, q := range []timing.ZoneQuery{
		// A Sydney landline: the number places its owner.
		{Phone: "(02) 9374 4000", Country: "AU"},
		// An Australian mobile says nothing about where its owner is (the
		// phone data would say Sydney); the company's state does.
		{Phone: "+61 412 345 678", Country: "AU", Region: "WA"},
		// US numbers never place anyone; Texas is mostly Central time.
		{Phone: "+1 512 463 4630", Country: "US", Region: "TX"},
		// Nothing but a multi-zone country: the client's default.
		{Country: "AU", Default: "Australia/Brisbane"},
	} {
		res, err := r.Resolve(q)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-20s %s\n", res.Name, res.Source)
	}

	_, err = r.Resolve(timing.ZoneQuery{Country: "AU"})
	fmt.Println(errors.Is(err, timing.ErrNoZone), err)
	// Output:
	// Australia/Sydney     phone
	// Australia/Perth      region
	// America/Chicago      region
	// Australia/Brisbane   client_default
	// true timing: zone: region "": no timezone found: country spans several timezones (AU has 13 zones in zone1970.tab; give one of its regions)
}
