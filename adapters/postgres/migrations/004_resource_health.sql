-- 004_resource_health: a resource's measured health (a mailbox's warmup
-- and placement results) withholds a share of its daily limit: the
-- throttle, in percent, why, and when it was measured.
ALTER TABLE resources
	ADD COLUMN throttle int NOT NULL DEFAULT 0 CHECK (throttle BETWEEN 0 AND 100),
	ADD COLUMN throttle_reason text NOT NULL DEFAULT '',
	ADD COLUMN health_at timestamptz;

---- create above / drop below ----

ALTER TABLE resources
	DROP COLUMN throttle,
	DROP COLUMN throttle_reason,
	DROP COLUMN health_at;
