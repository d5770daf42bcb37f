package distribution

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrAllowance: the client's plan allows no more leads this billing
	// month. An *AllowanceError matches it.
	ErrAllowance = errors.New("distribution: monthly lead allowance reached")
	// ErrInactive: the client has churned or the campaign is not active,
	// so it takes no new leads.
	ErrInactive = errors.New("distribution: not active")
	// ErrWash: the DNCR checker failed; the numbers stay unwashed (no voice,
	// no SMS) until a later wash succeeds.
	ErrWash = errors.New("distribution: DNCR wash failed")
)

// AllowanceError says a lead was not enrolled because the client's plan
// allows no more leads in the billing month. errors.Is(err, ErrAllowance)
// holds.
type AllowanceError struct {
	Plan      string    // the client's plan
	Allowance int       // Plan.LeadsPerMonth
	Used      int       // leads enrolled in the period so far
	Start     time.Time // the billing period, [Start, End)
	End       time.Time
}

// Error names the plan, its allowance, the leads enrolled and the period.
func (e *AllowanceError) Error() string {
	return fmt.Sprintf("distribution: plan %q allows %d leads a month and %d are enrolled in the period %s to %s",
		e.Plan, e.Allowance, e.Used, e.Start.Format(time.DateOnly), e.End.Format(time.DateOnly))
}

// Is makes errors.Is(err, ErrAllowance) hold.
func (e *AllowanceError) Is(target error) bool { return target == ErrAllowance }
