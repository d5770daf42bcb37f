-- 003_pending_touches: a touch may wait for the planner to book it a slot
-- (status 'pending'): a touch moved off its slot at send time, a fallback
-- or a follow-up. Only the planner's pass books, in (scheduled_at, id)
-- order, reading the pending touches through their own small index.
ALTER TABLE touches DROP CONSTRAINT touches_status_check;
ALTER TABLE touches ADD CONSTRAINT touches_status_check CHECK (status IN
	('scheduled', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled', 'uncertain', 'pending'));
CREATE INDEX touches_pending ON touches (scheduled_at, id) WHERE status = 'pending';

---- create above / drop below ----

-- The first two schemas have no pending touch: one still waiting for the
-- planner is cancelled (it holds no capacity) and says why.
DROP INDEX touches_pending;
UPDATE touches SET status = 'cancelled', reason = 'schema_downgraded' WHERE status = 'pending';
ALTER TABLE touches DROP CONSTRAINT touches_status_check;
ALTER TABLE touches ADD CONSTRAINT touches_status_check CHECK (status IN
	('scheduled', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled', 'uncertain'));
