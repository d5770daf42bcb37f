package distribution

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
)

// senders finds the adapter each touch goes through: the one whose kind
// and provider match the touch's channel and its resource's provider, else
// the kind's catch-all (an adapter that names no provider). Each adapter's
// rate limit is shared by the process's workers.
type senders struct {
	named map[senderKey]*sender
	any   map[channel.Kind]*sender
	kinds channel.Set // kinds with at least one adapter
}

type senderKey struct {
	kind     channel.Kind
	provider string
}

// sender is one adapter with what it declared of itself and its limiter.
type sender struct {
	ch   channel.Channel
	info channel.Info
	lim  *rate.Limiter // nil: no limit

	mu          sync.Mutex
	pausedUntil time.Time // the provider asked to wait until then (a 429's Retry-After)
}

func newSenders(chs []channel.Channel) *senders {
	ss := &senders{named: map[senderKey]*sender{}, any: map[channel.Kind]*sender{}}
	for _, ch := range chs {
		in := channel.Describe(ch)
		sd := &sender{ch: ch, info: in}
		if in.Rate > 0 {
			sd.lim = rate.NewLimiter(in.Rate, in.Burst)
		}
		if in.Provider == "" {
			ss.any[ch.Kind()] = sd
		} else {
			ss.named[senderKey{ch.Kind(), in.Provider}] = sd
		}
		ss.kinds = ss.kinds.With(ch.Kind())
	}
	return ss
}

// forProvider returns the adapter that sends on k for a resource of
// provider, or nil.
func (ss *senders) forProvider(k channel.Kind, provider string) *sender {
	if sd := ss.named[senderKey{k, provider}]; sd != nil {
		return sd
	}
	return ss.any[k]
}

// channelsOf returns the channels a resource can send on: those of its
// kind with an adapter for its provider.
func (ss *senders) channelsOf(r *outbound.Resource) channel.Set {
	var set channel.Set
	for _, k := range channel.Kinds() {
		if outbound.SenderKind(k) == r.Kind && ss.forProvider(k, r.Provider) != nil {
			set = set.With(k)
		}
	}
	return set
}

// sentThrough is the provider a sent touch records: the one its receipt
// names (the name the provider's events carry), else the adapter's
// account.
func sentThrough(sd *sender, rc channel.Receipt) string {
	if rc.Provider != "" {
		return rc.Provider
	}
	return sd.info.Provider
}

// atMostOnce reports whether touches through the adapter are marked
// sending first and never sent again blindly.
func (sd *sender) atMostOnce() bool { return sd.info.Delivery == channel.AtMostOnce }

// maxRateWait is the longest a worker sleeps for its adapter's rate limit
// before a Send; a longer wait moves the touch instead, so that a worker
// never sits on its claim's leases.
const maxRateWait = time.Second

// admit takes one Send through the adapter at now. It returns how long to
// sleep before sending (zero: at once), or, when the provider asked to
// wait (a 429's Retry-After) or the rate would hold the worker longer than
// maxRateWait, the instant from which to try again (then nothing is
// taken).
func (sd *sender) admit(now time.Time) (sleep time.Duration, retryAt time.Time) {
	sd.mu.Lock()
	until := sd.pausedUntil
	sd.mu.Unlock()
	if now.Before(until) {
		return 0, until
	}
	if sd.lim == nil {
		return 0, time.Time{}
	}
	r := sd.lim.ReserveN(now, 1)
	if !r.OK() {
		return 0, time.Time{}
	}
	d := r.DelayFrom(now)
	if d > maxRateWait {
		r.CancelAt(now)
		return 0, now.Add(d)
	}
	return d, time.Time{}
}

// pause holds every Send through the adapter until at: the provider said
// it is rate limited and named when to come back.
func (sd *sender) pause(at time.Time) {
	sd.mu.Lock()
	if at.After(sd.pausedUntil) {
		sd.pausedUntil = at
	}
	sd.mu.Unlock()
}
