package allocator

import (
	"errors"
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

var (
	// ErrNoCapacity: no resource of the kind can take the touch at the
	// instant asked. A *[NoCapacityError] matches it and says when capacity
	// opens.
	ErrNoCapacity = errors.New("allocator: no capacity")
	// ErrNoResource: the campaign has no usable resource of the kind (none
	// assigned, or all paused). A *[NoCapacityError] with
	// [ReasonNoResource] matches it as well as ErrNoCapacity; it is the
	// "client has no usable resource" case that sends a step to its
	// fallback.
	ErrNoResource = errors.New("allocator: no usable resource")
	// ErrInvalid: bad input. A *[FieldError] matches it; it is the
	// module's invalid.ErrInvalid.
	ErrInvalid = invalid.ErrInvalid
	// ErrUnknownResource: the allocator holds no resource with the ID given.
	ErrUnknownResource = errors.New("allocator: unknown resource")
	// ErrForgotten: the instant lies before the horizon given to
	// [Allocator.Forget], where the spacing history is gone.
	ErrForgotten = errors.New("allocator: instant before the forgotten horizon")
)

// Reason says why a resource could not take a touch.
type Reason string

// The reasons.
const (
	// ReasonDailyCap: at its cap for the local day (for a mailbox this
	// includes a day whose warmup limit is zero).
	ReasonDailyCap Reason = "daily_cap"
	// ReasonWeeklyCap: at its cap for a rolling 7-day window.
	ReasonWeeklyCap Reason = "weekly_cap"
	// ReasonSpacing: too close to another send from the same resource.
	ReasonSpacing Reason = "spacing"
	// ReasonNoResource: no usable resource of the kind at all.
	ReasonNoResource Reason = "no_resource"
)

// NoCapacityError says that nothing could take a touch and when the earliest
// capacity opens. errors.Is(err, ErrNoCapacity) holds for it, and
// errors.Is(err, ErrNoResource) too when Reason is ReasonNoResource.
type NoCapacityError struct {
	// Action and Kind are what was asked for.
	Action channel.Action
	Kind   outbound.ResourceKind
	// At is the instant asked for.
	At time.Time
	// NextOpen is the earliest instant at which a resource can take the
	// touch, in At's location: the minimum over the candidates of the next
	// local midnight that rolls a full day over, the instant spacing
	// allows, and the day a rolling 7-day window frees a slot. It is zero
	// when nothing opens within a year (say, every resource is paused).
	NextOpen time.Time
	// Resource is the resource that opens at NextOpen; with Sticky, the
	// lead's own resource.
	Resource outbound.ResourceID
	// Reason is why Resource could not take the touch at At.
	Reason Reason
	// Sticky reports that the request named the lead's resource and it was
	// usable but full: the allocator keeps the thread on it rather than
	// switching.
	Sticky bool
}

func (e *NoCapacityError) Error() string {
	var who string
	switch {
	case e.Reason == ReasonNoResource:
		return fmt.Sprintf("allocator: no usable %s for %s", e.Kind, e.Action)
	case e.Sticky:
		who = "the lead's " + string(e.Kind) + " " + e.Resource.String()
	default:
		who = "every " + string(e.Kind)
	}
	next := "nothing opens within a year"
	if !e.NextOpen.IsZero() {
		next = "next opens " + e.NextOpen.Format(time.RFC3339)
	}
	return fmt.Sprintf("allocator: no capacity for %s at %s: %s busy (%s); %s",
		e.Action, e.At.Format(time.RFC3339), who, e.Reason, next)
}

// Is makes errors.Is match ErrNoCapacity, and ErrNoResource when there is
// no usable resource at all.
func (e *NoCapacityError) Is(target error) bool {
	return target == ErrNoCapacity || (target == ErrNoResource && e.Reason == ReasonNoResource)
}

// FieldError names a field and the bad value it holds: the module's
// invalid.FieldError with Package "allocator", Record "Resource",
// "Request", "Pick" or "Config" and Field "Action", "Location",
// "Email.Daily", .... errors.Is(err, ErrInvalid) holds for it.
type FieldError = invalid.FieldError

// fieldErr returns a *FieldError of package allocator.
func fieldErr(record, field string, value any, reason string) error {
	return invalid.Field("allocator", record, field, value, reason)
}
