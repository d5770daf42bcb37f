package timing

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// Recipient is where a touch lands, as far as timing cares: the lead's zone,
// country and region, and, for calls and texts, the zone and state of the
// number called.
type Recipient struct {
	// Location is the recipient's timezone. Required.
	Location *time.Location
	// Country is the recipient's country, ISO 3166-1 alpha-2 ("AU"); it
	// chooses the public holidays and the legal ceilings. Default (empty):
	// unknown, so no holidays and no ceilings apply.
	Country string
	// Region is the recipient's state or province ("NSW", "CA"), for state
	// holidays and regional ceilings. Default (empty): unknown, so the
	// national holidays apply.
	Region string
	// PhoneLocation is the zone of the number called or texted (a NANP
	// number's area code gives one), which may differ from the lead's. The
	// called-party ceilings ([Ceiling].CalledParty: the US federal and state
	// calling hours) hold in this zone as well as in Location; business
	// windows and holidays stay in Location. Default (nil): unknown, so the
	// ceilings hold in Location only.
	PhoneLocation *time.Location
	// PhoneCountry is the number's country, ISO 3166-1 alpha-2 ("US"). The
	// called-party ceilings of this country apply on top of the lead's
	// country's. Default (empty): the same as Country.
	PhoneCountry string
	// PhoneRegion is the number's state ("FL") in PhoneCountry, for the
	// regional called-party ceilings (a state's stricter calling hours):
	// those of the lead's Region and of PhoneRegion both apply, in both
	// zones. Default (empty): unknown, so only the lead's Region counts.
	PhoneRegion string
}

// SlotHorizon is how many days past the earliest instant's day the
// [Scheduler] looks for a window before it gives up with [ErrNoSlot].
const SlotHorizon = 366

// Errors returned by the [Scheduler], wrapped with the value at fault.
var (
	// ErrNoSlot means no window opens within [SlotHorizon] days.
	ErrNoSlot = errors.New("timing: no send window within the horizon")
	// ErrUnknownChannel means the channel is not one of channel.Kinds.
	ErrUnknownChannel = errors.New("timing: unknown channel")
	// ErrNoLocation means the Recipient has no Location.
	ErrNoLocation = errors.New("timing: recipient has no location")
)

// SchedulerConfig configures a [Scheduler].
type SchedulerConfig struct {
	// Windows are the send windows per channel. A channel missing from the
	// map gets its window from [DefaultWindows]. Default: DefaultWindows().
	Windows Windows
	// Calendar tells public holidays. Default: [NewHolidayCalendar]().
	Calendar Calendar
	// Ceilings are legal ceilings to apply on top of [LegalCeilings], which
	// always apply (a state's stricter calling hours, say). Default: none.
	Ceilings []Ceiling
}

// WithDefaults returns a copy with every unset field filled in.
func (c SchedulerConfig) WithDefaults() SchedulerConfig {
	c.Windows = c.Windows.WithDefaults()
	if c.Calendar == nil {
		c.Calendar = NewHolidayCalendar()
	}
	return c
}

// Validate reports the first bad window or ceiling of the configuration as
// a *[FieldError] (Record "Windows[sms]", "Ceilings[0]", ...).
func (c SchedulerConfig) Validate() error {
	if err := c.Windows.Validate(); err != nil {
		return err
	}
	for i, ceil := range c.Ceilings {
		if err := ceil.validate(fmt.Sprintf("Ceilings[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// Scheduler finds send slots: instants inside a channel's window in the
// recipient's local time, on a business day. It is immutable once built and
// safe for concurrent use (as long as its Calendar is).
type Scheduler struct {
	windows   Windows
	calendar  Calendar
	holidays  *HolidayCalendar // the calendar, when it is the default one
	base      [kindCount]dayRule
	countries map[string]countryInfo // by upper-case ISO code
}

// countryInfo is what the Scheduler knows of a country: its ceilings and its
// holidays in the default calendar.
type countryInfo struct {
	rules *countryRules // nil: no ceilings
	cal   *calCountry   // nil: a custom calendar, or none for this country
}

// kindCount is the number of channel kinds.
const kindCount = channel.NumKinds

func kindIndex(k channel.Kind) int { return k.Index() }

// dayRule is a channel's effective week for one country (and region).
type dayRule struct {
	hours        Week
	skipHolidays bool // closed on every holiday
	skipNational bool // closed on national holidays (a ceiling)
}

func (r *dayRule) limit(c Ceiling) {
	for d := range r.hours {
		r.hours[d] = r.hours[d].intersect(c.Hours[d])
	}
	r.skipNational = r.skipNational || c.NoNationalHolidays
}

// countryRules holds the effective rules of a country with ceilings.
type countryRules struct {
	all     [kindCount]dayRule
	regions map[string]*[kindCount]dayRule
	// The called-party ceilings alone (no window, no holidays): their hours
	// country-wide and per region, and the channels they limit.
	called        [kindCount]Week
	calledRegions map[string]*[kindCount]Week
	calledKinds   channel.Set
}

// NewScheduler builds a Scheduler from cfg, filling defaults first. It
// returns a *[FieldError] for a bad configuration.
func NewScheduler(cfg SchedulerConfig) (*Scheduler, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Scheduler{windows: cfg.Windows, calendar: cfg.Calendar, countries: map[string]countryInfo{}}
	s.holidays, _ = cfg.Calendar.(*HolidayCalendar)
	if s.holidays != nil {
		for code, cc := range s.holidays.countries {
			s.countries[code] = countryInfo{cal: cc}
		}
		// Aliases the calendar accepts.
		s.countries["UK"] = countryInfo{cal: s.holidays.countries["GB"]}
	}
	for _, k := range channel.Kinds() {
		w := cfg.Windows[k]
		r := &s.base[kindIndex(k)]
		for d := time.Sunday; d <= time.Saturday; d++ {
			if w.Days.Has(d) {
				r.hours[d] = Hours{Start: w.Start, End: w.End}
			}
		}
		r.skipHolidays = !w.OpenOnHolidays
	}
	ceilings := append(LegalCeilings(), cfg.Ceilings...)
	byCountry := map[string]*countryRules{}
	for _, c := range ceilings {
		country := strings.ToUpper(c.Country)
		if byCountry[country] == nil {
			cr := &countryRules{all: s.base, regions: map[string]*[kindCount]dayRule{}, calledRegions: map[string]*[kindCount]Week{}}
			for k := range cr.called {
				cr.called[k] = openWeek
			}
			byCountry[country] = cr
		}
	}
	// Country-wide ceilings first, so regional rules start from them.
	for _, c := range ceilings {
		if c.Region != "" {
			continue
		}
		cr := byCountry[strings.ToUpper(c.Country)]
		for _, k := range c.Channels.Kinds() {
			cr.all[kindIndex(k)].limit(c)
			if c.CalledParty {
				cr.called[kindIndex(k)] = cr.called[kindIndex(k)].intersect(c.Hours)
				cr.calledKinds = cr.calledKinds.With(k)
			}
		}
	}
	for _, c := range ceilings {
		if c.Region == "" {
			continue
		}
		cr := byCountry[strings.ToUpper(c.Country)]
		region := strings.ToUpper(c.Region)
		rr := cr.regions[region]
		if rr == nil {
			rr = new([kindCount]dayRule)
			*rr = cr.all
			cr.regions[region] = rr
		}
		for _, k := range c.Channels.Kinds() {
			rr[kindIndex(k)].limit(c)
		}
		if !c.CalledParty {
			continue
		}
		cw := cr.calledRegions[region]
		if cw == nil {
			cw = new([kindCount]Week)
			*cw = cr.called
			cr.calledRegions[region] = cw
		}
		for _, k := range c.Channels.Kinds() {
			cw[kindIndex(k)] = cw[kindIndex(k)].intersect(c.Hours)
			cr.calledKinds = cr.calledKinds.With(k)
		}
	}
	for country, cr := range byCountry {
		ci := s.countries[country]
		ci.rules = cr
		s.countries[country] = ci
	}
	return s, nil
}

// Window returns the configured window of ch (before any ceiling), and
// whether ch is a known channel.
func (s *Scheduler) Window(ch channel.Kind) (Window, bool) {
	w, ok := s.windows[ch]
	return w, ok
}

// rule returns the effective rule for ch and a recipient, and a cursor
// that answers which days holidays close.
func (s *Scheduler) rule(ch channel.Kind, p Recipient) (dayCursor, error) {
	k := kindIndex(ch)
	if k < 0 {
		return dayCursor{}, fmt.Errorf("channel %q: %w", ch, ErrUnknownChannel)
	}
	if p.Location == nil {
		return dayCursor{}, ErrNoLocation
	}
	c := dayCursor{s: s, rule: s.base[k], country: strings.ToUpper(p.Country), region: p.Region}
	ci, known := s.countries[c.country]
	if known {
		if cr := ci.rules; cr != nil {
			c.rule = cr.all[k]
			if p.Region != "" && len(cr.regions) > 0 {
				if rr := cr.regions[strings.ToUpper(p.Region)]; rr != nil {
					c.rule = rr[k]
				}
			}
		}
	}
	if called, ok := s.calledHours(ch, k, p); ok {
		c.rule.hours = c.rule.hours.intersect(called)
		if p.PhoneLocation != nil {
			c.phone = p.PhoneLocation
			c.phoneHours = called
		}
	}
	if known && ci.cal != nil && (c.rule.skipHolidays || c.rule.skipNational) {
		c.holidays = ci.cal.region(p.Region)
	}
	return c, nil
}

// calledHours returns the hours the called-party ceilings allow ch for the
// recipient: those of the lead's country and region intersected with those
// of the number's country and region. ok is false when no called-party
// ceiling limits ch for either.
func (s *Scheduler) calledHours(ch channel.Kind, k int, p Recipient) (w Week, ok bool) {
	w = openWeek
	add := func(country, region string) {
		cr := s.countries[strings.ToUpper(country)].rules
		if cr == nil || !cr.calledKinds.Has(ch) {
			return
		}
		h := &cr.called[k]
		if region != "" {
			if rw := cr.calledRegions[strings.ToUpper(region)]; rw != nil {
				h = &rw[k]
			}
		}
		w, ok = w.intersect(*h), true
	}
	add(p.Country, p.Region)
	phoneCountry := p.PhoneCountry
	if phoneCountry == "" {
		phoneCountry = p.Country
	}
	add(phoneCountry, p.PhoneRegion)
	return w, ok
}

// dayCursor answers "when is the window open on this day" for one channel
// and recipient, over consecutive days, keeping the default calendar's year
// at hand.
type dayCursor struct {
	s        *Scheduler
	rule     dayRule
	holidays *calRegion // the default calendar's list; nil otherwise
	year     *calYear
	country  string // upper case
	region   string
	// phone is the number's zone when called-party hours hold there too
	// (phoneHours); nil otherwise.
	phone      *time.Location
	phoneHours Week
}

// clip returns the first part of [from, end) that also lies inside the
// called-party hours in the number's zone, and false when none does. Without
// a number's zone it returns [from, end) unchanged.
func (c *dayCursor) clip(from, end time.Time) (time.Time, time.Time, bool) {
	if c.phone == nil {
		return from, end, from.Before(end)
	}
	pf := from.In(c.phone)
	z := spanOf(pf)
	last := DateIn(end.Add(-time.Nanosecond), c.phone)
	for d := Date(floorDiv(pf.Unix()+z.off, secondsPerDay)); d <= last; d++ {
		h := c.phoneHours[d.Weekday()]
		if !h.Open() {
			continue
		}
		a, b := at(&z, d, h.Start), at(&z, d, h.End)
		if a.Before(from) {
			a = from
		}
		if b.After(end) {
			b = end
		}
		if a.Before(b) {
			return a.In(from.Location()), b.In(from.Location()), true
		}
	}
	return time.Time{}, time.Time{}, false
}

// phoneOpen reports whether t lies inside the called-party hours of its day
// in the number's zone; true when there is no number's zone.
func (c *dayCursor) phoneOpen(t time.Time) bool {
	if c.phone == nil {
		return true
	}
	pt := t.In(c.phone)
	z := spanOf(pt)
	d := Date(floorDiv(pt.Unix()+z.off, secondsPerDay))
	h := c.phoneHours[d.Weekday()]
	if !h.Open() {
		return false
	}
	return !t.Before(at(&z, d, h.Start)) && t.Before(at(&z, d, h.End))
}

// open returns the hours of day d, or empty hours when the weekday is
// closed or a holiday closes it.
func (c *dayCursor) open(d Date) Hours {
	h := c.rule.hours[d.Weekday()]
	if !h.Open() || !(c.rule.skipHolidays || c.rule.skipNational) {
		return h
	}
	var holiday, national bool
	switch {
	case c.s.holidays == nil:
		holiday, national = c.s.calendar.Holiday(d, c.country, c.region)
	case c.holidays == nil:
		// A country the default calendar does not know has no holidays.
	default:
		if c.year == nil || d < c.year.jan1 || d >= c.year.next {
			y, _, _ := d.YMD()
			c.year = c.holidays.year(y)
		}
		holiday, national = c.year.has(d)
	}
	if holiday && c.rule.skipHolidays || national && c.rule.skipNational {
		return Hours{}
	}
	return h
}

// at returns d.At(tod), from the zone span z when it holds the answer.
func at(z *zoneSpan, d Date, tod TimeOfDay) time.Time {
	if t, ok := z.at(int64(d)*secondsPerDay + int64(tod)*60); ok {
		return t
	}
	return d.At(tod, z.loc)
}

// find returns the part of the first window that is still open at or after
// earliest: from is the later of the window's start and earliest.
func (s *Scheduler) find(ch channel.Kind, p Recipient, earliest time.Time) (from, end time.Time, err error) {
	c, err := s.rule(ch, p)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	local := earliest.In(p.Location)
	z := spanOf(local)
	first := Date(floorDiv(local.Unix()+z.off, secondsPerDay))
	for d := first; d <= first+SlotHorizon; d++ {
		h := c.open(d)
		if !h.Open() {
			continue
		}
		end = at(&z, d, h.End)
		if !local.Before(end) {
			continue
		}
		start := at(&z, d, h.Start)
		if !start.Before(end) {
			// The whole window fell into a DST gap.
			continue
		}
		if local.After(start) {
			start = local
		}
		if from, end, ok := c.clip(start, end); ok {
			return from, end, nil
		}
	}
	return time.Time{}, time.Time{}, fmt.Errorf("%w: %s for %s %s in %s after %s",
		ErrNoSlot, ch, c.country, p.Region, p.Location, earliest.Format(time.RFC3339))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Next returns the first instant at or after earliest that lies inside ch's
// effective window in the recipient's local time on a business day: a day
// the window opens on that is not a public holiday of the recipient's
// country and region (unless the window is open on holidays), within every
// legal ceiling, and within the called-party ceilings in the number's zone
// too when [Recipient].PhoneLocation is set. The answer is in the
// recipient's Location. It returns [ErrNoSlot] if no window opens within
// [SlotHorizon] days.
func (s *Scheduler) Next(ch channel.Kind, p Recipient, earliest time.Time) (time.Time, error) {
	from, _, err := s.find(ch, p, earliest)
	return from, err
}

// NextSpread is [Scheduler.Next] with the answer spread over the window:
// it lies in the same window-day as Next's answer, at an offset drawn from
// key (a hash of the lead and step, say) across the part of that window that
// is still ahead, in whole seconds. Where the number's zone splits a day's
// window in two (zones half a day apart), the part is the one Next's
// answer lies in. The same key and input give the same
// answer; different keys spread a batch of touches evenly over the window
// instead of all at its opening.
func (s *Scheduler) NextSpread(ch channel.Kind, p Recipient, earliest time.Time, key uint64) (time.Time, error) {
	from, end, err := s.find(ch, p, earliest)
	if err != nil {
		return time.Time{}, err
	}
	span := uint64(end.Sub(from) / time.Second)
	if span <= 1 {
		return from, nil
	}
	off, _ := bits.Mul64(mix64(key), span) // uniform in [0, span)
	return from.Add(time.Duration(off) * time.Second), nil
}

// mix64 is the SplitMix64 finaliser: nearby keys give unrelated values.
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Contains reports whether t is a valid instant to send on ch to the
// recipient: inside the effective window of t's local day, on a business
// day, and inside the called-party hours of its day in the number's zone
// when that is known. It is false for an unknown channel or a recipient
// with no Location.
func (s *Scheduler) Contains(ch channel.Kind, p Recipient, t time.Time) bool {
	if p.Location == nil {
		return false
	}
	local := t.In(p.Location)
	z := spanOf(local)
	c, err := s.rule(ch, p)
	if err != nil {
		return false
	}
	start, end, ok := c.window(Date(floorDiv(local.Unix()+z.off, secondsPerDay)), &z)
	return ok && !t.Before(start) && t.Before(end) && c.phoneOpen(t)
}

// WindowOn returns the instants the effective window of ch opens and closes
// on day d in the recipient's local time, [start, end). ok is false when the
// window stays shut that day: a weekday it does not open on, a holiday, a
// ceiling that forbids the day (in the lead's zone or, for called-party
// hours, in the number's), or a window lost entirely in a DST gap; and for
// an unknown channel or a recipient with no Location. When the number's zone
// is half a day from the lead's and splits the window in two, the answer is
// the first part; [Scheduler.Next] finds the second.
func (s *Scheduler) WindowOn(ch channel.Kind, p Recipient, d Date) (start, end time.Time, ok bool) {
	if p.Location == nil {
		return time.Time{}, time.Time{}, false
	}
	z := spanOf(time.Unix(int64(d)*secondsPerDay+secondsPerDay/2, 0).In(p.Location))
	return s.windowOn(ch, p, d, &z)
}

func (s *Scheduler) windowOn(ch channel.Kind, p Recipient, d Date, z *zoneSpan) (start, end time.Time, ok bool) {
	c, err := s.rule(ch, p)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	start, end, ok = c.window(d, z)
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	return c.clip(start, end)
}

// window returns day d's window in the lead's zone, before the number's
// zone clips it.
func (c *dayCursor) window(d Date, z *zoneSpan) (start, end time.Time, ok bool) {
	h := c.open(d)
	if !h.Open() {
		return time.Time{}, time.Time{}, false
	}
	start, end = at(z, d, h.Start), at(z, d, h.End)
	if !start.Before(end) {
		return time.Time{}, time.Time{}, false
	}
	return start, end, true
}
