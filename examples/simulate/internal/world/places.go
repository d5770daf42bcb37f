package world

// place is a city leads and their companies can be in: its country, state,
// postcode, IANA zone, and the national-number prefixes of its landlines
// (and of the country's mobiles), with the national number's length.
type place struct {
	country  string
	region   string
	city     string
	postcode string
	zone     string
	streets  []string
	landline []string // prefixes of the national significant number
	mobile   []string
	digits   int // length of the national significant number
	weight   int // relative share of leads
}

// Australian landlines: 2 for NSW and the ACT, 3 for Victoria and
// Tasmania, 7 for Queensland, 8 for WA, SA and the NT; mobiles start 4.
// US numbers are area code + exchange + line, with the city's real area
// codes; NANP numbers do not say whether they are mobile.
var places = [...]place{
	{"AU", "NSW", "Sydney", "2000", "Australia/Sydney", []string{"George St", "Pitt St", "Kent St", "Macquarie St"}, []string{"29", "28"}, []string{"4"}, 9, 140},
	{"AU", "NSW", "Parramatta", "2150", "Australia/Sydney", []string{"Church St", "Macquarie St"}, []string{"29", "28"}, []string{"4"}, 9, 40},
	{"AU", "NSW", "Newcastle", "2300", "Australia/Sydney", []string{"Hunter St", "King St"}, []string{"249"}, []string{"4"}, 9, 25},
	{"AU", "ACT", "Canberra", "2600", "Australia/Sydney", []string{"Northbourne Ave", "London Cct"}, []string{"262", "261"}, []string{"4"}, 9, 15},
	{"AU", "VIC", "Melbourne", "3000", "Australia/Melbourne", []string{"Collins St", "Bourke St", "Flinders Ln"}, []string{"39", "38"}, []string{"4"}, 9, 120},
	{"AU", "VIC", "Geelong", "3220", "Australia/Melbourne", []string{"Malop St", "Moorabool St"}, []string{"352"}, []string{"4"}, 9, 15},
	{"AU", "TAS", "Hobart", "7000", "Australia/Hobart", []string{"Macquarie St", "Elizabeth St"}, []string{"362"}, []string{"4"}, 9, 10},
	{"AU", "QLD", "Brisbane", "4000", "Australia/Brisbane", []string{"Queen St", "Eagle St", "Adelaide St"}, []string{"73"}, []string{"4"}, 9, 70},
	{"AU", "QLD", "Gold Coast", "4217", "Australia/Brisbane", []string{"Gold Coast Hwy", "Surfers Paradise Blvd"}, []string{"755"}, []string{"4"}, 9, 15},
	{"AU", "WA", "Perth", "6000", "Australia/Perth", []string{"St Georges Tce", "Hay St", "Murray St"}, []string{"89", "86"}, []string{"4"}, 9, 45},
	{"AU", "SA", "Adelaide", "5000", "Australia/Adelaide", []string{"King William St", "Grenfell St"}, []string{"882", "881"}, []string{"4"}, 9, 30},
	{"AU", "NT", "Darwin", "0800", "Australia/Darwin", []string{"Smith St", "Mitchell St"}, []string{"889"}, []string{"4"}, 9, 5},

	{"US", "NY", "New York", "10001", "America/New_York", []string{"Broadway", "5th Ave", "W 34th St"}, []string{"212", "646", "718"}, nil, 10, 70},
	{"US", "CA", "San Francisco", "94103", "America/Los_Angeles", []string{"Market St", "Mission St"}, []string{"415"}, nil, 10, 40},
	{"US", "CA", "Los Angeles", "90012", "America/Los_Angeles", []string{"Spring St", "Wilshire Blvd"}, []string{"213", "310"}, nil, 10, 35},
	{"US", "TX", "Austin", "78701", "America/Chicago", []string{"Congress Ave", "E 6th St"}, []string{"512"}, nil, 10, 20},
	{"US", "TX", "Dallas", "75201", "America/Chicago", []string{"Elm St", "Main St"}, []string{"214"}, nil, 10, 20},
	{"US", "TX", "Houston", "77002", "America/Chicago", []string{"Louisiana St", "Travis St"}, []string{"713"}, nil, 10, 15},
	{"US", "IL", "Chicago", "60601", "America/Chicago", []string{"N Michigan Ave", "W Wacker Dr"}, []string{"312", "773"}, nil, 10, 35},
	{"US", "WA", "Seattle", "98101", "America/Los_Angeles", []string{"Pike St", "2nd Ave"}, []string{"206"}, nil, 10, 20},
	{"US", "MA", "Boston", "02108", "America/New_York", []string{"Tremont St", "Beacon St"}, []string{"617"}, nil, 10, 20},
	{"US", "FL", "Miami", "33131", "America/New_York", []string{"Brickell Ave", "Biscayne Blvd"}, []string{"305"}, nil, 10, 15},
	{"US", "CO", "Denver", "80202", "America/Denver", []string{"Larimer St", "17th St"}, []string{"303"}, nil, 10, 15},
	{"US", "GA", "Atlanta", "30303", "America/New_York", []string{"Peachtree St", "Marietta St"}, []string{"404"}, nil, 10, 15},
	{"US", "AZ", "Phoenix", "85004", "America/Phoenix", []string{"E Washington St", "N Central Ave"}, []string{"602"}, nil, 10, 10},

	{"NZ", "AUK", "Auckland", "1010", "Pacific/Auckland", []string{"Queen St", "Customs St"}, []string{"9"}, []string{"21", "22", "27"}, 8, 20},
	{"GB", "LND", "London", "EC1A 1BB", "Europe/London", []string{"Old St", "Farringdon Rd"}, []string{"207", "208"}, []string{"74", "77", "79"}, 10, 25},
	{"SG", "", "Singapore", "018956", "Asia/Singapore", []string{"Marina Blvd", "Raffles Pl"}, []string{"6"}, []string{"8", "9"}, 8, 10},
	{"CA", "ON", "Toronto", "M5H 2N2", "America/Toronto", []string{"Bay St", "King St W"}, []string{"416", "647"}, nil, 10, 15},
}

// callingCode is the country calling code of a place's country.
func callingCode(country string) string {
	switch country {
	case "AU":
		return "61"
	case "NZ":
		return "64"
	case "GB":
		return "44"
	case "SG":
		return "65"
	}
	return "1" // US, CA
}

// companyTLD is the usual domain ending of a company in a country.
func companyTLD(country string) string {
	switch country {
	case "AU":
		return ".com.au"
	case "NZ":
		return ".co.nz"
	case "GB":
		return ".co.uk"
	case "SG":
		return ".com.sg"
	case "CA":
		return ".ca"
	}
	return ".com"
}

var firstNames = [...]string{
	"Olivia", "Jack", "Charlotte", "William", "Amelia", "Noah", "Isla", "Oliver", "Mia", "Thomas",
	"Ava", "James", "Grace", "Lucas", "Chloe", "Henry", "Zoe", "Leo", "Ruby", "Ethan",
	"Priya", "Wei", "Aarav", "Mei", "Hiroshi", "Sofia", "Mateo", "Fatima", "Omar", "Aisha",
	"Liam", "Emma", "Mason", "Harper", "Elijah", "Evelyn", "Daniel", "Abigail", "Samuel", "Emily",
	"Nguyen", "Tahlia", "Lachlan", "Matilda", "Cooper", "Sienna", "Archer", "Willow", "Hamish", "Georgia",
}

var lastNames = [...]string{
	"Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson",
	"Thompson", "Nguyen", "Thomas", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King",
	"Davis", "Garcia", "Miller", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Clark", "Lewis",
	"Patel", "Chen", "Wang", "Singh", "Kim", "Tanaka", "Rossi", "Murphy", "O'Brien", "MacDonald",
	"Campbell", "Stewart", "Mitchell", "Young", "Scott", "Green", "Baker", "Adams", "Hall", "Wright",
}

var titles = [...]string{
	"Chief Executive Officer", "Managing Director", "Head of Sales", "Sales Director", "VP Marketing",
	"Marketing Manager", "Operations Manager", "Chief Technology Officer", "Head of Growth", "Founder",
	"Business Development Manager", "General Manager", "Procurement Lead", "IT Manager", "Finance Director",
}

var companyFirst = [...]string{
	"Harbour", "Blue Gum", "Southern Cross", "Red Earth", "Coastal", "Summit", "Ironbark", "Silver Fern",
	"Granite", "Northwind", "Bright", "Wattle", "Pacific", "Keystone", "Lighthouse", "Evergreen",
	"Riverside", "Kookaburra", "Atlas", "Meridian", "Sandstone", "Crimson", "Orbit", "Tidewater",
}

var companySecond = [...]string{
	"Analytics", "Logistics", "Software", "Health", "Capital", "Engineering", "Foods", "Energy",
	"Media", "Labs", "Consulting", "Freight", "Property", "Robotics", "Legal", "Partners",
}

var clientNames = [...]string{
	"Tandem Growth", "Outpost Agency", "Redline Demand", "Northstar Outreach", "Kite & Co",
	"Signal Partners", "Harvest Pipeline", "Beacon Leads", "Compass B2B", "Foundry Sales",
}

// clientZones are the simulated clients' default zones, in turn.
var clientZones = [...]string{
	"Australia/Sydney", "America/New_York", "Australia/Melbourne", "America/Chicago",
	"Australia/Brisbane", "America/Los_Angeles", "Australia/Perth", "Europe/London",
}
