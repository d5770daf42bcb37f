package outbound

import "time"

// OrderState is where a purchase order is.
type OrderState string

// The order states:
//
//	pending → placed → fulfilled
//	        ↘ failed
//
// An order is stored pending before the provider is called, so a crash
// between the purchase and the record of what it bought leaves a pending
// order that is placed again with the same idempotency key: the provider
// answers with what it bought the first time, and nothing is bought twice.
const (
	OrderPending   OrderState = "pending"   // stored; the provider may or may not have been called
	OrderPlaced    OrderState = "placed"    // the provider took it; resources arrive later
	OrderFulfilled OrderState = "fulfilled" // its resources are in the pool
	OrderFailed    OrderState = "failed"    // the provider refused it for good; Error says why
)

// Valid reports whether s is a known order state.
func (s OrderState) Valid() bool {
	switch s {
	case OrderPending, OrderPlaced, OrderFulfilled, OrderFailed:
		return true
	}
	return false
}

// Open reports whether the order still counts as in flight (its resources
// are on their way): pending or placed.
func (s OrderState) Open() bool { return s == OrderPending || s == OrderPlaced }

// Order is a purchase of resources from a provider.
type Order struct {
	ID OrderID
	// Key is the idempotency key: unique among orders, and handed to the
	// provider, so that a retried order never buys twice.
	Key      string
	Kind     ResourceKind // domain, phone, linkedin_seat, mail_sender
	Count    int          // how many resources
	Provider string       // who sells them; "" until the provisioner says
	State    OrderState
	// Resources are the resources the order brought into the pool (a
	// domain's mailboxes included), once fulfilled.
	Resources []ResourceID
	Error     string // why it failed
	CreatedAt time.Time
	UpdatedAt time.Time
}
