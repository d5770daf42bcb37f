package sequence

import (
	"time"

	"github.com/outbound-go/outbound/timing"
)

// LastTouch is the most recent touch actually made in an enrollment. The
// zero value means none yet.
type LastTouch struct {
	// Step is the Number of the step the touch made.
	Step int
	// At is the instant the touch went out; zero means no touch yet.
	At time.Time
}

// PlannedDay returns the calendar day, in the recipient's zone, step number
// is planned for: the enrollment day plus the step's Day. A number that is
// no step of s is a *[FieldError] naming "number".
func (s Sequence) PlannedDay(number int, enrolled timing.Date) (timing.Date, error) {
	st, ok := s.Step(number)
	if !ok {
		return 0, fieldErr("", "number", number, "no such step")
	}
	return enrolled.AddDays(st.Day), nil
}

// Earliest returns the earliest instant step number may go out for a lead
// enrolled on day enrolled (a calendar day in the recipient's zone loc),
// given the last touch actually made. It is the latest of:
//
//   - the start of the step's planned day: midnight in loc of
//     enrolled + Day (or the first instant of that day where a DST change
//     skips midnight);
//   - the start of the day the planned gap after the last touch: its local
//     date in loc plus (Day of this step − Day of the last touch's step);
//   - the last touch's instant itself (for a gap of 0 days).
//
// So a step that went out on its planned day leaves the next one on its
// planned day, and a step that slipped k days pushes the later ones by up
// to k days, each keeping at least its planned gap from the touch before.
//
// The gap is kept in calendar days in the recipient's zone, the unit the
// plan itself counts in, not in 24-hour periods or at the previous touch's
// wall-clock time: a touch at 14:10 on day 3 must not push a step planned
// for day 5 into 14:10 on day 5, past the 09:00–11:00 email window and so
// into day 6, and from there every later step. DST changes therefore do
// not matter: a day is a day however many hours it has.
//
// The caller then finds a slot in the channel's send window on a business
// day at or after the instant returned (package timing).
//
// Errors (each a *[FieldError]): loc nil; number not a step of s; a last
// touch whose Step is not a step of s before number.
func (s Sequence) Earliest(number int, enrolled timing.Date, loc *time.Location, last LastTouch) (time.Time, error) {
	if loc == nil {
		return time.Time{}, fieldErr("", "loc", nil, "the recipient's zone is required")
	}
	st, ok := s.Step(number)
	if !ok {
		return time.Time{}, fieldErr("", "number", number, "no such step")
	}
	day := enrolled.AddDays(st.Day)
	if last.At.IsZero() {
		return day.Midnight(loc), nil
	}
	prev, ok := s.Step(last.Step)
	if !ok || last.Step >= number {
		return time.Time{}, fieldErr("", "last.Step", last.Step, "must be a step before the one planned")
	}
	day = max(day, timing.DateIn(last.At, loc).AddDays(st.Day-prev.Day))
	earliest := day.Midnight(loc)
	if last.At.After(earliest) {
		earliest = last.At
	}
	return earliest, nil
}
