package timing_test

import (
	"fmt"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

func ExampleScheduler_Next() {
	s, err := timing.NewScheduler(timing.SchedulerConfig{}) // the default windows and holidays
	if err != nil {
		panic(err)
	}
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		panic(err)
	}
	lead := timing.Recipient{Location: sydney, Country: "AU", Region: "NSW"}

	// Friday 6 March 2026, 16:00 in Sydney: the email window (09:00–11:00)
	// is over for the week, so the next slot is Monday's opening.
	friday := time.Date(2026, time.March, 6, 16, 0, 0, 0, sydney)
	slot, err := s.Next(channel.Email, lead, friday)
	if err != nil {
		panic(err)
	}
	fmt.Println(slot.Format("Mon 2006-01-02 15:04 MST"))

	// The same instant given in UTC makes no difference: windows are
	// in the recipient's local time.
	slot2, _ := s.Next(channel.Email, lead, friday.In(time.UTC))
	fmt.Println(slot2.Equal(slot))

	// Spread a batch over Monday's window with a key per lead and step.
	spread, _ := s.NextSpread(channel.Email, lead, friday, 0x5eed)
	fmt.Println(!spread.Before(slot), spread.Before(slot.Add(2*time.Hour)))
	// Output:
	// Mon 2026-03-09 09:00 AEDT
	// true
	// true true
}

func ExampleScheduler_Next_legalCeiling() {
	// A host asks for calls 07:00–22:00 every day; the Australian
	// telemarketing hours still apply: weekdays 09:00–20:00, Saturday
	// 09:00–17:00, never Sunday.
	wide := timing.Window{Start: timing.HM(7, 0), End: timing.HM(22, 0), Days: timing.EveryDay}
	s, err := timing.NewScheduler(timing.SchedulerConfig{Windows: timing.Windows{channel.Voice: wide}})
	if err != nil {
		panic(err)
	}
	perth, err := time.LoadLocation("Australia/Perth")
	if err != nil {
		panic(err)
	}
	lead := timing.Recipient{Location: perth, Country: "AU", Region: "WA"}
	for _, at := range []string{"2026-06-09 07:30", "2026-06-09 20:15", "2026-06-13 17:30"} {
		earliest, _ := time.ParseInLocation("2006-01-02 15:04", at, perth)
		slot, err := s.Next(channel.Voice, lead, earliest)
		if err != nil {
			panic(err)
		}
		fmt.Println(earliest.Format("Mon 15:04"), "->", slot.Format("Mon 15:04"))
	}
	// Output:
	// Tue 07:30 -> Tue 09:00
	// Tue 20:15 -> Wed 09:00
	// Sat 17:30 -> Mon 09:00
}

func ExampleWindows() {
	// Configuration can come from JSON; channels left out keep their defaults.
	ws := timing.Windows{channel.Email: {Start: timing.HM(8, 30), End: timing.HM(10, 30)}}.WithDefaults()
	if err := ws.Validate(); err != nil {
		panic(err)
	}
	for _, k := range channel.Kinds() {
		fmt.Printf("%-8s %s\n", k, ws[k])
	}

	bad := timing.Windows{channel.SMS: {Start: timing.HM(17, 0), End: timing.HM(9, 0)}}
	fmt.Println(bad.Validate())
	// Output:
	// email    08:30-10:30 mon-fri
	// voice    09:00-17:00 mon-fri
	// linkedin 08:00-18:00 mon-fri
	// sms      09:00-17:00 mon-fri
	// mail     00:00-24:00 mon-fri
	// timing: Windows[sms].End = 09:00: must be after Start 17:00
}

func ExampleHolidayCalendar() {
	hc := timing.NewHolidayCalendar()
	for _, q := range []struct{ day, country, region string }{
		{"2026-04-25", "AU", ""},    // Anzac Day, a Saturday
		{"2026-04-27", "AU", "WA"},  // WA's Monday for it
		{"2026-06-08", "AU", "NSW"}, // King's Birthday
		{"2026-11-26", "US", ""},    // Thanksgiving
	} {
		d, _ := timing.ParseDate(q.day)
		holiday, national := hc.Holiday(d, q.country, q.region)
		fmt.Println(q.day, q.country, q.region, holiday, national)
	}
	// Output:
	// 2026-04-25 AU  true true
	// 2026-04-27 AU WA true false
	// 2026-06-08 AU NSW true false
	// 2026-11-26 US  true true
}
