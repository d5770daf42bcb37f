package storage_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/storage"
)

func TestLocalElectorHandsOver(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	var el storage.LocalElector

	first, ok, err := el.TryLead(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, first.Check(ctx))

	second, ok, err := el.TryLead(ctx)
	require.NoError(t, err)
	require.False(t, ok, "one leader at a time")
	require.True(t, second == nil, "no Term, not even a typed nil, while another leads")

	require.NoError(t, first.Release(ctx))
	require.NoError(t, first.Release(ctx), "releasing twice is harmless")
	require.ErrorIs(t, first.Check(ctx), storage.ErrLeadershipLost)

	second, ok, err = el.TryLead(ctx)
	require.NoError(t, err)
	require.True(t, ok, "Release hands the leadership over")
	require.NoError(t, second.Check(ctx))

	// A released term stays released: releasing it again does not free the
	// leadership its successor holds.
	require.NoError(t, first.Release(ctx))
	require.NoError(t, second.Check(ctx))
	_, ok, err = el.TryLead(ctx)
	require.NoError(t, err)
	require.False(t, ok)
}

func TestLocalElectorContextEnded(t *testing.T) {
	t.Parallel()
	var el storage.LocalElector
	done, cancel := context.WithCancel(t.Context())
	cancel()

	term, ok, err := el.TryLead(done)
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, ok)
	require.True(t, term == nil)

	term, ok, err = el.TryLead(t.Context())
	require.NoError(t, err)
	require.True(t, ok, "a TryLead that failed took nothing")
	require.ErrorIs(t, term.Check(done), context.Canceled, "Check honours its context")
	require.NoError(t, term.Check(t.Context()))
}

// TestLocalElectorOneOfMany has many callers try at once: exactly one
// leads until it releases.
func TestLocalElectorOneOfMany(t *testing.T) {
	t.Parallel()
	var el storage.LocalElector
	const n = 16
	terms := make([]storage.Term, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			term, ok, err := el.TryLead(t.Context())
			if err == nil && ok {
				terms[i] = term
			}
		})
	}
	wg.Wait()
	var leaders []storage.Term
	for _, term := range terms {
		if term != nil {
			leaders = append(leaders, term)
		}
	}
	require.Len(t, leaders, 1)
	require.NoError(t, leaders[0].Release(t.Context()))
	_, ok, err := el.TryLead(t.Context())
	require.NoError(t, err)
	require.True(t, ok)
}
