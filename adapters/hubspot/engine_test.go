package hubspot_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
	"github.com/outbound-go/outbound/adapters/hubspot"
	"github.com/outbound-go/outbound/adapters/hubspot/hubspottest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// The whole path of a meeting: a lead asks for a call, the engine answers
// with the client's Cal.com link naming the lead, the lead books through
// it, Cal.com's signed webhook stops the sequence and records the meeting,
// and the lead and the meeting reach HubSpot as a contact and a deal.
func TestMeetingFromReplyToHubSpot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := timingtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	hs := hubspottest.New(hubspottest.Config{})
	defer hs.Close()
	crmClient, err := hubspot.New(hubspot.Config{Token: hs.Token(), BaseURL: hs.URL(), Rate: -1})
	require.NoError(t, err)

	store := memory.New()
	var chans []channel.Channel
	fakes := map[channel.Kind]*channeltest.Fake{}
	for _, k := range channel.Kinds() {
		f, err := channeltest.New(k, &channeltest.Config{Now: clock.Now})
		require.NoError(t, err)
		fakes[k] = f
		chans = append(chans, f)
	}
	svc, err := distribution.New(distribution.Config{Store: store, Channels: chans, Clock: clock, CRM: crmClient})
	require.NoError(t, err)
	_, err = svc.Pool().Stock(ctx, outbound.KindDomain, 4, clock.Now().AddDate(0, 0, -60))
	require.NoError(t, err)
	c, err := svc.Signup(ctx, distribution.SignupInput{Name: "Acme Agency", Plan: "starter", DefaultZone: "Australia/Sydney", PaymentID: "p1"})
	require.NoError(t, err)
	require.NoError(t, svc.SetAnswers(ctx, c.ID, outbound.AnswerAuto, "https://cal.com/acme/intro?metadata[lead]={lead}"))
	camp, err := svc.CreateCampaign(ctx, c.ID, "Q1")
	require.NoError(t, err)
	res, err := svc.ImportLeads(ctx, camp.ID, []distribution.LeadInput{{Email: "ann@harbour.com.au", FirstName: "Ann", LastName: "Lee",
		Company: "Harbour Freight", CompanyDomain: "harbour.com.au", Title: "Head of Growth", Country: "AU", Region: "NSW", Score: 70}})
	require.NoError(t, err)
	require.Len(t, res.Enrolled, 1)
	lead := res.Enrolled[0]

	// Run the engine until the first email has gone.
	run := func(until time.Time) {
		for {
			_, err := svc.Plan(ctx)
			require.NoError(t, err)
			_, err = svc.Dispatch(ctx, "w")
			require.NoError(t, err)
			next, ok, err := svc.NextDue(ctx)
			require.NoError(t, err)
			if !ok || next.After(until) {
				clock.Set(until)
				return
			}
			clock.Set(later(next, clock.Now()))
		}
	}
	run(clock.Now().Add(72 * time.Hour))
	sent := fakes[channel.Email].Sent()
	require.NotEmpty(t, sent)
	first := sent[0]

	reply := channel.Event{Provider: "fake", ProviderEventID: "r1", Type: channel.EventReplied, Kind: channel.Email,
		IdempotencyKey: first.Message.IdempotencyKey, From: "ann@harbour.com.au", At: clock.Now(),
		Body: "Sounds good. Could we set up a call next week?"}
	ok, err := svc.HandleEvent(ctx, reply)
	require.NoError(t, err)
	require.True(t, ok)
	run(clock.Now().Add(72 * time.Hour))
	var link string
	for _, s := range fakes[channel.Email].Sent() {
		if s.Message.Metadata["step"] == "0" {
			i := strings.Index(s.Message.Body, "https://cal.com/")
			require.GreaterOrEqual(t, i, 0, s.Message.Body)
			link = strings.Fields(s.Message.Body[i:])[0]
		}
	}
	require.NotEmpty(t, link, "the answer carried the booking link")
	u, err := url.Parse(link)
	require.NoError(t, err)
	require.Equal(t, lead.String(), u.Query().Get("metadata[lead]"))

	// The lead books through the link; Cal.com reports it, signed.
	v, err := calcom.NewVerifier("whsec_cal")
	require.NoError(t, err)
	h, err := webhook.NewHandler(webhook.Config{Name: "calcom", Verifier: v, Decoder: calcom.Decoder{}, Sink: svc})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	start := clock.Now().Add(5 * 24 * time.Hour).Truncate(time.Hour)
	b := calcomtest.Booking{UID: "bk_7Qm2", Title: "Intro call", Start: start, End: start.Add(30 * time.Minute),
		Attendee: calcomtest.Person{Name: "Ann Lee", Email: "ann.lee@gmail.example"}, Organizer: calcomtest.Person{Email: "sam@acme.example"},
		Metadata: map[string]string{"lead": u.Query().Get("metadata[lead]")}}
	sender := &calcomtest.Sender{Secret: "whsec_cal"}
	for range 2 { // Cal.com's delivery, and a redelivery
		_, err = sender.Book(ctx, srv.URL, b, clock.Now())
		require.NoError(t, err)
	}

	ms, err := svc.Meetings(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, lead, ms[0].Lead, "found by the link, though booked from another address")
	require.True(t, start.Equal(ms[0].Start))
	contacts, deals := hs.Contacts(), hs.Deals()
	require.Len(t, contacts, 1)
	require.Equal(t, "ann@harbour.com.au", contacts[0].Properties["email"])
	require.Equal(t, "Harbour Freight", contacts[0].Properties["company"])
	require.Len(t, deals, 1)
	require.Equal(t, "Harbour Freight: Intro call", deals[0].Properties["dealname"])
	require.Equal(t, []string{contacts[0].ID}, deals[0].Contacts)
	require.Equal(t, deals[0].ID, ms[0].CRMDeal)
	l, err := store.GetLead(ctx, lead)
	require.NoError(t, err)
	require.True(t, l.HasEngaged(outbound.EngagedMeeting))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
