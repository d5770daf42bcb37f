package timing

import (
	"strings"

	"github.com/outbound-go/outbound/phone"
)

// numberZone applies rule 2 of Resolve to a parsed number, before the
// country check: a fixed-line number whose prefix maps to exactly one zone,
// or a North American (+1) fixed or mobile number whose area code does.
// Zones the phone data names by an old spelling come back renamed.
func (r *ZoneResolver) numberZone(num phone.Number) (zone string, source ZoneSource, ok bool) {
	switch {
	case num.Type == phone.FixedLine:
		source = ZoneSourcePhone
	case strings.HasPrefix(num.E164, "+1") && num.Type.MaybeMobile():
		// The NANP does not tell mobiles from landlines, and both keep the
		// area code of where they were issued.
		source = ZoneSourcePhoneAreaCode
	default:
		return "", "", false
	}
	zones := phone.Zones(num)
	if len(zones) != 1 {
		return "", "", false
	}
	zone = zones[0]
	if cur, ok := r.renames[zone]; ok {
		zone = cur
	}
	return zone, source, true
}
