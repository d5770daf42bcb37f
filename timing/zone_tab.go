package timing

import (
	_ "embed"
	"fmt"
	"strings"
)

// zone1970Tab is IANA tzdb 2025b's zone1970.tab (public domain), copied
// unchanged into zonedata/. Its country codes are package place's, which
// embeds the same release's iso3166.tab: replace both together when tzdata
// changes and run the tests, which check every table against them.
//
//go:embed zonedata/zone1970.tab
var zone1970Tab string

// parseZone1970 reads zone1970.tab: tab-separated country codes (comma
// separated), coordinates, zone name and an optional comment; '#' starts a
// comment line. It returns each country's zones in file order.
func parseZone1970(data string) (map[string][]string, error) {
	out := map[string][]string{}
	for i, line := range strings.Split(data, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 || f[0] == "" || f[2] == "" {
			return nil, fmt.Errorf("timing: zonedata: zone1970.tab line %d: want country, coordinates, zone: %q", i+1, line)
		}
		for _, c := range strings.Split(f[0], ",") {
			if !isAlpha2(c) {
				return nil, fmt.Errorf("timing: zonedata: zone1970.tab line %d: country %q", i+1, c)
			}
			out[c] = append(out[c], f[2])
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("timing: zonedata: zone1970.tab is empty")
	}
	return out, nil
}

func isAlpha2(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}
