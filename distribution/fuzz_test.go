package distribution_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/timing"
)

// FuzzImportLead feeds arbitrary rows to ImportLeads: each row is either
// rejected with a *outbound.ValidationError naming a field, or stored in
// normal form (trimmed lower-case email, E.164 phone, upper-case country, a
// loadable zone with its source, the tier of its score), and listed in
// exactly one of Enrolled, Merged or Dead.
func FuzzImportLead(f *testing.F) {
	f.Add("ann@example.com", "0412 345 678", "AU", "NSW", "", 70)
	f.Add(" Bob@Example.COM ", "+1 415 555 2671", "us", "CA", "", 90)
	f.Add("", "(02) 9374 4000", "", "", "Australia/Sydney", 10)
	f.Add("x@y", "12", "Australia", "", "Mars/Base", 101)
	f.Add("c@d.de", "", "DE", "", "europe/berlin", -1)
	f.Add("", "", "", "", "", 50)
	unlimited := outbound.Plan{Name: "open", Domains: 1}
	e := newEnv(f, func(c *distribution.Config) { c.Plans = []outbound.Plan{unlimited} })
	camp := e.campaign(e.signup("open", "Australia/Sydney"))
	var policy sequence.Policy
	f.Fuzz(func(t *testing.T, email, rawPhone, country, region, zone string, score int) {
		in := distribution.LeadInput{Line: 2, Email: email, Phone: rawPhone, Country: country, Region: region, Timezone: zone, Score: score,
			LinkedIn: "https://www.linkedin.com/in/x"}
		res, err := e.svc.ImportLeads(e.ctx, camp.ID, []distribution.LeadInput{in})
		require.NoError(t, err)
		if len(res.Rejected) == 1 {
			require.Empty(t, res.Enrolled)
			require.Empty(t, res.Merged)
			require.Empty(t, res.Dead)
			var ve *outbound.ValidationError
			require.True(t, errors.As(res.Rejected[0].Err, &ve), "%v", res.Rejected[0].Err)
			require.NotEmpty(t, ve.Field)
			require.Equal(t, 2, res.Rejected[0].Line)
			return
		}
		require.Empty(t, res.Rejected)
		ids := append(append(append([]outbound.LeadID{}, res.Enrolled...), res.Merged...), res.Dead...)
		require.Len(t, ids, 1)
		l, err := e.store.GetLead(e.ctx, ids[0])
		require.NoError(t, err)
		if l.Email != "" {
			require.Equal(t, strings.ToLower(l.Email), l.Email)
			require.NoError(t, outbound.ValidateEmail(l.Email))
		}
		if l.Phone != "" {
			require.True(t, phone.IsE164(l.Phone), l.Phone)
		}
		if l.Country != "" {
			require.Len(t, l.Country, 2)
			require.Equal(t, strings.ToUpper(l.Country), l.Country)
		}
		require.True(t, timing.ZoneSource(l.ZoneSource).Valid(), l.ZoneSource)
		loc := mustLoc(t, l.Zone)
		require.Equal(t, l.Zone, loc.String())
		if len(res.Merged) == 0 {
			tier, err := policy.TierFor(l.Score)
			require.NoError(t, err)
			require.Equal(t, tier, l.Tier)
			require.Equal(t, score, l.Score)
		}
	})
}

// FuzzHandleEvent feeds arbitrary events to HandleEvent: an invalid one is
// an error and records nothing; a valid one is recorded once (the second
// delivery reports false); nothing panics, whatever the event names.
func FuzzHandleEvent(f *testing.F) {
	f.Add("fake", "e1", "replied", "email", "", "", "ann@acme1.com.au", "", int64(0))
	f.Add("twilio", "SM1", "replied", "sms", "", "", "+61412340001", "STOP", int64(3600))
	f.Add("fake", "e2", "call_busy", "voice", "not-a-touch-id", "", "", "", int64(60))
	f.Add("fake", "", "bounced", "email", "", "ref", "", "", int64(0))
	f.Add("vapi", "c1", "call_answered", "sms", "", "", "+61412340001", "", int64(0))
	f.Add("fake", "e3", "out_of_office", "email", "", "", "ann@acme1.com.au", "", int64(-86400))
	e := newEnv(f)
	camp := e.campaign(e.signup("growth", "Australia/Sydney"))
	e.importLeads(camp, hot(1))
	e.plan()
	f.Fuzz(func(t *testing.T, provider, id, typ, kind, key, ref, from, body string, offset int64) {
		x := channel.Event{Provider: provider, ProviderEventID: id, Type: channel.EventType(typ), Kind: channel.Kind(kind),
			IdempotencyKey: key, ProviderMessageID: ref, From: from, Body: body, At: e.clock.Now().Add(time.Duration(offset) * time.Second)}
		valid := x.Validate() == nil
		ok, err := e.svc.HandleEvent(e.ctx, x)
		if !valid {
			require.Error(t, err)
			require.False(t, ok)
			return
		}
		require.NoError(t, err)
		again, err := e.svc.HandleEvent(e.ctx, x)
		require.NoError(t, err)
		require.False(t, again, "a second delivery changes nothing")
	})
}
