package distribution

import (
	"context"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
)

// ChangeKind names a state change the engine reports to the host's Hook.
type ChangeKind string

// The changes a Hook hears of.
const (
	ChangeTouchSending   ChangeKind = "touch_sending"   // handed to the provider (voice, SMS: at most once)
	ChangeTouchSent      ChangeKind = "touch_sent"      // the provider took it
	ChangeTouchDelivered ChangeKind = "touch_delivered" // the provider reported it delivered
	ChangeTouchFailed    ChangeKind = "touch_failed"    // failed for good (Reason says why)
	ChangeTouchSkipped   ChangeKind = "touch_skipped"   // planned out or dropped at send time
	ChangeTouchCancelled ChangeKind = "touch_cancelled" // stopped before it went: a reply, an opt-out, a churn
	ChangeTouchUncertain ChangeKind = "touch_uncertain" // may or may not have reached the provider; never re-sent
	ChangeTouchDrafted   ChangeKind = "touch_drafted"   // an answer to a reply written for the client to approve (Service.Drafts)

	ChangeReplyRead           ChangeKind = "reply_read"           // a reply classified (Change.Reason: its replies.Class; Change.Until: the date it named): the client's inbox
	ChangeEnrollmentPaused    ChangeKind = "enrollment_paused"    // out of office or not now (Change.Reason), until Change.Until
	ChangeEnrollmentReplied   ChangeKind = "enrollment_replied"   // the lead replied
	ChangeEnrollmentStopped   ChangeKind = "enrollment_stopped"   // stopped (Reason: company_replied, client_churned, ...)
	ChangeEnrollmentCompleted ChangeKind = "enrollment_completed" // every step done

	ChangeClientPaused  ChangeKind = "client_paused"  // the client's sending paused (Reason: payment_failed)
	ChangeClientResumed ChangeKind = "client_resumed" // the client's sending resumed

	ChangeResourcePaused   ChangeKind = "resource_paused"   // a domain passed a health threshold
	ChangeResourceResumed  ChangeKind = "resource_resumed"  // a paused domain was resumed
	ChangeResourceReplaced ChangeKind = "resource_replaced" // a paused domain got a replacement
	ChangeAlert            ChangeKind = "alert"             // any other alert of the pool (Change.Alert)

	ChangeSuppressed        ChangeKind = "suppressed"         // an opt-out, bounce, complaint or do-not-contact entry recorded (Change.Suppression)
	ChangeSuppressionLifted ChangeKind = "suppression_lifted" // an opt-out lifted by an opt-in (Change.Suppression)

	ChangeMeetingBooked    ChangeKind = "meeting_booked"    // a lead booked (or moved) a meeting (Change.Meeting)
	ChangeMeetingCancelled ChangeKind = "meeting_cancelled" // a booked meeting was cancelled (Change.Meeting; Change.Reason: why, when said)
	ChangeCRMFailed        ChangeKind = "crm_failed"        // the CRM refused a meeting for good (Change.Meeting; Change.Reason: its error)
)

// Change is one state change, reported after it is stored.
type Change struct {
	Kind ChangeKind
	// At is when the engine made the change (its clock).
	At time.Time
	// What it concerns; zero where it does not apply.
	Client     outbound.ClientID
	Campaign   outbound.CampaignID
	Enrollment outbound.EnrollmentID
	Lead       outbound.LeadID
	Touch      outbound.TouchID
	Resource   outbound.ResourceID
	Channel    channel.Kind
	// Provider and ScheduledAt are a touch's, for a touch change: the
	// provider it goes or went through, and when it was due (a sent
	// touch's lateness is At − ScheduledAt).
	Provider    string
	ScheduledAt time.Time
	// Reason says why, in the engine's words: a touch's or enrollment's
	// reason, a client's pause reason (see outbound.Reason), or an alert's
	// message.
	Reason outbound.Reason
	// Until is when a paused enrollment resumes.
	Until time.Time
	// Alert is the pool's alert behind a resource change or an alert.
	Alert *pool.Alert
	// Suppression is the entry recorded or lifted, for a suppression
	// change: a host mirrors it into a provider's own do-not-contact list.
	Suppression *outbound.Suppression
	// Meeting is the meeting booked, moved or cancelled, for a meeting
	// change.
	Meeting *outbound.Meeting
}

// Hook hears of every state change this process makes: touches sent,
// failed, skipped, cancelled or uncertain; enrollments paused, replied,
// stopped or completed; resources paused, resumed or replaced; the pool's
// alerts; suppressions recorded or lifted. It is called synchronously, after the change is stored, from
// whichever goroutine made it: it must be safe for concurrent use and
// quick (hand the change to a queue for anything slow), and it cannot
// undo the change. Each process reports the changes it makes.
type Hook interface {
	Notify(ctx context.Context, c Change)
}

// HookFunc adapts a function to Hook.
type HookFunc func(ctx context.Context, c Change)

// Notify calls f.
func (f HookFunc) Notify(ctx context.Context, c Change) { f(ctx, c) }

// notify stamps c and hands it to the host's hook, if any.
func (s *shared) notify(ctx context.Context, c Change) {
	if s.cfg.Hook == nil {
		return
	}
	if c.At.IsZero() {
		c.At = s.clock.Now()
	}
	s.cfg.Hook.Notify(ctx, c)
}

// touchChange is the change a touch reaching status reports, if any.
func touchChange(status outbound.TouchStatus) (ChangeKind, bool) {
	switch status {
	case outbound.TouchSending:
		return ChangeTouchSending, true
	case outbound.TouchSent:
		return ChangeTouchSent, true
	case outbound.TouchDelivered:
		return ChangeTouchDelivered, true
	case outbound.TouchFailed:
		return ChangeTouchFailed, true
	case outbound.TouchSkipped:
		return ChangeTouchSkipped, true
	case outbound.TouchCancelled:
		return ChangeTouchCancelled, true
	case outbound.TouchUncertain:
		return ChangeTouchUncertain, true
	case outbound.TouchDraft:
		return ChangeTouchDrafted, true
	}
	return "", false
}

// enrollmentMoved reports an enrollment's new state to the hook.
func (s *shared) enrollmentMoved(ctx context.Context, e *outbound.Enrollment) {
	c := Change{Client: e.Client, Campaign: e.Campaign, Enrollment: e.ID, Lead: e.Lead, Reason: e.StopReason}
	switch e.State {
	case outbound.EnrollmentPaused:
		c.Kind, c.Until = ChangeEnrollmentPaused, e.PausedUntil
	case outbound.EnrollmentReplied:
		c.Kind = ChangeEnrollmentReplied
	case outbound.EnrollmentStopped:
		c.Kind = ChangeEnrollmentStopped
	case outbound.EnrollmentCompleted:
		c.Kind = ChangeEnrollmentCompleted
	default:
		return
	}
	s.notify(ctx, c)
}

// alerter is the pool's Alerter as the Service gives it: each alert is
// reported to the hook, then passed to the host's Alerter.
type alerter struct {
	s    *shared
	next pool.Alerter
}

// Alert implements pool.Alerter.
func (a alerter) Alert(ctx context.Context, al pool.Alert) error {
	kind := ChangeAlert
	switch al.Kind {
	case pool.AlertDomainPaused, pool.AlertResourcePaused:
		kind = ChangeResourcePaused
	case pool.AlertDomainResumed, pool.AlertResourceResumed:
		kind = ChangeResourceResumed
	case pool.AlertReplaced:
		kind = ChangeResourceReplaced
	}
	a.s.notify(ctx, Change{Kind: kind, At: al.At, Client: al.Client, Resource: al.Resource, Reason: outbound.Reason(al.Message), Alert: &al})
	if a.next == nil {
		return nil
	}
	return a.next.Alert(ctx, al)
}
