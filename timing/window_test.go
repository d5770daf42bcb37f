package timing_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

func TestDefaultWindows(t *testing.T) {
	t.Parallel()
	// docs/architecture.md: email 09:00–11:00; voice 09:00–17:00; SMS 09:00–17:00;
	// LinkedIn 08:00–18:00; direct mail any business day; Monday–Friday,
	// closed on public holidays.
	want := map[channel.Kind][2]string{
		channel.Email:    {"09:00", "11:00"},
		channel.Voice:    {"09:00", "17:00"},
		channel.SMS:      {"09:00", "17:00"},
		channel.LinkedIn: {"08:00", "18:00"},
		channel.Mail:     {"00:00", "24:00"},
	}
	ws := timing.DefaultWindows()
	require.Len(t, ws, len(channel.Kinds()))
	for _, k := range channel.Kinds() {
		w, ok := ws[k]
		require.True(t, ok, k)
		require.Equal(t, want[k][0], w.Start.String(), k)
		require.Equal(t, want[k][1], w.End.String(), k)
		require.Equal(t, timing.MondayToFriday, w.Days, k)
		require.False(t, w.OpenOnHolidays, k)
		require.NoError(t, w.Validate(), k)
	}
	require.NoError(t, ws.Validate())

	// A fresh map every call.
	ws[channel.Email] = timing.Window{}
	require.Equal(t, timing.HM(9, 0), timing.DefaultWindows()[channel.Email].Start)
}

func TestWindowsWithDefaults(t *testing.T) {
	t.Parallel()
	ws := timing.Windows{channel.Email: {Start: timing.HM(10, 0), End: timing.HM(12, 0)}}
	got := ws.WithDefaults()
	require.Equal(t, timing.Window{Start: timing.HM(10, 0), End: timing.HM(12, 0), Days: timing.MondayToFriday}, got[channel.Email])
	require.Equal(t, timing.DefaultWindows()[channel.Voice], got[channel.Voice])
	require.Len(t, got, 5)
	require.Zero(t, ws[channel.Email].Days, "the input is not changed")
}

func TestWindowValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		w     timing.Window
		field string
		value any
		text  string
	}{
		{"start after end", timing.Window{Start: timing.HM(17, 0), End: timing.HM(9, 0)}, "End", timing.HM(9, 0), "09:00"},
		{"empty", timing.Window{Start: timing.HM(9, 0), End: timing.HM(9, 0)}, "End", timing.HM(9, 0), "09:00"},
		{"start negative", timing.Window{Start: -1, End: timing.HM(9, 0)}, "Start", timing.TimeOfDay(-1), "-00:01"},
		{"start at 24:00", timing.Window{Start: timing.HM(24, 0), End: timing.HM(24, 0)}, "Start", timing.HM(24, 0), "24:00"},
		{"end past 24:00", timing.Window{Start: timing.HM(9, 0), End: timing.HM(24, 1)}, "End", timing.HM(24, 1), "24:01"},
		{"end zero", timing.Window{Start: 0, End: 0}, "End", timing.TimeOfDay(0), "00:00"},
		{"unknown day bits", timing.Window{Start: timing.HM(9, 0), End: timing.HM(10, 0), Days: 0x80}, "Days", "0x80", "0x80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.w.Validate()
			var we *invalid.FieldError
			require.ErrorAs(t, err, &we)
			require.ErrorIs(t, err, invalid.ErrInvalid)
			require.ErrorIs(t, err, timing.ErrInvalidWindow)
			require.Equal(t, "timing", we.Package)
			require.Equal(t, "Window", we.Record)
			require.Equal(t, tt.field, we.Field)
			require.Equal(t, tt.value, we.Value)

			// Through a Windows map the error names the channel.
			err = timing.Windows{channel.SMS: tt.w}.Validate()
			require.ErrorAs(t, err, &we)
			require.Equal(t, "Windows[sms]", we.Record)
			require.Contains(t, err.Error(), "Windows[sms]."+tt.field)
			require.Contains(t, err.Error(), tt.text)

			_, err = timing.NewScheduler(timing.SchedulerConfig{Windows: timing.Windows{channel.SMS: tt.w}})
			require.ErrorAs(t, err, &we)
		})
	}

	ok := []timing.Window{
		{Start: 0, End: timing.HM(24, 0)},
		{Start: timing.HM(23, 59), End: timing.HM(24, 0), Days: timing.WeekdaysOf(time.Sunday)},
		{Start: timing.HM(9, 0), End: timing.HM(9, 1), Days: timing.EveryDay, OpenOnHolidays: true},
	}
	for _, w := range ok {
		require.NoError(t, w.Validate(), w.String())
	}

	err := timing.Windows{"fax": {Start: timing.HM(9, 0), End: timing.HM(10, 0)}}.Validate()
	var we *timing.FieldError
	require.ErrorAs(t, err, &we)
	require.Equal(t, "Windows[fax]", we.Field)
	require.Equal(t, "fax", we.Value)
	require.False(t, errors.Is(errors.New("other"), timing.ErrInvalidWindow))
}

func TestWeekdays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want timing.Weekdays
		text string
	}{
		{"mon-fri", timing.MondayToFriday, "mon-fri"},
		{"Monday-Friday", timing.MondayToFriday, "mon-fri"},
		{"sat,sun", timing.Weekend, "sat,sun"},
		{"mon-sun", timing.EveryDay, "mon-sun"},
		{"sun-sat", timing.EveryDay, "mon-sun"},
		{"fri-mon", timing.WeekdaysOf(time.Friday, time.Saturday, time.Sunday, time.Monday), "mon,fri-sun"},
		{" mon , WED ,fri", timing.WeekdaysOf(time.Monday, time.Wednesday, time.Friday), "mon,wed,fri"},
		{"tue-wed", timing.WeekdaysOf(time.Tuesday, time.Wednesday), "tue,wed"},
		{"sun", timing.WeekdaysOf(time.Sunday), "sun"},
	}
	for _, tt := range tests {
		got, err := timing.ParseWeekdays(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
		require.Equal(t, tt.text, got.String(), tt.in)
	}
	for _, bad := range []string{"", "mo", "mon-", "-fri", "mon,,fri", "funday", "mon-fri-sat"} {
		_, err := timing.ParseWeekdays(bad)
		var se *timing.FieldError
		require.ErrorAs(t, err, &se, "%q", bad)
	}
	require.True(t, timing.MondayToFriday.Has(time.Monday))
	require.False(t, timing.MondayToFriday.Has(time.Sunday))
	require.False(t, timing.EveryDay.Has(time.Weekday(7)))
	require.Equal(t, timing.Weekdays(0), timing.WeekdaysOf(time.Weekday(9)))
}

func TestWindowJSON(t *testing.T) {
	t.Parallel()
	var ws timing.Windows
	in := `{"email":{"start":"08:30","end":"10:00","days":"mon-thu"},"voice":{"start":"9:00","end":"24:00","days":"sat","open_on_holidays":true}}`
	require.NoError(t, json.Unmarshal([]byte(in), &ws))
	require.Equal(t, timing.Window{Start: timing.HM(8, 30), End: timing.HM(10, 0), Days: timing.WeekdaysOf(time.Monday, time.Tuesday, time.Wednesday, time.Thursday)}, ws[channel.Email])
	require.Equal(t, timing.Window{Start: timing.HM(9, 0), End: timing.HM(24, 0), Days: timing.WeekdaysOf(time.Saturday), OpenOnHolidays: true}, ws[channel.Voice])
	out, err := json.Marshal(ws[channel.Email])
	require.NoError(t, err)
	require.JSONEq(t, `{"start":"08:30","end":"10:00","days":"mon-thu"}`, string(out))

	require.Error(t, json.Unmarshal([]byte(`{"email":{"start":"8am","end":"10:00"}}`), &ws))
	require.Error(t, json.Unmarshal([]byte(`{"fax":{"start":"08:00","end":"10:00"}}`), &ws), "unknown channel keys are refused by channel.Kind")
}

func TestLegalCeilings(t *testing.T) {
	t.Parallel()
	cs := timing.LegalCeilings()
	byCountry := map[string]timing.Ceiling{}
	byState := map[string]timing.Ceiling{}
	for _, c := range cs {
		if c.Region == "" {
			require.NotContains(t, byCountry, c.Country)
			byCountry[c.Country] = c
			continue
		}
		require.Equal(t, "US", c.Country, "only US states have regional ceilings")
		byState[c.Region] = c
	}
	require.Len(t, byCountry, 2)
	au := byCountry["AU"]
	require.Equal(t, channel.SetOf(channel.Voice), au.Channels)
	require.True(t, au.NoNationalHolidays)
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		require.Equal(t, timing.Hours{Start: timing.HM(9, 0), End: timing.HM(20, 0)}, au.Hours[d], d)
	}
	require.Equal(t, timing.Hours{Start: timing.HM(9, 0), End: timing.HM(17, 0)}, au.Hours[time.Saturday])
	require.False(t, au.Hours[time.Sunday].Open())

	require.False(t, au.CalledParty, "the AU hours hold in the lead's zone only")

	us := byCountry["US"]
	require.Equal(t, channel.SetOf(channel.Voice, channel.SMS), us.Channels)
	require.True(t, us.CalledParty)
	for d := time.Sunday; d <= time.Saturday; d++ {
		require.Equal(t, timing.Hours{Start: timing.HM(8, 0), End: timing.HM(21, 0)}, us.Hours[d], d)
	}

	// Every state row is a ceiling, and nothing else is.
	rules := timing.USCallRules()
	require.Len(t, byState, len(rules))
	for _, r := range rules {
		c, ok := byState[r.State]
		require.True(t, ok, r.State)
		require.Equal(t, r.Ceiling(), c)
		require.Equal(t, channel.SetOf(channel.Voice, channel.SMS), c.Channels)
		require.True(t, c.CalledParty)
		require.Equal(t, r.Statute, c.Source)
	}
}

func TestCeilingValidate(t *testing.T) {
	t.Parallel()
	nine := timing.Hours{Start: timing.HM(9, 0), End: timing.HM(20, 0)}
	tests := []struct {
		name  string
		c     timing.Ceiling
		field string
	}{
		{"no country", timing.Ceiling{Channels: channel.SetOf(channel.Voice), Hours: timing.Week{nine}}, "Country"},
		{"long country", timing.Ceiling{Country: "USA", Channels: channel.SetOf(channel.Voice)}, "Country"},
		{"no channels", timing.Ceiling{Country: "US"}, "Channels"},
		{"bad hours", timing.Ceiling{Country: "US", Channels: channel.SetOf(channel.SMS), Hours: timing.Week{time.Monday: {Start: timing.HM(20, 0), End: timing.HM(8, 0)}}}, "Hours[time.Monday]"},
	}
	for _, tt := range tests {
		_, err := timing.NewScheduler(timing.SchedulerConfig{Ceilings: []timing.Ceiling{tt.c}})
		var ce *timing.FieldError
		require.ErrorAs(t, err, &ce, tt.name)
		require.Equal(t, "Ceilings[0]", ce.Record, tt.name)
		require.Equal(t, tt.field, ce.Field, tt.name)
	}
}
