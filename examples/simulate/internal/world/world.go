package world

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound/phone"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/leadfile"
)

// Streams of the seed, so each part of the world draws its own numbers and
// changing one part leaves the others as they were.
const (
	streamLeads uint64 = iota + 1
	streamIDs
	streamDNCR
	// streamProcessIDs + n is the ID stream of process n of a run across
	// processes; it stays last.
	streamProcessIDs uint64 = 1 << 32
	// streamScopedIDs ^ hash(key) is the ID stream of IDs.Within(key).
	streamScopedIDs uint64 = 0x5c09ed1d5c09ed1d
)

// Client is one simulated client before signup.
type Client struct {
	Name string
	Plan string // a default plan's name: starter, growth, scale in turn
	Zone string // default IANA zone
	// Customer and Subscription are the client's keys at the billing
	// provider, which its subscription to the plan is known by.
	Customer, Subscription string
}

// Clients returns n clients on the default plans in turn (starter, growth,
// scale, starter, ...), with default zones alternating between Australian
// and US cities.
func Clients(n int) []Client {
	plans := outbound.DefaultPlans()
	out := make([]Client, n)
	for i := range out {
		name := clientNames[i%len(clientNames)]
		if i >= len(clientNames) {
			name += " " + strconv.Itoa(i/len(clientNames)+1)
		}
		out[i] = Client{
			Name:         name,
			Plan:         plans[i%len(plans)].Name,
			Zone:         clientZones[i%len(clientZones)],
			Customer:     fmt.Sprintf("cus_sim%04d", i+1),
			Subscription: fmt.Sprintf("sub_sim%04d", i+1),
		}
	}
	return out
}

// Lot is a batch of resources the pool starts with.
type Lot struct {
	Kind        outbound.ResourceKind
	N           int
	PurchasedAt time.Time
}

// AgedDays and NewDays are how long before the start the opening stock was
// bought: aged domains send at full rate at once; new ones are still
// warming (they become available 14 days after purchase).
const (
	AgedDays = 45
	NewDays  = 3
)

// Stock returns the pool's opening stock for clients on plans: exactly
// enough aged resources of every kind for the clients' plans, plus a third
// as many new domains (at least one) still warming. The pool's buffer is
// then short of its 40 %, so the first buffer check buys more: warmup and
// buying both show.
func Stock(plans []outbound.Plan, clients []Client, start time.Time) []Lot {
	byName := map[string]outbound.Plan{}
	for _, p := range plans {
		byName[p.Name] = p
	}
	var domains, phones, seats, senders int
	for _, c := range clients {
		p := byName[c.Plan]
		domains += p.Domains
		phones += p.PhoneNumbers
		seats += p.LinkedInSeats
		if p.MailSender {
			senders++
		}
	}
	aged := start.AddDate(0, 0, -AgedDays)
	return []Lot{
		{outbound.KindDomain, domains, aged},
		{outbound.KindDomain, max(1, domains/3), start.AddDate(0, 0, -NewDays)},
		{outbound.KindPhone, phones, aged},
		{outbound.KindLinkedInSeat, seats, aged},
		{outbound.KindMailSender, senders, aged},
	}
}

// LeadShares are the rough shares of generated leads' features, for the
// documentation and the tests.
const (
	ShareEmail     = 0.95
	SharePhone     = 0.80
	ShareLinkedIn  = 0.75
	SharePostal    = 0.35
	ShareRegion    = 0.92 // the rest leave the state out: their zone may come from the phone or the client
	ShareExplicit  = 0.08 // an explicit IANA zone
	ShareNational  = 0.20 // of phones: written in national format, as people type them
	ShareDuplicate = 0.015
)

// Leads generates n lead rows for clients clients: lead i belongs to
// client i mod clients (the Client column holds its 1-based number). Each
// client's leads work at that client's companies, several to a company, so
// a reply stops colleagues; a few rows repeat an earlier lead's email (a
// duplicate the engine merges). Scores are spread evenly over 0–100.
func Leads(seed uint64, n, clients int) []leadfile.Row {
	g := &gen{
		r:         rand.New(rand.NewPCG(seed, streamLeads)),
		companies: make([][]company, clients),
		emails:    make([]map[string]bool, clients),
		byClient:  make([][]int, clients),
	}
	total := 0
	for _, p := range places {
		total += p.weight
	}
	g.totalWeight = total
	for i := range g.emails {
		g.emails[i] = map[string]bool{}
	}
	rows := make([]leadfile.Row, 0, n)
	for i := range n {
		c := i % max(clients, 1)
		var row leadfile.Row
		if prev := g.byClient[c]; len(prev) > 0 && g.r.Float64() < ShareDuplicate {
			row = g.duplicate(rows[prev[g.r.IntN(len(prev))]])
		} else {
			row = g.lead(c, n/max(clients, 1))
		}
		row.ExternalID = fmt.Sprintf("L%06d", i+1)
		row.Client = strconv.Itoa(c + 1)
		if row.Email != "" {
			g.byClient[c] = append(g.byClient[c], len(rows))
		}
		rows = append(rows, row)
	}
	return rows
}

type company struct {
	name   string
	domain string
	place  *place
}

type gen struct {
	r           *rand.Rand
	totalWeight int
	companies   [][]company // per client
	emails      []map[string]bool
	byClient    [][]int // rows with an email, per client
	made        int     // companies made so far
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) place() *place {
	n := g.r.IntN(g.totalWeight)
	for i := range places {
		if n < places[i].weight {
			return &places[i]
		}
		n -= places[i].weight
	}
	return &places[len(places)-1]
}

// company returns a company for a lead of client c: mostly one of the
// client's existing companies (the first ones most often), sometimes a new
// one, so a few companies have several leads.
func (g *gen) company(c, perClient int) company {
	cs := g.companies[c]
	want := max(1, perClient/3) // about three leads a company on average
	if len(cs) >= want || (len(cs) > 0 && g.r.Float64() < 0.35) {
		u := g.r.Float64()
		return cs[int(float64(len(cs))*u*u)]
	}
	p := g.place()
	name := g.pick(companyFirst[:]) + " " + g.pick(companySecond[:])
	slug := strings.ToLower(strings.NewReplacer(" ", "", "&", "and").Replace(name))
	g.made++ // numbered across clients, so no two clients share a company
	co := company{name: name, domain: fmt.Sprintf("%s%d%s", slug, g.made, companyTLD(p.country)), place: p}
	g.companies[c] = append(cs, co)
	return co
}

func (g *gen) lead(c, perClient int) leadfile.Row {
	co := g.company(c, perClient)
	p := co.place
	first, last := g.pick(firstNames[:]), g.pick(lastNames[:])
	row := leadfile.Row{Contact: outbound.Contact{FirstName: first, LastName: last, Company: co.name, CompanyDomain: co.domain,
		Title: g.pick(titles[:]), Country: p.country, Score: g.r.IntN(101)},
	}
	if g.r.Float64() < ShareRegion {
		row.Region = p.region
	}
	if g.r.Float64() < ShareEmail {
		local := slugName(first) + "." + slugName(last)
		email := local + "@" + co.domain
		for k := 2; g.emails[c][email]; k++ {
			email = fmt.Sprintf("%s%d@%s", local, k, co.domain)
		}
		g.emails[c][email] = true
		row.Email = email
	}
	if g.r.Float64() < SharePhone {
		row.Phone = g.phone(p)
	}
	if g.r.Float64() < ShareLinkedIn {
		row.LinkedIn = fmt.Sprintf("https://www.linkedin.com/in/%s-%s-%04x", slugName(first), slugName(last), g.r.IntN(1<<16))
	}
	if g.r.Float64() < SharePostal {
		row.AddressLine1 = fmt.Sprintf("%d %s", 1+g.r.IntN(400), g.pick(p.streets))
		row.City, row.Postcode = p.city, p.postcode
	}
	if g.r.Float64() < ShareExplicit {
		row.Timezone = p.zone
	}
	if row.Email == "" && row.Phone == "" && row.LinkedIn == "" && row.AddressLine1 == "" {
		row.LinkedIn = fmt.Sprintf("https://www.linkedin.com/in/%s-%s-%04x", slugName(first), slugName(last), g.r.IntN(1<<16))
	}
	return row
}

// duplicate repeats an earlier lead's email with a new title and, half the
// time, without its phone: what a second list bought from another vendor
// looks like.
func (g *gen) duplicate(prev leadfile.Row) leadfile.Row {
	row := prev
	row.Title = g.pick(titles[:])
	if g.r.IntN(2) == 0 {
		row.Phone = ""
	}
	return row
}

// phone returns a valid number for place p: a landline of the city or a
// mobile, in E.164 or, now and then, national format. It gives up (no
// phone) if no valid number turns up in a few draws.
func (g *gen) phone(p *place) string {
	prefixes := p.landline
	if len(p.mobile) > 0 && g.r.IntN(2) == 0 {
		prefixes = p.mobile
	}
	national := g.r.Float64() < ShareNational
	for range 20 {
		nsn := g.pick(prefixes)
		for len(nsn) < p.digits {
			nsn += strconv.Itoa(g.r.IntN(10))
		}
		e164 := "+" + callingCode(p.country) + nsn
		ph, err := phone.Parse(e164, "")
		if err != nil || ph.E164 != e164 {
			continue
		}
		if national {
			return nationalFormat(p.country, nsn)
		}
		return e164
	}
	return ""
}

// nationalFormat writes a national significant number as people in the
// country write it: "02 9123 4567", "0412 345 678", "(212) 555-0123".
func nationalFormat(country, nsn string) string {
	switch {
	case country == "AU" && nsn[0] == '4':
		return "0" + nsn[:3] + " " + nsn[3:6] + " " + nsn[6:]
	case country == "AU":
		return "0" + nsn[:1] + " " + nsn[1:5] + " " + nsn[5:]
	case (country == "US" || country == "CA") && len(nsn) == 10:
		return "(" + nsn[:3] + ") " + nsn[3:6] + "-" + nsn[6:]
	case country == "SG": // no trunk prefix
		return nsn[:4] + " " + nsn[4:]
	}
	return "0" + nsn
}

func slugName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
