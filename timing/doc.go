// Package timing decides when a touch may go out: the clock the library
// runs on, the send window of each channel in the recipient's local time,
// weekends and public holidays, the legal calling hours no configuration can
// widen, and the first slot at or after a given instant. It also resolves a
// recipient's timezone (see [ZoneResolver]).
//
// # Clock
//
// Everything that reads the time or waits takes a [Clock]: Now, Sleep and
// SleepUntil, the last two returning ctx.Err() when their context ends.
// [Real] (or [RealClock]) is the system clock, the only code in the module
// that calls time.Now. Package timingtest has a virtual clock that tests
// move by hand and can wait on until the code under test is asleep.
//
// # Windows
//
// A [Window] is local wall-clock time, Start included and End excluded, on a
// set of [Weekdays], closed on public holidays unless OpenOnHolidays is set.
// The defaults ([DefaultWindows]), Monday to Friday:
//
//	email     09:00–11:00
//	voice     09:00–17:00
//	sms       09:00–17:00
//	linkedin  08:00–18:00
//	mail      00:00–24:00 (any business day)
//
// A host overrides any of them in [SchedulerConfig].Windows; a bad window is
// a *[FieldError] naming the channel ("Windows[sms]"), the field and the
// value.
//
// # Legal ceilings
//
// Some countries limit when a recipient may be contacted. These ceilings are
// keyed by the recipient's country and always apply: the effective window is
// the configured window intersected with every ceiling for the channel
// ([LegalCeilings]):
//
//   - Australia, voice calls: 09:00–20:00 on weekdays, 09:00–17:00 on
//     Saturday, never on Sunday or a national public holiday, even when a
//     window is configured open on holidays (Telecommunications
//     (Telemarketing and Research Calls) Industry Standard 2017), in the
//     lead's zone.
//   - United States, calls and texts: 08:00–21:00 in the called party's
//     local time, every day (47 CFR 64.1200(c)(1); 16 CFR 310.4(c)).
//   - US states whose hours are stricter, calls and texts: the table
//     [USCallRules] (look one up with [USCallRule]), one row per state
//     citing its statute: Florida, Oklahoma, Maryland, Massachusetts,
//     Oregon and Washington 08:00–20:00, Connecticut 09:00–20:00, New
//     Mexico 09:00–21:00, Kentucky 10:00–21:00, Mississippi and Louisiana
//     08:00–20:00 and never on Sunday, Rhode Island 09:00–18:00 on
//     weekdays, 10:00–17:00 on Saturday and never on Sunday, Texas
//     09:00–21:00 and noon–21:00 on Sunday. Rows whose figures were not
//     checked against the statute's text say so (Verified false). A row
//     also gives the statute's limit on calls per 24 hours (three in
//     Florida, Oklahoma, Maryland and Oregon), which the Scheduler exposes
//     but cannot count: the engine must. The table applies to every call,
//     business-to-business or not, as the safe default, though some
//     statutes exempt B2B calls. Rules that bind only automated dialing or
//     prerecorded-message devices (Alabama, South Dakota, Nevada) are not
//     rows.
//
// "Called party's local time" is ambiguous when a lead's number is in
// another zone than the lead (a Los Angeles mobile for a New York lead), so
// the US hours hold in both: in [Recipient].Location and in
// [Recipient].PhoneLocation, the number's zone. The states that count are
// the lead's ([Recipient].Region) and the number's
// ([Recipient].PhoneRegion), the stricter of both in both zones. Business
// windows and holidays stay in the lead's zone. A ceiling read this way is
// marked [Ceiling].CalledParty.
//
// A host may add stricter ones ([SchedulerConfig].Ceilings), for one region
// of a country if need be. A recipient whose country is unknown gets no
// ceiling (unless its number's country, [Recipient].PhoneCountry, has
// called-party ones), so resolve the country first.
//
// # Holidays
//
// A [Calendar] says whether a day is a public holiday in a country and
// region, and whether it is a national one. [NewHolidayCalendar], the
// default, is built on github.com/rickar/cal/v2: Australia's national
// holidays and each state's own list, US federal holidays, Germany's
// national and state lists, and the national lists of Canada, France, Great
// Britain, Ireland, the Netherlands and New Zealand, each on its own date and
// on its observed weekday where the law moves it off a weekend. A host plugs
// in its own calendar, or adds closures to the default with [Calendars].
//
// # Slots
//
// A [Scheduler] answers, for a channel and a [Recipient] (zone, country,
// region, and for calls and texts the number's zone, country and state):
//
//   - [Scheduler.Next]: the first instant at or after a given one inside the
//     effective window on a business day (a window day that no holiday
//     closes), or [ErrNoSlot] when none opens within [SlotHorizon] days;
//   - [Scheduler.NextSpread]: the same window-day, at an offset drawn from a
//     key (a hash of lead and step) across the part of the window still
//     ahead, so a batch is spread over the window rather than all sent at
//     its opening, and the same key always gives the same instant;
//   - [Scheduler.Contains]: whether an instant is a valid time to send;
//   - [Scheduler.WindowOn]: the instants one day's window opens and closes.
//
// # Days and DST
//
// A [Date] is a calendar day with no zone; a [TimeOfDay] a wall-clock time
// in minutes. A window's edges on a day are [Date.At] of its Start and End
// in the recipient's zone: a wall time skipped by a DST change (spring
// forward) resolves to the first instant after the gap, one that occurs
// twice (fall back) to its first occurrence, and 24:00 is the next day's
// first instant. So a 09:00 window opens at 09:00 local whatever the offset,
// an edge inside a gap moves to the gap's end, and a window lost wholly in a
// gap is shut that day.
package timing
