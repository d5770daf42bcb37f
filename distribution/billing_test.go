package distribution_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/timing"
)

func date(t *testing.T, s string) timing.Date {
	t.Helper()
	d, err := timing.ParseDate(s)
	require.NoError(t, err)
	return d
}

func TestBillingMonth(t *testing.T) {
	t.Parallel()
	// Every expectation worked out by hand from the rule: periods start on
	// the anchor's day of the month, or the month's last day when it is
	// shorter.
	for _, tt := range []struct {
		anchor, day, start, end string
	}{
		{"2026-01-31", "2026-01-31", "2026-01-31", "2026-02-28"},
		{"2026-01-31", "2026-02-27", "2026-01-31", "2026-02-28"},
		{"2026-01-31", "2026-02-28", "2026-02-28", "2026-03-31"},
		{"2026-01-31", "2026-03-30", "2026-02-28", "2026-03-31"},
		{"2026-01-31", "2026-03-31", "2026-03-31", "2026-04-30"},
		{"2026-01-31", "2026-05-01", "2026-04-30", "2026-05-31"},
		{"2028-01-31", "2028-02-29", "2028-02-29", "2028-03-31"}, // leap year
		{"2028-01-31", "2028-02-28", "2028-01-31", "2028-02-29"},
		{"2026-03-30", "2026-04-30", "2026-04-30", "2026-05-30"},
		{"2026-03-30", "2026-04-29", "2026-03-30", "2026-04-30"},
		{"2026-01-29", "2026-02-28", "2026-02-28", "2026-03-29"},
		{"2028-01-29", "2028-02-29", "2028-02-29", "2028-03-29"},
		{"2026-03-15", "2026-03-15", "2026-03-15", "2026-04-15"},
		{"2026-03-15", "2026-04-14", "2026-03-15", "2026-04-15"},
		{"2026-03-15", "2027-01-20", "2027-01-15", "2027-02-15"},
		{"2026-12-31", "2027-02-28", "2027-02-28", "2027-03-31"}, // across a year
		{"2026-12-31", "2027-01-30", "2026-12-31", "2027-01-31"},
		{"2026-03-01", "2026-03-01", "2026-03-01", "2026-04-01"},
		{"2026-05-31", "2026-04-30", "2026-04-30", "2026-05-31"}, // before the anchor: the period before
	} {
		start, end := distribution.BillingMonth(date(t, tt.anchor), date(t, tt.day))
		require.Equal(t, tt.start, start.String(), "anchor %s day %s", tt.anchor, tt.day)
		require.Equal(t, tt.end, end.String(), "anchor %s day %s", tt.anchor, tt.day)
	}
}

// TestBillingMonthProperties checks, over many anchors and days, that
// periods hold their day, follow on from each other, and start on the
// anchor's day of the month or the last day of a shorter month.
func TestBillingMonthProperties(t *testing.T) {
	t.Parallel()
	base := date(t, "2024-01-01")
	for i := range 3000 {
		anchor := base.AddDays(i % 1500)
		day := anchor.AddDays((i * 37) % 900)
		start, end := distribution.BillingMonth(anchor, day)
		require.True(t, start <= day && day < end, "anchor %s day %s: [%s, %s)", anchor, day, start, end)
		next, _ := distribution.BillingMonth(anchor, end)
		require.Equal(t, end, next, "periods follow on")
		_, _, ad := anchor.YMD()
		for _, d := range []timing.Date{start, end} {
			y, m, dd := d.YMD()
			last := timing.DateFromYMD(y, m+1, 1).AddDays(-1)
			_, _, lastDay := last.YMD()
			require.Equal(t, min(ad, lastDay), dd, "anchor %s: period starts %s", anchor, d)
			_ = y
		}
		require.LessOrEqual(t, int(end-start), 31)
		require.GreaterOrEqual(t, int(end-start), 28)
	}
}

func TestBillingPeriodAndAllowance(t *testing.T) {
	t.Parallel()
	small := outbound.Plan{Name: "tiny", Domains: 1, PhoneNumbers: 1, LinkedInSeats: 1, LeadsPerMonth: 3}
	e := newEnv(t, func(c *distribution.Config) { c.Plans = []outbound.Plan{small} })
	// Signed up on Saturday 31 January 2026, 15:00 in Sydney.
	syd := mustLoc(t, "Australia/Sydney")
	c, err := e.svc.Signup(e.ctx, distribution.SignupInput{Name: "Tiny", Plan: "tiny", DefaultZone: "Australia/Sydney",
		At: time.Date(2026, 1, 31, 15, 0, 0, 0, syd)})
	require.NoError(t, err)
	s, end, err := e.svc.BillingPeriod(e.ctx, c.ID, e.clock.Now()) // 2 March
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 2, 28, 0, 0, 0, 0, syd), s)
	require.Equal(t, time.Date(2026, 3, 31, 0, 0, 0, 0, syd), end)
	_, _, err = e.svc.BillingPeriod(e.ctx, c.ID, time.Date(2026, 1, 30, 12, 0, 0, 0, syd))
	require.ErrorIs(t, err, outbound.ErrInvalid)

	camp := e.campaign(c)
	rows := []distribution.LeadInput{hot(1), hot(2), hot(3), hot(4), hot(5)}
	rows[4].Score = 5 // dead: stored, not enrolled, not counted
	res, err := e.svc.ImportLeads(e.ctx, camp.ID, rows)
	require.NoError(t, err)
	require.Len(t, res.Enrolled, 3)
	require.Len(t, res.Dead, 1)
	require.Len(t, res.Rejected, 1)
	require.Equal(t, 5, res.Rejected[0].Line)
	var ae *distribution.AllowanceError
	require.ErrorAs(t, res.Rejected[0].Err, &ae)
	require.ErrorIs(t, res.Rejected[0].Err, distribution.ErrAllowance)
	require.Equal(t, 3, ae.Allowance)
	require.Contains(t, ae.Error(), "allows 3 leads a month")
	_, err = e.store.FindLead(e.ctx, c.ID, rows[3].Email, "")
	require.Error(t, err, "a rejected row is not stored")
	used, _, _, err := e.svc.Usage(e.ctx, c.ID, e.clock.Now())
	require.NoError(t, err)
	require.Equal(t, 3, used)

	// The next period (from 31 March) has room again.
	e.clock.Set(time.Date(2026, 3, 31, 8, 0, 0, 0, syd))
	res, err = e.svc.ImportLeads(e.ctx, camp.ID, []distribution.LeadInput{hot(4)})
	require.NoError(t, err)
	require.Len(t, res.Enrolled, 1)
}

func mustDate(s string) timing.Date {
	d, err := timing.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
