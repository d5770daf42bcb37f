package distribution

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/replies"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

// Service is the engine: it signs clients up, imports and enrolls leads,
// plans their touches, dispatches them through the channels, applies
// inbound events and runs the periodic jobs. Build one with New; it is safe
// for concurrent use.
//
// Service is a facade: each of its jobs is a type of its own that takes
// only the part of the store it uses — accounts (signup, churn,
// campaigns), importer (leads in), planner (every touch decided),
// dispatcher (touches out), applier (events in) and dailyJobs (the
// periodic work) — over what they share (configuration, clock, the
// clients' pictures, counters).
type Service struct {
	*shared
	accounts   *accounts
	importer   *importer
	planner    *planner
	dispatcher *dispatcher
	applier    *applier
	daily      *dailyJobs
	rpool      *pool.Pool
	// leading is set while this Service's Run plans and runs the daily
	// jobs: it holds the leadership, or has no elector to ask.
	leading atomic.Bool
}

// Leading reports whether this Service's Run is the one that plans and
// runs the daily jobs now: it holds the leadership (Config.Elector), or
// runs with no elector. False before Run and after it returns.
func (s *Service) Leading() bool { return s.leading.Load() }

// New builds a Service from cfg (defaults filled in first). It fails with
// the problems of Config.Validate.
func New(cfg Config) (*Service, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sh, err := newShared(cfg)
	if err != nil {
		return nil, err
	}
	next := cfg.Alerter
	if next == nil {
		next = pool.LogAlerter{Logger: cfg.Logger}
	}
	p, err := pool.New(pool.Config{
		Store:        cfg.Store,
		Provisioner:  cfg.Provisioner,
		Alerter:      alerter{s: sh, next: next},
		Clock:        cfg.Clock,
		Plans:        cfg.Plans,
		Warmup:       cfg.Warmup,
		Health:       cfg.Health,
		NumberHealth: cfg.NumberHealth,
		NewID:        sh.newID,
		Logger:       cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("distribution: pool: %w", err)
	}
	sh.pool = poolAdapter{p}
	if c, ok := cfg.DNCR.(interface{ Countries() []string }); ok {
		cfg.Logger.Info("do-not-call registers configured; numbers of other countries are washed as not_applicable",
			"countries", c.Countries())
	}
	st := cfg.Store
	s := &Service{shared: sh, rpool: p}
	s.planner = &planner{shared: sh, store: st}
	s.importer = &importer{shared: sh, store: st}
	s.accounts = &accounts{shared: sh, store: st, planner: s.planner, rpool: p}
	s.dispatcher = &dispatcher{shared: sh, store: st, planner: s.planner}
	s.applier = &applier{shared: sh, store: st, planner: s.planner, importer: s.importer}
	s.daily = &dailyJobs{shared: sh, store: st, planner: s.planner, importer: s.importer, applier: s.applier}
	return s, nil
}

// Pool returns the resource pool the Service assigns from: a host stocks
// it, marks purchases provisioned and resumes paused domains through it.
func (s *Service) Pool() *pool.Pool { return s.rpool }

// Counters returns a snapshot of this process's running totals.
func (s *Service) Counters() Counters { return s.tally.snapshot(outbound.ClientID{}, true) }

// ClientCounters returns a snapshot of this process's running totals for
// one client: zero counters for a client it never served. Capacity's
// Available is filled in the process totals only.
func (s *Service) ClientCounters(client outbound.ClientID) Counters {
	return s.tally.snapshot(client, false)
}

// DomainStats implements pool.HealthSource from the store: a domain's sends
// are the email touches its mailboxes sent with SentAt in [since, until)
// (the store's sent-window filter over the mailboxes, so only the window's
// sends are read); its bounces and complaints the hard-bounce and complaint
// events matched to touches its mailboxes sent, with At in [since, until).
// Daily reads the store once for the pool's evaluation; other calls read it
// again unless the same window was read less than a minute ago (on the
// clock).
func (s *Service) DomainStats(ctx context.Context, domain outbound.ResourceID, since, until time.Time) (warmup.Stats, error) {
	return s.daily.DomainStats(ctx, domain, since, until)
}

// NumberStats implements pool.NumberHealthSource from the store: a
// number's sends are the texts and calls it sent with SentAt in [since,
// until); its blocks the texts reported bounced (undelivered), its
// opt-outs the STOPs and opt-out events and the replies read as
// unsubscribes, its spam labels the failed calls whose detail names spam,
// each with At in [since, until) and traced to the number through its
// touch (or, for an inbound text matched by address, the number it was
// sent to). It reads the store as DomainStats does.
func (s *Service) NumberStats(ctx context.Context, phone outbound.ResourceID, since, until time.Time) (warmup.NumberStats, error) {
	return s.daily.NumberStats(ctx, phone, since, until)
}

// Schedule returns the lead's touches, planned and past, ordered by
// scheduled instant: when each step goes (or went), on which channel, from
// which resource, or why it was skipped.
func (s *Service) Schedule(ctx context.Context, lead outbound.LeadID) ([]outbound.Touch, error) {
	return s.planner.schedule(ctx, lead)
}

// NextDue returns the earliest instant a touch comes due for a worker, as
// the store's Touches.NextDue answers it: the scheduled instant of a
// scheduled touch (or the end of its lease while a worker holds it past
// then), the lease end of a touch left sending (the zero time when no
// worker holds it: it is due at once). ok is false when nothing is pending.
// It asks the store, so it holds across every process that shares it. A
// simulation jumps its virtual clock there.
func (s *Service) NextDue(ctx context.Context) (time.Time, bool, error) {
	return s.dispatcher.nextDue(ctx)
}

// Signup creates the client of a confirmed payment and assigns it its
// plan's resources from the pool. It is idempotent on the payment: a client
// with no ID gets one derived from PaymentID, and a client that exists
// already is not created again; the pool's assignment converges, so a
// repeated payment assigns nothing twice. A signup for an existing client
// with another plan changes its plan (the pool assigns the difference);
// one for a churned client makes it active again. A pool short of resources
// assigns what it has and alerts; that is not an error.
func (s *Service) Signup(ctx context.Context, in SignupInput) (*outbound.Client, error) {
	return s.accounts.signup(ctx, in)
}

// Churn ends a client: the pool holds its resources for 30 days (then
// releases them), every scheduled touch of the client is cancelled with
// reason client_churned and its capacity released, and its active or paused
// enrollments are stopped. Idempotent.
func (s *Service) Churn(ctx context.Context, client outbound.ClientID) error {
	return s.accounts.churn(ctx, client)
}

// CreateCampaign creates an active campaign for an active client. Its
// resources are the client's (whatever the pool has assigned when a touch
// is planned) and its sequence Config.Sequence.
func (s *Service) CreateCampaign(ctx context.Context, client outbound.ClientID, name string) (*outbound.Campaign, error) {
	return s.accounts.createCampaign(ctx, client, name, outbound.ICP{})
}

// CreateCampaignFor is CreateCampaign for an ideal customer profile: the
// campaign's leads are scored by their fit to icp. A bad profile is a
// *FieldError naming the field.
func (s *Service) CreateCampaignFor(ctx context.Context, client outbound.ClientID, name string, icp outbound.ICP) (*outbound.Campaign, error) {
	return s.accounts.createCampaign(ctx, client, name, icp)
}

// Usage returns how many leads the client enrolled in the billing month that
// holds instant at (its allowance counts against this), with the period.
// An enrollment counts in the period whose days hold its enrollment day (the
// lead's local day 0).
func (s *Service) Usage(ctx context.Context, client outbound.ClientID, at time.Time) (used int, start, end time.Time, err error) {
	return s.importer.usage(ctx, client, at)
}

// ImportLeads validates, stores and enrolls leads in a campaign. For each
// row, in order:
//
//   - every field is trimmed; the email is lower-cased, the country
//     upper-cased, and the phone normalised to E.164 (read as a number of
//     the lead's country, else of the country of the client's default
//     zone); a lead with no country takes its phone's;
//   - the lead is checked (outbound.Lead.Validate) and its zone resolved
//     (explicit zone, a fixed-line phone, country and region, the client's
//     default zone), recording how it was found; a bad row is rejected
//     with a RowError wrapping a *outbound.ValidationError that names the
//     field and the value;
//   - its tier comes from its score;
//   - a lead whose email or phone another lead of the client has is a
//     duplicate: it is merged into the existing lead (the existing lead's
//     empty fields are filled; its score, tier and zone stay) and listed in
//     Merged; a lead is enrolled in a campaign at most once;
//   - a dead lead is stored but not enrolled (Dead);
//   - a lead that would be enrolled past the plan's leads per month (counted
//     per billing month, see Usage) is rejected with an *AllowanceError and
//     not stored; a plan with LeadsPerMonth 0 has no limit;
//   - the lead is enrolled with day 0 = its local day now and step 1 next.
//
// Phones are then washed against the DNCR (Config.DNCR, in batches of
// Config.DNCRBatch) unless the store holds a wash still valid; results are
// stored and copied to the leads. A failed wash leaves the numbers unwashed
// and is returned as an error wrapping ErrWash with the complete result.
// The campaign and its client must be active (ErrInactive).
func (s *Service) ImportLeads(ctx context.Context, campaign outbound.CampaignID, rows []LeadInput) (ImportResult, error) {
	return s.importer.importLeads(ctx, campaign, rows)
}

// HandleEvent applies one inbound provider event, once: it is validated,
// matched to a touch (by its idempotency key, the touch ID echoed in its
// metadata, or the provider's message ID through the store's
// FindTouchByProviderRef, whichever process made the send) or else to the
// leads with its From address (for an SMS from a number: every client's
// lead with that number), recorded (store.RecordEvent keyed by provider and
// event ID), and applied. A second delivery of the same event reports false
// and changes nothing. The rules:
//
//   - replied (and a received message matched to a lead): the enrollment
//     is replied and its scheduled touches cancelled; unless
//     Config.ReplyKeepsCompany, every other lead of the client with the
//     same company domain (the store's ListLeadsByCompany) in that campaign
//     is stopped (company_replied) too. An SMS that is an opt-out or opt-in
//     keyword is handled as that keyword.
//   - out_of_office: the enrollment pauses until the return date the reply
//     names, else Config.OOOPause from the event; its scheduled touches are
//     cancelled and planned again from the return.
//   - bounced (hard): the lead is suppressed on the channel, the bounced
//     touch marked failed (hard_bounce), and the lead's scheduled touches on
//     the channel cancelled, each step falling back where it can. Domain
//     health counts the event (DomainStats).
//   - complained: the lead and address are suppressed on email; scheduled
//     email touches are cancelled and fall back as for an opt-out. Domain
//     health counts the event.
//   - opted_out: the lead and address are suppressed on the event's channel
//     (an email unsubscribe: email; an SMS STOP: SMS; a spoken request on a
//     call: voice) at once; scheduled touches on it are cancelled and fall
//     back where the step has a fallback.
//   - opted_in (an SMS START, YES or UNSTOP): the opt-outs of the leads
//     with that number on the event's channel are lifted, with the
//     provider and number as who lifted them and the instant; a bounce or a
//     complaint stays. A later opt-out puts them back.
//   - call_busy, call_no_answer, call_failed (and call_voicemail with
//     Config.RetryVoicemail): the call is tried again from the same number
//     Config.CallCooling later, inside the voice window, at most
//     Config.CallRetries times per step.
//   - call_answered, call_voicemail: done; the sequence goes on.
//   - connection_accepted: the request becomes delivered, and a LinkedIn
//     message goes from the same seat Config.ConnectionMessageDelay later,
//     inside the window.
//   - delivered: a sent touch becomes delivered.
//
// Recording comes before applying, and an event is marked applied only once
// every rule has acted: a delivery that fails part way (a store error, a
// crash) leaves it recorded and not applied, and the provider's
// redelivery, or Sweep, applies it then, so an opt-out is never lost.
// Applying twice changes nothing (touches an event creates have IDs
// derived from the touch they follow). It reports whether this call
// applied the event: false for an event applied before.
func (s *Service) HandleEvent(ctx context.Context, e channel.Event) (bool, error) {
	return s.applier.handleEvent(ctx, e)
}

// Daily runs the periodic jobs, in order: DNCR washes (every lead's number
// whose wash is missing or expires within Config.DNCRRewashWithin is
// washed again), the pool's jobs (promote warmed resources, check the
// buffer and buy, evaluate domain health with the Service as the health
// source, release held resources past their hold), the clients'
// allocators brought up to date with their resources (a paused domain's
// touches then move to the client's other domains when they are
// dispatched), LinkedIn connection requests sent Config.ConnectionWithdrawAfter
// ago and never accepted recorded as withdrawn (an event of provider
// "outbound"; the Channel interface has no withdrawal call, so the seat's
// provider is not asked), the capacity counters, and a Plan pass. A job
// that fails does not stop the others; their errors are joined.
func (s *Service) Daily(ctx context.Context) error {
	return s.daily.daily(ctx)
}

// Sweep applies the inbound events that were recorded at least
// Config.Lease ago and never applied: a process died, or the store failed,
// between recording an event and applying it. A provider's redelivery
// applies such an event too; Sweep is the net under both. Run sweeps on
// every planner pass of the leader, and Daily sweeps; a host that runs
// neither calls it. It returns how many events it applied.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	return s.applier.sweep(ctx, s.cfg.Lease)
}

// HandleMeeting records and applies a scheduling provider's booking once
// (a redelivery, or the sweeper, applies what an earlier attempt left).
// The lead is the one the booking link named (MeetingEvent.Lead), else the
// lead with the invitee's address whose sequence still runs (the first
// client's when several do):
//
//   - booked: the lead's running sequences stop (meeting_booked), and the
//     company's other leads' in those campaigns (company_replied, unless
//     Config.ReplyKeepsCompany); the meeting is kept (ListMeetings), a
//     reschedule marking the booking it replaces; the lead counts as
//     engaged (and is scored again); the lead and the meeting go to
//     Config.CRM as a contact and a deal, once per meeting (a moved
//     meeting keeps its deal);
//   - cancelled: the meeting is kept as cancelled; the sequence stays
//     stopped for a person to follow up.
//
// A booking that matches no lead is recorded and logged. A CRM error
// leaves the booking unapplied for the sweeper (Sweep) to try again; a
// permanent refusal (crm.ErrPermanent) is reported to the Hook as
// crm_failed. It reports whether this call applied the event.
func (s *Service) HandleMeeting(ctx context.Context, e outbound.MeetingEvent) (bool, error) {
	return s.applier.handleMeeting(ctx, e)
}

// SetAnswers sets how a client's replies are answered (off, by draft for
// approval, or automatically; "" takes Config.Answers) and the booking
// link a lead who asks for a meeting is sent ("{lead}" in it names the
// lead; "" for none). A bad mode or link is a *FieldError naming it.
func (s *Service) SetAnswers(ctx context.Context, client outbound.ClientID, mode outbound.AnswerMode, bookingURL string) error {
	return s.accounts.setAnswers(ctx, client, mode, bookingURL)
}

// Drafts returns a client's draft answers waiting for approval (every
// client's for the zero ID), oldest first: each a touch with the answer's
// Subject and Body, the reply's lead and the resource it would go from.
func (s *Service) Drafts(ctx context.Context, client outbound.ClientID) ([]outbound.Touch, error) {
	ts, err := s.applier.store.ListTouches(ctx, storage.TouchFilter{Client: client, Status: outbound.TouchDraft})
	if err != nil {
		return nil, fmt.Errorf("distribution: drafts: %w", err)
	}
	return ts, nil
}

// ApproveDraft sends a draft answer: it goes as an answer written for
// sending does, after its delay (counted from the reply; now, if that has
// passed) and inside the lead's window, from the resource the lead wrote
// to. edit, when not nil, replaces its text (and an email's subject, when
// set); an empty Body is refused naming the field. A touch that is not a
// draft (approved or discarded already) is ErrNotDraft.
func (s *Service) ApproveDraft(ctx context.Context, id outbound.TouchID, edit *replies.Answer) error {
	return s.applier.approve(ctx, id, edit)
}

// DiscardDraft drops a draft answer (cancelled, reason discarded). A touch
// that is not a draft is ErrNotDraft.
func (s *Service) DiscardDraft(ctx context.Context, id outbound.TouchID) error {
	return s.applier.discard(ctx, id)
}

// Clients returns every client, ordered by ID.
func (s *Service) Clients(ctx context.Context) ([]outbound.Client, error) {
	cs, err := s.accounts.store.ListClients(ctx)
	if err != nil {
		return nil, fmt.Errorf("distribution: clients: %w", err)
	}
	return cs, nil
}

// Meetings returns a client's meetings (every client's for the zero ID),
// ordered by when they start.
func (s *Service) Meetings(ctx context.Context, client outbound.ClientID) ([]outbound.Meeting, error) {
	ms, err := s.applier.store.ListMeetings(ctx, client)
	if err != nil {
		return nil, fmt.Errorf("distribution: meetings: %w", err)
	}
	return ms, nil
}

// HandleBilling records and applies a billing event once (a redelivery
// applies what an earlier, failed delivery recorded). A client is keyed by
// its billing subscription and customer, never by one payment:
//
//   - subscription_started: the client is signed up (or found) with the
//     event's plan, its billing keys and its zone (Metadata "zone", else
//     Config.BillingZone), and assigned its plan's resources;
//   - subscription_renewed, payment_succeeded: nothing changes, except
//     that sending paused for payment resumes;
//   - plan_changed: the plan changes; an upgrade assigns the difference, a
//     downgrade holds the surplus for the client for 30 days and then
//     releases it;
//   - payment_failed with Final (the provider's last retry failed): the
//     client's sending pauses with reason payment_failed until a payment
//     succeeds; an earlier failure is logged only;
//   - subscription_cancelled: the client churns (its resources held 30
//     days, its scheduled touches cancelled).
//
// It reports whether this call applied the event.
func (s *Service) HandleBilling(ctx context.Context, e outbound.BillingEvent) (bool, error) {
	return s.accounts.handleBilling(ctx, e)
}

// HandleProvisioning records and applies a provisioning event once: the
// resource is found by the provider and the provider's ID for it. A domain
// ready or a LinkedIn account connected is provisioned (warming or
// available); a mailbox created is registered on its domain; a number
// released is retired; a LinkedIn account restricted or disconnected, or a
// mailbox disconnected, is paused (and its client's plan made whole from
// the pool) until the provider reports it connected again. It reports
// whether this call applied the event.
func (s *Service) HandleProvisioning(ctx context.Context, e outbound.ProvisioningEvent) (bool, error) {
	return s.accounts.handleProvisioning(ctx, e)
}

// DoNotContact adds an entry to the do-not-contact lists: a lead, an
// address (email or E.164 number) or a whole email domain, for one client
// or, with a zero Client, for every client; on one channel or (Channel
// "") on all. Reason defaults to ReasonDoNotContact and Since to now. It
// holds at once: planning skips the lead's steps on the channel, and a
// touch already planned is not sent. Lift it with the store's
// LiftSuppression. A bad entry is a *FieldError naming the field.
func (s *Service) DoNotContact(ctx context.Context, sp outbound.Suppression) error {
	sp.Address = strings.ToLower(strings.TrimSpace(sp.Address))
	sp.Domain = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(sp.Domain), "@"))
	if sp.Reason == "" {
		sp.Reason = outbound.ReasonDoNotContact
	}
	if sp.Since.IsZero() {
		sp.Since = s.clock.Now().UTC()
	}
	if err := s.applier.store.AddSuppression(ctx, &sp); err != nil {
		return fmt.Errorf("distribution: do not contact: %w", err)
	}
	s.shared.suppressionChanged(ctx, ChangeSuppressed, &sp)
	return nil
}
