package timing

// A zoneRegionRow maps one region of a multi-zone country to the zone most of
// its people live in. code is the region's code as package place returns it
// (ISO 3166-2 without the country prefix); the names people write for it
// live in place, not here. territory is set when the region is an area with
// its own ISO 3166-1 code, the same as its region code (Puerto Rico as a US
// "state"); the zone must then be one of that code's zones.
type zoneRegionRow struct {
	code, zone string
	territory  bool
}

type zoneRegionTable struct {
	country string
	rows    []zoneRegionRow
}

// zonePopulous names, for each country that zone1970.tab splits into zones
// keeping different clocks, the zone most of its people live in: the zone a
// lead of the country gets when nothing else places it and the client's
// default zone is not in the country ([ZoneSourceCountryDefault]). A
// multi-clock country missing here (one that a later tzdata splits) gets the
// first zone zone1970.tab lists for it, which the file orders with the most
// populous first where geography allows; the tests check that every such
// country of the embedded data is listed, and that every zone here is one of
// its country's.
func zonePopulous() map[string]string {
	return map[string]string{
		"AQ": "Pacific/Auckland",     // McMurdo, the largest station
		"AU": "Australia/Sydney",     // New South Wales and the ACT
		"BR": "America/Sao_Paulo",    // the South-East, South and Centre-West
		"CA": "America/Toronto",      // Ontario and Quebec
		"CD": "Africa/Maputo",        // the eastern provinces (Kivu, Kasai, Katanga) outnumber Kinshasa's west
		"CL": "America/Santiago",     // most of Chile
		"CN": "Asia/Shanghai",        // Beijing time
		"EC": "America/Guayaquil",    // the mainland
		"ES": "Europe/Madrid",        // the mainland
		"FM": "Pacific/Port_Moresby", // Chuuk and Yap
		"GL": "America/Nuuk",         // most of Greenland
		"ID": "Asia/Jakarta",         // Java and Sumatra
		"KI": "Pacific/Tarawa",       // the Gilbert Islands
		"MN": "Asia/Ulaanbaatar",     // most of Mongolia
		"MX": "America/Mexico_City",  // Central Mexico
		"NZ": "Pacific/Auckland",     // all but the Chatham Islands
		"PF": "Pacific/Tahiti",       // the Society Islands
		"PG": "Pacific/Port_Moresby", // all but Bougainville
		"PT": "Europe/Lisbon",        // the mainland
		"RU": "Europe/Moscow",        // European Russia
		"TF": "Indian/Maldives",      // Kerguelen, the largest base
		"UA": "Europe/Kyiv",          // most of Ukraine
		"UM": "Pacific/Tarawa",       // Wake Island
		"US": "America/New_York",     // Eastern time
	}
}

// zoneCountryClocks lists the countries that zone1970.tab splits into several
// zones although all of them keep the same clock from 2026 on (they differed
// only in the past), with the zone of the country's largest city. Such a
// country answers from the country alone. The tests check that every zone of
// each country keeps the same offsets and transitions as the one chosen here.
func zoneCountryClocks() map[string]string {
	return map[string]string{
		"AR": "America/Argentina/Buenos_Aires",
		"CY": "Asia/Nicosia",
		"DE": "Europe/Berlin",
		"KZ": "Asia/Almaty",
		"MH": "Pacific/Tarawa", // Majuro
		"MY": "Asia/Singapore", // Kuala Lumpur
		"PS": "Asia/Hebron",
		"UZ": "Asia/Tashkent",
		"VN": "Asia/Ho_Chi_Minh",
	}
}

// zoneRenames maps spellings that IANA has replaced (kept as backward links,
// and still returned by the phone-number data) to the current name of the
// same zone. The tests check that both load and keep the same clock.
func zoneRenames() map[string]string {
	return map[string]string{
		"Africa/Asmera":        "Africa/Asmara",
		"America/Buenos_Aires": "America/Argentina/Buenos_Aires",
		"America/Godthab":      "America/Nuuk",
		"America/Indianapolis": "America/Indiana/Indianapolis",
		"America/Louisville":   "America/Kentucky/Louisville",
		"Asia/Calcutta":        "Asia/Kolkata",
		"Asia/Dacca":           "Asia/Dhaka",
		"Asia/Katmandu":        "Asia/Kathmandu",
		"Asia/Macao":           "Asia/Macau",
		"Asia/Rangoon":         "Asia/Yangon",
		"Asia/Saigon":          "Asia/Ho_Chi_Minh",
		"Asia/Thimbu":          "Asia/Thimphu",
		"Asia/Ujung_Pandang":   "Asia/Makassar",
		"Asia/Ulan_Bator":      "Asia/Ulaanbaatar",
		"Atlantic/Faeroe":      "Atlantic/Faroe",
		"Europe/Kiev":          "Europe/Kyiv",
		"Pacific/Enderbury":    "Pacific/Kanton",
		"Pacific/Ponape":       "Pacific/Pohnpei",
		"Pacific/Truk":         "Pacific/Chuuk",
	}
}

// zoneRegionTables returns the region tables. A region split between zones
// takes the zone of most of its people; the choice is noted where it is one.
func zoneRegionTables() []zoneRegionTable {
	const (
		adelaide  = "Australia/Adelaide"
		brisbane  = "Australia/Brisbane"
		darwin    = "Australia/Darwin"
		hobart    = "Australia/Hobart"
		melbourne = "Australia/Melbourne"
		perth     = "Australia/Perth"
		sydney    = "Australia/Sydney"

		anchorage    = "America/Anchorage"
		boise        = "America/Boise"
		chicago      = "America/Chicago"
		denver       = "America/Denver"
		detroit      = "America/Detroit"
		honolulu     = "Pacific/Honolulu"
		indianapolis = "America/Indiana/Indianapolis"
		losAngeles   = "America/Los_Angeles"
		newYork      = "America/New_York"
		phoenix      = "America/Phoenix"

		mexicoCity = "America/Mexico_City"
		monterrey  = "America/Monterrey"
		mazatlan   = "America/Mazatlan"
		merida     = "America/Merida"

		saoPaulo  = "America/Sao_Paulo"
		fortaleza = "America/Fortaleza"
	)
	return []zoneRegionTable{
		{country: "AU", rows: []zoneRegionRow{
			{code: "ACT", zone: sydney},
			{code: "JBT", zone: sydney},
			// Broken Hill (Australia/Broken_Hill) is a small part of NSW.
			{code: "NSW", zone: sydney},
			{code: "NT", zone: darwin},
			{code: "QLD", zone: brisbane},
			{code: "SA", zone: adelaide},
			{code: "TAS", zone: hobart},
			{code: "VIC", zone: melbourne},
			// Eucla (Australia/Eucla) is a few hundred people.
			{code: "WA", zone: perth},
		}},
		{country: "US", rows: []zoneRegionRow{
			{code: "AK", zone: anchorage},
			{code: "AL", zone: chicago},
			{code: "AR", zone: chicago},
			{code: "AS", zone: "Pacific/Pago_Pago", territory: true},
			{code: "AZ", zone: phoenix},
			{code: "CA", zone: losAngeles},
			{code: "CO", zone: denver},
			{code: "CT", zone: newYork},
			{code: "DC", zone: newYork},
			{code: "DE", zone: newYork},
			// The panhandle west of the Apalachicola is Central.
			{code: "FL", zone: newYork},
			{code: "GA", zone: newYork},
			{code: "GU", zone: "Pacific/Guam", territory: true},
			{code: "HI", zone: honolulu},
			{code: "IA", zone: chicago},
			// The panhandle north of the Salmon River is Pacific.
			{code: "ID", zone: boise},
			{code: "IL", zone: chicago},
			// The north-west and south-west corners are Central.
			{code: "IN", zone: indianapolis},
			// The western third is Central.
			{code: "KS", zone: chicago},
			// The west is Central; Louisville keeps Eastern time.
			{code: "KY", zone: newYork},
			{code: "LA", zone: chicago},
			{code: "MA", zone: newYork},
			{code: "MD", zone: newYork},
			{code: "ME", zone: newYork},
			// Four counties on the Wisconsin border are Central.
			{code: "MI", zone: detroit},
			{code: "MN", zone: chicago},
			{code: "MO", zone: chicago},
			{code: "MP", zone: "Pacific/Guam", territory: true},
			{code: "MS", zone: chicago},
			{code: "MT", zone: denver},
			{code: "NC", zone: newYork},
			// The south-west is Mountain.
			{code: "ND", zone: chicago},
			// The western panhandle is Mountain.
			{code: "NE", zone: chicago},
			{code: "NH", zone: newYork},
			{code: "NJ", zone: newYork},
			{code: "NM", zone: denver},
			{code: "NV", zone: losAngeles},
			{code: "NY", zone: newYork},
			{code: "OH", zone: newYork},
			// The panhandle is Central.
			{code: "OK", zone: chicago},
			// Malheur County is Mountain.
			{code: "OR", zone: losAngeles},
			{code: "PA", zone: newYork},
			{code: "PR", zone: "America/Puerto_Rico", territory: true},
			{code: "RI", zone: newYork},
			{code: "SC", zone: newYork},
			// The western half (Rapid City) is Mountain.
			{code: "SD", zone: chicago},
			// East Tennessee (Knoxville, Chattanooga) is Eastern.
			{code: "TN", zone: chicago},
			// El Paso and Hudspeth counties are Mountain.
			{code: "TX", zone: chicago},
			{code: "UT", zone: denver},
			{code: "VA", zone: newYork},
			{code: "VI", zone: "America/Puerto_Rico", territory: true},
			{code: "VT", zone: newYork},
			{code: "WA", zone: losAngeles},
			{code: "WI", zone: chicago},
			{code: "WV", zone: newYork},
			{code: "WY", zone: denver},
		}},
		{country: "CA", rows: []zoneRegionRow{
			// East of 120° W (Creston, Dawson Creek, Fort Nelson) keeps MST.
			{code: "AB", zone: "America/Edmonton"},
			{code: "BC", zone: "America/Vancouver"},
			{code: "MB", zone: "America/Winnipeg"},
			// tzdata's own zone for the province; same clock as Halifax.
			{code: "NB", zone: "America/Moncton"},
			// Labrador apart from its south-east coast is Atlantic.
			{code: "NL", zone: "America/St_Johns"},
			// Cape Breton (America/Glace_Bay) keeps the same clock.
			{code: "NS", zone: "America/Halifax"},
			// Yellowknife became part of America/Edmonton in tzdata 2023c.
			{code: "NT", zone: "America/Edmonton"},
			// Nunavut spans Eastern, Central and Mountain; Iqaluit is the largest.
			{code: "NU", zone: "America/Iqaluit"},
			// North-western Ontario (Thunder Bay's west, Kenora) is Central.
			{code: "ON", zone: "America/Toronto"},
			{code: "PE", zone: "America/Halifax"},
			// The Lower North Shore keeps Atlantic standard time.
			{code: "QC", zone: "America/Toronto"},
			// Lloydminster and a few towns keep Mountain time.
			{code: "SK", zone: "America/Regina"},
			{code: "YT", zone: "America/Whitehorse"},
		}},
		{country: "NZ", rows: []zoneRegionRow{
			{code: "AUK", zone: "Pacific/Auckland"},
			{code: "BOP", zone: "Pacific/Auckland"},
			{code: "CAN", zone: "Pacific/Auckland"},
			{code: "CIT", zone: "Pacific/Chatham"},
			{code: "GIS", zone: "Pacific/Auckland"},
			{code: "HKB", zone: "Pacific/Auckland"},
			{code: "MBH", zone: "Pacific/Auckland"},
			{code: "MWT", zone: "Pacific/Auckland"},
			{code: "NSN", zone: "Pacific/Auckland"},
			{code: "NTL", zone: "Pacific/Auckland"},
			{code: "OTA", zone: "Pacific/Auckland"},
			{code: "STL", zone: "Pacific/Auckland"},
			{code: "TAS", zone: "Pacific/Auckland"},
			{code: "TKI", zone: "Pacific/Auckland"},
			{code: "WGN", zone: "Pacific/Auckland"},
			{code: "WKO", zone: "Pacific/Auckland"},
			{code: "WTC", zone: "Pacific/Auckland"},
		}},
		{country: "ES", rows: []zoneRegionRow{
			{code: "AN", zone: "Europe/Madrid"},
			{code: "AR", zone: "Europe/Madrid"},
			{code: "AS", zone: "Europe/Madrid"},
			{code: "CB", zone: "Europe/Madrid"},
			{code: "CE", zone: "Africa/Ceuta"},
			{code: "CL", zone: "Europe/Madrid"},
			{code: "CM", zone: "Europe/Madrid"},
			{code: "CN", zone: "Atlantic/Canary"},
			{code: "CT", zone: "Europe/Madrid"},
			{code: "EX", zone: "Europe/Madrid"},
			{code: "GA", zone: "Europe/Madrid"},
			// The two provinces of the Canary Islands.
			{code: "GC", zone: "Atlantic/Canary"},
			{code: "IB", zone: "Europe/Madrid"},
			{code: "MC", zone: "Europe/Madrid"},
			{code: "MD", zone: "Europe/Madrid"},
			{code: "ML", zone: "Africa/Ceuta"},
			{code: "NC", zone: "Europe/Madrid"},
			{code: "PV", zone: "Europe/Madrid"},
			{code: "RI", zone: "Europe/Madrid"},
			{code: "TF", zone: "Atlantic/Canary"},
			{code: "VC", zone: "Europe/Madrid"},
		}},
		{country: "PT", rows: []zoneRegionRow{
			{code: "01", zone: "Europe/Lisbon"},
			{code: "02", zone: "Europe/Lisbon"},
			{code: "03", zone: "Europe/Lisbon"},
			{code: "04", zone: "Europe/Lisbon"},
			{code: "05", zone: "Europe/Lisbon"},
			{code: "06", zone: "Europe/Lisbon"},
			{code: "07", zone: "Europe/Lisbon"},
			{code: "08", zone: "Europe/Lisbon"},
			{code: "09", zone: "Europe/Lisbon"},
			{code: "10", zone: "Europe/Lisbon"},
			{code: "11", zone: "Europe/Lisbon"},
			{code: "12", zone: "Europe/Lisbon"},
			{code: "13", zone: "Europe/Lisbon"},
			{code: "14", zone: "Europe/Lisbon"},
			{code: "15", zone: "Europe/Lisbon"},
			{code: "16", zone: "Europe/Lisbon"},
			{code: "17", zone: "Europe/Lisbon"},
			{code: "18", zone: "Europe/Lisbon"},
			{code: "20", zone: "Atlantic/Azores"},
			{code: "30", zone: "Atlantic/Madeira"},
		}},
		{country: "BR", rows: []zoneRegionRow{
			{code: "AC", zone: "America/Rio_Branco"},
			{code: "AL", zone: "America/Maceio"},
			// South-western Amazonas (America/Eirunepe) is an hour behind Manaus.
			{code: "AM", zone: "America/Manaus"},
			{code: "AP", zone: "America/Belem"},
			{code: "BA", zone: "America/Bahia"},
			{code: "CE", zone: fortaleza},
			{code: "DF", zone: saoPaulo},
			{code: "ES", zone: saoPaulo},
			{code: "GO", zone: saoPaulo},
			{code: "MA", zone: fortaleza},
			{code: "MG", zone: saoPaulo},
			{code: "MS", zone: "America/Campo_Grande"},
			{code: "MT", zone: "America/Cuiaba"},
			// Western Pará (America/Santarem) keeps the same clock.
			{code: "PA", zone: "America/Belem"},
			{code: "PB", zone: fortaleza},
			// Fernando de Noronha (America/Noronha) belongs to Pernambuco.
			{code: "PE", zone: "America/Recife"},
			{code: "PI", zone: fortaleza},
			{code: "PR", zone: saoPaulo},
			{code: "RJ", zone: saoPaulo},
			{code: "RN", zone: fortaleza},
			{code: "RO", zone: "America/Porto_Velho"},
			{code: "RR", zone: "America/Boa_Vista"},
			{code: "RS", zone: saoPaulo},
			{code: "SC", zone: saoPaulo},
			{code: "SE", zone: "America/Maceio"},
			{code: "SP", zone: saoPaulo},
			{code: "TO", zone: "America/Araguaina"},
		}},
		{country: "MX", rows: []zoneRegionRow{
			{code: "AGU", zone: mexicoCity},
			{code: "BCN", zone: "America/Tijuana"},
			{code: "BCS", zone: mazatlan},
			{code: "CAM", zone: merida},
			{code: "CHH", zone: "America/Chihuahua"}, // Ciudad Juárez keeps US rules
			{code: "CHP", zone: mexicoCity},
			{code: "CMX", zone: mexicoCity},
			{code: "COA", zone: monterrey},
			{code: "COL", zone: mexicoCity},
			{code: "DUR", zone: monterrey},
			{code: "GRO", zone: mexicoCity},
			{code: "GUA", zone: mexicoCity},
			{code: "HID", zone: mexicoCity},
			{code: "JAL", zone: mexicoCity},
			{code: "MEX", zone: mexicoCity},
			{code: "MIC", zone: mexicoCity},
			{code: "MOR", zone: mexicoCity},
			{code: "NAY", zone: mazatlan}, // Bahía de Banderas keeps Central time
			{code: "NLE", zone: monterrey},
			{code: "OAX", zone: mexicoCity},
			{code: "PUE", zone: mexicoCity},
			{code: "QUE", zone: mexicoCity},
			{code: "ROO", zone: "America/Cancun"},
			{code: "SIN", zone: mazatlan},
			{code: "SLP", zone: mexicoCity},
			{code: "SON", zone: "America/Hermosillo"},
			{code: "TAB", zone: mexicoCity},
			{code: "TAM", zone: monterrey}, // the US-border strip keeps US rules
			{code: "TLA", zone: mexicoCity},
			{code: "VER", zone: mexicoCity},
			{code: "YUC", zone: merida},
			{code: "ZAC", zone: mexicoCity},
		}},
	}
}
