package donotcall

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// ByCountryConfig configures a [ByCountry].
type ByCountryConfig struct {
	// Registers maps a country to the register that washes its numbers.
	// A key is the region code [phone.Parse] gives a number: an ISO
	// 3166-1 alpha-2 code in upper case ("AU", "US", "GB", never "UK"), or
	// "001" for the non-geographic global numbers. Every +1 number has
	// the region of its area code: "US", "CA", or one of the territories
	// and Caribbean countries that share the plan ("PR", "GU", "VI",
	// "JM", …); each is routed only if it is a key. At least one register
	// is not required: with none, every number is not_applicable.
	Registers map[string]Register
	// Clock stamps not_applicable results. Required.
	Clock timing.Clock
	// Logger, if set, receives one warning for each country seen with no
	// register. Default nil: no log; [ByCountry.Unconfigured] reports
	// them either way.
	Logger *slog.Logger
}

// ByCountry is a [Register] that sends each number to the register
// configured for its country and answers not_applicable for a number of
// a country with none. It is safe for concurrent use if its registers
// are.
type ByCountry struct {
	regs  map[string]Register
	clock timing.Clock
	log   *slog.Logger

	mu           sync.Mutex
	unconfigured map[string]bool // countries seen with no register
}

// NewByCountry checks cfg and returns its register. A bad field is a
// *[invalid.FieldError] naming it.
func NewByCountry(cfg ByCountryConfig) (*ByCountry, error) {
	if cfg.Clock == nil {
		return nil, invalid.Field("donotcall", "ByCountryConfig", "Clock", nil, "is required")
	}
	for _, c := range slices.Sorted(maps.Keys(cfg.Registers)) {
		field := fmt.Sprintf("Registers[%q]", c)
		if !isRegion(c) {
			return nil, invalid.Field("donotcall", "ByCountryConfig", field, c,
				`must be a region code as phone.Parse gives it: an ISO 3166-1 alpha-2 code in upper case ("GB", not "UK"), or "001"`)
		}
		if cfg.Registers[c] == nil {
			return nil, invalid.Field("donotcall", "ByCountryConfig", field, nil, "is nil")
		}
	}
	return &ByCountry{
		regs:         maps.Clone(cfg.Registers),
		clock:        cfg.Clock,
		log:          cfg.Logger,
		unconfigured: map[string]bool{},
	}, nil
}

// isRegion reports whether c is a region code phone.Parse may give.
func isRegion(c string) bool {
	if c == "001" {
		return true
	}
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c != "UK"
}

// Countries returns the countries that have a register, sorted.
func (b *ByCountry) Countries() []string {
	return slices.Sorted(maps.Keys(b.regs))
}

// Unconfigured returns the countries whose numbers this register was asked
// to wash and has no register for, sorted: each of their numbers was
// answered not_applicable. The configured Logger, if any, was warned once
// per country as it was first seen.
func (b *ByCountry) Unconfigured() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Sorted(maps.Keys(b.unconfigured))
}

// Wash parses each number (E.164; it must be a valid number), asks the
// register of its country about the numbers of that country, one call per
// country, and answers not_applicable, washed at the clock's now, for a
// number of a country with no register.
//
// It keeps the [Register] contract: one result per distinct number, with
// Phone as asked, for every number washed; the error, if any, joins a
// *[invalid.FieldError] for each number that is not a valid phone number
// (not washed) and a *[WashError] for each country whose register failed
// or left numbers without an answer (only that country's numbers). A
// register's results for numbers it was not asked are dropped, and of two
// results for one number the first is kept. If ctx has ended, no register
// is asked and every number of a country with one is in a WashError
// wrapping ctx.Err().
func (b *ByCountry) Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	nums, errs := parseAsked(phones)
	now := b.clock.Now()
	out := make([]outbound.WashResult, 0, len(nums))
	groups := map[string][]asked{}
	for _, n := range nums {
		c := n.num.Country
		if _, ok := b.regs[c]; !ok {
			b.noteUnconfigured(ctx, c)
			out = append(out, outbound.WashResult{Phone: n.raw, Status: outbound.DNCRNotApplicable, WashedAt: now})
			continue
		}
		groups[c] = append(groups[c], n)
	}
	for _, c := range slices.Sorted(maps.Keys(groups)) {
		res, err := b.washCountry(ctx, c, groups[c])
		out = append(out, res...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// washCountry asks country c's register about nums, each E.164 once, and
// gives each number its answer under the name it was asked by.
func (b *ByCountry) washCountry(ctx context.Context, c string, nums []asked) ([]outbound.WashResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, &WashError{Country: c, Phones: raws(nums), Err: err}
	}
	names := make(map[string][]string, len(nums)) // E.164 → as asked
	ask := make([]string, 0, len(nums))
	for _, n := range nums {
		if _, ok := names[n.num.E164]; !ok {
			ask = append(ask, n.num.E164)
		}
		names[n.num.E164] = append(names[n.num.E164], n.raw)
	}
	res, err := b.regs[c].Wash(ctx, ask)
	out := make([]outbound.WashResult, 0, len(nums))
	for _, r := range res {
		as, ok := names[r.Phone]
		if !ok || !knownStatus(r.Status) {
			continue // not asked, answered already, or no usable answer
		}
		delete(names, r.Phone)
		for _, raw := range as {
			r.Phone = raw
			out = append(out, r)
		}
	}
	if len(names) == 0 && err == nil {
		return out, nil
	}
	var missing []string
	for _, n := range nums {
		if _, ok := names[n.num.E164]; ok {
			missing = append(missing, n.raw)
		}
	}
	if err == nil {
		err = ErrNoAnswer
	}
	return out, &WashError{Country: c, Phones: missing, Err: err}
}

// noteUnconfigured records that a number of c was asked, and warns the
// first time.
func (b *ByCountry) noteUnconfigured(ctx context.Context, c string) {
	b.mu.Lock()
	seen := b.unconfigured[c]
	b.unconfigured[c] = true
	b.mu.Unlock()
	if !seen && b.log != nil {
		b.log.WarnContext(ctx, "donotcall: no register for the country: its numbers are not_applicable, not washed",
			"country", c)
	}
}
