package crm_test

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound/crm"
)

// book keeps what it is given, as a CRM would, and finds a deal again by
// its key.
type book struct {
	contacts map[string]string
	deals    map[string]string
}

func (b *book) UpsertContact(_ context.Context, c crm.Contact) (string, error) {
	if id, ok := b.contacts[c.Email]; ok {
		return id, nil
	}
	id := fmt.Sprintf("contact-%d", len(b.contacts)+1)
	b.contacts[c.Email] = id
	return id, nil
}

func (b *book) CreateDeal(_ context.Context, d crm.Deal, contact string) (string, error) {
	if id, ok := b.deals[d.Key]; ok {
		return id, nil
	}
	id := fmt.Sprintf("deal-%d-for-%s", len(b.deals)+1, contact)
	b.deals[d.Key] = id
	return id, nil
}

// A booking pushed twice (a redelivered webhook) makes one contact and
// one deal.
func Example() {
	var c crm.CRM = &book{contacts: map[string]string{}, deals: map[string]string{}}
	ctx := context.Background()
	for range 2 {
		contact, _ := c.UpsertContact(ctx, crm.Contact{Email: "ada@example.com", FirstName: "Ada", Company: "Example"})
		deal, _ := c.CreateDeal(ctx, crm.Deal{Key: "calcom:bk_1", Name: "Example: intro call",
			Meeting: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}, contact)
		fmt.Println(contact, deal)
	}
	// Output:
	// contact-1 deal-1-for-contact-1
	// contact-1 deal-1-for-contact-1
}
