package distribution_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

// washLog is a register that remembers every answer it gave, so the
// scenario can check each call and text against the wash in force when it
// went out.
type washLog struct {
	mu      sync.Mutex
	now     func() time.Time
	more    bool // the second batch of numbers is listed
	history map[string][]outbound.WashResult
}

// listed says whether a number is on the register: a tenth of numbers from
// the start, another tenth once more is set.
func (w *washLog) listed(phone string) bool {
	h := uint32(2166136261)
	for i := 0; i < len(phone); i++ {
		h = (h ^ uint32(phone[i])) * 16777619
	}
	return h%10 == 0 || w.more && h%10 == 5
}

func (w *washLog) Wash(_ context.Context, phones []string) ([]outbound.WashResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []outbound.WashResult
	for _, p := range phones {
		r := outbound.WashResult{Phone: p, Status: outbound.DNCRClear, WashedAt: w.now()}
		if w.listed(p) {
			r.Status = outbound.DNCRRegistered
		}
		w.history[p] = append(w.history[p], r)
		out = append(out, r)
	}
	return out, nil
}

// scenarioLeads generates n leads of one client's market: AU leads over
// several states (mobiles, and Perth landlines), or US leads over several
// states. A few have no phone or no LinkedIn; every three share a company.
func scenarioLeads(rng *rand.Rand, market string, n, offset int) []distribution.LeadInput {
	auRegions := []string{"NSW", "VIC", "QLD", "WA", "SA"}
	us := []struct{ region, area string }{{"CA", "415"}, {"NY", "212"}, {"TX", "512"}, {"IL", "312"}, {"FL", "305"}}
	out := make([]distribution.LeadInput, 0, n)
	for i := range n {
		id := offset + i
		in := distribution.LeadInput{
			Line: i + 2, ExternalID: fmt.Sprint("ext-", id), Email: fmt.Sprintf("p%d@co%d.example.com", id, id/3),
			FirstName: "Pat", LastName: fmt.Sprint("N", id), Company: fmt.Sprint("Co ", id/3), CompanyDomain: fmt.Sprintf("co%d.example.com", id/3),
			Score: rng.IntN(101), AddressLine1: fmt.Sprint(id, " Main St"), City: "Town", Postcode: "1000",
		}
		if market == "AU" {
			in.Country, in.Region = "AU", auRegions[rng.IntN(len(auRegions))]
			if in.Region == "WA" && rng.IntN(2) == 0 {
				in.Phone = fmt.Sprintf("08 9%03d %04d", rng.IntN(1000), rng.IntN(10000)) // Perth landline
			} else {
				in.Phone = fmt.Sprintf("+6141%07d", rng.IntN(10000000))
			}
		} else {
			st := us[rng.IntN(len(us))]
			in.Country, in.Region = "US", st.region
			in.Phone = fmt.Sprintf("+1%s%03d%04d", st.area, 200+rng.IntN(700), rng.IntN(10000))
			if in.Phone[5:8] == "555" || in.Phone[6:8] == "11" {
				in.Phone = fmt.Sprintf("+1%s%03d%04d", st.area, 234, rng.IntN(10000))
			}
		}
		if rng.IntN(5) == 0 {
			in.Phone = ""
		}
		if rng.IntN(10) < 7 {
			in.LinkedIn = fmt.Sprintf("https://www.linkedin.com/in/p%d", id)
		}
		out = append(out, in)
	}
	return out
}

type pendingEvent struct {
	at time.Time
	ev channel.Event
}

// TestScenarioInvariants runs three clients (two AU, one US) and 300 leads
// for 24 days on a virtual clock with four workers, seeded fake providers
// answering with outcomes and send errors, daily jobs at each UTC midnight
// and a register on which numbers get listed mid-run; then it checks every
// invariant the engine promises from the stored touches, events and washes.
func TestScenarioInvariants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rates := channeltest.Rates{
		EmailReply: 0.10, EmailHardBounce: 0.03, EmailUnsubscribe: 0.03, EmailComplaint: 0.01,
		SMSStop: 0.10, SMSReply: 0.05, CallBusy: 0.3, CallNoAnswer: 0.3, CallAnswered: 0.2, CallVoicemail: 0.2,
		SendRetryable: 0.05, SendRateLimited: 0.03, SendPermanent: 0.02, SendOptedOut: 0.01,
	}
	model := &channeltest.Model{Seed: 7, Rates: rates}
	var wl *washLog
	policy := sequence.Policy{DNCRValidity: 7 * 24 * time.Hour}
	e := newEnv(t, func(c *distribution.Config) {
		for _, k := range channel.Kinds() {
			f, err := channeltest.New(k, &channeltest.Config{Now: c.Clock.Now, Model: model})
			require.NoError(t, err)
			setChannel(c, f)
		}
		wl = &washLog{now: c.Clock.Now, history: map[string][]outbound.WashResult{}}
		c.DNCR = wl
		c.Policy = policy
		c.DNCRRewashWithin = 2 * 24 * time.Hour
		c.Test.NewID = seededIDs(3)
	})
	for _, ch := range e.cfg.Channels {
		e.fakes[ch.Kind()] = ch.(*channeltest.Fake)
	}
	e.stock(10, 6, 6, 2)
	rng := rand.New(rand.NewPCG(11, 12))
	type clientSpec struct{ plan, zone, market string }
	var camps []*outbound.Campaign
	offset := 0
	for _, cs := range []clientSpec{{"starter", "Australia/Sydney", "AU"}, {"growth", "Australia/Melbourne", "AU"}, {"scale", "America/New_York", "US"}} {
		c := e.signup(cs.plan, cs.zone)
		camp := e.campaign(c)
		camps = append(camps, camp)
		rows := scenarioLeads(rng, cs.market, 100, offset)
		offset += 100
		res := e.importLeads(camp, rows...)
		require.Empty(t, res.Rejected, "%v", res.Rejected)
		require.NotEmpty(t, res.Enrolled)
		require.NotEmpty(t, res.Dead)
	}
	require.NoError(t, e.svc.Daily(ctx))

	end := start.AddDate(0, 0, 24)
	var queue []pendingEvent
	seen := map[channel.Kind]int{}
	lastDaily := timing.DateIn(e.clock.Now(), time.UTC)
	listed := false
	for {
		now := e.clock.Now()
		if d := timing.DateIn(now, time.UTC); d != lastDaily {
			lastDaily = d
			if !listed && now.Sub(start) >= 4*24*time.Hour {
				// More numbers are listed on day 4: the re-wash of
				// day 5 (results expiring within 2 days) must catch them.
				wl.mu.Lock()
				wl.more, listed = true, true
				wl.mu.Unlock()
			}
			require.NoError(t, e.svc.Daily(ctx))
		}
		sort.SliceStable(queue, func(i, j int) bool { return queue[i].at.Before(queue[j].at) })
		for len(queue) > 0 && !queue[0].at.After(now) {
			_, err := e.svc.HandleEvent(ctx, queue[0].ev)
			require.NoError(t, err)
			queue = queue[1:]
		}
		e.dispatchAll(4)
		for _, k := range channel.Kinds() {
			sent := e.fakes[k].Sent()
			for _, s := range sent[seen[k]:] {
				for _, ev := range model.Events(s.Message, s.Receipt, s.At) {
					queue = append(queue, pendingEvent{ev.At, ev})
				}
			}
			seen[k] = len(sent)
		}
		next := lastDaily.AddDays(1).Midnight(time.UTC)
		if due, ok, err := e.svc.NextDue(ctx); err == nil && ok && due.Before(next) {
			next = due
		}
		for _, q := range queue {
			if q.at.Before(next) {
				next = q.at
			}
		}
		if next.After(end) {
			break
		}
		if next.After(now) {
			e.clock.Set(next)
		}
	}
	checkInvariants(t, e, wl, policy)
}

func checkInvariants(t *testing.T, e *env, wl *washLog, policy sequence.Policy) {
	ctx := context.Background()
	policy = policy.WithDefaults()
	sched, err := timing.NewScheduler(timing.SchedulerConfig{})
	require.NoError(t, err)
	seq := sequence.Default()
	gating := sequence.DefaultGating()
	touches, err := e.store.ListTouches(ctx, storage.TouchFilter{})
	require.NoError(t, err)
	leads := map[outbound.LeadID]outbound.Lead{}
	ls, err := e.store.ListLeads(ctx, outbound.ClientID{})
	require.NoError(t, err)
	for _, l := range ls {
		leads[l.ID] = l
	}
	clients := map[outbound.ClientID]outbound.Client{}
	cl, err := e.store.ListClients(ctx)
	require.NoError(t, err)
	for _, c := range cl {
		clients[c.ID] = c
	}
	resources := map[outbound.ResourceID]outbound.Resource{}
	rs, err := e.store.ListResources(ctx, storage.ResourceFilter{})
	require.NoError(t, err)
	for _, r := range rs {
		resources[r.ID] = r
	}
	enrollments := map[outbound.EnrollmentID]outbound.Enrollment{}
	es, err := e.store.ListEnrollments(ctx, storage.EnrollmentFilter{})
	require.NoError(t, err)
	for _, en := range es {
		enrollments[en.ID] = en
	}
	events, err := e.store.ListEvents(ctx, outbound.ClientID{})
	require.NoError(t, err)

	statuses := map[outbound.TouchStatus]int{}
	sentBy := map[channel.Kind]int{}
	type meterDay struct {
		res    outbound.ResourceID
		action channel.Action
		day    timing.Date
	}
	perDay := map[meterDay]int{}
	perMailbox := map[outbound.ResourceID][]time.Time{}
	byEnrollment := map[outbound.EnrollmentID][]outbound.Touch{}
	for _, tc := range touches {
		statuses[tc.Status]++
		require.NotEqual(t, outbound.TouchSending, tc.Status, "no touch left sending")
		require.NotEqual(t, outbound.TouchUncertain, tc.Status, "classified errors only: nothing uncertain")
		if tc.SentAt.IsZero() {
			continue
		}
		sentBy[tc.Channel]++
		l := leads[tc.Lead]
		loc := mustLoc(t, l.Zone)
		rec := timing.Recipient{Location: loc, Country: l.Country, Region: l.Region}
		// Window, business day, legal ceiling.
		require.True(t, sched.Contains(tc.Channel, rec, tc.SentAt), "touch %s %s sent %s in %s %s", tc.ID, tc.Channel, local(tc.SentAt, loc), l.Country, l.Region)
		// Gating by tier.
		require.True(t, gating.Allows(l.Tier, tc.Channel), "lead tier %s got %s", l.Tier, tc.Channel)
		// DNCR: a clear wash in force when the call or text went out.
		if tc.Channel == channel.Voice || tc.Channel == channel.SMS {
			var in *outbound.WashResult
			for i, w := range wl.history[l.Phone] {
				if !w.WashedAt.After(tc.SentAt) {
					in = &wl.history[l.Phone][i]
				}
			}
			require.NotNil(t, in, "%s to an unwashed number %s", tc.Channel, l.Phone)
			require.Equal(t, outbound.DNCRClear, in.Status, "%s to a registered number %s", tc.Channel, l.Phone)
			require.True(t, tc.SentAt.Before(in.WashedAt.Add(policy.DNCRValidity)), "%s on an expired wash", tc.Channel)
		}
		r := resources[tc.Resource]
		cloc := mustLoc(t, clients[r.Client].DefaultZone)
		perDay[meterDay{tc.Resource, tc.Action, timing.DateIn(tc.SentAt, cloc)}]++
		if tc.Channel == channel.Email {
			perMailbox[tc.Resource] = append(perMailbox[tc.Resource], tc.SentAt)
		}
		byEnrollment[tc.Enrollment] = append(byEnrollment[tc.Enrollment], tc)
	}
	t.Logf("touches by status %v; sent by channel %v; counters %+v", statuses, sentBy, e.svc.Counters())
	for _, k := range channel.Kinds() {
		if k == channel.Mail {
			continue // hot leads only, few of them; covered by the dispatch tests
		}
		require.Positive(t, sentBy[k], "something went out on %s", k)
	}

	// Caps per resource-day, from the sends themselves.
	caps := map[channel.Action]int{
		channel.ActionEmail: warmup.DefaultMax, channel.ActionCall: allocator.DefaultCallDaily, channel.ActionSMS: allocator.DefaultSMSDaily,
		channel.ActionConnectionRequest: allocator.DefaultConnectionDaily, channel.ActionLinkedInMessage: allocator.DefaultLinkedInMessageDaily,
	}
	weekly := map[outbound.ResourceID]map[timing.Date]int{}
	for k, n := range perDay {
		if c, ok := caps[k.action]; ok {
			require.LessOrEqual(t, n, c, "%s of %s on %s", k.action, k.res, k.day)
		}
		if k.action == channel.ActionConnectionRequest {
			if weekly[k.res] == nil {
				weekly[k.res] = map[timing.Date]int{}
			}
			weekly[k.res][k.day] = n
		}
	}
	for res, days := range weekly {
		for d := range days {
			sum := 0
			for i := range 7 {
				sum += days[d.AddDays(i)]
			}
			require.LessOrEqual(t, sum, allocator.DefaultConnectionWeekly, "connection requests of %s in the week from %s", res, d)
		}
	}
	// The bookings never pass a cap either (planned and sent).
	bs, err := e.store.ListBookings(ctx, outbound.ClientID{})
	require.NoError(t, err)
	for _, b := range bs {
		if c, ok := caps[b.Action]; ok {
			require.LessOrEqual(t, b.Count, c, "booking %+v", b)
		}
	}
	// Spacing between two sends of one mailbox.
	for mb, at := range perMailbox {
		slices.SortFunc(at, time.Time.Compare)
		for i := 1; i < len(at); i++ {
			require.GreaterOrEqual(t, at[i].Sub(at[i-1]), allocator.DefaultMailboxSpacing, "mailbox %s sent at %s and %s", mb, at[i-1], at[i])
		}
	}
	// Steps in order with their gaps, from the first send of each step.
	for eid, ts := range byEnrollment {
		en := enrollments[eid]
		loc := mustLoc(t, leads[en.Lead].Zone)
		first := map[int]time.Time{}
		for _, tc := range ts {
			if tc.Reason == outbound.ReasonCallRetry || tc.Action == channel.ActionLinkedInMessage {
				continue
			}
			if f, ok := first[tc.Step]; !ok || tc.SentAt.Before(f) {
				first[tc.Step] = tc.SentAt
			}
		}
		var last sequence.LastTouch
		for step := 1; step <= len(seq.Steps); step++ {
			at, ok := first[step]
			if !ok {
				continue
			}
			earliest, err := seq.Earliest(step, en.EnrolledOn, loc, last)
			require.NoError(t, err)
			require.False(t, at.Before(earliest), "enrollment %s step %d sent %s before its earliest %s (last %d at %s)",
				eid, step, local(at, loc), local(earliest, loc), last.Step, local(last.At, loc))
			last = sequence.LastTouch{Step: step, At: at}
		}
	}
	// Nothing after a reply (the enrollment, and its company in the
	// campaign), an opt-out, complaint or hard bounce on that channel.
	replies, stops, pauses := 0, 0, 0
	for _, ev := range events {
		switch ev.Type {
		case channel.EventReplied:
			if ev.Touch.IsZero() {
				continue
			}
			replies++
			tc := findTouch(touches, ev.Touch)
			lead := leads[tc.Lead]
			for _, o := range touches {
				if o.SentAt.IsZero() || o.SentAt.Before(ev.At) || o.Campaign != tc.Campaign {
					continue
				}
				ol := leads[o.Lead]
				require.False(t, o.Enrollment == tc.Enrollment, "touch %s sent %s after the reply at %s", o.ID, o.SentAt, ev.At)
				require.False(t, lead.CompanyDomain != "" && ol.CompanyDomain == lead.CompanyDomain,
					"touch %s to %s sent %s after a colleague replied at %s", o.ID, ol.Email, o.SentAt, ev.At)
			}
		case channel.EventOptedOut, channel.EventComplained, channel.EventBounced:
			if ev.Lead.IsZero() {
				continue
			}
			stops++
			k := ev.Kind
			if ev.Type == channel.EventComplained {
				k = channel.Email
			}
			for _, o := range touches {
				if o.Lead == ev.Lead && o.Channel == k && !o.SentAt.IsZero() && !o.SentAt.Before(ev.At) {
					t.Fatalf("touch %s on %s sent %s after %s at %s", o.ID, k, o.SentAt, ev.Type, ev.At)
				}
			}
		case channel.EventOutOfOffice:
			if ev.Touch.IsZero() || ev.ReturnAt.IsZero() {
				continue
			}
			pauses++
			tc := findTouch(touches, ev.Touch)
			for _, o := range touches {
				if o.Enrollment == tc.Enrollment && !o.SentAt.IsZero() && !o.SentAt.Before(ev.At) && o.SentAt.Before(ev.ReturnAt) {
					t.Fatalf("touch %s sent %s while out of office from %s to %s", o.ID, o.SentAt, ev.At, ev.ReturnAt)
				}
			}
		}
	}
	t.Logf("checked %d replies, %d opt-outs/complaints/bounces, %d out-of-office pauses", replies, stops, pauses)
	require.Positive(t, replies)
	require.Positive(t, stops)
	require.Positive(t, pauses)
}

func findTouch(ts []outbound.Touch, id outbound.TouchID) outbound.Touch {
	for _, t := range ts {
		if t.ID == id {
			return t
		}
	}
	return outbound.Touch{}
}
