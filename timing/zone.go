package timing

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/place"
)

// ZoneSource records how a recipient's timezone was found. Its string form is
// what storage keeps next to the zone name; the values never change.
type ZoneSource string

// The sources, in the order [ZoneResolver.Resolve] tries them.
const (
	// ZoneSourceExplicit: the lead's own IANA zone.
	ZoneSourceExplicit ZoneSource = "explicit"
	// ZoneSourcePhone: a valid fixed-line number whose prefix maps to exactly
	// one zone of the lead's country.
	ZoneSourcePhone ZoneSource = "phone"
	// ZoneSourcePhoneAreaCode: a North American (+1) number, fixed or mobile
	// (the numbering plan cannot tell them apart), whose area code maps to
	// exactly one zone of the lead's country. Kept apart from
	// [ZoneSourcePhone] because a mobile keeps its area code when its owner
	// moves: the zone is the one US dialers use, not proof of where the
	// person sits.
	ZoneSourcePhoneAreaCode ZoneSource = "phone_area_code"
	// ZoneSourceRegion: the company's country spans several zones and its
	// region (state, province) picks one.
	ZoneSourceRegion ZoneSource = "region"
	// ZoneSourceCountry: the company's country keeps one clock.
	ZoneSourceCountry ZoneSource = "country"
	// ZoneSourceDefault: the client's default zone: the lead's country is
	// unknown, or the default is one of its zones.
	ZoneSourceDefault ZoneSource = "client_default"
	// ZoneSourceCountryDefault: the lead's country spans several zones,
	// nothing placed the lead in one, and the client's default zone is not in
	// the country: the zone most of the country's people live in.
	ZoneSourceCountryDefault ZoneSource = "country_default"
)

// ZoneSources returns every source in the order Resolve tries them.
func ZoneSources() []ZoneSource {
	return []ZoneSource{ZoneSourceExplicit, ZoneSourcePhone, ZoneSourcePhoneAreaCode, ZoneSourceRegion,
		ZoneSourceCountry, ZoneSourceDefault, ZoneSourceCountryDefault}
}

// Valid reports whether s is one of the sources.
func (s ZoneSource) Valid() bool {
	switch s {
	case ZoneSourceExplicit, ZoneSourcePhone, ZoneSourcePhoneAreaCode, ZoneSourceRegion, ZoneSourceCountry,
		ZoneSourceDefault, ZoneSourceCountryDefault:
		return true
	}
	return false
}

// String returns the stored form.
func (s ZoneSource) String() string { return string(s) }

// Errors of timezone resolution. Resolve and the lookups return them wrapped in
// a [*ZoneError] that names the field and its value; test with [errors.Is].
var (
	// ErrNoZone: nothing in the query answers, and there is no client default.
	ErrNoZone = errors.New("no timezone found")
	// ErrUnknownZone: an explicit or default zone is not an IANA name the
	// timezone database knows.
	ErrUnknownZone = errors.New("unknown IANA timezone")
	// ErrUnknownCountry: the country is neither an ISO 3166-1 code nor a
	// country name package place knows.
	ErrUnknownCountry = errors.New("unknown country")
	// ErrAmbiguousCountry: the country spans several clocks and the region is
	// missing or not in the country's region table.
	//
	// Deprecated: Resolve no longer returns it: a lead of such a country gets
	// the client's default zone or the country's most populous one
	// ([ZoneSourceCountryDefault]). It stays so that errors.Is checks
	// compile.
	ErrAmbiguousCountry = errors.New("country spans several timezones")
)

// ZoneError reports which field of a [ZoneQuery] could not be used, and why.
// It is bad input: errors.Is(err, [ErrInvalid]) holds for it, and for the
// sentinel of its cause.
type ZoneError struct {
	// Field is the lower-case name of the ZoneQuery field: "zone", "phone",
	// "country", "region" or "default".
	Field string
	// Value is the field's value as given.
	Value string
	// Err is the cause; errors.Is sees through it to the sentinels above.
	Err error
}

func (e *ZoneError) Error() string {
	return fmt.Sprintf("timing: zone: %s %q: %v", e.Field, e.Value, e.Err)
}

func (e *ZoneError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalid) hold; the causes match through Unwrap.
func (e *ZoneError) Is(target error) bool { return target == ErrInvalid }

// ZoneQuery is what is known about a recipient. Every field is optional;
// surrounding spaces are ignored.
type ZoneQuery struct {
	// Zone is the lead's own IANA zone, e.g. "Australia/Perth". The zones
	// of zone1970.tab and a few renamed spellings ("Asia/Calcutta" is stored
	// as "Asia/Kolkata") match in any case, with spaces for underscores;
	// any other name must load exactly as given. Default: empty (unknown).
	Zone string
	// Phone is the lead's phone number, national or international format.
	// Only a valid fixed-line number, or a North American (+1) fixed or
	// mobile number, is used. Default: empty.
	Phone string
	// Country is the company's country: an ISO 3166-1 alpha-2 or alpha-3
	// code or an English name, as package place reads it ("au", "USA",
	// "United Kingdom"). It is also the default region for parsing Phone.
	// When it is empty or unreadable, the country of an international Phone
	// stands in for it. Default: empty.
	Country string
	// Region is the company's state, province or territory: a code ("WA",
	// "AU-WA") or a name ("Western Australia"), as package place reads it.
	// Default: empty.
	Region string
	// Default is the client's default IANA zone. It answers for a lead of
	// no known country, and for a lead of a multi-zone country that nothing
	// places when it is one of that country's zones. Default: empty.
	Default string
}

// ZoneResult is a resolved zone and how it was found.
type ZoneResult struct {
	// Location is the loaded zone; Location.String() equals Name.
	Location *time.Location
	// Name is the IANA name to store.
	Name string
	// Source is how the zone was found.
	Source ZoneSource
}

// ZoneRegion is one entry of a country's region table.
type ZoneRegion struct {
	// Code is the region's code within its country, as ISO 3166-2 has it
	// without the country prefix ("NSW", "TX", "ON").
	Code string
	// Name is the region's English name, from package place.
	Name string
	// Zone is the IANA zone the region resolves to.
	Zone string
}

// ZoneResolver finds a recipient's timezone. It holds the embedded
// zone1970.tab, parsed once, the region tables, and a cache of loaded
// locations; country and region names come from package place. Build one
// with [NewZoneResolver] and share it: it is safe for concurrent use and
// never changes after construction except for its location cache.
type ZoneResolver struct {
	countryZones   map[string][]string          // ISO code → zone1970.tab zones, file order
	countrySet     map[string]map[string]bool   // ISO code → its zones and its territories' (US → America/Puerto_Rico)
	countryClock   map[string]string            // multi-zone countries that keep one clock → zone
	populous       map[string]string            // every country with a zone → the zone most of its people live in
	regionZones    map[string]map[string]string // ISO code → region code → zone
	regionLists    map[string][]ZoneRegion      // ISO code → table, sorted by code
	renames        map[string]string            // old spelling → current IANA name
	canonicalNames map[string]string            // zone1970.tab name or old spelling → IANA name
	foldedNames    map[string]string            // lower-cased name → IANA name, for explicit zones
	locs           sync.Map                     // IANA name → *time.Location
}

// NewZoneResolver parses the embedded tables and checks the region tables
// against them and against package place. It fails only if the embedded data
// is inconsistent.
func NewZoneResolver() (*ZoneResolver, error) {
	r := &ZoneResolver{
		countrySet:     map[string]map[string]bool{},
		countryClock:   map[string]string{},
		populous:       map[string]string{},
		regionZones:    map[string]map[string]string{},
		regionLists:    map[string][]ZoneRegion{},
		renames:        zoneRenames(),
		foldedNames:    map[string]string{},
		canonicalNames: map[string]string{},
	}
	var err error
	if r.countryZones, err = parseZone1970(zone1970Tab); err != nil {
		return nil, err
	}
	for c, zs := range r.countryZones {
		if _, ok := place.CountryName(c); !ok {
			return nil, fmt.Errorf("timing: zonedata: zone1970.tab country %s unknown to package place", c)
		}
		r.countrySet[c] = map[string]bool{}
		for _, z := range zs {
			r.countrySet[c][z] = true
			r.canonicalNames[z] = z
			r.foldedNames[strings.ToLower(z)] = z
		}
	}
	for old, cur := range r.renames {
		r.canonicalNames[old] = cur
		r.canonicalNames[cur] = cur
		r.foldedNames[strings.ToLower(old)] = cur
		r.foldedNames[strings.ToLower(cur)] = cur
	}
	for c, z := range zoneCountryClocks() {
		if !r.countryHasZone(c, z) {
			return nil, fmt.Errorf("timing: zonedata: %s → %s: zone not listed for %s in zone1970.tab", c, z, c)
		}
		r.countryClock[c] = z
	}
	populous := zonePopulous()
	for c, zs := range r.countryZones {
		switch z, ok := populous[c]; {
		case len(zs) == 1:
			r.populous[c] = zs[0]
		case r.countryClock[c] != "":
			r.populous[c] = r.countryClock[c]
		case ok:
			r.populous[c] = z
		default:
			r.populous[c] = zs[0]
		}
	}
	for c, z := range populous {
		if !r.countryHasZone(c, z) {
			return nil, fmt.Errorf("timing: zonedata: most populous zone of %s, %s, not listed for it in zone1970.tab", c, z)
		}
	}
	for _, t := range zoneRegionTables() {
		if err := r.addRegionTable(t); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *ZoneResolver) addRegionTable(t zoneRegionTable) error {
	if len(r.countryZones[t.country]) < 2 {
		return fmt.Errorf("timing: zonedata: region table for %s, which has one zone", t.country)
	}
	names := map[string]string{}
	for _, reg := range place.Regions(t.country) {
		names[reg.Code] = reg.Name
	}
	zones := map[string]string{}
	list := make([]ZoneRegion, 0, len(t.rows))
	for _, row := range t.rows {
		name, ok := names[row.code]
		if !ok {
			return fmt.Errorf("timing: zonedata: %s-%s is not a region package place knows", t.country, row.code)
		}
		if _, dup := zones[row.code]; dup {
			return fmt.Errorf("timing: zonedata: %s-%s listed twice", t.country, row.code)
		}
		owner := t.country
		if row.territory {
			owner = row.code
		}
		if !r.countryHasZone(owner, row.zone) {
			return fmt.Errorf("timing: zonedata: %s-%s → %s: zone not listed for %s in zone1970.tab", t.country, row.code, row.zone, owner)
		}
		if row.territory {
			r.countrySet[t.country][row.zone] = true
		}
		zones[row.code] = row.zone
		list = append(list, ZoneRegion{Code: row.code, Name: name, Zone: row.zone})
	}
	for code := range names {
		if _, ok := zones[code]; !ok {
			return fmt.Errorf("timing: zonedata: %s-%s has no zone", t.country, code)
		}
	}
	slices.SortFunc(list, func(a, b ZoneRegion) int { return strings.Compare(a.Code, b.Code) })
	r.regionZones[t.country] = zones
	r.regionLists[t.country] = list
	return nil
}

func (r *ZoneResolver) countryHasZone(country, zone string) bool {
	return slices.Contains(r.countryZones[country], zone)
}

// inCountry reports whether zone is one of country's zones: zone1970.tab's,
// or a territory's its region table lists.
func (r *ZoneResolver) inCountry(country, zone string) bool {
	return r.countrySet[country][zone]
}

// Resolve finds the recipient's zone; the first rule that answers wins:
//
//  1. q.Zone, the lead's explicit IANA zone, taken as the lead's word even
//     when it lies outside q.Country. A name that does not load is an error
//     (Field "zone", [ErrUnknownZone]), not skipped: the lead stated its
//     zone, and quietly replacing a typo with a guess would record a wrong
//     zone as if it were found.
//  2. q.Phone (parsed with the country as its default region) when its
//     prefix maps to exactly one zone and that zone is in the lead's
//     country: a valid fixed-line number ([ZoneSourcePhone]), or a North
//     American (+1) number, fixed or mobile, by its area code, as US
//     dialers place it ([ZoneSourcePhoneAreaCode]). Mobile numbers outside
//     North America, VoIP, toll-free and other non-geographic numbers never
//     answer: they say nothing about where the person is. A prefix that
//     spans several zones does not answer either, so an explicit region
//     beats it. An unusable phone falls through without error; validate
//     numbers with [phone.Parse].
//  3. The country (q.Country, else the country of an international
//     q.Phone) and q.Region: a country that keeps one clock answers alone
//     ([ZoneSourceCountry]); a country that spans several answers when
//     q.Region is in its region table ([ZoneSourceRegion]).
//  4. A country that spans several clocks and that nothing above placed:
//     q.Default when it is one of the country's zones ([ZoneSourceDefault]),
//     else the zone most of the country's people live in
//     ([ZoneSourceCountryDefault]: America/New_York for the US,
//     Australia/Sydney for Australia, ...). So whenever the lead's country
//     is known, the zone found is one of that country's (or of a territory
//     its region table lists), however the client is configured.
//  5. q.Default, for a lead whose country is unknown (none given, or one
//     that package place cannot read) or has no zone (Bouvet Island).
//
// q.Default, when given, is checked on every call even when an earlier rule
// answers, so a misconfigured client fails loudly (Field "default",
// [ErrUnknownZone]). When nothing answers the error wraps [ErrNoZone] and,
// for a country that cannot be read, [ErrUnknownCountry].
func (r *ZoneResolver) Resolve(q ZoneQuery) (ZoneResult, error) {
	var def ZoneResult
	if name := strings.TrimSpace(q.Default); name != "" {
		res, err := r.explicit(name, ZoneSourceDefault)
		if err != nil {
			return ZoneResult{}, &ZoneError{Field: "default", Value: q.Default, Err: err}
		}
		def = res
	}
	if name := strings.TrimSpace(q.Zone); name != "" {
		res, err := r.explicit(name, ZoneSourceExplicit)
		if err != nil {
			return ZoneResult{}, &ZoneError{Field: "zone", Value: q.Zone, Err: err}
		}
		return res, nil
	}
	country, _ := place.Country(q.Country)
	var num phone.Number
	if raw := strings.TrimSpace(q.Phone); raw != "" {
		if n, err := phone.Parse(raw, country); err == nil {
			num = n
			if country == "" && len(n.Country) == 2 {
				country = n.Country
			}
		}
	}
	if num.E164 != "" && country != "" {
		if name, source, ok := r.numberZone(num); ok && r.inCountry(country, name) {
			return r.result(name, source, "phone", q.Phone)
		}
	}
	zones := r.countryZones[country]
	switch {
	case len(zones) == 1:
		return r.result(zones[0], ZoneSourceCountry, "country", q.Country)
	case r.countryClock[country] != "":
		return r.result(r.countryClock[country], ZoneSourceCountry, "country", q.Country)
	case len(zones) > 1:
		if code, ok := place.Region(country, q.Region); ok {
			if z, ok := r.regionZones[country][code]; ok {
				return r.result(z, ZoneSourceRegion, "region", q.Region)
			}
		}
		if def.Location != nil && r.inCountry(country, def.Name) {
			return def, nil
		}
		return r.result(r.populous[country], ZoneSourceCountryDefault, "country", q.Country)
	}
	if def.Location != nil {
		return def, nil
	}
	switch {
	case country != "":
		return ZoneResult{}, &ZoneError{Field: "country", Value: q.Country, Err: fmt.Errorf("%w: %s has no zone in zone1970.tab", ErrNoZone, country)}
	case strings.TrimSpace(q.Country) != "":
		return ZoneResult{}, &ZoneError{Field: "country", Value: q.Country, Err: fmt.Errorf("%w: %w", ErrNoZone, ErrUnknownCountry)}
	}
	return ZoneResult{}, &ZoneError{Field: "country", Value: q.Country, Err: fmt.Errorf("%w: no explicit zone, usable phone number, country or client default", ErrNoZone)}
}

// result loads a zone that a rule found from a query field.
func (r *ZoneResolver) result(name string, source ZoneSource, field, value string) (ZoneResult, error) {
	loc, err := r.load(name)
	if err != nil {
		return ZoneResult{}, &ZoneError{Field: field, Value: value, Err: err}
	}
	return ZoneResult{Location: loc, Name: name, Source: source}, nil
}

// PhoneZone returns the zone a phone number places its owner in, by the
// rule Resolve applies to q.Phone (without the lead's country): a valid
// fixed-line number whose prefix maps to exactly one zone, or a North
// American (+1) number whose area code does. e164 is an international
// number, in E.164 or written with its +country code. ok is false for
// anything else, a mobile outside North America included. A caller checks
// calling hours in this zone as well as in the lead's.
func (r *ZoneResolver) PhoneZone(e164 string) (zone string, ok bool) {
	num, err := phone.Parse(e164, "")
	if err != nil {
		return "", false
	}
	zone, _, ok = r.numberZone(num)
	return zone, ok
}

// explicit loads a zone named by the caller: a zone1970.tab name or a renamed
// spelling matched case-insensitively (spaces read as underscores), else any
// name the timezone database loads, exactly as given.
func (r *ZoneResolver) explicit(name string, source ZoneSource) (ZoneResult, error) {
	if cur, ok := r.canonicalNames[name]; ok {
		name = cur
	} else if cur, ok := r.foldedNames[strings.ToLower(strings.ReplaceAll(name, " ", "_"))]; ok {
		name = cur
	}
	loc, err := r.load(name)
	if err != nil {
		return ZoneResult{}, err
	}
	return ZoneResult{Location: loc, Name: name, Source: source}, nil
}

// Location loads an IANA zone through the resolver's cache. "Local" and the
// empty name are refused: a recipient's zone never depends on the host.
func (r *ZoneResolver) Location(name string) (*time.Location, error) {
	loc, err := r.load(name)
	if err != nil {
		return nil, &ZoneError{Field: "zone", Value: name, Err: err}
	}
	return loc, nil
}

func (r *ZoneResolver) load(name string) (*time.Location, error) {
	if v, ok := r.locs.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, ErrUnknownZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Not cached: outside input could otherwise grow the cache without
		// bound. Valid names are bounded by the timezone database.
		return nil, fmt.Errorf("%w: %v", ErrUnknownZone, err)
	}
	v, _ := r.locs.LoadOrStore(name, loc)
	return v.(*time.Location), nil
}

// CountryZones returns the zones zone1970.tab lists for a country (a code or
// name, as package place reads it), in the table's order (most populous
// first within each area), or nil for an unknown country. The slice is a
// copy.
func (r *ZoneResolver) CountryZones(country string) []string {
	zs := r.countryZones[countryCode(country)]
	if zs == nil {
		return nil
	}
	return append([]string(nil), zs...)
}

// CountryZone returns the zone a country answers with on its own: its only
// zone, or, for a country whose zones all keep the same clock (Germany,
// Argentina, Kazakhstan, ...), its principal one. ok is false for an unknown
// country and for one that needs a region.
func (r *ZoneResolver) CountryZone(country string) (zone string, ok bool) {
	c := countryCode(country)
	if zs := r.countryZones[c]; len(zs) == 1 {
		return zs[0], true
	}
	zone, ok = r.countryClock[c]
	return zone, ok
}

// RegionZone returns the zone of a region (a code or name, as package place
// reads it) in its country's region table. ok is false for a country without
// a table (one with a single clock needs none) and for a region the table
// does not know.
func (r *ZoneResolver) RegionZone(country, region string) (zone string, ok bool) {
	c := countryCode(country)
	code, ok := place.Region(c, region)
	if !ok {
		return "", false
	}
	zone, ok = r.regionZones[c][code]
	return zone, ok
}

// ZoneRegions returns a country's region table sorted by code, or nil for a
// country without one. The slice is a copy.
func (r *ZoneResolver) ZoneRegions(country string) []ZoneRegion {
	list := r.regionLists[countryCode(country)]
	if list == nil {
		return nil
	}
	return append([]ZoneRegion(nil), list...)
}

// CountryName returns the English name of a country (a code or name, as
// package place reads it); ok is false for an unknown country.
func (r *ZoneResolver) CountryName(country string) (name string, ok bool) {
	return place.CountryName(countryCode(country))
}

// countryCode reads a country as package place does, or returns "" to fail
// the table lookups.
func countryCode(s string) string {
	c, _ := place.Country(s)
	return c
}
