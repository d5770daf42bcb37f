-- 006_meetings_and_scores: what a lead's score is made of and how the lead
-- has engaged, the company facts a score reads, the meetings leads book,
-- and the answers to their replies: a touch's own text, drafts waiting for
-- approval, and how each client wants its replies answered.
ALTER TABLE leads
	ADD COLUMN industry text NOT NULL DEFAULT '',
	ADD COLUMN employees integer NOT NULL DEFAULT 0 CHECK (employees >= 0),
	ADD COLUMN score_signals jsonb, -- NULL: a score the import gave, unexplained
	ADD COLUMN engaged text[];      -- NULL: not engaged yet

ALTER TABLE touches
	ADD COLUMN subject text NOT NULL DEFAULT '',
	ADD COLUMN body text NOT NULL DEFAULT '';
ALTER TABLE touches DROP CONSTRAINT touches_status_check;
ALTER TABLE touches ADD CONSTRAINT touches_status_check CHECK (status IN
	('scheduled', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled', 'uncertain', 'pending', 'draft'));
CREATE INDEX touches_drafts ON touches (client_id, scheduled_at, id) WHERE status = 'draft';

-- Who a campaign is for: its leads are scored by their fit.
ALTER TABLE campaigns ADD COLUMN icp jsonb;

ALTER TABLE clients
	ADD COLUMN answers text NOT NULL DEFAULT '',
	ADD COLUMN booking_url text NOT NULL DEFAULT '';

-- One row per scheduling provider and booking: a redelivered booking
-- writes the same row.
CREATE TABLE meetings (
	provider    text NOT NULL,
	booking     text NOT NULL,
	client_id   uuid NOT NULL,
	lead_id     uuid NOT NULL,
	campaign_id uuid,
	replaces    text NOT NULL DEFAULT '',
	status      text NOT NULL,
	title       text NOT NULL DEFAULT '',
	start_at    timestamptz NOT NULL,
	end_at      timestamptz,
	url         text NOT NULL DEFAULT '',
	crm_contact text NOT NULL DEFAULT '',
	crm_deal    text NOT NULL DEFAULT '',
	booked_at   timestamptz,
	updated_at  timestamptz,
	PRIMARY KEY (provider, booking)
);
CREATE INDEX meetings_client ON meetings (client_id, start_at, provider, booking);
CREATE INDEX meetings_lead ON meetings (lead_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON meetings TO outbound_client, outbound_platform;
ALTER TABLE meetings ENABLE ROW LEVEL SECURITY;
ALTER TABLE meetings FORCE ROW LEVEL SECURITY;
CREATE POLICY platform ON meetings TO outbound_platform USING (true) WITH CHECK (true);
CREATE POLICY client ON meetings TO outbound_client
	USING (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid)
	WITH CHECK (client_id = nullif(current_setting('outbound.client_id', true), '')::uuid);

---- create above / drop below ----

DROP TABLE meetings;
ALTER TABLE clients DROP COLUMN booking_url, DROP COLUMN answers;
ALTER TABLE campaigns DROP COLUMN icp;
-- Earlier schemas have no drafts: one still waiting is cancelled and says why.
DROP INDEX touches_drafts;
UPDATE touches SET status = 'cancelled', reason = 'schema_downgraded' WHERE status = 'draft';
ALTER TABLE touches DROP CONSTRAINT touches_status_check;
ALTER TABLE touches ADD CONSTRAINT touches_status_check CHECK (status IN
	('scheduled', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled', 'uncertain', 'pending'));
ALTER TABLE touches DROP COLUMN body, DROP COLUMN subject;
ALTER TABLE leads DROP COLUMN engaged, DROP COLUMN score_signals, DROP COLUMN employees, DROP COLUMN industry;
