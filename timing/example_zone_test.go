package timing_test

import (
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
		{Phone: "+61 412 345 678", Country: "Australia", Region: "Western Australia"},
		// A North American number is placed by its area code: 212 is
		// Manhattan.
		{Phone: "+1 212 555 0123", Country: "USA"},
		// Idaho's 208 spans two zones; the state picks one.
		{Phone: "+1 208 555 0123", Country: "US", Region: "ID"},
		// Nothing but a multi-zone country: the client's default when it is
		// in the country...
		{Country: "AU", Default: "Australia/Brisbane"},
		// ...else the zone most of the country lives in, never another
		// country's.
		{Country: "United States", Default: "Australia/Sydney"},
		// No country at all: the client's default.
		{Default: "Australia/Sydney"},
	} {
		res, err := r.Resolve(q)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-20s %s\n", res.Name, res.Source)
	}
	// Output:
	// Australia/Sydney     phone
	// Australia/Perth      region
	// America/New_York     phone_area_code
	// America/Boise        region
	// Australia/Brisbane   client_default
	// America/New_York     country_default
	// Australia/Sydney     client_default
}

func ExampleZoneResolver_PhoneZone() {
	r, err := timing.NewZoneResolver()
	if err != nil {
		panic(err)
	}
	// A US lead in Chicago called on a Los Angeles number: calling hours
	// must hold in both zones.
	zone, ok := r.PhoneZone("+12135550123")
	fmt.Println(zone, ok)
	// A mobile outside North America places nobody.
	zone, ok = r.PhoneZone("+61412345678")
	fmt.Printf("%q %v\n", zone, ok)
	// Output:
	// America/Los_Angeles true
	// "" false
}
