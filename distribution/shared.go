package distribution

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// shared is what every job of the engine shares: the configuration, the
// clock and logger, the timing engines, the pictures of the clients (their
// resources and allocators, reloaded when they change), the running
// counters and the ID source.
type shared struct {
	cfg    Config
	store  clientStore // what the clients' pictures read, and the bookings the allocators count on
	clock  timing.Clock
	log    *slog.Logger
	sched  *timing.Scheduler
	zones  *timing.ZoneResolver
	pool   poolOps
	seq    sequence.Sequence
	policy sequence.Policy

	senders     *senders          // the adapters, by kind and provider
	zoneCountry map[string]string // IANA zone → its country, for the default zone
	locs        sync.Map          // zone name → *time.Location
	phones      sync.Map          // E.164 number → phonePlace

	mu      sync.RWMutex
	clients map[outbound.ClientID]*clientState

	idMu sync.Mutex // Config.Test.NewID is called under it

	planSig chan struct{} // wakes the planner of Run

	tally *tally // the counters, in all and per client

	washScanned atomic.Bool // a Daily read every lead for unwashed numbers
	washPending atomic.Bool // a wash failed (here or at an import): the next Daily reads every lead again
}

// clientStore is what the clients' pictures read, and the bookings their
// allocators count capacity on.
type clientStore interface {
	storage.Clients
	storage.Resources
	storage.Touches
	storage.Bookings
}

// newShared builds what the jobs share from a defaulted, valid cfg.
func newShared(cfg Config) (*shared, error) {
	sched, err := timing.NewScheduler(timing.SchedulerConfig{Windows: cfg.Windows, Calendar: cfg.Calendar, Ceilings: cfg.Ceilings})
	if err != nil {
		return nil, fmt.Errorf("distribution: scheduler: %w", err)
	}
	zones, err := timing.NewZoneResolver()
	if err != nil {
		return nil, fmt.Errorf("distribution: zones: %w", err)
	}
	s := &shared{
		cfg:     cfg,
		store:   cfg.Store,
		clock:   cfg.Clock,
		log:     cfg.Logger,
		sched:   sched,
		zones:   zones,
		seq:     cfg.Sequence,
		policy:  cfg.Policy,
		clients: make(map[outbound.ClientID]*clientState),
		planSig: make(chan struct{}, 1),
		tally:   newTally(),
	}
	s.senders = newSenders(cfg.Channels)
	s.zoneCountry = zoneCountries(zones)
	return s, nil
}

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
func (s *shared) location(name string) (*time.Location, error) {
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
func (s *shared) recipient(l *outbound.Lead) (timing.Recipient, error) {
	loc, err := s.location(l.Zone)
	if err != nil {
		return timing.Recipient{}, fmt.Errorf("distribution: lead %s zone: %w", l.ID, err)
	}
	country := l.Country
	if country == "" {
		country = s.zoneCountry[l.Zone]
	}
	rec := timing.Recipient{Location: loc, Country: country, Region: l.Region}
	if strings.HasPrefix(l.Phone, "+1") {
		// Only North American numbers place their owner apart from the
		// lead (an area code has a zone; the number may be another
		// state's): elsewhere the called-party hours hold in the lead's
		// zone, where they already apply.
		pz := s.phoneZone(l.Phone)
		rec.PhoneLocation, rec.PhoneCountry = pz.loc, pz.country
	}
	return rec, nil
}

// phonePlace is where a number places the person called: its country, and
// the zone its prefix or NANP area code gives (nil when none does).
type phonePlace struct {
	loc     *time.Location
	country string
}

// phoneZone answers phonePlace for a number, through a cache: the legal
// calling hours hold in the number's zone as well as in the lead's (a New
// York lead on a Los Angeles number is not called at 08:30 New York
// time).
func (s *shared) phoneZone(e164 string) phonePlace {
	if v, ok := s.phones.Load(e164); ok {
		return v.(phonePlace)
	}
	var pp phonePlace
	if n, err := phone.Parse(e164, ""); err == nil {
		pp.country = n.Country
	}
	if z, ok := s.zones.PhoneZone(e164); ok {
		if loc, err := s.location(z); err == nil {
			pp.loc = loc
		}
	}
	s.phones.Store(e164, pp)
	return pp
}

// signalPlan wakes Run's planner.
func (s *shared) signalPlan() {
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
	Book(ctx context.Context) (int, error)
	Dispatch(ctx context.Context, worker string) (int, error)
	HandleEvent(ctx context.Context, e channel.Event) (bool, error)
	Daily(ctx context.Context) error
	Schedule(ctx context.Context, lead outbound.LeadID) ([]outbound.Touch, error)
	Counters() Counters
	BillingPeriod(ctx context.Context, client outbound.ClientID, at time.Time) (start, end time.Time, err error)
	Run(ctx context.Context) error
	NextDue(ctx context.Context) (time.Time, bool, error)
} = (*Service)(nil)
