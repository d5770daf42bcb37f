package timing

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/au"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/nz"
	"github.com/rickar/cal/v2/us"
)

// Calendar tells which days are public holidays. A host with its own
// calendar (company shutdowns, a paid holiday API) plugs it into
// [SchedulerConfig].Calendar; [NewHolidayCalendar] is the default.
// Implementations must be safe for concurrent use and fast: slot finding
// asks once per candidate day.
type Calendar interface {
	// Holiday reports whether d is a public holiday for a recipient in
	// country (ISO 3166-1 alpha-2, upper case: "AU") and region (a
	// subdivision code such as "NSW" or "CA"; empty when unknown), and
	// whether it is a national one, observed in the whole country.
	Holiday(d Date, country, region string) (holiday, national bool)
}

// CalendarFunc adapts a function to [Calendar].
type CalendarFunc func(d Date, country, region string) (holiday, national bool)

// Holiday calls f.
func (f CalendarFunc) Holiday(d Date, country, region string) (holiday, national bool) {
	return f(d, country, region)
}

// Calendars returns a Calendar that counts a day as a holiday when any of
// cs does, and as national when any of cs says so: public holidays plus a
// host's own closures, for instance.
func Calendars(cs ...Calendar) Calendar {
	cs = slices.Clone(cs)
	return CalendarFunc(func(d Date, country, region string) (holiday, national bool) {
		for _, c := range cs {
			h, n := c.Holiday(d, country, region)
			holiday, national = holiday || h, national || n
		}
		return holiday, national
	})
}

// HolidayCalendar is the default [Calendar], built on
// github.com/rickar/cal/v2. It knows:
//
//   - AU: the national public holidays (New Year's Day, Australia Day, Good
//     Friday, Easter Monday, Anzac Day, Christmas Day, Boxing Day) when the
//     region is unknown, and each state's and territory's own list for ACT,
//     NSW, NT, QLD, SA, TAS, VIC and WA;
//   - US: the federal holidays (no state lists);
//   - DE: the national holidays and each Land's list (BW, BY, BE, BB, HB, HH,
//     HE, MV, NI, NW, RP, SL, SN, ST, SH, TH);
//   - CA, FR, GB (England and Wales), IE, NL, NZ: the national list.
//
// A holiday counts on its own date and, where the law moves it off a
// weekend, on its observed date too (AU: Saturday and Sunday to Monday, US:
// Saturday to Friday and Sunday to Monday, and so on as rickar/cal defines).
// National is true for the holidays of the national list. Other countries
// have no holidays. Regions may be given as codes ("NSW"), ISO 3166-2 codes
// ("AU-NSW") or, for Australia, full names ("New South Wales"), in any case;
// an unknown region falls back to the national list.
//
// Each (country, region, year) is computed once, on first use, and kept:
// a lookup is then an array index and a bit test. It is safe for concurrent
// use.
type HolidayCalendar struct {
	countries map[string]*calCountry
}

var _ Calendar = (*HolidayCalendar)(nil)

type calCountry struct {
	national *calRegion
	regions  map[string]*calRegion // by upper-case code, ISO code and name
	codes    []string              // the region codes, sorted
}

// calRegion is one list of holidays and its per-year bitmaps.
type calRegion struct {
	list     []*cal.Holiday // holidays in force
	national []*cal.Holiday // the country's national list
	years    [calLastYear - calFirstYear + 1]atomic.Pointer[calYear]
}

// Years whose bitmaps are kept; others are computed on every lookup.
const (
	calFirstYear = 1970
	calLastYear  = 2199
)

// calYear marks the holidays of one year, bit i standing for Jan 1 + i days.
type calYear struct {
	jan1     Date // the year's first day
	next     Date // the next year's first day
	holiday  [6]uint64
	national [6]uint64
}

// NewHolidayCalendar returns the default calendar.
func NewHolidayCalendar() *HolidayCalendar {
	auNational := []*cal.Holiday{au.NewYear, au.AustraliaDay, au.GoodFriday, au.EasterMonday, au.AnzacDay, au.ChristmasDay, au.BoxingDay}
	c := &HolidayCalendar{countries: map[string]*calCountry{}}
	c.add("AU", auNational, map[string][]*cal.Holiday{
		"ACT": au.HolidaysACT, "NSW": au.HolidaysNSW, "NT": au.HolidaysNT, "QLD": au.HolidaysQLD,
		"SA": au.HolidaysSA, "TAS": au.HolidaysTAS, "VIC": au.HolidaysVIC, "WA": au.HolidaysWA,
	}, map[string]string{
		"AUSTRALIAN CAPITAL TERRITORY": "ACT", "NEW SOUTH WALES": "NSW", "NORTHERN TERRITORY": "NT",
		"QUEENSLAND": "QLD", "SOUTH AUSTRALIA": "SA", "TASMANIA": "TAS", "VICTORIA": "VIC",
		"WESTERN AUSTRALIA": "WA",
	})
	c.add("US", us.Holidays, nil, nil)
	c.add("DE", de.Holidays, map[string][]*cal.Holiday{
		"BW": de.HolidaysBW, "BY": de.HolidaysBY, "BE": de.HolidaysBE, "BB": de.HolidaysBB,
		"HB": de.HolidaysHB, "HH": de.HolidaysHH, "HE": de.HolidaysHE, "MV": de.HolidaysMV,
		"NI": de.HolidaysNI, "NW": de.HolidaysNW, "RP": de.HolidaysRP, "SL": de.HolidaysSL,
		"SN": de.HolidaysSN, "ST": de.HolidaysST, "SH": de.HolidaysSH, "TH": de.HolidaysTH,
	}, nil)
	c.add("CA", ca.Holidays, nil, nil)
	c.add("FR", fr.Holidays, nil, nil)
	c.add("GB", gb.Holidays, nil, nil)
	c.add("IE", ie.Holidays, nil, nil)
	c.add("NL", nl.Holidays, nil, nil)
	c.add("NZ", nz.Holidays, nil, nil)
	return c
}

func (c *HolidayCalendar) add(country string, national []*cal.Holiday, regions map[string][]*cal.Holiday, names map[string]string) {
	cc := &calCountry{
		national: &calRegion{list: national, national: national},
		regions:  map[string]*calRegion{},
	}
	for code, list := range regions {
		r := &calRegion{list: list, national: national}
		cc.regions[code] = r
		cc.regions[country+"-"+code] = r
		cc.codes = append(cc.codes, code)
	}
	for name, code := range names {
		cc.regions[name] = cc.regions[code]
	}
	slices.Sort(cc.codes)
	c.countries[country] = cc
}

// Countries lists the countries the calendar knows, sorted.
func (c *HolidayCalendar) Countries() []string {
	out := make([]string, 0, len(c.countries))
	for k := range c.countries {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Regions lists the region codes with their own holidays in country, sorted;
// nil for a country with a national list only.
func (c *HolidayCalendar) Regions(country string) []string {
	if cc := c.country(country); cc != nil {
		return slices.Clone(cc.codes)
	}
	return nil
}

// Holiday implements [Calendar].
func (c *HolidayCalendar) Holiday(d Date, country, region string) (holiday, national bool) {
	r := c.region(country, region)
	if r == nil {
		return false, false
	}
	return r.holiday(d)
}

// country finds a country by its code in any case, without allocating.
func (c *HolidayCalendar) country(code string) *calCountry {
	if cc, ok := c.countries[code]; ok {
		return cc
	}
	if len(code) != 2 {
		return nil
	}
	b := [2]byte{calUpper(code[0]), calUpper(code[1])}
	if cc, ok := c.countries[string(b[:])]; ok {
		return cc
	}
	if string(b[:]) == "UK" {
		return c.countries["GB"]
	}
	return nil
}

// region finds the holiday list for a country and region; nil for a country
// the calendar does not know.
func (c *HolidayCalendar) region(country, region string) *calRegion {
	cc := c.country(country)
	if cc == nil {
		return nil
	}
	return cc.region(region)
}

// region finds a region's holiday list, falling back to the national one.
func (cc *calCountry) region(region string) *calRegion {
	if region == "" || len(cc.regions) == 0 {
		return cc.national
	}
	if r, ok := cc.regions[region]; ok {
		return r
	}
	if r, ok := cc.regions[strings.ToUpper(strings.TrimSpace(region))]; ok {
		return r
	}
	return cc.national
}

func calUpper(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - 'a' + 'A'
	}
	return b
}

// holiday looks d up in its year's bitmaps, computing them on first use.
func (r *calRegion) holiday(d Date) (holiday, national bool) {
	y, _, _ := d.YMD()
	return r.year(y).has(d)
}

func (r *calRegion) year(y int) *calYear {
	if y < calFirstYear || y > calLastYear {
		return r.compute(y)
	}
	slot := &r.years[y-calFirstYear]
	if cy := slot.Load(); cy != nil {
		return cy
	}
	// Two goroutines may compute the same year; both results are equal and
	// the first stored wins.
	slot.CompareAndSwap(nil, r.compute(y))
	return slot.Load()
}

func (cy *calYear) has(d Date) (holiday, national bool) {
	if d < cy.jan1 || d >= cy.next {
		return false, false
	}
	i := int(d - cy.jan1)
	w, bit := i/64, uint64(1)<<(i%64)
	return cy.holiday[w]&bit != 0, cy.national[w]&bit != 0
}

// compute marks the year's holidays: each holiday's own date and its
// observed date, taken from the year before and after too, since an
// observed date can cross New Year (US New Year's Day on a Saturday is
// observed on the Friday before).
func (r *calRegion) compute(y int) *calYear {
	cy := &calYear{jan1: DateFromYMD(y, time.January, 1), next: DateFromYMD(y+1, time.January, 1)}
	mark := func(bits *[6]uint64, list []*cal.Holiday) {
		for _, h := range list {
			for yy := y - 1; yy <= y+1; yy++ {
				actual, observed := h.Calc(yy)
				for _, t := range [2]time.Time{actual, observed} {
					if t.IsZero() {
						continue
					}
					// rickar/cal returns the start of the day in the process's
					// local zone; noon is on the right day whatever DST did.
					d := DateOf(t.Add(12 * time.Hour))
					if dy, _, _ := d.YMD(); dy == y {
						i := int(d - cy.jan1)
						bits[i/64] |= 1 << (i % 64)
					}
				}
			}
		}
	}
	mark(&cy.holiday, r.list)
	mark(&cy.national, r.national)
	for i := range cy.holiday {
		cy.holiday[i] |= cy.national[i]
	}
	return cy
}
