package storagetest

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

func makeLead(n int) outbound.Lead {
	return outbound.Lead{
		ID:            leadID(n),
		Client:        clientID(1),
		ExternalID:    fmt.Sprintf("ext-%d", n),
		Email:         fmt.Sprintf("lead%d@example.com", n),
		Phone:         fmt.Sprintf("+6140000%04d", n),
		FirstName:     "Ann",
		LastName:      fmt.Sprintf("Lead%d", n),
		Company:       "Example Pty Ltd",
		CompanyDomain: "example.com",
		Country:       "AU",
		Region:        "NSW",
		Zone:          "Australia/Sydney",
		ZoneSource:    "region",
		Title:         "Head of Growth",
		Industry:      "software",
		Employees:     120,
		Score:         70,
		ScoreSignals: []outbound.ScoreSignal{
			{Signal: "seniority", Value: "vp", Points: 25}, {Signal: "company_size", Value: "51-200", Points: 20},
			{Signal: "engagement", Value: "opened", Points: 2},
		},
		Engaged:      []outbound.Engagement{outbound.EngagedOpened},
		Tier:         outbound.TierWarm,
		DNCR:         outbound.DNCRClear,
		DNCRWashedAt: at(-60),
		CreatedAt:    at(-120),
	}
}

// requireDuplicate checks err is a *storage.DuplicateError naming field,
// value and the existing lead, and that errors.Is(err, ErrConflict) holds.
func requireDuplicate(t *testing.T, err error, field, value string, existing outbound.LeadID) {
	t.Helper()
	requireConflict(t, err)
	var de *storage.DuplicateError
	require.ErrorAs(t, err, &de)
	require.Equal(t, field, de.Field)
	require.Equal(t, value, de.Value)
	require.Equal(t, existing, de.Existing)
}

func (s suite) testLeads(t *testing.T) {
	testCRUD(t, s, crud[outbound.Lead, outbound.LeadID]{
		make: makeLead,
		id:   func(l *outbound.Lead) outbound.LeadID { return l.ID },
		change: func(l *outbound.Lead) {
			l.Score, l.Tier, l.DNCR = 95, outbound.TierHot, outbound.DNCRRegistered
			l.ScoreSignals = append(l.ScoreSignals, outbound.ScoreSignal{Signal: "engagement", Value: "replied", Points: 10})
			l.Engage(outbound.EngagedReplied)
			l.Industry, l.Employees = "legal", 0
		},
		mutate: func(l *outbound.Lead) {
			l.FirstName, l.CreatedAt = "scribbled", at(1)
			l.ScoreSignals[0].Points = -7
			l.Engaged[0] = outbound.EngagedMeeting
		},
		zeroID: func(l *outbound.Lead) { l.ID = outbound.LeadID{} },
		create: func(ctx context.Context, st storage.Store, l *outbound.Lead) error { return st.CreateLead(ctx, l) },
		get: func(ctx context.Context, st storage.Store, id outbound.LeadID) (*outbound.Lead, error) {
			return st.GetLead(ctx, id)
		},
		update: func(ctx context.Context, st storage.Store, l *outbound.Lead) error { return st.UpdateLead(ctx, l) },
	})
	s.run(t, "ClientRequired", func(t *testing.T, st storage.Store) {
		l := makeLead(1)
		l.Client = outbound.ClientID{}
		requireInvalid(t, st.CreateLead(t.Context(), &l), "client")
	})
	s.run(t, "UniqueWithinClient", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		first := makeLead(1)
		require.NoError(t, st.CreateLead(ctx, &first))
		tests := []struct {
			name         string
			edit         func(l *outbound.Lead)
			field, value string // "" when it must be stored
		}{
			{"same email", func(l *outbound.Lead) { l.Email = "lead1@example.com" }, "email", "lead1@example.com"},
			{"email in other case", func(l *outbound.Lead) { l.Email = "Lead1@EXAMPLE.com" }, "email", "Lead1@EXAMPLE.com"},
			{"same phone", func(l *outbound.Lead) { l.Phone = first.Phone }, "phone", first.Phone},
			{"same email and phone names the email", func(l *outbound.Lead) { l.Email, l.Phone = first.Email, first.Phone }, "email", first.Email},
			{"other client, same email and phone", func(l *outbound.Lead) {
				l.Client, l.Email, l.Phone = clientID(2), first.Email, first.Phone
			}, "", ""},
		}
		for i, tt := range tests {
			l := makeLead(100 + i)
			tt.edit(&l)
			err := st.CreateLead(ctx, &l)
			if tt.field == "" {
				require.NoError(t, err, tt.name)
				continue
			}
			requireDuplicate(t, err, tt.field, tt.value, first.ID)
			_, err = st.GetLead(ctx, l.ID)
			requireNotFoundMsg(t, err, tt.name+": a rejected lead is not stored")
			// The rejected lead's other value stays free.
			free := makeLead(200 + i)
			switch {
			case tt.field == "email" && l.Phone != first.Phone:
				free.Phone = l.Phone
			case tt.field == "phone":
				free.Email = l.Email
			}
			require.NoError(t, st.CreateLead(ctx, &free), tt.name)
		}
	})
	s.run(t, "EmptyValuesNeverCollide", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		for n := range 3 {
			l := makeLead(n)
			l.Email, l.Phone, l.LinkedIn = "", "", fmt.Sprintf("https://www.linkedin.com/in/lead%d", n)
			require.NoError(t, st.CreateLead(ctx, &l))
		}
		l := makeLead(10)
		l.Phone = ""
		require.NoError(t, st.CreateLead(ctx, &l))
		l = makeLead(11)
		l.Email = ""
		require.NoError(t, st.CreateLead(ctx, &l))
		got, err := st.ListLeads(ctx, clientID(1))
		require.NoError(t, err)
		require.Len(t, got, 5)
	})
	s.run(t, "UpdateKeepsUniqueness", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b := makeLead(1), makeLead(2)
		require.NoError(t, st.CreateLead(ctx, &a))
		require.NoError(t, st.CreateLead(ctx, &b))

		// Keeping its own email and phone is no conflict, in any case.
		a.Email, a.Score = "LEAD1@example.com", 10
		require.NoError(t, st.UpdateLead(ctx, &a))

		// Taking another lead's email or phone is.
		taken := b
		taken.Email = "Lead1@Example.COM"
		requireDuplicate(t, st.UpdateLead(ctx, &taken), "email", "Lead1@Example.COM", a.ID)
		taken = b
		taken.Phone = a.Phone
		requireDuplicate(t, st.UpdateLead(ctx, &taken), "phone", a.Phone, a.ID)
		got, err := st.GetLead(ctx, b.ID)
		require.NoError(t, err)
		require.Equal(t, b, *got, "a rejected update changes nothing")

		// Moving away frees the old values.
		oldEmail, oldPhone := a.Email, a.Phone
		a.Email, a.Phone = "moved@example.com", "+61499999999"
		require.NoError(t, st.UpdateLead(ctx, &a))
		c := makeLead(3)
		c.Email, c.Phone = oldEmail, oldPhone
		require.NoError(t, st.CreateLead(ctx, &c))
		found, err := st.FindLead(ctx, clientID(1), "lead1@example.com", "")
		require.NoError(t, err)
		require.Equal(t, c.ID, found.ID)
		found, err = st.FindLead(ctx, clientID(1), "MOVED@example.com", "")
		require.NoError(t, err)
		require.Equal(t, a.ID, found.ID)
	})
	s.run(t, "FindLead", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b := makeLead(1), makeLead(2)
		b.Email = ""
		other := makeLead(3)
		other.Client = clientID(2)
		for _, l := range []*outbound.Lead{&a, &b, &other} {
			require.NoError(t, st.CreateLead(ctx, l))
		}
		tests := []struct {
			name         string
			client       outbound.ClientID
			email, phone string
			want         outbound.LeadID // zero: ErrNotFound
		}{
			{"by email", clientID(1), "lead1@example.com", "", a.ID},
			{"by email in other case", clientID(1), "LEAD1@Example.Com", "", a.ID},
			{"by phone", clientID(1), "", b.Phone, b.ID},
			{"email wins over phone", clientID(1), a.Email, b.Phone, a.ID},
			{"unknown email, known phone", clientID(1), "nobody@example.com", b.Phone, b.ID},
			{"other client's email", clientID(1), other.Email, "", outbound.LeadID{}},
			{"other client's own", clientID(2), other.Email, "", other.ID},
			{"a lead of another client by phone", clientID(2), a.Phone, "", outbound.LeadID{}},
			{"nothing given", clientID(1), "", "", outbound.LeadID{}},
			{"phone not normalised", clientID(1), "", "+61 4000 00002", outbound.LeadID{}},
		}
		for _, tt := range tests {
			got, err := st.FindLead(ctx, tt.client, tt.email, tt.phone)
			if tt.want.IsZero() {
				requireNotFoundMsg(t, err, tt.name)
				continue
			}
			require.NoError(t, err, tt.name)
			require.Equal(t, tt.want, got.ID, tt.name)
		}
	})
	s.run(t, "ListByClient", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		var all []outbound.Lead
		for n := range 20 {
			l := makeLead(n)
			l.Client = clientID(n % 2)
			require.NoError(t, st.CreateLead(ctx, &l))
			all = append(all, l)
		}
		byID := func(l *outbound.Lead) uuid.UUID { return l.ID.UUID }
		got, err := st.ListLeads(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Equal(t, sortByID(all, byID), got)
		var odd []outbound.Lead
		for _, l := range all {
			if l.Client == clientID(1) {
				odd = append(odd, l)
			}
		}
		got, err = st.ListLeads(ctx, clientID(1))
		require.NoError(t, err)
		require.Equal(t, sortByID(odd, byID), got)
	})
	s.run(t, "ConcurrentCreateSameEmail", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const n = 32
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				l := makeLead(i)
				l.Email = "shared@example.com"
				if i%2 == 1 {
					l.Email = "SHARED@example.com"
				}
				errs[i] = st.CreateLead(ctx, &l)
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "two leads got the same email")
				winner = i
			}
		}
		require.NotEqual(t, -1, winner, "no lead was stored")
		for i, err := range errs {
			if i != winner {
				var de *storage.DuplicateError
				require.ErrorAs(t, err, &de)
				require.Equal(t, "email", de.Field)
				require.Equal(t, leadID(winner), de.Existing)
			}
		}
		got, err := st.ListLeads(ctx, clientID(1))
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, leadID(winner), got[0].ID)
	})
}

func makeEnrollment(n int) outbound.Enrollment {
	return outbound.Enrollment{
		ID:         enrollmentID(n),
		Client:     clientID(1),
		Campaign:   campaignID(1),
		Lead:       leadID(n),
		EnrolledOn: timing.DateOf(t0),
		NextStep:   1,
		State:      outbound.EnrollmentActive,
		Sticky: map[outbound.ResourceKind]outbound.ResourceID{
			outbound.KindMailbox: resourceID(n),
			outbound.KindPhone:   resourceID(100 + n),
		},
	}
}

func normEnrollment(e outbound.Enrollment) outbound.Enrollment {
	if len(e.Sticky) == 0 {
		e.Sticky = nil
	}
	return e
}

func (s suite) testEnrollments(t *testing.T) {
	testCRUD(t, s, crud[outbound.Enrollment, outbound.EnrollmentID]{
		make: makeEnrollment,
		id:   func(e *outbound.Enrollment) outbound.EnrollmentID { return e.ID },
		change: func(e *outbound.Enrollment) {
			e.NextStep, e.State, e.PausedUntil = 3, outbound.EnrollmentPaused, at(7*24*60)
			e.Sticky = maps.Clone(e.Sticky)
			e.Sticky[outbound.KindLinkedInSeat] = resourceID(77)
		},
		mutate: func(e *outbound.Enrollment) {
			e.Sticky[outbound.KindMailbox] = resourceID(666)
			delete(e.Sticky, outbound.KindPhone)
		},
		norm:   normEnrollment,
		zeroID: func(e *outbound.Enrollment) { e.ID = outbound.EnrollmentID{} },
		create: func(ctx context.Context, st storage.Store, e *outbound.Enrollment) error {
			return st.CreateEnrollment(ctx, e)
		},
		get: func(ctx context.Context, st storage.Store, id outbound.EnrollmentID) (*outbound.Enrollment, error) {
			return st.GetEnrollment(ctx, id)
		},
		update: func(ctx context.Context, st storage.Store, e *outbound.Enrollment) error {
			return st.UpdateEnrollment(ctx, e)
		},
	})
	s.run(t, "NoSticky", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		e := makeEnrollment(1)
		e.Sticky = nil
		require.NoError(t, st.CreateEnrollment(ctx, &e))
		got, err := st.GetEnrollment(ctx, e.ID)
		require.NoError(t, err)
		require.Empty(t, got.Sticky)
	})
	s.run(t, "OncePerCampaignAndLead", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		e := makeEnrollment(1)
		require.NoError(t, st.CreateEnrollment(ctx, &e))
		again := makeEnrollment(2)
		again.Lead = e.Lead
		requireConflict(t, st.CreateEnrollment(ctx, &again))
		_, err := st.GetEnrollment(ctx, again.ID)
		requireNotFound(t, err)

		other := again
		other.Campaign = campaignID(2)
		require.NoError(t, st.CreateEnrollment(ctx, &other), "the same lead in another campaign")

		// An update may not move an enrollment onto a taken pair.
		moved := other
		moved.Campaign = e.Campaign
		requireConflict(t, st.UpdateEnrollment(ctx, &moved))
		got, err := st.GetEnrollment(ctx, other.ID)
		require.NoError(t, err)
		require.Equal(t, campaignID(2), got.Campaign)

		// Moving to a free pair frees the old one.
		moved.Campaign = campaignID(3)
		require.NoError(t, st.UpdateEnrollment(ctx, &moved))
		back := makeEnrollment(3)
		back.Lead, back.Campaign = e.Lead, campaignID(2)
		require.NoError(t, st.CreateEnrollment(ctx, &back))
	})
	s.run(t, "ListOrderAndFilters", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		// 4 leads × 3 campaigns, inserted in an order unrelated to either.
		var all []outbound.Enrollment
		n := 0
		for c := 3; c >= 1; c-- {
			for l := range 4 {
				e := makeEnrollment(n)
				e.Lead, e.Campaign = leadID(l), campaignID(c)
				e.Client = clientID(l % 2)
				if n%3 == 0 {
					e.State = outbound.EnrollmentReplied
				}
				require.NoError(t, st.CreateEnrollment(ctx, &e))
				all = append(all, e)
				n++
			}
		}
		// The expected order, worked out by hand: by lead bytes, then campaign bytes.
		want := func(keep func(*outbound.Enrollment) bool) []outbound.Enrollment {
			var out []outbound.Enrollment
			for _, e := range all {
				if keep(&e) {
					out = append(out, normEnrollment(e))
				}
			}
			for i := 1; i < len(out); i++ { // insertion sort: independent of the store's
				for j := i; j > 0 && less2(out[j].Lead.UUID, out[j].Campaign.UUID, out[j-1].Lead.UUID, out[j-1].Campaign.UUID); j-- {
					out[j], out[j-1] = out[j-1], out[j]
				}
			}
			return out
		}
		tests := []struct {
			name string
			f    storage.EnrollmentFilter
			keep func(*outbound.Enrollment) bool
		}{
			{"all", storage.EnrollmentFilter{}, func(*outbound.Enrollment) bool { return true }},
			{"client", storage.EnrollmentFilter{Client: clientID(1)}, func(e *outbound.Enrollment) bool { return e.Client == clientID(1) }},
			{"campaign", storage.EnrollmentFilter{Campaign: campaignID(2)}, func(e *outbound.Enrollment) bool { return e.Campaign == campaignID(2) }},
			{"lead", storage.EnrollmentFilter{Lead: leadID(3)}, func(e *outbound.Enrollment) bool { return e.Lead == leadID(3) }},
			{"state", storage.EnrollmentFilter{State: outbound.EnrollmentReplied}, func(e *outbound.Enrollment) bool { return e.State == outbound.EnrollmentReplied }},
			{"lead and state", storage.EnrollmentFilter{Lead: leadID(0), State: outbound.EnrollmentActive}, func(e *outbound.Enrollment) bool {
				return e.Lead == leadID(0) && e.State == outbound.EnrollmentActive
			}},
			{"no match", storage.EnrollmentFilter{Campaign: campaignID(9)}, func(*outbound.Enrollment) bool { return false }},
		}
		for _, tt := range tests {
			got, err := st.ListEnrollments(ctx, tt.f)
			require.NoError(t, err, tt.name)
			w := want(tt.keep)
			if len(w) == 0 {
				require.Empty(t, got, tt.name)
				continue
			}
			for i := range got {
				got[i] = normEnrollment(got[i])
			}
			require.Equal(t, w, got, tt.name)
		}
		// A returned Sticky map is the caller's.
		got, err := st.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: leadID(1)})
		require.NoError(t, err)
		got[0].Sticky[outbound.KindMailbox] = resourceID(666)
		again, err := st.ListEnrollments(ctx, storage.EnrollmentFilter{Lead: leadID(1)})
		require.NoError(t, err)
		require.NotEqual(t, resourceID(666), again[0].Sticky[outbound.KindMailbox])
	})
	s.run(t, "ClientRequired", func(t *testing.T, st storage.Store) {
		e := makeEnrollment(1)
		e.Client = outbound.ClientID{}
		requireInvalid(t, st.CreateEnrollment(t.Context(), &e), "client")
	})
}

// less2 orders (a1, a2) before (b1, b2) by bytes.
func less2(a1, a2, b1, b2 uuid.UUID) bool {
	if c := cmpUUID(a1, b1); c != 0 {
		return c < 0
	}
	return cmpUUID(a2, b2) < 0
}
