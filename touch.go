package outbound

import (
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// EnrollmentState is where a lead is in a campaign's sequence.
type EnrollmentState string

// The enrollment states.
const (
	EnrollmentActive    EnrollmentState = "active"
	EnrollmentPaused    EnrollmentState = "paused" // until Enrollment.PausedUntil (out-of-office)
	EnrollmentReplied   EnrollmentState = "replied"
	EnrollmentCompleted EnrollmentState = "completed"
	EnrollmentStopped   EnrollmentState = "stopped" // see StopReason
)

// Enrollment is a lead's place in a campaign's sequence.
type Enrollment struct {
	ID          EnrollmentID
	Client      ClientID
	Campaign    CampaignID
	Lead        LeadID
	EnrolledOn  timing.Date // the day 0 of the sequence, in the lead's zone
	NextStep    int         // 1-based number of the next step to plan; past the last means done
	State       EnrollmentState
	PausedUntil time.Time
	StopReason  Reason // why it stopped, or why it is paused (out_of_office, not_now); see Reason
	// Sticky holds the resource each sender kind last used for this lead, so
	// follow-ups go from the same mailbox, number and seat.
	Sticky map[ResourceKind]ResourceID
}

// TouchStatus is a touch's state. A touch moves
//
//	scheduled → sending → sent → delivered
//	                    ↘ failed | uncertain
//	scheduled → skipped | cancelled
//	scheduled → pending → scheduled | skipped | cancelled
//	draft → pending (approved) | cancelled (discarded)
//
// A touch is pending while it waits for the planner to book it a slot:
// one moved off its slot at send time (its window passed, its resource was
// paused, a retry falls on another day), a fallback, a follow-up an event
// asked for (a call retry, the message after an accepted connection). Only
// the planner's pass books, in the store's order, so that the bookings are
// the same whichever process dispatched or applied the event.
type TouchStatus string

// The touch statuses.
const (
	TouchScheduled TouchStatus = "scheduled"
	TouchSending   TouchStatus = "sending" // handed to the provider; for voice and SMS, never re-sent blindly
	TouchSent      TouchStatus = "sent"
	TouchDelivered TouchStatus = "delivered"
	TouchFailed    TouchStatus = "failed"
	TouchSkipped   TouchStatus = "skipped"   // planned out: gating, no address, DNCR, opt-out
	TouchCancelled TouchStatus = "cancelled" // stopped by a reply, opt-out or bounce before it went
	TouchUncertain TouchStatus = "uncertain" // a voice/SMS touch whose outcome could not be reconciled
	TouchPending   TouchStatus = "pending"   // waiting for the planner to book it a slot; holds no capacity
	TouchDraft     TouchStatus = "draft"     // an answer waiting for the client's approval; holds no capacity, never sent as it is
)

// Valid reports whether s is one of the touch statuses.
func (s TouchStatus) Valid() bool {
	switch s {
	case TouchScheduled, TouchSending, TouchSent, TouchDelivered, TouchFailed, TouchSkipped, TouchCancelled, TouchUncertain, TouchPending,
		TouchDraft:
		return true
	}
	return false
}

// Final reports whether the status is an end state.
func (s TouchStatus) Final() bool {
	switch s {
	case TouchScheduled, TouchSending, TouchPending, TouchDraft:
		return false
	}
	return true
}

// Touch is one planned action for one lead at one step.
type Touch struct {
	ID          TouchID
	Client      ClientID
	Campaign    CampaignID
	Enrollment  EnrollmentID
	Lead        LeadID
	Step        int          // 1-based step number; 0 for an answer to a reply (see IsAnswer)
	StepChannel channel.Kind // the channel the step names
	Channel     channel.Kind // the channel used (after fallback); "" when skipped at planning, the planned one when skipped at send time
	Action      channel.Action
	Resource    ResourceID
	Day         timing.Date // the resource-day the capacity was booked on (pending: the day it was booked on or stands in for)
	ScheduledAt time.Time   // when it goes (pending: the earliest it may be booked at)
	SentAt      time.Time
	LeaseUntil  time.Time
	LeasedBy    string
	Attempts    int
	Status      TouchStatus
	Reason      Reason // why skipped, cancelled, failed, fell back or was deferred (see Reason)
	Provider    string // the provider the touch went (or goes) through: its resource's provider
	ProviderRef string // the provider's message or call ID; unique per provider
	// Warning is what the message's checks noticed that breaks no rule,
	// set when it is built: a text that takes more than one billed part
	// ("Body: takes 2 GSM-7 parts (161 septets); each part is billed").
	// "" when nothing.
	Warning string
	// Subject and Body are an answer's own text, written when the reply
	// was read (and edited, for a draft, when approved); empty for a
	// step's touch, whose content is rendered when it is sent.
	Subject string
	Body    string
}

// IsAnswer reports whether the touch answers a lead's reply rather than
// carrying a step of the sequence.
func (t *Touch) IsAnswer() bool { return t.Step == 0 }

// Booking is capacity taken on one resource for one meter on one of its days.
// A store never lets Count pass the cap it was booked against.
type Booking struct {
	Client   ClientID
	Resource ResourceID
	Action   channel.Action
	Day      timing.Date
	Count    int
}

// Suppression says a lead, an address or a whole email domain must not get
// a channel (or any channel, when Channel is ""). A suppression with a zero
// Client is platform-wide: it holds for every client. Exactly one of Lead,
// Address and Domain is set.
type Suppression struct {
	Client  ClientID     // zero: every client (a platform-wide do-not-contact entry)
	Lead    LeadID       // zero when by address or domain
	Address string       // email (lower case) or E.164 number; "" when by lead or domain
	Domain  string       // an email domain (lower case, no "@"): every address at it; "" otherwise
	Channel channel.Kind // "" means every channel
	Reason  Reason       // ReasonOptedOut, ReasonHardBounce, ReasonComplaint, ReasonDoNotContact, or a host's own
	Since   time.Time
	// LiftedAt is when the suppression was lifted (an SMS START, an
	// operator's decision), with who lifted it and why; zero while in force.
	// A lifted suppression suppresses nothing; adding the same suppression
	// again puts it back in force.
	LiftedAt   time.Time
	LiftedBy   string
	LiftReason Reason
}

// Active reports whether the suppression is in force (not lifted).
func (s *Suppression) Active() bool { return s.LiftedAt.IsZero() }
