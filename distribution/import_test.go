package distribution_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

func TestImportNormalisesAndResolvesZones(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	for _, tt := range []struct {
		name   string
		in     distribution.LeadInput
		zone   string
		source timing.ZoneSource
		phone  string
		email  string
		cc     string
		tier   outbound.Tier
	}{
		{"explicit zone wins", distribution.LeadInput{Email: " Ann@Example.COM ", Timezone: "Australia/Perth", Country: "au", Region: "NSW", Score: 85},
			"Australia/Perth", timing.ZoneSourceExplicit, "", "ann@example.com", "AU", outbound.TierHot},
		{"a Sydney landline beats the region", distribution.LeadInput{Email: "b@example.com", Phone: "(02) 9374 4000", Country: "AU", Region: "WA", Score: 84},
			"Australia/Sydney", timing.ZoneSourcePhone, "+61293744000", "b@example.com", "AU", outbound.TierWarm},
		{"mobile says nothing: region", distribution.LeadInput{Email: "c@example.com", Phone: "0412 345 678", Country: "AU", Region: "QLD", Score: 60},
			"Australia/Brisbane", timing.ZoneSourceRegion, "+61412345678", "c@example.com", "AU", outbound.TierWarm},
		{"single-zone country", distribution.LeadInput{Email: "d@example.de", Country: "DE", Score: 59},
			"Europe/Berlin", timing.ZoneSourceCountry, "", "d@example.de", "DE", outbound.TierCool},
		{"client default, country from the phone", distribution.LeadInput{Email: "e@example.com", Phone: "0413 000 111", Score: 35},
			"Australia/Sydney", timing.ZoneSourceDefault, "+61413000111", "e@example.com", "AU", outbound.TierCool},
		{"US number in international form", distribution.LeadInput{Email: "f@example.com", Phone: "+1 415 555 2671", Country: "US", Region: "CA", Score: 20},
			"America/Los_Angeles", timing.ZoneSourcePhoneAreaCode, "+14155552671", "f@example.com", "US", outbound.TierCold},
		{"New York number, no state", distribution.LeadInput{Email: "g@example.com", Phone: "+1 212 555 0100", Country: "United States", Score: 20},
			"America/New_York", timing.ZoneSourcePhoneAreaCode, "+12125550100", "g@example.com", "US", outbound.TierCold},
		{"US lead with nothing but its country: never the Sydney default", distribution.LeadInput{Email: "h@example.com", Country: "USA", Score: 20},
			"America/New_York", timing.ZoneSourceCountryDefault, "", "h@example.com", "US", outbound.TierCold},
		{"region by name", distribution.LeadInput{Email: "i@example.com", Country: "Australia", Region: "Western Australia", Score: 20},
			"Australia/Perth", timing.ZoneSourceRegion, "", "i@example.com", "AU", outbound.TierCold},
	} {
		res := e.importLeads(camp, tt.in)
		require.Len(t, res.Enrolled, 1, tt.name)
		l := e.lead(res.Enrolled[0])
		require.Equal(t, tt.zone, l.Zone, tt.name)
		require.Equal(t, string(tt.source), l.ZoneSource, tt.name)
		require.Equal(t, tt.phone, l.Phone, tt.name)
		require.Equal(t, tt.email, l.Email, tt.name)
		require.Equal(t, tt.cc, l.Country, tt.name)
		require.Equal(t, tt.tier, l.Tier, tt.name)
		en := e.enrollment(l.ID)
		require.Equal(t, 1, en.NextStep)
		require.Equal(t, outbound.EnrollmentActive, en.State)
		// Day 0 is the lead's local day at import: 07:00 Monday in Sydney
		// is still Sunday evening in Perth and Berlin and Los Angeles.
		require.Equal(t, timing.DateIn(e.clock.Now(), mustLoc(t, tt.zone)), en.EnrolledOn, tt.name)
	}
}

func TestImportRejectsBadRowsNamingLineFieldAndValue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	rows := []distribution.LeadInput{
		{Line: 2, ExternalID: "a", Email: "not-an-email", Score: 50},
		{Line: 3, ExternalID: "b", Email: "b@example.com", Phone: "12", Score: 50},
		{Line: 4, ExternalID: "c", Email: "c@example.com", Score: 101},
		{Line: 5, ExternalID: "d", Email: "d@example.com", Timezone: "Mars/Olympus", Score: 50},
		{Line: 6, ExternalID: "e", Email: "e@example.com", Country: "Atlantis", Score: 50},
		{Line: 7, ExternalID: "f", Score: 50},
		{Line: 8, ExternalID: "g", Email: "g@example.com", Score: 50}, // the good one
	}
	res, err := e.svc.ImportLeads(e.ctx, camp.ID, rows)
	require.NoError(t, err)
	require.Len(t, res.Enrolled, 1)
	want := []struct {
		line         int
		field, value string
	}{
		{2, "email", "not-an-email"}, {3, "phone", "12"}, {4, "score", "101"}, {5, "timezone", "Mars/Olympus"},
		{6, "country", "Atlantis"}, {7, "email", ""},
	}
	require.Len(t, res.Rejected, len(want))
	for i, w := range want {
		r := res.Rejected[i]
		require.Equal(t, w.line, r.Line)
		var ve *outbound.ValidationError
		require.True(t, errors.As(r.Err, &ve), "line %d: %v", r.Line, r.Err)
		require.Equal(t, w.field, ve.Field, "line %d", r.Line)
		require.Equal(t, w.value, ve.Value, "line %d", r.Line)
		require.ErrorIs(t, &r, outbound.ErrInvalid)
		require.Contains(t, r.Error(), "line ")
	}
}

func TestImportMergesDuplicatesAndNeverEnrollsTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	first := e.importLeads(camp, distribution.LeadInput{Email: "ann@example.com", Score: 70, Country: "AU", Region: "NSW"})
	require.Len(t, first.Enrolled, 1)
	id := first.Enrolled[0]
	// Same email in another case, now with a phone and a LinkedIn profile;
	// then the same phone written nationally, in the same import.
	res := e.importLeads(camp,
		distribution.LeadInput{Line: 2, Email: "ANN@example.com", Phone: "0412 111 222", LinkedIn: "https://www.linkedin.com/in/ann", Score: 10},
		distribution.LeadInput{Line: 3, Phone: "+61412111222", FirstName: "Ann", Score: 95},
	)
	require.Empty(t, res.Enrolled)
	require.Equal(t, []outbound.LeadID{id, id}, res.Merged)
	l := e.lead(id)
	require.Equal(t, "+61412111222", l.Phone)
	require.Equal(t, "https://www.linkedin.com/in/ann", l.LinkedIn)
	require.Equal(t, "Ann", l.FirstName)
	require.Equal(t, 70, l.Score, "the existing lead's score stays")
	es, err := e.store.ListEnrollments(e.ctx, storage.EnrollmentFilter{Lead: id})
	require.NoError(t, err)
	require.Len(t, es, 1, "one enrollment per campaign and lead")
	// A second campaign enrolls the same lead once more, there.
	camp2 := e.campaign(c)
	res = e.importLeads(camp2, distribution.LeadInput{Email: "ann@example.com", Score: 70})
	require.Equal(t, []outbound.LeadID{id}, res.Merged)
	es, err = e.store.ListEnrollments(e.ctx, storage.EnrollmentFilter{Lead: id})
	require.NoError(t, err)
	require.Len(t, es, 2)
	// Another client may have the same person.
	c2 := e.signup("starter", "Australia/Melbourne")
	res = e.importLeads(e.campaign(c2), distribution.LeadInput{Email: "ann@example.com", Score: 70})
	require.Len(t, res.Enrolled, 1)
	require.NotEqual(t, id, res.Enrolled[0])
}

func TestImportTiersAndDeadLeads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	for _, tt := range []struct {
		score int
		tier  outbound.Tier
	}{{100, outbound.TierHot}, {85, outbound.TierHot}, {84, outbound.TierWarm}, {60, outbound.TierWarm}, {59, outbound.TierCool},
		{35, outbound.TierCool}, {34, outbound.TierCold}, {20, outbound.TierCold}, {19, outbound.TierDead}, {0, outbound.TierDead}} {
		in := hot(tt.score)
		in.Score = tt.score
		res := e.importLeads(camp, in)
		if tt.tier == outbound.TierDead {
			require.Len(t, res.Dead, 1, "score %d", tt.score)
			require.Empty(t, res.Enrolled)
			require.Equal(t, outbound.TierDead, e.lead(res.Dead[0]).Tier)
			es, err := e.store.ListEnrollments(e.ctx, storage.EnrollmentFilter{Lead: res.Dead[0]})
			require.NoError(t, err)
			require.Empty(t, es, "a dead lead is not enrolled")
			continue
		}
		require.Len(t, res.Enrolled, 1, "score %d", tt.score)
		require.Equal(t, tt.tier, e.lead(res.Enrolled[0]).Tier, "score %d", tt.score)
	}
}

func TestImportWashesPhones(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *distribution.Config) { c.DNCRBatch = 2 })
	e.dncr.register("+61412340002")
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	res := e.importLeads(camp, hot(1), hot(2), hot(3), distribution.LeadInput{Email: "nophone@example.com", Score: 90})
	require.Len(t, res.Enrolled, 4)
	require.Equal(t, 2, e.dncr.calls, "3 numbers in batches of 2")
	require.Equal(t, 3, e.dncr.askedCount())
	for i, want := range []outbound.DNCRStatus{outbound.DNCRClear, outbound.DNCRRegistered, outbound.DNCRClear, outbound.DNCRUnknown} {
		l := e.lead(res.Enrolled[i])
		require.Equal(t, want, l.DNCR, l.Phone)
		if want == outbound.DNCRUnknown {
			require.True(t, l.DNCRWashedAt.IsZero())
			continue
		}
		require.Equal(t, e.clock.Now(), l.DNCRWashedAt)
		w, err := e.store.GetWash(e.ctx, l.Phone)
		require.NoError(t, err)
		require.Equal(t, want, w.Status)
	}
	// A wash still valid is reused, not asked again: another client's lead
	// with the same number a day later.
	e.clock.Advance(24 * time.Hour)
	c2 := e.signup("starter", "Australia/Sydney")
	res = e.importLeads(e.campaign(c2), hot(2))
	require.Equal(t, 3, e.dncr.askedCount())
	require.Equal(t, outbound.DNCRRegistered, e.lead(res.Enrolled[0]).DNCR)

	// A failing register leaves the numbers unwashed and says so.
	e.dncr.fail = errors.New("register down")
	res, err := e.svc.ImportLeads(e.ctx, camp.ID, []distribution.LeadInput{hot(9)})
	require.ErrorIs(t, err, distribution.ErrWash)
	require.Len(t, res.Enrolled, 1)
	require.Equal(t, outbound.DNCRUnknown, e.lead(res.Enrolled[0]).DNCR)
	// The next Daily washes it once the register answers again.
	e.dncr.fail = nil
	require.NoError(t, e.svc.Daily(e.ctx))
	require.Equal(t, outbound.DNCRClear, e.lead(res.Enrolled[0]).DNCR)
}

func TestImportInactive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signup("growth", "Australia/Sydney")
	camp := e.campaign(c)
	require.NoError(t, e.svc.Churn(e.ctx, c.ID))
	_, err := e.svc.ImportLeads(e.ctx, camp.ID, []distribution.LeadInput{hot(1)})
	require.ErrorIs(t, err, distribution.ErrInactive)
	_, err = e.svc.CreateCampaign(e.ctx, c.ID, "more")
	require.ErrorIs(t, err, distribution.ErrInactive)
}
