package distribution

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/crm"
	"github.com/outbound-go/outbound/storage"
)

// handleMeeting is Service.HandleMeeting.
func (s *applier) handleMeeting(ctx context.Context, e outbound.MeetingEvent) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, fmt.Errorf("distribution: meeting event: %w", err)
	}
	lead, err := s.meetingLead(ctx, &e)
	if err != nil {
		return false, err
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return false, fmt.Errorf("distribution: meeting event: %w", err)
	}
	now := s.clock.Now()
	rec := &outbound.Event{ID: eventID(e.Provider, e.ProviderEventID), Topic: outbound.TopicMeeting, Payload: payload, RecordedAt: now.UTC()}
	rec.Provider, rec.ProviderEventID, rec.At = e.Provider, e.ProviderEventID, e.At.UTC()
	if lead != nil {
		rec.Client, rec.Lead = lead.Client, lead.ID
	}
	return recordThenApply(ctx, s.store, rec, now, func(bool) error {
		if lead == nil {
			s.log.WarnContext(ctx, "meeting matched no lead", "provider", e.Provider, "booking", e.Booking, "email", e.Email)
			return nil
		}
		return s.applyMeeting(ctx, &e, lead)
	})
}

// sweepMeeting applies a recorded meeting event again.
func (s *applier) sweepMeeting(ctx context.Context, rec *outbound.Event) (bool, error) {
	var e outbound.MeetingEvent
	if err := json.Unmarshal(rec.Payload, &e); err != nil {
		return false, fmt.Errorf("distribution: sweep meeting %s/%s: %w", rec.Provider, rec.ProviderEventID, err)
	}
	return s.handleMeeting(ctx, e)
}

// meetingLead finds the lead a booking is with: the lead the booking link
// named, else the lead with the invitee's address, preferring one whose
// sequence still runs (then the first client's, by ID). Nil when none.
func (s *applier) meetingLead(ctx context.Context, e *outbound.MeetingEvent) (*outbound.Lead, error) {
	if !e.Lead.IsZero() {
		l, err := s.store.GetLead(ctx, e.Lead)
		switch {
		case err == nil:
			return l, nil
		case !errors.Is(err, storage.ErrNotFound):
			return nil, fmt.Errorf("distribution: meeting event: %w", err)
		}
	}
	leads, err := s.leadsByAddress(ctx, channel.Email, e.Email)
	if err != nil || len(leads) == 0 {
		return nil, err
	}
	for _, l := range leads {
		es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: l.ID})
		if err != nil {
			return nil, fmt.Errorf("distribution: meeting event: %w", err)
		}
		for i := range es {
			if live(&es[i]) {
				return l, nil
			}
		}
	}
	return leads[0], nil
}

// applyMeeting acts on a booking of lead's:
//
//   - booked: the lead's running sequences stop (meeting_booked), and the
//     company's other leads' in the same campaigns (company_replied, unless
//     Config.ReplyKeepsCompany); the meeting is kept (a reschedule marks the
//     one it replaces rescheduled and keeps its CRM deal); the lead counts
//     as engaged; the contact and a deal go to the CRM, once;
//   - cancelled: the meeting is kept as cancelled; the sequence stays
//     stopped, for a person to follow up.
func (s *applier) applyMeeting(ctx context.Context, e *outbound.MeetingEvent, lead *outbound.Lead) error {
	now := s.clock.Now()
	m, err := s.store.GetMeeting(ctx, e.Provider, e.Booking)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		m = &outbound.Meeting{Client: lead.Client, Lead: lead.ID, Provider: e.Provider, Booking: e.Booking, BookedAt: e.At.UTC()}
	case err != nil:
		return fmt.Errorf("distribution: meeting %s/%s: %w", e.Provider, e.Booking, err)
	case m.Client != lead.Client:
		s.log.WarnContext(ctx, "meeting is another client's", "provider", e.Provider, "booking", e.Booking)
		return nil
	}
	m.Title = cmp.Or(e.Title, m.Title)
	m.URL = cmp.Or(e.URL, m.URL)
	if !e.Start.IsZero() {
		m.Start, m.End = e.Start.UTC(), e.End.UTC()
	}
	m.UpdatedAt = now.UTC()

	if e.Type == outbound.MeetingCancelled {
		if m.Start.IsZero() {
			s.log.WarnContext(ctx, "cancelled meeting was never booked here", "provider", e.Provider, "booking", e.Booking)
			return nil
		}
		m.Status = outbound.MeetingStatusCancelled
		if err := s.store.SaveMeeting(ctx, m); err != nil {
			return fmt.Errorf("distribution: meeting %s/%s: %w", e.Provider, e.Booking, err)
		}
		s.notify(ctx, Change{Kind: ChangeMeetingCancelled, Client: m.Client, Campaign: m.Campaign, Lead: m.Lead,
			Reason: outbound.Reason(e.Reason), Meeting: m})
		return nil
	}

	if m.Status == "" && e.Replaces == "" {
		s.tally.add(m.Client, func(c *Counters) { c.Meetings++ })
	}
	m.Status, m.Replaces = outbound.MeetingStatusBooked, cmp.Or(e.Replaces, m.Replaces)
	if err := s.stopForMeeting(ctx, lead, m); err != nil {
		return err
	}
	if e.Replaces != "" {
		old, err := s.store.GetMeeting(ctx, e.Provider, e.Replaces)
		switch {
		case err == nil && old.Client == m.Client:
			m.CRMContact, m.CRMDeal = cmp.Or(m.CRMContact, old.CRMContact), cmp.Or(m.CRMDeal, old.CRMDeal)
			if old.Status != outbound.MeetingStatusRescheduled {
				old.Status, old.UpdatedAt = outbound.MeetingStatusRescheduled, now.UTC()
				if err := s.store.SaveMeeting(ctx, old); err != nil {
					return fmt.Errorf("distribution: meeting %s/%s: %w", e.Provider, e.Replaces, err)
				}
			}
		case err != nil && !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("distribution: meeting %s/%s: %w", e.Provider, e.Replaces, err)
		}
	}
	if err := s.store.SaveMeeting(ctx, m); err != nil {
		return fmt.Errorf("distribution: meeting %s/%s: %w", e.Provider, e.Booking, err)
	}
	if err := s.engaged(ctx, lead.ID, outbound.EngagedMeeting); err != nil {
		return err
	}
	s.notify(ctx, Change{Kind: ChangeMeetingBooked, Client: m.Client, Campaign: m.Campaign, Lead: m.Lead, Meeting: m})
	return s.pushMeeting(ctx, lead, m)
}

// stopForMeeting stops the lead's running sequences, and the company's in
// the same campaigns, and sets the meeting's campaign: the first one it
// stopped, else the one the lead was last enrolled in.
func (s *applier) stopForMeeting(ctx context.Context, lead *outbound.Lead, m *outbound.Meeting) error {
	return s.forEnrollments(ctx, nil, []*outbound.Lead{lead}, func(d *dispatchCtx) error {
		if m.Campaign.IsZero() || (live(d.e) && m.Campaign != d.e.Campaign) {
			m.Campaign = d.e.Campaign
		}
		if !live(d.e) {
			// A sequence the lead's reply ended may still hold an answer
			// (a booking link): booked, it has nothing left to say.
			_, err := s.planner.cancelTouches(ctx, storage.TouchFilter{Enrollment: d.e.ID}, "", outbound.ReasonMeetingBooked)
			return err
		}
		if err := s.stop(ctx, d, outbound.EnrollmentStopped, outbound.ReasonMeetingBooked); err != nil {
			return err
		}
		return s.stopCompany(ctx, d)
	})
}

// pushMeeting hands the meeting to the CRM, once: the contact, then the
// deal, each ID kept on the meeting as soon as the CRM gives it, so a
// booking applied again goes on from where it stopped.
func (s *applier) pushMeeting(ctx context.Context, lead *outbound.Lead, m *outbound.Meeting) error {
	if s.cfg.CRM == nil || m.CRMDeal != "" {
		return nil
	}
	save := func() error {
		if err := s.store.SaveMeeting(ctx, m); err != nil {
			return fmt.Errorf("distribution: meeting %s/%s: %w", m.Provider, m.Booking, err)
		}
		return nil
	}
	refused := func(err error) error {
		if !errors.Is(err, crm.ErrPermanent) {
			return fmt.Errorf("distribution: meeting %s/%s to the CRM: %w", m.Provider, m.Booking, err)
		}
		s.log.ErrorContext(ctx, "the CRM refused a meeting", "provider", m.Provider, "booking", m.Booking, "err", err)
		s.notify(ctx, Change{Kind: ChangeCRMFailed, Client: m.Client, Campaign: m.Campaign, Lead: m.Lead,
			Reason: outbound.Reason(err.Error()), Meeting: m})
		return nil
	}
	if m.CRMContact == "" {
		id, err := s.cfg.CRM.UpsertContact(ctx, contactOf(lead))
		if err != nil {
			return refused(err)
		}
		m.CRMContact = id
		if err := save(); err != nil {
			return err
		}
	}
	// The key is the first booking of a rescheduled meeting's line: a
	// meeting moved keeps its deal.
	key := m.Provider + ":" + cmp.Or(m.Replaces, m.Booking)
	who := cmp.Or(lead.Company, strings.TrimSpace(lead.FirstName+" "+lead.LastName), lead.Email)
	id, err := s.cfg.CRM.CreateDeal(ctx, crm.Deal{Key: key, Name: who + ": " + cmp.Or(m.Title, "meeting"), Meeting: m.Start}, m.CRMContact)
	if err != nil {
		return refused(err)
	}
	m.CRMDeal = id
	return save()
}

// contactOf is a lead as a CRM contact.
func contactOf(l *outbound.Lead) crm.Contact {
	return crm.Contact{Email: l.Email, FirstName: l.FirstName, LastName: l.LastName, Phone: l.Phone, Title: l.Title,
		Company: l.Company, Website: l.CompanyDomain, Country: l.Country, City: l.City}
}
