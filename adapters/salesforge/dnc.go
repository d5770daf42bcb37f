package salesforge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// MaxDNCBatch is the most entries one POST dnc/bulk takes.
const MaxDNCBatch = 1000

// DNCEntry normalises a do-not-contact entry: an email address or a whole
// domain, trimmed and in lower case ("@acme.com" is read as the domain).
// It returns an error naming the entry when it is neither.
func DNCEntry(s string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.TrimPrefix(v, "@")
	local, domain, isEmail := strings.Cut(v, "@")
	if !isEmail {
		domain = v
	}
	ok := domain != "" && strings.Contains(domain, ".") && !strings.ContainsAny(v, " \t\r\n,;<>\"()[]\\") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.Contains(domain, "@") &&
		(!isEmail || local != "") && len(v) <= 320
	if !ok {
		return "", invalid.Field("salesforge", "", "dnc", s, "not an email address or a domain")
	}
	return v, nil
}

// AddDNC puts entries (email addresses and whole domains) on the
// workspace's do-not-contact list: POST /workspaces/{wid}/dnc/bulk
// {"dncs": [...]}, at most [MaxDNCBatch] a call, as many calls as needed.
// Entries are normalised with [DNCEntry] and deduplicated first; a bad one
// fails the whole call, before any request, with a permanent error naming
// it. When a call fails, the batches before it stay added (adding an entry
// again is harmless) and the error says how many entries went.
func (c *Client) AddDNC(ctx context.Context, workspaceID string, entries []string) error {
	if err := required("workspaceID", workspaceID); err != nil {
		return err
	}
	seen := make(map[string]bool, len(entries))
	list := make([]string, 0, len(entries))
	for _, s := range entries {
		v, err := DNCEntry(s)
		if err != nil {
			return channel.Permanent(err)
		}
		if !seen[v] {
			seen[v] = true
			list = append(list, v)
		}
	}
	path := "/workspaces/" + seg(workspaceID) + "/dnc/bulk"
	for done := 0; done < len(list); {
		n := min(len(list)-done, MaxDNCBatch)
		body := struct {
			DNCs []string `json:"dncs"`
		}{list[done : done+n]}
		if err := c.do(ctx, request{method: http.MethodPost, path: path, body: body}, nil); err != nil {
			if done > 0 {
				return fmt.Errorf("salesforge: %d of %d DNC entries added: %w", done, len(list), err)
			}
			return err
		}
		done += n
	}
	return nil
}

// DNCConfig configures a [DNCPusher].
type DNCConfig struct {
	// Client calls Salesforge. Required.
	Client *Client
	// WorkspaceID is the workspace whose DNC list entries go to. Required.
	WorkspaceID string
	// Clock waits between tries. Default timing.RealClock().
	Clock timing.Clock
	// Queue is how many entries wait at most; past it, Push drops entries
	// (and logs how many). Default 10,000.
	Queue int
	// Retry is the backoff between tries of a failed call: exponential
	// from Initial (default 1 s) to Max (default 5 min), or Salesforge's
	// Retry-After when longer, for at most MaxTries (default 8) tries.
	Retry DNCRetry
	// Logger hears of each batch that fails and each entry dropped: counts,
	// the error class and status, never the entries. Default: discards.
	Logger *slog.Logger
}

// DNCRetry is the backoff of a [DNCPusher].
type DNCRetry struct {
	Initial, Max time.Duration
	MaxTries     int
}

// DNCPusher pushes do-not-contact entries to Salesforge in the background:
// [DNCPusher.Push] queues and returns at once, [DNCPusher.Run] sends what
// is queued in batches of up to [MaxDNCBatch], trying a failed batch again
// with backoff. A batch Salesforge refuses for good (a 4xx other than 408
// and 429), or one still failing after the last try, is logged and
// dropped. It is safe for concurrent use.
type DNCPusher struct {
	cfg   DNCConfig
	queue chan string
	log   *slog.Logger
}

// NewDNCPusher checks cfg and returns the pusher, or a *invalid.FieldError.
func NewDNCPusher(cfg DNCConfig) (*DNCPusher, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("salesforge", "DNCConfig", field, v, reason)
	}
	switch {
	case cfg.Client == nil:
		return nil, bad("Client", nil, "required")
	case strings.TrimSpace(cfg.WorkspaceID) == "":
		return nil, bad("WorkspaceID", cfg.WorkspaceID, "required")
	case cfg.Queue < 0:
		return nil, bad("Queue", cfg.Queue, "must not be negative")
	case cfg.Retry.Initial < 0 || cfg.Retry.Max < 0 || cfg.Retry.MaxTries < 0:
		return nil, bad("Retry", fmt.Sprintf("%+v", cfg.Retry), "must not be negative")
	}
	if cfg.Clock == nil {
		cfg.Clock = timing.RealClock()
	}
	if cfg.Queue == 0 {
		cfg.Queue = 10_000
	}
	if cfg.Retry.Initial == 0 {
		cfg.Retry.Initial = time.Second
	}
	if cfg.Retry.Max == 0 {
		cfg.Retry.Max = 5 * time.Minute
	}
	if cfg.Retry.MaxTries == 0 {
		cfg.Retry.MaxTries = 8
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &DNCPusher{cfg: cfg, queue: make(chan string, cfg.Queue), log: log.With(slog.String("provider", cfg.Client.cfg.Provider))}, nil
}

// Push queues entries (email addresses or domains) and returns at once. An
// entry that is neither is dropped and logged; so are entries past a full
// queue. It reports how many were queued.
func (p *DNCPusher) Push(entries ...string) int {
	n, bad, full := 0, 0, 0
	for _, s := range entries {
		v, err := DNCEntry(s)
		if err != nil {
			bad++
			continue
		}
		select {
		case p.queue <- v:
			n++
		default:
			full++
		}
	}
	if bad > 0 || full > 0 {
		p.log.Error("salesforge DNC entries dropped", "invalid", bad, "queue_full", full)
	}
	return n
}

// PushSuppression queues what s suppresses, when Salesforge can hold it:
// its address when it is an email address, or its domain. A suppression
// by lead only, of another channel than email, or lifted, queues nothing.
// It reports whether it queued an entry.
func (p *DNCPusher) PushSuppression(s *outbound.Suppression) bool {
	if s == nil || !s.Active() || (s.Channel != "" && s.Channel != channel.Email) {
		return false
	}
	switch {
	case strings.Contains(s.Address, "@"):
		return p.Push(s.Address) == 1
	case s.Domain != "":
		return p.Push(s.Domain) == 1
	}
	return false
}

// Run sends the queued entries until ctx ends, then returns ctx's error.
// Entries still queued then stay queued for a later Run.
func (p *DNCPusher) Run(ctx context.Context) error {
	for {
		var first string
		select {
		case <-ctx.Done():
			return ctx.Err()
		case first = <-p.queue:
		}
		batch := append(make([]string, 0, 64), first)
	drain:
		for len(batch) < MaxDNCBatch {
			select {
			case v := <-p.queue:
				batch = append(batch, v)
			default:
				break drain
			}
		}
		if err := p.send(ctx, batch); err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// Flush sends every entry queued now, with the same retries as Run, and
// returns the first batch's error that was not sent.
func (p *DNCPusher) Flush(ctx context.Context) error {
	var errs []error
	for {
		var batch []string
	drain:
		for len(batch) < MaxDNCBatch {
			select {
			case v := <-p.queue:
				batch = append(batch, v)
			default:
				break drain
			}
		}
		if len(batch) == 0 {
			return errors.Join(errs...)
		}
		if err := p.send(ctx, batch); err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				return errors.Join(errs...)
			}
		}
	}
}

// send posts one batch, trying again after a retryable failure.
func (p *DNCPusher) send(ctx context.Context, batch []string) error {
	b := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(p.cfg.Retry.Initial),
		backoff.WithMaxInterval(p.cfg.Retry.Max),
		backoff.WithMaxElapsedTime(0),
		backoff.WithClockProvider(p.cfg.Clock),
	)
	for try := 1; ; try++ {
		err := p.cfg.Client.AddDNC(ctx, p.cfg.WorkspaceID, batch)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		class := channel.Classify(err)
		status := ""
		var ae *APIError
		if errors.As(err, &ae) {
			status = strconv.Itoa(ae.Status)
		}
		if class.Permanent() || try >= p.cfg.Retry.MaxTries {
			p.log.ErrorContext(ctx, "salesforge DNC batch dropped", "entries", len(batch), "tries", try, "class", class.String(), "status", status)
			return err
		}
		wait := b.NextBackOff()
		if after, ok := channel.RetryAfter(err); ok && after > wait {
			wait = after
		}
		p.log.WarnContext(ctx, "salesforge DNC batch failed; trying again", "entries", len(batch), "try", try, "wait", wait, "class", class.String(), "status", status)
		if serr := p.cfg.Clock.Sleep(ctx, wait); serr != nil {
			return err
		}
	}
}

// DNCHook returns the engine hook (distribution.Config.Hook) that pushes
// every suppression the engine records to Salesforge's DNC list through p:
// opt-outs, hard bounces, complaints and the host's own do-not-contact
// entries, once stored. The push is queued, never waited for; see
// [DNCPusher.PushSuppression] for what cannot go. A lifted suppression
// stays on Salesforge's list (its API takes entries off only by hand).
// Chain it with the host's own hook where there is one.
func DNCHook(p *DNCPusher) distribution.Hook {
	return distribution.HookFunc(func(_ context.Context, c distribution.Change) {
		if c.Kind == distribution.ChangeSuppressed && c.Suppression != nil {
			p.PushSuppression(c.Suppression)
		}
	})
}
