package timing

import "github.com/outbound-go/outbound/phone"

// phoneZone applies rule 2 of Resolve: a valid fixed-line number whose prefix
// maps to exactly one known zone.
func (r *ZoneResolver) phoneZone(raw, country string) (string, bool) {
	num, err := phone.Parse(raw, country)
	if err != nil || num.Type != phone.FixedLine {
		return "", false
	}
	zones := phone.Zones(num)
	if len(zones) != 1 {
		return "", false
	}
	name := zones[0]
	if cur, ok := r.renames[name]; ok {
		name = cur
	}
	return name, true
}
