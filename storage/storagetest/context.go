package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// testContext checks that a call with a cancelled context fails with the
// context's error and changes nothing: a worker whose context is gone
// cannot take or finish work.
func (s suite) testContext(t *testing.T) {
	s.run(t, "CancelledChangesNothing", func(t *testing.T, st storage.Store) {
		live := t.Context()
		dead, cancel := context.WithCancel(live)
		cancel()

		c := makeClient(1)
		require.ErrorIs(t, st.CreateClient(dead, &c), context.Canceled)
		_, err := st.GetClient(live, c.ID)
		requireNotFound(t, err)

		require.NoError(t, st.InsertTouches(live, []outbound.Touch{makeTouch(0)}))
		_, err = st.ClaimTouches(dead, storage.Claim{Now: at(10), Worker: "w1", LeaseUntil: at(15), Limit: 1})
		require.ErrorIs(t, err, context.Canceled)
		claimed, err := st.ClaimTouches(live, storage.Claim{Now: at(10), Worker: "w2", LeaseUntil: at(15), Limit: 1})
		require.NoError(t, err)
		require.Len(t, claimed, 1, "the cancelled claim leased nothing")

		sent := claimed[0]
		sent.Status = outbound.TouchSent
		require.ErrorIs(t, st.UpdateTouch(dead, &sent, "w2"), context.Canceled)
		_, err = st.UpdateTouches(dead, []outbound.Touch{sent}, "w2")
		require.ErrorIs(t, err, context.Canceled)
		got, err := st.GetTouch(live, sent.ID)
		require.NoError(t, err)
		require.Equal(t, outbound.TouchScheduled, got.Status)

		l, en := makeLead(1), makeEnrollment(1)
		require.NoError(t, st.CreateLead(live, &l))
		require.NoError(t, st.CreateEnrollment(live, &en))
		require.NoError(t, st.AddSuppression(live, &outbound.Suppression{Client: l.Client, Lead: l.ID, Since: at(0)}))
		_, err = st.GetLeads(dead, []outbound.LeadID{l.ID})
		require.ErrorIs(t, err, context.Canceled)
		_, err = st.GetEnrollments(dead, []outbound.EnrollmentID{en.ID})
		require.ErrorIs(t, err, context.Canceled)
		_, err = st.SuppressedAmong(dead, []storage.SuppressionQuery{{Client: l.Client, Lead: l.ID, Channel: channel.Email}})
		require.ErrorIs(t, err, context.Canceled)

		e := makeEvent(1)
		ok, err := st.RecordEvent(dead, &e)
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, ok)
		ok, err = st.RecordEvent(live, &e)
		require.NoError(t, err)
		require.True(t, ok)

		w := outbound.WashResult{Phone: "+61400000001", Status: outbound.DNCRClear, WashedAt: at(0)}
		require.NoError(t, st.PutWash(live, w))
		_, err = st.GetWashes(dead, []string{w.Phone})
		require.ErrorIs(t, err, context.Canceled)
	})
	s.run(t, "CancelledWritesChangeNothing", func(t *testing.T, st storage.Store) {
		live := t.Context()
		dead, cancel := context.WithCancel(live)
		cancel()

		c := makeClient(1)
		require.NoError(t, st.CreateClient(live, &c))
		changed := c
		changed.Name = "changed"
		require.ErrorIs(t, st.UpdateClient(dead, &changed), context.Canceled)
		_, err := st.ClientVersions(dead, []outbound.ClientID{c.ID})
		require.ErrorIs(t, err, context.Canceled)
		_, err = st.FindClientByBilling(dead, "cus_A", "")
		require.ErrorIs(t, err, context.Canceled)

		dom := seedDomain(t, st, 1, outbound.StateAvailable, outbound.ClientID{})
		before := allResources(t, st)
		moved, err := st.MoveResource(dead, storage.Move{Resource: dom.ID, From: outbound.StateAvailable, To: outbound.StateAssigned, ToClient: c.ID})
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, moved)
		paused := dom
		paused.Paused = true
		require.ErrorIs(t, st.UpdateResource(dead, &paused), context.Canceled)
		_, err = st.FindResource(dead, dom.Provider, dom.ProviderRef)
		require.ErrorIs(t, err, context.Canceled)
		requireResources(t, st, before, "cancelled resource writes change nothing")
		got, err := st.GetClient(live, c.ID)
		require.NoError(t, err)
		require.Equal(t, c, *got, "nor the client, nor its version")

		e := makeEvent(1)
		require.NoError(t, recordNew(t, st, &e))
		require.ErrorIs(t, st.MarkEventApplied(dead, e.ID, at(5)), context.Canceled)
		_, err = st.UnappliedEvents(dead, at(100), 10)
		require.ErrorIs(t, err, context.Canceled)
		un, err := st.UnappliedEvents(live, at(100), 10)
		require.NoError(t, err)
		require.Len(t, un, 1, "the cancelled mark applied nothing")

		o := makeOrder(1)
		ok, err := st.CreateOrder(dead, &o)
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, ok)
		_, err = st.GetOrder(live, o.ID)
		requireNotFound(t, err)

		granted, err := st.TakeAllowance(dead, c.ID, at(0), 5, 10)
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, granted)
		used, err := st.AllowanceUsed(live, c.ID, at(0))
		require.NoError(t, err)
		require.Zero(t, used)

		ok, _, err = st.SpaceSend(dead, dom.ID, at(1), time.Minute)
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, ok)
		ok, _, err = st.SpaceSend(live, dom.ID, at(1), time.Minute)
		require.NoError(t, err)
		require.True(t, ok, "the cancelled send recorded nothing")

		sp := outbound.Suppression{Client: c.ID, Address: "ann@example.com", Since: at(0)}
		require.ErrorIs(t, st.AddSuppression(dead, &sp), context.Canceled)
		require.NoError(t, st.AddSuppression(live, &sp))
		ok, err = st.LiftSuppression(dead, storage.KeyOf(&sp), "operator", "test", at(1))
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, ok)
		requireSuppressed(t, st, storage.SuppressionQuery{Client: c.ID, Address: "ann@example.com", Channel: channel.Email}, true, "the cancelled lift lifted nothing")
	})
}
