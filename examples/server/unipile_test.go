package main

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipilepg"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// On PostgreSQL the Unipile channel journals its sends in the database
// every instance shares: an acceptance one instance hears is tied to the
// touch whichever instance (or process before a restart) sent it.
func TestUnipileJournalOnPostgres(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dbURL, db, ten := seededPostgres(t)
	es, err := db.Platform().ListEnrollments(ctx, storage.EnrollmentFilter{Lead: ten.leadB})
	require.NoError(t, err)
	sent := time.Now().UTC().Truncate(time.Second)
	invite := outbound.Touch{ID: outbound.TouchID{UUID: uuid.New()}, Client: ten.b.ID, Campaign: ten.campB, Enrollment: es[0].ID,
		Lead: ten.leadB, StepChannel: channel.LinkedIn, Channel: channel.LinkedIn, Action: channel.ActionConnectionRequest,
		ScheduledAt: sent, SentAt: sent, Status: outbound.TouchSent}
	require.NoError(t, db.Platform().InsertTouches(ctx, []outbound.Touch{invite}))

	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-database-url", dbURL, "-public-url", "https://hooks.example.com"},
		env(map[string]string{"UNIPILE_DSN": "api8.unipile.com:13851", "UNIPILE_API_KEY": "unipile-key-secret",
			"UNIPILE_WEBHOOK_SECRET": "unipile-header"}), io.Discard)
	require.NoError(t, err)
	s := startDB(t, cfg) // migrates the Unipile adapter's tables

	// Another instance's channel journaled the invitation before it left.
	require.NoError(t, unipilepg.New(db.Pool()).Record(ctx, unipile.Intent{Key: invite.ID.String(), AccountID: "acc_1",
		Action: channel.ActionConnectionRequest, ProviderID: "ACoAA1", Text: "Hi Ann", Started: sent, ProviderMessageID: "inv_1"}))
	accepted := unipiletest.NewRelationPayload("acc_1", unipiletest.Profile{PublicID: "ann-lead", ProviderID: "ACoAA1"})
	require.Equal(t, http.StatusOK, s.post(t, "/webhooks/unipile", accepted, http.Header{"Content-Type": {"application/json"},
		unipile.DefaultSecretHeader: {"unipile-header"}}))
	evs, err := db.Platform().ListEvents(ctx, ten.b.ID)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(evs, func(e outbound.Event) bool {
		return e.Touch == invite.ID && e.Type == channel.EventConnectionAccepted
	}), "the acceptance is tied to the invitation's touch: %+v", evs)
}
