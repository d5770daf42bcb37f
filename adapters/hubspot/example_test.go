package hubspot_test

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound/adapters/hubspot"
	"github.com/outbound-go/outbound/adapters/hubspot/hubspottest"
	"github.com/outbound-go/outbound/crm"
)

// A booked meeting pushed to HubSpot (here its fake): the contact by
// email, then the deal associated with it, once however often it is
// pushed.
func Example() {
	srv := hubspottest.New(hubspottest.Config{})
	defer srv.Close()
	c, err := hubspot.New(hubspot.Config{Token: srv.Token(), BaseURL: srv.URL()})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for range 2 {
		contact, _ := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au", FirstName: "Ann", Company: "Acme"})
		deal, _ := c.CreateDeal(ctx, crm.Deal{Key: "calcom:bk_7Qm2", Name: "Acme: Intro call",
			Meeting: time.Date(2026, 3, 11, 23, 0, 0, 0, time.UTC)}, contact)
		fmt.Println(contact, deal)
	}
	d := srv.Deals()[0]
	fmt.Println(len(srv.Deals()), d.Properties["dealstage"], d.Contacts)
	// Output:
	// 101 102
	// 101 102
	// 1 appointmentscheduled [101]
}
