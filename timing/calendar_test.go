package timing_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/timing"
)

func date(t testing.TB, s string) timing.Date {
	t.Helper()
	d, err := timing.ParseDate(s)
	require.NoError(t, err)
	return d
}

// TestHolidayCalendar checks dates worked out by hand from each country's
// rules (and, for the weekdays, from the time package).
func TestHolidayCalendar(t *testing.T) {
	t.Parallel()
	hc := timing.NewHolidayCalendar()
	tests := []struct {
		name     string
		country  string
		region   string
		date     string
		weekday  time.Weekday
		holiday  bool
		national bool
	}{
		// Australia, national list (region unknown).
		{"New Year's Day", "AU", "", "2026-01-01", time.Thursday, true, true},
		{"Australia Day", "AU", "", "2026-01-26", time.Monday, true, true},
		{"Australia Day on a Sunday, Monday off", "AU", "", "2025-01-27", time.Monday, true, true},
		{"New Year's Day on a Saturday, Monday off", "AU", "", "2022-01-03", time.Monday, true, true},
		{"Good Friday", "AU", "", "2026-04-03", time.Friday, true, true},
		{"Easter Monday", "AU", "", "2026-04-06", time.Monday, true, true},
		{"Anzac Day on a Saturday", "AU", "", "2026-04-25", time.Saturday, true, true},
		{"no national Monday for Anzac Day", "AU", "", "2026-04-27", time.Monday, false, false},
		{"Christmas Day", "AU", "", "2026-12-25", time.Friday, true, true},
		{"Boxing Day on a Saturday", "AU", "", "2026-12-26", time.Saturday, true, true},
		{"Boxing Day observed Monday", "AU", "", "2026-12-28", time.Monday, true, true},
		{"Christmas 2022 on a Sunday: Monday", "AU", "", "2022-12-26", time.Monday, true, true},
		{"Christmas 2022 on a Sunday: Tuesday", "AU", "", "2022-12-27", time.Tuesday, true, true},
		{"state holiday unknown without region", "AU", "", "2026-06-08", time.Monday, false, false},
		{"ordinary day", "AU", "", "2026-06-09", time.Tuesday, false, false},
		// Australian states.
		{"King's Birthday NSW", "AU", "NSW", "2026-06-08", time.Monday, true, false},
		{"King's Birthday QLD is in October", "AU", "QLD", "2026-10-05", time.Monday, true, false},
		{"not King's Birthday in QLD in June", "AU", "QLD", "2026-06-08", time.Monday, false, false},
		{"King's Birthday WA", "AU", "WA", "2026-09-28", time.Monday, true, false},
		{"Labour Day NSW", "AU", "NSW", "2026-10-05", time.Monday, true, false},
		{"Labour Day VIC", "AU", "VIC", "2026-03-09", time.Monday, true, false},
		{"Melbourne Cup Day VIC", "AU", "VIC", "2026-11-03", time.Tuesday, true, false},
		{"no Melbourne Cup in NSW", "AU", "NSW", "2026-11-03", time.Tuesday, false, false},
		{"Anzac Day Monday in WA", "AU", "WA", "2026-04-27", time.Monday, true, false},
		{"Anzac Day Monday in ACT", "AU", "ACT", "2026-04-27", time.Monday, true, false},
		{"no Anzac Day Monday in NSW", "AU", "NSW", "2026-04-27", time.Monday, false, false},
		{"national holiday in a state", "AU", "VIC", "2026-01-26", time.Monday, true, true},
		{"region as ISO 3166-2", "AU", "AU-VIC", "2026-11-03", time.Tuesday, true, false},
		{"region by name, any case", "AU", "victoria", "2026-11-03", time.Tuesday, true, false},
		{"country in lower case", "au", "nsw", "2026-06-08", time.Monday, true, false},
		{"unknown region: national list", "AU", "XYZ", "2026-01-26", time.Monday, true, true},
		{"unknown region: no state days", "AU", "XYZ", "2026-11-03", time.Tuesday, false, false},
		// United States, federal.
		{"US New Year's Day", "US", "", "2026-01-01", time.Thursday, true, true},
		{"MLK Day", "US", "", "2026-01-19", time.Monday, true, true},
		{"Presidents' Day", "US", "", "2026-02-16", time.Monday, true, true},
		{"Memorial Day", "US", "", "2026-05-25", time.Monday, true, true},
		{"Juneteenth", "US", "", "2026-06-19", time.Friday, true, true},
		{"Juneteenth 2027 on a Saturday: Friday", "US", "CA", "2027-06-18", time.Friday, true, true},
		{"Independence Day on a Saturday", "US", "", "2026-07-04", time.Saturday, true, true},
		{"Independence Day observed Friday", "US", "", "2026-07-03", time.Friday, true, true},
		{"Labor Day", "US", "", "2026-09-07", time.Monday, true, true},
		{"Columbus Day", "US", "", "2026-10-12", time.Monday, true, true},
		{"Veterans Day", "US", "", "2026-11-11", time.Wednesday, true, true},
		{"Thanksgiving", "US", "", "2026-11-26", time.Thursday, true, true},
		{"day after Thanksgiving is not federal", "US", "", "2026-11-27", time.Friday, false, false},
		{"US Christmas", "US", "NY", "2026-12-25", time.Friday, true, true},
		{"New Year 2028 observed in 2027", "US", "", "2027-12-31", time.Friday, true, true},
		{"US ordinary day", "US", "", "2026-11-25", time.Wednesday, false, false},
		// Other countries.
		{"GB Early May bank holiday", "GB", "", "2026-05-04", time.Monday, true, true},
		{"GB Boxing Day observed", "GB", "", "2026-12-28", time.Monday, true, true},
		{"UK is GB", "UK", "", "2026-08-31", time.Monday, true, true},
		{"NZ Anzac Day Mondayised", "NZ", "", "2026-04-27", time.Monday, true, true},
		{"NZ Waitangi Day", "NZ", "", "2026-02-06", time.Friday, true, true},
		{"Canada Day", "CA", "", "2026-07-01", time.Wednesday, true, true},
		{"German Unity Day", "DE", "", "2026-10-03", time.Saturday, true, true},
		{"Epiphany in Bavaria", "DE", "BY", "2026-01-06", time.Tuesday, true, false},
		{"no Epiphany in Berlin", "DE", "BE", "2026-01-06", time.Tuesday, false, false},
		{"Bastille Day", "FR", "", "2026-07-14", time.Tuesday, true, true},
		{"King's Day NL", "NL", "", "2026-04-27", time.Monday, true, true},
		{"St Patrick's Day", "IE", "", "2026-03-17", time.Tuesday, true, true},
		// Countries the calendar does not know.
		{"unknown country", "JP", "", "2026-01-01", time.Thursday, false, false},
		{"no country", "", "", "2026-01-01", time.Thursday, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := date(t, tt.date)
			require.Equal(t, tt.weekday, d.Weekday(), "the test's own weekday")
			holiday, national := hc.Holiday(d, tt.country, tt.region)
			require.Equal(t, tt.holiday, holiday, "holiday")
			require.Equal(t, tt.national, national, "national")
		})
	}
}

func TestHolidayCalendarListsAndRanges(t *testing.T) {
	t.Parallel()
	hc := timing.NewHolidayCalendar()
	require.Equal(t, []string{"AU", "CA", "DE", "FR", "GB", "IE", "NL", "NZ", "US"}, hc.Countries())
	require.Equal(t, []string{"ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"}, hc.Regions("AU"))
	require.Len(t, hc.Regions("de"), 16)
	require.Nil(t, hc.Regions("US"))

	// Years outside the kept range are computed on demand, same rules.
	h, n := hc.Holiday(date(t, "2250-12-25"), "AU", "")
	require.True(t, h && n)
	h, _ = hc.Holiday(date(t, "1900-12-25"), "US", "")
	require.True(t, h)

	// Every year has the national holidays: count the US's over 2024-2030
	// (11 a year, Juneteenth included; a weekend date and its observed
	// weekday are both marked).
	for y := 2024; y <= 2030; y++ {
		count := 0
		for d := timing.DateFromYMD(y, 1, 1); d < timing.DateFromYMD(y+1, 1, 1); d++ {
			if h, _ := hc.Holiday(d, "US", ""); h && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
				count++
			}
		}
		require.GreaterOrEqual(t, count, 10, y)
		require.LessOrEqual(t, count, 12, y)
	}
}

func TestHolidayCalendarConcurrent(t *testing.T) {
	t.Parallel()
	hc := timing.NewHolidayCalendar()
	ref := timing.NewHolidayCalendar()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for y := 2020; y < 2040; y++ {
				d := timing.DateFromYMD(y, time.December, 25+g%2)
				h, _ := hc.Holiday(d, "AU", []string{"", "NSW", "VIC", "WA"}[g%4])
				if !h {
					t.Errorf("%v not a holiday", d)
				}
			}
		})
	}
	wg.Wait()
	for y := 2020; y < 2040; y++ {
		for d := timing.DateFromYMD(y, 1, 1); d < timing.DateFromYMD(y, 2, 1); d++ {
			h1, n1 := hc.Holiday(d, "AU", "NSW")
			h2, n2 := ref.Holiday(d, "AU", "NSW")
			require.Equal(t, [2]bool{h2, n2}, [2]bool{h1, n1})
		}
	}
}

func TestCalendarsAndFunc(t *testing.T) {
	t.Parallel()
	shutdown := date(t, "2026-12-29")
	own := timing.CalendarFunc(func(d timing.Date, country, region string) (bool, bool) {
		return d == shutdown, false
	})
	both := timing.Calendars(timing.NewHolidayCalendar(), own)
	h, n := both.Holiday(shutdown, "AU", "")
	require.True(t, h)
	require.False(t, n)
	h, n = both.Holiday(date(t, "2026-12-25"), "AU", "")
	require.True(t, h)
	require.True(t, n)
	h, _ = both.Holiday(date(t, "2026-12-30"), "AU", "")
	require.False(t, h)
}
