package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/dncr"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/examples/internal/fakes"
	"github.com/outbound-go/outbound/phone"
)

// With -providers http, Australian numbers are washed through the DNCR
// adapter against the register's fake (dncrtest), over SOAP on 127.0.0.1;
// the fake lists the numbers the run's own register lists, so the answers,
// and the totals, are the in-memory run's. Other countries' numbers stay
// with the run's register.

// lister is the run's register: it says whether it lists a number.
type lister interface {
	Listed(e164 string) bool
}

// washer returns the run's DNCR checker with Australian numbers washed
// through the adapter, or own when own cannot say what it lists.
func (h *httpProviders) washer(own distribution.DNCRChecker) distribution.DNCRChecker {
	l, ok := own.(lister)
	if !ok {
		return own
	}
	h.dncrSrv = fakes.StartDNCR(fakes.DNCROptions{
		Listed: func(national string) bool { return l.Listed("+61" + strings.TrimPrefix(national, "0")) }})
	reg, err := dncr.New(h.dncrSrv.Config(h.clock))
	if err != nil {
		return own // the fake's configuration is valid; New cannot refuse it
	}
	return &splitWasher{au: reg, other: own}
}

// splitWasher washes Australian numbers with au and the rest with other.
type splitWasher struct {
	au    *dncr.Register
	other distribution.DNCRChecker
}

func (w *splitWasher) Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	var au, other []string
	for _, p := range phones {
		if n, err := phone.Parse(p, ""); err == nil && n.Country == "AU" {
			au = append(au, p)
		} else {
			other = append(other, p)
		}
	}
	var out []outbound.WashResult
	var errs []error
	if len(au) > 0 {
		res, err := w.au.Wash(ctx, au)
		out = append(out, res...)
		if err != nil {
			errs = append(errs, fmt.Errorf("DNCR register: %w", err))
		}
	}
	if len(other) > 0 {
		res, err := w.other.Wash(ctx, other)
		out = append(out, res...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}
