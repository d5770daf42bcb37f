-- 001_schema: the tables, the two roles the store's handles take, and the
-- row-level security that keeps each client to its own rows.
--
-- Conventions: every instant is timestamptz (NULL for Go's zero time, except
-- where a listing orders by it); every ID is uuid; every zone is an IANA name
-- in text. An optional reference (a pool resource's client, a mailbox's
-- domain, an unmatched event's client, campaign, lead and touch, a touch's
-- resource) is NULL when unset; other references keep the nil UUID.
-- Strings compare byte by byte where a listing orders by them (COLLATE "C").
--
-- This file runs inside one transaction (tern's default), under tern's
-- advisory lock, in the first schema of the search_path.

-- Roles. Cluster-wide, so they may exist already (another schema or
-- database migrated first); a race between two clusters' first migrations is
-- caught. The migrating role becomes a member of both so that the store's
-- handles, connecting as it, can SET ROLE to them.
DO $roles$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['outbound_client', 'outbound_platform'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			BEGIN
				EXECUTE format('CREATE ROLE %I NOLOGIN', r);
			EXCEPTION WHEN duplicate_object OR unique_violation THEN
				NULL;
			END;
		END IF;
		IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
			EXECUTE format('GRANT %I TO %I', r, current_user);
		END IF;
	END LOOP;
	EXECUTE format('GRANT USAGE ON SCHEMA %I TO outbound_client, outbound_platform', current_schema());
END
$roles$;

CREATE TABLE clients (
	client_id    uuid PRIMARY KEY,
	name         text NOT NULL DEFAULT '',
	plan         text NOT NULL DEFAULT '',
	signup_at    timestamptz,
	default_zone text NOT NULL DEFAULT '', -- IANA zone
	state        text NOT NULL DEFAULT '',
	churned_at   timestamptz
);

CREATE TABLE resources (
	id           uuid PRIMARY KEY,
	client_id    uuid, -- NULL while in the pool
	kind         text NOT NULL DEFAULT '',
	parent_id    uuid, -- a mailbox's domain
	provider     text NOT NULL DEFAULT '',
	provider_ref text NOT NULL DEFAULT '',
	address      text NOT NULL DEFAULT '',
	state        text NOT NULL DEFAULT '',
	created_at   timestamptz,
	purchased_at timestamptz,
	paused       boolean NOT NULL DEFAULT false,
	pause_reason text NOT NULL DEFAULT '',
	held_until   timestamptz
);
CREATE INDEX resources_client ON resources (client_id, id);
CREATE INDEX resources_parent ON resources (parent_id, id);
CREATE INDEX resources_kind_state ON resources (kind, state, id);

CREATE TABLE campaigns (
	id         uuid PRIMARY KEY,
	client_id  uuid NOT NULL,
	name       text NOT NULL DEFAULT '',
	sequence   text NOT NULL DEFAULT '',
	state      text NOT NULL DEFAULT '',
	created_at timestamptz
);
CREATE INDEX campaigns_client ON campaigns (client_id, id);

CREATE TABLE leads (
	id             uuid PRIMARY KEY,
	client_id      uuid NOT NULL,
	external_id    text NOT NULL DEFAULT '',
	email          text NOT NULL DEFAULT '',
	phone          text NOT NULL DEFAULT '', -- E.164
	linkedin       text NOT NULL DEFAULT '',
	first_name     text NOT NULL DEFAULT '',
	last_name      text NOT NULL DEFAULT '',
	company        text NOT NULL DEFAULT '',
	company_domain text NOT NULL DEFAULT '',
	title          text NOT NULL DEFAULT '',
	country        text NOT NULL DEFAULT '',
	region         text NOT NULL DEFAULT '',
	city           text NOT NULL DEFAULT '',
	postcode       text NOT NULL DEFAULT '',
	address_line1  text NOT NULL DEFAULT '',
	zone           text NOT NULL DEFAULT '', -- IANA zone
	zone_source    text NOT NULL DEFAULT '',
	score          integer NOT NULL DEFAULT 0,
	tier           text NOT NULL DEFAULT '',
	dncr           text NOT NULL DEFAULT '',
	dncr_washed_at timestamptz,
	created_at     timestamptz
);
CREATE INDEX leads_client ON leads (client_id, id);
-- Within a client no two leads share an email (in any case) or a phone.
CREATE UNIQUE INDEX leads_email ON leads (client_id, lower(email)) WHERE email <> '';
CREATE UNIQUE INDEX leads_phone ON leads (client_id, phone) WHERE phone <> '';
-- Company domains compare with ASCII letters folded only: lower() under "C".
CREATE INDEX leads_company ON leads (lower(company_domain COLLATE "C"), client_id, id) WHERE company_domain <> '';

CREATE TABLE enrollments (
	id           uuid PRIMARY KEY,
	client_id    uuid NOT NULL,
	campaign_id  uuid NOT NULL,
	lead_id      uuid NOT NULL,
	enrolled_on  date NOT NULL, -- the lead's local day 0
	next_step    integer NOT NULL DEFAULT 0,
	state        text NOT NULL DEFAULT '',
	paused_until timestamptz,
	stop_reason  text NOT NULL DEFAULT '',
	sticky       jsonb, -- resource kind -> resource ID
	-- A lead is enrolled in a campaign once; the index is also the listing order.
	CONSTRAINT enrollments_lead_campaign UNIQUE (lead_id, campaign_id)
);
CREATE INDEX enrollments_client ON enrollments (client_id);
CREATE INDEX enrollments_campaign ON enrollments (campaign_id);

CREATE TABLE touches (
	id            uuid PRIMARY KEY,
	client_id     uuid NOT NULL,
	campaign_id   uuid NOT NULL,
	enrollment_id uuid NOT NULL,
	lead_id       uuid NOT NULL,
	step          integer NOT NULL DEFAULT 0,
	step_channel  text NOT NULL DEFAULT '',
	channel       text NOT NULL DEFAULT '',
	action        text COLLATE "C" NOT NULL DEFAULT '',
	resource_id   uuid, -- NULL when none was booked
	day           date NOT NULL, -- the resource-day its capacity was booked on
	scheduled_at  timestamptz NOT NULL,
	sent_at       timestamptz,
	lease_until   timestamptz,
	leased_by     text NOT NULL DEFAULT '',
	attempts      integer NOT NULL DEFAULT 0,
	status        text NOT NULL CHECK (status IN
		('scheduled', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled', 'uncertain')),
	reason        text NOT NULL DEFAULT '',
	provider_ref  text NOT NULL DEFAULT ''
);
-- Claims and NextDue read only the unfinished touches, oldest first.
CREATE INDEX touches_due ON touches (scheduled_at, id) WHERE status IN ('scheduled', 'sending');
CREATE INDEX touches_leased ON touches (lease_until) WHERE status IN ('scheduled', 'sending') AND leased_by <> '';
-- The sending touches are few (in flight): NextDue finds an unleased one here.
CREATE INDEX touches_sending ON touches (id) WHERE status = 'sending';
CREATE INDEX touches_client ON touches (client_id, scheduled_at, id);
CREATE INDEX touches_campaign ON touches (campaign_id);
CREATE INDEX touches_enrollment ON touches (enrollment_id);
CREATE INDEX touches_lead ON touches (lead_id);
CREATE INDEX touches_provider_ref ON touches (provider_ref, id) WHERE provider_ref <> '';
CREATE INDEX touches_resource_sent ON touches (resource_id, sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX touches_action_sent ON touches (action, sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE events (
	id                  uuid PRIMARY KEY,
	client_id           uuid, -- NULL until matched
	campaign_id         uuid,
	lead_id             uuid,
	touch_id            uuid,
	provider            text NOT NULL,
	provider_event_id   text NOT NULL,
	type                text NOT NULL DEFAULT '',
	kind                text NOT NULL DEFAULT '',
	provider_message_id text NOT NULL DEFAULT '',
	idempotency_key     text NOT NULL DEFAULT '',
	from_address        text NOT NULL DEFAULT '',
	to_address          text NOT NULL DEFAULT '',
	at                  timestamptz NOT NULL,
	detail              text NOT NULL DEFAULT '',
	return_at           timestamptz,
	body                text NOT NULL DEFAULT '',
	metadata            jsonb,
	recorded_at         timestamptz,
	-- The deduplication key: a webhook delivered twice applies once.
	CONSTRAINT events_provider_event UNIQUE (provider, provider_event_id)
);
CREATE INDEX events_client ON events (client_id, at, id);
CREATE INDEX events_at ON events (at, id);

CREATE TABLE suppressions (
	client_id   uuid NOT NULL,
	lead_id     uuid NOT NULL, -- the nil UUID when by address only
	address     text NOT NULL DEFAULT '',
	-- How addresses compare: emails without regard to case, anything else exactly.
	address_key text NOT NULL GENERATED ALWAYS AS
		(CASE WHEN strpos(address, '@') > 0 THEN lower(address) ELSE address END) STORED,
	channel     text NOT NULL DEFAULT '', -- '' is every channel
	reason      text NOT NULL DEFAULT '',
	since       timestamptz NOT NULL,
	CONSTRAINT suppressions_key UNIQUE (client_id, lead_id, address_key, channel)
);
CREATE INDEX suppressions_address ON suppressions (client_id, address_key) WHERE address_key <> '';

-- Do Not Call Register results belong to no client.
CREATE TABLE washes (
	phone     text COLLATE "C" PRIMARY KEY,
	status    text NOT NULL DEFAULT '',
	washed_at timestamptz NOT NULL
);
CREATE INDEX washes_washed_at ON washes (washed_at);

-- Capacity bookings: one row per resource, action and local day. A
-- booking is its resource's, so it has no client_id of its own: it follows
-- the resource from client to client.
CREATE TABLE bookings (
	resource_id uuid NOT NULL,
	action      text COLLATE "C" NOT NULL,
	day         date NOT NULL,
	count       integer NOT NULL CHECK (count >= 0),
	PRIMARY KEY (resource_id, action, day)
);

GRANT SELECT, INSERT, UPDATE, DELETE
	ON clients, resources, campaigns, leads, enrollments, touches, events, suppressions, bookings
	TO outbound_client, outbound_platform;
GRANT SELECT, INSERT, UPDATE, DELETE ON washes TO outbound_platform;
GRANT SELECT ON washes TO outbound_client;

-- Row-level security. FORCE makes it hold for the tables' owner too; only a
-- superuser (or a BYPASSRLS role) is above it, which is why the store's
-- handles SET ROLE to outbound_client or outbound_platform in every
-- transaction. The platform role sees every row; the client role sees and
-- writes only rows whose client_id is the transaction's outbound.client_id
-- setting (none when it is unset). No policy names any other role, so any
-- other role that is not a superuser sees no row at all.
DO $rls$
DECLARE
	t text;
	mine constant text := 'client_id = nullif(current_setting(''outbound.client_id'', true), '''')::uuid';
BEGIN
	FOREACH t IN ARRAY ARRAY['clients', 'resources', 'campaigns', 'leads', 'enrollments', 'touches', 'events', 'suppressions'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY platform ON %I TO outbound_platform USING (true) WITH CHECK (true)', t);
		EXECUTE format('CREATE POLICY client ON %I TO outbound_client USING (%s) WITH CHECK (%s)', t, mine, mine);
	END LOOP;
END
$rls$;

-- A booking is a client's while its resource is.
ALTER TABLE bookings ENABLE ROW LEVEL SECURITY;
ALTER TABLE bookings FORCE ROW LEVEL SECURITY;
CREATE POLICY platform ON bookings TO outbound_platform USING (true) WITH CHECK (true);
CREATE POLICY client ON bookings TO outbound_client
	USING (EXISTS (SELECT 1 FROM resources r WHERE r.id = bookings.resource_id
		AND r.client_id = nullif(current_setting('outbound.client_id', true), '')::uuid))
	WITH CHECK (EXISTS (SELECT 1 FROM resources r WHERE r.id = bookings.resource_id
		AND r.client_id = nullif(current_setting('outbound.client_id', true), '')::uuid));

---- create above / drop below ----

-- The roles stay: other schemas or databases of the cluster may use them.
DROP TABLE bookings, washes, suppressions, events, touches, enrollments, leads, campaigns, resources, clients;
