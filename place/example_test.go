package place_test

import (
	"errors"
	"fmt"

	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/place"
)

func Example() {
	// What a lead file's "Country" and "State/Region" columns hold.
	for _, row := range [][2]string{
		{"Australia", "New South Wales"},
		{"usa", "US-NY"},
		{"United Kingdom", "Scotland"},
		{" ca ", "québec"},
	} {
		country, _ := place.Country(row[0])
		region, _ := place.Region(country, row[1])
		name, _ := place.CountryName(country)
		fmt.Printf("%-16q %-18q → %s-%s (%s)\n", row[0], row[1], country, region, name)
	}

	_, err := place.ParseCountry("Narnia")
	fmt.Println(errors.Is(err, invalid.ErrInvalid), err)
	// Output:
	// "Australia"      "New South Wales"  → AU-NSW (Australia)
	// "usa"            "US-NY"            → US-NY (United States)
	// "United Kingdom" "Scotland"         → GB-SCT (Britain (UK))
	// " ca "           "québec"           → CA-QC (Canada)
	// true place: country = "Narnia": not an ISO 3166-1 country code or a known country name
}

func ExampleRegions() {
	for _, r := range place.Regions("AU") {
		fmt.Println(r.Code, r.Name)
	}
	// Output:
	// ACT Australian Capital Territory
	// JBT Jervis Bay Territory
	// NSW New South Wales
	// NT Northern Territory
	// QLD Queensland
	// SA South Australia
	// TAS Tasmania
	// VIC Victoria
	// WA Western Australia
}
