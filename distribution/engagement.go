package distribution

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/replies"
	"github.com/outbound-go/outbound/scoring"
	"github.com/outbound-go/outbound/storage"
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
// has changes nothing) and scores the lead again against its campaign's
// ICP: its tier may rise, and the steps not yet planned are gated by the
// new one.
func (s *applier) engaged(ctx context.Context, id outbound.LeadID, e outbound.Engagement) error {
	l, err := s.store.GetLead(ctx, id)
	if err != nil {
		return fmt.Errorf("distribution: engagement of lead %s: %w", id, err)
	}
	if !l.Engage(e) {
		return nil
	}
	icp, err := s.leadICP(ctx, l.ID)
	if err != nil {
		return err
	}
	before := l.Tier
	if err := s.score(ctx, l, icp); err != nil {
		return fmt.Errorf("distribution: score of lead %s: %w", id, err)
	}
	if l.Tier, err = s.policy.TierFor(l.Score); err != nil {
		return fmt.Errorf("distribution: score of lead %s: %w", id, err)
	}
	if err := s.store.UpdateLead(ctx, l); err != nil {
		return fmt.Errorf("distribution: engagement of lead %s: %w", id, err)
	}
	if l.Tier != before {
		s.log.InfoContext(ctx, "lead's tier moved on engagement", "lead", id.String(), "from", string(before), "to", string(l.Tier),
			"score", l.Score, "engaged", string(e))
	}
	return nil
}

// leadICP is the profile a lead is scored against: its running
// campaign's (the first by ID), else the campaign it was last enrolled in;
// the zero profile when none.
func (s *applier) leadICP(ctx context.Context, lead outbound.LeadID) (outbound.ICP, error) {
	es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: lead})
	if err != nil || len(es) == 0 {
		return outbound.ICP{}, err
	}
	pick := es[len(es)-1].Campaign
	for i := range es {
		if live(&es[i]) {
			pick = es[i].Campaign
			break
		}
	}
	c, err := s.store.GetCampaign(ctx, pick)
	if err != nil {
		return outbound.ICP{}, fmt.Errorf("distribution: campaign %s: %w", pick, err)
	}
	return c.ICP, nil
}

// score scores a lead with Config.Scorer: a lead without a score, or one
// whose score a scorer made before (scored again: its engagement may have
// grown). A score the import gave is kept as the "provided" signal, which
// the default scorer keeps and adds engagement to.
func (s *shared) score(ctx context.Context, l *outbound.Lead, icp outbound.ICP) error {
	if l.Score > 0 && len(l.ScoreSignals) == 0 {
		l.ScoreSignals = []outbound.ScoreSignal{{Signal: scoring.SignalProvided, Value: "file", Points: l.Score}}
	}
	if s.cfg.Scorer == nil {
		return nil
	}
	r, err := s.cfg.Scorer.Score(ctx, l, icp)
	if err != nil {
		return err
	}
	l.Score, l.ScoreSignals = max(0, min(100, r.Points)), r.Signals
	return nil
}
