package distribution_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/crm"
	"github.com/outbound-go/outbound/distribution"
)

// fakeCRM keeps contacts by email and deals by key, and fails on demand.
type fakeCRM struct {
	mu       sync.Mutex
	contacts map[string]crm.Contact
	deals    map[string]string // key → contact ID
	creates  int               // deals created
	fail     error
}

func newFakeCRM() *fakeCRM {
	return &fakeCRM{contacts: map[string]crm.Contact{}, deals: map[string]string{}}
}

func (f *fakeCRM) UpsertContact(_ context.Context, c crm.Contact) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return "", f.fail
	}
	f.contacts[c.Email] = c
	return "contact:" + c.Email, nil
}

func (f *fakeCRM) CreateDeal(_ context.Context, d crm.Deal, contact string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return "", f.fail
	}
	if _, ok := f.deals[d.Key]; !ok {
		f.creates++
	}
	f.deals[d.Key] = contact
	return "deal:" + d.Key, nil
}

func (f *fakeCRM) setFail(err error) {
	f.mu.Lock()
	f.fail = err
	f.mu.Unlock()
}

// meetingEnv is a client with two leads of one company, both enrolled and
// planned, and a CRM.
type meetingEnv struct {
	*env
	crm     *fakeCRM
	changes *[]distribution.Change
	leads   []outbound.LeadID
	rows    []distribution.LeadInput
}

func newMeetingEnv(t *testing.T) meetingEnv {
	t.Helper()
	c := newFakeCRM()
	var mu sync.Mutex
	var changes []distribution.Change
	e := newEnv(t, func(cfg *distribution.Config) {
		cfg.CRM = c
		cfg.Hook = distribution.HookFunc(func(_ context.Context, ch distribution.Change) {
			mu.Lock()
			defer mu.Unlock()
			changes = append(changes, ch)
		})
	})
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	a, b := hot(1), hot(2)
	b.CompanyDomain = a.CompanyDomain
	res := e.importLeads(camp, a, b)
	e.plan()
	return meetingEnv{env: e, crm: c, changes: &changes, leads: res.Enrolled, rows: []distribution.LeadInput{a, b}}
}

func (m meetingEnv) booking(id, email string) outbound.MeetingEvent {
	at := m.clock.Now()
	return outbound.MeetingEvent{Provider: "calcom", ProviderEventID: "BOOKING_CREATED:" + id, Type: outbound.MeetingBooked,
		Booking: id, Email: email, Name: "Ann Lee", Title: "Intro call", Start: at.Add(48 * time.Hour),
		End: at.Add(48*time.Hour + 30*time.Minute), At: at}
}

func (m meetingEnv) kinds(k distribution.ChangeKind) int {
	n := 0
	for _, c := range *m.changes {
		if c.Kind == k {
			n++
		}
	}
	return n
}

// A booking stops the lead's sequence and its colleague's, is kept, and
// reaches the CRM once however often it is delivered.
func TestMeetingBookedStopsAndReachesTheCRMOnce(t *testing.T) {
	t.Parallel()
	m := newMeetingEnv(t)
	b := m.booking("bk_1", m.rows[0].Email)
	for i := range 3 {
		ok, err := m.svc.HandleMeeting(m.ctx, b)
		require.NoError(t, err)
		require.Equal(t, i == 0, ok, "applied once")
	}
	en := m.enrollment(m.leads[0])
	require.Equal(t, outbound.EnrollmentStopped, en.State)
	require.Equal(t, outbound.ReasonMeetingBooked, en.StopReason)
	other := m.enrollment(m.leads[1])
	require.Equal(t, outbound.EnrollmentStopped, other.State)
	require.Equal(t, outbound.ReasonCompanyReplied, other.StopReason)
	for _, tc := range m.schedule(m.leads[0]) {
		require.NotEqual(t, outbound.TouchScheduled, tc.Status, "step %d still scheduled", tc.Step)
	}

	ms, err := m.svc.Meetings(m.ctx, outbound.ClientID{})
	require.NoError(t, err)
	require.Len(t, ms, 1)
	got := ms[0]
	require.Equal(t, m.leads[0], got.Lead)
	require.Equal(t, en.Campaign, got.Campaign)
	require.Equal(t, outbound.MeetingStatusBooked, got.Status)
	require.True(t, b.Start.Equal(got.Start))
	require.Equal(t, "contact:"+m.rows[0].Email, got.CRMContact)
	require.Equal(t, "deal:calcom:bk_1", got.CRMDeal)
	require.Equal(t, 1, m.crm.creates)
	require.Equal(t, "Acme 1", m.crm.contacts[m.rows[0].Email].Company)
	require.Equal(t, 1, m.kinds(distribution.ChangeMeetingBooked))
	require.Equal(t, 1, m.svc.Counters().Meetings)
	require.True(t, m.lead(m.leads[0]).HasEngaged(outbound.EngagedMeeting))
}

// The lead the booking link named is the one, whatever address booked.
func TestMeetingFindsTheLeadTheLinkNamed(t *testing.T) {
	t.Parallel()
	m := newMeetingEnv(t)
	b := m.booking("bk_1", "assistant@elsewhere.example")
	b.Lead = m.leads[1]
	ok, err := m.svc.HandleMeeting(m.ctx, b)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, outbound.ReasonMeetingBooked, m.enrollment(m.leads[1]).StopReason)
	require.Equal(t, outbound.ReasonCompanyReplied, m.enrollment(m.leads[0]).StopReason)
}

// A moved meeting replaces the booking it moves, and keeps its deal; a
// cancellation is kept and leaves the sequence stopped.
func TestMeetingRescheduledThenCancelled(t *testing.T) {
	t.Parallel()
	m := newMeetingEnv(t)
	first := m.booking("bk_1", m.rows[0].Email)
	_, err := m.svc.HandleMeeting(m.ctx, first)
	require.NoError(t, err)

	moved := m.booking("bk_2", m.rows[0].Email)
	moved.ProviderEventID, moved.Replaces = "BOOKING_RESCHEDULED:bk_2", "bk_1"
	moved.Start, moved.End = first.Start.Add(24*time.Hour), first.End.Add(24*time.Hour)
	_, err = m.svc.HandleMeeting(m.ctx, moved)
	require.NoError(t, err)

	cancel := outbound.MeetingEvent{Provider: "calcom", ProviderEventID: "BOOKING_CANCELLED:bk_2", Type: outbound.MeetingCancelled,
		Booking: "bk_2", Email: m.rows[0].Email, Reason: "conflict", At: m.clock.Now()}
	_, err = m.svc.HandleMeeting(m.ctx, cancel)
	require.NoError(t, err)

	ms, err := m.svc.Meetings(m.ctx, outbound.ClientID{})
	require.NoError(t, err)
	require.Len(t, ms, 2)
	byBooking := map[string]outbound.Meeting{ms[0].Booking: ms[0], ms[1].Booking: ms[1]}
	require.Equal(t, outbound.MeetingStatusRescheduled, byBooking["bk_1"].Status)
	require.Equal(t, outbound.MeetingStatusCancelled, byBooking["bk_2"].Status)
	require.Equal(t, "bk_1", byBooking["bk_2"].Replaces)
	require.True(t, moved.Start.Equal(byBooking["bk_2"].Start))
	require.Equal(t, byBooking["bk_1"].CRMDeal, byBooking["bk_2"].CRMDeal, "a moved meeting keeps its deal")
	require.Equal(t, 1, m.crm.creates)
	require.Equal(t, 1, m.svc.Counters().Meetings, "a moved meeting is the same meeting")
	require.Equal(t, 1, m.kinds(distribution.ChangeMeetingCancelled))
	require.Equal(t, outbound.EnrollmentStopped, m.enrollment(m.leads[0]).State)
}

// A CRM that is down loses nothing: the booking is kept unapplied, and the
// sweeper brings it to the CRM once it is back; a CRM that refuses for
// good is reported and not asked again.
func TestMeetingCRMOutageAndRefusal(t *testing.T) {
	t.Parallel()
	t.Run("outage", func(t *testing.T) {
		t.Parallel()
		m := newMeetingEnv(t)
		m.crm.setFail(fmt.Errorf("hubspot: 503: %w", crm.ErrRetryable))
		_, err := m.svc.HandleMeeting(m.ctx, m.booking("bk_1", m.rows[0].Email))
		require.ErrorIs(t, err, crm.ErrRetryable)
		require.Equal(t, outbound.ReasonMeetingBooked, m.enrollment(m.leads[0]).StopReason, "the sequence stops at once")

		m.clock.Advance(time.Hour)
		_, err = m.svc.Sweep(m.ctx)
		require.ErrorIs(t, err, crm.ErrRetryable, "still down")
		m.crm.setFail(nil)
		m.clock.Advance(time.Hour)
		n, err := m.svc.Sweep(m.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		ms, err := m.svc.Meetings(m.ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Equal(t, "deal:calcom:bk_1", ms[0].CRMDeal)
		require.Equal(t, 1, m.crm.creates)
		require.Equal(t, 1, m.svc.Counters().Meetings)
		n, err = m.svc.Sweep(m.ctx)
		require.NoError(t, err)
		require.Zero(t, n, "applied: nothing left to sweep")
	})
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		m := newMeetingEnv(t)
		m.crm.setFail(fmt.Errorf("hubspot: 400 no such stage: %w", crm.ErrPermanent))
		ok, err := m.svc.HandleMeeting(m.ctx, m.booking("bk_1", m.rows[0].Email))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 1, m.kinds(distribution.ChangeCRMFailed))
		ms, err := m.svc.Meetings(m.ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Empty(t, ms[0].CRMDeal)
	})
}

// A booking by someone who is nobody's lead is recorded and changes
// nothing; a malformed one is refused naming its field.
func TestMeetingOfNobodyAndBadInput(t *testing.T) {
	t.Parallel()
	m := newMeetingEnv(t)
	ok, err := m.svc.HandleMeeting(m.ctx, m.booking("bk_9", "stranger@nowhere.example"))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, outbound.EnrollmentActive, m.enrollment(m.leads[0]).State)
	ms, err := m.svc.Meetings(m.ctx, outbound.ClientID{})
	require.NoError(t, err)
	require.Empty(t, ms)
	require.Zero(t, m.crm.creates)

	bad := m.booking("bk_8", m.rows[0].Email)
	bad.Start = time.Time{}
	_, err = m.svc.HandleMeeting(m.ctx, bad)
	require.ErrorIs(t, err, outbound.ErrInvalid)
	require.ErrorContains(t, err, "Start")
	require.Equal(t, outbound.EnrollmentActive, m.enrollment(m.leads[0]).State)

	err = m.svc.Accept(m.ctx, []outbound.Inbound{{Meeting: &bad}})
	require.True(t, errors.Is(err, outbound.ErrInvalid))
}

// What a lead does is kept as engagement, each once: an opened email, an
// accepted connection, a reply that wants to talk; a reply that declines
// is not engagement.
func TestEngagementKeptOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	res := e.importLeads(camp, hot(1), hot(2))
	e.plan()
	sent := e.sendStep(primary(e.schedule(res.Enrolled[0]))[1])
	for i := range 2 {
		x := ev(sent, channel.EventOpened, e.clock.Now().Add(time.Duration(i+1)*time.Minute))
		x.ProviderEventID += fmt.Sprint(i)
		require.True(t, e.handle(x))
	}
	require.Equal(t, []outbound.Engagement{outbound.EngagedOpened}, e.lead(res.Enrolled[0]).Engaged)
	x := ev(sent, channel.EventReplied, e.clock.Now().Add(time.Hour))
	x.Body = "Sounds interesting, tell me more."
	require.True(t, e.handle(x))
	require.Equal(t, []outbound.Engagement{outbound.EngagedOpened, outbound.EngagedReplied}, e.lead(res.Enrolled[0]).Engaged)

	other := e.sendStep(primary(e.schedule(res.Enrolled[1]))[1])
	no := ev(other, channel.EventReplied, e.clock.Now().Add(time.Hour))
	no.Body = "Not interested, thanks."
	require.True(t, e.handle(no))
	require.Empty(t, e.lead(res.Enrolled[1]).Engaged)
}
