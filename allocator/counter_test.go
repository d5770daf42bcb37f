package allocator

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

func TestMemoryCounterRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	key := Key{Resource: rid(1), Action: channel.ActionConnectionRequest}
	d0 := timing.DateFromYMD(2025, 6, 2)

	t.Run("daily cap", func(t *testing.T) {
		t.Parallel()
		var c MemoryCounter // the zero value works
		for range 3 {
			ok, err := c.Reserve(ctx, key, d0, Limit{Daily: 3, Weekly: Unlimited})
			require.NoError(t, err)
			require.True(t, ok)
		}
		ok, err := c.Reserve(ctx, key, d0, Limit{Daily: 3, Weekly: Unlimited})
		require.NoError(t, err)
		require.False(t, ok)
		// Another day, another key: untouched.
		ok, _ = c.Reserve(ctx, key, d0+1, Limit{Daily: 3, Weekly: Unlimited})
		require.True(t, ok)
		ok, _ = c.Reserve(ctx, Key{Resource: rid(1), Action: channel.ActionLinkedInMessage}, d0, Limit{Daily: 3, Weekly: Unlimited})
		require.True(t, ok)
		// Zero allows nothing; negative is no cap.
		ok, _ = c.Reserve(ctx, key, d0+5, Limit{Daily: 0, Weekly: Unlimited})
		require.False(t, ok)
		for range 1000 {
			ok, _ = c.Reserve(ctx, key, d0+6, Limit{Daily: Unlimited, Weekly: Unlimited})
			require.True(t, ok)
		}
	})
	t.Run("weekly windows on both sides", func(t *testing.T) {
		t.Parallel()
		c := NewMemoryCounter()
		lim := Limit{Daily: 10, Weekly: 15}
		reserve := func(d timing.Date, n int) int {
			got := 0
			for range n {
				if ok, _ := c.Reserve(ctx, key, d, lim); ok {
					got++
				}
			}
			return got
		}
		require.Equal(t, 10, reserve(d0+10, 12)) // daily cap
		require.Equal(t, 5, reserve(d0+4, 10))   // window [4, 10] holds 15
		require.Equal(t, 0, reserve(d0+9, 1))    // every window with day 9 holds day 10
		require.Equal(t, 10, reserve(d0+3, 10))  // window [3, 9] holds day 4's 5 only (day 10 is outside)
		require.Equal(t, 5, reserve(d0+16, 8))   // window [10, 16] holds day 10's 10
	})
	t.Run("release and used", func(t *testing.T) {
		t.Parallel()
		c := NewMemoryCounter()
		lim := Limit{Daily: 2, Weekly: Unlimited}
		for range 2 {
			ok, _ := c.Reserve(ctx, key, d0, lim)
			require.True(t, ok)
		}
		require.NoError(t, c.Release(ctx, key, d0))
		ok, _ := c.Reserve(ctx, key, d0, lim)
		require.True(t, ok)
		for range 5 {
			require.NoError(t, c.Release(ctx, key, d0+1)) // never below zero
		}
		require.NoError(t, c.Release(ctx, Key{Resource: rid(7)}, d0))
		got := make([]int, 4)
		require.NoError(t, c.Used(ctx, key, d0-1, got))
		require.Equal(t, []int{0, 2, 0, 0}, got)
		require.NoError(t, c.Used(ctx, Key{Resource: rid(8)}, d0, got))
		require.Equal(t, []int{0, 0, 0, 0}, got)
	})
	t.Run("forget", func(t *testing.T) {
		t.Parallel()
		c := NewMemoryCounter()
		lim := Limit{Daily: 5, Weekly: Unlimited}
		for d := range 100 {
			ok, _ := c.Reserve(ctx, key, d0+timing.Date(d), lim)
			require.True(t, ok)
		}
		c.Forget(d0 + 50)
		got := make([]int, 4)
		require.NoError(t, c.Used(ctx, key, d0+48, got))
		require.Equal(t, []int{0, 0, 1, 1}, got)
		c.Forget(d0 + 1000)
		require.NoError(t, c.Used(ctx, key, d0+98, got))
		require.Equal(t, []int{0, 0, 0, 0}, got)
		// Still usable afterwards, at any day.
		ok, _ := c.Reserve(ctx, key, d0-20, lim)
		require.True(t, ok)
		require.NoError(t, c.Used(ctx, key, d0-20, got[:1]))
		require.Equal(t, 1, got[0])
	})
}

// Many goroutines reserving on few keys can never pass a cap: checked from
// the reservations that succeeded, not from the counter.
func TestMemoryCounterConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := NewMemoryCounter()
	keys := []Key{
		{Resource: rid(1), Action: channel.ActionConnectionRequest},
		{Resource: rid(2), Action: channel.ActionConnectionRequest},
		{Resource: rid(1), Action: channel.ActionLinkedInMessage},
	}
	lim := Limit{Daily: 5, Weekly: 12}
	const goroutines, tries, days = 64, 3000, 30
	d0 := timing.DateFromYMD(2025, 1, 1)
	var mu sync.Mutex
	got := map[Key]map[timing.Date]int{}
	for _, k := range keys {
		got[k] = map[timing.Date]int{}
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			mine := map[Key]map[timing.Date]int{}
			for range tries {
				k := keys[rng.IntN(len(keys))]
				d := d0 + timing.Date(rng.IntN(days))
				if mine[k] == nil {
					mine[k] = map[timing.Date]int{}
				}
				if rng.IntN(10) == 0 && mine[k][d] > 0 {
					require.NoError(t, c.Release(ctx, k, d))
					mine[k][d]--
					continue
				}
				ok, err := c.Reserve(ctx, k, d, lim)
				require.NoError(t, err)
				if ok {
					mine[k][d]++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for k, m := range mine {
				for d, n := range m {
					got[k][d] += n
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, k := range keys {
		used := make([]int, days)
		require.NoError(t, c.Used(ctx, k, d0, used))
		for i := range days {
			d := d0 + timing.Date(i)
			require.LessOrEqual(t, got[k][d], lim.Daily)
			require.Equal(t, got[k][d], used[i], "counter agrees with the successful reservations")
			total += got[k][d]
			week := 0
			for j := i; j < i+7 && j < days; j++ {
				week += got[k][d0+timing.Date(j)]
			}
			require.LessOrEqual(t, week, lim.Weekly, "%v days %d..%d", k.Action, i, i+6)
		}
	}
	require.Positive(t, total)
}
