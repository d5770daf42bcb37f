package outbound_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
)

func TestLeadValidate(t *testing.T) {
	t.Parallel()
	ok := outbound.Lead{Email: "ann@example.com", Phone: "+61291234567", Country: "AU", Score: 70, Zone: "Australia/Sydney"}
	tests := []struct {
		name  string
		edit  func(l *outbound.Lead)
		field string // "" means valid
		value string
	}{
		{"valid", func(*outbound.Lead) {}, "", ""},
		{"linkedin only", func(l *outbound.Lead) { l.Email, l.Phone, l.LinkedIn = "", "", "https://www.linkedin.com/in/ann" }, "", ""},
		{"bad email", func(l *outbound.Lead) { l.Email = "ann@" }, "email", "ann@"},
		{"display name email", func(l *outbound.Lead) { l.Email = "Ann <ann@example.com>" }, "email", "Ann <ann@example.com>"},
		{"email without dot", func(l *outbound.Lead) { l.Email = "ann@localhost" }, "email", "ann@localhost"},
		{"phone not e164", func(l *outbound.Lead) { l.Phone = "0291234567" }, "phone", "0291234567"},
		{"phone too long", func(l *outbound.Lead) { l.Phone = "+1234567890123456" }, "phone", "+1234567890123456"},
		{"phone letters", func(l *outbound.Lead) { l.Phone = "+6129123456x" }, "phone", "+6129123456x"},
		{"no address", func(l *outbound.Lead) { l.Email, l.Phone = "", "" }, "email", ""},
		{"lower-case country", func(l *outbound.Lead) { l.Country = "au" }, "country", "au"},
		{"three-letter country", func(l *outbound.Lead) { l.Country = "AUS" }, "country", "AUS"},
		{"score below", func(l *outbound.Lead) { l.Score = -1 }, "score", "-1"},
		{"score above", func(l *outbound.Lead) { l.Score = 101 }, "score", "101"},
		{"score edges", func(l *outbound.Lead) { l.Score = 100 }, "", ""},
		{"bad zone", func(l *outbound.Lead) { l.Zone = "Mars/Olympus" }, "timezone", "Mars/Olympus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := ok
			tt.edit(&l)
			err := l.Validate()
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, outbound.ErrInvalid)
			var ve *outbound.ValidationError
			require.True(t, errors.As(err, &ve))
			require.Equal(t, "lead", ve.Record)
			require.Equal(t, tt.field, ve.Field)
			require.Equal(t, tt.value, ve.Value)
			require.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestClientValidate(t *testing.T) {
	t.Parallel()
	id, _ := outbound.ParseID[outbound.ClientID]("0190c2a4-6f1e-7000-8000-000000000001")
	c := outbound.Client{ID: id, Name: "Acme", DefaultZone: "Australia/Sydney", State: outbound.ClientActive}
	require.NoError(t, c.Validate())
	for _, tt := range []struct {
		field string
		edit  func(*outbound.Client)
	}{
		{"id", func(c *outbound.Client) { c.ID = outbound.ClientID{} }},
		{"name", func(c *outbound.Client) { c.Name = "" }},
		{"default_zone", func(c *outbound.Client) { c.DefaultZone = "" }},
		{"default_zone", func(c *outbound.Client) { c.DefaultZone = "Nowhere/City" }},
		{"state", func(c *outbound.Client) { c.State = "gone" }},
	} {
		bad := c
		tt.edit(&bad)
		var ve *outbound.ValidationError
		require.ErrorAs(t, bad.Validate(), &ve)
		require.Equal(t, tt.field, ve.Field)
	}
}

func TestDefaultPlans(t *testing.T) {
	t.Parallel()
	want := map[string]outbound.Plan{
		"starter": {Name: "starter", Domains: 2, PhoneNumbers: 1, LinkedInSeats: 1, LeadsPerMonth: 1000},
		"growth":  {Name: "growth", Domains: 3, PhoneNumbers: 2, LinkedInSeats: 2, MailSender: true, LeadsPerMonth: 2500},
		"scale":   {Name: "scale", Domains: 5, PhoneNumbers: 3, LinkedInSeats: 3, MailSender: true, LeadsPerMonth: 5000},
	}
	plans := outbound.DefaultPlans()
	require.Len(t, plans, len(want))
	for _, p := range plans {
		require.Equal(t, want[p.Name], p)
		require.NoError(t, p.Validate())
	}
	require.Equal(t, 2, outbound.MailboxesPerDomain)
	bad := outbound.Plan{Name: "x", Domains: -1}
	var ve *outbound.ValidationError
	require.ErrorAs(t, bad.Validate(), &ve)
	require.Equal(t, "domains", ve.Field)
}

func TestParseID(t *testing.T) {
	t.Parallel()
	id, err := outbound.ParseID[outbound.LeadID]("0190c2a4-6f1e-7000-8000-00000000002a")
	require.NoError(t, err)
	require.False(t, id.IsZero())
	require.Equal(t, "0190c2a4-6f1e-7000-8000-00000000002a", id.String())
	_, err = outbound.ParseID[outbound.LeadID]("not-a-uuid")
	require.ErrorContains(t, err, "not-a-uuid")
	require.True(t, outbound.LeadID{}.IsZero())
}

func TestResourceAgeAndUsable(t *testing.T) {
	t.Parallel()
	bought := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	r := outbound.Resource{PurchasedAt: bought, State: outbound.StateAssigned}
	require.Equal(t, 0, r.AgeDays(bought.Add(-time.Hour)))
	require.Equal(t, 0, r.AgeDays(bought.Add(23*time.Hour)))
	require.Equal(t, 1, r.AgeDays(bought.Add(24*time.Hour)))
	require.Equal(t, 14, r.AgeDays(bought.AddDate(0, 0, 14)))
	require.True(t, r.Usable())
	r.Paused = true
	require.False(t, r.Usable())
	r.Paused, r.State = false, outbound.StateHeld
	require.False(t, r.Usable())
}

func TestTouchStatusFinal(t *testing.T) {
	t.Parallel()
	for s, final := range map[outbound.TouchStatus]bool{
		outbound.TouchScheduled: false, outbound.TouchSending: false,
		outbound.TouchSent: true, outbound.TouchDelivered: true, outbound.TouchFailed: true,
		outbound.TouchSkipped: true, outbound.TouchCancelled: true, outbound.TouchUncertain: true,
	} {
		require.Equal(t, final, s.Final(), s)
	}
}

func TestTouchStatusValid(t *testing.T) {
	t.Parallel()
	for _, s := range []outbound.TouchStatus{
		outbound.TouchScheduled, outbound.TouchSending, outbound.TouchSent, outbound.TouchDelivered,
		outbound.TouchFailed, outbound.TouchSkipped, outbound.TouchCancelled, outbound.TouchUncertain,
	} {
		require.True(t, s.Valid(), s)
	}
	require.False(t, outbound.TouchStatus("bounced").Valid())
	require.False(t, outbound.TouchStatus("").Valid())
}
