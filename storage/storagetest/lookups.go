package storagetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// requireNextDue checks NextDue's answer: want, or nothing pending when
// pending is false.
func requireNextDue(t *testing.T, st storage.Store, want time.Time, pending bool, msg string) {
	t.Helper()
	got, ok, err := st.NextDue(t.Context())
	require.NoError(t, err, msg)
	require.Equal(t, pending, ok, "%s: something pending", msg)
	if pending {
		requireUTC(t, want, got)
	}
}

func (s suite) testNextDue(t *testing.T) {
	s.run(t, "Empty", func(t *testing.T, st storage.Store) {
		requireNextDue(t, st, time.Time{}, false, "an empty store")
	})
	s.run(t, "Rules", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		final := func(status outbound.TouchStatus) func(*outbound.Touch) {
			return func(t *outbound.Touch) { t.Status, t.LeasedBy, t.LeaseUntil = status, "w0", at(130) }
		}
		tests := []struct {
			name    string
			edit    func(t *outbound.Touch) // on a touch scheduled at minute 100
			want    time.Time
			pending bool
		}{
			{"scheduled", func(*outbound.Touch) {}, at(100), true},
			{"scheduled, leased past its instant", func(t *outbound.Touch) { t.LeasedBy, t.LeaseUntil = "w0", at(130) }, at(130), true},
			{"scheduled, lease ended before its instant", func(t *outbound.Touch) { t.LeasedBy, t.LeaseUntil = "w0", at(40) }, at(100), true},
			{"scheduled, lease ends at its instant", func(t *outbound.Touch) { t.LeasedBy, t.LeaseUntil = "w0", at(100) }, at(100), true},
			{"scheduled, lease time but no holder", func(t *outbound.Touch) { t.LeaseUntil = at(130) }, at(100), true},
			{"sending, leased", func(t *outbound.Touch) {
				t.Status, t.LeasedBy, t.LeaseUntil = outbound.TouchSending, "w0", at(130)
			}, at(130), true},
			{"sending, lease ended before its instant", func(t *outbound.Touch) {
				t.Status, t.LeasedBy, t.LeaseUntil = outbound.TouchSending, "w0", at(40)
			}, at(40), true},
			{"sending, no holder: due at any instant", func(t *outbound.Touch) {
				t.Status, t.LeaseUntil = outbound.TouchSending, at(130)
			}, time.Time{}, true},
			{"sent", final(outbound.TouchSent), time.Time{}, false},
			{"delivered", final(outbound.TouchDelivered), time.Time{}, false},
			{"failed", final(outbound.TouchFailed), time.Time{}, false},
			{"skipped", final(outbound.TouchSkipped), time.Time{}, false},
			{"cancelled", final(outbound.TouchCancelled), time.Time{}, false},
			{"uncertain", final(outbound.TouchUncertain), time.Time{}, false},
		}
		for i, tt := range tests {
			tc := makeTouch(i)
			tc.ScheduledAt = at(100)
			tt.edit(&tc)
			require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{tc}), tt.name)
			requireNextDue(t, st, tt.want, tt.pending, tt.name)

			// The claim rule agrees: nothing a second before, the touch at
			// the instant (and, for a final touch, never).
			if !tt.want.IsZero() {
				c, err := st.ClaimTouches(ctx, storage.Claim{Now: tt.want.Add(-time.Second), Worker: "w1", LeaseUntil: at(500), Limit: 10})
				require.NoError(t, err, tt.name)
				require.Empty(t, c, "%s: a claim before NextDue hands out nothing", tt.name)
			}
			now := tt.want
			if !tt.pending {
				now = at(10_000)
			}
			c, err := st.ClaimTouches(ctx, storage.Claim{Now: now, Worker: "w1", LeaseUntil: at(20_000), Limit: 10})
			require.NoError(t, err, tt.name)
			if tt.pending {
				require.Equal(t, []outbound.TouchID{tc.ID}, touchIDs(c), "%s: a claim at NextDue hands the touch out", tt.name)
			} else {
				require.Empty(t, c, tt.name)
			}

			// Once final, the touch is pending no more.
			tc.Status, tc.LeasedBy, tc.LeaseUntil = outbound.TouchCancelled, "", time.Time{}
			require.NoError(t, st.UpdateTouch(ctx, &tc, ""), tt.name)
			requireNextDue(t, st, time.Time{}, false, tt.name+", then cancelled")
		}
	})
	s.run(t, "EarliestOfMany", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		ts := []outbound.Touch{makeTouch(0), makeTouch(1), makeTouch(2), makeTouch(3), makeTouch(4)}
		ts[0].ScheduledAt = at(10)
		ts[1].ScheduledAt = at(20)
		ts[2].ScheduledAt = at(25)
		ts[3].ScheduledAt, ts[3].Status = at(5), outbound.TouchSent
		ts[4].ScheduledAt, ts[4].Status, ts[4].LeasedBy, ts[4].LeaseUntil = at(0), outbound.TouchSending, "gone", at(50)
		require.NoError(t, st.InsertTouches(ctx, ts))
		requireNextDue(t, st, at(10), true, "the earliest scheduled touch; a sent one never counts")

		claim := func(now, until, limit int) []outbound.TouchID {
			t.Helper()
			c, err := st.ClaimTouches(ctx, storage.Claim{Now: at(now), Worker: "w", LeaseUntil: at(until), Limit: limit})
			require.NoError(t, err)
			return touchIDs(c)
		}
		// A claim at minute 40 finds three touches due and takes one: the
		// two left over are due still, the earliest from minute 20.
		require.Equal(t, []outbound.TouchID{touchID(0)}, claim(40, 100, 1))
		requireNextDue(t, st, at(20), true, "touches left over by a claim with a limit")
		require.Equal(t, []outbound.TouchID{touchID(1)}, claim(40, 100, 1))
		requireNextDue(t, st, at(25), true, "the next left over")
		cancel := ts[2]
		cancel.Status = outbound.TouchCancelled
		require.NoError(t, st.UpdateTouch(ctx, &cancel, ""))
		requireNextDue(t, st, at(50), true, "the sending touch's lease end")
		require.Empty(t, claim(49, 60, 5))
		require.Equal(t, []outbound.TouchID{touchID(4)}, claim(50, 120, 5), "the sending touch is taken over")
		requireNextDue(t, st, at(100), true, "the leases of the claimed scheduled touches")

		// An update that reschedules moves the answer back.
		again := ts[3]
		again.Status, again.ScheduledAt = outbound.TouchScheduled, at(60)
		require.NoError(t, st.UpdateTouch(ctx, &again, ""))
		requireNextDue(t, st, at(60), true, "a touch put back on the schedule")
	})
	s.run(t, "InUTC", func(t *testing.T, st storage.Store) {
		tc := makeTouch(0)
		tc.ScheduledAt = at(10).In(sydney)
		require.NoError(t, st.InsertTouches(t.Context(), []outbound.Touch{tc}))
		requireNextDue(t, st, at(10), true, "an instant given in another zone")
	})
}

func (s suite) testProviderRef(t *testing.T) {
	s.run(t, "Find", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		ts := []outbound.Touch{makeTouch(1), makeTouch(2), makeTouch(3), makeTouch(4)}
		ts[0].ProviderRef, ts[0].Status, ts[0].SentAt = "<msg-1@mail.example>", outbound.TouchSent, at(1)
		ts[1].ProviderRef, ts[1].Status, ts[1].SentAt = "CA0001", outbound.TouchSent, at(2)
		ts[1].Client = clientID(2) // any client's touch: an event names no client
		require.NoError(t, st.InsertTouches(ctx, ts))

		for _, want := range ts[:2] {
			got, err := st.FindTouchByProviderRef(ctx, touchProvider, want.ProviderRef)
			require.NoError(t, err, want.ProviderRef)
			require.Equal(t, want, *got)
		}
		for _, ref := range []string{"", "<MSG-1@mail.example>", "ca0001", "CA000", "CA00011", "msg-1@mail.example"} {
			_, err := st.FindTouchByProviderRef(ctx, touchProvider, ref)
			requireNotFoundMsg(t, err, fmt.Sprintf("ref %q: references compare exactly, and an empty one matches nothing", ref))
		}

		// A send records its reference with an update; a change moves it.
		sent := ts[2]
		sent.Status, sent.SentAt, sent.ProviderRef = outbound.TouchSent, at(3), "SM0003"
		require.NoError(t, st.UpdateTouch(ctx, &sent, ""))
		got, err := st.FindTouchByProviderRef(ctx, touchProvider, "SM0003")
		require.NoError(t, err)
		require.Equal(t, sent, *got)
		moved := ts[0]
		moved.ProviderRef = "<msg-1b@mail.example>"
		require.NoError(t, st.UpdateTouch(ctx, &moved, ""))
		_, err = st.FindTouchByProviderRef(ctx, touchProvider, ts[0].ProviderRef)
		requireNotFoundMsg(t, err, "the old reference is gone")
		got, err = st.FindTouchByProviderRef(ctx, touchProvider, moved.ProviderRef)
		require.NoError(t, err)
		require.Equal(t, moved, *got)

		// What comes back is a copy.
		got.Status = outbound.TouchCancelled
		again, err := st.FindTouchByProviderRef(ctx, touchProvider, moved.ProviderRef)
		require.NoError(t, err)
		require.Equal(t, moved, *again)
	})
	s.run(t, "SameRefTwoProviders", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		email, sms := makeTouch(1), makeTouch(2)
		email.Status, email.SentAt, email.ProviderRef = outbound.TouchSent, at(1), "42"
		sms.Provider, sms.Channel, sms.StepChannel, sms.Action = "twilio", channel.SMS, channel.SMS, channel.ActionSMS
		sms.Status, sms.SentAt, sms.ProviderRef = outbound.TouchSent, at(2), "42"
		require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{email, sms}))
		for _, want := range []outbound.Touch{email, sms} {
			got, err := st.FindTouchByProviderRef(ctx, want.Provider, "42")
			require.NoError(t, err, want.Provider)
			require.Equal(t, want, *got, "each provider's own message")
		}
		for _, k := range [][2]string{{"", "42"}, {"vapi", "42"}, {"Twilio", "42"}, {"twilio", ""}} {
			_, err := st.FindTouchByProviderRef(ctx, k[0], k[1])
			requireNotFoundMsg(t, err, "provider %q, ref %q", k[0], k[1])
		}

		// A touch that moves to another provider (a fallback) moves in
		// the lookup too.
		moved := sms
		moved.Provider = "vapi"
		require.NoError(t, st.UpdateTouch(ctx, &moved, ""))
		_, err := st.FindTouchByProviderRef(ctx, "twilio", "42")
		requireNotFoundMsg(t, err, "the old provider's reference is gone")
		got, err := st.FindTouchByProviderRef(ctx, "vapi", "42")
		require.NoError(t, err)
		require.Equal(t, moved, *got)
		got, err = st.FindTouchByProviderRef(ctx, touchProvider, "42")
		require.NoError(t, err)
		require.Equal(t, email, *got)
	})
	s.run(t, "SharedRefFirstByID", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		var ts []outbound.Touch
		for n := range 6 {
			tc := makeTouch(10 + n)
			tc.Client = clientID(n % 2)
			tc.Status, tc.SentAt, tc.ProviderRef = outbound.TouchSent, at(n), "shared"
			ts = append(ts, tc)
		}
		require.NoError(t, st.InsertTouches(ctx, ts[:3]))
		require.NoError(t, st.InsertTouches(ctx, ts[3:]))
		first := slices.MinFunc(ts, func(a, b outbound.Touch) int { return cmpUUID(a.ID.UUID, b.ID.UUID) })
		got, err := st.FindTouchByProviderRef(ctx, touchProvider, "shared")
		require.NoError(t, err)
		require.Equal(t, first, *got, "the first by ID bytes, not the first stored or sent")

		// Once it no longer has the reference, the next by ID is found.
		first.ProviderRef = "own"
		require.NoError(t, st.UpdateTouch(ctx, &first, ""))
		var rest []outbound.Touch
		for _, tc := range ts {
			if tc.ID != first.ID {
				rest = append(rest, tc)
			}
		}
		second := slices.MinFunc(rest, func(a, b outbound.Touch) int { return cmpUUID(a.ID.UUID, b.ID.UUID) })
		got, err = st.FindTouchByProviderRef(ctx, touchProvider, "shared")
		require.NoError(t, err)
		require.Equal(t, second, *got)

		// The others leave it one by one, in the order they were stored.
		for len(rest) > 0 {
			gone := rest[0]
			gone.ProviderRef = ""
			require.NoError(t, st.UpdateTouch(ctx, &gone, ""))
			rest = rest[1:]
			got, err = st.FindTouchByProviderRef(ctx, touchProvider, "shared")
			if len(rest) == 0 {
				requireNotFoundMsg(t, err, "no touch has the reference any more")
				break
			}
			require.NoError(t, err)
			require.Equal(t, slices.MinFunc(rest, func(a, b outbound.Touch) int { return cmpUUID(a.ID.UUID, b.ID.UUID) }), *got)
		}
		got, err = st.FindTouchByProviderRef(ctx, touchProvider, "own")
		require.NoError(t, err)
		require.Equal(t, first, *got)
	})
}

// filterTouches is the touch set of the filter tests: two clients, four
// resources, every action, sent and unsent touches, with sends on the
// window's boundaries.
func filterTouches() []outbound.Touch {
	actions := []struct {
		kind   channel.Kind
		action channel.Action
	}{
		{channel.Email, channel.ActionEmail}, {channel.Voice, channel.ActionCall}, {channel.SMS, channel.ActionSMS},
		{channel.LinkedIn, channel.ActionConnectionRequest}, {channel.LinkedIn, channel.ActionLinkedInMessage}, {channel.Mail, channel.ActionLetter},
	}
	statuses := []outbound.TouchStatus{
		outbound.TouchSent, outbound.TouchDelivered, outbound.TouchFailed, outbound.TouchScheduled,
		outbound.TouchSent, outbound.TouchSkipped, outbound.TouchUncertain, outbound.TouchCancelled, outbound.TouchSending,
	}
	var ts []outbound.Touch
	for n := range 72 {
		tc := makeTouch(n)
		tc.Client = clientID(n % 2)
		tc.Resource = resourceID(n % 4)
		a := actions[n%len(actions)]
		tc.Channel, tc.StepChannel, tc.Action = a.kind, a.kind, a.action
		tc.Status = statuses[n%len(statuses)]
		tc.ScheduledAt = at(n % 13)
		switch tc.Status {
		case outbound.TouchSent, outbound.TouchDelivered, outbound.TouchFailed, outbound.TouchUncertain:
			tc.SentAt = at(100 + n%17) // minutes 100 to 116, many ties
		case outbound.TouchSkipped:
			tc.Channel, tc.Action, tc.Resource = "", "", outbound.ResourceID{}
		}
		ts = append(ts, tc)
	}
	return ts
}

func (s suite) testTouchFilters(t *testing.T) {
	s.run(t, "ResourcesActionsStatusesSentWindow", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		all := filterTouches()
		require.NoError(t, st.InsertTouches(ctx, all[:40]))
		require.NoError(t, st.InsertTouches(ctx, all[40:]))
		res := func(ns ...int) []outbound.ResourceID {
			out := make([]outbound.ResourceID, len(ns))
			for i, n := range ns {
				out[i] = resourceID(n)
			}
			return out
		}
		in := func(t *outbound.Touch, from, until time.Time) bool {
			return !t.SentAt.IsZero() && !t.SentAt.Before(from) && (until.IsZero() || t.SentAt.Before(until))
		}
		isOneOf := func(id outbound.ResourceID, ids ...outbound.ResourceID) bool { return slices.Contains(ids, id) }
		tests := []struct {
			name string
			f    storage.TouchFilter
			keep func(*outbound.Touch) bool
		}{
			{"one resource", storage.TouchFilter{Resources: res(1)}, func(t *outbound.Touch) bool { return t.Resource == resourceID(1) }},
			{"two resources", storage.TouchFilter{Resources: res(1, 3)}, func(t *outbound.Touch) bool { return isOneOf(t.Resource, res(1, 3)...) }},
			{"a resource named twice counts once", storage.TouchFilter{Resources: res(2, 2, 0)}, func(t *outbound.Touch) bool { return isOneOf(t.Resource, res(0, 2)...) }},
			{"an unknown resource", storage.TouchFilter{Resources: res(9)}, func(*outbound.Touch) bool { return false }},
			{"an empty resource list matches all", storage.TouchFilter{Resources: []outbound.ResourceID{}}, func(*outbound.Touch) bool { return true }},
			{"window", storage.TouchFilter{SentFrom: at(103), SentUntil: at(110)}, func(t *outbound.Touch) bool { return in(t, at(103), at(110)) }},
			{"window of one minute: from is in, until is out", storage.TouchFilter{SentFrom: at(105), SentUntil: at(106)}, func(t *outbound.Touch) bool {
				return t.SentAt.Equal(at(105))
			}},
			{"window a second wide at a send", storage.TouchFilter{SentFrom: at(105).Add(-time.Second), SentUntil: at(105).Add(time.Second)}, func(t *outbound.Touch) bool {
				return t.SentAt.Equal(at(105))
			}},
			{"empty window", storage.TouchFilter{SentFrom: at(105), SentUntil: at(105)}, func(*outbound.Touch) bool { return false }},
			{"inverted window", storage.TouchFilter{SentFrom: at(110), SentUntil: at(105)}, func(*outbound.Touch) bool { return false }},
			{"window in another zone", storage.TouchFilter{SentFrom: at(103).In(sydney), SentUntil: at(110).In(sydney)}, func(t *outbound.Touch) bool {
				return in(t, at(103), at(110))
			}},
			{"from only", storage.TouchFilter{SentFrom: at(112)}, func(t *outbound.Touch) bool { return in(t, at(112), time.Time{}) }},
			{"until only: never-sent touches stay out", storage.TouchFilter{SentUntil: at(104)}, func(t *outbound.Touch) bool {
				return in(t, time.Time{}, at(104))
			}},
			{"until far ahead: every sent touch", storage.TouchFilter{SentUntil: at(100_000)}, func(t *outbound.Touch) bool { return !t.SentAt.IsZero() }},
			{"resources and window", storage.TouchFilter{Resources: res(0, 3), SentFrom: at(101), SentUntil: at(115)}, func(t *outbound.Touch) bool {
				return isOneOf(t.Resource, res(0, 3)...) && in(t, at(101), at(115))
			}},
			{"client, resources and window: another client's sends from the same resources stay out", storage.TouchFilter{
				Client: clientID(1), Resources: res(1, 3), SentFrom: at(100), SentUntil: at(117),
			}, func(t *outbound.Touch) bool {
				return t.Client == clientID(1) && isOneOf(t.Resource, res(1, 3)...) && in(t, at(100), at(117))
			}},
			{"action", storage.TouchFilter{Action: channel.ActionConnectionRequest}, func(t *outbound.Touch) bool {
				return t.Action == channel.ActionConnectionRequest
			}},
			{"statuses", storage.TouchFilter{Statuses: []outbound.TouchStatus{outbound.TouchSent, outbound.TouchDelivered}}, func(t *outbound.Touch) bool {
				return t.Status == outbound.TouchSent || t.Status == outbound.TouchDelivered
			}},
			{"status and statuses must both hold", storage.TouchFilter{Status: outbound.TouchSent, Statuses: []outbound.TouchStatus{outbound.TouchSent, outbound.TouchFailed}}, func(t *outbound.Touch) bool {
				return t.Status == outbound.TouchSent
			}},
			{"status outside statuses", storage.TouchFilter{Status: outbound.TouchSent, Statuses: []outbound.TouchStatus{outbound.TouchFailed}}, func(*outbound.Touch) bool {
				return false
			}},
			{"withdrawal: sent connection requests before a cutoff", storage.TouchFilter{
				Status: outbound.TouchSent, Action: channel.ActionConnectionRequest, SentUntil: at(110),
			}, func(t *outbound.Touch) bool {
				return t.Status == outbound.TouchSent && t.Action == channel.ActionConnectionRequest && in(t, time.Time{}, at(110))
			}},
			{"health: a client's email sends in a window", storage.TouchFilter{
				Client: clientID(0), Action: channel.ActionEmail, Statuses: []outbound.TouchStatus{outbound.TouchSent, outbound.TouchDelivered, outbound.TouchFailed},
				SentFrom: at(100), SentUntil: at(113),
			}, func(t *outbound.Touch) bool {
				return t.Client == clientID(0) && t.Action == channel.ActionEmail && in(t, at(100), at(113)) &&
					(t.Status == outbound.TouchSent || t.Status == outbound.TouchDelivered || t.Status == outbound.TouchFailed)
			}},
			{"lead and window", storage.TouchFilter{Lead: leadID(3), SentFrom: at(100)}, func(t *outbound.Touch) bool {
				return t.Lead == leadID(3) && in(t, at(100), time.Time{})
			}},
		}
		check := func(stage string) {
			t.Helper()
			for _, tt := range tests {
				var want []outbound.Touch
				for _, tc := range all {
					if tt.keep(&tc) {
						want = append(want, tc)
					}
				}
				got, err := st.ListTouches(ctx, tt.f)
				require.NoError(t, err, tt.name)
				if len(want) == 0 {
					require.Empty(t, got, "%s: %s", stage, tt.name)
					continue
				}
				require.Equal(t, touchOrder(want), got, "%s: %s", stage, tt.name)
			}
		}
		check("as inserted")

		// Updates that send a touch, move a send in time, to another
		// resource or action, or out of sent, move it in every listing.
		all[3].Status, all[3].SentAt = outbound.TouchSent, at(105)          // the scheduled touch goes out
		all[0].SentAt = at(111)                                             // a send moves
		all[1].Resource = resourceID(3)                                     // to another resource
		all[2].Action, all[2].Channel = channel.ActionLetter, channel.Mail  // to another action
		all[4].Status, all[4].SentAt = outbound.TouchScheduled, time.Time{} // back on the schedule
		all[9].Client = clientID(0)
		all[10].SentAt = at(105).In(sydney)
		for _, i := range []int{0, 1, 2, 3, 4, 9, 10} {
			require.NoError(t, st.UpdateTouch(ctx, &all[i], ""))
		}
		all[10].SentAt = at(105)
		check("after updates")
	})
	s.run(t, "ManySendsAnyOrder", func(t *testing.T, st storage.Store) {
		// Enough sends, stored out of time order and then moved, to need
		// whatever index a store keeps to grow and shrink.
		ctx := t.Context()
		const n = 3000
		all := make([]outbound.Touch, n)
		for i := range all {
			all[i] = makeTouch(i)
			all[i].Resource = resourceID(i % 3)
			all[i].Status = outbound.TouchSent
			all[i].SentAt = at((i * 7919) % 2000)
		}
		for b := 0; b < n; b += 500 {
			require.NoError(t, st.InsertTouches(ctx, all[b:b+500]))
		}
		for i := 0; i < n; i += 3 {
			all[i].SentAt = at((i * 104729) % 2500)
			require.NoError(t, st.UpdateTouch(ctx, &all[i], ""))
		}
		for _, w := range [][2]int{{0, 2500}, {500, 501}, {1000, 1700}, {1999, 2001}, {2400, 0}} {
			from, until := at(w[0]), time.Time{}
			if w[1] != 0 {
				until = at(w[1])
			}
			var want []outbound.Touch
			for _, tc := range all {
				if tc.Resource != resourceID(2) && !tc.SentAt.Before(from) && (until.IsZero() || tc.SentAt.Before(until)) {
					want = append(want, tc)
				}
			}
			got, err := st.ListTouches(ctx, storage.TouchFilter{Resources: []outbound.ResourceID{resourceID(0), resourceID(1)}, SentFrom: from, SentUntil: until})
			require.NoError(t, err)
			require.Equal(t, touchIDs(touchOrder(want)), touchIDs(got), "window %v", w)
		}
	})
	s.testTouchEnrollments(t)
}

func (s suite) testLeadsByCompany(t *testing.T) {
	s.run(t, "CaseTenancyOrder", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		domains := []struct {
			client int
			domain string
		}{
			{1, "acme.com"}, {1, "Acme.COM"}, {1, "other.com"}, {1, ""}, {1, "acme.com.au"},
			{2, "acme.com"}, {1, "ACME.COM"}, {1, "acme.com"}, {1, "bücher.de"}, {1, "BÜCHER.DE"},
			{3, "ACME.com"}, {1, "acme.co"},
		}
		var leads []outbound.Lead
		for i, d := range domains {
			l := makeLead(i)
			l.Client, l.CompanyDomain = clientID(d.client), d.domain
			require.NoError(t, st.CreateLead(ctx, &l))
			leads = append(leads, l)
		}
		pick := func(ns ...int) []outbound.Lead {
			out := make([]outbound.Lead, len(ns))
			for i, n := range ns {
				out[i] = leads[n]
			}
			return sortByID(out, func(l *outbound.Lead) uuid.UUID { return l.ID.UUID })
		}
		tests := []struct {
			name   string
			client outbound.ClientID
			domain string
			want   []outbound.Lead
		}{
			{"a client's company in any ASCII case", clientID(1), "ACME.com", pick(0, 1, 6, 7)},
			{"lower case", clientID(1), "acme.com", pick(0, 1, 6, 7)},
			{"another client's lead of the same company", clientID(2), "acme.com", pick(5)},
			{"every client's with a zero client", outbound.ClientID{}, "Acme.Com", pick(0, 1, 5, 6, 7, 10)},
			{"whole domains only, no prefix", clientID(1), "acme", nil},
			{"no suffix either", clientID(1), "acme.com.a", nil},
			{"a longer domain is another", clientID(1), "acme.com.au", pick(4)},
			{"an empty domain matches no lead", clientID(1), "", nil},
			{"an unknown client", clientID(9), "acme.com", nil},
			{"non-ASCII letters compare exactly", clientID(1), "bücher.DE", pick(8)},
			{"upper-case non-ASCII", clientID(1), "BÜCHER.de", pick(9)},
		}
		check := func(stage string) {
			t.Helper()
			for _, tt := range tests {
				got, err := st.ListLeadsByCompany(ctx, tt.client, tt.domain)
				require.NoError(t, err, tt.name)
				if len(tt.want) == 0 {
					require.Empty(t, got, "%s: %s", stage, tt.name)
					continue
				}
				require.Equal(t, tt.want, got, "%s: %s", stage, tt.name)
			}
		}
		check("as created")

		// An update that changes the domain (or the case only), or the
		// client, moves the lead; one that changes neither keeps it.
		leads[0].CompanyDomain = "other.com"
		leads[1].CompanyDomain = "acme.com"
		leads[5].Client = clientID(1)
		leads[7].Score = 12
		for _, i := range []int{0, 1, 5, 7} {
			require.NoError(t, st.UpdateLead(ctx, &leads[i]))
		}
		tests[0].want, tests[1].want = pick(1, 5, 6, 7), pick(1, 5, 6, 7)
		tests[2].want = nil
		tests[3].want = pick(1, 5, 6, 7, 10)
		tests = append(tests, struct {
			name   string
			client outbound.ClientID
			domain string
			want   []outbound.Lead
		}{"moved to another domain", clientID(1), "OTHER.com", pick(0, 2)})
		check("after updates")
	})
}

// testLookupContext checks that the lookups fail with a done context.
func (s suite) testLookupContext(t *testing.T) {
	s.run(t, "Cancelled", func(t *testing.T, st storage.Store) {
		dead, cancel := context.WithCancel(t.Context())
		cancel()
		_, _, err := st.NextDue(dead)
		require.ErrorIs(t, err, context.Canceled)
		_, err = st.FindTouchByProviderRef(dead, touchProvider, "ref")
		require.ErrorIs(t, err, context.Canceled)
		_, err = st.ListLeadsByCompany(dead, clientID(1), "acme.com")
		require.ErrorIs(t, err, context.Canceled)
		_, err = st.ListTouches(dead, storage.TouchFilter{SentUntil: at(1)})
		require.ErrorIs(t, err, context.Canceled)
	})
}
