package timing

import (
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// USStateRule is a US state's telemarketing rule where it is stricter than
// the federal 08:00–21:00 (47 CFR 64.1200(c)(1)): the hours calls and texts
// may reach a called party in that state, in the called party's local time,
// and how many solicitation calls the statute allows in 24 hours.
//
// Every [Scheduler] applies the hours of every row (see [LegalCeilings]) to
// voice and SMS, for the lead's state ([Recipient].Region) and the number's
// state ([Recipient].PhoneRegion), in the lead's zone and in the number's
// zone. It applies them to every call, business-to-business or not: several
// statutes exempt some B2B calls (Maryland's, Washington's RCW 80.36.390
// among them) and the federal Telemarketing Sales Rule exempts most
// (16 CFR 310.6(b)(7)), but whether a given touch qualifies turns on facts
// the library does not hold, so the stricter hours are the safe default.
type USStateRule struct {
	// State is the ISO 3166-2 subdivision code without its "US-" prefix
	// ("FL").
	State string
	// Hours are the local hours allowed on each day of the week; a day with
	// empty Hours allows no calls (Sunday in Mississippi and Louisiana).
	Hours Week
	// MaxCallsPer24h is the most solicitation calls the statute allows to
	// one person in any 24 hours on the same subject (Florida, Oklahoma,
	// Maryland: 3); 0 when the statute sets no count. The Scheduler cannot
	// enforce it: it places one touch at a time and does not count a lead's
	// touches. The engine that plans a lead's touches must.
	MaxCallsPer24h int
	// Statute cites the section the row comes from.
	Statute string
	// Verified is true when the hours (and the count, where there is one)
	// were checked against the statute's own text; false marks a row taken
	// from secondary sources (law-firm notes, compliance charts) and kept
	// because it only narrows the hours.
	Verified bool
}

// usStateRules is the table behind [USCallRules], sorted by State. It is
// never written after declaration.
//
// Each row says which text it was checked against. Day rules (no Sunday
// calls) are in a row only where that text has them; state holidays are
// never applied (see the Louisiana row).
var usStateRules = []USStateRule{
	// Conn. Gen. Stat. § 42-288a, as amended by Public Act 23-98 (SB 1058,
	// in force 2023-10-01): telephonic sales calls only "between the hours
	// of nine o'clock a.m. and eight o'clock p.m. local time". UNVERIFIED:
	// wording as quoted by law-firm notes on the act; the statute's text was
	// not read, nor which subsection holds it.
	{State: "CT", Hours: usEveryDay(HM(9, 0), HM(20, 0)), Statute: "Conn. Gen. Stat. § 42-288a (P.A. 23-98)"},
	// Fla. Stat. § 501.616(6) (Florida Telemarketing Act, as amended by
	// ch. 2021-185, SB 1120): a commercial telephone seller or salesperson
	// may not make (a) a commercial telephone solicitation call before
	// 8 a.m. or after 8 p.m. local time at the called person's location,
	// nor (b) more than three such calls from any number to a person over a
	// 24-hour period on the same subject matter or issue, whatever number is
	// used. Checked against SB 1120's text on flsenate.gov and a published
	// copy of § 501.616.
	{State: "FL", Hours: usEveryDay(HM(8, 0), HM(20, 0)), MaxCallsPer24h: 3, Statute: "Fla. Stat. § 501.616(6)(a)-(b)", Verified: true},
	// La. R.S. 45:811(2)-(3) (Consumer Telemarketing Protection Act of
	// 1991): calls by automatic dialing equipment or a live operator to offer
	// goods, services or property primarily for personal, family or
	// household use are unlawful other than between 8:00 a.m. and 8:00 p.m.
	// Monday through Saturday, and on Sundays and days declared a state
	// holiday. Checked against a published copy of the section. The state
	// holidays are NOT applied: the holiday calendar has no Louisiana list.
	{State: "LA", Hours: usMonSat(HM(8, 0), HM(20, 0)), Statute: "La. R.S. 45:811(2)-(3)", Verified: true},
	// Md. Code, Com. Law § 14-4503 (Stop the Spam Calls Act of 2023, SB 90,
	// in force 2024-01-01): telephone solicitations only 8 a.m.–8 p.m. in
	// the called party's time zone, at most three calls or texts per
	// 24 hours on the same subject. UNVERIFIED: figures from news and
	// compliance notes on the act; the section's text was not read (the
	// B2B exemption of § 14-4502(a)(1)(iii) was).
	{State: "MD", Hours: usEveryDay(HM(8, 0), HM(20, 0)), MaxCallsPer24h: 3, Statute: "Md. Code, Com. Law § 14-4503"},
	// Miss. Code Ann. § 77-3-723(1) (Mississippi Telephone Solicitation
	// Act): authorized telephone solicitations "may only be made between the
	// hours of 8:00 a.m. and 8:00 p.m. Central Standard Time"; "No telephone
	// solicitations may be made on a Sunday." Checked against a published
	// copy of the section. Applied as 08:00–20:00 local time: the statute
	// names Central Standard Time, which during daylight saving time would
	// read 09:00–21:00 CDT; the table does not model that reading.
	{State: "MS", Hours: usMonSat(HM(8, 0), HM(20, 0)), Statute: "Miss. Code Ann. § 77-3-723(1)", Verified: true},
	// 15 Okla. Stat. § 775C.4 (Telephone Solicitation Act of 2022, in force
	// 2022-11-01): no commercial telephonic sales call before 8 a.m. or
	// after 8 p.m. local time, at most three calls per 24 hours on the same
	// subject. UNVERIFIED: figures from law-firm and compliance notes on
	// the act; the section's text (and its subsection) was not read.
	{State: "OK", Hours: usEveryDay(HM(8, 0), HM(20, 0)), MaxCallsPer24h: 3, Statute: "15 Okla. Stat. § 775C.4"},
	// Tex. Bus. & Com. Code § 301.051: telephone solicitations 9 a.m.–9 p.m.
	// Monday to Saturday and noon–9 p.m. on Sunday. UNVERIFIED: figures from
	// compliance charts; the section's text was not read.
	{State: "TX", Hours: usTexas(), Statute: "Tex. Bus. & Com. Code § 301.051"},
	// RCW 19.158.040(2): a commercial telephone solicitor shall not place
	// calls to any person which will be received before 8:00 a.m. or after
	// 8:00 p.m. at the call recipient's local time. Checked against the
	// section on app.leg.wa.gov.
	{State: "WA", Hours: usEveryDay(HM(8, 0), HM(20, 0)), Statute: "RCW 19.158.040(2)", Verified: true},
}

func usEveryDay(from, to TimeOfDay) Week {
	h := Hours{Start: from, End: to}
	return Week{h, h, h, h, h, h, h}
}

func usMonSat(from, to TimeOfDay) Week {
	w := usEveryDay(from, to)
	w[time.Sunday] = Hours{}
	return w
}

func usTexas() Week {
	w := usEveryDay(HM(9, 0), HM(21, 0))
	w[time.Sunday] = Hours{Start: HM(12, 0), End: HM(21, 0)}
	return w
}

// USCallRules returns the states whose calling hours are stricter than the
// federal 08:00–21:00, sorted by state code; see [USStateRule] for what each
// field means and how the Scheduler applies them. Each row cites its statute;
// a row whose Verified is false was not checked against the statute's text.
// The slice is new on every call.
func USCallRules() []USStateRule {
	return append([]USStateRule(nil), usStateRules...)
}

// USCallRule returns the row of [USCallRules] for a state code ("FL",
// "fl" or "US-FL"), and false for a state without a row: only the federal
// 08:00–21:00 applies there.
func USCallRule(state string) (USStateRule, bool) {
	state = strings.ToUpper(strings.TrimSpace(state))
	state = strings.TrimPrefix(state, "US-")
	for _, r := range usStateRules {
		if r.State == state {
			return r, true
		}
	}
	return USStateRule{}, false
}

// Ceiling returns the row as the [Ceiling] the Scheduler applies: country
// US, region State, voice and SMS, in the called party's local time.
func (r USStateRule) Ceiling() Ceiling {
	return Ceiling{
		Country:     "US",
		Region:      r.State,
		Channels:    channel.SetOf(channel.Voice, channel.SMS),
		Hours:       r.Hours,
		CalledParty: true,
		Source:      r.Statute,
	}
}
