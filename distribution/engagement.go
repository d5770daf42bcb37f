package distribution

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/replies"
)

// engagementOf is the engagement an applied event shows, if any: an
// opened or clicked email, an accepted connection, an answered call, a
// reply that wants to talk (interested, a question, a meeting request).
func engagementOf(e *channel.Event) (outbound.Engagement, bool) {
	switch e.Type {
	case channel.EventOpened:
		return outbound.EngagedOpened, true
	case channel.EventClicked:
		return outbound.EngagedClicked, true
	case channel.EventConnectionAccepted:
		return outbound.EngagedAccepted, true
	case channel.EventCallAnswered:
		return outbound.EngagedAnswered, true
	case channel.EventReplied, channel.EventMessageReceived:
		switch replies.Class(e.Metadata[MetaReplyClass]) {
		case replies.Interested, replies.Question, replies.MeetingRequest:
			return outbound.EngagedReplied, true
		}
	}
	return "", false
}

// engaged records that the lead engaged so (once: an engagement the lead
// has changes nothing) and scores the lead again.
func (s *applier) engaged(ctx context.Context, id outbound.LeadID, e outbound.Engagement) error {
	l, err := s.store.GetLead(ctx, id)
	if err != nil {
		return fmt.Errorf("distribution: engagement of lead %s: %w", id, err)
	}
	if !l.Engage(e) {
		return nil
	}
	if err := s.store.UpdateLead(ctx, l); err != nil {
		return fmt.Errorf("distribution: engagement of lead %s: %w", id, err)
	}
	return nil
}
