package distribution

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/replies"
)

// The metadata keys under which a reply event records what the classifier
// read: kept with the event, so a redelivery or the sweeper acts on the
// same reading.
const (
	MetaReplyClass        = "reply_class"         // a replies.Class
	MetaReplyUntil        = "reply_until"         // YYYY-MM-DD: the return or follow-up date, when named
	MetaReplyReferral     = "reply_referral"      // the referred address
	MetaReplyReferralName = "reply_referral_name" // the referred name, when written
	MetaReplyEvidence     = "reply_evidence"      // the phrase that decided
)

// isReply reports whether e is a reply the classifier reads: a reply or
// message received, other than an SMS keyword (STOP, START), which the
// keyword rules handle.
func isReply(e *channel.Event) bool {
	if e.Type != channel.EventReplied && e.Type != channel.EventMessageReceived {
		return false
	}
	return e.Kind != channel.SMS || channel.ParseKeyword(e.Body) == channel.KeywordNone
}

// classifyReply reads a reply with the configured classifier and records
// the reading in the event's metadata, unless it holds one already (a
// recorded event applied again). Dates are read in the lead's zone.
func (s *applier) classifyReply(ctx context.Context, e *channel.Event, lead *outbound.Lead) error {
	if !isReply(e) || e.Metadata[MetaReplyClass] != "" {
		return nil
	}
	at := e.At
	if lead != nil && lead.Zone != "" {
		if loc, err := s.location(lead.Zone); err == nil {
			at = at.In(loc)
		}
	}
	subject := e.Metadata["subject"]
	c, err := s.cfg.Classifier.Classify(ctx, replies.Reply{Kind: e.Kind, Subject: subject, Body: e.Body, At: at})
	if err != nil {
		return fmt.Errorf("distribution: classify reply %s %s: %w", e.Provider, e.ProviderEventID, err)
	}
	if !c.Class.Valid() {
		c.Class = replies.Unclassified
	}
	meta := make(map[string]string, len(e.Metadata)+4)
	for k, v := range e.Metadata {
		meta[k] = v
	}
	meta[MetaReplyClass] = string(c.Class)
	if !c.Until.IsZero() {
		meta[MetaReplyUntil] = c.Until.Format(time.DateOnly)
	}
	if c.Referral.Email != "" {
		meta[MetaReplyReferral] = c.Referral.Email
		if c.Referral.Name != "" {
			meta[MetaReplyReferralName] = c.Referral.Name
		}
	}
	if c.Evidence != "" {
		meta[MetaReplyEvidence] = c.Evidence
	}
	e.Metadata = meta
	return nil
}

// replyUntil is the date a reply named, at midnight in the lead's zone,
// or the zero time.
func (s *applier) replyUntil(e *channel.Event, lead *outbound.Lead) time.Time {
	v := e.Metadata[MetaReplyUntil]
	if v == "" {
		return time.Time{}
	}
	loc := time.UTC
	if lead != nil && lead.Zone != "" {
		if l, err := s.location(lead.Zone); err == nil {
			loc = l
		}
	}
	t, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// actOnReply acts on a reply by what it says:
//
//   - out of office: paused until the return date (else Config.OOOPause);
//   - not now with a date: paused until then; without one, a reply;
//   - unsubscribe: a reply, and the channel suppressed for the lead;
//   - wrong person: stopped (wrong_person), the company's other leads left
//     running; a referral the same, and the person named imported into the
//     campaign (scored as the lead who named them, at the same company);
//   - a bounce notice on email: a hard bounce;
//   - anything else (interested, a meeting request, a question, not
//     interested, unclassified): a reply, which stops the lead and, by
//     default, the company's other leads in the campaign.
func (s *applier) actOnReply(ctx context.Context, e *channel.Event, t *outbound.Touch, leads []*outbound.Lead, now time.Time) error {
	var lead *outbound.Lead
	if len(leads) > 0 {
		lead = leads[0]
	}
	if lead != nil {
		c := Change{Kind: ChangeReplyRead, Client: lead.Client, Lead: lead.ID, Channel: e.Kind,
			Reason: outbound.Reason(e.Metadata[MetaReplyClass]), Until: s.replyUntil(e, lead)}
		if t != nil {
			c.Campaign, c.Enrollment, c.Touch = t.Campaign, t.Enrollment, t.ID
		}
		s.notify(ctx, c)
	}
	reply := func(reason outbound.Reason, company bool) error {
		return s.forEnrollments(ctx, t, leads, func(d *dispatchCtx) error { return s.replied(ctx, d, reason, company) })
	}
	switch replies.Class(e.Metadata[MetaReplyClass]) {
	case replies.OutOfOffice:
		return s.awayUntil(ctx, e, t, leads, s.replyUntil(e, lead), now)
	case replies.NotNow:
		if until := s.replyUntil(e, lead); !until.IsZero() {
			if until.Before(now) {
				until = now
			}
			return s.forEnrollments(ctx, t, leads, func(d *dispatchCtx) error { return s.pause(ctx, d, until, outbound.ReasonNotNow) })
		}
	case replies.Unsubscribe:
		if err := reply(outbound.ReasonReplied, true); err != nil {
			return err
		}
		return s.suppress(ctx, leads, e.Kind, outbound.ReasonOptedOut, outbound.ReasonOptedOut, now)
	case replies.WrongPerson:
		return reply(outbound.ReasonWrongPerson, false)
	case replies.Referral:
		if err := reply(outbound.ReasonWrongPerson, false); err != nil {
			return err
		}
		return s.referred(ctx, e, t, lead)
	case replies.BounceNotice:
		if e.Kind == channel.Email {
			return s.suppress(ctx, leads, channel.Email, outbound.ReasonHardBounce, outbound.ReasonHardBounce, now)
		}
	}
	return reply(outbound.ReasonReplied, true)
}

// awayUntil pauses the event's enrollments until a return date (else
// Config.OOOPause after the event), never before now.
func (s *applier) awayUntil(ctx context.Context, e *channel.Event, t *outbound.Touch, leads []*outbound.Lead, until, now time.Time) error {
	if until.IsZero() {
		until = e.At.Add(s.cfg.OOOPause)
	}
	if until.Before(now) {
		until = now
	}
	return s.forEnrollments(ctx, t, leads, func(d *dispatchCtx) error { return s.pause(ctx, d, until, outbound.ReasonOutOfOffice) })
}

// referred imports the person a referral names into the campaign of the
// reply's touch (for a reply matched by address alone, of the lead's
// latest touch on the reply's channel; none, and nobody is imported), at
// the referring lead's company, place and score. An
// import that merges into an existing lead changes nothing; one the
// campaign or the plan refuses is logged, not retried: the reply itself
// has been acted on.
func (s *applier) referred(ctx context.Context, e *channel.Event, t *outbound.Touch, lead *outbound.Lead) error {
	addr := e.Metadata[MetaReplyReferral]
	if lead == nil || addr == "" || strings.EqualFold(addr, lead.Email) {
		return nil
	}
	if t == nil {
		// A reply matched by address alone (a received text) answers the
		// lead's latest message on its channel: that campaign's.
		var err error
		if t, err = s.answeredTouch(ctx, e, lead); err != nil || t == nil {
			return err
		}
	}
	first, last, _ := strings.Cut(e.Metadata[MetaReplyReferralName], " ")
	in := LeadInput{
		ExternalID: "referral:" + lead.ID.String(), Email: addr, FirstName: first, LastName: last,
		Company: lead.Company, CompanyDomain: cmp.Or(lead.CompanyDomain, domainOf(addr)),
		Country: lead.Country, Region: lead.Region, City: lead.City, Timezone: lead.Zone, Score: lead.Score,
	}
	// The records are named after the referring lead and the address, not
	// drawn: the same referral makes the same lead in every process and
	// every run.
	name := func(what string) func(LeadInput) uuid.UUID {
		return func(LeadInput) uuid.UUID {
			return uuid.NewSHA1(referralNamespace, []byte(lead.ID.String()+"\x00"+strings.ToLower(addr)+"\x00"+what))
		}
	}
	res, err := s.importer.importWithIDs(ctx, t.Campaign, []LeadInput{in}, newIDs{lead: name("lead"), enrollment: name("enrollment")})
	if err != nil {
		s.log.WarnContext(ctx, "referral: the referred person could not be imported", "lead", lead.ID.String(), "err", err)
		return nil
	}
	for _, r := range res.Rejected {
		s.log.WarnContext(ctx, "referral: the referred person was refused", "lead", lead.ID.String(), "err", r.Err)
	}
	return nil
}

// referralNamespace derives the IDs of the records a referral makes.
var referralNamespace = uuid.MustParse("5d1c7e2a-93b4-5f0e-8a61-2c4b9e7f1a30")

// domainOf is the domain of an address.
func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return strings.ToLower(d)
}
