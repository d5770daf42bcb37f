package storage

import (
	"errors"
	"fmt"

	"github.com/outbound-go/outbound"
)

// The store errors. ErrNotFound and ErrConflict are the domain's own, so
// errors.Is works across the store boundary.
var (
	ErrNotFound  = outbound.ErrNotFound
	ErrConflict  = outbound.ErrConflict
	ErrLeaseLost = errors.New("storage: lease held by another worker")
)

// DuplicateError says a new lead shares its email or phone with an existing
// lead of the same client. errors.Is(err, ErrConflict) holds.
type DuplicateError struct {
	Field    string // "email" or "phone"
	Value    string
	Existing outbound.LeadID
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("storage: lead %s %q already belongs to lead %s", e.Field, e.Value, e.Existing)
}

// Is makes errors.Is(err, ErrConflict) hold.
func (e *DuplicateError) Is(target error) bool { return target == ErrConflict }
