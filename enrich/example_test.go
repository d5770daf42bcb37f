package enrich_test

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/enrich"
)

// A host's own table first, the offline reading after: each fills what is
// still empty.
func Example() {
	e := enrich.Chain(enrich.Static{"harbour.com.au": {Employees: 40}}, enrich.Offline{})
	l := &outbound.Lead{Company: "Harbour Freight", CompanyDomain: "harbour.com.au"}
	_ = e.Enrich(context.Background(), l)
	fmt.Println(l.Country, l.Employees, l.Industry)
	// Output: AU 40 logistics
}
