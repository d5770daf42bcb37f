package allocator

import (
	"fmt"
	"math"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// Unlimited, as a cap or a ceiling, means there is none.
const Unlimited = -1

// NoSpacing, as a [Cap]'s Spacing or Jitter, turns it off.
const NoSpacing time.Duration = -1

// The default caps of docs/architecture.md ("Defaults").
const (
	DefaultMailboxDaily         = 30              // cold sends a mailbox makes a day when no DailyLimiter is set
	DefaultMailboxCeiling       = 50              // hard ceiling on any mailbox's daily figure
	DefaultMailboxSpacing       = 3 * time.Minute // least time between two sends from one mailbox
	DefaultMailboxJitter        = 2 * time.Minute // most deterministic jitter added to the spacing
	DefaultCallDaily            = 60              // calls a phone number makes a day
	DefaultSMSDaily             = 100             // texts a phone number sends a day
	DefaultConnectionDaily      = 20              // connection requests a LinkedIn seat sends a day
	DefaultConnectionWeekly     = 80              // ... and in any 7 consecutive days
	DefaultLinkedInMessageDaily = 100             // messages a LinkedIn seat sends a day
)

// Cap is what one resource may do of one action. A zero field takes the
// action's default (see [Config]); [Unlimited] (for counts) and [NoSpacing]
// (for durations) switch the rule off. Caps count on the resource's own
// calendar day, in its client's timezone.
type Cap struct {
	// Daily is the most sends on one local day. For a mailbox's email it is
	// the figure used when Config.Limiter is nil; a limiter's figure
	// replaces it. Default: the action's default; Unlimited for none.
	Daily int
	// Weekly is the most sends in any 7 consecutive local days (a rolling
	// window). Default: the action's default (80 for connection requests,
	// none otherwise); Unlimited for none.
	Weekly int
	// Spacing is the least time between two sends of this action from one
	// resource. Default: 3 minutes for email, none otherwise; NoSpacing for
	// none.
	Spacing time.Duration
	// Jitter is the most extra time added to Spacing after each send. The
	// amount is drawn deterministically from the resource and the instant of
	// the earlier send, so one mailbox does not tick like a metronome and a
	// rerun gives the same plan. Default: 2 minutes for email, none
	// otherwise; NoSpacing for none.
	Jitter time.Duration
}

// DailyLimiter gives a mailbox's daily cold-send limit on one of its local
// days: the warmup curve. The engine wires warmup's curve in. The allocator
// asks once per mailbox for each day it picks on (and caches the answer),
// and for each day it scans when looking for the next opening; it clamps
// the answer to Config.MailboxCeiling. A negative answer means no limit of its own (the
// ceiling still applies). Implementations must be safe for concurrent use
// if several allocators share one.
type DailyLimiter interface {
	DailyLimit(r Resource, day timing.Date) int
}

// DailyLimitFunc adapts a function to [DailyLimiter].
type DailyLimitFunc func(r Resource, day timing.Date) int

// DailyLimit calls f.
func (f DailyLimitFunc) DailyLimit(r Resource, day timing.Date) int { return f(r, day) }

// Config holds the caps per action and the seams. The zero value is the
// defaults of docs/architecture.md; [Config.WithDefaults] fills them in.
type Config struct {
	// Email caps a mailbox. Default: Daily 30 (used when Limiter is nil),
	// no weekly cap, Spacing 3 minutes, Jitter 2 minutes.
	Email Cap
	// MailboxCeiling is the hard ceiling on a mailbox's daily figure,
	// whatever Email.Daily or the Limiter says. Default: 50; Unlimited for
	// none.
	MailboxCeiling int
	// Call caps a phone number's calls. Default: Daily 60, nothing else.
	// Calls and texts count separately.
	Call Cap
	// SMS caps a phone number's texts. Default: Daily 100, nothing else.
	SMS Cap
	// ConnectionRequest caps a LinkedIn seat's connection requests.
	// Default: Daily 20, Weekly 80 (rolling 7 days), no spacing.
	ConnectionRequest Cap
	// LinkedInMessage caps a LinkedIn seat's messages. Default: Daily 100,
	// nothing else.
	LinkedInMessage Cap
	// Letter caps the direct-mail sender: its letters and postcards
	// together. Default: unlimited, no spacing.
	Letter Cap
	// Limiter gives a mailbox's daily limit per day (the warmup curve).
	// Default: nil, meaning Email.Daily every day.
	Limiter DailyLimiter
	// Counter counts reservations per resource, action and day, and is the
	// source of truth for every cap. Allocators that share resources (say,
	// two campaigns of one client) must share one Counter. Default: a new
	// [MemoryCounter] private to the allocator.
	Counter Counter
}

// defaultCap returns the docs/architecture.md default for an action.
func defaultCap(a channel.Action) Cap {
	c := Cap{Daily: Unlimited, Weekly: Unlimited, Spacing: NoSpacing, Jitter: NoSpacing}
	switch a {
	case channel.ActionEmail:
		c.Daily, c.Spacing, c.Jitter = DefaultMailboxDaily, DefaultMailboxSpacing, DefaultMailboxJitter
	case channel.ActionCall:
		c.Daily = DefaultCallDaily
	case channel.ActionSMS:
		c.Daily = DefaultSMSDaily
	case channel.ActionConnectionRequest:
		c.Daily, c.Weekly = DefaultConnectionDaily, DefaultConnectionWeekly
	case channel.ActionLinkedInMessage:
		c.Daily = DefaultLinkedInMessageDaily
	}
	return c
}

func (c Cap) withDefaults(def Cap) Cap {
	if c.Daily == 0 {
		c.Daily = def.Daily
	}
	if c.Weekly == 0 {
		c.Weekly = def.Weekly
	}
	if c.Spacing == 0 {
		c.Spacing = def.Spacing
	}
	if c.Jitter == 0 {
		c.Jitter = def.Jitter
	}
	return c
}

// cap returns a pointer to the Cap for an action, or nil.
func (c *Config) cap(a channel.Action) *Cap {
	switch a {
	case channel.ActionEmail:
		return &c.Email
	case channel.ActionCall:
		return &c.Call
	case channel.ActionSMS:
		return &c.SMS
	case channel.ActionConnectionRequest:
		return &c.ConnectionRequest
	case channel.ActionLinkedInMessage:
		return &c.LinkedInMessage
	case channel.ActionLetter, channel.ActionPostcard:
		return &c.Letter
	}
	return nil
}

// Cap returns the cap for an action after defaults, and false for an
// action the allocator does not know.
func (c Config) Cap(a channel.Action) (Cap, bool) {
	d := c.WithDefaults()
	p := d.cap(a)
	if p == nil {
		return Cap{}, false
	}
	return *p, true
}

// WithDefaults returns a copy of c with every zero field set to its default.
// It leaves Counter nil (New creates a private MemoryCounter).
func (c Config) WithDefaults() Config {
	for m := range numMeters {
		a := meterAction(m)
		p := c.cap(a)
		*p = p.withDefaults(defaultCap(a))
	}
	if c.MailboxCeiling == 0 {
		c.MailboxCeiling = DefaultMailboxCeiling
	}
	return c
}

// Validate reports the first field with a bad value, as a *[FieldError]
// (Record "Config").
// It checks the config as given, after defaults are filled in.
func (c Config) Validate() error {
	d := c.WithDefaults()
	for m := range numMeters {
		a := meterAction(m)
		p := d.cap(a)
		name := capName(a)
		if p.Daily < Unlimited || p.Daily > math.MaxInt32 {
			return fieldErr("Config", name+".Daily", p.Daily, "want a count ≥ 1, 0 for the default or -1 (Unlimited)")
		}
		if p.Weekly < Unlimited || p.Weekly > math.MaxInt32 {
			return fieldErr("Config", name+".Weekly", p.Weekly, "want a count ≥ 1, 0 for the default or -1 (Unlimited)")
		}
		if p.Spacing < NoSpacing {
			return fieldErr("Config", name+".Spacing", p.Spacing, "want a duration > 0, 0 for the default or -1 (NoSpacing)")
		}
		if p.Jitter < NoSpacing {
			return fieldErr("Config", name+".Jitter", p.Jitter, "want a duration > 0, 0 for the default or -1 (NoSpacing)")
		}
	}
	if d.MailboxCeiling < Unlimited || d.MailboxCeiling > math.MaxInt32 {
		return fieldErr("Config", "MailboxCeiling", d.MailboxCeiling, "want a count ≥ 1, 0 for the default or -1 (Unlimited)")
	}
	if d.MailboxCeiling >= 0 && d.Email.Daily > d.MailboxCeiling {
		return fieldErr("Config", "Email.Daily", d.Email.Daily, fmt.Sprintf("above MailboxCeiling %d", d.MailboxCeiling))
	}
	return nil
}

func capName(a channel.Action) string {
	switch a {
	case channel.ActionEmail:
		return "Email"
	case channel.ActionCall:
		return "Call"
	case channel.ActionSMS:
		return "SMS"
	case channel.ActionConnectionRequest:
		return "ConnectionRequest"
	case channel.ActionLinkedInMessage:
		return "LinkedInMessage"
	case channel.ActionLetter, channel.ActionPostcard:
		return "Letter"
	}
	return string(a)
}
