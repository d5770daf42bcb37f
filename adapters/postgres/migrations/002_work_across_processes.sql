-- 002_work_across_processes: what several processes need to share one
-- database safely: client and resource versions, billing keys, resources
-- found by their provider's reference, touches matched by provider, events
-- recorded before they are applied, suppressions by domain and
-- platform-wide that can be lifted, purchase orders, lead allowances and
-- mailbox spacing.
--
-- The conventions of 001_schema hold. This file runs inside one transaction
-- (tern's default), under tern's advisory lock, in the first schema of the
-- search_path. Columns added to existing tables take constant defaults, so
-- no table is rewritten; the index builds and the one backfill (touches
-- awaiting their provider's events) hold their table's write lock until the
-- migration commits.

-- Clients: billing keys, a client-wide sending pause, and the version every
-- write of the client or of a resource it holds (or held) raises.
ALTER TABLE clients
	ADD COLUMN billing_customer     text NOT NULL DEFAULT '',
	ADD COLUMN billing_subscription text NOT NULL DEFAULT '',
	ADD COLUMN sending_paused_at    timestamptz,
	ADD COLUMN sending_pause_reason text NOT NULL DEFAULT '',
	ADD COLUMN version              bigint NOT NULL DEFAULT 1;
-- A renewal finds its client by these: each is unique where set.
CREATE UNIQUE INDEX clients_billing_customer ON clients (billing_customer) WHERE billing_customer <> '';
CREATE UNIQUE INDEX clients_billing_subscription ON clients (billing_subscription) WHERE billing_subscription <> '';

-- Resources: pause history, a paused domain's replacement, and a version.
ALTER TABLE resources
	ADD COLUMN paused_at   timestamptz,
	ADD COLUMN resumed_at  timestamptz,
	ADD COLUMN replaced_by uuid, -- NULL when none
	ADD COLUMN version     bigint NOT NULL DEFAULT 1;
-- A provider's reference names one resource (a provisioning event finds it).
CREATE UNIQUE INDEX resources_provider_ref ON resources (provider, provider_ref)
	WHERE provider <> '' AND provider_ref <> '';
-- A move with a limit counts the target client's usable resources of a kind.
CREATE INDEX resources_usable ON resources (client_id, kind) WHERE state = 'assigned' AND NOT paused;

-- Touches: the provider a touch goes through. Two providers may use the
-- same reference, so an inbound event is matched by both. The touches that
-- may still get events (those with a reference) take their resource's
-- provider, which is what the dispatcher records from now on.
ALTER TABLE touches ADD COLUMN provider text NOT NULL DEFAULT '';
UPDATE touches t SET provider = r.provider
	FROM resources r
	WHERE r.id = t.resource_id AND t.provider_ref <> '' AND r.provider <> '';
DROP INDEX touches_provider_ref;
CREATE INDEX touches_provider_ref ON touches (provider, provider_ref, id) WHERE provider_ref <> '';

-- Events: what an event is about, its payload (billing, provisioning), and
-- when it was applied. Every event recorded before this migration was
-- applied before it was recorded: those read as applied at the migration's
-- instant (a constant default, so no rewrite); new events come unapplied.
ALTER TABLE events
	ADD COLUMN event_kind text NOT NULL DEFAULT 'message',
	ADD COLUMN payload    bytea, -- JSON, kept as given byte for byte; NULL when none
	ADD COLUMN applied_at timestamptz DEFAULT now();
ALTER TABLE events ALTER COLUMN event_kind SET DEFAULT '', ALTER COLUMN applied_at DROP DEFAULT;
-- The sweeper reads the unapplied events, oldest recorded first.
CREATE INDEX events_unapplied ON events (recorded_at NULLS FIRST, id) WHERE applied_at IS NULL;

-- Suppressions: by domain too, platform-wide (a NULL client), and lifted
-- rather than deleted. The key treats every platform-wide suppression as
-- one client's, the nil UUID's; a domain compares in lower case.
ALTER TABLE suppressions DROP CONSTRAINT suppressions_key;
DROP INDEX suppressions_address;
ALTER TABLE suppressions
	ALTER COLUMN client_id DROP NOT NULL, -- NULL: every client
	ADD COLUMN domain      text NOT NULL DEFAULT '', -- an email domain
	ADD COLUMN lifted_at   timestamptz, -- NULL while in force
	ADD COLUMN lifted_by   text NOT NULL DEFAULT '',
	ADD COLUMN lift_reason text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX suppressions_key ON suppressions
	((coalesce(client_id, '00000000-0000-0000-0000-000000000000'::uuid)), lead_id, address_key, (lower(domain)), channel);
CREATE INDEX suppressions_address ON suppressions
	(address_key, (coalesce(client_id, '00000000-0000-0000-0000-000000000000'::uuid)))
	WHERE address_key <> '' AND lifted_at IS NULL;
CREATE INDEX suppressions_domain ON suppressions
	((lower(domain)), (coalesce(client_id, '00000000-0000-0000-0000-000000000000'::uuid)))
	WHERE domain <> '' AND lifted_at IS NULL;
-- A client reads its own suppressions and the platform-wide ones, and
-- writes (adds, lifts, changes, deletes) its own alone.
DROP POLICY client ON suppressions;
CREATE POLICY client_read ON suppressions FOR SELECT TO outbound_client
	USING (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid OR client_id IS NULL);
CREATE POLICY client_insert ON suppressions FOR INSERT TO outbound_client
	WITH CHECK (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid);
CREATE POLICY client_update ON suppressions FOR UPDATE TO outbound_client
	USING (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid)
	WITH CHECK (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid);
CREATE POLICY client_delete ON suppressions FOR DELETE TO outbound_client
	USING (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid);

-- Purchase orders: the platform's alone (the agency buys; no client row,
-- no row-level security, no privilege for the client role).
CREATE TABLE orders (
	id              uuid PRIMARY KEY,
	idempotency_key text NOT NULL,
	kind            text NOT NULL DEFAULT '',
	count           integer NOT NULL DEFAULT 0,
	provider        text NOT NULL DEFAULT '',
	state           text NOT NULL DEFAULT '',
	resources       uuid[], -- NULL until fulfilled
	error           text NOT NULL DEFAULT '',
	created_at      timestamptz,
	updated_at      timestamptz,
	-- A retried purchase finds the first by its key.
	CONSTRAINT orders_key UNIQUE (idempotency_key)
);
CREATE INDEX orders_state ON orders (state, created_at NULLS FIRST, id);
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO outbound_platform;

-- Lead allowances: one row per client and billing period.
CREATE TABLE allowances (
	client_id uuid NOT NULL,
	period    timestamptz NOT NULL, -- the billing period's start
	used      integer NOT NULL CHECK (used >= 0),
	granted   integer NOT NULL DEFAULT 0, -- what the last take added
	PRIMARY KEY (client_id, period)
);

-- Mailbox spacing: the last send of each spaced resource. Like a booking,
-- a row is its resource's and follows it from client to client.
CREATE TABLE spacing (
	resource_id uuid PRIMARY KEY,
	last_at     timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE, DELETE ON allowances, spacing TO outbound_client, outbound_platform;

ALTER TABLE allowances ENABLE ROW LEVEL SECURITY;
ALTER TABLE allowances FORCE ROW LEVEL SECURITY;
CREATE POLICY platform ON allowances TO outbound_platform USING (true) WITH CHECK (true);
CREATE POLICY client ON allowances TO outbound_client
	USING (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid)
	WITH CHECK (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid);

ALTER TABLE spacing ENABLE ROW LEVEL SECURITY;
ALTER TABLE spacing FORCE ROW LEVEL SECURITY;
CREATE POLICY platform ON spacing TO outbound_platform USING (true) WITH CHECK (true);
CREATE POLICY client ON spacing TO outbound_client
	USING (EXISTS (SELECT 1 FROM resources r WHERE r.id = spacing.resource_id
		AND r.client_id = nullif(current_setting('outbound.client_id', true), '')::uuid))
	WITH CHECK (EXISTS (SELECT 1 FROM resources r WHERE r.id = spacing.resource_id
		AND r.client_id = nullif(current_setting('outbound.client_id', true), '')::uuid));

---- create above / drop below ----

DROP TABLE spacing, allowances, orders;

-- Platform-wide and domain suppressions have no place in the first schema.
DELETE FROM suppressions WHERE client_id IS NULL OR domain <> '';
DROP POLICY client_read ON suppressions;
DROP POLICY client_insert ON suppressions;
DROP POLICY client_update ON suppressions;
DROP POLICY client_delete ON suppressions;
CREATE POLICY client ON suppressions TO outbound_client
	USING (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid)
	WITH CHECK (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid);
DROP INDEX suppressions_domain;
DROP INDEX suppressions_address;
DROP INDEX suppressions_key;
ALTER TABLE suppressions
	DROP COLUMN lift_reason, DROP COLUMN lifted_by, DROP COLUMN lifted_at, DROP COLUMN domain,
	ALTER COLUMN client_id SET NOT NULL,
	ADD CONSTRAINT suppressions_key UNIQUE (client_id, lead_id, address_key, channel);
CREATE INDEX suppressions_address ON suppressions (client_id, address_key) WHERE address_key <> '';

DROP INDEX events_unapplied;
ALTER TABLE events DROP COLUMN applied_at, DROP COLUMN payload, DROP COLUMN event_kind;

DROP INDEX touches_provider_ref;
ALTER TABLE touches DROP COLUMN provider;
CREATE INDEX touches_provider_ref ON touches (provider_ref, id) WHERE provider_ref <> '';

DROP INDEX resources_usable;
DROP INDEX resources_provider_ref;
ALTER TABLE resources DROP COLUMN version, DROP COLUMN replaced_by, DROP COLUMN resumed_at, DROP COLUMN paused_at;

DROP INDEX clients_billing_subscription;
DROP INDEX clients_billing_customer;
ALTER TABLE clients DROP COLUMN version, DROP COLUMN sending_pause_reason, DROP COLUMN sending_paused_at,
	DROP COLUMN billing_subscription, DROP COLUMN billing_customer;
