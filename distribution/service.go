package distribution

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

// Service is the engine: it signs clients up, imports and enrolls leads,
// plans their touches, dispatches them through the channels, applies
// inbound events and runs the periodic jobs. Build one with New; it is safe
// for concurrent use.
type Service struct {
	cfg    Config
	store  storage.Store
	clock  timing.Clock
	log    *slog.Logger
	sched  *timing.Scheduler
	zones  *timing.ZoneResolver
	pool   poolOps
	rpool  *pool.Pool
	seq    sequence.Sequence
	policy sequence.Policy

	configured  channel.Set       // kinds with a channel
	zoneCountry map[string]string // IANA zone → its country, for the default zone
	locs        sync.Map          // zone name → *time.Location

	mu      sync.RWMutex
	clients map[outbound.ClientID]*clientState

	idMu sync.Mutex // Config.NewID is called under it

	planMu  sync.Mutex    // one Plan pass at a time
	planSig chan struct{} // wakes the planner of Run

	gateMu   sync.Mutex
	lastSend map[outbound.ResourceID]time.Time // last send per spaced resource: the send-time spacing gate

	cmu      sync.Mutex
	counters Counters

	healthMu sync.Mutex
	health   *healthCache

	washScanned atomic.Bool // a Daily read every lead for unwashed numbers
	washPending atomic.Bool // a wash failed: the next Daily reads every lead again
}

// clientState is what the Service keeps per client: its resources and the
// allocator over them.
type clientState struct {
	client outbound.Client
	loc    *time.Location
	alloc  *allocator.Allocator
	res    map[outbound.ResourceID]outbound.Resource // the assigned senders, as last loaded
	usable channel.Set                               // channels with a usable sender and a configured channel
}

// New builds a Service from cfg (defaults filled in first). It fails with
// the problems of Config.Validate.
func New(cfg Config) (*Service, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sched, err := timing.NewScheduler(timing.SchedulerConfig{Windows: cfg.Windows, Calendar: cfg.Calendar, Ceilings: cfg.Ceilings})
	if err != nil {
		return nil, fmt.Errorf("distribution: scheduler: %w", err)
	}
	zones, err := timing.NewZoneResolver()
	if err != nil {
		return nil, fmt.Errorf("distribution: zones: %w", err)
	}
	s := &Service{
		cfg:      cfg,
		store:    cfg.Store,
		clock:    cfg.Clock,
		log:      cfg.Logger,
		sched:    sched,
		zones:    zones,
		seq:      cfg.Sequence,
		policy:   cfg.Policy,
		clients:  make(map[outbound.ClientID]*clientState),
		planSig:  make(chan struct{}, 1),
		lastSend: make(map[outbound.ResourceID]time.Time),
		counters: Counters{
			Touches:   map[channel.Kind]map[outbound.TouchStatus]int{},
			Fallbacks: map[string]int{},
			Deferrals: map[string]int{},
			Events:    map[channel.EventType]int{},
			Capacity:  map[outbound.ResourceKind]CapacityUse{},
		},
	}
	for k, ch := range cfg.Channels {
		if ch != nil {
			s.configured = s.configured.With(k)
		}
	}
	s.zoneCountry = zoneCountries(zones)
	p, err := pool.New(pool.Config{
		Store:       cfg.Store,
		Provisioner: cfg.Provisioner,
		Alerter:     cfg.Alerter,
		Clock:       cfg.Clock,
		Plans:       cfg.Plans,
		Warmup:      cfg.Warmup,
		Health:      cfg.Health,
		NewID:       s.newID,
		Logger:      cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("distribution: pool: %w", err)
	}
	s.pool, s.rpool = poolAdapter{p}, p
	return s, nil
}

// Pool returns the resource pool the Service assigns from: a host stocks
// it, marks purchases provisioned and resumes paused domains through it.
func (s *Service) Pool() *pool.Pool { return s.rpool }

// zoneCountries maps each IANA zone of zone1970.tab to a country that
// uses it: the country whose principal zone it is, else the first in
// alphabetical order.
func zoneCountries(z *timing.ZoneResolver) map[string]string {
	out := map[string]string{}
	principal := map[string]bool{}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			cc := string([]rune{a, b})
			zs := z.CountryZones(cc)
			if len(zs) == 0 {
				continue
			}
			main, _ := z.CountryZone(cc)
			for _, name := range zs {
				if name == main && !principal[name] {
					out[name], principal[name] = cc, true
					continue
				}
				if _, ok := out[name]; !ok {
					out[name] = cc
				}
			}
		}
	}
	return out
}

// location loads an IANA zone through a cache.
func (s *Service) location(name string) (*time.Location, error) {
	if l, ok := s.locs.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := s.zones.Location(name)
	if err != nil {
		return nil, err
	}
	s.locs.Store(name, l)
	return l, nil
}

// recipient is where a lead's touches land, for timing.
func (s *Service) recipient(l *outbound.Lead) (timing.Recipient, error) {
	loc, err := s.location(l.Zone)
	if err != nil {
		return timing.Recipient{}, fmt.Errorf("distribution: lead %s zone: %w", l.ID, err)
	}
	country := l.Country
	if country == "" {
		country = s.zoneCountry[l.Zone]
	}
	return timing.Recipient{Location: loc, Country: country, Region: l.Region}, nil
}

// client returns the state of a client, loading it on first use.
func (s *Service) client(ctx context.Context, id outbound.ClientID) (*clientState, error) {
	s.mu.RLock()
	cs := s.clients[id]
	s.mu.RUnlock()
	if cs != nil {
		return cs, nil
	}
	return s.refresh(ctx, id)
}

// senderKinds are the resource kinds that send.
var senderKinds = [...]outbound.ResourceKind{outbound.KindMailbox, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender}

// refresh loads a client and its resources from the store and brings its
// allocator up to date: new resources join, gone ones leave, pauses follow
// the resources' (and their domains') Paused flags.
func (s *Service) refresh(ctx context.Context, id outbound.ClientID) (*clientState, error) {
	c, err := s.store.GetClient(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("distribution: client %s: %w", id, err)
	}
	loc, err := s.location(c.DefaultZone)
	if err != nil {
		return nil, fmt.Errorf("distribution: client %s default zone: %w", id, err)
	}
	all, err := s.store.ListResources(ctx, storage.ResourceFilter{Client: id, State: outbound.StateAssigned})
	if err != nil {
		return nil, fmt.Errorf("distribution: resources of client %s: %w", id, err)
	}
	domains := map[outbound.ResourceID]outbound.Resource{}
	for _, r := range all {
		if r.Kind == outbound.KindDomain {
			domains[r.ID] = r
		}
	}
	res := map[outbound.ResourceID]outbound.Resource{}
	for _, r := range all {
		if slices.Contains(senderKinds[:], r.Kind) {
			if d, ok := domains[r.Parent]; ok {
				r.Paused = r.Paused || d.Paused
				if r.PurchasedAt.IsZero() || d.PurchasedAt.Before(r.PurchasedAt) {
					r.PurchasedAt = d.PurchasedAt // warmup counts from the domain's purchase
				}
			}
			res[r.ID] = r
		}
	}
	if c.State == outbound.ClientChurned {
		res = map[outbound.ResourceID]outbound.Resource{}
	}

	// The state is a snapshot: readers hold the one they got, a refresh
	// replaces it (sharing the allocator, which is safe for concurrent use).
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.clients[id]
	cs := &clientState{client: *c, loc: loc, res: res}
	fresh := old == nil || old.loc != loc
	if fresh {
		a, err := allocator.New(s.allocConfig(), nil)
		if err != nil {
			return nil, fmt.Errorf("distribution: allocator: %w", err)
		}
		cs.alloc = a
		old = &clientState{res: map[outbound.ResourceID]outbound.Resource{}}
	} else {
		cs.alloc = old.alloc
	}
	for rid := range old.res {
		if _, ok := res[rid]; !ok {
			if err := cs.alloc.Remove(rid); err != nil && !errors.Is(err, allocator.ErrUnknownResource) {
				return nil, err
			}
		}
	}
	ids := make([]outbound.ResourceID, 0, len(res))
	for rid := range res {
		ids = append(ids, rid)
	}
	slices.SortFunc(ids, func(a, b outbound.ResourceID) int { return cmpUUID(a.UUID, b.UUID) })
	for _, rid := range ids {
		r := res[rid]
		prev, had := old.res[rid]
		switch {
		case !had:
			err = cs.alloc.Add(allocator.Resource{ID: r.ID, Kind: r.Kind, Location: loc, PurchasedAt: r.PurchasedAt, Paused: r.Paused})
		case prev.Paused != r.Paused:
			err = cs.alloc.SetPaused(r.ID, r.Paused)
		}
		if err != nil {
			return nil, fmt.Errorf("distribution: resource %s: %w", r.ID, err)
		}
	}
	for _, r := range res {
		if r.Paused {
			continue
		}
		for _, k := range channel.Kinds() {
			if outbound.SenderKind(k) == r.Kind && s.configured.Has(k) {
				cs.usable = cs.usable.With(k)
			}
		}
	}
	if fresh {
		if err := s.recordSpacing(ctx, cs); err != nil {
			s.log.WarnContext(ctx, "spacing history not loaded", "client", id.String(), "err", err)
		}
	}
	s.clients[id] = cs
	return cs, nil
}

// allocConfig is the allocator configuration every client's allocator
// shares: the configured caps, the store's bookings as the counter and the
// warmup curve as the mailbox limiter.
func (s *Service) allocConfig() allocator.Config {
	c := s.cfg.Caps
	c.Counter = s.store
	w := s.cfg.Warmup
	c.Limiter = allocator.DailyLimitFunc(func(r allocator.Resource, day timing.Date) int {
		if r.PurchasedAt.IsZero() {
			return w.DailyLimit(warmupMatureAge, warmup.Health{})
		}
		return w.DailyLimit(int(day-timing.DateIn(r.PurchasedAt, r.Location)), warmup.Health{})
	})
	return c
}

// warmupMatureAge is the age assumed for a mailbox with no purchase date.
const warmupMatureAge = 10000

// recordSpacing loads the client's booked sends into a new allocator's
// spacing history, so that a restarted process keeps mailboxes apart: the
// touches still to go, and those sent in the last hour (two reads that
// stay small however long the client's history grows).
func (s *Service) recordSpacing(ctx context.Context, cs *clientState) error {
	now := s.clock.Now()
	pending, err := s.store.ListTouches(ctx, storage.TouchFilter{Client: cs.client.ID,
		Statuses: []outbound.TouchStatus{outbound.TouchScheduled, outbound.TouchSending}})
	if err != nil {
		return err
	}
	recent, err := s.store.ListTouches(ctx, storage.TouchFilter{Client: cs.client.ID,
		Statuses: []outbound.TouchStatus{outbound.TouchSent, outbound.TouchDelivered}, SentFrom: now.Add(-time.Hour)})
	if err != nil {
		return err
	}
	record := func(t *outbound.Touch, at time.Time) error {
		if t.Resource.IsZero() {
			return nil
		}
		err := cs.alloc.Record(allocator.Pick{Resource: t.Resource, Action: t.Action, Day: t.Day, At: at})
		if errors.Is(err, allocator.ErrUnknownResource) {
			return nil
		}
		return err
	}
	for i := range pending {
		if err := record(&pending[i], pending[i].ScheduledAt); err != nil {
			return err
		}
	}
	for i := range recent {
		if err := record(&recent[i], recent[i].SentAt); err != nil {
			return err
		}
	}
	return nil
}

// Counters returns a snapshot of the running totals.
func (s *Service) Counters() Counters {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	return s.counters.clone()
}

// countTouch moves one touch from one status to another in the counters
// (from "" for a new touch).
func (s *Service) countTouch(k channel.Kind, from, to outbound.TouchStatus) {
	if from == to {
		return
	}
	s.cmu.Lock()
	defer s.cmu.Unlock()
	m := s.counters.Touches[k]
	if m == nil {
		m = map[outbound.TouchStatus]int{}
		s.counters.Touches[k] = m
	}
	if from != "" && m[from] > 0 {
		m[from]--
	}
	m[to]++
}

func (s *Service) countFallback(reason string) {
	s.cmu.Lock()
	s.counters.Fallbacks[reason]++
	s.cmu.Unlock()
}

func (s *Service) countDeferral(reason string) {
	s.cmu.Lock()
	s.counters.Deferrals[reason]++
	s.cmu.Unlock()
}

func (s *Service) countUsed(kind outbound.ResourceKind, delta int) {
	s.cmu.Lock()
	u := s.counters.Capacity[kind]
	u.Used += delta
	s.counters.Capacity[kind] = u
	s.cmu.Unlock()
}

// touchKind is the channel a touch counts under: the one used, or the
// step's for a skipped touch.
func touchKind(t *outbound.Touch) channel.Kind {
	if t.Channel != "" {
		return t.Channel
	}
	return t.StepChannel
}

// signalPlan wakes Run's planner.
func (s *Service) signalPlan() {
	select {
	case s.planSig <- struct{}{}:
	default:
	}
}

// Compile-time list of the Service methods the simulator relies on.
var _ interface {
	Signup(ctx context.Context, in SignupInput) (*outbound.Client, error)
	Churn(ctx context.Context, client outbound.ClientID) error
	CreateCampaign(ctx context.Context, client outbound.ClientID, name string) (*outbound.Campaign, error)
	ImportLeads(ctx context.Context, campaign outbound.CampaignID, leads []LeadInput) (ImportResult, error)
	Plan(ctx context.Context) (int, error)
	Dispatch(ctx context.Context, worker string) (int, error)
	HandleEvent(ctx context.Context, e channel.Event) (bool, error)
	Daily(ctx context.Context) error
	Schedule(ctx context.Context, lead outbound.LeadID) ([]outbound.Touch, error)
	Counters() Counters
	BillingPeriod(ctx context.Context, client outbound.ClientID, at time.Time) (start, end time.Time, err error)
	Run(ctx context.Context) error
	NextDue(ctx context.Context) (time.Time, bool, error)
} = (*Service)(nil)
