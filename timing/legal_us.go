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
	// empty Hours allows no calls (Sunday in Mississippi, Louisiana and
	// Rhode Island).
	Hours Week
	// MaxCallsPer24h is the most solicitation calls the statute allows to
	// one person in any 24 hours on the same subject (Florida, Oklahoma,
	// Maryland, Oregon: 3); 0 when the statute sets no count. The Scheduler cannot
	// enforce it: it places one touch at a time and does not count a lead's
	// touches. The engine that plans a lead's touches must.
	MaxCallsPer24h int
	// Statute cites the section the row comes from.
	Statute string
	// Verified is true when the hours (and the count, where there is one)
	// were checked against the statute's (or regulation's) own text; false
	// marks a row taken from secondary sources (law-firm notes, compliance
	// charts) and kept because it only narrows the hours.
	Verified bool
}

// usStateRules is the table behind [USCallRules], sorted by State. It is
// never written after declaration.
//
// Each row says which text it was checked against and quotes the decisive
// words. Verified is true only where the section's own text was read (the
// legislature's or the code publisher's page, or a published copy of the
// section); a row figured from law-firm notes, news or compliance charts
// says UNVERIFIED and what was read instead. Day rules (no Sunday calls)
// are in a row only where that text has them; state holidays are never
// applied (see the Louisiana and Rhode Island rows).
//
// A row is a rule on telephone solicitations in general. Rules that bind
// only automated dialing or prerecorded-message devices are left out, as
// the library cannot tell how a touch is placed and applying them to every
// call would close whole days for no live-call rule: Alabama (Ala. Admin.
// Code r. 770-X-5-.17(1)(b), for "all automated solicitation telephone
// calls": "No solicitation calls are allowed on Sundays or holidays. On
// the days that calls are allowed, none will be placed prior to 8 a.m. or
// after 8 p.m."; whether a later paragraph extends it to live calls was
// not read), South Dakota (SDCL 37-30-28, automated telephone dialing
// systems: "except weekdays between 9 a.m. and 9 p.m."), Nevada (NRS
// 597.814(2)(a), automatic dialing-announcing devices: no call received
// "between 9 p.m. and 9 a.m."; its live-call rule, added as "between 9 p.m.
// and 8 a.m." by 2001 AB 337, is the federal one). A dialer that places
// automated calls must add them itself.
//
// Not in the table because no text was found that narrows the federal
// hours for live calls, though it was not looked for at length: Georgia,
// Indiana, Michigan, New Jersey, New York, North Dakota, Utah, Virginia,
// Wisconsin; Wyoming (compliance tables name § 40-12-302 and 8 p.m.; the
// section's text was not found), South Dakota's telemarketing chapter
// 37-30A, and Pennsylvania (a compliance tool reports a Sunday ban from
// 2026-10-18; no text was read).
var usStateRules = []USStateRule{
	// Conn. Gen. Stat. § 42-288a(c), as amended by Public Act 23-98 (SB
	// 1058, in force 2023-10-01): telephonic sales calls only "between the
	// hours of nine o'clock a.m. and eight o'clock p.m. local time".
	// UNVERIFIED: a published copy of § 42-288a (casetext, current with the
	// 2024 sessions) shows that subsection (c) is the one on calls "made to
	// any consumer residential, mobile or telephonic paging device telephone
	// number", but the copy read breaks off before its hours; the hours are
	// as quoted by law-firm notes and a third-party compliance table.
	{State: "CT", Hours: usEveryDay(HM(9, 0), HM(20, 0)), Statute: "Conn. Gen. Stat. § 42-288a(c) (P.A. 23-98)"},
	// Fla. Stat. § 501.616(6) (Florida Telemarketing Act, as amended by
	// ch. 2021-185, SB 1120): a commercial telephone seller or salesperson
	// may not make (a) a commercial telephone solicitation call before
	// 8 a.m. or after 8 p.m. local time at the called person's location,
	// nor (b) more than three such calls from any number to a person over a
	// 24-hour period on the same subject matter or issue, whatever number is
	// used. Checked against SB 1120's text on flsenate.gov and a published
	// copy of § 501.616.
	{State: "FL", Hours: usEveryDay(HM(8, 0), HM(20, 0)), MaxCallsPer24h: 3, Statute: "Fla. Stat. § 501.616(6)(a)-(b)", Verified: true},
	// KRS 367.46955 (prohibited telephone solicitation acts and practices):
	// no telephone solicitation before 10 a.m. or after 9 p.m. UNVERIFIED:
	// the published copies of § 367.46955 read (self-law.org, lawserver,
	// current 2024) break off at subsection (7), before the hours; 10:00 and
	// the subsection (16) come from third-party compliance tables. The
	// section's automated-calling rule, KRS 367.461(2)(e), is 8:00 a.m. to
	// 9:00 p.m., the federal hours.
	{State: "KY", Hours: usEveryDay(HM(10, 0), HM(21, 0)), Statute: "KRS 367.46955"},
	// La. R.S. 45:811(2)-(3) (Consumer Telemarketing Protection Act of
	// 1991): calls by automatic dialing equipment or a live operator to offer
	// goods, services or property primarily for personal, family or
	// household use are unlawful other than between 8:00 a.m. and 8:00 p.m.
	// Monday through Saturday, and on Sundays and days declared a state
	// holiday. Checked against a published copy of the section. The state
	// holidays are NOT applied: the holiday calendar has no Louisiana list.
	{State: "LA", Hours: usMonSat(HM(8, 0), HM(20, 0)), Statute: "La. R.S. 45:811(2)-(3)", Verified: true},
	// 201 CMR 12.02(2) (Massachusetts Do Not Call regulations, under M.G.L.
	// c. 159C): "No telephone solicitor shall make or cause to be made an
	// unsolicited telephonic sales call to a consumer between the hours of
	// 8:00 P.M. to 8:00 A.M., local time at the consumer's location."
	// Checked against the regulation's text (regulations.justia.com, current
	// through Register 1531, 2024-09-27). The rule is in 201 CMR, not 940 CMR.
	{State: "MA", Hours: usEveryDay(HM(8, 0), HM(20, 0)), Statute: "201 CMR 12.02(2)", Verified: true},
	// Md. Code, Com. Law, Title 14, Subtitle 45 (Stop the Spam Calls Act of
	// 2023, SB 90, ch. 413, in force 2024-01-01): telephone solicitations
	// only 8 a.m.–8 p.m. in the called party's time zone, at most three calls
	// or texts per 24 hours on the same subject. UNVERIFIED: the figures are
	// from news (WMAR) and compliance notes on the act. A published copy of
	// § 14-4502 (lexace) shows (a)(1) the exemptions, among them
	// (a)(1)(iii) business-to-business sales, and (a)(3) the consent rule,
	// then breaks off; two compliance tables put the hours in § 14-4502 (one
	// says (c)), one in § 14-4503. No text of either subsection was read, so
	// the citation names the subtitle.
	{State: "MD", Hours: usEveryDay(HM(8, 0), HM(20, 0)), MaxCallsPer24h: 3, Statute: "Md. Code, Com. Law §§ 14-4501 to 14-4503"},
	// Miss. Code Ann. § 77-3-723(1) (Mississippi Telephone Solicitation
	// Act): authorized telephone solicitations "may only be made between the
	// hours of 8:00 a.m. and 8:00 p.m. Central Standard Time"; "No telephone
	// solicitations may be made on a Sunday." Checked against published
	// copies of the section. Applied as 08:00–20:00 local time: the statute
	// names Central Standard Time, which during daylight saving time would
	// read 09:00–21:00 CDT; the table does not model that reading.
	{State: "MS", Hours: usMonSat(HM(8, 0), HM(20, 0)), Statute: "Miss. Code Ann. § 77-3-723(1)", Verified: true},
	// NMSA 1978 § 57-12-22(B)(5) (Unfair Practices Act): it is unlawful to
	// make a telephone solicitation for a purchase of goods or services
	// "that are received before 9:00 a.m. or after 9:00 p.m.". Checked
	// against a published copy of the section (Justia, 2006 compilation; a
	// later amendment was not looked for).
	{State: "NM", Hours: usEveryDay(HM(9, 0), HM(21, 0)), Statute: "NMSA 1978 § 57-12-22(B)(5)", Verified: true},
	// 15 Okla. Stat. § 775C.4 (Telephone Solicitation Act of 2022, HB 3168,
	// in force 2022-11-01): no commercial telephone solicitation phone call
	// before 8 a.m. or after 8 p.m. local time, at most three per 24 hours
	// on the same subject. UNVERIFIED: the enrolled HB 3168 (legiplex copy)
	// was read only as far as its title, which provides "the time frame
	// during which a commercial telephone seller or salesperson may make
	// commercial solicitation phone calls" and bars "a specified number of
	// commercial telephone solicitation phone calls to a person over a
	// specified time frame"; the figures and the section number are from
	// compliance notes (DNC.com) and third-party tables citing Justia.
	{State: "OK", Hours: usEveryDay(HM(8, 0), HM(20, 0)), MaxCallsPer24h: 3, Statute: "15 Okla. Stat. § 775C.4"},
	// Oregon HB 3865 (2025, signed 2025-07-24, in force 2026-01-01),
	// amending the telephone solicitation sections of ORS chapter 646:
	// telephone solicitations, texts included, are unlawful outside 8 a.m.
	// to 8 p.m. or more than three in 24 hours, unless there is an
	// established business relationship (a transaction in the preceding 18
	// months). UNVERIFIED: from a law-firm note on the act (Troutman Pepper
	// Locke) and committee reports; neither the bill's text nor the ORS
	// section it amends was read.
	{State: "OR", Hours: usEveryDay(HM(8, 0), HM(20, 0)), MaxCallsPer24h: 3, Statute: "Or. HB 3865 (2025)"},
	// R.I. Gen. Laws § 5-61-3.6(a): no unsolicited telephonic sales calls to
	// any "residential, mobile or telephonic paging device telephone number
	// except during hours of operation", which § 5-61-2 defines as "Monday
	// through Friday, except a state or federal holiday, nine o'clock (9:00
	// a.m.) to six o'clock (6:00 p.m.); Saturday ten o'clock (10:00 a.m.) to
	// five o'clock (5:00 p.m.)": no Sunday. Checked against § 5-61-3.6 on
	// the legislature's site and a published copy of § 5-61-2 (which
	// numbers the definition (2); § 5-61-3.6 points to § 5-61-2(9)). The
	// holidays are NOT applied.
	{State: "RI", Hours: usRhodeIsland(), Statute: "R.I. Gen. Laws §§ 5-61-3.6(a), 5-61-2", Verified: true},
	// Tex. Bus. & Com. Code § 301.051 (telephone solicitation
	// requirements): telephone solicitations 9 a.m.–9 p.m. Monday to
	// Saturday and noon–9 p.m. on Sunday, texts included since SB 140 (in
	// force 2025-09-01). UNVERIFIED: a published table of contents of
	// chapter 301 (instalawyer) confirms § 301.051 is "TELEPHONE
	// SOLICITATION REQUIREMENTS", but its hours were read only in
	// compliance notes on SB 140 ("Monday–Saturday: not before 9 a.m. or
	// after 9 p.m."; "Sunday: only between 12 p.m. and 9 p.m.").
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

func usRhodeIsland() Week {
	w := usEveryDay(HM(9, 0), HM(18, 0))
	w[time.Saturday] = Hours{Start: HM(10, 0), End: HM(17, 0)}
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
