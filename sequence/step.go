package sequence

import (
	"errors"
	"fmt"

	"github.com/outbound-go/outbound/channel"
)

// DefaultName is the name of the [Default] sequence.
const DefaultName = "default"

// MaxDay is the latest day a step may be planned for: ten years after
// enrollment, far past any real sequence and well inside the range of
// timing.Date.
const MaxDay = 3650

// Step is one touch of a sequence.
type Step struct {
	// Number is the step's 1-based position in its sequence.
	Number int `json:"number"`
	// Day counts calendar days in the recipient's timezone from the
	// enrollment day (day 0) to the day the step is planned for.
	Day int `json:"day"`
	// Channel is the channel the step goes out on.
	Channel channel.Kind `json:"channel"`
	// Action is what the step does on Channel. Default (""):
	// channel.DefaultAction(Channel), e.g. a connection request on LinkedIn.
	Action channel.Action `json:"action,omitempty"`
	// Fallback is the channel used instead when Channel cannot be used for
	// the lead (see [Policy.Resolve]); it takes its channel's default
	// action. Default (""): none, the step is skipped.
	Fallback channel.Kind `json:"fallback,omitempty"`
}

// EffectiveAction returns Action, or channel.DefaultAction(Channel) when
// Action is empty.
func (s Step) EffectiveAction() channel.Action {
	if s.Action != "" {
		return s.Action
	}
	return channel.DefaultAction(s.Channel)
}

// Sequence is an ordered list of steps a lead goes through after it
// enrolls in a campaign.
type Sequence struct {
	// Name identifies the sequence in storage and reports. Default: none;
	// [Default] is named "default".
	Name string `json:"name"`
	// Steps are the touches, numbered 1..n in order, days non-decreasing.
	Steps []Step `json:"steps"`
}

// Default returns a fresh copy of the system-controlled default sequence of
// docs/architecture.md (the caller may change the copy freely):
//
//	step 1  day 0   email
//	step 2  day 3   voice (call), fallback email
//	step 3  day 5   LinkedIn (connection request), no fallback: skip
//	step 4  day 8   email
//	step 5  day 12  SMS, fallback email
func Default() Sequence {
	return Sequence{
		Name: DefaultName,
		Steps: []Step{
			{Number: 1, Day: 0, Channel: channel.Email, Action: channel.ActionEmail},
			{Number: 2, Day: 3, Channel: channel.Voice, Action: channel.ActionCall, Fallback: channel.Email},
			{Number: 3, Day: 5, Channel: channel.LinkedIn, Action: channel.ActionConnectionRequest},
			{Number: 4, Day: 8, Channel: channel.Email, Action: channel.ActionEmail},
			{Number: 5, Day: 12, Channel: channel.SMS, Action: channel.ActionSMS, Fallback: channel.Email},
		},
	}
}

// Step returns the step with the given 1-based number, and whether there is
// one. On a valid sequence it is Steps[number-1].
func (s Sequence) Step(number int) (Step, bool) {
	if number < 1 || number > len(s.Steps) || s.Steps[number-1].Number != number {
		for _, st := range s.Steps {
			if st.Number == number {
				return st, true
			}
		}
		return Step{}, false
	}
	return s.Steps[number-1], true
}

// Validate reports every problem with the sequence, joined: at least one
// step; steps numbered 1..n in order; Day within 0–[MaxDay] and never
// before the previous step's; Channel one of the five kinds; Action, when set, an
// action of Channel; Fallback, when set, a valid kind other than Channel.
// Each problem is a *[FieldError] with Record "Sequence" naming the step
// by its index in Steps and the field ("Steps[1].Day"); all match
// [ErrInvalid].
func (s Sequence) Validate() error {
	if len(s.Steps) == 0 {
		return fieldErr("Sequence", "Steps", s.Steps, "a sequence needs at least one step")
	}
	var errs []error
	bad := func(i int, field string, v any, format string, args ...any) {
		errs = append(errs, fieldErr("Sequence", fmt.Sprintf("Steps[%d].%s", i, field), v, fmt.Sprintf(format, args...)))
	}
	for i, st := range s.Steps {
		if st.Number != i+1 {
			bad(i, "Number", st.Number, "must be %d: steps are numbered 1..n in order", i+1)
		}
		switch {
		case st.Day < 0:
			bad(i, "Day", st.Day, "must not be negative")
		case st.Day > MaxDay:
			bad(i, "Day", st.Day, "must be at most %d (ten years)", MaxDay)
		case i > 0 && st.Day < s.Steps[i-1].Day:
			bad(i, "Day", st.Day, "must not be before Steps[%d].Day (%d)", i-1, s.Steps[i-1].Day)
		}
		if !st.Channel.Valid() {
			bad(i, "Channel", string(st.Channel), "want email, voice, linkedin, sms or mail")
		} else if st.Action != "" && st.Action.Kind() != st.Channel {
			bad(i, "Action", string(st.Action), "not an action of channel %s", st.Channel)
		}
		switch {
		case st.Fallback == "":
		case !st.Fallback.Valid():
			bad(i, "Fallback", string(st.Fallback), "want email, voice, linkedin, sms, mail or empty (skip)")
		case st.Fallback == st.Channel:
			bad(i, "Fallback", string(st.Fallback), "must differ from the step's channel")
		}
	}
	return errors.Join(errs...)
}

// WithDefaults returns a copy of s (with its own Steps) in which every
// empty Action is set to its channel's default action.
func (s Sequence) WithDefaults() Sequence {
	s.Steps = append([]Step(nil), s.Steps...)
	for i := range s.Steps {
		s.Steps[i].Action = s.Steps[i].EffectiveAction()
	}
	return s
}
