// Package storagetest is the contract every [storage.Store] must meet: one
// suite, run by each store from its own test,
//
//	func TestContract(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store { return memory.New() })
//	}
//
// It checks the rules package storage documents (conflicts and not-found,
// client and resource versions and the stale writes they refuse, billing
// keys and provider references, moves of resources under their compare
// and limit, lead uniqueness, enrollment uniqueness, all-or-nothing touch
// batches, the claim and lease rules and NextDue, the lookups by provider
// reference and company domain, every touch filter with its sent window,
// event deduplication and the record-then-apply cycle, suppressions by
// lead, address and domain, per client and platform-wide, lifted and added
// again, wash retention, capacity caps, orders per idempotency key,
// allowances, mailbox spacing, every listing's order, and each batch call
// agreeing with the single call it stands for), including under
// concurrent use (racing moves, takes, sends, records and updates),
// through the interfaces alone: it knows nothing of any store's insides.
//
// # What it asks of a store
//
// The factory is called once per subtest and must return an empty store that
// no other call shares; subtests run in parallel. The suite uses fixed
// instants with whole seconds, so a store may keep instants to the
// microsecond, and it treats a nil map and an empty one as the same. IDs are
// fixed UUIDs (name-based, from a counter), never random.
package storagetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Run runs the contract suite against the stores newStore makes. Each
// subtest calls newStore for a store of its own and runs in parallel with
// the others.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Helper()
	s := suite{newStore: newStore}
	groups := []struct {
		name string
		run  func(*testing.T)
	}{
		{"Clients", s.testClients},
		{"Versions", s.testVersions},
		{"Billing", s.testBilling},
		{"Resources", s.testResources},
		{"ResourceRefs", s.testResourceRefs},
		{"Moves", s.testMoves},
		{"Campaigns", s.testCampaigns},
		{"Leads", s.testLeads},
		{"Enrollments", s.testEnrollments},
		{"Touches", s.testTouches},
		{"Plans", s.testPlans},
		{"Claims", s.testClaims},
		{"NextDue", s.testNextDue},
		{"ProviderRef", s.testProviderRef},
		{"TouchFilters", s.testTouchFilters},
		{"LeadsByCompany", s.testLeadsByCompany},
		{"LookupContext", s.testLookupContext},
		{"Events", s.testEvents},
		{"Suppressions", s.testSuppressions},
		{"Washes", s.testWashes},
		{"Bookings", s.testBookings},
		{"Orders", s.testOrders},
		{"Allowances", s.testAllowances},
		{"Spacing", s.testSpacing},
		{"Meetings", s.testMeetings},
		{"Batches", s.testBatches},
		{"Context", s.testContext},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.run(t)
		})
	}
}

type suite struct {
	newStore func(t *testing.T) storage.Store
}

// run runs f as a parallel subtest on a fresh store.
func (s suite) run(t *testing.T, name string, f func(t *testing.T, st storage.Store)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		st := s.newStore(t)
		require.NotNil(t, st, "the factory returned no store")
		f(t, st)
	})
}

// namespace makes the suite's name-based IDs.
var namespace = uuid.MustParse("9b3a7c1e-52d4-4f0b-8e61-3c2d9a7f5e10")

func uid(kind string, n int) uuid.UUID {
	return uuid.NewSHA1(namespace, fmt.Appendf(nil, "%s-%d", kind, n))
}

func clientID(n int) outbound.ClientID     { return outbound.ClientID{UUID: uid("client", n)} }
func resourceID(n int) outbound.ResourceID { return outbound.ResourceID{UUID: uid("resource", n)} }
func campaignID(n int) outbound.CampaignID { return outbound.CampaignID{UUID: uid("campaign", n)} }
func leadID(n int) outbound.LeadID         { return outbound.LeadID{UUID: uid("lead", n)} }
func enrollmentID(n int) outbound.EnrollmentID {
	return outbound.EnrollmentID{UUID: uid("enrollment", n)}
}
func touchID(n int) outbound.TouchID { return outbound.TouchID{UUID: uid("touch", n)} }
func eventID(n int) outbound.EventID { return outbound.EventID{UUID: uid("event", n)} }

// cmpUUID is the order every listing by ID follows: the UUIDs' bytes.
func cmpUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// t0 is the suite's epoch: Monday 2 March 2026, 09:00 UTC.
var t0 = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// at is t0 plus m minutes.
func at(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

// sydney is a fixed zone: instants given in it must come back in UTC.
var sydney = time.FixedZone("AEDT", 11*60*60)

func requireNotFound(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func requireConflict(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, storage.ErrConflict, msgAndArgs...)
}

func requireInvalid(t *testing.T, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, outbound.ErrInvalid)
	var ve *outbound.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, field, ve.Field)
}

// requireUTC checks that got is the instant want, in UTC.
func requireUTC(t *testing.T, want, got time.Time, msg ...string) {
	t.Helper()
	require.True(t, want.Equal(got), "want %v, got %v %v", want, got, msg)
	require.Equal(t, time.UTC, got.Location(), "instants come back in UTC")
}
