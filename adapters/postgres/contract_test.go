package postgres

import (
	"testing"

	"github.com/outbound-go/outbound/internal/pgtest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/storagetest"
)

// TestContract runs the storage contract on the platform handle, each
// subtest in a migrated schema of its own.
func TestContract(t *testing.T) {
	t.Parallel()
	pgtest.AdminConn(t).Close(t.Context()) // skip at once when there is no database
	storagetest.Run(t, func(t *testing.T) storage.Store { return newDB(t).Platform() })
}
