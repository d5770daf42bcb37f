package timing_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// usStateHours is an independent statement of the state table, written out
// by hand from the statutes cited in legal_us.go: the local hours calls may
// be made on weekday wd, in minutes. States without an entry keep the
// federal 08:00–21:00.
var usStateHours = map[string]func(wd time.Weekday) (from, to int){
	"CT": func(time.Weekday) (int, int) { return 9 * 60, 20 * 60 },
	"FL": func(time.Weekday) (int, int) { return 8 * 60, 20 * 60 },
	"KY": func(time.Weekday) (int, int) { return 10 * 60, 21 * 60 },
	"LA": monSat8to8,
	"MA": func(time.Weekday) (int, int) { return 8 * 60, 20 * 60 },
	"MD": func(time.Weekday) (int, int) { return 8 * 60, 20 * 60 },
	"MS": monSat8to8,
	"NM": func(time.Weekday) (int, int) { return 9 * 60, 21 * 60 },
	"OK": func(time.Weekday) (int, int) { return 8 * 60, 20 * 60 },
	"OR": func(time.Weekday) (int, int) { return 8 * 60, 20 * 60 },
	"RI": func(wd time.Weekday) (int, int) {
		switch wd {
		case time.Sunday:
			return 0, 0
		case time.Saturday:
			return 10 * 60, 17 * 60
		}
		return 9 * 60, 18 * 60
	},
	"TX": func(wd time.Weekday) (int, int) {
		if wd == time.Sunday {
			return 12 * 60, 21 * 60
		}
		return 9 * 60, 21 * 60
	},
	"WA": func(time.Weekday) (int, int) { return 8 * 60, 20 * 60 },
}

func monSat8to8(wd time.Weekday) (int, int) {
	if wd == time.Sunday {
		return 0, 0
	}
	return 8 * 60, 20 * 60
}

// usLegal reports whether instant u may carry a call or text under the
// federal hours and the hours of every state in states, by u's wall clock in
// loc.
func usLegal(u time.Time, loc *time.Location, states ...string) bool {
	lu := u.In(loc)
	tod := lu.Hour()*60 + lu.Minute()
	from, to := 8*60, 21*60
	for _, st := range states {
		if f, ok := usStateHours[st]; ok {
			a, b := f(lu.Weekday())
			from, to = max(from, a), min(to, b)
		}
	}
	return from <= tod && tod < to
}

func TestUSCallRules(t *testing.T) {
	t.Parallel()
	rules := timing.USCallRules()
	var states []string
	for _, r := range rules {
		states = append(states, r.State)
	}
	require.True(t, slices.IsSorted(states), "sorted by state: %v", states)
	want := []string{"CT", "FL", "KY", "LA", "MA", "MD", "MS", "NM", "OK", "OR", "RI", "TX", "WA"}
	require.Equal(t, want, states)
	require.Len(t, usStateHours, len(want))

	caps := map[string]int{"FL": 3, "OK": 3, "MD": 3, "OR": 3}
	verified := map[string]bool{"FL": true, "WA": true, "MS": true, "LA": true, "MA": true, "NM": true, "RI": true}
	for _, r := range rules {
		t.Run(r.State, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, r.Statute)
			require.Equal(t, caps[r.State], r.MaxCallsPer24h)
			require.Equal(t, verified[r.State], r.Verified)
			stricter := false
			for d := time.Sunday; d <= time.Saturday; d++ {
				from, to := usStateHours[r.State](d)
				h := r.Hours[d]
				if from >= to {
					require.False(t, h.Open(), "%s closed", d)
					stricter = true
					continue
				}
				require.Equal(t, timing.Hours{Start: timing.TimeOfDay(from), End: timing.TimeOfDay(to)}, h, d)
				require.GreaterOrEqual(t, h.Start, timing.HM(8, 0), "inside the federal hours")
				require.LessOrEqual(t, h.End, timing.HM(21, 0), "inside the federal hours")
				stricter = stricter || h.Start > timing.HM(8, 0) || h.End < timing.HM(21, 0)
			}
			require.True(t, stricter, "a row narrows the federal hours somewhere")

			for _, spelling := range []string{r.State, " " + r.State + " ", "us-" + r.State, string([]byte{r.State[0] | 0x20, r.State[1] | 0x20})} {
				got, ok := timing.USCallRule(spelling)
				require.True(t, ok, spelling)
				require.Equal(t, r, got)
			}
		})
	}
	for _, none := range []string{"GA", "CA", "AL", "SD", "NV", "", "F", "US-", "FLA"} {
		_, ok := timing.USCallRule(none)
		require.False(t, ok, none)
	}

	// The table is the caller's copy.
	rules[0].State = "ZZ"
	require.Equal(t, "CT", timing.USCallRules()[0].State)
}

// TestUSStateHours runs each state's hours through the Scheduler with a
// window wider than any law: 07:00–22:00 every day.
func TestUSStateHours(t *testing.T) {
	t.Parallel()
	wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay, OpenOnHolidays: true}
	s := newScheduler(t, timing.SchedulerConfig{Windows: timing.Windows{channel.Voice: wide, channel.SMS: wide, channel.Email: wide}})
	// 2026-06-09 is a Tuesday, 2026-06-14 a Sunday.
	tests := []struct {
		name        string
		ch          channel.Kind
		zone        string
		region      string
		phoneRegion string
		at          string // local
		allowed     bool
		next        string // local; "" means at itself
	}{
		{name: "FL 20:30 refused", ch: channel.Voice, zone: "America/New_York", region: "FL", at: "2026-06-09 20:30", next: "2026-06-10 08:00"},
		{name: "FL 19:59 allowed", ch: channel.Voice, zone: "America/New_York", region: "FL", at: "2026-06-09 19:59", allowed: true},
		{name: "FL 20:00 refused", ch: channel.SMS, zone: "America/New_York", region: "FL", at: "2026-06-09 20:00", next: "2026-06-10 08:00"},
		{name: "FL 07:59 refused", ch: channel.Voice, zone: "America/Chicago", region: "FL", at: "2026-06-09 07:59", next: "2026-06-09 08:00"},
		{name: "FL lower case", ch: channel.Voice, zone: "America/New_York", region: "fl", at: "2026-06-09 20:30", next: "2026-06-10 08:00"},
		{name: "FL Sunday allowed", ch: channel.Voice, zone: "America/New_York", region: "FL", at: "2026-06-14 10:00", allowed: true},
		{name: "FL email not limited", ch: channel.Email, zone: "America/New_York", region: "FL", at: "2026-06-09 21:30", allowed: true},
		{name: "OK 20:30 refused", ch: channel.Voice, zone: "America/Chicago", region: "OK", at: "2026-06-09 20:30", next: "2026-06-10 08:00"},
		{name: "OK 19:59 allowed", ch: channel.SMS, zone: "America/Chicago", region: "OK", at: "2026-06-09 19:59", allowed: true},
		{name: "MD 20:00 refused", ch: channel.Voice, zone: "America/New_York", region: "MD", at: "2026-06-09 20:00", next: "2026-06-10 08:00"},
		{name: "WA 20:15 refused", ch: channel.Voice, zone: "America/Los_Angeles", region: "WA", at: "2026-06-09 20:15", next: "2026-06-10 08:00"},
		{name: "WA 08:00 allowed", ch: channel.Voice, zone: "America/Los_Angeles", region: "WA", at: "2026-06-09 08:00", allowed: true},
		{name: "CT 08:30 refused", ch: channel.Voice, zone: "America/New_York", region: "CT", at: "2026-06-09 08:30", next: "2026-06-09 09:00"},
		{name: "CT 19:59 allowed", ch: channel.Voice, zone: "America/New_York", region: "CT", at: "2026-06-09 19:59", allowed: true},
		{name: "MS Sunday refused", ch: channel.Voice, zone: "America/Chicago", region: "MS", at: "2026-06-14 10:00", next: "2026-06-15 08:00"},
		{name: "MS Saturday 19:59", ch: channel.Voice, zone: "America/Chicago", region: "MS", at: "2026-06-13 19:59", allowed: true},
		{name: "MS Saturday 20:00", ch: channel.Voice, zone: "America/Chicago", region: "MS", at: "2026-06-13 20:00", next: "2026-06-15 08:00"},
		{name: "LA Sunday refused", ch: channel.SMS, zone: "America/Chicago", region: "LA", at: "2026-06-14 12:00", next: "2026-06-15 08:00"},
		{name: "TX 08:30 refused", ch: channel.Voice, zone: "America/Chicago", region: "TX", at: "2026-06-09 08:30", next: "2026-06-09 09:00"},
		{name: "TX 20:59 allowed", ch: channel.Voice, zone: "America/Chicago", region: "TX", at: "2026-06-09 20:59", allowed: true},
		{name: "TX Sunday morning", ch: channel.Voice, zone: "America/Chicago", region: "TX", at: "2026-06-14 11:59", next: "2026-06-14 12:00"},
		{name: "TX El Paso zone", ch: channel.Voice, zone: "America/Denver", region: "TX", at: "2026-06-14 11:00", next: "2026-06-14 12:00"},
		{name: "TX Sunday 11:00 refused", ch: channel.SMS, zone: "America/Chicago", region: "TX", at: "2026-06-14 11:00", next: "2026-06-14 12:00"},
		{name: "TX Saturday 11:00 allowed", ch: channel.Voice, zone: "America/Chicago", region: "TX", at: "2026-06-13 11:00", allowed: true},
		{name: "MA 20:00 refused", ch: channel.Voice, zone: "America/New_York", region: "MA", at: "2026-06-09 20:00", next: "2026-06-10 08:00"},
		{name: "MA 19:59 allowed", ch: channel.SMS, zone: "America/New_York", region: "MA", at: "2026-06-09 19:59", allowed: true},
		{name: "NM 08:30 refused", ch: channel.Voice, zone: "America/Denver", region: "NM", at: "2026-06-09 08:30", next: "2026-06-09 09:00"},
		{name: "NM 20:30 allowed", ch: channel.Voice, zone: "America/Denver", region: "NM", at: "2026-06-09 20:30", allowed: true},
		{name: "KY 09:30 refused", ch: channel.Voice, zone: "America/New_York", region: "KY", at: "2026-06-09 09:30", next: "2026-06-09 10:00"},
		{name: "OR 20:00 refused", ch: channel.SMS, zone: "America/Los_Angeles", region: "OR", at: "2026-06-09 20:00", next: "2026-06-10 08:00"},
		{name: "RI weekday 18:00 refused", ch: channel.Voice, zone: "America/New_York", region: "RI", at: "2026-06-09 18:00", next: "2026-06-10 09:00"},
		{name: "RI weekday 08:30 refused", ch: channel.Voice, zone: "America/New_York", region: "RI", at: "2026-06-09 08:30", next: "2026-06-09 09:00"},
		{name: "RI Saturday 09:30 refused", ch: channel.Voice, zone: "America/New_York", region: "RI", at: "2026-06-13 09:30", next: "2026-06-13 10:00"},
		{name: "RI Saturday 17:00 refused", ch: channel.SMS, zone: "America/New_York", region: "RI", at: "2026-06-13 17:00", next: "2026-06-15 09:00"},
		{name: "RI Sunday refused", ch: channel.Voice, zone: "America/New_York", region: "RI", at: "2026-06-14 12:00", next: "2026-06-15 09:00"},
		// Automated-device rules are not rows: Alabama keeps the federal hours.
		{name: "AL Sunday allowed", ch: channel.Voice, zone: "America/Chicago", region: "AL", at: "2026-06-14 12:00", allowed: true},
		// A state without a row keeps the federal hours.
		{name: "GA 20:30 allowed", ch: channel.Voice, zone: "America/New_York", region: "GA", at: "2026-06-09 20:30", allowed: true},
		{name: "GA 21:00 refused", ch: channel.Voice, zone: "America/New_York", region: "GA", at: "2026-06-09 21:00", next: "2026-06-10 08:00"},
		{name: "no region 07:30", ch: channel.SMS, zone: "America/New_York", at: "2026-06-09 07:30", next: "2026-06-09 08:00"},
		// The number's state counts too: the stricter of both.
		{name: "GA lead, FL number", ch: channel.Voice, zone: "America/New_York", region: "GA", phoneRegion: "FL", at: "2026-06-09 20:30", next: "2026-06-10 08:00"},
		{name: "FL lead, GA number", ch: channel.Voice, zone: "America/New_York", region: "FL", phoneRegion: "GA", at: "2026-06-09 20:30", next: "2026-06-10 08:00"},
		{name: "CT lead, FL number", ch: channel.Voice, zone: "America/New_York", region: "CT", phoneRegion: "FL", at: "2026-06-09 08:30", next: "2026-06-09 09:00"},
		{name: "FL lead, CT number", ch: channel.Voice, zone: "America/New_York", region: "FL", phoneRegion: "CT", at: "2026-06-09 19:30", allowed: true},
		{name: "IL lead, MS number Sunday", ch: channel.Voice, zone: "America/Chicago", region: "IL", phoneRegion: "MS", at: "2026-06-14 10:00", next: "2026-06-15 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(t, tt.zone)
			p := timing.Recipient{Location: loc, Country: "US", Region: tt.region, PhoneRegion: tt.phoneRegion}
			at := local(t, tt.zone, tt.at)
			require.Equal(t, tt.allowed, s.Contains(tt.ch, p, at))
			want := at
			if tt.next != "" {
				want = local(t, tt.zone, tt.next)
			}
			got, err := s.Next(tt.ch, p, at)
			require.NoError(t, err)
			require.True(t, got.Equal(want), "got %v, want %v", got, want)
			require.True(t, s.Contains(tt.ch, p, got))
			if got.After(at) {
				require.False(t, s.Contains(tt.ch, p, got.Add(-time.Second)))
			}
		})
	}
}

// TestTwoZones covers a lead and a number in different zones.
func TestTwoZones(t *testing.T) {
	t.Parallel()
	const ny, la = "America/New_York", "America/Los_Angeles"
	s := newScheduler(t, timing.SchedulerConfig{})
	lead := timing.Recipient{Location: mustLoad(t, ny), Country: "US", Region: "NY", PhoneLocation: mustLoad(t, la), PhoneRegion: "CA"}

	t.Run("New York lead, Los Angeles number", func(t *testing.T) {
		t.Parallel()
		// Tuesday 08:30 in New York is 05:30 in Los Angeles.
		at := local(t, ny, "2026-06-09 08:30")
		for _, ch := range []channel.Kind{channel.Voice, channel.SMS} {
			require.False(t, s.Contains(ch, lead, at), ch)
			got, err := s.Next(ch, lead, at)
			require.NoError(t, err)
			// 08:00 in Los Angeles; the 09:00 business window in New York is
			// already open.
			require.True(t, got.Equal(local(t, ny, "2026-06-09 11:00")), "%s: %v", ch, got)
			require.Equal(t, lead.Location, got.Location())
			require.True(t, s.Contains(ch, lead, got))
			require.False(t, s.Contains(ch, lead, got.Add(-time.Second)))
			start, end, ok := s.WindowOn(ch, lead, timing.DateFromYMD(2026, 6, 9))
			require.True(t, ok)
			require.True(t, start.Equal(got))
			require.True(t, end.Equal(local(t, ny, "2026-06-09 17:00")), "the business window ends in the lead's zone")
			for key := range uint64(200) {
				sp, err := s.NextSpread(ch, lead, at, key)
				require.NoError(t, err)
				require.False(t, sp.Before(got))
				require.True(t, sp.Before(end))
				require.True(t, s.Contains(ch, lead, sp))
			}
		}
		// Email is not a call: its window is the lead's alone.
		got, err := s.Next(channel.Email, lead, at)
		require.NoError(t, err)
		require.True(t, got.Equal(local(t, ny, "2026-06-09 09:00")))
	})

	t.Run("Los Angeles lead, New York number", func(t *testing.T) {
		t.Parallel()
		wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
		sw := newScheduler(t, timing.SchedulerConfig{Windows: timing.Windows{channel.Voice: wide}})
		p := timing.Recipient{Location: mustLoad(t, la), Country: "US", Region: "CA", PhoneLocation: mustLoad(t, ny), PhoneRegion: "NY"}
		// 18:30 in Los Angeles is 21:30 in New York: too late there.
		at := local(t, la, "2026-06-09 18:30")
		require.False(t, sw.Contains(channel.Voice, p, at))
		require.True(t, sw.Contains(channel.Voice, p, local(t, la, "2026-06-09 17:59")))
		got, err := sw.Next(channel.Voice, p, at)
		require.NoError(t, err)
		// 08:00 in Los Angeles the next day is 11:00 in New York.
		require.True(t, got.Equal(local(t, la, "2026-06-10 08:00")), "%v", got)
		start, end, ok := sw.WindowOn(channel.Voice, p, timing.DateFromYMD(2026, 6, 10))
		require.True(t, ok)
		require.True(t, start.Equal(local(t, la, "2026-06-10 08:00")))
		require.True(t, end.Equal(local(t, la, "2026-06-10 18:00")), "21:00 in New York")
	})

	t.Run("the number's state applies in both zones", func(t *testing.T) {
		t.Parallel()
		wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
		sw := newScheduler(t, timing.SchedulerConfig{Windows: timing.Windows{channel.Voice: wide}})
		// A Chicago lead in Illinois with a Florida number in New York time:
		// Florida's 20:00 closes at 19:00 in Chicago.
		p := timing.Recipient{Location: mustLoad(t, "America/Chicago"), Country: "US", Region: "IL", PhoneLocation: mustLoad(t, ny), PhoneRegion: "FL"}
		require.True(t, sw.Contains(channel.Voice, p, local(t, "America/Chicago", "2026-06-09 18:59")))
		require.False(t, sw.Contains(channel.Voice, p, local(t, "America/Chicago", "2026-06-09 19:00")))
		got, err := sw.Next(channel.Voice, p, local(t, "America/Chicago", "2026-06-09 19:00"))
		require.NoError(t, err)
		require.True(t, got.Equal(local(t, "America/Chicago", "2026-06-10 08:00")), "%v", got)
	})

	t.Run("a number half a day away splits the day", func(t *testing.T) {
		t.Parallel()
		wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
		sw := newScheduler(t, timing.SchedulerConfig{Windows: timing.Windows{channel.SMS: wide}})
		// Shanghai is 12 hours ahead of New York in June: its 08:00–21:00 is
		// New York's 20:00–09:00.
		p := timing.Recipient{Location: mustLoad(t, ny), Country: "US", PhoneLocation: mustLoad(t, "Asia/Shanghai"), PhoneCountry: "US"}
		start, end, ok := sw.WindowOn(channel.SMS, p, timing.DateFromYMD(2026, 6, 9))
		require.True(t, ok)
		require.True(t, start.Equal(local(t, ny, "2026-06-09 08:00")))
		require.True(t, end.Equal(local(t, ny, "2026-06-09 09:00")))
		require.False(t, sw.Contains(channel.SMS, p, local(t, ny, "2026-06-09 12:00")))
		got, err := sw.Next(channel.SMS, p, local(t, ny, "2026-06-09 09:00"))
		require.NoError(t, err)
		require.True(t, got.Equal(local(t, ny, "2026-06-09 20:00")), "%v", got)
		for key := range uint64(100) {
			sp, err := sw.NextSpread(channel.SMS, p, local(t, ny, "2026-06-09 09:00"), key)
			require.NoError(t, err)
			require.False(t, sp.Before(got))
			require.True(t, sp.Before(local(t, ny, "2026-06-09 21:00")))
			require.True(t, sw.Contains(channel.SMS, p, sp))
		}
	})

	t.Run("AU ignores the number's zone", func(t *testing.T) {
		t.Parallel()
		p := timing.Recipient{Location: mustLoad(t, "Australia/Sydney"), Country: "AU", Region: "NSW", PhoneLocation: mustLoad(t, "Australia/Perth")}
		// 09:00 in Sydney is 07:00 in Perth; the AU standard is read in the
		// lead's zone, as before.
		at := local(t, "Australia/Sydney", "2026-06-09 09:00")
		require.True(t, s.Contains(channel.Voice, p, at))
		got, err := s.Next(channel.Voice, p, at)
		require.NoError(t, err)
		require.True(t, got.Equal(at))
	})

	t.Run("a US number brings the US hours to a lead elsewhere", func(t *testing.T) {
		t.Parallel()
		wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
		sw := newScheduler(t, timing.SchedulerConfig{Windows: timing.Windows{channel.Voice: wide}})
		p := timing.Recipient{Location: mustLoad(t, "America/Toronto"), Country: "CA", Region: "ON", PhoneLocation: mustLoad(t, ny), PhoneCountry: "US", PhoneRegion: "FL"}
		require.False(t, sw.Contains(channel.Voice, p, local(t, "America/Toronto", "2026-06-09 20:30")))
		require.True(t, sw.Contains(channel.Voice, p, local(t, "America/Toronto", "2026-06-09 19:30")))
		// Without the number, Canada has no ceiling here.
		p.PhoneLocation, p.PhoneCountry, p.PhoneRegion = nil, "", ""
		require.True(t, sw.Contains(channel.Voice, p, local(t, "America/Toronto", "2026-06-09 20:30")))
	})
}

// TestUSSlotProperties checks, for random US leads and numbers, that every
// slot the Scheduler gives a call or text lies inside 08:00–21:00 and the
// stricter hours of the lead's and the number's states, in the lead's zone
// and in the number's; that it is the first such instant inside the
// business window; and that Contains agrees.
func TestUSSlotProperties(t *testing.T) {
	t.Parallel()
	zones := []string{
		"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
		"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico",
		"Pacific/Guam", "America/Detroit", "America/Boise", "America/Indiana/Indianapolis",
	}
	states := []string{"", "CT", "FL", "KY", "LA", "MA", "MD", "MS", "NM", "OK", "OR", "RI", "TX", "WA", "GA", "CA", "NY", "IL"}
	hc := timing.NewHolidayCalendar()
	wide := timing.Window{Start: timing.HM(6, 0), End: timing.HM(23, 0), Days: timing.EveryDay}
	configs := map[string]timing.Windows{
		"default": timing.DefaultWindows(),
		"wide":    timing.Windows{channel.Voice: wide, channel.SMS: wide}.WithDefaults(),
	}
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	until := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for name, ws := range configs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newScheduler(t, timing.SchedulerConfig{Windows: ws, Calendar: hc})
			o := oracle{windows: ws, cal: hc}
			rng := rand.New(rand.NewPCG(17, uint64(len(name))))
			// valid is the whole rule, by wall clocks.
			valid := func(ch channel.Kind, p timing.Recipient, u time.Time) bool {
				if !o.wallValid(ch, p, u) || !usLegal(u, p.Location, p.Region, p.PhoneRegion) {
					return false
				}
				return p.PhoneLocation == nil || usLegal(u, p.PhoneLocation, p.Region, p.PhoneRegion)
			}
			scanned, noSlot := 0, 0
			for i := range 3000 {
				p := timing.Recipient{
					Location:    mustLoad(t, zones[rng.IntN(len(zones))]),
					Country:     "US",
					Region:      states[rng.IntN(len(states))],
					PhoneRegion: states[rng.IntN(len(states))],
				}
				if rng.IntN(4) > 0 {
					p.PhoneLocation = mustLoad(t, zones[rng.IntN(len(zones))])
				}
				ch := []channel.Kind{channel.Voice, channel.SMS}[i%2]
				earliest := time.Unix(from+rng.Int64N(until-from), rng.Int64N(1e9))
				got, err := s.Next(ch, p, earliest)
				if errors.Is(err, timing.ErrNoSlot) {
					// Zones too far apart for the business window: nothing
					// is valid, a week of minutes says.
					noSlot++
					for u := earliest; u.Before(earliest.Add(8 * 24 * time.Hour)); u = u.Add(time.Minute) {
						require.False(t, valid(ch, p, u), "%s %+v: %v valid", ch, p, u)
					}
					continue
				}
				require.NoError(t, err)
				require.False(t, got.Before(earliest))
				msg := []any{"%s %+v from %v: %v", ch, p, earliest, got}
				for _, loc := range []*time.Location{p.Location, p.PhoneLocation} {
					if loc != nil {
						require.True(t, usLegal(got, loc), msg...)
						require.True(t, usLegal(got, loc, p.Region, p.PhoneRegion), msg...)
					}
				}
				require.True(t, valid(ch, p, got), msg...)
				require.True(t, s.Contains(ch, p, got), msg...)

				sp, err := s.NextSpread(ch, p, earliest, rng.Uint64())
				require.NoError(t, err)
				require.False(t, sp.Before(got))
				require.True(t, valid(ch, p, sp), "spread %v: %v", sp, msg)
				require.True(t, s.Contains(ch, p, sp))

				// Nothing valid before it, minute by minute, for a sample.
				if rng.IntN(15) == 0 {
					scanned++
					for u := earliest.Truncate(time.Minute).Add(time.Minute); u.Before(got); u = u.Add(time.Minute) {
						require.False(t, valid(ch, p, u), "%v valid before %v", u, msg)
					}
				}

				// Contains agrees with the wall clocks at a random instant.
				u := time.Unix(from+rng.Int64N(until-from), 0)
				require.Equal(t, valid(ch, p, u), s.Contains(ch, p, u), "%s %+v at %v", ch, p, u)
			}
			require.Greater(t, scanned, 100)
			require.Less(t, noSlot, 300, "most pairs of zones overlap")
		})
	}
}
