package outbound

import (
	"fmt"

	"github.com/google/uuid"
)

// Each kind of record has its own ID type so that a lead's ID cannot be passed
// where a resource's is wanted. All are UUIDs; the zero value means "none".
type (
	// ClientID identifies a paying tenant.
	ClientID struct{ uuid.UUID }
	// ResourceID identifies one sending identity in the pool.
	ResourceID struct{ uuid.UUID }
	// CampaignID identifies a client's campaign.
	CampaignID struct{ uuid.UUID }
	// LeadID identifies a person to reach.
	LeadID struct{ uuid.UUID }
	// EnrollmentID identifies a lead's place in a campaign's sequence.
	EnrollmentID struct{ uuid.UUID }
	// TouchID identifies one planned action; it is also the idempotency key
	// handed to providers.
	TouchID struct{ uuid.UUID }
	// EventID identifies an applied inbound event.
	EventID struct{ uuid.UUID }
	// OrderID identifies a purchase order to a provider.
	OrderID struct{ uuid.UUID }
)

func isZero(u uuid.UUID) bool { return u == uuid.Nil }

// IsZero reports whether the ID is unset.
func (id ClientID) IsZero() bool { return isZero(id.UUID) }

// IsZero reports whether the ID is unset.
func (id ResourceID) IsZero() bool { return isZero(id.UUID) }

// IsZero reports whether the ID is unset.
func (id CampaignID) IsZero() bool { return isZero(id.UUID) }

// IsZero reports whether the ID is unset.
func (id LeadID) IsZero() bool { return isZero(id.UUID) }

// IsZero reports whether the ID is unset.
func (id EnrollmentID) IsZero() bool { return isZero(id.UUID) }

// IsZero reports whether the ID is unset.
func (id TouchID) IsZero() bool { return isZero(id.UUID) }

// IsZero reports whether the ID is unset.
func (id EventID) IsZero() bool { return isZero(id.UUID) }

// IsZero reports whether the ID is unset.
func (id OrderID) IsZero() bool { return isZero(id.UUID) }

// ParseID parses the text form of any ID type.
func ParseID[T ~struct{ uuid.UUID }](s string) (T, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("outbound: id %q: %w", s, err)
	}
	return T{u}, nil
}
