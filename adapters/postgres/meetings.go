package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Meetings

const meetingCols = `provider, booking, client_id, lead_id, campaign_id, replaces, status, title, start_at, end_at, url,
	crm_contact, crm_deal, booked_at, updated_at`

func scanMeeting(rows pgx.Rows, m *outbound.Meeting) error {
	return rows.Scan(&m.Provider, &m.Booking, scanID(&m.Client.UUID), scanID(&m.Lead.UUID), scanID(&m.Campaign.UUID),
		&m.Replaces, &m.Status, &m.Title, scanTime(&m.Start), scanTime(&m.End), &m.URL, &m.CRMContact, &m.CRMDeal,
		scanTime(&m.BookedAt), scanTime(&m.UpdatedAt))
}

// meetingKey names a meeting in errors.
type meetingKey struct{ provider, booking string }

func (k meetingKey) String() string { return k.provider + "/" + k.booking }

// SaveMeeting implements [storage.Meetings] in one statement: the row is
// replaced only when it is the same client's, so none affected means
// another client holds the booking.
func (s *Store) SaveMeeting(ctx context.Context, m *outbound.Meeting) error {
	if err := storage.CheckMeeting(m); err != nil {
		return err
	}
	n, err := s.exec(ctx, `INSERT INTO meetings (`+meetingCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (provider, booking) DO UPDATE SET lead_id = EXCLUDED.lead_id, campaign_id = EXCLUDED.campaign_id,
			replaces = EXCLUDED.replaces, status = EXCLUDED.status, title = EXCLUDED.title, start_at = EXCLUDED.start_at,
			end_at = EXCLUDED.end_at, url = EXCLUDED.url, crm_contact = EXCLUDED.crm_contact, crm_deal = EXCLUDED.crm_deal,
			booked_at = EXCLUDED.booked_at, updated_at = EXCLUDED.updated_at
		WHERE meetings.client_id = EXCLUDED.client_id`,
		m.Provider, m.Booking, id(m.Client.UUID), id(m.Lead.UUID), id(m.Campaign.UUID), m.Replaces, string(m.Status),
		m.Title, ts(m.Start), ts(m.End), m.URL, m.CRMContact, m.CRMDeal, ts(m.BookedAt), ts(m.UpdatedAt))
	key := meetingKey{m.Provider, m.Booking}
	if err != nil {
		return wrap(err, "meeting", key)
	}
	if n == 0 {
		return fmt.Errorf("postgres: meeting %s is another client's: %w", key, storage.ErrConflict)
	}
	return nil
}

// GetMeeting implements [storage.Meetings].
func (s *Store) GetMeeting(ctx context.Context, provider, booking string) (*outbound.Meeting, error) {
	return getOne(ctx, s, "meeting", meetingKey{provider, booking},
		`SELECT `+meetingCols+` FROM meetings WHERE provider = $1 AND booking = $2`, []any{provider, booking}, scanMeeting)
}

// ListMeetings implements [storage.Meetings].
func (s *Store) ListMeetings(ctx context.Context, client outbound.ClientID) ([]outbound.Meeting, error) {
	var w where
	if !client.IsZero() {
		w.add(`client_id = ?`, id(client.UUID))
	}
	ms, err := list(ctx, s, `SELECT `+meetingCols+` FROM meetings`+w.String()+
		` ORDER BY start_at, provider COLLATE "C", booking COLLATE "C"`, w.args, scanMeeting)
	return ms, wrapList(err, "meetings")
}
