package warmforge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/warmup"
)

// Defaults of [HealthRule].
const (
	DefaultThrottleBelow = 90
	DefaultPauseBelow    = 50
	DefaultMinSent       = 20
)

// HealthRule turns what Warmforge reports of a mailbox into its
// warmup.Health, which feeds the mailbox's daily limit:
//
//   - a mailbox disconnected (status access_lost or disconnected) or
//     suspended is Paused, with the reason;
//   - otherwise its inbox rate is the lower of its latest placement test's
//     result (percent in inbox) and, over the warmup days read (when at
//     least MinSent warmup emails were sent), 100 − 100 × spam ÷ sent;
//   - an inbox rate below PauseBelow pauses it; below ThrottleBelow it is
//     throttled by the share that missed the inbox (Throttle = 100 − inbox
//     rate: 80 % in inbox withholds 20 % of the limit); at or above
//     ThrottleBelow, or with nothing measured, it is healthy.
//
// The zero value takes the defaults: ThrottleBelow 90, PauseBelow 50,
// MinSent 20.
type HealthRule struct {
	// ThrottleBelow is the inbox rate, in percent, under which a mailbox
	// is throttled. Default DefaultThrottleBelow (90).
	ThrottleBelow int
	// PauseBelow is the inbox rate, in percent, under which a mailbox is
	// paused. Default DefaultPauseBelow (50); at most ThrottleBelow.
	PauseBelow int
	// MinSent is how many warmup emails the days read must hold for their
	// spam rate to count. Default DefaultMinSent (20).
	MinSent int
}

// WithDefaults returns r with every zero field set to its default.
func (r HealthRule) WithDefaults() HealthRule {
	if r.ThrottleBelow == 0 {
		r.ThrottleBelow = DefaultThrottleBelow
	}
	if r.PauseBelow == 0 {
		r.PauseBelow = DefaultPauseBelow
	}
	if r.MinSent == 0 {
		r.MinSent = DefaultMinSent
	}
	return r
}

// Validate reports the first bad field, after defaults, as a
// *invalid.FieldError.
func (r HealthRule) Validate() error {
	r = r.WithDefaults()
	bad := func(field string, v any, reason string) error {
		return invalid.Field("warmforge", "HealthRule", field, v, reason)
	}
	switch {
	case r.ThrottleBelow < 0 || r.ThrottleBelow > 100:
		return bad("ThrottleBelow", r.ThrottleBelow, "must be a percentage, 0 to 100")
	case r.PauseBelow < 0 || r.PauseBelow > r.ThrottleBelow:
		return bad("PauseBelow", r.PauseBelow, fmt.Sprintf("must be 0 to ThrottleBelow (%d)", r.ThrottleBelow))
	case r.MinSent < 0:
		return bad("MinSent", r.MinSent, "must not be negative")
	}
	return nil
}

// Signals are what Warmforge reports of a mailbox.
type Signals struct {
	Status    string // the mailbox's status
	Placement int    // its latest placement test's inbox rate, percent; −1 for none
	Sent      int    // warmup emails sent over the days read
	Spam      int    // of them, landed in spam
}

// Disconnected reports whether status says Warmforge lost the mailbox:
// access_lost (the mailbox's status) or disconnected (the list filter's
// word), or suspended.
func Disconnected(status string) (lost bool, reason string) {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "access_lost", "disconnected":
		return true, "disconnected: Warmforge lost access to the mailbox; reconnect it"
	case "suspended":
		return true, "suspended: the mailbox was suspended"
	}
	return false, ""
}

// Evaluate applies the rule to s: the health and, when it is not the zero
// (healthy) value, why.
func (r HealthRule) Evaluate(s Signals) (warmup.Health, string) {
	r = r.WithDefaults()
	if lost, reason := Disconnected(s.Status); lost {
		return warmup.Health{Paused: true}, reason
	}
	inbox, why := -1, ""
	if s.Placement >= 0 {
		inbox, why = min(s.Placement, 100), fmt.Sprintf("latest placement test %d%% in inbox", min(s.Placement, 100))
	}
	if s.Sent >= r.MinSent && s.Sent > 0 {
		spam := min(max(s.Spam, 0), s.Sent)
		if rate := 100 - int(float64(spam)*100/float64(s.Sent)); inbox < 0 || rate < inbox {
			inbox, why = rate, fmt.Sprintf("warmup %d%% in inbox (%d of %d in spam)", rate, s.Spam, s.Sent)
		}
	}
	switch {
	case inbox < 0 || inbox >= r.ThrottleBelow:
		return warmup.Health{}, ""
	case inbox < r.PauseBelow:
		return warmup.Health{Paused: true}, fmt.Sprintf("%s, below %d%%", why, r.PauseBelow)
	}
	return warmup.Health{Throttle: 100 - inbox}, fmt.Sprintf("%s, below %d%%", why, r.ThrottleBelow)
}

// MailboxHealth is one mailbox's state as Check read it.
type MailboxHealth struct {
	ID, Address, Status string
	Signals             Signals
	// Health is what [HealthRule] makes of it, for the mailbox's daily
	// limit (warmup.Policy.DailyLimit); Reason says why when it is not
	// healthy.
	Health warmup.Health
	Reason string
}

// Report is what Check read.
type Report struct {
	// Mailboxes are every mailbox's health, in Warmforge's order.
	Mailboxes []MailboxHealth
	// Events are a mailbox_disconnected provisioning event for each
	// mailbox disconnected or suspended, for the host to hand to
	// distribution.Service.Accept (which pauses the mailbox's domain, with
	// its mailboxes, giving the reason).
	Events []outbound.Inbound
}

// Check reads every mailbox (GET /mailboxes?status=all), their latest
// placement tests and their last StatsDays days of warmup, and returns
// each one's health by [Config.Health] and an event per mailbox
// disconnected or suspended.
//
// Each event names the mailbox's domain as the pool knows it
// ([Config.DomainRef]), since the pool pauses a domain with its mailboxes,
// with the mailbox's address and the reason; its ProviderEventID is
// "warmforge:<status>:<address>:<date>", so the engine records it once a
// day. A mailbox whose stats or domain cannot be read is reported without
// them and its error joined to the result.
func (c *Client) Check(ctx context.Context) (Report, error) {
	ms, err := c.Mailboxes(ctx, "all")
	if err != nil {
		return Report{}, fmt.Errorf("warmforge: listing the mailboxes: %w", err)
	}
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		if m.ID != "" {
			ids = append(ids, string(m.ID))
		}
	}
	placements, err := c.LatestPlacements(ctx, ids)
	if err != nil {
		return Report{}, fmt.Errorf("warmforge: reading the placement results: %w", err)
	}
	now := c.cfg.Now()
	var rep Report
	var errs []error
	for _, m := range ms {
		s := Signals{Status: m.Status, Placement: -1}
		if p, ok := placements[string(m.ID)]; ok && p.PlacementTest.PendingCount == 0 && p.PlacementTest.EmailSent > 0 {
			s.Placement = p.PlacementTest.Result
		}
		if lost, _ := Disconnected(m.Status); !lost && c.cfg.StatsDays > 0 {
			days, err := c.WarmupStats(ctx, m.Address, now.AddDate(0, 0, 1-c.cfg.StatsDays), now)
			if err != nil {
				errs = append(errs, fmt.Errorf("warmforge: warmup stats of %s: %w", m.Address, err))
				if ctx.Err() != nil {
					break
				}
			}
			for _, d := range days {
				s.Sent += max(d.SentCount, 0)
				s.Spam += max(d.SpamCount, 0)
			}
		}
		h, reason := c.cfg.Health.Evaluate(s)
		rep.Mailboxes = append(rep.Mailboxes, MailboxHealth{ID: string(m.ID), Address: m.Address, Status: m.Status, Signals: s, Health: h, Reason: reason})
		if lost, why := Disconnected(m.Status); lost {
			e, err := c.event(ctx, m, why)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rep.Events = append(rep.Events, outbound.Inbound{Provisioning: e})
		}
	}
	return rep, errors.Join(errs...)
}

// event is the mailbox_disconnected event of mailbox m, lost for why.
func (c *Client) event(ctx context.Context, m Mailbox, why string) (*outbound.ProvisioningEvent, error) {
	addr := strings.ToLower(strings.TrimSpace(m.Address))
	_, domain, ok := strings.Cut(addr, "@")
	if !ok || domain == "" {
		return nil, fmt.Errorf("warmforge: mailbox %q: not an address", m.Address)
	}
	ref, err := c.cfg.DomainRef(ctx, domain)
	if err != nil {
		return nil, fmt.Errorf("warmforge: the domain of %s: %w", addr, err)
	}
	now := c.cfg.Now()
	e := &outbound.ProvisioningEvent{
		Provider: c.cfg.Provider, Type: outbound.ProvisioningMailboxDisconnected, Kind: outbound.KindMailbox,
		ProviderEventID: "warmforge:" + strings.ToLower(m.Status) + ":" + addr + ":" + now.Format("2006-01-02"),
		ProviderRef:     ref, Address: addr, At: now, Reason: "warmforge: " + addr + " " + why,
	}
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("warmforge: mailbox %q: %w", m.Address, err)
	}
	return e, nil
}

// HealthRecorder is where [Client.Apply] writes each mailbox's health:
// *pool.Pool (its SetHealthByAddress) is one.
type HealthRecorder interface {
	SetHealthByAddress(ctx context.Context, kind outbound.ResourceKind, address string, h warmup.Health, reason string) (outbound.Resource, error)
}

// Applied is what [Client.Apply] wrote.
type Applied struct {
	// Throttled are the mailboxes whose health withholds part or all of
	// their daily limit, by address.
	Throttled map[string]int
	// Cleared are the mailboxes found healthy (their throttle cleared).
	Cleared []string
	// Unknown are the mailboxes Warmforge reports that the pool does not
	// hold (another tool's, or not registered yet): reported, not fatal.
	Unknown []string
}

// Apply writes each mailbox's health of rep into the pool's record of the
// mailbox, found by its address: a throttle of 100 − inbox rate when the
// rule throttles, the whole limit withheld when it pauses for a low inbox
// rate, cleared when healthy. A mailbox disconnected or suspended is left
// to rep.Events (its domain is paused through the engine); a mailbox the
// pool does not hold is listed in Applied.Unknown. Other errors are
// joined to the result and the rest applied.
func (c *Client) Apply(ctx context.Context, rep Report, to HealthRecorder) (Applied, error) {
	out := Applied{Throttled: map[string]int{}}
	var errs []error
	for _, m := range rep.Mailboxes {
		if lost, _ := Disconnected(m.Status); lost {
			continue
		}
		reason := ""
		if m.Reason != "" {
			reason = "warmforge: " + m.Reason
		}
		r, err := to.SetHealthByAddress(ctx, outbound.KindMailbox, m.Address, m.Health, reason)
		switch {
		case errors.Is(err, outbound.ErrNotFound):
			out.Unknown = append(out.Unknown, m.Address)
		case err != nil:
			errs = append(errs, fmt.Errorf("warmforge: health of %s: %w", m.Address, err))
			if ctx.Err() != nil {
				return out, errors.Join(errs...)
			}
		case r.Throttle > 0:
			out.Throttled[m.Address] = r.Throttle
		default:
			out.Cleared = append(out.Cleared, m.Address)
		}
	}
	return out, errors.Join(errs...)
}
