package distribution

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/replies"
	"github.com/outbound-go/outbound/storage"
)

// The defaults of Config.AnswerDelay.
const (
	DefaultAnswerDelayMin = 7 * time.Minute
	DefaultAnswerDelayMax = 25 * time.Minute
)

// AnswerDelay is how long after a reply its answer goes, drawn for each
// answer between Min and Max (from the answer's ID, so every process and
// every run draws the same), then moved into the lead's window.
type AnswerDelay struct {
	Min, Max time.Duration
}

// answerAction is the action an answer on channel k takes, if k answers.
func answerAction(k channel.Kind) (channel.Action, bool) {
	switch k {
	case channel.Email:
		return channel.ActionEmail, true
	case channel.SMS:
		return channel.ActionSMS, true
	case channel.LinkedIn:
		return channel.ActionLinkedInMessage, true
	}
	return "", false
}

// answer writes the answer to a reply read on the touch t and queues it:
// pending, for the planner to book on the resource the lead wrote to,
// inside the lead's window after Config.AnswerDelay, when the client
// answers automatically; as a draft for the client's approval when it
// answers by draft. Nothing when the client's answers are off, the class
// is not answered (replies.Answerable), no touch of the lead went on the
// reply's channel (a reply matched by address answers the latest that
// did), the reply answers an answer (what follows is a person's to
// write), the lead has a meeting booked, or the Responder writes nothing.
func (s *applier) answer(ctx context.Context, e *channel.Event, t *outbound.Touch, lead *outbound.Lead, now time.Time) error {
	class := replies.Class(e.Metadata[MetaReplyClass])
	if s.cfg.Responder == nil || lead == nil || !replies.Answerable(class) {
		return nil
	}
	action, ok := answerAction(e.Kind)
	if !ok {
		return nil
	}
	if t == nil {
		var err error
		if t, err = s.answeredTouch(ctx, e, lead); err != nil || t == nil {
			return err
		}
	}
	// The client as stored: its answer settings may have changed since
	// this process cached its picture.
	client, err := s.store.GetClient(ctx, t.Client)
	if err != nil {
		return fmt.Errorf("distribution: answer to %s/%s: %w", e.Provider, e.ProviderEventID, err)
	}
	mode := cmp.Or(client.Answers, s.cfg.Answers)
	if mode == outbound.AnswerOff {
		return nil
	}
	if t.IsAnswer() {
		return nil // the conversation has gone past the first answer: a person's to carry on
	}
	// One answer per touch answered: named after it, so a reply applied
	// again, or a second reply to the same message, answers once.
	id := outbound.TouchID{UUID: derivedID(t.ID.UUID, "answer")}
	if _, err := s.store.GetTouch(ctx, id); err == nil {
		return nil // answered when this reply was applied before
	} else if !errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("distribution: answer to %s/%s: %w", e.Provider, e.ProviderEventID, err)
	}
	if booked, err := s.hasMeeting(ctx, lead.ID); err != nil || booked {
		return err
	}
	c := replies.Classification{Class: class, Until: s.replyUntil(e, lead), Evidence: e.Metadata[MetaReplyEvidence],
		Referral: replies.Contact{Name: e.Metadata[MetaReplyReferralName], Email: e.Metadata[MetaReplyReferral]}}
	p := replies.Prompt{
		Reply:   replies.Reply{Kind: e.Kind, Subject: e.Metadata["subject"], Body: e.Body, At: e.At},
		Reading: c,
		Lead:    replies.Person{FirstName: lead.FirstName, LastName: lead.LastName, Company: lead.Company, Title: lead.Title},
		Sender:  client.Name, BookingURL: bookingURL(client.BookingURL, lead.ID),
	}
	ans, err := s.cfg.Responder.Respond(ctx, p)
	if err != nil {
		return fmt.Errorf("distribution: answer to %s/%s: %w", e.Provider, e.ProviderEventID, err)
	}
	if strings.TrimSpace(ans.Body) == "" {
		return nil
	}
	nt := outbound.Touch{
		ID: id, Client: t.Client, Campaign: t.Campaign, Enrollment: t.Enrollment, Lead: t.Lead,
		StepChannel: e.Kind, Channel: e.Kind, Action: action, Resource: s.answerResource(ctx, t, e.Kind),
		ScheduledAt: later(e.At, now).Add(s.answerDelay(id)).UTC(), Status: outbound.TouchPending, Reason: outbound.ReasonAnswer,
		Body: ans.Body,
	}
	if e.Kind == channel.Email {
		nt.Subject = cmp.Or(oneLine(ans.Subject), "Re: "+strings.TrimSpace(trimRe(e.Metadata["subject"])))
	}
	if mode == outbound.AnswerDraft {
		nt.Status = outbound.TouchDraft
		if err := s.store.InsertTouches(ctx, []outbound.Touch{nt}); err != nil && !errors.Is(err, storage.ErrConflict) {
			return fmt.Errorf("distribution: draft answer to %s/%s: %w", e.Provider, e.ProviderEventID, err)
		}
		s.touchMoved(ctx, &nt, "", outbound.TouchDraft)
		s.tally.add(nt.Client, func(c *Counters) { c.Drafted++ })
		return nil
	}
	s.tally.add(nt.Client, func(c *Counters) { c.Answered++ })
	return s.planner.insertPending(ctx, &nt, t.ID)
}

// answeredTouch is the touch a reply matched by address alone answers
// (a received text names no message): the lead's latest touch sent on the
// reply's channel before it; nil when there is none.
func (s *applier) answeredTouch(ctx context.Context, e *channel.Event, lead *outbound.Lead) (*outbound.Touch, error) {
	ts, err := s.store.ListTouches(ctx, storage.TouchFilter{Lead: lead.ID,
		Statuses: []outbound.TouchStatus{outbound.TouchSent, outbound.TouchDelivered}})
	if err != nil {
		return nil, fmt.Errorf("distribution: answer to %s/%s: %w", e.Provider, e.ProviderEventID, err)
	}
	var last *outbound.Touch
	for i := range ts {
		t := &ts[i]
		if t.Channel == e.Kind && !t.SentAt.After(e.At) && (last == nil || t.SentAt.After(last.SentAt)) {
			last = t
		}
	}
	return last, nil
}

// answerResource is the resource an answer on channel k goes from: the
// one the answered touch went from when it was on k, else the one the
// enrollment last used for k's kind; zero lets the planner choose.
func (s *applier) answerResource(ctx context.Context, t *outbound.Touch, k channel.Kind) outbound.ResourceID {
	if t.Channel == k {
		return t.Resource
	}
	e, err := s.store.GetEnrollment(ctx, t.Enrollment)
	if err != nil {
		return outbound.ResourceID{}
	}
	return e.Sticky[outbound.SenderKind(k)]
}

// hasMeeting reports whether the lead has a meeting booked.
func (s *applier) hasMeeting(ctx context.Context, lead outbound.LeadID) (bool, error) {
	l, err := s.store.GetLead(ctx, lead)
	if err != nil {
		return false, fmt.Errorf("distribution: lead %s: %w", lead, err)
	}
	return l.HasEngaged(outbound.EngagedMeeting), nil
}

// answerDelay is the answer's delay, drawn from its ID.
func (s *shared) answerDelay(id outbound.TouchID) time.Duration {
	d := s.cfg.AnswerDelay
	span := d.Max - d.Min
	if span <= 0 {
		return d.Min
	}
	return d.Min + time.Duration(binary.BigEndian.Uint64(id.UUID[8:])%uint64(span/time.Second+1))*time.Second
}

// bookingURL is a client's booking link naming the lead.
func bookingURL(link string, lead outbound.LeadID) string {
	return strings.ReplaceAll(link, "{lead}", lead.String())
}

// trimRe drops the "Re:" prefixes of a subject.
func trimRe(subject string) string {
	for {
		s := strings.TrimSpace(subject)
		if len(s) < 3 || !strings.EqualFold(s[:3], "re:") {
			return s
		}
		subject = s[3:]
	}
}

// later is the later of two instants.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// answerStands reports whether an answer may still go to an enrollment's
// lead. The reply it answers stopped or paused the sequence, which is why
// the answer goes; only a meeting booked since, or the client's end,
// withdraws it.
func answerStands(e *outbound.Enrollment) bool {
	return e.State != outbound.EnrollmentStopped ||
		(e.StopReason != outbound.ReasonMeetingBooked && e.StopReason != outbound.ReasonClientChurned)
}

// setAnswers is Service.SetAnswers.
func (s *accounts) setAnswers(ctx context.Context, id outbound.ClientID, mode outbound.AnswerMode, booking string) error {
	probe := outbound.Client{ID: id, Name: "-", DefaultZone: "UTC", State: outbound.ClientActive, Answers: mode, BookingURL: booking}
	if err := probe.Validate(); err != nil {
		return err
	}
	_, err := s.updateClient(ctx, id, func(c *outbound.Client) bool {
		if c.Answers == mode && c.BookingURL == booking {
			return false
		}
		c.Answers, c.BookingURL = mode, booking
		return true
	})
	if err != nil {
		return fmt.Errorf("distribution: answers of client %s: %w", id, err)
	}
	return nil
}

// ErrNotDraft: the touch named is not a draft answer (it was approved or
// discarded already, or is a step's touch). It wraps outbound.ErrInvalid.
var ErrNotDraft = fmt.Errorf("%w: not a draft answer", outbound.ErrInvalid)

// draft reads a draft answer of the client.
func (s *applier) draft(ctx context.Context, id outbound.TouchID) (*outbound.Touch, error) {
	t, err := s.store.GetTouch(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("distribution: draft %s: %w", id, err)
	}
	if t.Status != outbound.TouchDraft {
		return nil, fmt.Errorf("distribution: touch %s is %s: %w", id, t.Status, ErrNotDraft)
	}
	return t, nil
}

// approve is Service.ApproveDraft.
func (s *applier) approve(ctx context.Context, id outbound.TouchID, edit *replies.Answer) error {
	t, err := s.draft(ctx, id)
	if err != nil {
		return err
	}
	if edit != nil {
		if strings.TrimSpace(edit.Body) == "" {
			return invalid.Field("distribution", "Answer", "Body", edit.Body, "an approved answer needs a text")
		}
		t.Body = edit.Body
		if t.Channel == channel.Email && edit.Subject != "" {
			t.Subject = oneLine(edit.Subject)
		}
	}
	t.Status, t.ScheduledAt = outbound.TouchPending, later(t.ScheduledAt, s.clock.Now()).UTC()
	if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
		return fmt.Errorf("distribution: approve draft %s: %w", id, err)
	}
	s.touchMoved(ctx, t, outbound.TouchDraft, outbound.TouchPending)
	s.tally.add(t.Client, func(c *Counters) { c.Answered++ })
	s.planner.signalPlan()
	return nil
}

// discard is Service.DiscardDraft.
func (s *applier) discard(ctx context.Context, id outbound.TouchID) error {
	t, err := s.draft(ctx, id)
	if err != nil {
		return err
	}
	t.Status, t.Reason = outbound.TouchCancelled, outbound.ReasonDiscarded
	if err := s.store.UpdateTouch(ctx, t, ""); err != nil {
		return fmt.Errorf("distribution: discard draft %s: %w", id, err)
	}
	s.touchMoved(ctx, t, outbound.TouchDraft, outbound.TouchCancelled)
	return nil
}
