package crm

import (
	"context"
	"errors"
	"time"
)

// CRM is where the engine records a booked meeting: the lead as a contact
// and the meeting as a deal, associated. adapters/hubspot is one.
//
// Neither call need be atomic with the other, and the engine may call them
// again for the same meeting (a redelivered webhook, an event applied again
// after a crash): UpsertContact finds the contact by its address, and
// CreateDeal finds a deal already made for the same Deal.Key, so neither
// makes a second record.
type CRM interface {
	// UpsertContact creates the contact, or updates the one with the same
	// email, and returns the CRM's ID of it.
	UpsertContact(ctx context.Context, c Contact) (id string, err error)
	// CreateDeal creates the deal, associated with the contact of that ID,
	// unless one was created for d.Key already (then its ID is returned),
	// and returns the CRM's ID of it.
	CreateDeal(ctx context.Context, d Deal, contactID string) (id string, err error)
}

// Contact is a lead as a CRM keeps a person. Email is required; the other
// fields are written when not empty.
type Contact struct {
	Email     string
	FirstName string
	LastName  string
	Phone     string // E.164
	Title     string
	Company   string
	Website   string // the company's domain
	Country   string // ISO 3166 alpha-2
	City      string
}

// Deal is a booked meeting as a CRM keeps an opportunity.
type Deal struct {
	// Key names the meeting the deal is for (the scheduling provider and
	// its booking ID): a CRM adapter keeps it on the deal and finds the
	// deal by it, so a deal is made once per meeting. Required.
	Key string
	// Name is the deal's name ("Acme: intro call").
	Name string
	// Meeting is when the meeting starts: a CRM may set it as the deal's
	// close date or keep it as a property.
	Meeting time.Time
	// Amount is the deal's value in the currency's major unit, when the
	// host knows one; 0 leaves it unset.
	Amount float64
}

// Errors a CRM adapter wraps, so the engine knows whether to try again.
var (
	// ErrRetryable: the CRM refused for now (rate limited, unavailable);
	// the same call later may succeed.
	ErrRetryable = errors.New("crm: retryable")
	// ErrPermanent: the CRM refused what it was sent (a bad field, no such
	// pipeline); the same call will fail again.
	ErrPermanent = errors.New("crm: permanent")
)
