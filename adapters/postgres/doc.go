// Package postgres is the [storage.Store] on PostgreSQL (pgx/v5 and its
// pool): the store a deployment uses to run any number of worker processes
// against one database. It has the semantics package storage documents and
// passes the contract suite
// [github.com/outbound-go/outbound/storage/storagetest.Run], and it keeps each client's
// rows from every other client with row-level security.
//
//	pool, _ := pgxpool.New(ctx, url)
//	_ = postgres.Migrate(ctx, pool)
//	db := postgres.New(pool)
//	platform := db.Platform()        // every client's rows
//	acme := db.ForClient(acmeID)     // acme's rows alone
//
// # Schema
//
// The schema is SQL migrations embedded in the package ([MigrationsFS]),
// in tern's format, applied by [Migrate] with github.com/jackc/tern/v2 in
// the first schema of the pool's search_path; tern's version table there is
// [VersionTable]. Migrate is safe to run twice and from many processes at
// once: tern takes an advisory lock around reading the version and
// migrating, and each migration commits with its new version. A host that
// runs its own migration tool feeds it MigrationsFS instead (each file one
// transaction; the down step follows "---- create above / drop below ----").
//
// Tables: clients, resources, campaigns, leads, enrollments, touches,
// events, suppressions, washes, bookings, orders, allowances, spacing.
// Every instant is timestamptz
// (NULL for Go's zero time, except where a listing orders by it), zones
// are IANA names in text, IDs are uuid, days are date. An optional
// reference (a pool resource's client, a mailbox's domain, an unmatched
// event's client, campaign, lead and touch, a touch's resource, a
// resource's replacement, a platform-wide suppression's client) is NULL
// when unset. Maps (an enrollment's Sticky, an event's Metadata) are jsonb;
// an event's Payload is bytea, kept byte for byte.
// Strings order byte by byte (COLLATE "C") in every listing.
//
// Uniqueness is the database's: unique indexes on a lead's (client_id,
// lower(email)) and (client_id, phone), each where not empty; on an
// enrollment's (lead_id, campaign_id); on an event's (provider,
// provider_event_id); on a suppression's (client, lead, address as
// compared, lower(domain), channel), where every platform-wide suppression
// counts as the nil UUID's; on a client's billing customer and billing
// subscription, each where not empty; on a resource's (provider,
// provider_ref) where both are set; on an order's idempotency key. Emails
// fold case with lower() under the database's
// collation (with a "C" or "POSIX" database collation, ASCII letters only);
// company domains with lower() under "C", ASCII letters only, as package
// storage documents.
//
// # Tenancy and roles
//
// Every table holding a client's rows has a client_id column and ENABLE
// and FORCE ROW LEVEL SECURITY, with two policies: one for the role
// [PlatformRole] that lets every row through, and one for [ClientRole] that
// lets through only rows whose client_id is the setting outbound.client_id
// (no row when it is unset), for reading and for writing alike. Bookings
// have no client_id of their own (a booking follows its resource from
// client to client): their client policy asks that the booking's resource
// be the client's; so do the spacing rows (a mailbox's last send).
// Suppressions have a NULL client_id when platform-wide: the client policy
// lets a client read its own and the platform-wide ones, and add, lift,
// change or delete its own alone. Wash results and orders belong to no
// client and have no policy: the client role may read wash results, and
// has no privilege at all on orders (a purchase is the agency's: every
// Orders method through a client's handle is ErrForbidden); only the
// platform role writes either. Allowances are a client's rows like any
// other.
//
// Each statement of a handle runs in a transaction that first does
// set_config('role', role, true) and set_config('outbound.client_id', id,
// true), both local to that transaction (sent in the same round trip as the
// statement). [DB.ForClient] takes ClientRole with the client's ID, so a
// query through it can neither read nor change another client's rows,
// whatever IDs it is handed: a Get of another client's record is
// ErrNotFound, an Update of one changes nothing and is ErrNotFound, a
// write of a row naming another client is [ErrForbidden], and a listing
// asked for another client's ID is empty. [DB.Platform] takes PlatformRole:
// the explicit unscoped path, for the pool, the planner, the dispatcher and
// inbound events.
//
// The roles are NOLOGIN, neither superuser nor BYPASSRLS; the first
// migration creates them (they are cluster-wide: a cluster's first
// migration needs CREATEROLE) and makes the migrating role a member of
// both. A superuser always passes row-level security by, and a table's
// owner would without FORCE, which is why every transaction switches to
// one of the two roles. A deployment should connect as a role that is
// neither superuser nor the tables' owner, is a member of both roles
// (GRANT outbound_client, outbound_platform TO app), and may be the
// migrating role; any other role, the owner included, sees no row at all,
// since no policy names it.
//
// # Claims
//
// ClaimTouches is one statement: a SELECT ... ORDER BY scheduled_at, id
// LIMIT n FOR UPDATE SKIP LOCKED over a partial index of the unfinished
// touches, and an UPDATE that leases what it locked. Concurrent claims skip
// each other's rows instead of waiting, and a row another claim updated
// first is rechecked against the due rule on its new version, so no touch
// is leased to two workers. UpdateTouch with a worker is one UPDATE ...
// WHERE leased_by = worker, checked on the row as it is when locked.
// NextDue reads three index scans that each stop at their first row.
//
// # Bookings
//
// Reserve is one INSERT ... ON CONFLICT DO UPDATE ... WHERE statement per
// booking: the row of a (resource, action, day) never passes the daily cap,
// checked on the row as locked. The cap of the 7-day windows needs the sums
// of the days around it, which no row lock covers; so when there is a
// weekly cap the same transaction first takes a transaction-level advisory
// lock on the key, hashtextextended(schema/resource/action), and the
// statement reads the sums after it, on a snapshot taken once the previous
// holder committed. The lock and the statement travel in one round trip.
// Release never takes a count below zero.
//
// # Versions and moves
//
// A client's and a resource's version is a column, raised by the statement
// that writes the row. UpdateClient and UpdateResource are one UPDATE ...
// WHERE version = $read: checked on the row as locked, so of two writers
// from one read exactly one passes, and the other gets ErrConflict. Every
// write of a resource also raises, in the same statement, the version of
// the client holding it and of the one that held it. Those client rows are
// locked last, in ID order, after every resource row the statement writes,
// so that no two writers wait for each other in a circle.
//
// UpdateResource and MoveResource first lock the resource's row (SELECT
// ... FOR UPDATE), then run one statement on a snapshot taken after the
// lock; both statements travel in one round trip. MoveResource's statement
// compares the state and holder, counts the target client's assigned,
// unpaused resources of the kind when there is a limit, and moves the
// resource with a domain's mailboxes: all of it or none. A move with a
// limit first takes a transaction-level advisory lock named after the
// schema and the target client, before any row lock, so that moves into
// one client count one after another, each after the previous committed:
// two processes assigning to one client never pass its plan. Moves without
// a limit, and other writes, do not wait for it.
//
// # Batches and events
//
// InsertTouches is one INSERT ... SELECT FROM unnest(one array per column):
// one statement, all or nothing, one round trip for any batch. (COPY would
// be faster on a table without row-level security, but Postgres refuses
// COPY FROM into a table with it.) RecordEvent is INSERT ... ON CONFLICT
// (provider, provider_event_id) DO NOTHING: of concurrent deliveries of one
// webhook exactly one is stored. In the same round trip a second statement
// reads the event stored under that key, on a snapshot taken after the
// insert, so it sees the copy that won even when that copy committed while
// the insert waited for it; a duplicate's caller gets that event (through
// a client's handle, an event the client cannot see leaves *e as given).
// MarkEventApplied keeps the first instant; UnappliedEvents reads a partial
// index of the unapplied events by recording instant. CreateOrder works
// the same way on the order's idempotency key.
//
// # Allowances and spacing
//
// TakeAllowance is one INSERT ... ON CONFLICT DO UPDATE ... WHERE used <
// limit: the grant, least(n, limit - used), is computed and added on the
// row as locked, and kept in the row's granted column for RETURNING, so
// concurrent takes never pass the limit. SpaceSend is one INSERT ... ON
// CONFLICT DO UPDATE ... WHERE last send + gap <= at: of concurrent sends
// from one mailbox at one instant exactly one is recorded. When it refuses,
// the row stays locked and a second statement in the same round trip reads
// the last send it compared with.
//
// # Leader election
//
// [DB.TryLead] takes a session-level advisory lock named after the schema
// and the leadership's name on a connection taken out of the pool, and
// holds it as long as the [Leadership] lives. Release closes that
// connection. When the holding process dies or its connection drops, the
// server ends the session and the lock goes with it, so the next TryLead,
// in any process, succeeds. A leader calls [Leadership.Check] before each
// round of leader-only work and stops once it fails. A machine that
// vanishes without closing its socket holds the lock until the server's TCP
// keepalive gives up on it (tcp_keepalives_idle and friends).
//
// [DB.Elector] is the same election behind the [storage.Elector] seam, for
// distribution.Config.Elector: give every process's Service
// db.Elector("planner") and each dispatches, while only the leader plans
// and runs the daily jobs; it checks its [Leadership] every PollInterval,
// and another process takes over at its next try once the leader's
// session has ended.
//
// # Tests
//
// The tests need a PostgreSQL server: OUTBOUND_TEST_DATABASE_URL, by
// default postgres://postgres@127.0.0.1:5432/test?sslmode=disable. The
// connecting role must be able to create schemas and roles (a superuser is
// simplest: the tests switch roles themselves). Each test creates a schema
// of its own (test_ and 16 hex digits), migrates it through the pool's
// search_path, and drops it with everything in it at the end, so tests run
// in parallel and leave nothing behind but the two roles. Without a server
// the tests skip, unless the environment variable CI is set: then they
// fail. The repository's scripts/test finds or sets up a local server
// (on Debian or Ubuntu) and runs every package's tests with it.
//
//	scripts/test -run 'Contract|RLS'
//	OUTBOUND_TEST_DATABASE_URL=postgres://me@db:5432/scratch go test -race ./adapters/postgres/
//	go test -run '^$' -bench . ./adapters/postgres/
package postgres
