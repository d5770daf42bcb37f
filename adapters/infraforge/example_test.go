package infraforge_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/infraforge"
	"github.com/outbound-go/outbound/adapters/infraforge/infraforgetest"
)

// Buy a domain with its two mailboxes through the InfraForge fake, lose
// the answer of the mailbox purchase, and place the order again as the
// pool does: the second placing finds what the first bought.
func Example() {
	srv := infraforgetest.NewServer(infraforgetest.Config{})
	defer srv.Close()
	c, err := infraforge.New(infraforge.Config{
		APIKey: srv.APIKey(), WorkspaceID: srv.WorkspaceID(), BaseURL: srv.URL(),
		Contact: infraforge.Contact{FirstName: "Ana", LastName: "Lopez", Email: "ops@acme.example",
			Address: "1 Main St", City: "Austin", PostalCode: "78701", Country: "US"},
		FirstName: "Ana", LastName: "Lopez",
		Now: func() time.Time { return time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		panic(err)
	}
	o := outbound.Order{Key: "order-7", Kind: outbound.KindDomain, Count: 1}
	srv.Gate().Fail(infraforgetest.Fault{Route: "POST /mailboxes", Status: http.StatusBadGateway, Processed: true, Times: 1})
	_, err = c.Purchase(context.Background(), o)
	fmt.Println("first placing:", err != nil)

	rs, err := c.Purchase(context.Background(), o)
	if err != nil {
		panic(err)
	}
	for _, r := range rs {
		fmt.Println(r.Kind, r.ProviderRef, r.Address, r.State)
	}
	fmt.Println("domains:", len(srv.Domains()), "mailboxes:", len(srv.Mailboxes()))
	// Output:
	// first placing: true
	// domain dom_0001 mail-026f813e.com provisioning
	// mailbox mbx_0002 outreach@mail-026f813e.com provisioning
	// mailbox mbx_0003 hello@mail-026f813e.com provisioning
	// domains: 1 mailboxes: 2
}
