package unipile_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/storetest"
)

// The memory store behaves as every store of the adapter's state must.
func TestMemoryStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Store { return unipile.NewMemoryStore() })
}
