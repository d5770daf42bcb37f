package outbound

import (
	"strings"
	"time"

	fields "github.com/outbound-go/outbound/invalid"
)

// MeetingEventType says what a scheduling provider reported of a booking.
type MeetingEventType string

// The meeting event types. A provider adapter maps its own vocabulary onto
// them (Cal.com: BOOKING_CREATED → booked, BOOKING_RESCHEDULED → booked
// with Replaces, BOOKING_CANCELLED → cancelled; Calendly: invitee.created
// → booked, with Replaces when it names an old invitee, invitee.canceled →
// cancelled).
const (
	// MeetingBooked: a lead booked a meeting (or moved one: Replaces names
	// the booking it takes the place of).
	MeetingBooked MeetingEventType = "booked"
	// MeetingCancelled: a booked meeting was cancelled.
	MeetingCancelled MeetingEventType = "cancelled"
)

// Valid reports whether t is one of the meeting event types.
func (t MeetingEventType) Valid() bool { return t == MeetingBooked || t == MeetingCancelled }

// MeetingEvent is what a scheduling provider's webhook reports: a booking
// made, moved or cancelled by the person invited.
type MeetingEvent struct {
	// Provider names the scheduling provider ("calcom", "calendly").
	// Required.
	Provider string
	// ProviderEventID is the deduplication key: the provider's ID of this
	// delivery, or one the adapter derives from what it carries (the same
	// on every redelivery). Required.
	ProviderEventID string
	// Type is what happened. Required.
	Type MeetingEventType
	// Booking is the provider's ID of the booking (Cal.com's uid,
	// Calendly's invitee URI). Required.
	Booking string
	// Replaces is the booking a rescheduled one takes the place of; ""
	// otherwise. Only a booked event may set it.
	Replaces string
	// Email is the invitee's address: the lead is found by it. Required.
	Email string
	// Name is the invitee's name, as they wrote it; "" if not sent.
	Name string
	// Lead is the lead the booking link was sent to, when the link carried
	// its ID back (a tracking or metadata field the adapter reads); zero
	// otherwise, and the lead is then found by Email.
	Lead LeadID
	// Title is the meeting's title or event type name.
	Title string
	// Start and End are when the meeting is. Start is required for a
	// booked event; End, when set, is not before Start.
	Start, End time.Time
	// Organizer is the address of the host the meeting is with, when sent.
	Organizer string
	// URL is where the meeting happens (a video link) or is managed, when
	// sent.
	URL string
	// Reason is why a cancelled meeting was cancelled, when said.
	Reason string
	// At is when it happened, as the provider reported it. Required.
	At time.Time
	// Metadata is anything else the adapter keeps (answers to the booking
	// form, tracking fields); nil if none.
	Metadata map[string]string
}

// Validate reports the first missing or inconsistent field as a
// *invalid.FieldError naming it (errors.Is(err, ErrInvalid) holds).
func (e *MeetingEvent) Validate() error {
	bad := func(field string, v any, reason string) error {
		return fields.Field("outbound", "MeetingEvent", field, v, reason)
	}
	if err := checkEventKey("MeetingEvent", e.Provider, e.ProviderEventID, string(e.Type), e.Type.Valid()); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(e.Booking) == "":
		return bad("Booking", e.Booking, "required")
	case e.Replaces != "" && e.Type != MeetingBooked:
		return bad("Replaces", e.Replaces, "only a booked meeting replaces another")
	case e.Replaces != "" && e.Replaces == e.Booking:
		return bad("Replaces", e.Replaces, "a booking cannot replace itself")
	case strings.TrimSpace(e.Email) == "":
		return bad("Email", e.Email, "required: the lead is found by the invitee's address")
	case e.Type == MeetingBooked && e.Start.IsZero():
		return bad("Start", e.Start, "required for a booked meeting")
	case !e.End.IsZero() && e.End.Before(e.Start):
		return bad("End", e.End, "must not be before Start")
	case e.At.IsZero():
		return bad("At", e.At, "required")
	}
	if err := ValidateEmail(e.Email); err != nil {
		return bad("Email", e.Email, err.Error())
	}
	if e.Organizer != "" {
		if err := ValidateEmail(e.Organizer); err != nil {
			return bad("Organizer", e.Organizer, err.Error())
		}
	}
	return nil
}

// MeetingStatus is a meeting's state.
type MeetingStatus string

// The meeting statuses.
const (
	MeetingStatusBooked      MeetingStatus = "booked"
	MeetingStatusCancelled   MeetingStatus = "cancelled"
	MeetingStatusRescheduled MeetingStatus = "rescheduled" // another booking took its place
)

// Meeting is a meeting a lead booked, as the engine keeps it: one per
// provider and booking.
type Meeting struct {
	Client   ClientID
	Lead     LeadID
	Campaign CampaignID // the campaign whose sequence it stopped; zero when the lead had none running
	Provider string
	Booking  string
	Replaces string // the booking it took the place of, if rescheduled
	Status   MeetingStatus
	Title    string
	Start    time.Time
	End      time.Time
	URL      string
	// CRMContact and CRMDeal are the CRM's IDs of the contact and the
	// deal the meeting was pushed as; "" until pushed (or with no CRM).
	CRMContact string
	CRMDeal    string
	BookedAt   time.Time // when the booking was made, as the provider said
	UpdatedAt  time.Time
}

// Validate checks the meeting's fields.
func (m *Meeting) Validate() error {
	bad := func(field string, v any, reason string) error {
		return fields.Field("outbound", "Meeting", field, v, reason)
	}
	switch {
	case m.Client.IsZero():
		return bad("Client", "", "required")
	case m.Lead.IsZero():
		return bad("Lead", "", "required")
	case strings.TrimSpace(m.Provider) == "":
		return bad("Provider", m.Provider, "required")
	case strings.TrimSpace(m.Booking) == "":
		return bad("Booking", m.Booking, "required")
	case m.Status != MeetingStatusBooked && m.Status != MeetingStatusCancelled && m.Status != MeetingStatusRescheduled:
		return bad("Status", string(m.Status), "unknown meeting status")
	case m.Start.IsZero():
		return bad("Start", m.Start, "required")
	case !m.End.IsZero() && m.End.Before(m.Start):
		return bad("End", m.End, "must not be before Start")
	}
	return nil
}
