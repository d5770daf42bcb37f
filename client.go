package outbound

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Plan is what a client's payment buys: resources from the pool and a monthly
// lead allowance.
type Plan struct {
	Name          string
	Domains       int  // email domains; each carries MailboxesPerDomain mailboxes
	PhoneNumbers  int  // numbers for calls and SMS
	LinkedInSeats int  // LinkedIn accounts
	MailSender    bool // a direct-mail sender
	LeadsPerMonth int  // leads that may be enrolled per billing month
}

// Validate checks the plan's counts.
func (p Plan) Validate() error {
	if p.Name == "" {
		return invalid("plan", "name", "", "must not be empty")
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"domains", p.Domains}, {"phone_numbers", p.PhoneNumbers}, {"linkedin_seats", p.LinkedInSeats}, {"leads_per_month", p.LeadsPerMonth}} {
		if f.v < 0 {
			return invalid("plan", f.name, fmt.Sprint(f.v), "must not be negative")
		}
	}
	return nil
}

// The default plans. A host passes its own to the pool; these are what the
// simulator sells.
func DefaultPlans() []Plan {
	return []Plan{
		{Name: "starter", Domains: 2, PhoneNumbers: 1, LinkedInSeats: 1, LeadsPerMonth: 1000},
		{Name: "growth", Domains: 3, PhoneNumbers: 2, LinkedInSeats: 2, MailSender: true, LeadsPerMonth: 2500},
		{Name: "scale", Domains: 5, PhoneNumbers: 3, LinkedInSeats: 3, MailSender: true, LeadsPerMonth: 5000},
	}
}

// MailboxesPerDomain is how many mailboxes the pool creates on each domain.
const MailboxesPerDomain = 2

// ClientState is where a client is in its life.
type ClientState string

// The client states.
const (
	ClientActive  ClientState = "active"
	ClientChurned ClientState = "churned"
)

// Client is a paying tenant. Every row that belongs to a client carries its ID.
type Client struct {
	ID          ClientID
	Name        string
	Plan        string    // the Plan's name
	SignupAt    time.Time // the billing anchor: the billing month rolls from this day
	DefaultZone string    // IANA zone: the last resort for a lead's zone, and the zone a resource's day counts in
	State       ClientState
	ChurnedAt   time.Time // zero unless churned
	// BillingCustomer and BillingSubscription are the billing provider's
	// customer and subscription IDs (Stripe's cus_… and sub_…): a client is
	// keyed by them, never by one payment, so a renewal finds the same
	// client. Each is unique among clients when set.
	BillingCustomer     string
	BillingSubscription string
	// SendingPausedAt is set while sending is paused for the whole client
	// (a payment that finally failed), with the reason; zero when sending.
	SendingPausedAt    time.Time
	SendingPauseReason Reason // ReasonPaymentFailed
	// Answers says how the engine answers the leads' replies (see
	// AnswerMode); "" takes the engine's default.
	Answers AnswerMode
	// BookingURL is the client's scheduling link, sent to a lead who asks
	// for a meeting. "{lead}" in it is replaced by the lead's ID, so the
	// booking names the lead back ("https://cal.com/acme/intro?metadata[lead]={lead}",
	// "https://calendly.com/acme/intro?utm_content={lead}"). "" when none.
	BookingURL string
	// Version is the store's count of changes to the client and to the
	// resources it holds: every write of the client, and every write of a
	// resource it holds or held (assignment, release, pause, resume),
	// raises it. A process that caches a client's picture compares versions
	// (storage.Clients.ClientVersions) to know it is stale. Stores set it;
	// writers leave it as read.
	Version int64
}

// AnswerMode says how the engine answers a lead's reply.
type AnswerMode string

// The answer modes.
const (
	// AnswerOff: replies are read and acted on, never answered.
	AnswerOff AnswerMode = "off"
	// AnswerDraft: each answer waits as a draft for the client to approve
	// (and edit) or discard.
	AnswerDraft AnswerMode = "draft"
	// AnswerAuto: each answer is sent after a human-like delay, inside the
	// lead's window.
	AnswerAuto AnswerMode = "auto"
)

// Valid reports whether m is one of the answer modes ("" is not).
func (m AnswerMode) Valid() bool { return m == AnswerOff || m == AnswerDraft || m == AnswerAuto }

// SendingPaused reports whether the client's sending is paused (a payment
// that finally failed).
func (c *Client) SendingPaused() bool { return !c.SendingPausedAt.IsZero() }

// Validate checks the client's fields.
func (c *Client) Validate() error {
	if c.ID.IsZero() {
		return invalid("client", "id", "", "must be set")
	}
	if c.Name == "" {
		return invalid("client", "name", "", "must not be empty")
	}
	if _, err := time.LoadLocation(c.DefaultZone); err != nil || c.DefaultZone == "" {
		return invalid("client", "default_zone", c.DefaultZone, "must be an IANA time zone name")
	}
	switch c.State {
	case ClientActive, ClientChurned:
	default:
		return invalid("client", "state", string(c.State), "must be active or churned")
	}
	if c.Answers != "" && !c.Answers.Valid() {
		return invalid("client", "answers", string(c.Answers), "must be off, draft or auto")
	}
	if c.BookingURL != "" {
		u, err := url.Parse(strings.ReplaceAll(c.BookingURL, "{lead}", "lead"))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return invalid("client", "booking_url", c.BookingURL, "must be an http(s) URL")
		}
	}
	return nil
}
