package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// meetingKey is a meeting's provider and booking.
type meetingKey struct{ provider, booking string }

func normMeeting(m outbound.Meeting) outbound.Meeting {
	m.Start, m.End, m.BookedAt, m.UpdatedAt = utc(m.Start), utc(m.End), utc(m.BookedAt), utc(m.UpdatedAt)
	return m
}

// SaveMeeting implements [storage.Meetings].
func (s *Store) SaveMeeting(ctx context.Context, m *outbound.Meeting) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckMeeting(m); err != nil {
		return err
	}
	k := meetingKey{m.Provider, m.Booking}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.meetings[k]; ok && old.Client != m.Client {
		return fmt.Errorf("memory: meeting %s/%s is another client's: %w", m.Provider, m.Booking, storage.ErrConflict)
	}
	s.meetings[k] = normMeeting(*m)
	return nil
}

// GetMeeting implements [storage.Meetings].
func (s *Store) GetMeeting(ctx context.Context, provider, booking string) (*outbound.Meeting, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.meetings[meetingKey{provider, booking}]
	if !ok {
		return nil, fmt.Errorf("memory: meeting %s/%s: %w", provider, booking, storage.ErrNotFound)
	}
	return &m, nil
}

// ListMeetings implements [storage.Meetings].
func (s *Store) ListMeetings(ctx context.Context, client outbound.ClientID) ([]outbound.Meeting, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var out []outbound.Meeting
	for _, m := range s.meetings {
		if client.IsZero() || m.Client == client {
			out = append(out, m)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b outbound.Meeting) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Booking, b.Booking))
	})
	return out, nil
}
