package distribution

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/crm"
	"github.com/outbound-go/outbound/enrich"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/replies"
	"github.com/outbound-go/outbound/scoring"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

// The defaults of Config.
const (
	DefaultWorkers                 = 4
	DefaultClaimBatch              = 100
	DefaultBatchWindow             = 200 * time.Millisecond
	DefaultLease                   = 2 * time.Minute
	DefaultPollInterval            = time.Second
	DefaultSendTimeout             = 30 * time.Second
	DefaultCallRetries             = 2
	DefaultCallCooling             = 4 * time.Hour
	DefaultOOOPause                = 7 * 24 * time.Hour
	DefaultConnectionMessageDelay  = 2 * 24 * time.Hour
	DefaultConnectionWithdrawAfter = 21 * 24 * time.Hour
	DefaultDNCRRewashWithin        = 3 * 24 * time.Hour
	DefaultDNCRBatch               = 500
	DefaultPlanHorizon             = 60 * 24 * time.Hour
	DefaultPlanWorkers             = 4
	DefaultRetryMaxAttempts        = 5
	DefaultRetryInitial            = time.Minute
	DefaultRetryMax                = 30 * time.Minute
	DefaultRetryMultiplier         = 2.0
)

// None switches off a count or a duration of Config whose zero value means
// its default: CallRetries: None makes no call retries.
const None = -1

// DNCRChecker washes phone numbers against do-not-call registers.
// donotcall.ByCountry routes each number to its country's register (a
// file register for the US lists a host downloads, the Australian wash
// service for +61) and answers not_applicable for a country with none;
// donotcall.Register is this interface.
type DNCRChecker interface {
	// Wash returns at most one result per number asked, in any order; a
	// number missing from the answer stays unwashed. With an error it may
	// still return the results of the numbers it could wash: they are
	// kept.
	Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error)
}

// DNCRFunc adapts a function to DNCRChecker.
type DNCRFunc func(ctx context.Context, phones []string) ([]outbound.WashResult, error)

// Wash calls f.
func (f DNCRFunc) Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	return f(ctx, phones)
}

// RetryPolicy says how a touch whose Send failed with a retryable error is
// tried again. Delays grow exponentially (github.com/cenkalti/backoff/v4)
// unless the provider named one (channel.RetryAfter), which is honoured.
type RetryPolicy struct {
	// MaxAttempts is the most Send attempts of one touch, the first
	// included; the touch fails after the last. Default (0): 5.
	MaxAttempts int
	// Initial is the delay after the first failure. Default (0): 1 minute.
	Initial time.Duration
	// Max caps every delay. Default (0): 30 minutes.
	Max time.Duration
	// Multiplier grows the delay after each failure. Default (0): 2.
	Multiplier float64
	// Jitter is the backoff's randomization factor in [0, 1): each delay is
	// drawn within ±Jitter of its nominal value. Default 0: no jitter, so a
	// simulation is reproducible.
	Jitter float64
}

// WithDefaults returns a copy with every zero field set to its default.
func (r RetryPolicy) WithDefaults() RetryPolicy {
	if r.MaxAttempts == 0 {
		r.MaxAttempts = DefaultRetryMaxAttempts
	}
	if r.Initial == 0 {
		r.Initial = DefaultRetryInitial
	}
	if r.Max == 0 {
		r.Max = DefaultRetryMax
	}
	if r.Multiplier == 0 {
		r.Multiplier = DefaultRetryMultiplier
	}
	return r
}

// ContentFunc renders a touch's content into m. The engine has filled in
// the addressing (IdempotencyKey, Kind, Action, From, To, ThreadRef,
// Metadata, Commercial); the function sets Subject, Body, HTML and Headers.
// The result must pass channel.Validate: commercial email needs a
// List-Unsubscribe header and an unsubscribe line, SMS an opt-out line.
type ContentFunc func(ctx context.Context, in ContentInput, m *channel.Message) error

// ContentInput is what a ContentFunc may use.
type ContentInput struct {
	Client   *outbound.Client
	Campaign *outbound.Campaign
	Lead     *outbound.Lead
	Touch    *outbound.Touch
	Sender   *outbound.Resource
}

// Config configures a Service. Only Store is required.
type Config struct {
	// Store keeps everything. Required.
	Store storage.Store
	// Channels are the provider adapters that send touches. A touch goes
	// through the adapter whose kind is its channel and whose provider
	// (channel.Info.Provider, declared through channel.Describer) is its
	// resource's Provider, else through the kind's catch-all (an adapter
	// naming no provider). So one deployment may send email through both
	// SMTP and Salesforge, each mailbox through its own. A resource with
	// no adapter for a channel does not send on it, and a kind with no
	// adapter at all is treated as "the client has no usable resource"
	// for it, so its steps take their fallback. Each adapter's delivery
	// semantics and rate limit are its own (channel.Info). Default: none
	// (every step is skipped).
	Channels []channel.Channel
	// Clock tells the time and waits. Default timing.RealClock().
	Clock timing.Clock
	// Calendar tells public holidays. Default timing.NewHolidayCalendar().
	Calendar timing.Calendar
	// Windows are the send windows per channel in the recipient's local
	// time. Default timing.DefaultWindows(); the legal ceilings always apply.
	Windows timing.Windows
	// Ceilings are legal ceilings on top of timing.LegalCeilings. Default
	// none.
	Ceilings []timing.Ceiling
	// Sequence is the sequence every campaign runs. Default
	// sequence.Default().
	Sequence sequence.Sequence
	// Policy holds tiers, gating and the DNCR rules. The zero value is the
	// default of docs/architecture.md.
	Policy sequence.Policy
	// Caps are the per-resource caps. The zero value is the default of
	// docs/architecture.md. Caps.Counter and Caps.Limiter are ignored: the store's
	// bookings are the counter and Warmup the mailbox limiter.
	Caps allocator.Config
	// Warmup gives a mailbox's daily limit from its domain's age. The zero
	// value is the default curve, at most 30 a day.
	Warmup warmup.Policy
	// Health is the rule that pauses a domain. The zero value is the
	// default: over 14 days and at least 20 sends, bounces > 3 % or
	// complaints > 0.3 %.
	Health warmup.HealthPolicy
	// NumberHealth is the rule that pauses a phone number. The zero value
	// is the default: over 14 days and at least 50 texts and calls,
	// carrier blocks > 5 %, opt-outs > 3 % or calls labelled spam > 10 %.
	NumberHealth warmup.NumberPolicy
	// DNCR washes phone numbers. Default nil: every number stays unwashed,
	// so no voice and (under the default policy) no SMS.
	DNCR DNCRChecker
	// DNCRBatch is the most numbers per DNCR.Wash call. Default 500.
	DNCRBatch int
	// Provisioner buys resources when the pool's buffer runs low. Default
	// nil: the pool alerts but buys nothing.
	Provisioner pool.Provisioner
	// Alerter receives the pool's alerts. Default: logged.
	Alerter pool.Alerter
	// Plans are the plans clients buy. Default outbound.DefaultPlans().
	Plans []outbound.Plan
	// Logger receives the engine's logs. Default: discard.
	Logger *slog.Logger
	// Workers is how many dispatch workers Run starts. Default 4.
	Workers int
	// ClaimBatch is the most touches a worker claims at once. Default 100.
	ClaimBatch int
	// BatchWindow bounds how far a worker's batched reads and writes lag,
	// on the clock. A worker reads the enrollments, leads, campaigns,
	// suppressions, DNCR results and email threads of the touches it
	// claimed together, and before each
	// touch reads them again for the touches left once that read is older
	// than BatchWindow; it records the touches it sent together, between
	// two touches once BatchWindow has passed since the first of them was
	// sent, and at the end of the claim. So a reply, stop or opt-out
	// recorded while a worker holds a claim stops that worker's sends to
	// the lead from its first touch that starts BatchWindow later, and a
	// sent touch shows as sent in the store once the worker's next touch
	// after BatchWindow is done. Sends slower than the window get a read
	// and a record each, as without batching. Default 200 milliseconds.
	BatchWindow time.Duration
	// Lease is how long a claim holds a touch before another worker may
	// take it over. Default 2 minutes.
	Lease time.Duration
	// PollInterval is how long an idle worker, and the planner, sleep
	// between passes. Default 1 second.
	PollInterval time.Duration
	// Elector elects the one process of a deployment that plans and runs
	// the daily jobs in Run (adapters/postgres: DB.Elector); a process
	// that does not lead tries again every PollInterval. Default nil: this
	// process always leads — a single process, or the memory store.
	Elector storage.Elector
	// SendTimeout is the deadline of each Channel.Send. Default 30 seconds.
	SendTimeout time.Duration
	// Retry is how retryable send failures are retried. Default: 5
	// attempts, 1 minute doubling to at most 30 minutes.
	Retry RetryPolicy
	// CallRetries is how many times a busy, unanswered or failed call is
	// tried again, per step. Default (0): 2; None for no retry.
	CallRetries int
	// CallCooling is how long after a busy or unanswered call the retry
	// may go (then inside the voice window). Default 4 hours.
	CallCooling time.Duration
	// RetryVoicemail makes a call that reached voicemail count as
	// unanswered (retried like busy). Default false: voicemail counts as
	// done and the sequence moves on.
	RetryVoicemail bool
	// OOOPause is how long an out-of-office reply without a return date
	// pauses the lead. Default 7 days.
	OOOPause time.Duration
	// ReplyKeepsCompany turns off stopping the other leads of the replying
	// lead's company (same company domain, same campaign). Default false:
	// a reply stops the whole company.
	ReplyKeepsCompany bool
	// ConnectionMessageDelay is how long after a LinkedIn connection is
	// accepted the LinkedIn message goes (then inside the window). Default
	// 2 days.
	ConnectionMessageDelay time.Duration
	// ConnectionWithdrawAfter is how long a connection request may stay
	// unaccepted before Daily records it withdrawn. Default 21 days.
	ConnectionWithdrawAfter time.Duration
	// DNCRRewashWithin: Daily washes again every result that expires
	// within this long. Default 3 days.
	DNCRRewashWithin time.Duration
	// PlanWorkers is how many clients a Plan pass plans at once. Clients
	// are planned apart (each books only its own resources), so the result
	// is the same for any number: more overlap the store's round trips of
	// one client with another's. Default 4.
	PlanWorkers int
	// PlanHorizon is how far past its earliest instant a step may be pushed
	// for lack of capacity before it is skipped with reason no_capacity.
	// Default 60 days.
	PlanHorizon time.Duration
	// BillingZone is the default zone of a client created by a billing
	// event that names none (its Metadata "zone"). Default "UTC".
	BillingZone string
	// Hook hears of every state change this process makes (see Hook).
	// Default nil: none.
	Hook Hook
	// Classifier reads what each reply says (see package replies), and the
	// engine acts on it: an unsubscribe suppresses the channel, an absence
	// or a "not now" with a date pauses the sequence until then, a wrong
	// person stops it without stopping the company, a referral also
	// imports the person named into the campaign, a bounce notice counts
	// as a bounce. Default replies.NewRules(). A classifier error fails the
	// event, for the provider to deliver again.
	Classifier replies.Classifier
	// CRM receives every booked meeting: the lead as a contact (created or
	// updated by email) and the meeting as a deal associated with it (see
	// package crm; adapters/hubspot is one). A CRM that answers an error
	// leaves the booking unapplied, and the sweeper tries again; one that
	// refuses for good (crm.ErrPermanent) is reported to the Hook
	// (crm_failed) and not tried again. Default nil: meetings are kept and
	// stop the sequence, and go to no CRM.
	CRM crm.CRM
	// Enricher fills in what an imported lead lacks of its company
	// (headquarters country and region, headcount, industry) before its
	// zone is resolved and its score reckoned; it never overwrites what the
	// row gave, and its failure costs the enrichment, not the lead.
	// Default enrich.Offline{}: the country from the domain's country-code
	// TLD, the industry from the company's name.
	Enricher enrich.Enricher
	// Scorer scores each lead imported without a score (0) against its
	// campaign's ICP, keeping the signals with the lead, and scores a lead
	// again each time it engages in a new way, so its tier can rise. A score
	// the import gave is kept, with engagement added by the default.
	// Default scoring.NewWeighted(scoring.DefaultWeights()).
	Scorer scoring.Scorer
	// Responder writes the answers to replies (see package replies): an
	// answer goes as a threaded reply from the resource the lead wrote to,
	// after AnswerDelay and inside the lead's window, or waits as a draft
	// for the client to approve (Service.Drafts, ApproveDraft,
	// DiscardDraft), as the client's Answers says (else Config.Answers).
	// An unsubscribe, an absence or a bounce notice is never answered, nor
	// a lead who has booked a meeting. Default: replies.NewTemplates(nil),
	// a template per class (the booking link for a meeting request).
	Responder replies.Responder
	// Answers is how a client whose own setting is empty has its replies
	// answered. Default outbound.AnswerDraft: nothing goes without a
	// person's approval.
	Answers outbound.AnswerMode
	// AnswerDelay is how long after a reply its answer goes (for an
	// approved draft, from the reply or the approval, whichever is later).
	// Default 7 to 25 minutes.
	AnswerDelay AnswerDelay
	// Content renders a touch's content. Default DefaultContent: a plain
	// template per channel with the unsubscribe and opt-out lines the law
	// and channel.Validate require.
	Content ContentFunc
	// Test holds knobs for tests and simulations, kept apart from what a
	// deployment configures. The zero value is what production runs.
	Test TestConfig
}

// TestConfig holds Config's knobs for tests and simulations.
type TestConfig struct {
	// NewID makes the IDs of new records. Default uuid.New; a simulation
	// passes a seeded source so that the same seed gives the same IDs.
	// Touches created by events and retries get IDs derived from the touch
	// or event they follow, so they are reproducible whatever order
	// workers run in.
	NewID func() uuid.UUID
}

// WithDefaults returns a copy of c with every unset field filled in.
func (c Config) WithDefaults() Config {
	if c.Clock == nil {
		c.Clock = timing.RealClock()
	}
	if c.Calendar == nil {
		c.Calendar = timing.NewHolidayCalendar()
	}
	c.Windows = c.Windows.WithDefaults()
	if len(c.Sequence.Steps) == 0 {
		c.Sequence = sequence.Default()
	}
	c.Sequence = c.Sequence.WithDefaults()
	c.Policy = c.Policy.WithDefaults()
	c.Caps = c.Caps.WithDefaults()
	c.Caps.Counter, c.Caps.Limiter = nil, nil
	c.Warmup = c.Warmup.WithDefaults()
	c.Health = c.Health.WithDefaults()
	c.NumberHealth = c.NumberHealth.WithDefaults()
	if c.Plans == nil {
		c.Plans = outbound.DefaultPlans()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c.Workers = orDefault(c.Workers, DefaultWorkers)
	c.ClaimBatch = orDefault(c.ClaimBatch, DefaultClaimBatch)
	c.BatchWindow = orDefault(c.BatchWindow, DefaultBatchWindow)
	c.DNCRBatch = orDefault(c.DNCRBatch, DefaultDNCRBatch)
	c.Lease = orDefault(c.Lease, DefaultLease)
	c.PollInterval = orDefault(c.PollInterval, DefaultPollInterval)
	c.SendTimeout = orDefault(c.SendTimeout, DefaultSendTimeout)
	c.Retry = c.Retry.WithDefaults()
	c.CallRetries = orDefault(c.CallRetries, DefaultCallRetries)
	c.CallCooling = orDefault(c.CallCooling, DefaultCallCooling)
	c.OOOPause = orDefault(c.OOOPause, DefaultOOOPause)
	if c.Classifier == nil {
		c.Classifier = replies.NewRules()
	}
	if c.Enricher == nil {
		c.Enricher = enrich.Offline{}
	}
	if c.Scorer == nil {
		// The default weights are valid: their test says so.
		c.Scorer, _ = scoring.NewWeighted(scoring.DefaultWeights())
	}
	if c.Responder == nil {
		// The default templates parse: their test says so.
		c.Responder, _ = replies.NewTemplates(nil)
	}
	if c.Answers == "" {
		c.Answers = outbound.AnswerDraft
	}
	if c.AnswerDelay == (AnswerDelay{}) {
		c.AnswerDelay = AnswerDelay{Min: DefaultAnswerDelayMin, Max: DefaultAnswerDelayMax}
	}
	c.ConnectionMessageDelay = orDefault(c.ConnectionMessageDelay, DefaultConnectionMessageDelay)
	c.ConnectionWithdrawAfter = orDefault(c.ConnectionWithdrawAfter, DefaultConnectionWithdrawAfter)
	c.DNCRRewashWithin = orDefault(c.DNCRRewashWithin, DefaultDNCRRewashWithin)
	c.PlanHorizon = orDefault(c.PlanHorizon, DefaultPlanHorizon)
	c.PlanWorkers = orDefault(c.PlanWorkers, DefaultPlanWorkers)
	if c.BillingZone == "" {
		c.BillingZone = "UTC"
	}
	if c.Test.NewID == nil {
		c.Test.NewID = uuid.New
	}
	if c.Content == nil {
		c.Content = DefaultContent
	}
	return c
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Validate reports every problem with c, after defaults, joined; each is a
// *FieldError (errors.Is(err, outbound.ErrInvalid) holds) or an error of
// the package that owns the field.
func (c Config) Validate() error {
	c = c.WithDefaults()
	var errs []error
	bad := func(field string, v any, reason string) {
		errs = append(errs, &FieldError{Package: "distribution", Field: field, Value: v, Reason: reason})
	}
	if c.Store == nil {
		bad("Store", nil, "is required")
	}
	type key struct {
		kind     channel.Kind
		provider string
	}
	seen := map[key]int{}
	for i, ch := range c.Channels {
		field := fmt.Sprintf("Channels[%d]", i)
		if ch == nil {
			bad(field, nil, "must not be nil")
			continue
		}
		if !ch.Kind().Valid() {
			bad(field+".Kind()", string(ch.Kind()), "is not a channel kind")
			continue
		}
		in := channel.Describe(ch)
		if err := channel.CheckInfo(in); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				fe.Package, fe.Record = "distribution", field+".Info"
			}
			errs = append(errs, err)
		}
		k := key{ch.Kind(), in.Provider}
		if j, dup := seen[k]; dup {
			bad(field, fmt.Sprintf("%s/%s", k.kind, k.provider), fmt.Sprintf("sends the same kind for the same provider as Channels[%d]", j))
		}
		seen[k] = i
	}
	if !c.Answers.Valid() {
		bad("Answers", string(c.Answers), "must be off, draft or auto")
	}
	if c.AnswerDelay.Min < 0 || c.AnswerDelay.Max < c.AnswerDelay.Min {
		bad("AnswerDelay", fmt.Sprintf("%s-%s", c.AnswerDelay.Min, c.AnswerDelay.Max), "needs 0 <= Min <= Max")
	}
	if err := c.Windows.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Sequence.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Policy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Caps.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Warmup.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Health.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.NumberHealth.Validate(); err != nil {
		errs = append(errs, err)
	}
	named := map[string]bool{}
	for _, p := range c.Plans {
		if err := p.Validate(); err != nil {
			errs = append(errs, err)
		}
		if named[p.Name] {
			bad("Plans", p.Name, "is named twice")
		}
		named[p.Name] = true
	}
	for _, f := range []struct {
		name string
		v    int
		min  int
	}{
		{"Workers", c.Workers, 1}, {"PlanWorkers", c.PlanWorkers, 1}, {"ClaimBatch", c.ClaimBatch, 1}, {"DNCRBatch", c.DNCRBatch, 1},
		{"Retry.MaxAttempts", c.Retry.MaxAttempts, 1}, {"CallRetries", c.CallRetries, None},
	} {
		if f.v < f.min {
			bad(f.name, f.v, fmt.Sprintf("must be at least %d", f.min))
		}
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{
		{"Lease", c.Lease}, {"PollInterval", c.PollInterval}, {"SendTimeout", c.SendTimeout}, {"BatchWindow", c.BatchWindow},
		{"Retry.Initial", c.Retry.Initial}, {"Retry.Max", c.Retry.Max}, {"CallCooling", c.CallCooling},
		{"OOOPause", c.OOOPause}, {"ConnectionMessageDelay", c.ConnectionMessageDelay},
		{"ConnectionWithdrawAfter", c.ConnectionWithdrawAfter}, {"DNCRRewashWithin", c.DNCRRewashWithin},
		{"PlanHorizon", c.PlanHorizon},
	} {
		if f.v <= 0 {
			bad(f.name, f.v, "must be positive")
		}
	}
	if c.Retry.Max < c.Retry.Initial {
		bad("Retry.Max", c.Retry.Max, "must not be below Retry.Initial")
	}
	if c.Retry.Multiplier < 1 {
		bad("Retry.Multiplier", c.Retry.Multiplier, "must be at least 1")
	}
	if c.Retry.Jitter < 0 || c.Retry.Jitter >= 1 {
		bad("Retry.Jitter", c.Retry.Jitter, "must be within [0, 1)")
	}
	if c.DNCRRewashWithin >= c.Policy.DNCRValidity {
		bad("DNCRRewashWithin", c.DNCRRewashWithin, "must be shorter than Policy.DNCRValidity")
	}
	return errors.Join(errs...)
}

// FieldError reports a bad configuration field or argument: which one, its
// value and what is wrong. It is the module's one field error
// (invalid.FieldError): errors.Is(err, outbound.ErrInvalid) holds.
type FieldError = invalid.FieldError
