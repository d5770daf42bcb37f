package scoring

import (
	"context"
	"fmt"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
)

// Scorer rates a lead from 0 to 100 against the ICP of the campaign it is
// imported into: the seam a host puts its own model behind. The engine
// scores each lead imported without a score, and scores a lead again each
// time it engages in a new way (Lead.Engaged), keeping the signals with the
// lead so its score can be explained.
type Scorer interface {
	Score(ctx context.Context, lead *outbound.Lead, icp outbound.ICP) (Result, error)
}

// ScorerFunc adapts a function to Scorer.
type ScorerFunc func(ctx context.Context, lead *outbound.Lead, icp outbound.ICP) (Result, error)

// Score calls f.
func (f ScorerFunc) Score(ctx context.Context, lead *outbound.Lead, icp outbound.ICP) (Result, error) {
	return f(ctx, lead, icp)
}

// Result is a lead's score and what made it.
type Result struct {
	// Points is the score: the signals' points added up and held within
	// 0–100.
	Points int
	// Signals are the reasons, each with its points, in a fixed order.
	Signals []outbound.ScoreSignal
}

// Explain writes the result in one line: "72 = seniority vp +20,
// company_size 51-200 +15, ...".
func (r Result) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d =", r.Points)
	for i, s := range r.Signals {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %s %s %+d", s.Signal, s.Value, s.Points)
	}
	return b.String()
}

// The signals the default scorer gives, in the order it gives them.
const (
	SignalSeniority   = "seniority"    // the title's seniority against the ICP's
	SignalCompanySize = "company_size" // the headcount against the ICP's bounds
	SignalIndustry    = "industry"     // the industry against the ICP's
	SignalCountry     = "country"      // the country (and region) against the ICP's
	SignalTitle       = "title"        // the title's words against the ICP's
	SignalEngagement  = "engagement"   // how the lead has responded so far
	// SignalProvided is a score the lead file gave: kept as it is, with
	// engagement added on top when the lead is scored again.
	SignalProvided = "provided"
)

// Weights are the most points each signal gives. A lead that fits the ICP
// on every axis scores the fit weights' sum (70 by default: warm); its
// engagement adds up to Engagement more (hot from 85).
type Weights struct {
	Seniority   int // default 25
	CompanySize int // default 15
	Industry    int // default 15
	Country     int // default 10
	Title       int // default 5
	// Engagement caps what engagement adds. Default 30.
	Engagement int
	// Engaged are the points each engagement adds, up to Engagement.
	// Default: opened 3, clicked 5, accepted 6, answered 8, replied 12,
	// meeting 20.
	Engaged map[outbound.Engagement]int
}

// DefaultWeights returns the default weights.
func DefaultWeights() Weights {
	return Weights{Seniority: 25, CompanySize: 15, Industry: 15, Country: 10, Title: 5, Engagement: 30,
		Engaged: map[outbound.Engagement]int{
			outbound.EngagedOpened: 3, outbound.EngagedClicked: 5, outbound.EngagedAccepted: 6,
			outbound.EngagedAnswered: 8, outbound.EngagedReplied: 12, outbound.EngagedMeeting: 20,
		}}
}

// Validate reports a negative weight, or an engagement that is not one,
// as a *invalid.FieldError naming it.
func (w Weights) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"Seniority", w.Seniority}, {"CompanySize", w.CompanySize}, {"Industry", w.Industry}, {"Country", w.Country},
		{"Title", w.Title}, {"Engagement", w.Engagement}} {
		if f.v < 0 {
			return invalid.Field("scoring", "Weights", f.name, f.v, "must not be negative")
		}
	}
	for e, v := range w.Engaged {
		if !e.Valid() {
			return invalid.Field("scoring", "Weights", "Engaged", string(e), "not an engagement")
		}
		if v < 0 {
			return invalid.Field("scoring", "Weights", "Engaged["+string(e)+"]", v, "must not be negative")
		}
	}
	return nil
}

// Weighted is the default Scorer: each signal's points from the lead's own
// fields against the ICP, plus its engagement. A field the lead lacks
// gives no points and says "unknown", so the explanation is honest about
// what was not known; an ICP field left empty accepts any known value.
type Weighted struct {
	w Weights
}

// NewWeighted returns the default scorer with weights w (DefaultWeights
// when w is the zero value).
func NewWeighted(w Weights) (*Weighted, error) {
	if w.Seniority == 0 && w.CompanySize == 0 && w.Industry == 0 && w.Country == 0 && w.Title == 0 && w.Engagement == 0 && w.Engaged == nil {
		w = DefaultWeights()
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return &Weighted{w: w}, nil
}

// Score implements Scorer. A lead whose score a file gave (a "provided"
// signal, or a score with no signals) keeps that score and gets only its
// engagement on top.
func (s *Weighted) Score(_ context.Context, l *outbound.Lead, icp outbound.ICP) (Result, error) {
	var sig []outbound.ScoreSignal
	if base, ok := provided(l); ok {
		sig = append(sig, outbound.ScoreSignal{Signal: SignalProvided, Value: "file", Points: base})
	} else {
		sig = append(sig, s.seniority(l, icp), s.size(l, icp), s.industry(l, icp), s.country(l, icp), s.title(l, icp))
	}
	sig = append(sig, s.engagement(l))
	total := 0
	for _, x := range sig {
		total += x.Points
	}
	return Result{Points: max(0, min(100, total)), Signals: sig}, nil
}

// provided returns the score a file gave the lead, if it did.
func provided(l *outbound.Lead) (int, bool) {
	for _, x := range l.ScoreSignals {
		if x.Signal == SignalProvided {
			return x.Points, true
		}
	}
	if len(l.ScoreSignals) == 0 && l.Score > 0 {
		return l.Score, true
	}
	return 0, false
}

func unknown(signal string) outbound.ScoreSignal {
	return outbound.ScoreSignal{Signal: signal, Value: "unknown"}
}

// seniority: the full weight at or above the ICP's seniority, half one
// level below, none further below; without one, the weight in proportion
// to the level (c-level full, individual a fifth).
func (s *Weighted) seniority(l *outbound.Lead, icp outbound.ICP) outbound.ScoreSignal {
	lvl := ParseSeniority(l.Title)
	if lvl == "" {
		return unknown(SignalSeniority)
	}
	out := outbound.ScoreSignal{Signal: SignalSeniority, Value: string(lvl)}
	switch want := icp.Seniority.Rank(); {
	case want == 0:
		out.Points = s.w.Seniority * lvl.Rank() / 5
	case lvl.Rank() >= want:
		out.Points = s.w.Seniority
	case lvl.Rank() == want-1:
		out.Points = s.w.Seniority / 2
	}
	return out
}

// sizeBand names a headcount as exports band it.
func sizeBand(n int) string {
	for _, b := range []struct {
		hi   int
		name string
	}{{10, "1-10"}, {50, "11-50"}, {200, "51-200"}, {1000, "201-1000"}, {5000, "1001-5000"}} {
		if n <= b.hi {
			return b.name
		}
	}
	return "5001+"
}

// size: the full weight inside the ICP's bounds, none outside; without
// bounds, by band: companies of 51 to 1,000 the full weight, smaller and
// larger less (1-10 40 %, 11-50 70 %, 1001-5000 80 %, above 60 %).
func (s *Weighted) size(l *outbound.Lead, icp outbound.ICP) outbound.ScoreSignal {
	n := l.Employees
	if n <= 0 {
		return unknown(SignalCompanySize)
	}
	out := outbound.ScoreSignal{Signal: SignalCompanySize, Value: sizeBand(n)}
	if icp.MinEmployees > 0 || icp.MaxEmployees > 0 {
		if n >= icp.MinEmployees && (icp.MaxEmployees == 0 || n <= icp.MaxEmployees) {
			out.Points = s.w.CompanySize
		}
		return out
	}
	pct := map[string]int{"1-10": 40, "11-50": 70, "51-200": 100, "201-1000": 100, "1001-5000": 80, "5001+": 60}[out.Value]
	out.Points = s.w.CompanySize * pct / 100
	return out
}

// industry: the full weight when the lead's industry is one of the ICP's
// (either holding the other: "software" fits "Computer Software"), none
// otherwise; any known industry fits an ICP that names none.
func (s *Weighted) industry(l *outbound.Lead, icp outbound.ICP) outbound.ScoreSignal {
	ind := strings.ToLower(strings.TrimSpace(l.Industry))
	if ind == "" {
		return unknown(SignalIndustry)
	}
	out := outbound.ScoreSignal{Signal: SignalIndustry, Value: ind}
	if len(icp.Industries) == 0 {
		out.Points = s.w.Industry
		return out
	}
	for _, want := range icp.Industries {
		w := strings.ToLower(strings.TrimSpace(want))
		if strings.Contains(ind, w) || strings.Contains(w, ind) {
			out.Points = s.w.Industry
			break
		}
	}
	return out
}

// country: the full weight in one of the ICP's countries (and, when the
// ICP names regions of that country, in one of them; half outside them),
// none elsewhere; any known country fits an ICP that names none.
func (s *Weighted) country(l *outbound.Lead, icp outbound.ICP) outbound.ScoreSignal {
	if l.Country == "" {
		return unknown(SignalCountry)
	}
	out := outbound.ScoreSignal{Signal: SignalCountry, Value: l.Country}
	if l.Region != "" {
		out.Value += "-" + l.Region
	}
	in := len(icp.Countries) == 0
	for _, c := range icp.Countries {
		in = in || c == l.Country
	}
	if !in {
		return out
	}
	out.Points = s.w.Country
	regions := false
	for _, r := range icp.Regions {
		cc, code, _ := strings.Cut(r, "-")
		if cc != l.Country {
			continue
		}
		regions = true
		if strings.EqualFold(code, l.Region) {
			return out
		}
	}
	if regions {
		out.Points = s.w.Country / 2
	}
	return out
}

// title: the full weight when the title holds one of the ICP's words,
// none otherwise; any title fits an ICP that names no words.
func (s *Weighted) title(l *outbound.Lead, icp outbound.ICP) outbound.ScoreSignal {
	t := strings.ToLower(strings.TrimSpace(l.Title))
	if t == "" {
		return unknown(SignalTitle)
	}
	out := outbound.ScoreSignal{Signal: SignalTitle, Value: "no match"}
	if len(icp.Titles) == 0 {
		out.Value, out.Points = "any", s.w.Title
		return out
	}
	for _, w := range icp.Titles {
		if strings.Contains(t, strings.ToLower(strings.TrimSpace(w))) {
			out.Value, out.Points = strings.ToLower(strings.TrimSpace(w)), s.w.Title
			break
		}
	}
	return out
}

// engagement: each way the lead has engaged adds its points, up to the
// Engagement weight.
func (s *Weighted) engagement(l *outbound.Lead) outbound.ScoreSignal {
	out := outbound.ScoreSignal{Signal: SignalEngagement, Value: "none"}
	var names []string
	for _, e := range outbound.Engagements() {
		if l.HasEngaged(e) {
			names = append(names, string(e))
			out.Points += s.w.Engaged[e]
		}
	}
	if len(names) > 0 {
		out.Value = strings.Join(names, "+")
	}
	out.Points = min(out.Points, s.w.Engagement)
	return out
}
