package timing

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ZoneSource records how a recipient's timezone was found. Its string form is
// what storage keeps next to the zone name.
type ZoneSource string

// The sources, in the order [ZoneResolver.Resolve] tries them.
const (
	// ZoneSourceExplicit: the lead's own IANA zone.
	ZoneSourceExplicit ZoneSource = "explicit"
	// ZoneSourcePhone: a valid fixed-line number whose prefix maps to exactly
	// one zone.
	ZoneSourcePhone ZoneSource = "phone"
	// ZoneSourceRegion: the company's country spans several zones and its
	// region (state, province) picks one.
	ZoneSourceRegion ZoneSource = "region"
	// ZoneSourceCountry: the company's country keeps one clock.
	ZoneSourceCountry ZoneSource = "country"
	// ZoneSourceDefault: the client's default zone.
	ZoneSourceDefault ZoneSource = "client_default"
)

// ZoneSources returns every source in the order Resolve tries them.
func ZoneSources() []ZoneSource {
	return []ZoneSource{ZoneSourceExplicit, ZoneSourcePhone, ZoneSourceRegion, ZoneSourceCountry, ZoneSourceDefault}
}

// Valid reports whether s is one of the five sources.
func (s ZoneSource) Valid() bool {
	switch s {
	case ZoneSourceExplicit, ZoneSourcePhone, ZoneSourceRegion, ZoneSourceCountry, ZoneSourceDefault:
		return true
	}
	return false
}

// Errors of timezone resolution. Resolve and the lookups return them wrapped in
// a [*ZoneError] that names the field and its value; test with [errors.Is].
var (
	// ErrNoZone: nothing in the query answers, and there is no client default.
	ErrNoZone = errors.New("no timezone found")
	// ErrUnknownZone: an explicit or default zone is not an IANA name the
	// timezone database knows.
	ErrUnknownZone = errors.New("unknown IANA timezone")
	// ErrUnknownCountry: the country is not an ISO 3166-1 alpha-2 code.
	ErrUnknownCountry = errors.New("unknown ISO 3166-1 alpha-2 country code")
	// ErrAmbiguousCountry: the country spans several clocks and the region is
	// missing or not in the country's region table.
	ErrAmbiguousCountry = errors.New("country spans several timezones")
)

// ZoneError reports which field of a [ZoneQuery] could not be used, and why.
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

// ZoneQuery is what is known about a recipient. Every field is optional;
// surrounding spaces are ignored.
type ZoneQuery struct {
	// Zone is the lead's own IANA zone, e.g. "Australia/Perth". The zones
	// of zone1970.tab and a few renamed spellings ("Asia/Calcutta" is stored
	// as "Asia/Kolkata") match in any case, with spaces for underscores;
	// any other name must load exactly as given. Default: empty (unknown).
	Zone string
	// Phone is the lead's phone number, national or international format.
	// Only a valid fixed-line number is used. Default: empty.
	Phone string
	// Country is the company's ISO 3166-1 alpha-2 code, any case ("UK" is
	// taken as "GB"). It is also the default region for parsing Phone.
	// Default: empty.
	Country string
	// Region is the company's state, province or territory: a code ("WA",
	// "AU-WA") or an English or local name ("Western Australia"), any case.
	// Default: empty.
	Region string
	// Default is the client's default IANA zone, the last resort.
	// Default: empty (no last resort).
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
	// Name is the region's English name.
	Name string
	// Zone is the IANA zone the region resolves to.
	Zone string
}

// ZoneResolver finds a recipient's timezone. It holds the embedded
// zone1970.tab and iso3166.tab, parsed once, the region tables, and a cache of
// loaded locations. Build one with [NewZoneResolver] and share it: it is safe
// for concurrent use and never changes after construction except for its
// location cache.
type ZoneResolver struct {
	countryZones   map[string][]string          // ISO code → zone1970.tab zones, file order
	countryNames   map[string]string            // ISO code → English name (iso3166.tab)
	countryClock   map[string]string            // multi-zone countries that keep one clock → zone
	regionZones    map[string]map[string]string // ISO code → region key → zone
	regionLists    map[string][]ZoneRegion      // ISO code → table, sorted by code
	renames        map[string]string            // old spelling → current IANA name
	canonicalNames map[string]string            // zone1970.tab name or old spelling → IANA name
	foldedNames    map[string]string            // lower-cased name → IANA name, for explicit zones
	locs           sync.Map                     // IANA name → *time.Location
	ambiguousText  map[string]string            // ISO code → "N zones" text for errors
}

// NewZoneResolver parses the embedded tables and checks the region tables
// against them. It fails only if the embedded data is inconsistent.
func NewZoneResolver() (*ZoneResolver, error) {
	r := &ZoneResolver{
		countryClock:   map[string]string{},
		regionZones:    map[string]map[string]string{},
		regionLists:    map[string][]ZoneRegion{},
		renames:        zoneRenames(),
		foldedNames:    map[string]string{},
		canonicalNames: map[string]string{},
		ambiguousText:  map[string]string{},
	}
	var err error
	if r.countryZones, err = parseZone1970(zone1970Tab); err != nil {
		return nil, err
	}
	if r.countryNames, err = parseISO3166(iso3166Tab); err != nil {
		return nil, err
	}
	for c := range r.countryZones {
		if _, ok := r.countryNames[c]; !ok {
			return nil, fmt.Errorf("timing: zonedata: zone1970.tab country %s not in iso3166.tab", c)
		}
	}
	for c, zs := range r.countryZones {
		for _, z := range zs {
			r.canonicalNames[z] = z
			r.foldedNames[strings.ToLower(z)] = z
		}
		if len(zs) > 1 {
			r.ambiguousText[c] = fmt.Sprintf("%s has %d zones in zone1970.tab", c, len(zs))
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
	keys := map[string]string{}
	list := make([]ZoneRegion, 0, len(t.rows))
	for _, row := range t.rows {
		owner := t.country
		if row.territory != "" {
			owner = row.territory
		}
		if !r.countryHasZone(owner, row.zone) {
			return fmt.Errorf("timing: zonedata: %s-%s → %s: zone not listed for %s in zone1970.tab", t.country, row.code, row.zone, owner)
		}
		for _, alias := range append([]string{row.code, row.name}, row.aliases...) {
			k := regionKey(t.country, alias)
			if k == "" {
				return fmt.Errorf("timing: zonedata: %s-%s: empty alias %q", t.country, row.code, alias)
			}
			if prev, ok := keys[k]; ok && prev != row.zone {
				return fmt.Errorf("timing: zonedata: %s region %q maps to both %s and %s", t.country, alias, prev, row.zone)
			}
			keys[k] = row.zone
		}
		list = append(list, ZoneRegion{Code: row.code, Name: row.name, Zone: row.zone})
	}
	sortZoneRegions(list)
	r.regionZones[t.country] = keys
	r.regionLists[t.country] = list
	return nil
}

func (r *ZoneResolver) countryHasZone(country, zone string) bool {
	for _, z := range r.countryZones[country] {
		if z == zone {
			return true
		}
	}
	return false
}

// Resolve finds the recipient's zone; the first rule that answers wins:
//
//  1. q.Zone, the lead's explicit IANA zone. A name that does not load is an
//     error (Field "zone", [ErrUnknownZone]), not skipped: the lead stated its
//     zone, and quietly replacing a typo with a guess would record a wrong
//     zone as if it were found.
//  2. q.Phone, if it is a valid fixed-line number (parsed with q.Country as
//     its default region) whose prefix maps to exactly one zone. Mobile,
//     fixed-line-or-mobile (every North American number), VoIP, toll-free
//     and other non-geographic numbers never answer: they say nothing about
//     where the person is. An unusable phone falls through without error;
//     validate numbers with [phone.Parse].
//  3. q.Country (and q.Region): a country that keeps one clock answers alone
//     ([ZoneSourceCountry]); a country that spans several answers only when
//     q.Region is in its region table ([ZoneSourceRegion]). An unknown
//     country, or an ambiguous one without a usable region, falls through.
//  4. q.Default, the client's default zone.
//
// q.Default, when given, is checked on every call even when an earlier rule
// answers, so a misconfigured client fails loudly (Field "default",
// [ErrUnknownZone]). When nothing answers the error wraps [ErrNoZone] and,
// where a field was at fault, [ErrUnknownCountry] or [ErrAmbiguousCountry].
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
	country := normalizeCountry(q.Country)
	if phone := strings.TrimSpace(q.Phone); phone != "" {
		if name, ok := r.phoneZone(phone, country); ok {
			loc, err := r.load(name)
			if err != nil {
				return ZoneResult{}, &ZoneError{Field: "phone", Value: q.Phone, Err: err}
			}
			return ZoneResult{Location: loc, Name: name, Source: ZoneSourcePhone}, nil
		}
	}
	name, source, reason := r.countryRegionZone(country, q.Region)
	if name != "" {
		loc, err := r.load(name)
		if err != nil {
			return ZoneResult{}, &ZoneError{Field: string(source), Value: fieldValue(source, q), Err: err}
		}
		return ZoneResult{Location: loc, Name: name, Source: source}, nil
	}
	if def.Location != nil {
		return def, nil
	}
	return ZoneResult{}, reason.err(q)
}

func fieldValue(source ZoneSource, q ZoneQuery) string {
	if source == ZoneSourceRegion {
		return q.Region
	}
	return q.Country
}

// noAnswer says why the country step did not answer.
type noAnswer struct {
	field string // "country" or "region"
	cause error  // nil, ErrUnknownCountry or ErrAmbiguousCountry
	text  string
}

func (n noAnswer) err(q ZoneQuery) error {
	value := q.Country
	if n.field == "region" {
		value = q.Region
	}
	var err error
	switch {
	case n.cause != nil && n.text != "":
		err = fmt.Errorf("%w: %w (%s)", ErrNoZone, n.cause, n.text)
	case n.cause != nil:
		err = fmt.Errorf("%w: %w", ErrNoZone, n.cause)
	default:
		err = fmt.Errorf("%w: %s", ErrNoZone, n.text)
	}
	return &ZoneError{Field: n.field, Value: value, Err: err}
}

// countryRegionZone applies rule 3. country is already normalised.
func (r *ZoneResolver) countryRegionZone(country, region string) (string, ZoneSource, noAnswer) {
	if country == "" {
		return "", "", noAnswer{field: "country", text: "no explicit zone, fixed-line phone number, country or client default"}
	}
	zones, known := r.countryZones[country]
	if !known {
		if _, ok := r.countryNames[country]; ok {
			return "", "", noAnswer{field: "country", text: country + " has no zone in zone1970.tab"}
		}
		return "", "", noAnswer{field: "country", cause: ErrUnknownCountry}
	}
	if len(zones) == 1 {
		return zones[0], ZoneSourceCountry, noAnswer{}
	}
	if z, ok := r.countryClock[country]; ok {
		return z, ZoneSourceCountry, noAnswer{}
	}
	if z, ok := r.regionZones[country][regionKey(country, region)]; ok {
		return z, ZoneSourceRegion, noAnswer{}
	}
	text := r.ambiguousText[country]
	if _, ok := r.regionZones[country]; ok {
		text += "; give one of its regions"
	} else {
		text += " and no region table"
	}
	return "", "", noAnswer{field: "region", cause: ErrAmbiguousCountry, text: text}
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

// CountryZones returns the zones zone1970.tab lists for an ISO 3166-1
// alpha-2 country (any case), in the table's order (most populous first
// within each area), or nil for an unknown country. The slice is a copy.
func (r *ZoneResolver) CountryZones(country string) []string {
	zs := r.countryZones[normalizeCountry(country)]
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
	name, _, _ := r.countryRegionZone(normalizeCountry(country), "")
	return name, name != ""
}

// RegionZone returns the zone of a region in its country's region table. ok is
// false for a country without a table (one with a single clock needs none) and
// for a region the table does not know.
func (r *ZoneResolver) RegionZone(country, region string) (zone string, ok bool) {
	c := normalizeCountry(country)
	zone, ok = r.regionZones[c][regionKey(c, region)]
	return zone, ok
}

// ZoneRegions returns a country's region table sorted by code, or nil for a
// country without one. The slice is a copy.
func (r *ZoneResolver) ZoneRegions(country string) []ZoneRegion {
	list := r.regionLists[normalizeCountry(country)]
	if list == nil {
		return nil
	}
	return append([]ZoneRegion(nil), list...)
}

// CountryName returns the English name iso3166.tab gives an ISO 3166-1
// alpha-2 code (any case); ok is false for an unknown code.
func (r *ZoneResolver) CountryName(country string) (name string, ok bool) {
	name, ok = r.countryNames[normalizeCountry(country)]
	return name, ok
}

// normalizeCountry trims and upper-cases an ISO 3166-1 alpha-2 code and reads
// the common "UK" as "GB". Anything else is returned upper-cased, to fail the
// table lookups.
func normalizeCountry(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if c == "UK" {
		return "GB"
	}
	return c
}
