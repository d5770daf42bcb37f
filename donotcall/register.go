package donotcall

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/phone"
)

// Register washes phone numbers against a do-not-call register. It has the
// method set of the engine's distribution.DNCRChecker, so any Register
// plugs into the engine as it is.
//
// The contract every Register of this package keeps: Wash returns at most
// one result per distinct number asked, with Phone as it was asked, in any
// order; each number asked either has a result or is named by the error
// (a *[WashError], or a *[invalid.FieldError] for a number that is not a
// valid phone number). So an error does not void the results returned with
// it: they are the numbers washed, the error names the rest.
type Register interface {
	Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error)
}

// Func adapts a function to [Register], e.g. a client of a register's web
// service.
type Func func(ctx context.Context, phones []string) ([]outbound.WashResult, error)

// Wash calls f.
func (f Func) Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	return f(ctx, phones)
}

// ErrNoAnswer is what a [*WashError] wraps when a register returned no
// error yet gave no usable result for some numbers: none at all, or one
// with a status that is not a [outbound.DNCRStatus] this package knows.
var ErrNoAnswer = errors.New("donotcall: the register gave no usable answer")

// WashError names the numbers a register did not wash, and why.
type WashError struct {
	// Country is the country whose register failed, as [phone.Parse] names
	// it ("AU"); empty when the register was not chosen by country.
	Country string
	// Phones are the numbers left without a result, as they were asked.
	Phones []string
	// Err is the register's error, or [ErrNoAnswer], or the context's
	// error when it ended before the register was asked.
	Err error
}

func (e *WashError) Error() string {
	var b strings.Builder
	b.WriteString("donotcall: ")
	if e.Country != "" {
		b.WriteString("register for " + e.Country + ": ")
	}
	switch n := len(e.Phones); {
	case n == 1:
		b.WriteString("1 number not washed (" + e.Phones[0] + ")")
	case n > 0:
		fmt.Fprintf(&b, "%d numbers not washed (%s", n, strings.Join(e.Phones[:min(n, 3)], ", "))
		if n > 3 {
			b.WriteString(", …")
		}
		b.WriteString(")")
	default:
		b.WriteString("every number washed, yet")
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *WashError) Unwrap() error { return e.Err }

// asked is one distinct number of a Wash call.
type asked struct {
	raw string // as asked
	num phone.Number
}

// parseAsked reads the numbers of a Wash call: the distinct valid ones in
// the order they were first asked, and an error naming each invalid one.
func parseAsked(phones []string) ([]asked, []error) {
	seen := make(map[string]bool, len(phones))
	out := make([]asked, 0, len(phones))
	var errs []error
	for _, p := range phones {
		if seen[p] {
			continue
		}
		seen[p] = true
		n, err := phone.Parse(p, "")
		if err != nil {
			errs = append(errs, invalidPhone(p, err))
			continue
		}
		out = append(out, asked{raw: p, num: n})
	}
	return out, errs
}

// invalidPhone is the error for a number asked that is not a valid phone
// number: it names the number, and is not washed.
func invalidPhone(p string, err error) error {
	reason := "not a valid phone number"
	var fe *phone.FieldError
	if errors.As(err, &fe) {
		reason = fe.Reason
	}
	return invalid.Field("donotcall", "Wash", "phone", p, reason)
}

// knownStatus reports whether s is a status this package passes on.
func knownStatus(s outbound.DNCRStatus) bool {
	switch s {
	case outbound.DNCRClear, outbound.DNCRRegistered, outbound.DNCRUnknown, outbound.DNCRNotApplicable:
		return true
	}
	return false
}

func raws(nums []asked) []string {
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = n.raw
	}
	return out
}
