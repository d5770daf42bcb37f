package hubspot_test

import (
	"context"
	"fmt"
	"log"
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
		log.Fatal(err)
	}
	ctx := context.Background()
	for range 2 { // the booking, and its webhook redelivered
		contact, err := c.UpsertContact(ctx, crm.Contact{Email: "ann@acme.com.au", FirstName: "Ann", Company: "Acme"})
		if err != nil {
			log.Fatal(err)
		}
		deal, err := c.CreateDeal(ctx, crm.Deal{Key: "calcom:bk_7Qm2", Name: "Acme: Intro call",
			Meeting: time.Date(2026, 3, 11, 23, 0, 0, 0, time.UTC)}, contact)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("contact", contact, "deal", deal)
	}
	deals := srv.Deals()
	d := deals[0]
	fmt.Println(len(deals), "deal:", d.Properties["dealname"], d.Properties["pipeline"], d.Properties["dealstage"], d.Properties["closedate"])
	fmt.Println("associated with", srv.DealContacts(d.ID)[0].Properties["email"])
	// Output:
	// contact 101 deal 102
	// contact 101 deal 102
	// 1 deal: Acme: Intro call default appointmentscheduled 2026-03-11T23:00:00.000Z
	// associated with ann@acme.com.au
}
