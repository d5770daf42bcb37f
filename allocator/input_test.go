package allocator

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

func TestBadInput(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	good := Resource{ID: rid(1), Kind: outbound.KindMailbox, Location: utc}
	resources := []struct {
		name  string
		rs    []Resource
		field string
	}{
		{"zero ID", []Resource{{Kind: outbound.KindMailbox, Location: utc}}, "Resource.ID"},
		{"domain", []Resource{{ID: rid(1), Kind: outbound.KindDomain, Location: utc}}, "Resource.Kind"},
		{"unknown kind", []Resource{{ID: rid(1), Kind: "pigeon", Location: utc}}, "Resource.Kind"},
		{"no zone", []Resource{{ID: rid(1), Kind: outbound.KindPhone}}, "Resource.Location"},
		{"duplicate", []Resource{good, good}, "Resource.ID"},
	}
	for _, tt := range resources {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(Config{}, tt.rs)
			require.ErrorIs(t, err, invalid.ErrInvalid)
			var fe *invalid.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "allocator", fe.Package)
			require.Equal(t, tt.field, fe.Record+"."+fe.Field)
		})
	}
	t.Run("add", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, []Resource{good})
		require.ErrorIs(t, a.Add(good), ErrInvalid)
		require.ErrorIs(t, a.Add(Resource{ID: rid(2), Kind: outbound.KindPhone}), ErrInvalid)
	})
	t.Run("requests", func(t *testing.T) {
		t.Parallel()
		a := mustNew(t, Config{}, []Resource{good})
		for _, tc := range []struct {
			req   Request
			field string
		}{
			{Request{Action: "fax", At: time.Date(2025, 1, 1, 0, 0, 0, 0, utc)}, "Request.Action"},
			{Request{Action: channel.ActionEmail}, "Request.At"},
			{Request{Action: channel.ActionEmail, At: time.Date(2300, 1, 1, 0, 0, 0, 0, utc)}, "Request.At"},
		} {
			_, err := a.Pick(context.Background(), tc.req)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tc.field, fe.Record+"."+fe.Field)
			require.Contains(t, err.Error(), tc.field)
		}
	})
}

// Add puts a resource at the end of the round; it serves picks at once.
func TestAdd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	utc := time.UTC
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, utc)
	a := mustNew(t, Config{}, fleet(outbound.KindPhone, 2, 1, utc))
	p, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
	require.NoError(t, err)
	require.Equal(t, rid(1), p.Resource)
	require.NoError(t, a.Add(Resource{ID: rid(3), Kind: outbound.KindPhone, Location: utc}))
	var got []outbound.ResourceID
	for range 4 {
		p, err := a.Pick(ctx, Request{Action: channel.ActionCall, At: at})
		require.NoError(t, err)
		got = append(got, p.Resource)
	}
	require.Equal(t, []outbound.ResourceID{rid(2), rid(1), rid(3), rid(2)}, got) // the round from rid(2): 2, 1, then the newcomer
	r, ok := a.Resource(rid(3))
	require.True(t, ok)
	require.Equal(t, outbound.KindPhone, r.Kind)
}

// failingCounter fails every call.
type failingCounter struct{ err error }

func (f failingCounter) Reserve(context.Context, Key, timing.Date, Limit) (bool, error) {
	return false, f.err
}
func (f failingCounter) Release(context.Context, Key, timing.Date) error { return f.err }
func (f failingCounter) Used(context.Context, Key, timing.Date, []int) error {
	return f.err
}

func TestCounterErrorsAreWrapped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	boom := errors.New("database unreachable")
	a := mustNew(t, Config{Counter: failingCounter{boom}}, fleet(outbound.KindPhone, 1, 1, time.UTC))
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	_, err := a.Pick(ctx, Request{Action: channel.ActionSMS, At: at})
	require.ErrorIs(t, err, boom)
	require.False(t, errors.Is(err, ErrNoCapacity))
	require.ErrorIs(t, a.Release(ctx, Pick{Resource: rid(1), Action: channel.ActionSMS}), boom)
}

func TestNoCapacityErrorText(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	e := &NoCapacityError{Action: channel.ActionCall, Kind: outbound.KindPhone, At: at,
		NextOpen: at.Add(time.Hour), Resource: rid(1), Reason: ReasonDailyCap}
	require.Equal(t, "allocator: no capacity for call at 2025-06-02T09:00:00Z: every phone busy (daily_cap); next opens 2025-06-02T10:00:00Z", e.Error())
	e.Sticky = true
	require.Contains(t, e.Error(), "the lead's phone "+rid(1).String())
	e.NextOpen = time.Time{}
	require.Contains(t, e.Error(), "nothing opens within a year")
	require.False(t, errors.Is(e, ErrNoResource))
	e.Reason = ReasonNoResource
	require.Equal(t, "allocator: no usable phone for call", e.Error())
	require.ErrorIs(t, e, ErrNoResource)
	require.ErrorIs(t, e, ErrNoCapacity)
}
