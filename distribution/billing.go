package distribution

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// BillingMonth returns the billing period, [start, end) in calendar days,
// that holds day for a client whose billing anchor (signup day) is anchor.
// Periods roll monthly from the anchor's day of the month; in a month too
// short for it the period starts on the month's last day, and the next
// period goes back to the anchor's day, as Stripe anchors: an anchor of
// 31 January gives periods starting 28 February (29 in a leap year),
// 31 March, 30 April, 31 May. A day before the anchor falls in a period
// before the first, computed the same way.
func BillingMonth(anchor, day timing.Date) (start, end timing.Date) {
	ay, am, _ := anchor.YMD()
	dy, dm, _ := day.YMD()
	n := (dy-ay)*12 + int(dm-am)
	for periodStart(anchor, n) > day {
		n--
	}
	for periodStart(anchor, n+1) <= day {
		n++
	}
	return periodStart(anchor, n), periodStart(anchor, n+1)
}

// periodStart returns the first day of the n-th billing period after the
// one starting on anchor.
func periodStart(anchor timing.Date, n int) timing.Date {
	y, m, d := anchor.YMD()
	months := int(m) - 1 + n
	y += months / 12
	if months %= 12; months < 0 {
		months += 12
		y--
	}
	month := time.Month(months + 1)
	return timing.DateFromYMD(y, month, min(d, daysIn(y, month)))
}

// daysIn returns the number of days in a month.
func daysIn(y int, m time.Month) int {
	return int(timing.DateFromYMD(y, m+1, 1) - timing.DateFromYMD(y, m, 1))
}

// BillingPeriod returns the client's billing month that holds instant at:
// [start, end), each the midnight that starts the period's first day in the
// client's default zone. Periods are whole days: the first starts at the
// midnight of the signup day (not at the signup instant) and each rolls
// monthly from the signup day of the month, as BillingMonth says. An
// instant before the signup day is an error.
func (s *Service) BillingPeriod(ctx context.Context, client outbound.ClientID, at time.Time) (start, end time.Time, err error) {
	c, err := s.store.GetClient(ctx, client)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("distribution: billing period: %w", err)
	}
	sd, ed, loc, err := s.billingDays(c, at)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return sd.Midnight(loc), ed.Midnight(loc), nil
}

func (s *shared) billingDays(c *outbound.Client, at time.Time) (start, end timing.Date, loc *time.Location, err error) {
	loc, err = s.location(c.DefaultZone)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("distribution: client %s default zone: %w", c.ID, err)
	}
	anchor, day := timing.DateIn(c.SignupAt, loc), timing.DateIn(at, loc)
	if day < anchor {
		return 0, 0, nil, &FieldError{Package: "distribution", Field: "at", Value: at.Format(time.RFC3339), Reason: "is before the client's signup day " + anchor.String()}
	}
	start, end = BillingMonth(anchor, day)
	return start, end, loc, nil
}

// usage is Service.Usage.
func (s *importer) usage(ctx context.Context, client outbound.ClientID, at time.Time) (used int, start, end time.Time, err error) {
	c, err := s.store.GetClient(ctx, client)
	if err != nil {
		return 0, time.Time{}, time.Time{}, fmt.Errorf("distribution: usage: %w", err)
	}
	sd, ed, loc, err := s.billingDays(c, at)
	if err != nil {
		return 0, time.Time{}, time.Time{}, err
	}
	used, err = s.enrolledBetween(ctx, client, sd, ed)
	return used, sd.Midnight(loc), ed.Midnight(loc), err
}

func (s *importer) enrolledBetween(ctx context.Context, client outbound.ClientID, from, to timing.Date) (int, error) {
	es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Client: client})
	if err != nil {
		return 0, fmt.Errorf("distribution: usage: %w", err)
	}
	n := 0
	for _, e := range es {
		if e.EnrolledOn >= from && e.EnrolledOn < to {
			n++
		}
	}
	return n, nil
}
