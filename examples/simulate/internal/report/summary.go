package report

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Summary is what a run did, in totals that depend only on the seed and
// the flags (never on wall time or the number of workers). It is written
// as summary.json and rendered as the table and the HTML report.
type Summary struct {
	Seed  uint64 `json:"seed"`
	Start string `json:"start"` // YYYY-MM-DD, the first virtual day in DayZone
	// DayZone is the zone the days of Daily and Start are counted in.
	DayZone string   `json:"day_zone"`
	Days    int      `json:"days"`
	Clients []Client `json:"clients"`
	Leads   Leads    `json:"leads"`
	// Touches counts touches by channel and status: the channel used, or
	// the step's channel for a skipped touch.
	Touches map[string]map[string]int `json:"touches"`
	// Skipped and Cancelled count the skipped and cancelled touches by
	// reason. A touch cancelled to be planned again (an out-of-office
	// pause, a slip of an earlier step) is not cancelled: Touches counts it
	// as replanned.
	Skipped   map[string]int `json:"skipped"`
	Cancelled map[string]int `json:"cancelled"`
	// Fallbacks and Deferrals count by reason.
	Fallbacks map[string]int `json:"fallbacks"`
	Deferrals map[string]int `json:"deferrals"`
	Replies   int            `json:"replies"`
	// Meetings counts the meetings leads booked (a moved meeting once),
	// and Answers the answers to replies by status: sent (delivered
	// included) or waiting as drafts.
	Meetings int            `json:"meetings"`
	Answers  map[string]int `json:"answers"`
	// Warned counts the touches sent with a warning (an SMS in more than
	// one billed part), by channel.
	Warned map[string]int `json:"warned"`
	// Events counts the inbound events applied, by type.
	Events map[string]int `json:"events"`
	// Capacity is capacity used against capacity offered, by resource kind.
	Capacity map[string]Capacity `json:"capacity"`
	// Pool is the pool at the end: resources by kind and state, and what it
	// bought and alerted during the run.
	Pool Pool `json:"pool"`
	// Daily is one entry per virtual day.
	Daily []Day `json:"daily"`
}

// Client is one simulated client.
type Client struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Plan     string         `json:"plan"`
	Zone     string         `json:"zone"`
	Campaign string         `json:"campaign_id"`
	Enrolled int            `json:"enrolled"`
	Sent     int            `json:"sent"`     // touches sent (or later delivered)
	Replies  int            `json:"replies"`  // replies received
	Assigned map[string]int `json:"assigned"` // resources by kind at the end
}

// PausedDomain is a domain the health rule paused during the run, with
// the figures that paused it and its replacement.
type PausedDomain struct {
	ID            string  `json:"id"`
	Address       string  `json:"address"`
	Client        string  `json:"client"` // the client's name
	PausedAt      string  `json:"paused_at"`
	Reason        string  `json:"reason"`
	Sends         int     `json:"sends"`      // emails its mailboxes sent in the run
	Bounces       int     `json:"bounces"`    // hard bounces of those
	Complaints    int     `json:"complaints"` // complaints about those
	BounceRate    float64 `json:"bounce_rate"`
	ComplaintRate float64 `json:"complaint_rate"`
	ReplacedBy    string  `json:"replaced_by"` // the replacement's address, "" when none
}

// Leads counts what the import did.
type Leads struct {
	Rows     int `json:"rows"`     // rows generated or read
	BadRows  int `json:"bad_rows"` // rows the lead file rejected
	Enrolled int `json:"enrolled"` // new leads enrolled
	Merged   int `json:"merged"`   // duplicates merged into an existing lead
	Dead     int `json:"dead"`     // stored, not enrolled (tier dead)
	Rejected int `json:"rejected"` // rows the engine rejected
	// Tiers counts stored leads by tier; DNCR by status of their number
	// (leads with a phone only).
	Tiers map[string]int `json:"tiers"`
	DNCR  map[string]int `json:"dncr"`
	// ZoneSources counts stored leads by how their zone was found.
	ZoneSources map[string]int `json:"zone_sources"`
}

// Capacity is capacity used against capacity offered.
type Capacity struct {
	Used      int `json:"used"`
	Available int `json:"available"`
}

// Pool is the pool at the end of the run.
type Pool struct {
	Resources map[string]map[string]int `json:"resources"` // kind → state → count
	Paused    map[string]int            `json:"paused"`    // kind → paused by health (a flag beside the state)
	Purchased map[string]int            `json:"purchased"` // kind → bought during the run
	Alerts    map[string]int            `json:"alerts"`    // alert kind → count
	// PausedDomains lists each domain paused by health, oldest pause first.
	PausedDomains []PausedDomain `json:"paused_domains"`
}

// Day is one virtual day.
type Day struct {
	Date    string         `json:"date"`
	Sent    map[string]int `json:"sent"` // touches sent (or later delivered) that day, by channel
	Replies int            `json:"replies"`
	Events  int            `json:"events"`
}

// TotalSent sums d.Sent.
func (d Day) TotalSent() int {
	n := 0
	for _, v := range d.Sent {
		n += v
	}
	return n
}

// The orders channels, touch statuses, resource states and resource kinds
// are listed in.
var (
	channelOrder = [...]string{"email", "voice", "linkedin", "sms", "mail"}
	statusOrder  = [...]string{"scheduled", "pending", "draft", "sending", "sent", "delivered", "failed", "skipped", "cancelled", "replanned", "uncertain"}
	stateOrder   = [...]string{"provisioning", "warming", "available", "assigned", "held", "retired"}
	kindOrder    = [...]string{"domain", "mailbox", "phone", "linkedin_seat", "mail_sender"}
)

// ordered returns the keys of m in the order of known, then the rest
// sorted.
func ordered[V any](m map[string]V, known []string) []string {
	var out []string
	for _, k := range known {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	rest := slices.Sorted(maps.Keys(m))
	for _, k := range rest {
		if !slices.Contains(known, k) {
			out = append(out, k)
		}
	}
	return out
}

// byCount returns the keys of m, largest count first, ties by name.
func byCount(m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b))
	})
	return keys
}

// grid is a plain-text table: the first column left-aligned, the others
// right-aligned, columns two spaces apart.
type grid [][]string

func (g grid) write(w io.Writer, indent string) error {
	var width []int
	for _, r := range g {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range g {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i == 0 {
				b.WriteString(c + pad)
				continue
			}
			b.WriteString("  " + pad + c)
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	return nil
}

// poolGrid tabulates the pool at the end: resources by kind and state, how
// many are paused and how many were bought during the run.
func poolGrid(s *Summary) grid {
	var states []string
	for _, st := range stateOrder {
		for _, byState := range s.Pool.Resources {
			if byState[st] > 0 {
				states = append(states, st)
				break
			}
		}
	}
	g := grid{append(append([]string{"kind"}, states...), "paused", "bought")}
	for _, k := range ordered(s.Pool.Resources, kindOrder[:]) {
		r := []string{k}
		for _, st := range states {
			r = append(r, strconv.Itoa(s.Pool.Resources[k][st]))
		}
		g = append(g, append(r, strconv.Itoa(s.Pool.Paused[k]), strconv.Itoa(s.Pool.Purchased[k])))
	}
	return g
}

// WriteTable writes the summary as plain-text tables.
func WriteTable(w io.Writer, s *Summary) error {
	var out []string // sections, each a title and a grid
	var grids []grid
	section := func(title string, g grid) {
		out = append(out, title)
		grids = append(grids, g)
	}
	itoa := strconv.Itoa

	section(fmt.Sprintf("outbound simulation: seed %d, %d clients, %d lead rows, %d days from %s (%s)", s.Seed, len(s.Clients), s.Leads.Rows, s.Days, s.Start, s.DayZone), nil)
	cg := grid{{"client", "plan", "enrolled", "sent", "replies"}}
	for _, c := range s.Clients {
		cg = append(cg, []string{c.Name, c.Plan, itoa(c.Enrolled), itoa(c.Sent), itoa(c.Replies)})
	}
	section("Clients", cg)
	section("Leads", grid{
		{"enrolled", itoa(s.Leads.Enrolled)},
		{"merged duplicates", itoa(s.Leads.Merged)},
		{"dead (stored, not enrolled)", itoa(s.Leads.Dead)},
		{"rejected by the engine", itoa(s.Leads.Rejected)},
		{"bad file rows", itoa(s.Leads.BadRows)},
	})

	var statuses []string
	for _, st := range statusOrder {
		for _, ch := range s.Touches {
			if ch[st] > 0 {
				statuses = append(statuses, st)
				break
			}
		}
	}
	g := grid{append(append([]string{"channel"}, statuses...), "total")}
	colTotal := make([]int, len(statuses))
	grand := 0
	for _, ch := range ordered(s.Touches, channelOrder[:]) {
		r := []string{ch}
		rowTotal := 0
		for i, st := range statuses {
			n := s.Touches[ch][st]
			r = append(r, itoa(n))
			rowTotal += n
			colTotal[i] += n
		}
		grand += rowTotal
		g = append(g, append(r, itoa(rowTotal)))
	}
	r := []string{"total"}
	for _, n := range colTotal {
		r = append(r, itoa(n))
	}
	section("Touches by channel and status", append(g, append(r, itoa(grand))))

	counts := func(m map[string]int) grid {
		if len(m) == 0 {
			return grid{{"(none)"}}
		}
		var g grid
		for _, k := range byCount(m) {
			g = append(g, []string{k, itoa(m[k])})
		}
		return g
	}
	section("Skipped by reason", counts(s.Skipped))
	section("Cancelled by reason", counts(s.Cancelled))
	section("Fallbacks by reason", counts(s.Fallbacks))
	section("Deferrals by reason", counts(s.Deferrals))
	section("Sent with a warning (an SMS in more than one billed part), by channel", counts(s.Warned))
	section(fmt.Sprintf("Replies: %d", s.Replies), nil)
	section("Answers to replies, by status", counts(s.Answers))
	section(fmt.Sprintf("Meetings booked: %d", s.Meetings), nil)
	section("Events by type", counts(s.Events))

	g = grid{{"resource", "used", "available", "share"}}
	for _, k := range ordered(s.Capacity, kindOrder[:]) {
		c := s.Capacity[k]
		share := "-"
		if c.Available > 0 {
			share = fmt.Sprintf("%.0f %%", 100*float64(c.Used)/float64(c.Available))
		}
		g = append(g, []string{k, itoa(c.Used), itoa(c.Available), share})
	}
	section("Capacity used", g)

	if len(s.Pool.Resources) > 0 {
		section("Pool at the end", poolGrid(s))
	}
	if len(s.Pool.Alerts) > 0 {
		section("Pool alerts", counts(s.Pool.Alerts))
	}
	if len(s.Pool.PausedDomains) > 0 {
		section("Paused domains", pausedGrid(s))
	}

	sent := 0
	for _, d := range s.Daily {
		sent += d.TotalSent()
	}
	section(fmt.Sprintf("Sent over %d days (%s): %d", len(s.Daily), s.DayZone, sent), nil)

	for i, title := range out {
		if _, err := fmt.Fprintln(w, title); err != nil {
			return err
		}
		if grids[i] != nil {
			if err := grids[i].write(w, "  "); err != nil {
				return err
			}
		}
		if i < len(out)-1 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
	}
	return nil
}

// pausedGrid is the table of paused domains.
func pausedGrid(s *Summary) grid {
	g := grid{{"domain", "client", "paused", "sends", "bounces", "complaints", "replaced by"}}
	for _, p := range s.Pool.PausedDomains {
		repl := p.ReplacedBy
		if repl == "" {
			repl = "-"
		}
		g = append(g, []string{p.Address, p.Client, p.PausedAt, strconv.Itoa(p.Sends),
			fmt.Sprintf("%d (%.1f %%)", p.Bounces, 100*p.BounceRate), fmt.Sprintf("%d (%.2f %%)", p.Complaints, 100*p.ComplaintRate), repl})
	}
	return g
}

// ProgressLine is the line printed for one finished virtual day, whose date
// counts in zone.
func ProgressLine(day, days int, d Day, zone string) string {
	var parts []string
	for _, ch := range ordered(d.Sent, channelOrder[:]) {
		if d.Sent[ch] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", ch, d.Sent[ch]))
		}
	}
	detail := ""
	if len(parts) > 0 {
		detail = " (" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprintf("day %d/%d %s (%s): %d sent%s, %d replies", day, days, d.Date, zone, d.TotalSent(), detail, d.Replies)
}
