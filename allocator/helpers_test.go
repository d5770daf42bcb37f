package allocator

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/timing"
)

// rid returns a distinct, readable resource ID for n.
func rid(n int) outbound.ResourceID {
	var u uuid.UUID
	u[0] = 0xa1
	binary.BigEndian.PutUint64(u[8:], uint64(n))
	return outbound.ResourceID{UUID: u}
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// fleet returns n resources of a kind in loc, IDs from base.
func fleet(kind outbound.ResourceKind, n, base int, loc *time.Location) []Resource {
	rs := make([]Resource, n)
	for i := range rs {
		rs[i] = Resource{ID: rid(base + i), Kind: kind, Location: loc}
	}
	return rs
}

func mustNew(t testing.TB, cfg Config, rs []Resource) *Allocator {
	t.Helper()
	a, err := New(cfg, rs)
	require.NoError(t, err)
	return a
}

// noCap asserts err is a *NoCapacityError and returns it.
func noCap(t testing.TB, err error) *NoCapacityError {
	t.Helper()
	require.ErrorIs(t, err, ErrNoCapacity)
	var e *NoCapacityError
	require.ErrorAs(t, err, &e)
	return e
}

// localDate computes the calendar day of t in loc from time's own fields, as
// an independent check of the allocator's days.
func localDate(t time.Time, loc *time.Location) timing.Date {
	y, m, d := t.In(loc).Date()
	return timing.DateFromYMD(y, m, d)
}

// wall returns hh:mm on day d in loc (a wall time that exists).
func wall(d timing.Date, hh, mm int, loc *time.Location) time.Time {
	y, m, day := d.YMD()
	return time.Date(y, m, day, hh, mm, 0, 0, loc)
}
