package timing_test

import (
	"archive/zip"
	"bufio"
	"errors"
	"go/build"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// allZones lists every zone of the tz database the Go toolchain ships
// ($GOROOT/lib/time/zoneinfo.zip), or failing that the system's tzdata.zi.
func allZones(t testing.TB) []string {
	t.Helper()
	names, err := readTZDBNames()
	require.NoError(t, err)
	for _, must := range []string{
		"America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Europe/London",
		"America/Havana", "America/Santiago", "Asia/Kolkata", "Australia/Adelaide",
		"Asia/Kathmandu", "Australia/Eucla", "Pacific/Chatham", "Africa/Cairo",
	} {
		require.Contains(t, names, must)
	}
	require.Greater(t, len(names), 400)
	return names
}

func readTZDBNames() ([]string, error) {
	var names []string
	for _, p := range []string{
		os.Getenv("ZONEINFO"),
		filepath.Join(build.Default.GOROOT, "lib", "time", "zoneinfo.zip"),
	} {
		if !strings.HasSuffix(p, ".zip") {
			continue
		}
		r, err := zip.OpenReader(p)
		if err != nil {
			continue
		}
		for _, f := range r.File {
			if !strings.HasSuffix(f.Name, "/") {
				names = append(names, f.Name)
			}
		}
		_ = r.Close()
		break
	}
	if len(names) == 0 {
		// tzdata.zi: "Z name ..." zones and "L target alias" links.
		f, err := os.Open("/usr/share/zoneinfo/tzdata.zi")
		if err != nil {
			return nil, errors.New("no zoneinfo.zip under GOROOT and no /usr/share/zoneinfo/tzdata.zi")
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			switch {
			case len(fs) >= 2 && fs[0] == "Z":
				names = append(names, fs[1])
			case len(fs) >= 3 && fs[0] == "L":
				names = append(names, fs[2])
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	slices.Sort(names)
	return names, nil
}

func newScheduler(t testing.TB, cfg timing.SchedulerConfig) *timing.Scheduler {
	t.Helper()
	s, err := timing.NewScheduler(cfg)
	require.NoError(t, err)
	return s
}

// local parses "2006-01-02 15:04" in zone.
func local(t testing.TB, zone, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, mustLoad(t, zone))
	require.NoError(t, err)
	return v
}

type slotCase struct {
	name     string
	ch       channel.Kind
	zone     string
	country  string
	region   string
	earliest string // local "2006-01-02 15:04"
	want     string // local "2006-01-02 15:04", worked out by hand
}

func runSlotCases(t *testing.T, s *timing.Scheduler, tests []slotCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := timing.Recipient{Location: mustLoad(t, tt.zone), Country: tt.country, Region: tt.region}
			earliest := local(t, tt.zone, tt.earliest)
			want := local(t, tt.zone, tt.want)
			got, err := s.Next(tt.ch, p, earliest)
			require.NoError(t, err)
			require.True(t, got.Equal(want), "got %v, want %v", got, want)
			require.Equal(t, p.Location, got.Location())
			require.True(t, s.Contains(tt.ch, p, got))
			if got.After(earliest) {
				require.False(t, s.Contains(tt.ch, p, got.Add(-time.Nanosecond)), "an earlier instant was valid")
			}
			sp, err := s.NextSpread(tt.ch, p, earliest, 42)
			require.NoError(t, err)
			require.False(t, sp.Before(got))
			require.Equal(t, timing.DateOf(got), timing.DateOf(sp))
			require.True(t, s.Contains(tt.ch, p, sp))
		})
	}
}

// TestNextDefaultWindows covers every default window of docs/architecture.md.
func TestNextDefaultWindows(t *testing.T) {
	t.Parallel()
	s := newScheduler(t, timing.SchedulerConfig{})
	const syd, chi = "Australia/Sydney", "America/Chicago"
	runSlotCases(t, s, []slotCase{
		// Email 09:00–11:00 Mon–Fri. 2026-06-09 is a Tuesday.
		{"email before window", channel.Email, syd, "AU", "NSW", "2026-06-09 08:00", "2026-06-09 09:00"},
		{"email at opening", channel.Email, syd, "AU", "NSW", "2026-06-09 09:00", "2026-06-09 09:00"},
		{"email inside window", channel.Email, syd, "AU", "NSW", "2026-06-09 10:59", "2026-06-09 10:59"},
		{"email at closing", channel.Email, syd, "AU", "NSW", "2026-06-09 11:00", "2026-06-10 09:00"},
		{"email Friday afternoon", channel.Email, syd, "AU", "NSW", "2026-06-12 16:00", "2026-06-15 09:00"},
		{"email Saturday", channel.Email, syd, "AU", "NSW", "2026-06-13 10:00", "2026-06-15 09:00"},
		{"email King's Birthday NSW", channel.Email, syd, "AU", "NSW", "2026-06-05 12:00", "2026-06-09 09:00"},
		{"email King's Birthday QLD is later", channel.Email, "Australia/Brisbane", "AU", "QLD", "2026-06-05 12:00", "2026-06-08 09:00"},
		{"email Easter", channel.Email, syd, "AU", "", "2026-04-02 12:00", "2026-04-07 09:00"},
		// Voice and SMS 09:00–17:00.
		{"voice before", channel.Voice, syd, "AU", "NSW", "2026-06-09 06:30", "2026-06-09 09:00"},
		{"voice last minute", channel.Voice, syd, "AU", "NSW", "2026-06-09 16:59", "2026-06-09 16:59"},
		{"voice at 17:00", channel.Voice, syd, "AU", "NSW", "2026-06-09 17:00", "2026-06-10 09:00"},
		{"sms before", channel.SMS, chi, "US", "IL", "2026-06-09 06:30", "2026-06-09 09:00"},
		{"sms at 17:00", channel.SMS, chi, "US", "IL", "2026-06-09 17:00", "2026-06-10 09:00"},
		{"voice Juneteenth", channel.Voice, chi, "US", "", "2026-06-18 17:00", "2026-06-22 09:00"},
		{"voice Thanksgiving", channel.Voice, chi, "US", "", "2026-11-25 17:00", "2026-11-27 09:00"},
		{"voice Independence Day observed Friday", channel.Voice, chi, "US", "", "2026-07-02 17:00", "2026-07-06 09:00"},
		// LinkedIn 08:00–18:00.
		{"linkedin before", channel.LinkedIn, "Europe/London", "GB", "", "2026-06-09 07:00", "2026-06-09 08:00"},
		{"linkedin last minute", channel.LinkedIn, "Europe/London", "GB", "", "2026-06-09 17:59", "2026-06-09 17:59"},
		{"linkedin at 18:00", channel.LinkedIn, "Europe/London", "GB", "", "2026-06-09 18:00", "2026-06-10 08:00"},
		{"linkedin GB bank holiday", channel.LinkedIn, "Europe/London", "GB", "", "2026-05-01 18:00", "2026-05-05 08:00"},
		// Direct mail: any business day, all day.
		{"mail midweek", channel.Mail, syd, "AU", "NSW", "2026-06-10 23:30", "2026-06-10 23:30"},
		{"mail Saturday", channel.Mail, syd, "AU", "NSW", "2026-06-13 13:00", "2026-06-15 00:00"},
		{"mail Good Friday", channel.Mail, syd, "AU", "NSW", "2026-04-03 09:00", "2026-04-07 00:00"},
		{"mail Christmas", channel.Mail, syd, "AU", "", "2026-12-24 23:59", "2026-12-24 23:59"},
		{"mail after Christmas Eve", channel.Mail, syd, "AU", "", "2026-12-25 00:00", "2026-12-29 00:00"},
		// A country without holidays still skips weekends.
		{"no country", channel.Email, "Asia/Tokyo", "", "", "2026-01-01 12:00", "2026-01-02 09:00"},
		// Half-hour and 45-minute zones.
		{"Adelaide", channel.Email, "Australia/Adelaide", "AU", "SA", "2026-06-09 08:59", "2026-06-09 09:00"},
		{"Kathmandu", channel.Voice, "Asia/Kathmandu", "NP", "", "2026-06-12 17:00", "2026-06-15 09:00"},
		{"Chatham", channel.Email, "Pacific/Chatham", "NZ", "", "2026-02-05 11:00", "2026-02-09 09:00"},
	})
}

// TestNextLegalCeilings configures windows wider than the law allows and
// checks the ceilings still hold.
func TestNextLegalCeilings(t *testing.T) {
	t.Parallel()
	wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
	wideHol := wide
	wideHol.OpenOnHolidays = true
	s := newScheduler(t, timing.SchedulerConfig{Windows: timing.Windows{
		channel.Voice: wide, channel.SMS: wide, channel.Email: wide,
	}})
	sh := newScheduler(t, timing.SchedulerConfig{Windows: timing.Windows{channel.Voice: wideHol}})
	const syd, chi = "Australia/Sydney", "America/Chicago"
	t.Run("configured", func(t *testing.T) {
		t.Parallel()
		runSlotCases(t, s, []slotCase{
			// AU calls: weekdays 09:00–20:00, Saturday 09:00–17:00, never Sunday.
			{"AU weekday early", channel.Voice, syd, "AU", "NSW", "2026-06-09 07:00", "2026-06-09 09:00"},
			{"AU weekday late", channel.Voice, syd, "AU", "NSW", "2026-06-09 19:59", "2026-06-09 19:59"},
			{"AU weekday 20:00", channel.Voice, syd, "AU", "NSW", "2026-06-09 20:00", "2026-06-10 09:00"},
			{"AU Saturday", channel.Voice, syd, "AU", "NSW", "2026-06-13 08:00", "2026-06-13 09:00"},
			{"AU Saturday 16:59", channel.Voice, syd, "AU", "NSW", "2026-06-13 16:59", "2026-06-13 16:59"},
			{"AU Saturday 17:00", channel.Voice, syd, "AU", "NSW", "2026-06-13 17:00", "2026-06-15 09:00"},
			{"AU Sunday", channel.Voice, syd, "AU", "NSW", "2026-06-14 10:00", "2026-06-15 09:00"},
			{"AU lower-case country", channel.Voice, syd, "au", "nsw", "2026-06-14 10:00", "2026-06-15 09:00"},
			{"AU Friday night", channel.Voice, "Australia/Perth", "AU", "WA", "2026-06-12 21:00", "2026-06-13 09:00"},
			// The AU ceiling is for calls only.
			{"AU SMS on Sunday", channel.SMS, syd, "AU", "NSW", "2026-06-14 07:30", "2026-06-14 07:30"},
			{"AU email late", channel.Email, syd, "AU", "NSW", "2026-06-09 21:30", "2026-06-09 21:30"},
			// US calls and texts: 08:00–21:00 every day.
			{"US voice early", channel.Voice, chi, "US", "IL", "2026-06-09 07:00", "2026-06-09 08:00"},
			{"US voice late", channel.Voice, chi, "US", "IL", "2026-06-09 20:59", "2026-06-09 20:59"},
			{"US voice 21:00", channel.Voice, chi, "US", "IL", "2026-06-09 21:00", "2026-06-10 08:00"},
			{"US voice Sunday", channel.Voice, chi, "US", "IL", "2026-06-14 07:00", "2026-06-14 08:00"},
			{"US sms early", channel.SMS, "America/Los_Angeles", "US", "CA", "2026-06-09 07:59", "2026-06-09 08:00"},
			{"US sms 21:00", channel.SMS, "America/Los_Angeles", "US", "CA", "2026-06-09 21:00", "2026-06-10 08:00"},
			{"US email not limited", channel.Email, chi, "US", "IL", "2026-06-09 07:00", "2026-06-09 07:00"},
			{"no ceiling elsewhere", channel.Voice, "Europe/London", "GB", "", "2026-06-09 07:00", "2026-06-09 07:00"},
			// Called-party local time: a Honolulu number at 07:30 local.
			{"US Hawaii", channel.Voice, "Pacific/Honolulu", "US", "HI", "2026-06-09 07:30", "2026-06-09 08:00"},
		})
	})
	t.Run("open on holidays", func(t *testing.T) {
		t.Parallel()
		runSlotCases(t, sh, []slotCase{
			// Anzac Day (Saturday) is national: closed; Sunday closed; the WA
			// Monday holiday is not national, and the window opens on holidays.
			{"AU Anzac Day", channel.Voice, "Australia/Perth", "AU", "WA", "2026-04-25 10:00", "2026-04-27 09:00"},
			// Christmas Friday, Boxing Day Saturday and its Monday are national.
			{"AU Christmas", channel.Voice, syd, "AU", "NSW", "2026-12-24 20:00", "2026-12-29 09:00"},
			// A state holiday does not close an open-on-holidays window.
			{"AU King's Birthday", channel.Voice, syd, "AU", "NSW", "2026-06-08 07:00", "2026-06-08 09:00"},
			// US holidays are not in the ceiling.
			{"US Thanksgiving", channel.Voice, chi, "US", "", "2026-11-26 07:00", "2026-11-26 08:00"},
		})
	})
	t.Run("closed on holidays", func(t *testing.T) {
		t.Parallel()
		runSlotCases(t, s, []slotCase{
			{"AU WA Anzac Monday", channel.Voice, "Australia/Perth", "AU", "WA", "2026-04-25 10:00", "2026-04-28 09:00"},
			{"US Thanksgiving", channel.Voice, chi, "US", "", "2026-11-26 07:00", "2026-11-27 08:00"},
		})
	})
}

func TestNextExtraCeiling(t *testing.T) {
	t.Parallel()
	eight := timing.Hours{Start: timing.HM(8, 0), End: timing.HM(20, 0)}
	florida := timing.Ceiling{
		Country: "US", Region: "FL", Channels: channel.SetOf(channel.Voice, channel.SMS),
		Hours:  timing.Week{eight, eight, eight, eight, eight, eight, eight},
		Source: "Florida Telephone Solicitation Act",
	}
	wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
	s := newScheduler(t, timing.SchedulerConfig{
		Windows:  timing.Windows{channel.Voice: wide},
		Ceilings: []timing.Ceiling{florida},
	})
	runSlotCases(t, s, []slotCase{
		{"FL 20:00", channel.Voice, "America/New_York", "US", "FL", "2026-06-09 20:00", "2026-06-10 08:00"},
		{"FL lower case", channel.Voice, "America/New_York", "US", "fl", "2026-06-09 20:00", "2026-06-10 08:00"},
		{"GA 20:00", channel.Voice, "America/New_York", "US", "GA", "2026-06-09 20:00", "2026-06-09 20:00"},
		{"GA 21:00, federal ceiling", channel.Voice, "America/New_York", "US", "GA", "2026-06-09 21:00", "2026-06-10 08:00"},
	})
}

// TestNextDST checks slots across clock changes; instants worked out by hand.
func TestNextDST(t *testing.T) {
	t.Parallel()
	s := newScheduler(t, timing.SchedulerConfig{})
	utc := func(v string) time.Time {
		x, err := time.Parse(time.RFC3339, v)
		require.NoError(t, err)
		return x
	}
	tests := []struct {
		name     string
		ch       channel.Kind
		zone     string
		country  string
		region   string
		earliest time.Time
		want     time.Time
	}{
		// Friday 17:00 EST to Monday 09:00 EDT: 13:00Z, not 14:00Z.
		{"New York spring", channel.Voice, "America/New_York", "US", "NY", utc("2026-03-06T22:00:00Z"), utc("2026-03-09T13:00:00Z")},
		// Friday 17:00 EDT to Monday 09:00 EST.
		{"New York autumn", channel.Voice, "America/New_York", "US", "NY", utc("2026-10-30T21:00:00Z"), utc("2026-11-02T14:00:00Z")},
		// Friday 17:00 AEST to Tuesday 09:00 AEDT (Monday is Labour Day in NSW).
		{"Sydney spring NSW", channel.Voice, "Australia/Sydney", "AU", "NSW", utc("2026-10-02T07:00:00Z"), utc("2026-10-05T22:00:00Z")},
		// Same without a state: Monday 09:00 AEDT.
		{"Sydney spring, no state", channel.Voice, "Australia/Sydney", "AU", "", utc("2026-10-02T07:00:00Z"), utc("2026-10-04T22:00:00Z")},
		// Thursday 2 April 17:00 AEDT: Good Friday, weekend (clocks go back),
		// Easter Monday, so Tuesday 7 April 09:00 AEST.
		{"Sydney autumn", channel.Voice, "Australia/Sydney", "AU", "NSW", utc("2026-04-02T06:00:00Z"), utc("2026-04-06T23:00:00Z")},
		// Lord Howe: Friday 2 October 11:00 +10:30 to Monday 5 October 09:00 +11.
		{"Lord Howe spring", channel.Email, "Australia/Lord_Howe", "AU", "", utc("2026-10-02T00:30:00Z"), utc("2026-10-04T22:00:00Z")},
		// London: Friday 27 March 18:00 GMT to Monday 30 March 08:00 BST.
		{"London spring", channel.LinkedIn, "Europe/London", "GB", "", utc("2026-03-27T18:00:00Z"), utc("2026-03-30T07:00:00Z")},
		// Cairo's Friday 24 April 2026 has no midnight: mail opens at 01:00 EEST.
		{"Cairo midnight gap", channel.Mail, "Africa/Cairo", "EG", "", utc("2026-04-23T21:59:00Z"), utc("2026-04-23T21:59:00Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := timing.Recipient{Location: mustLoad(t, tt.zone), Country: tt.country, Region: tt.region}
			got, err := s.Next(tt.ch, p, tt.earliest)
			require.NoError(t, err)
			require.True(t, got.Equal(tt.want), "got %v (%v), want %v", got, got.UTC(), tt.want)
		})
	}

	cairo := timing.Recipient{Location: mustLoad(t, "Africa/Cairo"), Country: "EG"}
	start, end, ok := s.WindowOn(channel.Mail, cairo, date(t, "2026-04-24"))
	require.True(t, ok)
	require.True(t, start.Equal(utc("2026-04-23T22:00:00Z")), "%v", start) // 01:00 EEST
	require.True(t, end.Equal(utc("2026-04-24T21:00:00Z")), "%v", end)     // Saturday 00:00 EEST
	// Thursday's window ends where Friday's starts.
	_, thuEnd, ok := s.WindowOn(channel.Mail, cairo, date(t, "2026-04-23"))
	require.True(t, ok)
	require.True(t, thuEnd.Equal(start))
}

// TestWindowOnDSTEdges uses windows placed on the clock changes.
func TestWindowOnDSTEdges(t *testing.T) {
	t.Parallel()
	utc := func(v string) time.Time {
		x, err := time.Parse(time.RFC3339, v)
		require.NoError(t, err)
		return x
	}
	every := func(start, end timing.TimeOfDay) timing.SchedulerConfig {
		return timing.SchedulerConfig{Windows: timing.Windows{
			channel.Email: {Start: start, End: end, Days: timing.EveryDay, OpenOnHolidays: true},
			channel.Mail:  {Start: 0, End: timing.HM(24, 0), Days: timing.EveryDay, OpenOnHolidays: true},
		}}
	}
	tests := []struct {
		name       string
		cfg        timing.SchedulerConfig
		ch         channel.Kind
		zone, day  string
		start, end string // UTC; empty when the window is shut
	}{
		// Lord Howe 2026-10-04: 02:00 +10:30 -> 02:30 +11. 02:15 resolves to 02:30.
		{"Lord Howe gap start", every(timing.HM(2, 15), timing.HM(2, 45)), channel.Email, "Australia/Lord_Howe", "2026-10-04", "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z"},
		// Lord Howe 2026-04-05: 02:00 +11 -> 01:30 +10:30. 01:45 first at +11.
		{"Lord Howe repeated start", every(timing.HM(1, 45), timing.HM(3, 0)), channel.Email, "Australia/Lord_Howe", "2026-04-05", "2026-04-04T14:45:00Z", "2026-04-04T16:30:00Z"},
		// New York 2026-03-08: 02:00–02:30 does not exist at all.
		{"New York window in gap", every(timing.HM(2, 0), timing.HM(2, 30)), channel.Email, "America/New_York", "2026-03-08", "", ""},
		// New York 2026-11-01: 01:00–01:30 resolves to the first (EDT) pass.
		{"New York repeated window", every(timing.HM(1, 0), timing.HM(1, 30)), channel.Email, "America/New_York", "2026-11-01", "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z"},
		// Havana 2026-03-08 has no midnight; 2026-11-01 has two.
		{"Havana no midnight", every(timing.HM(9, 0), timing.HM(10, 0)), channel.Mail, "America/Havana", "2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"},
		{"Havana two midnights", every(timing.HM(9, 0), timing.HM(10, 0)), channel.Mail, "America/Havana", "2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"},
		// Santiago 2026-04-04 (Saturday) is 25 hours long.
		{"Santiago long day", every(timing.HM(9, 0), timing.HM(10, 0)), channel.Mail, "America/Santiago", "2026-04-04", "2026-04-04T03:00:00Z", "2026-04-05T04:00:00Z"},
		// Sydney 2026-10-04: 02:00 AEST -> 03:00 AEDT.
		{"Sydney spring", every(timing.HM(2, 30), timing.HM(4, 0)), channel.Email, "Australia/Sydney", "2026-10-04", "2026-10-03T16:00:00Z", "2026-10-03T17:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScheduler(t, tt.cfg)
			p := timing.Recipient{Location: mustLoad(t, tt.zone)}
			start, end, ok := s.WindowOn(tt.ch, p, date(t, tt.day))
			if tt.start == "" {
				require.False(t, ok)
				// Next skips the day to the following one.
				got, err := s.Next(tt.ch, p, date(t, tt.day).At(0, p.Location))
				require.NoError(t, err)
				require.Equal(t, date(t, tt.day)+1, timing.DateOf(got))
				return
			}
			require.True(t, ok)
			require.True(t, start.Equal(utc(tt.start)), "start %v (%v)", start, start.UTC())
			require.True(t, end.Equal(utc(tt.end)), "end %v (%v)", end, end.UTC())
			got, err := s.Next(tt.ch, p, date(t, tt.day).At(0, p.Location))
			require.NoError(t, err)
			require.True(t, got.Equal(start))
			require.True(t, s.Contains(tt.ch, p, start))
			require.True(t, s.Contains(tt.ch, p, end.Add(-time.Nanosecond)))
			if tt.ch == channel.Email { // mail windows run on into the next day's
				require.False(t, s.Contains(tt.ch, p, end))
			}
		})
	}
}

func TestSchedulerErrors(t *testing.T) {
	t.Parallel()
	s := newScheduler(t, timing.SchedulerConfig{})
	syd := timing.Recipient{Location: mustLoad(t, "Australia/Sydney"), Country: "AU"}
	now := local(t, "Australia/Sydney", "2026-06-09 10:00")

	_, err := s.Next("fax", syd, now)
	require.ErrorIs(t, err, timing.ErrUnknownChannel)
	require.Contains(t, err.Error(), `"fax"`)
	_, err = s.NextSpread("fax", syd, now, 1)
	require.ErrorIs(t, err, timing.ErrUnknownChannel)
	_, err = s.Next(channel.Email, timing.Recipient{Country: "AU"}, now)
	require.ErrorIs(t, err, timing.ErrNoLocation)
	require.False(t, s.Contains("fax", syd, now))
	require.False(t, s.Contains(channel.Email, timing.Recipient{}, now))
	_, _, ok := s.WindowOn("fax", syd, date(t, "2026-06-09"))
	require.False(t, ok)

	// Calls on Sundays only: the AU ceiling forbids every one of them.
	sundays := newScheduler(t, timing.SchedulerConfig{Windows: timing.Windows{
		channel.Voice: {Start: timing.HM(9, 0), End: timing.HM(17, 0), Days: timing.WeekdaysOf(time.Sunday)},
	}})
	_, err = sundays.Next(channel.Voice, syd, now)
	require.ErrorIs(t, err, timing.ErrNoSlot)
	_, err = sundays.NextSpread(channel.Voice, syd, now, 7)
	require.ErrorIs(t, err, timing.ErrNoSlot)
	// Elsewhere Sunday calls are allowed.
	got, err := sundays.Next(channel.Voice, timing.Recipient{Location: syd.Location, Country: "NZ"}, now)
	require.NoError(t, err)
	require.Equal(t, time.Sunday, got.Weekday())

	// A calendar where every day is a holiday leaves no slot.
	closed := newScheduler(t, timing.SchedulerConfig{Calendar: timing.CalendarFunc(func(timing.Date, string, string) (bool, bool) { return true, false })})
	_, err = closed.Next(channel.Email, syd, now)
	require.ErrorIs(t, err, timing.ErrNoSlot)

	w, ok := s.Window(channel.Email)
	require.True(t, ok)
	require.Equal(t, timing.DefaultWindows()[channel.Email], w)
}

// TestCustomCalendar checks a host calendar is asked with the recipient's
// country and region, and its answers are obeyed.
func TestCustomCalendar(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var asked []string
	shutdown := date(t, "2026-06-10")
	cal := timing.CalendarFunc(func(d timing.Date, country, region string) (bool, bool) {
		mu.Lock()
		asked = append(asked, country+"/"+region)
		mu.Unlock()
		return d == shutdown, false
	})
	s := newScheduler(t, timing.SchedulerConfig{Calendar: cal})
	p := timing.Recipient{Location: mustLoad(t, "Australia/Sydney"), Country: "au", Region: "NSW"}
	got, err := s.Next(channel.Email, p, local(t, "Australia/Sydney", "2026-06-09 12:00"))
	require.NoError(t, err)
	require.True(t, got.Equal(local(t, "Australia/Sydney", "2026-06-11 09:00")), "%v", got)
	require.Contains(t, asked, "AU/NSW")
	// King's Birthday is not in this calendar.
	got, err = s.Next(channel.Email, p, local(t, "Australia/Sydney", "2026-06-08 08:00"))
	require.NoError(t, err)
	require.True(t, got.Equal(local(t, "Australia/Sydney", "2026-06-08 09:00")))
}

func TestNextSpread(t *testing.T) {
	t.Parallel()
	s := newScheduler(t, timing.SchedulerConfig{})
	p := timing.Recipient{Location: mustLoad(t, "America/New_York"), Country: "US", Region: "NY"}
	earliest := local(t, "America/New_York", "2026-06-09 07:00") // Tuesday
	open := local(t, "America/New_York", "2026-06-09 09:00")
	closing := local(t, "America/New_York", "2026-06-09 11:00")

	// 12 buckets of 10 minutes over the 2-hour email window: 10,000 keys
	// should fill each with 10000/12 ≈ 833, within 5 standard deviations (±138).
	var buckets [12]int
	seen := map[time.Time]bool{}
	for key := range uint64(10000) {
		got, err := s.NextSpread(channel.Email, p, earliest, key)
		require.NoError(t, err)
		require.False(t, got.Before(open))
		require.True(t, got.Before(closing))
		require.Zero(t, got.Nanosecond())
		again, err := s.NextSpread(channel.Email, p, earliest, key)
		require.NoError(t, err)
		require.True(t, got.Equal(again), "same key, same answer")
		buckets[got.Sub(open)/(10*time.Minute)]++
		seen[got] = true
	}
	for i, n := range buckets {
		require.InDelta(t, 833, n, 138, "bucket %d", i)
	}
	require.Greater(t, len(seen), 5000, "keys land on many different seconds")

	// Mid-window: only the part still ahead is used.
	mid := local(t, "America/New_York", "2026-06-09 10:30")
	for key := range uint64(1000) {
		got, err := s.NextSpread(channel.Email, p, mid, key)
		require.NoError(t, err)
		require.False(t, got.Before(mid))
		require.True(t, got.Before(closing))
	}
	// The last second of the window has nowhere to spread to.
	last := closing.Add(-time.Second)
	got, err := s.NextSpread(channel.Email, p, last, 99)
	require.NoError(t, err)
	require.True(t, got.Equal(last))
}

// oracle is an independent statement of the rules: the hours per channel,
// country and weekday, written out by hand from docs/architecture.md and the ceilings.
type oracle struct {
	windows timing.Windows
	cal     *timing.HolidayCalendar
}

func (o oracle) hours(ch channel.Kind, country string, wd time.Weekday) (h timing.Hours, skipHoliday, skipNational bool) {
	w := o.windows[ch]
	if w.Days.Has(wd) {
		h = timing.Hours{Start: w.Start, End: w.End}
	}
	clamp := func(from, to timing.TimeOfDay) {
		h.Start, h.End = max(h.Start, from), min(h.End, to)
		if h.Start >= h.End {
			h = timing.Hours{}
		}
	}
	switch {
	case country == "AU" && ch == channel.Voice:
		skipNational = true
		switch wd {
		case time.Sunday:
			h = timing.Hours{}
		case time.Saturday:
			clamp(timing.HM(9, 0), timing.HM(17, 0))
		default:
			clamp(timing.HM(9, 0), timing.HM(20, 0))
		}
	case country == "US" && (ch == channel.Voice || ch == channel.SMS):
		clamp(timing.HM(8, 0), timing.HM(21, 0))
	}
	return h, !w.OpenOnHolidays, skipNational
}

// day returns day d's window for the recipient, or ok false when shut.
func (o oracle) day(ch channel.Kind, p timing.Recipient, d timing.Date) (h timing.Hours, start, end time.Time, ok bool) {
	h, skipHol, skipNat := o.hours(ch, p.Country, d.Weekday())
	if !h.Open() {
		return h, start, end, false
	}
	hol, nat := o.cal.Holiday(d, p.Country, p.Region)
	if hol && skipHol || nat && skipNat {
		return h, start, end, false
	}
	start, end = d.At(h.Start, p.Location), d.At(h.End, p.Location)
	return h, start, end, start.Before(end)
}

// wallValid says whether instant u is a valid send time by its wall clock
// alone: a business day and a wall time inside the day's hours.
func (o oracle) wallValid(ch channel.Kind, p timing.Recipient, u time.Time) bool {
	lu := u.In(p.Location)
	d := timing.DateOf(lu)
	h, _, _, ok := o.day(ch, p, d)
	tod := timing.TimeOfDayOf(lu)
	return ok && tod >= h.Start && tod < h.End
}

// TestSlotProperties checks, for thousands of random instants in every
// zone of the tz database and every channel, that Next's answer is not
// before earliest, lies inside its day's window in local time on a business
// day, and that no earlier valid instant exists; and that NextSpread stays in
// the same window.
func TestSlotProperties(t *testing.T) {
	t.Parallel()
	hc := timing.NewHolidayCalendar()
	wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
	configs := map[string]timing.Windows{
		"default": timing.DefaultWindows(),
		"wide": timing.Windows{
			channel.Email: wide, channel.Voice: wide, channel.SMS: wide,
			channel.LinkedIn: {Start: timing.HM(6, 30), End: timing.HM(23, 45), Days: timing.WeekdaysOf(time.Monday, time.Wednesday, time.Saturday), OpenOnHolidays: true},
			channel.Mail:     {Start: 0, End: timing.HM(24, 0), Days: timing.EveryDay},
		}.WithDefaults(),
	}
	countries := []struct{ country, region string }{
		{"AU", ""}, {"AU", "NSW"}, {"AU", "VIC"}, {"AU", "WA"}, {"AU", "QLD"}, {"AU", "SA"}, {"AU", "TAS"}, {"AU", "NT"}, {"AU", "ACT"},
		{"US", ""}, {"US", "CA"}, {"GB", ""}, {"NZ", ""}, {"DE", "BY"}, {"", ""},
	}
	zones := allZones(t)
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	until := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for name, ws := range configs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newScheduler(t, timing.SchedulerConfig{Windows: ws, Calendar: hc})
			o := oracle{windows: ws, cal: hc}
			rng := rand.New(rand.NewPCG(5, uint64(len(name))))
			cases, scanned := 0, 0
			for _, zone := range zones {
				loc := mustLoad(t, zone)
				for range 6 {
					cr := countries[rng.IntN(len(countries))]
					p := timing.Recipient{Location: loc, Country: cr.country, Region: cr.region}
					earliest := time.Unix(from+rng.Int64N(until-from), rng.Int64N(1e9))
					for _, ch := range channel.Kinds() {
						cases++
						got, err := s.Next(ch, p, earliest)
						require.NoError(t, err, "%s %s %v", zone, ch, earliest)
						require.False(t, got.Before(earliest), "%s %s: %v before %v", zone, ch, got, earliest)

						// Inside its day's window, by instants and by wall clock.
						d := timing.DateIn(got, loc)
						h, start, end, ok := o.day(ch, p, d)
						require.True(t, ok, "%s %s %v: %v is not a business day", zone, ch, earliest, d)
						require.False(t, got.Before(start), "%s %s: %v before window %v", zone, ch, got, start)
						require.True(t, got.Before(end), "%s %s: %v after window %v", zone, ch, got, end)
						require.True(t, o.wallValid(ch, p, got), "%s %s: %v wall clock outside %v-%v", zone, ch, got.In(loc), h.Start, h.End)
						require.True(t, s.Contains(ch, p, got))

						// Nothing valid before it: every earlier day is shut or
						// its window over by earliest, and on the day itself the
						// answer is the window's start or earliest.
						for e := timing.DateIn(earliest, loc); e < d; e++ {
							_, _, eEnd, ok := o.day(ch, p, e)
							require.True(t, !ok || !earliest.Before(eEnd), "%s %s %v: day %v was open", zone, ch, earliest, e)
						}
						if earliest.After(start) {
							require.True(t, got.Equal(earliest))
						} else {
							require.True(t, got.Equal(start))
						}

						// A minute-by-minute scan, for a sample.
						if rng.IntN(20) == 0 {
							scanned++
							for u := earliest.Truncate(time.Minute).Add(time.Minute); u.Before(got); u = u.Add(time.Minute) {
								require.False(t, o.wallValid(ch, p, u), "%s %s: %v valid before %v", zone, ch, u.In(loc), got)
							}
						}

						// NextSpread: same window, not before Next, deterministic.
						key := rng.Uint64()
						sp, err := s.NextSpread(ch, p, earliest, key)
						require.NoError(t, err)
						require.False(t, sp.Before(got))
						require.True(t, sp.Before(end))
						require.Equal(t, d, timing.DateIn(sp, loc))
						require.True(t, o.wallValid(ch, p, sp), "%s %s: spread %v outside the window", zone, ch, sp.In(loc))
						again, err := s.NextSpread(ch, p, earliest, key)
						require.NoError(t, err)
						require.True(t, sp.Equal(again))

						// WindowOn agrees with the oracle.
						ws, we, ok := s.WindowOn(ch, p, d)
						require.True(t, ok)
						require.True(t, ws.Equal(start) && we.Equal(end))
					}
				}
			}
			require.Greater(t, cases, 5000)
			require.Greater(t, scanned, 100)
		})
	}
}

// TestContainsAgreesWithWallClock checks Contains at random instants
// against the oracle's wall-clock rule.
func TestContainsAgreesWithWallClock(t *testing.T) {
	t.Parallel()
	hc := timing.NewHolidayCalendar()
	s := newScheduler(t, timing.SchedulerConfig{Calendar: hc})
	o := oracle{windows: timing.DefaultWindows(), cal: hc}
	rng := rand.New(rand.NewPCG(9, 9))
	zones := allZones(t)
	inside := 0
	for range 20000 {
		p := timing.Recipient{Location: mustLoad(t, zones[rng.IntN(len(zones))]), Country: []string{"AU", "US", ""}[rng.IntN(3)]}
		u := time.Unix(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()+rng.Int64N(7*365*86400), 0)
		ch := channel.Kinds()[rng.IntN(5)]
		want := o.wallValid(ch, p, u)
		require.Equal(t, want, s.Contains(ch, p, u), "%s %s %v", p.Location, ch, u.In(p.Location))
		if want {
			inside++
		}
	}
	require.Greater(t, inside, 2000)
}

func TestSchedulerConcurrent(t *testing.T) {
	t.Parallel()
	s := newScheduler(t, timing.SchedulerConfig{})
	p := timing.Recipient{Location: mustLoad(t, "Australia/Melbourne"), Country: "AU", Region: "VIC"}
	want, err := s.Next(channel.Voice, p, local(t, "Australia/Melbourne", "2026-10-30 17:00"))
	require.NoError(t, err)
	// Friday 30 October 17:00: weekend, Monday 2 November, then Melbourne Cup.
	require.True(t, want.Equal(local(t, "Australia/Melbourne", "2026-11-02 09:00")))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for y := 2024; y < 2035; y++ {
				got, err := s.Next(channel.Voice, p, local(t, "Australia/Melbourne", "2026-10-30 17:00"))
				if err != nil || !got.Equal(want) {
					t.Errorf("got %v, %v", got, err)
				}
				_, _ = s.Next(channel.Email, p, time.Date(y, 12, 24, 12, 0, 0, 0, p.Location))
			}
		})
	}
	wg.Wait()
}

func benchInputs(b *testing.B) ([]timing.Recipient, []time.Time) {
	b.Helper()
	recipients := []timing.Recipient{
		{Location: mustLoad(b, "Australia/Sydney"), Country: "AU", Region: "NSW"},
		{Location: mustLoad(b, "Australia/Melbourne"), Country: "AU", Region: "VIC"},
		{Location: mustLoad(b, "Australia/Perth"), Country: "AU"},
		{Location: mustLoad(b, "America/New_York"), Country: "US", Region: "NY"},
		{Location: mustLoad(b, "America/Chicago"), Country: "US"},
		{Location: mustLoad(b, "America/Los_Angeles"), Country: "US", Region: "CA"},
	}
	rng := rand.New(rand.NewPCG(11, 12))
	instants := make([]time.Time, 4096)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for i := range instants {
		instants[i] = time.Unix(base+rng.Int64N(365*86400), 0)
	}
	return recipients, instants
}

func BenchmarkNext(b *testing.B) {
	s := newScheduler(b, timing.SchedulerConfig{})
	recipients, instants := benchInputs(b)
	kinds := channel.Kinds()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Next(kinds[i%len(kinds)], recipients[i%len(recipients)], instants[i%len(instants)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkNextSpread(b *testing.B) {
	s := newScheduler(b, timing.SchedulerConfig{})
	recipients, instants := benchInputs(b)
	kinds := channel.Kinds()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.NextSpread(kinds[i%len(kinds)], recipients[i%len(recipients)], instants[i%len(instants)], uint64(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkNextParallel(b *testing.B) {
	s := newScheduler(b, timing.SchedulerConfig{})
	recipients, instants := benchInputs(b)
	kinds := channel.Kinds()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.Next(kinds[i%len(kinds)], recipients[i%len(recipients)], instants[i%len(instants)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func BenchmarkHoliday(b *testing.B) {
	hc := timing.NewHolidayCalendar()
	d := timing.DateFromYMD(2026, 1, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		hc.Holiday(d+timing.Date(i%365), "AU", "NSW")
		i++
	}
}

func BenchmarkDateAt(b *testing.B) {
	loc := mustLoad(b, "Australia/Sydney")
	d := timing.DateFromYMD(2026, 1, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = (d + timing.Date(i%365)).At(timing.HM(9, 0), loc)
		i++
	}
}
