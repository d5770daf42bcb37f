package postgres

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/internal/pgtest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

var rlsEpoch = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// tenant is one client's rows, every kind, seeded through the platform.
type tenant struct {
	client     outbound.Client
	resource   outbound.Resource
	campaign   outbound.Campaign
	lead       outbound.Lead
	enrollment outbound.Enrollment
	touch      outbound.Touch
	event      outbound.Event
	supp       outbound.Suppression
	key        allocator.Key
	meeting    outbound.Meeting
}

func seedTenant(t *testing.T, st *Store, n byte) tenant {
	t.Helper()
	ctx := t.Context()
	u := func(kind byte) uuid.UUID { return uuid.UUID{kind, n, 15: 1} }
	var tn tenant
	tn.client = outbound.Client{ID: outbound.ClientID{UUID: u(1)}, Name: fmt.Sprint("client ", n), Plan: "growth",
		DefaultZone: "Australia/Sydney", State: outbound.ClientActive, SignupAt: rlsEpoch}
	tn.resource = outbound.Resource{ID: outbound.ResourceID{UUID: u(2)}, Kind: outbound.KindMailbox,
		State: outbound.StateAssigned, Client: tn.client.ID, Address: fmt.Sprintf("m%d@example.com", n)}
	tn.campaign = outbound.Campaign{ID: outbound.CampaignID{UUID: u(3)}, Client: tn.client.ID, Name: "c", State: outbound.CampaignActive}
	tn.lead = outbound.Lead{ID: outbound.LeadID{UUID: u(4)}, Client: tn.client.ID, Email: "same@example.com",
		Phone: "+61400000001", CompanyDomain: "example.com"}
	tn.enrollment = outbound.Enrollment{ID: outbound.EnrollmentID{UUID: u(5)}, Client: tn.client.ID,
		Campaign: tn.campaign.ID, Lead: tn.lead.ID, State: outbound.EnrollmentActive, NextStep: 1}
	tn.touch = outbound.Touch{ID: outbound.TouchID{UUID: u(6)}, Client: tn.client.ID, Campaign: tn.campaign.ID,
		Enrollment: tn.enrollment.ID, Lead: tn.lead.ID, Step: 1, Channel: channel.Email, Action: channel.ActionEmail,
		Resource: tn.resource.ID, ScheduledAt: rlsEpoch.Add(time.Duration(10-n) * time.Minute), Status: outbound.TouchScheduled,
		Provider: "postmark", ProviderRef: fmt.Sprint("msg-", n)}
	tn.event = outbound.Event{ID: outbound.EventID{UUID: u(7)}, Client: tn.client.ID, Event: channel.Event{
		Provider: "twilio", ProviderEventID: fmt.Sprint("EV", n), Type: channel.EventReplied, Kind: channel.SMS, At: rlsEpoch}}
	tn.supp = outbound.Suppression{Client: tn.client.ID, Address: "x@example.com", Reason: "complaint", Since: rlsEpoch}
	tn.key = allocator.Key{Resource: tn.resource.ID, Action: channel.ActionEmail}

	require.NoError(t, st.CreateClient(ctx, &tn.client))
	require.NoError(t, st.CreateResource(ctx, &tn.resource))
	c, err := st.GetClient(ctx, tn.client.ID)
	require.NoError(t, err)
	require.Equal(t, int64(2), c.Version, "the resource it was given raised the client's version")
	tn.client = *c
	require.NoError(t, st.CreateCampaign(ctx, &tn.campaign))
	require.NoError(t, st.CreateLead(ctx, &tn.lead))
	require.NoError(t, st.CreateEnrollment(ctx, &tn.enrollment))
	require.NoError(t, st.InsertTouches(ctx, []outbound.Touch{tn.touch}))
	ok, err := st.RecordEvent(ctx, &tn.event)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, st.AddSuppression(ctx, &tn.supp))
	ok, err = st.Reserve(ctx, tn.key, timing.DateOf(rlsEpoch), allocator.Limit{Daily: -1, Weekly: -1})
	require.NoError(t, err)
	require.True(t, ok)
	granted, err := st.TakeAllowance(ctx, tn.client.ID, rlsEpoch, 5, 100)
	require.NoError(t, err)
	require.Equal(t, 5, granted)
	ok, _, err = st.SpaceSend(ctx, tn.resource.ID, rlsEpoch, time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	tn.meeting = outbound.Meeting{Client: tn.client.ID, Lead: tn.lead.ID, Campaign: tn.campaign.ID, Provider: "calcom",
		Booking: fmt.Sprintf("bk_%d", n), Status: outbound.MeetingStatusBooked, Start: rlsEpoch.Add(48 * time.Hour)}
	require.NoError(t, st.SaveMeeting(ctx, &tn.meeting))
	return tn
}

// rlsTable is one table holding clients' rows, with how to name one row of
// a tenant and a harmless change to make to it.
type rlsTable struct {
	name   string
	row    func(tn tenant) (cond string, arg any)
	change string // a SET clause
}

// Bookings and spacing come first: their policies read resources, whose
// rows the resources case deletes.
var rlsTables = []rlsTable{
	{"bookings", func(tn tenant) (string, any) { return "resource_id = $1", tn.resource.ID.UUID }, "count = 0"},
	{"spacing", func(tn tenant) (string, any) { return "resource_id = $1", tn.resource.ID.UUID }, "last_at = '2000-01-01Z'"},
	{"allowances", func(tn tenant) (string, any) { return "client_id = $1", tn.client.ID.UUID }, "used = 0"},
	{"clients", func(tn tenant) (string, any) { return "client_id = $1", tn.client.ID.UUID }, "name = 'stolen'"},
	{"resources", func(tn tenant) (string, any) { return "id = $1", tn.resource.ID.UUID }, "address = 'stolen'"},
	{"campaigns", func(tn tenant) (string, any) { return "id = $1", tn.campaign.ID.UUID }, "name = 'stolen'"},
	{"leads", func(tn tenant) (string, any) { return "id = $1", tn.lead.ID.UUID }, "first_name = 'stolen'"},
	{"enrollments", func(tn tenant) (string, any) { return "id = $1", tn.enrollment.ID.UUID }, "state = 'stopped'"},
	{"touches", func(tn tenant) (string, any) { return "id = $1", tn.touch.ID.UUID }, "status = 'cancelled'"},
	{"events", func(tn tenant) (string, any) { return "id = $1", tn.event.ID.UUID }, "body = 'stolen'"},
	{"suppressions", func(tn tenant) (string, any) { return "client_id = $1", tn.client.ID.UUID }, "reason = 'stolen'"},
	{"meetings", func(tn tenant) (string, any) { return "booking = $1", tn.meeting.Booking }, "title = 'stolen'"},
}

// count runs a count(*) query through the handle.
func count(t *testing.T, st *Store, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, st.queryRow(t.Context(), sql, args, &n))
	return n
}

// TestRowLevelSecurity checks, with statements of its own through the
// client-scoped handle's transactions (not only the store's queries), that
// a client sees, changes and deletes none of another client's rows in any
// table, and cannot write a row for another client.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	platform := db.Platform()
	a, b := seedTenant(t, platform, 1), seedTenant(t, platform, 2)
	asA := db.ForClient(a.client.ID)

	t.Run("TransactionRole", func(t *testing.T) {
		var user, setting string
		var super, rls bool
		require.NoError(t, asA.queryRow(t.Context(), `SELECT current_user, current_setting('outbound.client_id'),
			(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), row_security_active('leads')`, nil,
			&user, &setting, &super, &rls))
		require.Equal(t, ClientRole, user)
		require.Equal(t, a.client.ID.String(), setting)
		require.False(t, super, "a superuser would pass row-level security by")
		require.True(t, rls)
		require.NoError(t, platform.queryRow(t.Context(), `SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)`, nil, &user, &super))
		require.Equal(t, PlatformRole, user)
		require.False(t, super)
	})

	for _, tb := range rlsTables {
		t.Run(tb.name, func(t *testing.T) {
			ctx := t.Context()
			mineCond, mine := tb.row(a)
			theirsCond, theirs := tb.row(b)
			total := count(t, platform, "SELECT count(*) FROM "+tb.name)
			require.Equal(t, 2, total, "the platform sees both tenants' rows")

			require.Equal(t, 1, count(t, asA, "SELECT count(*) FROM "+tb.name), "A sees only its own row")
			require.Equal(t, 1, count(t, asA, "SELECT count(*) FROM "+tb.name+" WHERE "+mineCond, mine))
			require.Equal(t, 0, count(t, asA, "SELECT count(*) FROM "+tb.name+" WHERE "+theirsCond, theirs), "B's row, asked for by its ID")

			before := count(t, platform, "SELECT count(*) FROM "+tb.name+" WHERE "+theirsCond+" AND NOT ("+tb.change+")", theirs)
			require.Equal(t, 1, before)
			n, err := asA.exec(ctx, "UPDATE "+tb.name+" SET "+tb.change+" WHERE "+theirsCond, theirs)
			require.NoError(t, err)
			require.Zero(t, n, "an UPDATE of B's row changes nothing")
			n, err = asA.exec(ctx, "DELETE FROM "+tb.name+" WHERE "+theirsCond, theirs)
			require.NoError(t, err)
			require.Zero(t, n, "a DELETE of B's row deletes nothing")
			n, err = asA.exec(ctx, "UPDATE "+tb.name+" SET "+tb.change)
			require.NoError(t, err)
			require.EqualValues(t, 1, n, "an UPDATE of every row reaches A's alone")
			require.Equal(t, 1, count(t, platform, "SELECT count(*) FROM "+tb.name+" WHERE "+theirsCond+" AND NOT ("+tb.change+")", theirs),
				"B's row is as it was")
			n, err = asA.exec(ctx, "DELETE FROM "+tb.name)
			require.NoError(t, err)
			require.EqualValues(t, 1, n, "a DELETE of every row reaches A's alone")
			require.Equal(t, 1, count(t, platform, "SELECT count(*) FROM "+tb.name), "B's row is still there")
		})
	}
}

// TestRowLevelSecurityWrites checks that a client-scoped handle cannot
// write a row for another client, nor move its own to another, nor write
// what only the platform may.
func TestRowLevelSecurityWrites(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	platform := db.Platform()
	a, b := seedTenant(t, platform, 1), seedTenant(t, platform, 2)
	asA := db.ForClient(a.client.ID)
	ctx := t.Context()

	tables := []string{"clients", "campaigns", "leads", "enrollments", "touches", "events", "suppressions", "allowances", "resources", "meetings"}
	for _, tb := range tables {
		_, err := asA.exec(ctx, "UPDATE "+tb+" SET client_id = $1", b.client.ID.UUID)
		require.ErrorIs(t, wrap(err, tb, stringer("all")), ErrForbidden, "%s: moving A's row to B", tb)
	}
	_, err := asA.exec(ctx, "UPDATE bookings SET resource_id = $1", b.resource.ID.UUID)
	require.ErrorIs(t, wrap(err, "bookings", stringer("all")), ErrForbidden, "moving A's booking to B's resource")
	_, err = asA.exec(ctx, "UPDATE spacing SET resource_id = $1", b.resource.ID.UUID)
	require.ErrorIs(t, wrap(err, "spacing", stringer("all")), ErrForbidden, "moving A's last send to B's resource")

	// Through the store's own methods.
	lead := outbound.Lead{ID: outbound.LeadID{UUID: uuid.UUID{9, 9}}, Client: b.client.ID, Email: "new@example.com"}
	require.ErrorIs(t, asA.CreateLead(ctx, &lead), ErrForbidden)
	c := outbound.Campaign{ID: outbound.CampaignID{UUID: uuid.UUID{9, 8}}, Client: b.client.ID}
	require.ErrorIs(t, asA.CreateCampaign(ctx, &c), ErrForbidden)
	tc := b.touch
	tc.ID = outbound.TouchID{UUID: uuid.UUID{9, 7}}
	require.ErrorIs(t, asA.InsertTouches(ctx, []outbound.Touch{a.touch, tc}), storage.ErrConflict, "A's own touch exists")
	mixed := a.touch
	mixed.ID = outbound.TouchID{UUID: uuid.UUID{9, 6}}
	require.ErrorIs(t, asA.InsertTouches(ctx, []outbound.Touch{mixed, tc}), ErrForbidden, "a batch with B's touch")
	_, err = asA.GetTouch(ctx, mixed.ID)
	require.ErrorIs(t, err, storage.ErrNotFound, "nothing of the refused batch is stored")
	e := b.event
	e.ID, e.ProviderEventID = outbound.EventID{UUID: uuid.UUID{9, 5}}, "EV-new"
	_, err = asA.RecordEvent(ctx, &e)
	require.ErrorIs(t, err, ErrForbidden)
	require.ErrorIs(t, asA.AddSuppression(ctx, &outbound.Suppression{Client: b.client.ID, Lead: b.lead.ID, Since: rlsEpoch}), ErrForbidden)

	// A's own row may not be moved to B by an update either.
	moved := a.lead
	moved.Client = b.client.ID
	require.ErrorIs(t, asA.UpdateLead(ctx, &moved), ErrForbidden)
	got, err := platform.GetLead(ctx, a.lead.ID)
	require.NoError(t, err)
	require.Equal(t, a.client.ID, got.Client)

	// B's rows under crafted IDs: not found.
	theirs := b.lead
	theirs.FirstName = "stolen"
	require.ErrorIs(t, asA.UpdateLead(ctx, &theirs), storage.ErrNotFound)
	tt := b.touch
	tt.Status = outbound.TouchCancelled
	require.ErrorIs(t, asA.UpdateTouch(ctx, &tt, ""), storage.ErrNotFound)
	cl := b.client
	cl.Name = "stolen"
	require.ErrorIs(t, asA.UpdateClient(ctx, &cl), storage.ErrNotFound)
	got, err = platform.GetLead(ctx, b.lead.ID)
	require.NoError(t, err)
	require.Equal(t, b.lead, *got)

	// Wash results belong to no client: a client reads them, only the
	// platform writes them.
	w := outbound.WashResult{Phone: "+61400000009", Status: outbound.DNCRClear, WashedAt: rlsEpoch}
	require.ErrorIs(t, asA.PutWash(ctx, w), ErrForbidden)
	require.NoError(t, platform.PutWash(ctx, w))
	gotW, err := asA.GetWash(ctx, w.Phone)
	require.NoError(t, err)
	require.Equal(t, w, gotW)
}

// TestRowLevelSecurityStore checks the store's own reads through a
// client-scoped handle: each finds A's rows and none of B's, even given
// B's IDs.
func TestRowLevelSecurityStore(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	platform := db.Platform()
	a, b := seedTenant(t, platform, 1), seedTenant(t, platform, 2)
	asA := db.ForClient(a.client.ID)
	ctx := t.Context()
	zero := outbound.ClientID{}

	id, ok := asA.Client()
	require.True(t, ok)
	require.Equal(t, a.client.ID, id)
	_, ok = platform.Client()
	require.False(t, ok)

	_, err := asA.GetClient(ctx, b.client.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	cs, err := asA.ListClients(ctx)
	require.NoError(t, err)
	require.Equal(t, []outbound.Client{a.client}, cs)

	_, err = asA.GetResource(ctx, b.resource.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	rs, err := asA.ListResources(ctx, storage.ResourceFilter{})
	require.NoError(t, err)
	require.Equal(t, []outbound.Resource{a.resource}, rs)
	rs, err = asA.ListResources(ctx, storage.ResourceFilter{Client: b.client.ID})
	require.NoError(t, err)
	require.Empty(t, rs)

	_, err = asA.GetCampaign(ctx, b.campaign.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	camps, err := asA.ListCampaigns(ctx, zero)
	require.NoError(t, err)
	require.Equal(t, []outbound.Campaign{a.campaign}, camps)

	_, err = asA.GetLead(ctx, b.lead.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = asA.FindLead(ctx, b.client.ID, "same@example.com", "")
	require.ErrorIs(t, err, storage.ErrNotFound, "B's lead by B's client ID and its email")
	found, err := asA.FindLead(ctx, a.client.ID, "same@example.com", "")
	require.NoError(t, err)
	require.Equal(t, a.lead.ID, found.ID)
	ls, err := asA.ListLeads(ctx, zero)
	require.NoError(t, err)
	require.Equal(t, []outbound.Lead{a.lead}, ls)
	ls, err = asA.ListLeadsByCompany(ctx, zero, "EXAMPLE.com")
	require.NoError(t, err)
	require.Equal(t, []outbound.Lead{a.lead}, ls)

	_, err = asA.GetEnrollment(ctx, b.enrollment.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	es, err := asA.ListEnrollments(ctx, storage.EnrollmentFilter{})
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.Equal(t, a.enrollment.ID, es[0].ID)

	_, err = asA.GetTouch(ctx, b.touch.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = asA.FindTouchByProviderRef(ctx, b.touch.Provider, b.touch.ProviderRef)
	require.ErrorIs(t, err, storage.ErrNotFound)
	ts, err := asA.ListTouches(ctx, storage.TouchFilter{})
	require.NoError(t, err)
	require.Equal(t, []outbound.Touch{a.touch}, ts)
	// B's touch is due first: NextDue and the claim see A's alone.
	at, ok, err := asA.NextDue(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, a.touch.ScheduledAt, at)
	claimed, err := asA.ClaimTouches(ctx, storage.Claim{Now: rlsEpoch.Add(time.Hour), Worker: "w", LeaseUntil: rlsEpoch.Add(2 * time.Hour), Limit: 10})
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.Equal(t, a.touch.ID, claimed[0].ID)

	evs, err := asA.ListEvents(ctx, zero)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, a.event.ID, evs[0].ID)
	ok, err = asA.RecordEvent(ctx, &outbound.Event{ID: outbound.EventID{UUID: uuid.UUID{9, 4}}, Client: a.client.ID,
		Event: channel.Event{Provider: b.event.Provider, ProviderEventID: b.event.ProviderEventID, At: rlsEpoch}})
	require.NoError(t, err)
	require.False(t, ok, "the deduplication key is global: B's event is a duplicate for A too")

	supp, err := asA.Suppressed(ctx, storage.SuppressionQuery{Client: b.client.ID, Address: "x@example.com", Channel: channel.Email})
	require.NoError(t, err)
	require.False(t, supp, "B's suppression is invisible to A")
	supp, err = asA.Suppressed(ctx, storage.SuppressionQuery{Client: a.client.ID, Address: "X@example.com", Channel: channel.Email})
	require.NoError(t, err)
	require.True(t, supp)
	sps, err := asA.ListSuppressions(ctx, a.client.ID)
	require.NoError(t, err)
	require.Equal(t, []outbound.Suppression{a.supp}, sps)

	bks, err := asA.ListBookings(ctx, zero)
	require.NoError(t, err)
	require.Len(t, bks, 1)
	require.Equal(t, a.resource.ID, bks[0].Resource)
	counts := []int{-1}
	require.NoError(t, asA.Used(ctx, b.key, timing.DateOf(rlsEpoch), counts))
	require.Equal(t, []int{0}, counts, "B's bookings read as none")
	require.NoError(t, asA.Release(ctx, b.key, timing.DateOf(rlsEpoch)))
	require.NoError(t, platform.Used(ctx, b.key, timing.DateOf(rlsEpoch), counts))
	require.Equal(t, []int{1}, counts, "A's release of B's booking changed nothing")
	_, err = asA.Reserve(ctx, b.key, timing.DateOf(rlsEpoch), allocator.Limit{Daily: -1, Weekly: -1})
	require.ErrorIs(t, err, ErrForbidden, "A cannot book B's resource")
	require.NoError(t, platform.Used(ctx, b.key, timing.DateOf(rlsEpoch), counts))
	require.Equal(t, []int{1}, counts)

	// A zero client sees nothing at all.
	nobody := db.ForClient(outbound.ClientID{})
	for _, tb := range rlsTables {
		require.Zero(t, count(t, nobody, "SELECT count(*) FROM "+tb.name), tb.name)
	}
}

// TestSettingsEndWithTransaction checks that a handle's role and client
// last for its own statement only: the connection goes back to the pool as
// the connecting role, with no client set, so a later user of it (another
// handle, or a host's own query) inherits neither.
func TestSettingsEndWithTransaction(t *testing.T) {
	t.Parallel()
	pool := pgtest.SchemaPool(t, pgtest.NewSchema(t), 1) // one connection: every call reuses it
	require.NoError(t, Migrate(t.Context(), pool))
	db := New(pool)
	var before string
	require.NoError(t, pool.QueryRow(t.Context(), "SELECT current_user").Scan(&before))
	asA := db.ForClient(outbound.ClientID{UUID: uuid.UUID{1}})
	_, err := asA.ListLeads(t.Context(), outbound.ClientID{})
	require.NoError(t, err)
	var user string
	var setting *string
	require.NoError(t, pool.QueryRow(t.Context(), "SELECT current_user, current_setting('outbound.client_id', true)").Scan(&user, &setting))
	require.Equal(t, before, user)
	if setting != nil {
		require.Empty(t, *setting)
	}
	// The platform handle on the same connection right after sees every
	// row, not the client's alone.
	require.NoError(t, db.Platform().CreateClient(t.Context(), &outbound.Client{ID: outbound.ClientID{UUID: uuid.UUID{2}}}))
	cs, err := db.Platform().ListClients(t.Context())
	require.NoError(t, err)
	require.Len(t, cs, 1)
	cs, err = asA.ListClients(t.Context())
	require.NoError(t, err)
	require.Empty(t, cs)
}

// TestRowLevelSecurityWithoutRole checks the other half of the design: a
// role that is neither superuser nor one of the store's roles sees no row
// even as the tables' owner, because the tables FORCE row-level security
// and no policy names it.
func TestRowLevelSecurityWithoutRole(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	seedTenant(t, db.Platform(), 1)
	ctx := t.Context()
	conn := pgtest.AdminConn(t)
	defer conn.Close(ctx)
	var schema string
	require.NoError(t, db.Pool().QueryRow(ctx, "SELECT current_schema()").Scan(&schema))
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	owner := "owner_" + schema
	for _, sql := range []string{
		"CREATE ROLE " + owner + " NOLOGIN",
		"SET LOCAL search_path = " + schema,
	} {
		_, err = tx.Exec(ctx, sql)
		require.NoError(t, err)
	}
	for _, tb := range rlsTables {
		_, err = tx.Exec(ctx, "ALTER TABLE "+tb.name+" OWNER TO "+owner)
		require.NoError(t, err)
	}
	_, err = tx.Exec(ctx, "GRANT USAGE ON SCHEMA "+schema+" TO "+owner)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SET LOCAL ROLE "+owner)
	require.NoError(t, err)
	for _, tb := range rlsTables {
		var n int
		require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM "+tb.name).Scan(&n), tb.name)
		require.Zero(t, n, "%s: its owner sees no row", tb.name)
	}
}

// TestRowLevelSecurityPlatformSuppressions checks the platform-wide
// suppressions (a NULL client): every client's handle reads them and is
// covered by them, none adds, lifts, changes or deletes them, and none
// turns its own suppression into one.
func TestRowLevelSecurityPlatformSuppressions(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	platform := db.Platform()
	a, b := seedTenant(t, platform, 1), seedTenant(t, platform, 2)
	asA := db.ForClient(a.client.ID)
	ctx := t.Context()
	zero := outbound.ClientID{}

	dnc := []outbound.Suppression{
		{Domain: "blocked.example", Reason: "do_not_contact", Since: rlsEpoch},
		{Address: "ceo@big.example", Channel: channel.Email, Reason: "do_not_contact", Since: rlsEpoch.Add(time.Minute)},
	}
	for i := range dnc {
		require.NoError(t, platform.AddSuppression(ctx, &dnc[i]))
	}

	// Read and covered.
	got, err := asA.ListSuppressions(ctx, zero)
	require.NoError(t, err)
	require.Equal(t, dnc, got, "the platform-wide list, through a client's handle")
	for _, q := range []storage.SuppressionQuery{
		{Client: a.client.ID, Domain: "blocked.example", Channel: channel.Email},
		{Client: a.client.ID, Domain: "BLOCKED.example", Channel: channel.SMS},
		{Client: a.client.ID, Address: "CEO@big.example", Channel: channel.Email},
	} {
		supp, err := asA.Suppressed(ctx, q)
		require.NoError(t, err)
		require.True(t, supp, "%+v", q)
	}
	supp, err := asA.Suppressed(ctx, storage.SuppressionQuery{Client: a.client.ID, Address: "ceo@big.example", Channel: channel.SMS})
	require.NoError(t, err)
	require.False(t, supp, "the address is suppressed on email only")

	// Never added, lifted, changed or deleted by a client.
	require.ErrorIs(t, asA.AddSuppression(ctx, &outbound.Suppression{Domain: "other.example", Since: rlsEpoch}), ErrForbidden)
	lifted, err := asA.LiftSuppression(ctx, storage.KeyOf(&dnc[0]), "client", "wants them back", rlsEpoch.Add(time.Hour))
	require.NoError(t, err)
	require.False(t, lifted)
	n, err := asA.exec(ctx, "UPDATE suppressions SET reason = 'stolen' WHERE client_id IS NULL")
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = asA.exec(ctx, "DELETE FROM suppressions WHERE client_id IS NULL")
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = asA.exec(ctx, "UPDATE suppressions SET client_id = NULL")
	require.ErrorIs(t, wrap(err, "suppressions", stringer("all")), ErrForbidden, "A's own made platform-wide")
	got, err = platform.ListSuppressions(ctx, zero)
	require.NoError(t, err)
	require.Equal(t, dnc, got, "the platform-wide list is as the platform wrote it")

	// A's own, and B's that A neither sees nor lifts.
	lifted, err = asA.LiftSuppression(ctx, storage.KeyOf(&b.supp), "client", "not mine", rlsEpoch.Add(time.Hour))
	require.NoError(t, err)
	require.False(t, lifted, "B's suppression")
	lifted, err = asA.LiftSuppression(ctx, storage.KeyOf(&a.supp), "client", "mine", rlsEpoch.Add(time.Hour))
	require.NoError(t, err)
	require.True(t, lifted, "A's own suppression")
	sps, err := platform.ListSuppressions(ctx, b.client.ID)
	require.NoError(t, err)
	require.Equal(t, []outbound.Suppression{b.supp}, sps, "B's is in force")

	// The platform lifts its own; then nobody is covered by it.
	lifted, err = platform.LiftSuppression(ctx, storage.KeyOf(&dnc[0]), "operator", "removed from the list", rlsEpoch.Add(time.Hour))
	require.NoError(t, err)
	require.True(t, lifted)
	supp, err = asA.Suppressed(ctx, storage.SuppressionQuery{Client: a.client.ID, Domain: "blocked.example", Channel: channel.Email})
	require.NoError(t, err)
	require.False(t, supp)
}

// TestRowLevelSecurityNewRecords checks the records the store keeps for
// work across processes through a client's handle: its own allowances,
// spacing, versions, billing keys, resources and events, none of another
// client's, and no orders at all (the platform's purchases).
func TestRowLevelSecurityNewRecords(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	platform := db.Platform()
	a, b := seedTenant(t, platform, 1), seedTenant(t, platform, 2)
	asA := db.ForClient(a.client.ID)
	ctx := t.Context()

	// Orders: the platform's alone.
	o := outbound.Order{ID: outbound.OrderID{UUID: uuid.UUID{9, 1}}, Key: "buy-1", Kind: outbound.KindDomain, Count: 1,
		State: outbound.OrderPending, CreatedAt: rlsEpoch}
	_, err := asA.CreateOrder(ctx, &o)
	require.ErrorIs(t, err, ErrForbidden)
	stored, err := platform.CreateOrder(ctx, &o)
	require.NoError(t, err)
	require.True(t, stored)
	_, err = asA.GetOrder(ctx, o.ID)
	require.ErrorIs(t, err, ErrForbidden)
	_, err = asA.ListOrders(ctx)
	require.ErrorIs(t, err, ErrForbidden)
	o.State = outbound.OrderFailed
	require.ErrorIs(t, asA.UpdateOrder(ctx, &o), ErrForbidden)

	// Allowances: A's own, none of B's.
	granted, err := asA.TakeAllowance(ctx, a.client.ID, rlsEpoch, 10, 12)
	require.NoError(t, err)
	require.Equal(t, 7, granted, "5 were taken at seeding")
	_, err = asA.TakeAllowance(ctx, b.client.ID, rlsEpoch, 1, 100)
	require.ErrorIs(t, err, ErrForbidden, "B's existing count")
	_, err = asA.TakeAllowance(ctx, b.client.ID, rlsEpoch.Add(time.Hour), 1, 100)
	require.ErrorIs(t, err, ErrForbidden, "a new count for B")
	used, err := asA.AllowanceUsed(ctx, b.client.ID, rlsEpoch)
	require.NoError(t, err)
	require.Zero(t, used, "B's count reads as none")
	require.NoError(t, asA.ReturnAllowance(ctx, b.client.ID, rlsEpoch, 5))
	used, err = platform.AllowanceUsed(ctx, b.client.ID, rlsEpoch)
	require.NoError(t, err)
	require.Equal(t, 5, used, "A's return to B's count changed nothing")

	// Spacing: A's resources, not B's.
	ok, _, err := asA.SpaceSend(ctx, a.resource.ID, rlsEpoch.Add(time.Hour), time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	_, _, err = asA.SpaceSend(ctx, b.resource.ID, rlsEpoch.Add(time.Hour), time.Minute)
	require.ErrorIs(t, err, ErrForbidden, "B's mailbox, spaced already")
	poolBox := outbound.Resource{ID: outbound.ResourceID{UUID: uuid.UUID{9, 2}}, Kind: outbound.KindMailbox, State: outbound.StateAvailable}
	require.NoError(t, platform.CreateResource(ctx, &poolBox))
	_, _, err = asA.SpaceSend(ctx, poolBox.ID, rlsEpoch, time.Minute)
	require.ErrorIs(t, err, ErrForbidden, "a pool mailbox, never spaced")
	ok, _, err = platform.SpaceSend(ctx, b.resource.ID, rlsEpoch.Add(time.Hour), time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "A's tries left B's last send as it was")

	// Versions, billing keys, provider references.
	vs, err := asA.ClientVersions(ctx, []outbound.ClientID{a.client.ID, b.client.ID})
	require.NoError(t, err)
	require.Equal(t, map[outbound.ClientID]int64{a.client.ID: a.client.Version}, vs)
	cb := b.client
	cb.BillingCustomer, cb.BillingSubscription = "cus_B", "sub_B"
	require.NoError(t, platform.UpdateClient(ctx, &cb))
	_, err = asA.FindClientByBilling(ctx, "cus_B", "sub_B")
	require.ErrorIs(t, err, storage.ErrNotFound)
	rb := b.resource
	rb.Provider, rb.ProviderRef = "infraforge", "mbx-b"
	require.NoError(t, platform.UpdateResource(ctx, &rb))
	_, err = asA.FindResource(ctx, "infraforge", "mbx-b")
	require.ErrorIs(t, err, storage.ErrNotFound)

	// Resource writes: B's are not found; A's may not go to B.
	rb.Address = "stolen"
	require.ErrorIs(t, asA.UpdateResource(ctx, &rb), storage.ErrNotFound)
	dom := outbound.Resource{ID: outbound.ResourceID{UUID: uuid.UUID{9, 3}}, Kind: outbound.KindDomain,
		State: outbound.StateAssigned, Client: a.client.ID}
	require.NoError(t, platform.CreateResource(ctx, &dom))
	_, err = asA.MoveResource(ctx, storage.Move{Resource: dom.ID, From: outbound.StateAssigned, FromClient: a.client.ID,
		To: outbound.StateAssigned, ToClient: b.client.ID})
	require.ErrorIs(t, err, ErrForbidden)
	_, err = asA.MoveResource(ctx, storage.Move{Resource: poolBox.ID, From: outbound.StateAvailable,
		To: outbound.StateAssigned, ToClient: a.client.ID})
	require.ErrorIs(t, err, storage.ErrNotFound, "a pool resource is not A's to take")
	got, err := platform.GetResource(ctx, dom.ID)
	require.NoError(t, err)
	require.Equal(t, a.client.ID, got.Client)

	// Events: A's unapplied ones; B's are not found.
	evs, err := asA.UnappliedEvents(ctx, rlsEpoch.Add(time.Hour), 10)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, a.event.ID, evs[0].ID)
	require.ErrorIs(t, asA.MarkEventApplied(ctx, b.event.ID, rlsEpoch), storage.ErrNotFound)
	evs, err = platform.UnappliedEvents(ctx, rlsEpoch.Add(time.Hour), 10)
	require.NoError(t, err)
	require.Len(t, evs, 2, "B's event is still unapplied")
}
