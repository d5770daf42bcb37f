package phone_test

import (
	"fmt"

	"github.com/outbound-go/outbound/phone"
)

func ExampleParse() {
	p, err := phone.Parse("0412 345 678", "AU")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.E164, p.Country, p.Type, p.Type.MaybeMobile())

	_, err = phone.Parse("0412 345 678", "")
	fmt.Println(err)
	// Output:
	// +61412345678 AU mobile true
	// phone: number = "0412 345 678": no +country code and no known default country
}
