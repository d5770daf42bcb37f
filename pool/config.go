package pool

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

// Defaults of Config.
const (
	// DefaultBufferThreshold is the buffer ratio under which the pool alerts
	// and buys: 40 %.
	DefaultBufferThreshold = 0.40
	// DefaultHoldFor is how long a churned client's resources are held for it
	// before they return to the pool: 30 days.
	DefaultHoldFor = 30 * 24 * time.Hour
)

// DefaultMailboxNames returns the local parts of the mailboxes the pool
// creates on each domain: "outreach" and "hello", one per mailbox
// (outbound.MailboxesPerDomain of them).
func DefaultMailboxNames() []string { return []string{"outreach", "hello"} }

// Config configures a Pool. Only Store is required; every other field has a
// default, filled in by WithDefaults.
type Config struct {
	// Store keeps clients, resources and purchase orders: any
	// storage.Store, of which the pool uses the methods of Store. Required.
	Store Store
	// Provisioner buys resources when a buffer runs low. Default nil:
	// CheckBuffer still computes and alerts, but buys nothing.
	Provisioner Provisioner
	// Alerter receives every alert. Default: a LogAlerter writing to Logger
	// (log only).
	Alerter Alerter
	// Clock is where the pool reads the time. Default timing.RealClock().
	Clock timing.Clock
	// Plans are the plans clients buy, looked up by Client.Plan. Default
	// outbound.DefaultPlans() (starter, growth, scale).
	Plans []outbound.Plan
	// Warmup decides when a warming domain may send: it becomes available on
	// the first day of its age (whole 24-hour days since purchase) on which
	// the curve's limit is above 0, day 14 with the default curve. The zero
	// value is warmup's default policy. Only domains (and their
	// mailboxes) warm up; phone numbers, LinkedIn seats and mail senders are
	// available as soon as they are provisioned.
	Warmup warmup.Policy
	// Health is the rule that pauses a domain. The zero value is warmup's
	// default: over the last 14 days and at least 20 sends, a bounce rate
	// above 3 % or a complaint rate above 0.3 %.
	Health warmup.HealthPolicy
	// NumberHealth is the rule that pauses a phone number. The zero value
	// is warmup's default: over the last 14 days and at least 50 texts and
	// calls, carrier blocks above 5 %, opt-outs above 3 % or calls
	// labelled spam above 10 %.
	NumberHealth warmup.NumberPolicy
	// BufferThreshold is the buffer ratio, in (0, 1), strictly under which
	// CheckBuffer alerts and buys. Default (0): DefaultBufferThreshold, 0.40.
	BufferThreshold float64
	// HoldFor is how long a churned client's resources are held. Default (0):
	// DefaultHoldFor, 30 days.
	HoldFor time.Duration
	// NewID makes the IDs of new resources and orders. Default uuid.New
	// (random v4); a simulation passes a seeded source for determinism. The
	// pool never calls it from two goroutines at once.
	NewID func() uuid.UUID
	// Logger receives the pool's logs. Default: discard.
	Logger *slog.Logger
	// MailboxNames are the local parts of the mailboxes Stock creates on
	// each domain it adds (purchased and registered domains come with the
	// provider's mailboxes), exactly outbound.MailboxesPerDomain distinct
	// names. Default
	// DefaultMailboxNames(): "outreach" and "hello", so a domain
	// example.com gets outreach@example.com and hello@example.com.
	MailboxNames []string
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Clock == nil {
		c.Clock = timing.RealClock()
	}
	if len(c.Plans) == 0 {
		c.Plans = outbound.DefaultPlans()
	}
	c.Warmup = c.Warmup.WithDefaults()
	c.Health = c.Health.WithDefaults()
	c.NumberHealth = c.NumberHealth.WithDefaults()
	if c.BufferThreshold == 0 {
		c.BufferThreshold = DefaultBufferThreshold
	}
	if c.HoldFor == 0 {
		c.HoldFor = DefaultHoldFor
	}
	if c.NewID == nil {
		c.NewID = uuid.New
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Alerter == nil {
		c.Alerter = LogAlerter{Logger: c.Logger}
	}
	if len(c.MailboxNames) == 0 {
		c.MailboxNames = DefaultMailboxNames()
	}
	return c
}

// Validate reports every problem with c, after defaults, joined; each is a
// *FieldError (errors.Is(err, invalid.ErrInvalid) holds).
func (c Config) Validate() error {
	c = c.WithDefaults()
	var errs []error
	if c.Store == nil {
		errs = append(errs, fieldErr("Config", "Store", nil, "is required"))
	}
	seen := make(map[string]bool, len(c.Plans))
	for i, p := range c.Plans {
		if err := p.Validate(); err != nil {
			errs = append(errs, fieldErr("Config", fmt.Sprintf("Plans[%d]", i), p.Name, err.Error()))
		}
		if seen[p.Name] {
			errs = append(errs, fieldErr("Config", fmt.Sprintf("Plans[%d].Name", i), p.Name, "duplicate plan name"))
		}
		seen[p.Name] = true
	}
	if err := c.Warmup.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("pool: Warmup: %w", err))
	} else if readyAge(c.Warmup) < 0 {
		errs = append(errs, fieldErr("Config", "Warmup.Curve", c.Warmup.Curve, "no stage allows a send, so no domain would ever leave warming"))
	}
	if err := c.Health.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("pool: Health: %w", err))
	}
	if err := c.NumberHealth.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("pool: NumberHealth: %w", err))
	}
	if t := thresholdPPM(c.BufferThreshold); math.IsNaN(c.BufferThreshold) || t <= 0 || t >= ppm {
		errs = append(errs, fieldErr("Config", "BufferThreshold", c.BufferThreshold, "must be within (0, 1)"))
	}
	if c.HoldFor < 0 {
		errs = append(errs, fieldErr("Config", "HoldFor", c.HoldFor, "must not be negative"))
	}
	if len(c.MailboxNames) != outbound.MailboxesPerDomain {
		errs = append(errs, fieldErr("Config", "MailboxNames", c.MailboxNames, fmt.Sprintf("must hold exactly %d names", outbound.MailboxesPerDomain)))
	}
	names := make(map[string]bool, len(c.MailboxNames))
	for i, n := range c.MailboxNames {
		if n == "" || strings.ContainsAny(n, "@ \t\r\n<>,;\"") {
			errs = append(errs, fieldErr("Config", fmt.Sprintf("MailboxNames[%d]", i), n, "must be a non-empty email local part"))
		}
		if names[n] {
			errs = append(errs, fieldErr("Config", fmt.Sprintf("MailboxNames[%d]", i), n, "duplicate name"))
		}
		names[n] = true
	}
	return errors.Join(errs...)
}

// readyAge is the first age in whole days on which the policy lets a domain
// send: the FromDay of the curve's first stage with a limit above 0 (14 for
// the default curve), or -1 when no stage allows a send.
func readyAge(p warmup.Policy) int {
	p = p.WithDefaults()
	for _, s := range p.Curve {
		if p.DailyLimit(s.FromDay, warmup.Health{}) > 0 {
			return s.FromDay
		}
	}
	return -1
}

// ppm is the resolution of threshold arithmetic: one part per million.
const ppm = 1_000_000

// thresholdPPM is t in millionths, rounded to the nearest.
func thresholdPPM(t float64) int64 {
	if math.IsNaN(t) || t <= 0 {
		return 0
	}
	if t >= 1 {
		return ppm
	}
	return int64(math.Round(t * ppm))
}

// FieldError reports a bad configuration field or argument: which one, its
// value and what is wrong. It is the module's invalid.FieldError, with
// Package "pool"; errors.Is(err, invalid.ErrInvalid) holds.
type FieldError = invalid.FieldError

// fieldErr returns a *FieldError of package pool.
func fieldErr(record, field string, value any, reason string) error {
	return invalid.Field("pool", record, field, value, reason)
}

// ErrChurned is returned by Assign for a client whose state is churned: a
// host reactivates the client (State active) before assigning to it again.
var ErrChurned = errors.New("pool: client has churned")
