package outbound

// ScoreSignal is one reason for a lead's score: what was looked at, what
// it was, and the points it gave (negative points take away). A lead's
// signals add up to its score, before the score is held within 0–100.
type ScoreSignal struct {
	Signal string // "seniority", "company_size", "industry", "country", "engagement", "provided"
	Value  string // what the lead had: "vp", "51-200", "software", "AU", "replied"
	Points int
}

// Engagement is one way a lead has responded so far. A lead keeps each
// once (Lead.Engaged), so an event applied twice changes nothing.
type Engagement string

// The engagements, from the least to the most telling.
const (
	EngagedOpened   Engagement = "opened"   // opened an email
	EngagedClicked  Engagement = "clicked"  // followed a link
	EngagedAccepted Engagement = "accepted" // accepted a LinkedIn connection
	EngagedAnswered Engagement = "answered" // answered a call (a person, not a machine)
	EngagedReplied  Engagement = "replied"  // wrote back (interested, a question or a meeting request)
	EngagedMeeting  Engagement = "meeting"  // booked a meeting
)

// Engagements returns every engagement, from the least to the most telling.
func Engagements() []Engagement {
	return []Engagement{EngagedOpened, EngagedClicked, EngagedAccepted, EngagedAnswered, EngagedReplied, EngagedMeeting}
}

// Valid reports whether e is one of the engagements.
func (e Engagement) Valid() bool {
	for _, v := range Engagements() {
		if e == v {
			return true
		}
	}
	return false
}

// HasEngaged reports whether the lead has engaged so.
func (l *Lead) HasEngaged(e Engagement) bool {
	for _, v := range l.Engaged {
		if v == e {
			return true
		}
	}
	return false
}

// Engage records that the lead engaged so, once, keeping Engaged in the
// order of Engagements; it reports whether it was new.
func (l *Lead) Engage(e Engagement) bool {
	if l.HasEngaged(e) {
		return false
	}
	var out []Engagement
	for _, v := range Engagements() {
		if v == e || l.HasEngaged(v) {
			out = append(out, v)
		}
	}
	l.Engaged = out
	return true
}
