package distribution

import (
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
)

// SignupInput is a client's signup: who, which plan, and the payment that
// bought it. Signing up twice with the same payment assigns resources once.
type SignupInput struct {
	// ID is the client's ID. Default (zero): derived from the billing
	// subscription, else the billing customer, else PaymentID, whichever
	// is set first, so that a repeated signup finds the same client; from
	// Config.Test.NewID when none is.
	ID outbound.ClientID
	// BillingCustomer and BillingSubscription are the billing provider's
	// customer and subscription (Stripe's cus_… and sub_…): the keys a
	// client is known by, so a renewal or a plan change finds it. Default:
	// none.
	BillingCustomer     string
	BillingSubscription string
	// Name is the client's name. Required.
	Name string
	// Plan is a plan name from Config.Plans. Required.
	Plan string
	// DefaultZone is the client's IANA zone: the last resort for a lead's
	// zone, and the zone its resources' days and its billing month count in.
	// Required.
	DefaultZone string
	// PaymentID is the provider's payment or invoice ID (idempotency).
	// Default: none (every signup without an ID makes a new client).
	PaymentID string
	// At is the signup instant: the billing anchor. Default (zero): now.
	At time.Time
}

// LeadInput is one lead as imported, before validation: the module's one
// type of a lead's contact fields, outbound.Contact, which the lead file
// reader fills too. Line is its line in the import file (0 when not from a
// file); errors name it.
type LeadInput = outbound.Contact

// RowError is one rejected lead with the reason, naming line, field and value.
type RowError struct {
	Line       int
	ExternalID string
	Err        error // a *outbound.ValidationError, a *storage.DuplicateError or an *AllowanceError
}

// Error renders "line 12 (id L7): <reason>".
func (e *RowError) Error() string {
	if e.ExternalID != "" {
		return fmt.Sprintf("line %d (id %s): %v", e.Line, e.ExternalID, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

// Unwrap returns the row's error.
func (e *RowError) Unwrap() error { return e.Err }

// ImportResult says what an import did.
type ImportResult struct {
	Enrolled []outbound.LeadID // new leads, enrolled
	Merged   []outbound.LeadID // duplicates of existing leads (by email or phone) merged into them, enrolled at most once
	Dead     []outbound.LeadID // stored but not enrolled: tier dead
	Rejected []RowError
}
